import * as tf from '@tensorflow/tfjs';
import { logMeanExp, meanAndStandardError } from './logmeanexp';

/**
 * Parzen-window (Gaussian kernel density) log-likelihood, the protocol of Goodfellow et al. 2014,
 * Table 1: kernel centres μ_j are generator samples, and for each test point
 *   log p(x) = logmeanexp_j( −‖x − μ_j‖² / (2σ²) ) − d · log(σ √(2π)).
 * ‖x − μ‖² = ‖x‖² − 2 x·μ + ‖μ‖² turns the pairwise distances into one matmul per batch.
 * Returns one log-likelihood per row of `x`, in nats.
 */
export async function parzenLogLikelihood(x: tf.Tensor2D, centres: tf.Tensor2D, sigma: number, batchSize = 100): Promise<Float64Array> {
  const d = x.shape[1];
  const out = new Float64Array(x.shape[0]);
  const centreNorms = tf.tidy(() => tf.sum(tf.square(centres), 1));
  try {
    for (let start = 0; start < x.shape[0]; start += batchSize) {
      const size = Math.min(batchSize, x.shape[0] - start);
      const ll = tf.tidy(() => {
        const xb = tf.slice(x, [start, 0], [size, d]);
        const sq = tf.add(tf.sub(tf.sum(tf.square(xb), 1, true), tf.mul(tf.matMul(xb, centres, false, true), 2)), centreNorms);
        const logKernel = tf.div(tf.maximum(sq, 0), -2 * sigma * sigma);
        return tf.sub(logMeanExp(logKernel, 1), d * Math.log(sigma * Math.sqrt(2 * Math.PI)));
      });
      out.set(await ll.data(), start);
      ll.dispose();
    }
  } finally {
    centreNorms.dispose();
  }
  return out;
}

/** logspace(−1, 0, 10): the σ grid of the original `parzen_ll.py`. */
export function parzenSigmaGrid(): number[] {
  return Array.from({ length: 10 }, (_, i) => 10 ** (-1 + i / 9));
}

export interface ParzenResult {
  sigma: number;
  /** Mean validation log-likelihood for every σ tried. */
  validation: { sigma: number; mean: number }[];
  mean: number;
  standardError: number;
}

/**
 * The whole protocol: choose σ on a validation set (the paper: the first 1,000 images of
 * train[50000:60000]) and score the test set with it; mean ± standard error in nats.
 */
export async function parzenEvaluate(
  samples: tf.Tensor2D,
  validation: tf.Tensor2D,
  test: tf.Tensor2D,
  sigmas: number[] = parzenSigmaGrid(),
  batchSize = 100,
): Promise<ParzenResult> {
  const scores = [];
  for (const sigma of sigmas) {
    const ll = await parzenLogLikelihood(validation, samples, sigma, batchSize);
    scores.push({ sigma, mean: meanAndStandardError(ll).mean });
  }
  const best = scores.reduce((a, b) => (b.mean > a.mean ? b : a));
  const testLl = await parzenLogLikelihood(test, samples, best.sigma, batchSize);
  return { sigma: best.sigma, validation: scores, ...meanAndStandardError(testLl) };
}
