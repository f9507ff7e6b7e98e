import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

/** A 2-D mixture of equal-weight isotropic Gaussians with modes on a circle: the classic GAN toy. */
export interface RingMixture {
  modes: number;
  radius: number;
  std: number;
}

export const DEFAULT_RING: RingMixture = { modes: 8, radius: 2, std: 0.05 };

/** The mode centres of a ring mixture, shape [modes, 2]. */
export function ringCenters(mixture: RingMixture = DEFAULT_RING): number[][] {
  return Array.from({ length: mixture.modes }, (_, k) => {
    const a = (2 * Math.PI * k) / mixture.modes;
    return [mixture.radius * Math.cos(a), mixture.radius * Math.sin(a)];
  });
}

/** n samples from the ring mixture as a [n, 2] tensor: pick a mode uniformly, add Gaussian noise. */
export function sampleRing(n: number, seed: number, mixture: RingMixture = DEFAULT_RING): tf.Tensor2D {
  const rng = new Rng(`ring-${seed}`);
  const centers = ringCenters(mixture);
  const values = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = centers[Math.floor(rng.next() * mixture.modes)];
    // Box–Muller: two independent standard normals from two uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const t = 2 * Math.PI * rng.next();
    values[2 * i] = c[0] + mixture.std * r * Math.cos(t);
    values[2 * i + 1] = c[1] + mixture.std * r * Math.sin(t);
  }
  return tf.tensor2d(values, [n, 2]);
}

/**
 * How many samples fall near each mode (within `3·std`), and how many modes got at least
 * `minShare` of the samples. A GAN that collapses covers one or two of the eight modes.
 */
export function modeCoverage(
  points: ArrayLike<number>,
  mixture: RingMixture = DEFAULT_RING,
  minShare = 0.02,
): { counts: number[]; covered: number; offMode: number } {
  const centers = ringCenters(mixture);
  const counts = new Array<number>(mixture.modes).fill(0);
  const n = points.length / 2;
  const limit = (3 * mixture.std) ** 2;
  let offMode = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Infinity;
    centers.forEach(([cx, cy], k) => {
      const d = (points[2 * i] - cx) ** 2 + (points[2 * i + 1] - cy) ** 2;
      if (d < bestD) [best, bestD] = [k, d];
    });
    if (bestD <= limit) counts[best]++;
    else offMode++;
  }
  return { counts, covered: counts.filter((c) => c >= minShare * n).length, offMode };
}
