import * as tf from '@tensorflow/tfjs';

/**
 * Exponential moving average of the weights, θ̄ ← d θ̄ + (1 − d) θ, with d warmed up as
 * min(d, (1 + k)/(10 + k)) at update k, so the first updates are not dominated by where the average
 * started. Ho et al. 2020 sample a diffusion model from such an average (d = 0.9999), and Yazıcı et
 * al. 2019 show that a GAN generator's average scores better than its last iterate: both losses stay
 * noisy to the end (a GAN's players circle their equilibrium), and the average smooths the weights.
 * Every weight is averaged, BatchNorm's moving statistics included.
 */
export function updateEma(ema: tf.LayersModel, model: tf.LayersModel, decay: number, update: number): void {
  const d = Math.min(decay, (1 + update) / (10 + update));
  tf.tidy(() => {
    model.weights.forEach((w, i) => {
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- tfjs types LayerVariable.read() as Tensor; it returns the layer's tf.Variable
      const target = ema.weights[i].read() as tf.Variable;
      target.assign(tf.add(tf.mul(d, target), tf.mul(1 - d, w.read())));
    });
  });
}
