import * as tf from '@tensorflow/tfjs';

/**
 * The Inception-score analogue on MNIST (Salimans et al. 2016 with a digit classifier):
 * IS = exp( E_x KL(p(y|x) ‖ p(y)) ), p(y) the mean of p(y|x) over the samples. Between 1
 * (every sample equally ambiguous, or all one class) and 10 (confident and balanced).
 */
export async function inceptionScore(probabilities: tf.Tensor2D): Promise<number> {
  const meanKl = tf.tidy(() => {
    const eps = 1e-12;
    const py = tf.mean(probabilities, 0, true);
    const kl = tf.sum(tf.mul(probabilities, tf.sub(tf.log(tf.add(probabilities, eps)), tf.log(tf.add(py, eps)))), 1);
    return tf.mean(kl);
  });
  const [value] = await meanKl.data();
  meanKl.dispose();
  return Math.exp(value);
}

/** How many samples the classifier puts in each class: a mode-collapse check at a glance. */
export async function classHistogram(probabilities: tf.Tensor2D): Promise<number[]> {
  const argmax = tf.argMax(probabilities, 1);
  const labels = await argmax.data();
  argmax.dispose();
  const counts = new Array<number>(probabilities.shape[1]).fill(0);
  for (const y of labels) counts[y]++;
  return counts;
}
