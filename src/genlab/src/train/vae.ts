import * as tf from '@tensorflow/tfjs';
import { assertKernels, CONV_TRAINING_KERNELS } from '../backend';
import { binarize, imagesToTensor, range, type MnistSplit } from '../data/mnist';
import { bernoulliLogLikelihood, elbo, reparameterize } from '../losses/vae';
import { inputLayout } from '../models/init';
import { sampleLatent } from '../models/prior';
import { decode, encode, type Vae } from '../models/vae';
import { imageGridPng } from '../viz/png';
import { runTraining, type TrainingOptions, type TrainingResult } from './run';
import { elboStep } from './vae-step';

/**
 * One update of a VAE with a Bernoulli decoder (log p_θ(x|z) from its logits, see
 * `bernoulliLogLikelihood`): maximize the batch-mean ELBO (minimize its negative) by gradient
 * descent on encoder and decoder together, with one reparameterized z per example. Returns the
 * loss and the two ELBO terms as scalars (not read back).
 */
export function vaeTrainStep(vae: Vae, optimizer: tf.Optimizer, x: tf.Tensor, seed: number): { loss: tf.Scalar; reconstruction: tf.Scalar; kl: tf.Scalar } {
  return elboStep(vae, optimizer, x, seed, bernoulliLogLikelihood);
}

/** Binarization used for evaluation sets: fixed, so epochs are compared on the same binary images. */
export const EVAL_BINARIZATION_SEED = 20140101;

/**
 * Mean ELBO (and its two terms) of a VAE over the first `limit` examples of a split, dynamically
 * binarized with a fixed seed, one z per example. In nats per image; higher is better.
 */
export async function evaluateElbo(
  vae: Vae,
  data: MnistSplit,
  options: { limit?: number; batchSize?: number; seed?: number } = {},
): Promise<{ elbo: number; reconstruction: number; kl: number }> {
  const n = Math.min(options.limit ?? data.size, data.size);
  const batchSize = options.batchSize ?? 500;
  const layout = inputLayout(vae.encoder);
  const seed = options.seed ?? EVAL_BINARIZATION_SEED;
  let sums = tf.zeros([3]);
  for (let start = 0; start < n; start += batchSize) {
    const indices = range(Math.min(batchSize, n - start)).map((i) => i + start);
    const next = tf.tidy(() => {
      const x = binarize(imagesToTensor(data, indices, 'unit', layout), seed + start);
      const { mean, logVar } = encode(vae, x);
      const t = elbo(x, decode(vae, reparameterize(mean, logVar, seed + start + 1)), mean, logVar);
      return tf.add(sums, tf.stack([tf.sum(t.elbo), tf.sum(t.reconstruction), tf.sum(t.kl)]));
    });
    sums.dispose();
    sums = next;
  }
  const [e, r, k] = await sums.data();
  sums.dispose();
  return { elbo: e / n, reconstruction: r / n, kl: k / n };
}

export interface VaeTrainingOptions extends TrainingOptions {
  learningRate?: number;
  /** Examples of the validation split scored each epoch (default: all). */
  validation?: MnistSplit;
  validationLimit?: number;
  sampleCount?: number;
  optimizer?: tf.Optimizer;
}

/** Decoded means, sigmoid(logits), for latent points z: what a VAE sample grid shows. */
export function decodeMeans(vae: Vae, z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sigmoid(decode(vae, z)));
}

/**
 * Trains a VAE on dynamically binarized MNIST (a fresh Bernoulli draw per batch, pixel
 * intensities as probabilities) with Adam. Each epoch ends with the validation ELBO and a grid
 * decoded from one fixed batch of prior samples z ~ N(0, I).
 */
export async function trainVae(vae: Vae, data: MnistSplit, options: VaeTrainingOptions): Promise<TrainingResult> {
  const layout = inputLayout(vae.encoder);
  if (layout === 'image') assertKernels(CONV_TRAINING_KERNELS, `train the ${vae.architecture} VAE`);
  const optimizer = options.optimizer ?? tf.train.adam(options.learningRate ?? 1e-3);
  const fixedPrior = sampleLatent(options.sampleCount ?? 64, vae.latentDim, (options.seed ?? 0) + 7919);
  try {
    return await runTraining(
      {
        models: { encoder: vae.encoder, decoder: vae.decoder },
        optimizers: { vae: optimizer },
        trainSize: data.size,
        step: (indices, rng) => {
          const x = tf.tidy(() => binarize(imagesToTensor(data, indices, 'unit', layout), rng.seed()));
          const { loss, reconstruction, kl } = vaeTrainStep(vae, optimizer, x, rng.seed());
          x.dispose();
          return { loss, reconstruction, kl };
        },
        endEpoch: async () => {
          const metrics: Record<string, number> = {};
          if (options.validation) {
            const v = await evaluateElbo(vae, options.validation, { limit: options.validationLimit });
            metrics.validationElbo = v.elbo;
            metrics.validationReconstruction = v.reconstruction;
            metrics.validationKl = v.kl;
          }
          const images = decodeMeans(vae, fixedPrior);
          const samplePng = await imageGridPng(images, { range: [0, 1], scale: 2 });
          images.dispose();
          return { metrics, samplePng };
        },
      },
      { ...options, config: { model: 'vae', architecture: vae.architecture, latentDim: vae.latentDim, ...options.config } },
    );
  } finally {
    fixedPrior.dispose();
    if (!options.optimizer) optimizer.dispose();
  }
}
