import * as tf from '@tensorflow/tfjs';
import { kthNeighbourRadii, squaredDistances } from './neighbours';

/**
 * For each query row, whether it lies inside the k-NN manifold of `points`: inside at least one
 * ball B(φ_j, r_j), ‖q − φ_j‖ ≤ r_j (Kynkäänniemi et al. 2019, eq. 1 and 2, f(φ, Φ)).
 * `radii` are the balls' radii, one per row of `points`.
 */
export async function insideManifold(query: tf.Tensor2D, points: tf.Tensor2D, radii: Float32Array, batchSize = 256): Promise<Uint8Array> {
  if (radii.length !== points.shape[0]) throw new RangeError(`insideManifold: ${radii.length} radii for ${points.shape[0]} points`);
  const r2 = tf.tensor2d(
    Float32Array.from(radii, (r) => r * r),
    [1, radii.length],
  );
  const out = new Uint8Array(query.shape[0]);
  try {
    for (let start = 0; start < query.shape[0]; start += batchSize) {
      const size = Math.min(batchSize, query.shape[0] - start);
      const inside = tf.tidy(() => tf.lessEqual(tf.min(tf.sub(squaredDistances(tf.slice(query, [start, 0], [size, -1]), points), r2), 1), 0));
      out.set(await inside.data(), start);
      inside.dispose();
    }
  } finally {
    r2.dispose();
  }
  return out;
}

export interface PrecisionRecall {
  /** Share of generated samples inside the real data's manifold: how many samples look real. */
  precision: number;
  /** Share of real samples inside the generated samples' manifold: how much of the data is covered. */
  recall: number;
  k: number;
  real: number;
  generated: number;
}

/**
 * Improved precision and recall of distributions (Kynkäänniemi, Karras, Laine, Lehtinen and Aila
 * 2019, "Improved Precision and Recall Metric for Assessing Generative Models", NeurIPS, eq. 1–2).
 * Each set's manifold is approximated by the union of balls around its feature vectors, each
 * reaching the k-th nearest neighbour in the same set (k = 3 in the paper); then
 *   precision = (1/|Φ_g|) Σ_{φ_g ∈ Φ_g} f(φ_g, Φ_r),   recall = (1/|Φ_r|) Σ_{φ_r ∈ Φ_r} f(φ_r, Φ_g),
 * with f(φ, Φ) = 1 when φ lies in the manifold of Φ. Precision falls when samples leave the data
 * (poor quality), recall when the samples miss parts of it (mode collapse): the two failures a
 * single number such as the Fréchet distance mixes. The paper uses VGG-16 features; genlab passes
 * the MNIST classifier's 128 penultimate features. Both sets should have the same size, since
 * the radii shrink as a set grows.
 */
export async function precisionRecall(real: tf.Tensor2D, generated: tf.Tensor2D, options: { k?: number; batchSize?: number } = {}): Promise<PrecisionRecall> {
  const k = options.k ?? 3;
  const batchSize = options.batchSize ?? 256;
  const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const realRadii = await kthNeighbourRadii(real, k, batchSize);
  const genRadii = await kthNeighbourRadii(generated, k, batchSize);
  return {
    precision: mean(await insideManifold(generated, real, realRadii, batchSize)),
    recall: mean(await insideManifold(real, generated, genRadii, batchSize)),
    k,
    real: real.shape[0],
    generated: generated.shape[0],
  };
}
