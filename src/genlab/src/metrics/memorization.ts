import * as tf from '@tensorflow/tfjs';
import { nearestNeighbours } from './neighbours';

export interface MemorizationCheck {
  /** Distance below which a sample counts as a likely copy: the `quantile` of the held-out distances. */
  threshold: number;
  quantile: number;
  /** Share of generated samples closer to the training set than the threshold. About `quantile` for a generator that does not copy. */
  flagged: number;
  /** Median distance from a generated sample to its nearest training image. */
  medianGenerated: number;
  /** Median distance from a held-out real image to its nearest training image: the yardstick. */
  medianHeldOut: number;
  /** Per generated sample: distance to, and index of, its nearest training image. */
  distances: Float32Array;
  indices: Int32Array;
  /** Per held-out image: distance to its nearest training image (pass it back as `heldOut`). */
  heldOutDistances: Float32Array;
}

function quantileOf(values: Float32Array, q: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
}

/**
 * A nearest-neighbour memorization check. For every generated sample g, d(g) = the Euclidean
 * distance to its nearest training image; the yardstick is the same distance for held-out real
 * images (never trained on), which says how close a *new* image from the data distribution
 * typically comes to the training set. A sample with d(g) below the `quantile` (default 1%) of
 * the held-out distances is flagged as a likely copy: a generator whose samples are as novel as
 * held-out data has about that share flagged, one that copies training images nearly all.
 * The comparison of the two distance distributions is the idea of Meehan, Chaudhuri and Dasgupta
 * 2020 ("A Non-Parametric Test to Detect Data-Copying in Generative Models", AISTATS). Its blind
 * spot, which Theis et al. 2016 point out for nearest neighbours in pixel space:
 * a copy shifted by a pixel or two is far from its original in Euclidean distance and passes.
 * Search the whole training set; a copy of an image outside the searched subset is missed.
 * `heldOut` is the held-out images, or their nearest-training distances from an earlier call
 * (`heldOutDistances` of the result), to score several generators against one yardstick.
 */
export async function memorizationCheck(
  generated: tf.Tensor2D,
  train: tf.Tensor2D,
  heldOut: tf.Tensor2D | Float32Array,
  options: { quantile?: number; batchSize?: number } = {},
): Promise<MemorizationCheck> {
  const quantile = options.quantile ?? 0.01;
  if (!(quantile > 0 && quantile < 1)) throw new RangeError(`memorizationCheck: quantile must be in (0, 1), got ${quantile}`);
  const batchSize = options.batchSize ?? 128;
  const gen = await nearestNeighbours(generated, train, { k: 1, batchSize });
  const held = heldOut instanceof Float32Array ? heldOut : (await nearestNeighbours(heldOut, train, { k: 1, batchSize })).distances;
  const threshold = quantileOf(held, quantile);
  let flagged = 0;
  for (const d of gen.distances) if (d < threshold) flagged++;
  return {
    threshold,
    quantile,
    flagged: flagged / gen.distances.length,
    medianGenerated: quantileOf(gen.distances, 0.5),
    medianHeldOut: quantileOf(held, 0.5),
    distances: gen.distances,
    indices: gen.indices,
    heldOutDistances: held,
  };
}
