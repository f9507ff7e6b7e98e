import * as tf from '@tensorflow/tfjs';
import { gaussianKl, logNormalPdf, reparameterize } from '../losses/vae';
import { trainableVariables } from '../models/init';
import { decode, encode, type Vae } from '../models/vae';

/**
 * One update of a VAE with a Gaussian decoder p_θ(x|z) = N(μ_θ(z), σ_x² I) (σ_x fixed, `decoderStd`):
 * maximize the batch-mean ELBO
 *   L = E_q[log N(x; μ_θ(z), σ_x² I)] − KL(q_φ(z|x) ‖ N(0, I))
 * (Kingma & Welling 2014, eq. 10 with the Gaussian decoder of Appendix C.2), one reparameterized
 * z per example drawn with `seed`, the KL in closed form. A small σ_x weighs reconstruction more
 * against the KL. Returns −ELBO and the two terms (batch means) as scalars, not read back.
 * Browser-safe: the site's lab trains with it.
 */
export function gaussianVaeStep(
  vae: Vae,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  seed: number,
  decoderStd: number,
): { loss: tf.Scalar; reconstruction: tf.Scalar; kl: tf.Scalar } {
  if (!(decoderStd > 0)) throw new Error(`gaussianVaeStep: decoderStd must be positive, got ${decoderStd}`);
  let reconstruction!: tf.Scalar;
  let kl!: tf.Scalar;
  const loss = tf.tidy(() =>
    optimizer.minimize(
      () => {
        const { mean, logVar } = encode(vae, x, true);
        const z = reparameterize(mean, logVar, seed);
        const xMean = decode(vae, z, true);
        const rec = logNormalPdf(x, xMean, tf.fill(xMean.shape, 2 * Math.log(decoderStd)));
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
