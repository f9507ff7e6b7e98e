import * as tf from '@tensorflow/tfjs';
import { normalSeed } from '../random';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The reparameterization trick: z = μ + σ ⊙ ε with ε ~ N(0, I) and σ = exp(½ log σ²).
 * The randomness moves into ε, so z is a differentiable function of (μ, log σ²) and gradients
 * flow back into the encoder. Pass `eps` to fix the noise (tests, pictures); otherwise it is drawn
 * with `seed`.
 */
export function reparameterize(mean: tf.Tensor, logVar: tf.Tensor, seed?: number, eps?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const e = eps ?? tf.randomNormal(mean.shape, 0, 1, 'float32', normalSeed(seed));
    return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), e));
  });
}

/**
 * KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²), in closed form, one value per
 * example (shape [batch]). Kingma & Welling 2014, Appendix B.
 */
export function gaussianKl(mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.mul(tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1)), -1), 0.5) as tf.Tensor1D);
}

/**
 * log p_θ(x|z) for a Bernoulli decoder given its logits ℓ: Σ_i x_i ℓ_i − softplus(ℓ_i), summed over
 * pixels, one value per example. Equal to minus the sigmoid cross-entropy, computed without
 * ever forming sigmoid(ℓ), so it stays finite for confident pixels.
 */
export function bernoulliLogLikelihood(x: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const perPixel = tf.sub(tf.mul(x, logits), tf.softplus(logits));
    return tf.sum(tf.reshape(perPixel, [x.shape[0], -1]), 1) as tf.Tensor1D;
  });
}

/** log N(z; μ, diag σ²), summed over dimensions, one value per example. */
export function logNormalPdf(z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.mul(tf.sum(tf.add(tf.add(tf.div(tf.square(tf.sub(z, mean)), tf.exp(logVar)), logVar), LOG_2PI), -1), -0.5) as tf.Tensor1D);
}

export interface ElboTerms {
  /** E_q[log p_θ(x|z)], estimated with one z per example. Shape [batch]. */
  reconstruction: tf.Tensor1D;
  /** KL(q_φ(z|x) ‖ p(z)) in closed form. Shape [batch]. */
  kl: tf.Tensor1D;
  /** reconstruction − kl: the evidence lower bound, ≤ log p(x). Shape [batch]. */
  elbo: tf.Tensor1D;
}

/**
 * The ELBO of Kingma & Welling 2014, eq. (10):
 *   L(θ, φ; x) = E_{q_φ(z|x)}[log p_θ(x|z)] − KL(q_φ(z|x) ‖ p(z)),
 * with the expectation estimated from the decoder logits of one reparameterized z and the KL in
 * closed form. Returned per example and split into its two terms, so a training curve can show
 * which one moves. Training maximizes the mean ELBO (minimizes its negative).
 */
export function elbo(x: tf.Tensor, logits: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): ElboTerms {
  const reconstruction = bernoulliLogLikelihood(x, logits);
  const kl = gaussianKl(mean, logVar);
  const value = tf.sub(reconstruction, kl) as tf.Tensor1D;
  return { reconstruction, kl, elbo: value };
}

/**
 * The single-sample Monte Carlo ELBO estimator, log p(x|z) + log p(z) − log q(z|x) at one
 * z ~ q(z|x) (Kingma & Welling's "generic" estimator, eq. 6). Unbiased like {@link elbo} but
 * noisier, since it estimates the KL too; it is what importance-weighted bounds are built from.
 */
export function elboMonteCarlo(x: tf.Tensor, logits: tf.Tensor, z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const logPxz = bernoulliLogLikelihood(x, logits);
    const logPz = logNormalPdf(z, tf.zerosLike(z), tf.zerosLike(z));
    const logQzx = logNormalPdf(z, mean, logVar);
    return tf.sub(tf.add(logPxz, logPz), logQzx) as tf.Tensor1D;
  });
}
