import * as tf from '@tensorflow/tfjs';
import { normalSeed, Rng } from '../../random';
import { NULL_CLASS, predictNoise, type Denoiser } from './denoiser';
import { alphaBarAt, posteriorVariance, type NoiseSchedule } from './schedule';

export interface SamplerOptions {
  /** Shape of one example: [28, 28, 1] for MNIST, [2] for the toy. */
  shape: number[];
  n: number;
  /** Seeds x_T and every noise draw: same seed, same samples. */
  seed: number;
  /** Class per example (int32 values, NULL_CLASS for none) for a conditional denoiser. */
  labels?: number[];
  /** Classifier-free guidance weight w ≥ 0 (Ho & Salimans 2022 eq. 6); 0 is the plain conditional model. */
  guidance?: number;
  /** Clip the predicted x̂_0 to this range (images in [−1, 1]); none by default. */
  clip?: [number, number];
  /** Called after each step with t (the step just reached) and x_t; the tensor is disposed afterwards. */
  onStep?: (t: number, xt: tf.Tensor) => void;
  /** Called once with x_T before the first step (a drawn trajectory starts there); disposed afterwards. */
  onStart?: (xT: tf.Tensor) => void;
}

/**
 * The noise estimate the sampler uses. With guidance (Ho & Salimans 2022 eq. 6),
 *
 *   ε̃_θ(x_t, t, y) = (1 + w) ε_θ(x_t, t, y) − w ε_θ(x_t, t, ∅),
 *
 * both terms from one network in one batched call; w = 0 is the conditional model, and larger w
 * trades diversity for samples that look more like their class.
 */
export function guidedNoise(denoiser: Denoiser, xt: tf.Tensor, t: number, labels?: tf.Tensor1D, guidance = 0): tf.Tensor {
  return tf.tidy(() => {
    const n = xt.shape[0];
    if (!labels || denoiser.numClasses === 0 || guidance === 0) return predictNoise(denoiser, xt, tf.fill([n], t, 'int32') as tf.Tensor1D, labels);
    const both = predictNoise(
      denoiser,
      tf.concat([xt, xt]),
      tf.fill([2 * n], t, 'int32') as tf.Tensor1D,
      tf.concat([labels, tf.fill([n], NULL_CLASS, 'int32')]) as tf.Tensor1D,
    );
    const [conditional, unconditional] = tf.split(both, 2);
    return tf.sub(tf.mul(1 + guidance, conditional), tf.mul(guidance, unconditional));
  });
}

/** Checks the options and draws x_T ~ N(0, I); the Rng then seeds every later noise draw. */
export function prepareSampling(denoiser: Denoiser, options: SamplerOptions): { rng: Rng; labels?: tf.Tensor1D; x: tf.Tensor } {
  if (options.labels && options.labels.length !== options.n) throw new Error(`${options.labels.length} labels for ${options.n} samples`);
  if (options.labels && denoiser.numClasses === 0) throw new Error('labels given to an unconditional denoiser');
  if ((options.guidance ?? 0) < 0) throw new Error(`guidance weight must be ≥ 0, got ${options.guidance}`);
  const rng = new Rng(`diffusion-sample-${options.seed}`);
  const labels = options.labels ? tf.tensor1d(options.labels, 'int32') : undefined;
  const x = tf.randomNormal([options.n, ...options.shape], 0, 1, 'float32', normalSeed(rng.seed()));
  return { rng, labels, x };
}

/** x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t: eq. 4 solved for x_0 with the predicted noise. */
function predictX0(xt: tf.Tensor, eps: tf.Tensor, alphaBar: number, clip?: [number, number]): tf.Tensor {
  const x0 = tf.div(tf.sub(xt, tf.mul(Math.sqrt(1 - alphaBar), eps)), Math.sqrt(alphaBar));
  return clip ? tf.clipByValue(x0, clip[0], clip[1]) : x0;
}

/**
 * Ancestral sampling, Ho et al. 2020 Algorithm 2: x_T ~ N(0, I), then for t = T … 1
 *
 *   x_{t−1} = μ̃_t(x_t, x̂_0) + σ_t z,   z ~ N(0, I) (z = 0 at t = 1),
 *   μ̃_t = √ᾱ_{t−1} β_t/(1 − ᾱ_t) x̂_0 + √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t) x_t   (eq. 7),
 *
 * which without clipping equals Algorithm 2's 1/√α_t (x_t − β_t/√(1 − ᾱ_t) ε̂). σ_t² = β_t
 * (`variance: 'beta'`, Ho et al.'s choice for N(0, I) data) or β̃_t (`'posterior'`). T network calls.
 */
export function ancestralSample(denoiser: Denoiser, schedule: NoiseSchedule, options: SamplerOptions & { variance?: AncestralVariance }): tf.Tensor {
  const { rng, labels, x: xT } = prepareSampling(denoiser, options);
  options.onStart?.(xT);
  let x = xT;
  for (let t = schedule.steps; t >= 1; t--) {
    const next = ancestralUpdate(denoiser, schedule, x, t, labels, options, normalSeed(rng.seed()));
    x.dispose();
    x = next;
    options.onStep?.(t - 1, x);
  }
  labels?.dispose();
  return x;
}

