import * as tf from '@tensorflow/tfjs';

/**
 * Squared Euclidean distances between the rows of `a` [n, d] and `b` [m, d], as [n, m]:
 *   D_ij = ‖a_i − b_j‖² = ‖a_i‖² − 2 a_i·b_j + ‖b_j‖²,
 * one matrix product instead of n·m differences. float32 cancellation can leave tiny negative
 * values where two rows are (nearly) equal, so the result is clamped at 0.
 */
export function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.shape[1] !== b.shape[1]) throw new RangeError(`squaredDistances: rows of ${a.shape[1]} and ${b.shape[1]} numbers cannot be compared`);
  return tf.tidy(() => {
    const aa = tf.sum(tf.square(a), 1, true);
    const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]);
    return tf.maximum(tf.add(tf.sub(aa, tf.mul(tf.matMul(a, b, false, true), 2)), bb), 0) as tf.Tensor2D;
  });
}

/** The k nearest reference rows of each query row: Euclidean distances and indices, row-major [n, k]. */
export interface Neighbours {
  k: number;
  /** Euclidean distances, nearest first: row i holds distances[i·k … i·k + k − 1]. */
  distances: Float32Array;
  /** Indices into the reference rows, in the same order. */
  indices: Int32Array;
}

/**
 * Exact k-nearest-neighbour search by brute force, `batchSize` query rows at a time (each batch
 * is one matrix product against the whole reference set, so memory grows with batchSize · m).
 * With `excludeSelf`, query and reference are the same set and each row skips itself: the
 * distance to the k-th *other* point is what the k-NN balls of precision and recall need.
 */
export async function nearestNeighbours(
  query: tf.Tensor2D,
  reference: tf.Tensor2D,
  options: { k?: number; batchSize?: number; excludeSelf?: boolean } = {},
): Promise<Neighbours> {
  const k = options.k ?? 1;
  const batchSize = options.batchSize ?? 256;
  const [n, m] = [query.shape[0], reference.shape[0]];
  if (options.excludeSelf && n !== m)
    throw new RangeError(`nearestNeighbours: excludeSelf needs query and reference to be the same set, got ${n} and ${m} rows`);
  if (k < 1 || k > m - (options.excludeSelf ? 1 : 0)) throw new RangeError(`nearestNeighbours: k = ${k} with ${m} reference rows`);
  const distances = new Float32Array(n * k);
  const indices = new Int32Array(n * k);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [values, idx] = tf.tidy(() => {
      let d = squaredDistances(tf.slice(query, [start, 0], [size, -1]), reference);
      // Push each row's own column out of reach instead of removing it (1e30, not Infinity: 0 · ∞ is NaN).
      if (options.excludeSelf) d = tf.add(d, tf.mul(tf.oneHot(tf.range(start, start + size, 1, 'int32'), m), 1e30)) as tf.Tensor2D;
      const top = tf.topk(tf.neg(d), k);
      return [tf.sqrt(tf.neg(top.values)), top.indices];
    });
    distances.set(await values.data(), start * k);
    indices.set(await idx.data(), start * k);
    tf.dispose([values, idx]);
  }
  return { k, distances, indices };
}

/**
 * The distance from each row to its k-th nearest *other* row of the same set: the radius of the
 * k-NN ball that Kynkäänniemi et al. 2019 (eq. 1) use to approximate the set's manifold.
 */
export async function kthNeighbourRadii(points: tf.Tensor2D, k: number, batchSize = 256): Promise<Float32Array> {
  const nn = await nearestNeighbours(points, points, { k, batchSize, excludeSelf: true });
  return Float32Array.from({ length: points.shape[0] }, (_, i) => nn.distances[i * k + k - 1]);
}
