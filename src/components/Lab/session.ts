// One training run of the lab: the networks, their optimizers, the seeded random stream, the loss
// history, and the numbers every view draws. No DOM here: TensorFlow.js and the library come in as
// arguments, so Node tests (test/lab/) drive the very code the page runs. Every tensor made here is
// disposed before a method returns, except the run's own (weights, optimizer slots, fixed inputs),
// which dispose() frees.
import type * as TF from '@tensorflow/tfjs';
import type * as Genlab from 'genlab/browser';
import { PLANE, type LabConfig } from './config';

export interface LabDeps {
  tf: typeof TF;
  genlab: typeof Genlab;
}

/** The grid of the heat maps and of the density estimates. */
export const LAB_GRID: Genlab.PlaneGrid = { min: -PLANE, max: PLANE, size: 64 };
/** Width b of the Gaussian that smooths both p_data and the generated points before D* and the JSD (see smoothing below). */
export const KDE_BANDWIDTH = 0.1;
/** Fixed latent points whose images the views show (and the density estimate of p_g uses). */
export const VIEW_POINTS = 1024;
/** Generated points that get a gradient arrow. */
export const ARROWS = 96;
/** Data points whose posteriors the VAE view draws. */
export const POSTERIORS = 24;
const VIEW_SEED_OFFSET = 7919;

export interface GanViews {
  kind: 'gan';
  /** Generated points G(z) for the fixed view latents, flat [x, y, …]. */
  fake: Float32Array;
  /** D(x) = sigmoid(logit) on the grid cells. */
  d: Float32Array;
  /** D* = p_data / (p_data + p̂_g) on the grid cells (both smoothed, see KDE_BANDWIDTH). */
  dStar: Float64Array;
  /** The smoothed densities D* was computed from, normalized on the grid. */
  pData: Float64Array;
  pG: Float64Array;
  /** ∂ℓ_G/∂x at the first ARROWS generated points, for each loss. */
  gradNonSaturating: Float32Array;
  gradMinimax: Float32Array;
  /** Mean |∂ℓ_G/∂x| over those points. */
  meanGrad: { nonSaturating: number; minimax: number };
  /** Mean D(G(z)) over the view points. */
  meanDFake: number;
  /** Lines of the latent lattice mapped through G, each flat [x, y, …]. */
  warped: Float32Array[];
  jsd: number;
  /** V(D, G) on the grid with the current D, and V(D*, G) = −log 4 + 2·JSD. */
  value: number;
  valueAtOptimum: number;
  /** ring8 only: modes with ≥ 2 % of the view points within 3σ (modeCoverage). */
  covered?: number;
}

export interface VaeViews {
  kind: 'vae';
  /** Decoder means μ_θ(z) for the fixed prior samples z ~ N(0, I): what the model generates. */
  fake: Float32Array;
  /** Reconstructions μ_θ(μ_φ(x)) of the posterior points. */
  reconstruction: Float32Array;
  /** The posterior points x and q_φ(z|x) = N(mean, diag exp(logVar)) for each. */
  posteriorX: Float32Array;
  posteriorMean: Float32Array;
  posteriorLogVar: Float32Array;
  warped: Float32Array[];
}

export interface LabHistory {
  /** GAN: L_D of each discriminator step, L_G of each generator step (batch values before the update). */
  d: number[];
  g: number[];
  /** GAN: grid estimates at the moments the views were computed. */
  metrics: { gStep: number; value: number; valueAtOptimum: number; jsd: number }[];
  /** VAE: −ELBO, E_q log p(x|z) and KL of each step. */
  loss: number[];
  reconstruction: number[];
  kl: number[];
}

function latentLattice(latent: 1 | 2): number[][][] {
  const ticks = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2];
  const along = Array.from({ length: 41 }, (_, i) => -2.5 + (5 * i) / 40);
  if (latent === 1) return [Array.from({ length: 121 }, (_, i) => [-3 + (6 * i) / 120])];
  return [...ticks.map((u) => along.map((v) => [u, v])), ...ticks.map((v) => along.map((u) => [u, v]))];
}

export class LabSession {
  readonly config: LabConfig;
  readonly history: LabHistory = { d: [], g: [], metrics: [], loss: [], reconstruction: [], kl: [] };
  dSteps = 0;
  gSteps = 0;
  vaeSteps = 0;
  private readonly tf: typeof TF;
  private readonly lib: typeof Genlab;
  private readonly rng: Genlab.Rng;
  readonly mixture: Genlab.Mixture2d;
  private readonly gan?: Genlab.Gan;
  private readonly vae?: Genlab.Vae;
  private readonly optimizers: TF.Optimizer[] = [];
  private readonly fixed: TF.Tensor[] = [];
  private readonly zView: TF.Tensor2D;
  private readonly gridX: TF.Tensor2D;
  private readonly lattice: TF.Tensor2D;
  private readonly latticeLines: number[];
  private readonly posteriorX?: TF.Tensor2D;
  /** p_data smoothed by the KDE kernel and normalized on the grid (fixed for a run). */
  readonly pDataSmoothed: Float64Array;
  /** A fixed sample of the data, for drawing. */
  readonly realShown: Float32Array;
  private pending: { scalar: TF.Scalar; into: number[] }[] = [];
  private disposed = false;