/** σ_t² of ancestral sampling: β_t, or the posterior's β̃_t. */
export type AncestralVariance = 'beta' | 'posterior';

/** One step of Algorithm 2, from x_t to x_{t−1}; `seed` draws z (drawn at t = 1 too, unused, so every step takes one seed). */
export function ancestralUpdate(
  denoiser: Denoiser,
  schedule: NoiseSchedule,
  x: tf.Tensor,
  t: number,
  labels: tf.Tensor1D | undefined,
  options: Pick<SamplerOptions, 'guidance' | 'clip'> & { variance?: AncestralVariance },
  seed: number,
): tf.Tensor {
  return tf.tidy(() => {
    const aBar = alphaBarAt(schedule, t);
    const aBarPrev = alphaBarAt(schedule, t - 1);
    const beta = schedule.betas[t - 1];
    const x0 = predictX0(x, guidedNoise(denoiser, x, t, labels, options.guidance), aBar, options.clip);
    const mean = tf.add(tf.mul((Math.sqrt(aBarPrev) * beta) / (1 - aBar), x0), tf.mul((Math.sqrt(schedule.alphas[t - 1]) * (1 - aBarPrev)) / (1 - aBar), x));
    if (t === 1) return mean;
    const sigma2 = options.variance === 'posterior' ? posteriorVariance(schedule, t) : beta;
    return tf.add(mean, tf.mul(Math.sqrt(sigma2), tf.randomNormal(x.shape, 0, 1, 'float32', seed)));
  });
}

/** The S time steps τ_S = T > … > τ_1 ≥ 1 a strided sampler visits, evenly spaced (Song et al. 2021 §4.2). */
export function samplingTimesteps(totalSteps: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > totalSteps) throw new Error(`sampling steps must be an integer in [1, ${totalSteps}], got ${steps}`);
  return Array.from({ length: steps }, (_, i) => Math.round(((steps - i) * totalSteps) / steps));
}

/**
 * DDIM (Song et al. 2021, eq. 12) on a subsequence τ of S ≤ T steps: from x_τ to x_{τ'} (τ' the
 * next smaller step, ᾱ_0 = 1),
 *
 *   x_{τ'} = √ᾱ_{τ'} x̂_0 + √(1 − ᾱ_{τ'} − σ²) ε̂ + σ z,
 *   σ = η √((1 − ᾱ_{τ'})/(1 − ᾱ_τ)) √(1 − ᾱ_τ/ᾱ_{τ'})   (eq. 16).
 *
 * η = 0 (default) is deterministic: x_T fixes the sample, and a few dozen steps replace T.
 * η = 1 is ancestral sampling with σ² = β̃ on the subsequence. The network, trained with L_simple
 * on all T steps, is used unchanged: the same marginals q(x_t | x_0) hold for every η.
 */
export function ddimSample(denoiser: Denoiser, schedule: NoiseSchedule, options: SamplerOptions & { steps: number; eta?: number }): tf.Tensor {
  const eta = options.eta ?? 0;
  const taus = samplingTimesteps(schedule.steps, options.steps);
  const { rng, labels, x: xT } = prepareSampling(denoiser, options);
  options.onStart?.(xT);
  let x = xT;
  taus.forEach((t, i) => {
    const tPrev = i + 1 < taus.length ? taus[i + 1] : 0;
    const next = ddimUpdate(denoiser, schedule, x, t, tPrev, labels, eta, options, normalSeed(rng.seed()));
    x.dispose();
    x = next;
    options.onStep?.(tPrev, x);
  });
  labels?.dispose();
  return x;
}

/** One DDIM step from x_τ to x_{τ'} (eq. 12 with σ of eq. 16); `seed` draws z when σ > 0. */
export function ddimUpdate(
  denoiser: Denoiser,
  schedule: NoiseSchedule,
  x: tf.Tensor,
  t: number,
  tPrev: number,
  labels: tf.Tensor1D | undefined,
  eta: number,
  options: Pick<SamplerOptions, 'guidance' | 'clip'>,
  seed: number,
): tf.Tensor {
  return tf.tidy(() => {
    const aBar = alphaBarAt(schedule, t);
    const aBarPrev = alphaBarAt(schedule, tPrev);
    const eps = guidedNoise(denoiser, x, t, labels, options.guidance);
    const x0 = predictX0(x, eps, aBar, options.clip);
    // With clipping, ε̂ is recomputed from the clipped x̂_0 so the two stay consistent.
    const epsUsed = options.clip ? tf.div(tf.sub(x, tf.mul(Math.sqrt(aBar), x0)), Math.sqrt(1 - aBar)) : eps;
    const sigma = eta * Math.sqrt((1 - aBarPrev) / (1 - aBar)) * Math.sqrt(1 - aBar / aBarPrev);
    let out = tf.add(tf.mul(Math.sqrt(aBarPrev), x0), tf.mul(Math.sqrt(Math.max(1 - aBarPrev - sigma * sigma, 0)), epsUsed));
    if (sigma > 0) out = tf.add(out, tf.mul(sigma, tf.randomNormal(x.shape, 0, 1, 'float32', seed)));
    return out;
  });
}
