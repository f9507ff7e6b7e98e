/**
 * Noise schedules of a diffusion model (Ho et al. 2020, "Denoising Diffusion Probabilistic
 * Models"; Nichol & Dhariwal 2021, "Improved DDPM"). The forward process adds Gaussian noise in T
 * steps, q(x_t | x_{t−1}) = N(√(1 − β_t) x_{t−1}, β_t I) (Ho et al. eq. 2); everything else is a
 * function of the β_t:
 *
 *   α_t = 1 − β_t,   ᾱ_t = ∏_{s=1..t} α_s,
 *   β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t   (variance of the posterior q(x_{t−1} | x_t, x_0), eq. 7).
 *
 * Arrays are indexed by t − 1: `betas[0]` is β_1. Kept in float64 on the JS side, since
 * ᾱ_T ≈ 4·10⁻⁵ for the linear schedule and products of a thousand factors are where float32 drifts.
 */

/** Ho et al.'s linear β_t from 10⁻⁴ to 0.02, or Nichol & Dhariwal's cosine ᾱ_t. */
export type ScheduleKind = 'linear' | 'cosine';

export interface NoiseSchedule {
  kind: ScheduleKind;
  /** Number of diffusion steps T. */
  steps: number;
  /** β_1 … β_T. */
  betas: Float64Array;
  /** α_t = 1 − β_t. */
  alphas: Float64Array;
  /** ᾱ_t = ∏_{s≤t} α_s, decreasing from ≈ 1 to ≈ 0. */
  alphaBars: Float64Array;
}

function fromBetas(kind: ScheduleKind, betas: Float64Array): NoiseSchedule {
  const alphas = betas.map((b) => 1 - b);
  const alphaBars = new Float64Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) alphaBars[i] = product *= alphas[i];
  return { kind, steps: betas.length, betas, alphas, alphaBars };
}

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`a noise schedule needs an integer number of steps ≥ 2, got ${steps}`);
}

/**
 * Ho et al. 2020 §4: β_t rising linearly from β_1 = 10⁻⁴ to β_T = 0.02 with T = 1000, small
 * enough that each reverse step is close to Gaussian and large enough that ᾱ_T ≈ 0, so x_T is
 * almost pure N(0, I). For other T the end points are rescaled by 1000 / T (Nichol & Dhariwal),
 * which keeps ᾱ_T about the same.
 */
export function linearSchedule(steps = 1000, betaStart = 1e-4, betaEnd = 0.02): NoiseSchedule {
  checkSteps(steps);
  const scale = 1000 / steps;
  const [b0, b1] = [betaStart * scale, Math.min(betaEnd * scale, 0.999)];
  const betas = new Float64Array(steps);
  for (let i = 0; i < steps; i++) betas[i] = b0 + ((b1 - b0) * i) / (steps - 1);
  return fromBetas('linear', betas);
}

/**
 * Nichol & Dhariwal 2021 eq. 17: ᾱ_t = f(t) / f(0), f(t) = cos²(((t/T + s)/(1 + s)) · π/2),
 * s = 0.008, and β_t = 1 − ᾱ_t/ᾱ_{t−1} clipped to ≤ 0.999 (the last steps would otherwise be
 * 1, a step that destroys everything at once). The linear schedule drives ᾱ_t near 0 well before
 * t = T, wasting the last steps on already-pure noise; the cosine one falls about linearly in the middle.
 */
export function cosineSchedule(steps = 1000, s = 0.008): NoiseSchedule {
  checkSteps(steps);
  const f = (t: number) => Math.cos(((t / steps + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const betas = new Float64Array(steps);
  for (let t = 1; t <= steps; t++) betas[t - 1] = Math.min(1 - f(t) / f(t - 1), 0.999);
  return fromBetas('cosine', betas);
}

export function createSchedule(kind: ScheduleKind, steps = 1000): NoiseSchedule {
  if (kind === 'linear') return linearSchedule(steps);
  if (kind === 'cosine') return cosineSchedule(steps);
  throw new Error(`unknown noise schedule '${kind as string}' (expected linear or cosine)`);
}

/** ᾱ_t for t = 0 … T, with ᾱ_0 = 1 (no noise): convenient where a sampler steps to t = 0. */
export function alphaBarAt(schedule: NoiseSchedule, t: number): number {
  if (!Number.isInteger(t) || t < 0 || t > schedule.steps) throw new Error(`t must be an integer in [0, ${schedule.steps}], got ${t}`);
  return t === 0 ? 1 : schedule.alphaBars[t - 1];
}

/** β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t, the variance of q(x_{t−1} | x_t, x_0) (Ho et al. eq. 7), for t = 1 … T. */
export function posteriorVariance(schedule: NoiseSchedule, t: number): number {
  return ((1 - alphaBarAt(schedule, t - 1)) / (1 - alphaBarAt(schedule, t))) * schedule.betas[t - 1];
}

/** Signal-to-noise ratio SNR(t) = ᾱ_t / (1 − ᾱ_t) (Kingma et al. 2021), decreasing in t. */
export function signalToNoise(schedule: NoiseSchedule, t: number): number {
  const a = alphaBarAt(schedule, t);
  return a / (1 - a);
}
