import * as tf from '@tensorflow/tfjs';
import { gaussianKl, reparameterize } from '../losses/vae';
import { trainableVariables } from '../models/init';
import { decode, encode, type Vae } from '../models/vae';

/**
 * One VAE update for any decoder likelihood: maximize the batch-mean ELBO
 *   L(θ, φ; x) = E_{q_φ(z|x)}[log p_θ(x|z)] − KL(q_φ(z|x) ‖ N(0, I))
 * (Kingma & Welling 2014, eq. 10) by gradient descent on encoder and decoder together, the
 * expectation estimated at one reparameterized z per example (drawn with `seed`), the KL in closed
 * form (Appendix B). `logLikelihood(x, output)` is log p_θ(x|z) per example, given the decoder's
 * output at z: the one thing the Bernoulli and Gaussian decoders do differently. Returns −ELBO and
 * its two terms (batch means) as scalars, not read back.
 * Browser-safe (the site's lab trains with it through `gaussianVaeStep`).
 */
export function elboStep(
  vae: Vae,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  seed: number,
  logLikelihood: (x: tf.Tensor, output: tf.Tensor) => tf.Tensor1D,
): { loss: tf.Scalar; reconstruction: tf.Scalar; kl: tf.Scalar } {
  let reconstruction!: tf.Scalar;
  let kl!: tf.Scalar;
  const loss = tf.tidy(() =>
    optimizer.minimize(
      () => {
        const { mean, logVar } = encode(vae, x, true);
        const z = reparameterize(mean, logVar, seed);
        const rec = logLikelihood(x, decode(vae, z, true));
        const klTerm = gaussianKl(mean, logVar);
        reconstruction = tf.keep(tf.mean(rec) as tf.Scalar);
        kl = tf.keep(tf.mean(klTerm) as tf.Scalar);
        return tf.neg(tf.mean(tf.sub(rec, klTerm))) as tf.Scalar;
      },
      true,
      [...trainableVariables(vae.encoder), ...trainableVariables(vae.decoder)],
    )!,
  );
  return { loss, reconstruction, kl };
}
