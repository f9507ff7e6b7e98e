import * as tf from '@tensorflow/tfjs';

/**
 * log( (1/n) Σ_j exp(a_j) ) along `axis`, computed as m + log Σ exp(a − m) − log n with m the max:
 * the naive form underflows to log 0 for the large negative values likelihoods produce.
 */
export function logMeanExp(a: tf.Tensor, axis = -1): tf.Tensor {
  return tf.tidy(() => {
    const n = a.shape[axis < 0 ? a.rank + axis : axis];
    return tf.sub(tf.logSumExp(a, axis), Math.log(n));
  });
}

/** Mean and standard error of the mean (std / √N) of a list of numbers. */
export function meanAndStandardError(values: ArrayLike<number>): { mean: number; standardError: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  // numpy's std (ddof = 0), as in the Parzen script of Goodfellow et al.
  return { mean, standardError: Math.sqrt(ss / n) / Math.sqrt(n) };
}
