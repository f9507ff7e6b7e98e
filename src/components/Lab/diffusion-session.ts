// The lab's diffusion run: a small MLP denoiser ε_θ trained with the library's diffusionTrainStep
// (Ho et al. 2020, Algorithm 1) on the chosen 2-D data, and the numbers its views draw: the
// forward noising of the shown data at every t, the reverse trajectories of a few points through
// the sampler's steps, a cloud of samples, and the ε-prediction loss. Same contract as LabSession
// (session.ts): no DOM, every tensor made here freed before a method returns except the run's own.
import type * as TF from '@tensorflow/tfjs';
import type * as Genlab from 'genlab/browser';
import type { LabConfig } from './config';
import { LabSession, type GanViews, type LabDeps, type LabHistory, type VaeViews } from './session';

/** Generated points the views show (and the mode coverage counts). */
export const DIFFUSION_SAMPLES = 512;
/** The first samples, whose way from x_T to x_0 is drawn. */
export const TRAJECTORIES = 12;
/** Data points the forward view noises. */
export const FORWARD_POINTS = 512;
/**
 * A mode counts as covered when this share of the samples lies within 3σ of it: 0.5 %, four times
 * what N(0, I) puts there. A briefly trained denoiser learns where the ring is well before it learns
 * how narrow each mode is, so the GAN's 2 % would call it collapsed while its samples sit on all modes.
 */
export const COVERAGE_SHARE = 0.005;
const VIEW_SEED_OFFSET = 7919;
/** Longest stretch of sampling (ms) before the page gets a turn: well under a frame's worth of input delay. */
export const YIELD_MS = 25;

export interface DiffusionViews {
  kind: 'diffusion';
  /** Samples x_0 from the sampler, flat [x, y, …], DIFFUSION_SAMPLES of them. */
  fake: Float32Array;
  /** One polyline per trajectory, flat [x, y, …]: x_T, then x after each sampler step, ending at the sample. */
  trajectories: Float32Array[];
  /** The t of each trajectory point: T, then the steps the sampler reached, down to 0. */
  trajectoryTimes: number[];
  /** ring8 only: modes with ≥ COVERAGE_SHARE of the samples within 3σ (modeCoverage). */
  covered?: number;
}

export type LabViews = GanViews | VaeViews | DiffusionViews;

export class DiffusionSession {
  readonly config: LabConfig;
  /** `loss` holds the ε-prediction MSE of each step (the other series stay empty). */
  readonly history: LabHistory = { d: [], g: [], metrics: [], loss: [], reconstruction: [], kl: [] };
  readonly dSteps = 0;
  readonly gSteps = 0;
  steps = 0;
  readonly mixture: Genlab.Mixture2d;
  readonly schedule: Genlab.NoiseSchedule;
  /** A fixed sample of the data, for drawing (the points the forward view noises, too). */
  readonly realShown: Float32Array;
  private readonly tf: typeof TF;
  private readonly lib: typeof Genlab;
  private readonly rng: Genlab.Rng;
  private readonly denoiser: Genlab.Denoiser;
  private readonly optimizer: TF.Optimizer;
  /** The shown data and one fixed ε per point, so the forward view moves each point along one path. */
  private readonly x0: TF.Tensor2D;
  private readonly eps: TF.Tensor2D;
  private forwardCache?: Promise<Float32Array[]>;
  private pending: TF.Scalar[] = [];
  private viewsQueue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(deps: LabDeps, config: LabConfig) {
    const { tf, genlab } = deps;
    this.tf = tf;
    this.lib = genlab;
    this.config = config;
    this.rng = new genlab.Rng(`lab-${config.seed}`);
    this.mixture = genlab.toy2dMixture(config.data, config.drawn);
    this.schedule = genlab.cosineSchedule(config.diffusionSteps);
    this.x0 = genlab.sampleMixture2d(this.mixture, FORWARD_POINTS, config.seed + VIEW_SEED_OFFSET);
    this.realShown = this.x0.dataSync() as Float32Array;
    this.eps = genlab.sampleLatent(FORWARD_POINTS, 2, config.seed + 2 * VIEW_SEED_OFFSET);
    this.denoiser = genlab.createMlpDenoiser({ hidden: config.hidden, seed: config.seed });
    this.optimizer = tf.train.adam(config.lrV);
  }

  get step(): number {
    return this.steps;
  }

  /** One update: a fresh data batch, t ~ U{1 … T} and ε ~ N(0, I) per point, descend ‖ε − ε_θ(x_t, t)‖². */
  trainStep(): void {
    const x0 = this.lib.sampleMixture2d(this.mixture, this.config.batch, this.rng.seed());
    const seeds = { t: this.rng.seed(), noise: this.rng.seed(), dropout: this.rng.seed() };
    const { loss } = this.lib.diffusionTrainStep(this.denoiser, this.schedule, this.optimizer, x0, seeds);
    x0.dispose();
    this.pending.push(loss);
    this.steps++;
  }

