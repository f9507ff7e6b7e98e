import * as tf from '@tensorflow/tfjs';
import type { NoiseSchedule } from './schedule';

/**
 * The forward (noising) process in closed form. Composing the Gaussian steps
 * q(x_t | x_{t−1}) = N(√α_t x_{t−1}, β_t I) gives (Ho et al. 2020, eq. 4)
 *
 *   q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I),   i.e.   x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε,  ε ~ N(0, I),
 *
 * so a training example at any t costs one draw, not t steps of the chain.
 */

/** [n] per-example coefficients c[t − 1] shaped [n, 1, …] to broadcast over an example of rank `rank`. */
function perExample(values: ArrayLike<number>, t: tf.Tensor1D, rank: number): tf.Tensor {
  return tf.tidy(() => {
    const table = tf.tensor1d(Float32Array.from(values));
    const picked = tf.gather(table, tf.sub(tf.cast(t, 'int32'), tf.scalar(1, 'int32')));
    return tf.reshape(picked, [t.shape[0], ...new Array<number>(rank - 1).fill(1)]);
  });
}

/** x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε (eq. 4), for a batch with one t ∈ {1 … T} per example (int32). */
export function qSample(schedule: NoiseSchedule, x0: tf.Tensor, t: tf.Tensor1D, noise: tf.Tensor): tf.Tensor {
  if (x0.shape[0] !== t.shape[0]) throw new Error(`qSample: ${x0.shape[0]} examples but ${t.shape[0]} time steps`);
  return tf.tidy(() => {
    const signal = perExample(schedule.alphaBars.map(Math.sqrt), t, x0.rank);
    const noiseScale = perExample(
      schedule.alphaBars.map((a) => Math.sqrt(1 - a)),
      t,
      x0.rank,
    );
    return tf.add(tf.mul(signal, x0), tf.mul(noiseScale, noise));
  });
}

/**
 * One step of the chain, x_t = √α_t x_{t−1} + √β_t ε (eq. 2), all examples at the same t: what
 * the closed form replaces, kept to check it (and to draw the chain step by step).
 */
export function qStep(schedule: NoiseSchedule, xPrev: tf.Tensor, t: number, noise: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(Math.sqrt(schedule.alphas[t - 1]), xPrev), tf.mul(Math.sqrt(schedule.betas[t - 1]), noise)));
}

/** n time steps drawn uniformly from {1 … T} (int32), the t of Ho et al.'s Algorithm 1. */
export function sampleTimesteps(n: number, steps: number, seed: number): tf.Tensor1D {
  return tf.tidy(() => tf.add(tf.randomUniform([n], 0, steps, 'int32', seed), tf.scalar(1, 'int32')) as tf.Tensor1D);
}

/**
 * Sinusoidal features of the time step (Vaswani et al. 2017's position encoding, used by Ho et al.
 * to tell the one shared network which t it is denoising): [sin(t ωᵢ), cos(t ωᵢ)] with
 * ωᵢ = 10000^(−i/(d/2)), i = 0 … d/2 − 1. Shape [n, dim].
 */
export function timeEmbedding(t: tf.Tensor1D | number[], dim: number): tf.Tensor2D {
  if (dim % 2 !== 0 || dim < 2) throw new Error(`time embedding size must be even and ≥ 2, got ${dim}`);
  return tf.tidy(() => {
    const half = dim / 2;
    const freqs = tf.tensor1d(Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half)));
    const tt = Array.isArray(t) ? tf.tensor1d(t) : tf.cast(t, 'float32');
    const angles = tf.mul(tf.reshape(tt, [-1, 1]), tf.reshape(freqs, [1, half]));
    return tf.concat([tf.sin(angles), tf.cos(angles)], 1) as tf.Tensor2D;
  });
}
