import * as tf from '@tensorflow/tfjs';
import { discriminatorLoss, generatorLoss, type GeneratorLossKind } from '../losses/gan';
import { trainableVariables } from '../models/init';
import type { Gan } from '../models/gan';
import { sampleLatent } from '../models/prior';

/**
 * The two halves of one GAN update (Goodfellow et al. 2014, Algorithm 1), each changing only its
 * own network's weights. `ganTrainStep` is one of each; the site's lab calls them separately so a
 * reader can take k discriminator steps per generator step, or a single step of either.
 * Nothing here touches Node: the browser entry of the library exports them.
 */

/**
 * One discriminator update: descend L_D = −mean log D(x) − mean log(1 − D(G(z))) on a real batch
 * and a fresh fake batch (z drawn with `seed`, as many as real examples), in D's variables only.
 * Returns L_D before the update, as a scalar (not read back).
 */
export function discriminatorStep(gan: Gan, optimizer: tf.Optimizer, real: tf.Tensor, seed: number): tf.Scalar {
  return tf.tidy(() => {
    const z = sampleLatent(real.shape[0], gan.latentDim, seed);
    return optimizer.minimize(
      () => {
        const fake = gan.generator.apply(z, { training: true }) as tf.Tensor;
        const realLogits = gan.discriminator.apply(real, { training: true }) as tf.Tensor;
        const fakeLogits = gan.discriminator.apply(fake, { training: true }) as tf.Tensor;
        return discriminatorLoss(realLogits, fakeLogits);
      },
      true,
      trainableVariables(gan.discriminator),
    )!;
  });
}

/**
 * One generator update: descend the generator loss (`minimax` or `non-saturating`, see
 * {@link generatorLoss}) on `n` fresh latent points (drawn with `seed`), through the current D, in
 * G's variables only. Returns L_G before the update, as a scalar (not read back).
 */
export function generatorStep(gan: Gan, optimizer: tf.Optimizer, n: number, seed: number, lossKind: GeneratorLossKind = 'non-saturating'): tf.Scalar {
  return tf.tidy(() => {
    const z = sampleLatent(n, gan.latentDim, seed);
    return optimizer.minimize(
      () => {
        const fake = gan.generator.apply(z, { training: true }) as tf.Tensor;
        return generatorLoss(gan.discriminator.apply(fake, { training: true }) as tf.Tensor, lossKind);
      },
      true,
      trainableVariables(gan.generator),
    )!;
  });
}

/**
 * The gradient of one generated point's own loss with respect to that point, ∂ℓ_G(x)/∂x at
 * x = G(z), shape [n, 2] for 2-D data: ℓ_G(x) = log(1 − D(x)) for `minimax`, −log D(x) for
 * `non-saturating`. By the chain rule ∂L_G/∂θ = (1/n) Σ_i (∂ℓ_G/∂x_i)(∂G(z_i)/∂θ), so −∂ℓ_G/∂x is
 * where the generator update pushes each point. Both losses share the direction −∇_x ℓ (the logit's
 * gradient), and differ in size: |∂ℓ/∂logit| is D(x) for minimax and 1 − D(x) for non-saturating,
 * so while D rejects the fakes (D ≈ 0) the minimax gradient nearly vanishes.
 */
export function generatorPointGradients(gan: Gan, z: tf.Tensor, lossKind: GeneratorLossKind = 'non-saturating'): tf.Tensor2D {
  return tf.tidy(() => {
    const x = gan.generator.apply(z, { training: false }) as tf.Tensor;
    const n = x.shape[0];
    // generatorLoss is the batch mean, so n times its gradient is each point's own gradient.
    const grad = tf.grad((points: tf.Tensor) => generatorLoss(gan.discriminator.apply(points, { training: false }) as tf.Tensor, lossKind));
    return tf.mul(grad(x), n) as tf.Tensor2D;
  });
}