  constructor(deps: LabDeps, config: LabConfig) {
    const { tf, genlab } = deps;
    this.tf = tf;
    this.lib = genlab;
    this.config = config;
    this.rng = new genlab.Rng(`lab-${config.seed}`);
    this.mixture = genlab.toy2dMixture(config.data, config.drawn);
    const smoothed = { centers: this.mixture.centers, std: Math.hypot(this.mixture.std, KDE_BANDWIDTH) };
    this.pDataSmoothed = genlab.normalizeOnGrid(genlab.mixtureDensityOnGrid(smoothed, LAB_GRID), LAB_GRID);
    const shown = genlab.sampleMixture2d(this.mixture, 512, config.seed + VIEW_SEED_OFFSET);
    this.realShown = shown.dataSync() as Float32Array;
    shown.dispose();

    if (config.model === 'gan') {
      this.gan = genlab.createToyGan({ latentDim: config.latent, hidden: config.hidden, seed: config.seed });
      // Adam with β1 = 0.5 (Radford et al.), the library's GAN default, one per network.
      this.optimizers.push(tf.train.adam(config.lrD, 0.5), tf.train.adam(config.lrG, 0.5));
    } else {
      this.vae = genlab.createToyVae({ latentDim: config.latent, hidden: config.hidden, seed: config.seed });
      this.optimizers.push(tf.train.adam(config.lrV));
      this.posteriorX = this.keep(genlab.sampleMixture2d(this.mixture, POSTERIORS, config.seed + 2 * VIEW_SEED_OFFSET));
    }
    this.zView = this.keep(genlab.sampleLatent(VIEW_POINTS, config.latent, config.seed + VIEW_SEED_OFFSET));
    this.gridX = this.keep(tf.tensor2d(genlab.gridPoints(LAB_GRID), [LAB_GRID.size ** 2, 2]));
    const lines = latentLattice(config.latent);
    this.latticeLines = lines.map((l) => l.length);
    this.lattice = this.keep(tf.tensor2d(lines.flat(2), [this.latticeLines.reduce((a, b) => a + b, 0), config.latent]));
  }

  private keep<T extends TF.Tensor>(t: T): T {
    this.fixed.push(t);
    return t;
  }

  /** Training iterations so far: generator steps for a GAN, updates for a VAE. */
  get step(): number {
    return this.config.model === 'gan' ? this.gSteps : this.vaeSteps;
  }

  /** One discriminator update on a fresh real batch and fresh noise; changes D's weights only. */
  discriminatorStep(): void {
    const gan = this.gan!;
    const real = this.lib.sampleMixture2d(this.mixture, this.config.batch, this.rng.seed());
    const loss = this.lib.discriminatorStep(gan, this.optimizers[0], real, this.rng.seed());
    real.dispose();
    this.pending.push({ scalar: loss, into: this.history.d });
    this.dSteps++;
  }

  /** One generator update on fresh noise through the current D; changes G's weights only. */
  generatorStep(): void {
    const loss = this.lib.generatorStep(this.gan!, this.optimizers[1], this.config.batch, this.rng.seed(), this.config.loss);
    this.pending.push({ scalar: loss, into: this.history.g });
    this.gSteps++;
  }

  /** One VAE update: −ELBO on a fresh batch with one reparameterized z each. */
  vaeStep(): void {
    const real = this.lib.sampleMixture2d(this.mixture, this.config.batch, this.rng.seed());
    const r = this.lib.gaussianVaeStep(this.vae!, this.optimizers[0], real, this.rng.seed(), this.config.decoderStd);
    real.dispose();
    this.pending.push(
      { scalar: r.loss, into: this.history.loss },
      { scalar: r.reconstruction, into: this.history.reconstruction },
      { scalar: r.kl, into: this.history.kl },
    );
    this.vaeSteps++;
  }

  /** One training iteration: k discriminator steps then one generator step (GAN), or one VAE update. */
  trainStep(): void {
    if (this.config.model === 'vae') {
      this.vaeStep();
      return;
    }
    for (let i = 0; i < this.config.dSteps; i++) this.discriminatorStep();
    this.generatorStep();
  }

