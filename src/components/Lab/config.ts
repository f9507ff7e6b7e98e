// The lab's whole configuration and its round trip through the page address. Pure functions, no
// browser and no TensorFlow.js, so Node tests cover them directly (test/lab/config.test.ts).
import type { Toy2dKind } from 'genlab/browser';

export type LabModel = 'gan' | 'vae' | 'diffusion';
export type LabSampler = 'ancestral' | 'ddim';
export type LabLoss = 'non-saturating' | 'minimax';
export type LabBackend = 'auto' | 'webgpu' | 'webgl' | 'cpu';

export interface LabConfig {
  model: LabModel;
  data: Toy2dKind;
  /** Seeds the weights, the data batches and the noise: same config, same backend → same run. */
  seed: number;
  /** GAN generator loss. */
  loss: LabLoss;
  /** Discriminator steps per generator step (k in Goodfellow et al.'s Algorithm 1). */
  dSteps: number;
  lrD: number;
  lrG: number;
  /** Hidden layer sizes of both networks (GAN: ReLU/LeakyReLU; VAE: tanh). */
  hidden: number[];
  /** Size of z: 1 or 2. */
  latent: 1 | 2;
  batch: number;
  /** VAE: learning rate of Adam on encoder and decoder together; diffusion: of Adam on the denoiser. */
  lrV: number;
  /** VAE: σ_x of the Gaussian decoder. */
  decoderStd: number;
  /** Diffusion: T, the number of noising steps (cosine schedule). */
  diffusionSteps: number;
  /** Diffusion: the sampler the views draw with, and DDIM's number of steps S ≤ T. */
  sampler: LabSampler;
  samplerSteps: number;
  /** Pause by itself at this step (0: never), so a link can stop a run where a page's text says. */
  stopAt: number;
  backend: LabBackend;
  /** The reader's points for data = drawn, rounded to 2 decimals. */
  drawn: [number, number][];
}

export const DEFAULT_CONFIG: LabConfig = {
  model: 'gan',
  data: 'ring8',
  seed: 1,
  loss: 'non-saturating',
  dSteps: 1,
  lrD: 1e-3,
  lrG: 1e-3,
  hidden: [64, 64],
  latent: 2,
  batch: 128,
  lrV: 3e-3,
  decoderStd: 0.1,
  diffusionSteps: 100,
  sampler: 'ancestral',
  samplerSteps: 20,
  stopAt: 0,
  backend: 'auto',
  drawn: [],
};

const DATA: Toy2dKind[] = ['ring8', 'ring', 'moons', 'line', 'drawn'];
const LEARNING_RATES = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2];
export const LAB_LEARNING_RATES: readonly number[] = LEARNING_RATES;
export const LAB_LAYER_SIZES: readonly number[] = [8, 16, 32, 64, 128];
/** The denoiser's hidden layers when a diffusion link names none (the library's 2-D test trains this size). */
export const DIFFUSION_HIDDEN: readonly number[] = [64, 64, 64];
export const LAB_BATCHES: readonly number[] = [32, 64, 128, 256, 512];
/** The plane every view shows: [−PLANE, PLANE]². */
export const PLANE = 3;
export const MAX_DRAWN = 200;

/** Short address keys, so a link stays readable. */
const KEYS = {
  model: 'm',
  data: 'data',
  seed: 'seed',
  loss: 'loss',
  dSteps: 'k',
  lrD: 'lrd',
  lrG: 'lrg',
  hidden: 'h',
  latent: 'z',
  batch: 'b',
  lrV: 'lrv',
  decoderStd: 'sx',
  diffusionSteps: 'T',
  sampler: 'smp',
  samplerSteps: 'ss',
  stopAt: 'stop',
  backend: 'backend',
  drawn: 'pts',
} as const satisfies Record<keyof LabConfig, string>;

