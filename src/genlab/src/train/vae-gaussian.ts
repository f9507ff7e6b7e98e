import * as tf from '@tensorflow/tfjs';
import { logNormalPdf } from '../losses/vae';
import { type Vae } from '../models/vae';
import { elboStep } from './vae-step';

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
  const logVar = 2 * Math.log(decoderStd);
  return elboStep(vae, optimizer, x, seed, (target, xMean) => logNormalPdf(target, xMean, tf.fill(xMean.shape, logVar)));
}