  /** Reads every loss computed since the last call back from the backend in one transfer, into the history. */
  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const pending = this.pending;
    this.pending = [];
    const all = this.tf.stack(pending.map((p) => p.scalar));
    const values = await all.data();
    this.tf.dispose([all, ...pending.map((p) => p.scalar)]);
    pending.forEach((p, i) => p.into.push(values[i]));
  }

  /** Everything the views draw for the current weights. Draws no random numbers: views never change the run. */
  async views(): Promise<GanViews | VaeViews> {
    return this.config.model === 'gan' ? this.ganViews() : this.vaeViews();
  }

  private splitLines(flat: Float32Array): Float32Array[] {
    let at = 0;
    return this.latticeLines.map((n) => flat.slice(2 * at, 2 * (at += n)));
  }

  private async ganViews(): Promise<GanViews> {
    const { tf, lib } = this;
    const gan = this.gan!;
    const zArrows = tf.tidy(() => this.zView.slice([0, 0], [ARROWS, this.config.latent]));
    const tensors = tf.tidy(() => {
      const fake = gan.generator.apply(this.zView, { training: false }) as TF.Tensor;
      const dGrid = gan.discriminator.apply(this.gridX, { training: false }) as TF.Tensor;
      const dFake = tf.mean(tf.sigmoid(gan.discriminator.apply(fake, { training: false }) as TF.Tensor));
      return [
        fake,
        dGrid,
        dFake,
        lib.generatorPointGradients(gan, zArrows, 'non-saturating'),
        lib.generatorPointGradients(gan, zArrows, 'minimax'),
        gan.generator.apply(this.lattice, { training: false }) as TF.Tensor,
      ];
    });
    zArrows.dispose();
    const [fake, dLogit, dFake, gNs, gMm, warped] = (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
    tf.dispose(tensors);
    const pG = lib.normalizeOnGrid(lib.kernelDensityOnGrid(fake, LAB_GRID, KDE_BANDWIDTH), LAB_GRID);
    const pData = this.pDataSmoothed;
    const area = lib.gridCellSize(LAB_GRID) ** 2;
    const dLogits = Float64Array.from(dLogit);
    const d = Float32Array.from(dLogit, (l) => 1 / (1 + Math.exp(-l)));
    const jsd = lib.jensenShannonDivergence(pData, pG, area);
    const meanNorm = (g: Float32Array) => {
      let s = 0;
      for (let i = 0; i < g.length / 2; i++) s += Math.hypot(g[2 * i], g[2 * i + 1]);
      return s / (g.length / 2);
    };
    const views: GanViews = {
      kind: 'gan',
      fake,
      d,
      dStar: lib.optimalDiscriminator(pData, pG),
      pData,
      pG,
      gradNonSaturating: gNs,
      gradMinimax: gMm,
      meanGrad: { nonSaturating: meanNorm(gNs), minimax: meanNorm(gMm) },
      meanDFake: dFake[0],
      warped: this.splitLines(warped),
      jsd,
      value: lib.ganValueOnGrid(pData, pG, dLogits, area),
      valueAtOptimum: -Math.log(4) + 2 * jsd,
      covered: this.config.data === 'ring8' ? lib.modeCoverage(fake).covered : undefined,
    };
    const last = this.history.metrics[this.history.metrics.length - 1];
    if (!last || last.gStep !== this.gSteps) this.history.metrics.push({ gStep: this.gSteps, value: views.value, valueAtOptimum: views.valueAtOptimum, jsd });
    return views;
  }

  private async vaeViews(): Promise<VaeViews> {
    const { tf } = this;
    const vae = this.vae!;
    const tensors = tf.tidy(() => {
      const h = vae.encoder.apply(this.posteriorX!, { training: false }) as TF.Tensor2D;
      const [mean, logVar] = tf.split(h, 2, 1);
      return [
        vae.decoder.apply(this.zView, { training: false }) as TF.Tensor,
        vae.decoder.apply(mean, { training: false }) as TF.Tensor,
        mean,
        logVar,
        vae.decoder.apply(this.lattice, { training: false }) as TF.Tensor,
      ];
    });
    const [fake, reconstruction, mean, logVar, warped] = (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
    tf.dispose(tensors);
    return {
      kind: 'vae',
      fake,
      reconstruction,
      posteriorX: this.posteriorX!.dataSync() as Float32Array,
      posteriorMean: mean,
      posteriorLogVar: logVar,
      warped: this.splitLines(warped),
    };
  }

  /** The current weights, per network, as plain arrays (tests check which network a step changed). */
  weights(): Record<string, number[][]> {
    const models: Record<string, TF.LayersModel> = this.gan
      ? { discriminator: this.gan.discriminator, generator: this.gan.generator }
      : { encoder: this.vae!.encoder, decoder: this.vae!.decoder };
    return Object.fromEntries(Object.entries(models).map(([k, m]) => [k, m.getWeights().map((w) => Array.from(w.dataSync()))]));
  }

  /** Frees the weights, the optimizers' slots, the fixed inputs and any unread losses. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tf.dispose(this.pending.map((p) => p.scalar));
    this.pending = [];
    this.optimizers.forEach((o) => o.dispose());
    if (this.gan) this.lib.disposeGan(this.gan);
    if (this.vae) this.lib.disposeVae(this.vae);
    this.tf.dispose(this.fixed);
  }
}