function int(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

function num(text: string, min: number, max: number): number | undefined {
  if (!/^[0-9.eE+-]{1,12}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

/** "x,y;x,y;…" → points inside the plane, at most MAX_DRAWN. */
export function parsePoints(text: string): [number, number][] | undefined {
  if (!text) return [];
  const pts = text.split(';').map((p) => p.split(',').map((v) => num(v, -PLANE, PLANE)));
  if (pts.length > MAX_DRAWN || pts.some((p) => p.length !== 2 || p.some((v) => v === undefined))) return undefined;
  return pts.map(([x, y]) => [x!, y!]);
}

export function formatPoints(points: readonly (readonly number[])[]): string {
  return points.map(([x, y]) => `${round2(x)},${round2(y)}`).join(';');
}

export function round2(v: number): number {
  return Math.round(v * 100) / 100 || 0;
}

/**
 * Reads a configuration from an address's query string. Unknown keys are ignored; a key with a bad
 * value keeps the default and is named in `problems`, so the page can say what it did not take.
 */
export function parseConfig(search: string): { config: LabConfig; problems: string[] } {
  const q = new URLSearchParams(search);
  const config: LabConfig = { ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden], drawn: [] };
  const problems: string[] = [];
  const take = <K extends keyof LabConfig>(key: K, parse: (text: string) => LabConfig[K] | undefined) => {
    const text = q.get(KEYS[key]);
    if (text === null) return;
    const v = parse(text.trim());
    if (v === undefined) problems.push(`${KEYS[key]}=${text}`);
    else config[key] = v;
  };
  take('model', (t) => (t === 'gan' || t === 'vae' || t === 'diffusion' ? t : undefined));
  take('data', (t) => ((DATA as string[]).includes(t) ? (t as Toy2dKind) : undefined));
  take('seed', (t) => int(t, 0, 0x7fffffff));
  take('loss', (t) => (t === 'ns' ? 'non-saturating' : t === 'mm' ? 'minimax' : undefined));
  take('dSteps', (t) => int(t, 1, 10));
  take('lrD', (t) => num(t, 1e-5, 0.1));
  take('lrG', (t) => num(t, 1e-5, 0.1));
  take('lrV', (t) => num(t, 1e-5, 0.1));
  take('hidden', (t) => {
    const sizes = t.split('-').map((s) => int(s, 1, 256));
    const valid = sizes.filter((s): s is number => s !== undefined);
    return valid.length === sizes.length && sizes.length >= 1 && sizes.length <= 4 ? valid : undefined;
  });
  take('latent', (t) => (t === '1' ? 1 : t === '2' ? 2 : undefined));
  take('batch', (t) => int(t, 8, 1024));
  take('decoderStd', (t) => num(t, 0.01, 1));
  take('diffusionSteps', (t) => int(t, 10, 1000));
  take('sampler', (t) => (t === 'anc' ? 'ancestral' : t === 'ddim' ? 'ddim' : undefined));
  take('samplerSteps', (t) => int(t, 1, 1000));
  take('stopAt', (t) => int(t, 0, 1_000_000));
  take('backend', (t) => (['auto', 'webgpu', 'webgl', 'cpu'].includes(t) ? (t as LabBackend) : undefined));
  take('drawn', parsePoints);
  if (config.model === 'diffusion' && q.get(KEYS.hidden) === null) config.hidden = [...DIFFUSION_HIDDEN];
  if (config.samplerSteps > config.diffusionSteps) {
    if (q.get(KEYS.samplerSteps) !== null) problems.push(`${KEYS.samplerSteps}=${config.samplerSteps}`);
    config.samplerSteps = config.diffusionSteps;
  }
  if (config.data === 'drawn' && config.drawn.length === 0) {
    // A drawn data set with no points cannot be sampled: start from one point at the origin.
    config.drawn = [[0, 0]];
  }
  return { config, problems };
}

/** The query string for a configuration: every key, in a fixed order, so equal configs give equal links. */
export function configToSearch(config: LabConfig): string {
  const q = new URLSearchParams();
  q.set(KEYS.model, config.model);
  q.set(KEYS.data, config.data);
  q.set(KEYS.seed, String(config.seed));
  if (config.model === 'gan') {
    q.set(KEYS.loss, config.loss === 'minimax' ? 'mm' : 'ns');
    q.set(KEYS.dSteps, String(config.dSteps));
    q.set(KEYS.lrD, String(config.lrD));
    q.set(KEYS.lrG, String(config.lrG));
  } else if (config.model === 'vae') {
    q.set(KEYS.lrV, String(config.lrV));
    q.set(KEYS.decoderStd, String(config.decoderStd));
  } else {
    q.set(KEYS.lrV, String(config.lrV));
    q.set(KEYS.diffusionSteps, String(config.diffusionSteps));
    q.set(KEYS.sampler, config.sampler === 'ddim' ? 'ddim' : 'anc');
    if (config.sampler === 'ddim') q.set(KEYS.samplerSteps, String(config.samplerSteps));
  }
  q.set(KEYS.hidden, config.hidden.join('-'));
  // A diffusion model has no latent code to size.
  if (config.model !== 'diffusion') q.set(KEYS.latent, String(config.latent));
  q.set(KEYS.batch, String(config.batch));
  if (config.stopAt) q.set(KEYS.stopAt, String(config.stopAt));
  if (config.backend !== 'auto') q.set(KEYS.backend, config.backend);
  if (config.data === 'drawn') q.set(KEYS.drawn, formatPoints(config.drawn));
  return `?${q.toString()}`;
}

/** Whether two configurations train the same run (same networks, data, seeds and rates). */
export function sameRun(a: LabConfig, b: LabConfig): boolean {
  // The sampler only draws the views: it takes no number from the run's random stream.
  const train = (c: LabConfig): LabConfig => ({ ...c, stopAt: 0, sampler: 'ancestral', samplerSteps: DEFAULT_CONFIG.samplerSteps });
  return configToSearch(train(a)) === configToSearch(train(b));
}
