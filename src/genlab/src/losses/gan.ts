import * as tf from '@tensorflow/tfjs';

/**
 * GAN losses from discriminator *logits* ℓ, with D = sigmoid(ℓ). Working on logits matters:
 * log D = −softplus(−ℓ) and log(1 − D) = −softplus(ℓ) never take the log of a 0 that a saturated
 * sigmoid would produce in float32.
 */

/** log D(x) = −softplus(−ℓ), elementwise. */
export function logD(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(logits))));
}

/** log(1 − D(x)) = −softplus(ℓ), elementwise. */
export function logOneMinusD(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.softplus(logits)));
}

/**
 * The minimax value V(D, G) = E_x[log D(x)] + E_z[log(1 − D(G(z)))] of Goodfellow et al. 2014,
 * estimated on one batch. D maximizes it, G minimizes it.
 */
export function ganValue(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.add(tf.mean(logD(realLogits)), tf.mean(logOneMinusD(fakeLogits))) as tf.Scalar);
}

/**
 * L_D = −E_x[log D(x)] − E_z[log(1 − D(G(z)))] = −V(D, G): binary cross-entropy with label 1 for
 * real and 0 for generated images. (The source article's extra factor ½ only rescales it.)
 */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(ganValue(realLogits, fakeLogits)) as tf.Scalar);
}

export type GeneratorLossKind = 'non-saturating' | 'minimax';

/**
 * The generator's loss on D's logits for generated images.
 * - `minimax` (saturating): minimize E_z[log(1 − D(G(z)))], the game as written. Its gradient
 *   vanishes when D confidently rejects the fakes, which is exactly the start of training.
 * - `non-saturating`: minimize −E_z[log D(G(z))]. Same fixed point, strong gradients early;
 *   what Goodfellow et al. recommend in practice and what everyone trains with.
 */
export function generatorLoss(fakeLogits: tf.Tensor, kind: GeneratorLossKind = 'non-saturating'): tf.Scalar {
  return tf.tidy(() => (kind === 'minimax' ? (tf.mean(logOneMinusD(fakeLogits)) as tf.Scalar) : (tf.neg(tf.mean(logD(fakeLogits))) as tf.Scalar)));
}

/** D*(x) = p_data(x) / (p_data(x) + p_g(x)): the best discriminator for a fixed generator (Prop. 1). */
export function optimalDiscriminator(pData: ArrayLike<number>, pG: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pData.length);
  for (let i = 0; i < pData.length; i++) {
    const s = pData[i] + pG[i];
    out[i] = s > 0 ? pData[i] / s : 0.5;
  }
  return out;
}

/**
 * logit D*(x) = log p_data(x) − log p_g(x). On a grid, use this rather than {@link optimalDiscriminator}:
 * where p_g is e^−135 times p_data, D* rounds to exactly 1 and log(1 − D*) becomes −∞, while the
 * logit keeps the information (log(1 − D) = −softplus(logit)).
 */
export function optimalDiscriminatorLogit(pData: ArrayLike<number>, pG: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pData.length);
  for (let i = 0; i < pData.length; i++) out[i] = Math.log(pData[i]) - Math.log(pG[i]);
  return out;
}

/** softplus(x) = log(1 + eˣ) in float64 without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * JSD(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2, in nats, for two discrete distributions
 * (or densities on a grid, weighted by the cell width `dx`). Between 0 and log 2.
 */
export function jensenShannonDivergence(p: ArrayLike<number>, q: ArrayLike<number>, dx = 1): number {
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) js += 0.5 * p[i] * Math.log(p[i] / m);
    if (q[i] > 0) js += 0.5 * q[i] * Math.log(q[i] / m);
  }
  return js * dx;
}

/**
 * V(D, G) computed exactly for densities on a grid, ∫ p_data log D + p_g log(1 − D) dx, with D given
 * by its logits (log D = −softplus(−ℓ), log(1 − D) = −softplus(ℓ), finite where D rounds to 0 or 1).
 * With ℓ = {@link optimalDiscriminatorLogit} it equals −log 4 + 2·JSD(p_data ‖ p_g) (Theorem 1),
 * the identity the notebook checks.
 */
export function ganValueOnGrid(pData: ArrayLike<number>, pG: ArrayLike<number>, dLogits: ArrayLike<number>, dx = 1): number {
  let v = 0;
  for (let i = 0; i < pData.length; i++) {
    if (pData[i] > 0) v -= pData[i] * softplus(-dLogits[i]);
    if (pG[i] > 0) v -= pG[i] * softplus(dLogits[i]);
  }
  return v * dx;
}
