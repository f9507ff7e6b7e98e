import * as tf from '@tensorflow/tfjs';
import { bernoulliLogLikelihood, logNormalPdf, reparameterize } from '../losses/vae';
import { decode, encode, type Vae } from '../models/vae';
import { logMeanExp } from './logmeanexp';

/**
 * The importance-weighted bound of Burda et al. 2015 for each row of `x`:
 *   L_k(x) = log (1/k) Σ_i p(x, z_i) / q(z_i | x),   z_i ~ q(z | x),
 * with L_1 = the ELBO ≤ L_k ≤ L_{k+1} ≤ log p(x); large k (5000 in the paper) estimates log p(x).
 * The k samples are drawn `chunk` at a time so the decoder never sees more than
 * `x.shape[0] · chunk` rows at once. Returns one value per example, in nats.
 */
export async function importanceWeightedBound(vae: Vae, x: tf.Tensor, k: number, options: { chunk?: number; seed?: number } = {}): Promise<Float64Array> {
  const chunk = Math.min(options.chunk ?? 500, k);
  const n = x.shape[0];
  const { mean, logVar } = encode(vae, x);
  const parts: tf.Tensor2D[] = [];
  try {
    for (let done = 0; done < k; done += chunk) {
      const c = Math.min(chunk, k - done);
      parts.push(
        tf.tidy(() => {
          // Rows ordered example-major: [x0 z0..zc, x1 z0..zc, …].
          const rep = (t: tf.Tensor) => tf.reshape(tf.tile(tf.expandDims(t, 1), [1, c, ...t.shape.slice(1).map(() => 1)]), [n * c, ...t.shape.slice(1)]);
          const [m, lv, xs] = [rep(mean), rep(logVar), rep(x)];
          const z = reparameterize(m, lv, (options.seed ?? 0) + done);
          const logW = tf.sub(tf.add(bernoulliLogLikelihood(xs, decode(vae, z)), logNormalPdf(z, tf.zerosLike(z), tf.zerosLike(z))), logNormalPdf(z, m, lv));
          return tf.reshape(logW, [n, c]) as tf.Tensor2D;
        }),
      );
    }
    const bound = tf.tidy(() => logMeanExp(tf.concat(parts, 1), 1));
    const values = Float64Array.from(await bound.data());
    bound.dispose();
    return values;
  } finally {
    tf.dispose([mean, logVar, ...parts]);
  }
}
