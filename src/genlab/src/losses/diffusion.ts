import * as tf from '@tensorflow/tfjs';
import { NULL_CLASS, predictNoise, type Denoiser } from '../models/diffusion/denoiser';
import { qSample } from '../models/diffusion/forward';
import { alphaBarAt, type NoiseSchedule } from '../models/diffusion/schedule';

/**
 * Ho et al. 2020's simplified objective (eq. 14), estimated on a batch:
 *
 *   L_simple(θ) = E_{t, x_0, ε} ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²,
 *
 * with t uniform on {1 … T} and ε ~ N(0, I) supplied by the caller (`t`, `noise`), averaged over
 * examples and over the coordinates of each (a per-pixel mean squared error, as in their code).
 * It is the variational bound's terms L_{t−1} (eq. 12) with the weight β_t²/(2σ_t² α_t (1 − ᾱ_t))
 * dropped: see {@link vlbWeight}. `labels` (int32, NULL_CLASS = ∅) go to a class-conditional denoiser.
 */
export function diffusionLoss(
  denoiser: Denoiser,
  schedule: NoiseSchedule,
  x0: tf.Tensor,
  t: tf.Tensor1D,
  noise: tf.Tensor,
  labels?: tf.Tensor1D,
  training = false,
): tf.Scalar {
  return tf.tidy(() => {
    const xt = qSample(schedule, x0, t, noise);
    const predicted = predictNoise(denoiser, xt, t, labels, training);
    return tf.mean(tf.squaredDifference(noise, predicted)) as tf.Scalar;
  });
}

/**
 * Per-example ‖ε − ε_θ‖² averaged over coordinates, shape [n]: what {@link diffusionLoss} averages,
 * kept per example to look at the loss as a function of t.
 */
export function diffusionLossPerExample(
  denoiser: Denoiser,
  schedule: NoiseSchedule,
  x0: tf.Tensor,
  t: tf.Tensor1D,
  noise: tf.Tensor,
  labels?: tf.Tensor1D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const predicted = predictNoise(denoiser, qSample(schedule, x0, t, noise), t, labels);
    const axes = Array.from({ length: x0.rank - 1 }, (_, i) => i + 1);
    return tf.mean(tf.squaredDifference(noise, predicted), axes) as tf.Tensor1D;
  });
}

/**
 * The weight λ_t = β_t² / (2 σ_t² α_t (1 − ᾱ_t)) that the variational bound puts on ‖ε − ε_θ‖²
 * in its term L_{t−1} (Ho et al. eq. 12), for reverse-process variance σ_t² (β_t by default, or
 * β̃_t). L_simple sets λ_t = 1: relative to the bound it down-weights the small-t terms (where
 * λ_t is largest), which Ho et al. found gives better samples (their Table 2).
 */
export function vlbWeight(schedule: NoiseSchedule, t: number, sigma2 = schedule.betas[t - 1]): number {
  const beta = schedule.betas[t - 1];
  return (beta * beta) / (2 * sigma2 * schedule.alphas[t - 1] * (1 - alphaBarAt(schedule, t)));
}

/**
 * Classifier-free guidance's label dropout (Ho & Salimans 2022, Algorithm 1): each label is
 * replaced by ∅ (NULL_CLASS) with probability `pUncond`, so one network learns both the
 * conditional ε_θ(x_t, t, y) and the unconditional ε_θ(x_t, t, ∅).
 */
export function dropLabels(labels: tf.Tensor1D, pUncond: number, seed: number): tf.Tensor1D {
  if (!(pUncond >= 0 && pUncond <= 1)) throw new Error(`label dropout probability must be in [0, 1], got ${pUncond}`);
  return tf.tidy(() => {
    const drop = tf.less(tf.randomUniform(labels.shape, 0, 1, 'float32', seed), pUncond);
    return tf.where(drop, tf.fill(labels.shape, NULL_CLASS, 'int32'), tf.cast(labels, 'int32')) as tf.Tensor1D;
  });
}