  /** Reads the losses of the steps since the last call back in one transfer. */
  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const pending = this.pending;
    this.pending = [];
    const all = this.tf.stack(pending);
    const values = await all.data();
    this.tf.dispose([all, ...pending]);
    this.history.loss.push(...values);
  }

  /**
   * x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε (Ho et al. eq. 4) of the shown points for t = 0 … T, each flat
   * [x, y, …]; one fixed ε per point. It does not depend on the weights, so it is computed once.
   */
  forward(): Promise<Float32Array[]> {
    this.forwardCache ??= (async () => {
      const { tf } = this;
      const T = this.schedule.steps;
      const xt = tf.tidy(() => {
        const t = tf.tensor1d(
          Array.from({ length: T * FORWARD_POINTS }, (_, i) => 1 + Math.floor(i / FORWARD_POINTS)),
          'int32',
        );
        return this.lib.qSample(this.schedule, tf.tile(this.x0, [T, 1]), t, tf.tile(this.eps, [T, 1]));
      });
      const flat = (await xt.data()) as Float32Array;
      xt.dispose();
      const n = 2 * FORWARD_POINTS;
      return [this.realShown, ...Array.from({ length: T }, (_, k) => flat.slice(k * n, (k + 1) * n))];
    })();
    return this.forwardCache;
  }

  /**
   * Samples from the current ε_θ with the configured sampler (T network calls for ancestral
   * sampling, S for DDIM), from the same seeded x_T every time, so the views show the model
   * changing and not the noise; the first TRAJECTORIES samples keep every step. Draws no number
   * from the run's random stream. The sampler runs one step at a time and gives the page a turn
   * every YIELD_MS, so a slow backend never freezes it; calls run one after another, so at most
   * one trajectory holds tensors. Resolves to undefined when the run is disposed meanwhile.
   */
  views(): Promise<DiffusionViews | undefined> {
    const next = this.viewsQueue.then(() => this.sampleViews());
    this.viewsQueue = next.catch(() => undefined);
    return next;
  }

  private async sampleViews(): Promise<DiffusionViews | undefined> {
    const { tf, lib, config } = this;
    if (this.disposed) return undefined;
    const options = { shape: [2], n: DIFFUSION_SAMPLES, seed: config.seed + VIEW_SEED_OFFSET };
    const trajectory =
      config.sampler === 'ddim'
        ? lib.ddimSteps(this.denoiser, this.schedule, { ...options, steps: Math.min(config.samplerSteps, this.schedule.steps) })
        : lib.ancestralSteps(this.denoiser, this.schedule, options);
    const path: TF.Tensor[] = [];
    const times: number[] = [];
    let x: TF.Tensor | undefined;
    let turn = performance.now();
    try {
      for (let state = trajectory.next(); !state.done; state = trajectory.next()) {
        times.push(state.value.t);
        path.push(tf.slice(state.value.x, [0, 0], [TRAJECTORIES, 2]));
        if (state.value.t === 0) x = tf.clone(state.value.x);
        if (performance.now() - turn > YIELD_MS) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          turn = performance.now();
          if (this.disposed) return undefined;
        }
      }
      if (!x) return undefined;
      // [steps + 1, TRAJECTORIES, 2] → [TRAJECTORIES, steps + 1, 2]: one polyline per point.
      const stacked = tf.tidy(() => tf.transpose(tf.stack(path), [1, 0, 2]));
      const [fake, lines] = (await Promise.all([x.data(), stacked.data()])) as Float32Array[];
      stacked.dispose();
      const per = 2 * times.length;
      return {
        kind: 'diffusion',
        fake,
        trajectories: Array.from({ length: TRAJECTORIES }, (_, i) => lines.slice(i * per, (i + 1) * per)),
        trajectoryTimes: times,
        covered: config.data === 'ring8' ? lib.modeCoverage(fake, undefined, COVERAGE_SHARE).covered : undefined,
      };
    } finally {
      trajectory.return();
      tf.dispose([...path, ...(x ? [x] : [])]);
    }
  }

  weights(): Record<string, number[][]> {
    return { denoiser: this.denoiser.model.getWeights().map((w) => Array.from(w.dataSync())) };
  }

  /** Frees the weights, the optimizer's slots, the fixed inputs and any unread losses. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tf.dispose([...this.pending, this.x0, this.eps]);
    this.pending = [];
    this.optimizer.dispose();
    this.lib.disposeDenoiser(this.denoiser);
  }
}

export type LabRun = LabSession | DiffusionSession;

/** The run a configuration asks for: a GAN or VAE LabSession, or a DiffusionSession. */
export function createLabRun(deps: LabDeps, config: LabConfig): LabRun {
  return config.model === 'diffusion' ? new DiffusionSession(deps, config) : new LabSession(deps, config);
}
