import * as tf from '@tensorflow/tfjs';
import { normalSeed } from '../random';

/**
 * z ~ N(0, I), shape [n, latentDim]: the prior p(z) of every GAN and VAE here. The site's demo
 * page calls this same function, so a seed names the same latent points in training, in the
 * notebooks and in the browser (TensorFlow.js draws seeded normals in JavaScript, identically on
 * every backend). Seed 0 is a seed like any other (tf.randomNormal would read 0 as "no seed"; random.ts maps it).
 */
export function sampleLatent(n: number, latentDim: number, seed?: number): tf.Tensor2D {
  return tf.randomNormal([n, latentDim], 0, 1, 'float32', normalSeed(seed));
}

export type InterpolationKind = 'linear' | 'spherical';

/**
 * `steps` latent points from `a` to `b` (both ends included), shape [steps, d].
 *
 * - linear: (1 − t)·a + t·b.
 * - spherical (White 2016, "Sampling Generative Networks"): with ω the angle between a and b,
 *   sin((1 − t)ω)/sin ω · a + sin(tω)/sin ω · b. Under a Gaussian prior in d dimensions almost all
 *   mass lies near the sphere of radius √d, and two samples are nearly orthogonal, so the linear
 *   midpoint has norm ≈ √(d/2): a point the generator never saw in training. Spherical paths stay
 *   on the shell. When a and b are (anti)parallel, sin ω ≈ 0 and the linear path is used.
 */
export function interpolateLatent(a: tf.Tensor, b: tf.Tensor, steps: number, kind: InterpolationKind = 'linear'): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`interpolateLatent: steps must be an integer ≥ 2, got ${steps}`);
  if (a.size !== b.size) throw new Error(`interpolateLatent: endpoints differ in size (${a.size} vs ${b.size})`);
  if (kind !== 'linear' && kind !== 'spherical') throw new Error(`interpolateLatent: unknown kind '${kind as string}' (linear or spherical)`);
  return tf.tidy(() => {
    const va = a.reshape([1, -1]);
    const vb = b.reshape([1, -1]);
    const t = tf.linspace(0, 1, steps).reshape([steps, 1]);
    const oneMinusT = tf.sub(1, t);
    if (kind === 'linear') return tf.add(tf.mul(oneMinusT, va), tf.mul(t, vb)) as tf.Tensor2D;
    const cos = tf.div(tf.sum(tf.mul(va, vb)), tf.mul(tf.norm(va), tf.norm(vb))).clipByValue(-1, 1);
    const omega = tf.acos(cos);
    const sinOmega = tf.sin(omega);
    const degenerate = tf.less(tf.abs(sinOmega), 1e-6);
    const safeSin = tf.where(degenerate, tf.onesLike(sinOmega), sinOmega);
    const wa = tf.where(degenerate, oneMinusT, tf.div(tf.sin(tf.mul(oneMinusT, omega)), safeSin));
    const wb = tf.where(degenerate, t, tf.div(tf.sin(tf.mul(t, omega)), safeSin));
    return tf.add(tf.mul(wa, va), tf.mul(wb, vb)) as tf.Tensor2D;
  });
}
