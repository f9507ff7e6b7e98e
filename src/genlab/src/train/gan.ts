import * as tf from '@tensorflow/tfjs';
import { assertKernels, CONV_TRAINING_KERNELS } from '../backend';
import { imagesToTensor, type MnistSplit } from '../data/mnist';
import type { GeneratorLossKind } from '../losses/gan';
import { inputLayout } from '../models/init';
import type { Gan } from '../models/gan';
import { sampleLatent } from '../models/prior';
import { imageGridPng } from '../viz/png';
import { updateEma } from './ema';
import { discriminatorStep, generatorStep } from './gan-steps';
import { runTraining, type TrainingOptions, type TrainingResult } from './run';

export interface GanOptimizers {
  discriminator: tf.Optimizer;
  generator: tf.Optimizer;
}

/** Adam(2e-4, β1 = 0.5) for both networks: Radford et al.'s setting (β1 = 0.9 makes GANs oscillate). */
export function createGanOptimizers(learningRate = 2e-4, beta1 = 0.5): GanOptimizers {
  return { discriminator: tf.train.adam(learningRate, beta1), generator: tf.train.adam(learningRate, beta1) };
}

/**
 * One alternating GAN update (Goodfellow et al. 2014, Algorithm 1 with k = 1):
 * first D descends L_D on a real batch and a fresh fake batch, then G descends its loss on
 * another fresh batch through the *updated* D. Returns both losses as scalars (not read back).
 */
export function ganTrainStep(
  gan: Gan,
  optimizers: GanOptimizers,
  real: tf.Tensor,
  seeds: { discriminator: number; generator: number },
  lossKind: GeneratorLossKind = 'non-saturating',
): { discriminatorLoss: tf.Scalar; generatorLoss: tf.Scalar } {
  const dLoss = discriminatorStep(gan, optimizers.discriminator, real, seeds.discriminator);
  const gLoss = generatorStep(gan, optimizers.generator, real.shape[0], seeds.generator, lossKind);
  return { discriminatorLoss: dLoss, generatorLoss: gLoss };
}

export interface GanTrainingOptions extends TrainingOptions {
  learningRate?: number;
  beta1?: number;
  lossKind?: GeneratorLossKind;
  /** Size of the fixed noise batch drawn into each epoch's sample grid (default 64). */
  sampleCount?: number;
  /** Reuse optimizers (e.g. to keep training in a notebook); created when absent. */
  optimizers?: GanOptimizers;
  /**
   * Scores of the generator at the end of each epoch (e.g. `generatorEpochScores`), logged with the
   * epoch: a GAN's losses do not say whether its samples improve, so the curve that does is measured.
   */
  scoreGenerator?: (generator: tf.LayersModel, epoch: number) => Promise<Record<string, number>>;
  /**
   * A second generator of the same architecture to hold the exponential moving average of the
   * trained generator's weights (`updateEma`, decay `emaDecay`, default 0.999). It starts from the
   * generator's weights, is checkpointed as `generatorEma`, and is what the sample grids and
   * `scoreGenerator` see: the average of a generator circling its equilibrium draws cleaner digits
   * than wherever the last step left it (Yazıcı et al. 2019).
   */
  generatorEma?: tf.LayersModel;
  /** The average's decay d (default 0.999: it spans about the last thousand steps). */
  emaDecay?: number;
}

/** Generator samples for a given noise batch, in [-1, 1]. */
export function generate(gan: Gan, z: tf.Tensor): tf.Tensor {
  return gan.generator.apply(z, { training: false }) as tf.Tensor;
}

/**
 * Trains a GAN on MNIST scaled to [-1, 1] (to match the generator's tanh). Each epoch reshuffles
 * the data and ends with a grid drawn from one fixed noise batch, so the grids show the same
 * latent points improving.
 */
export async function trainGan(gan: Gan, data: MnistSplit, options: GanTrainingOptions): Promise<TrainingResult> {
  const layout = inputLayout(gan.discriminator);
  if (layout === 'image') assertKernels(CONV_TRAINING_KERNELS, `train the ${gan.architecture} GAN`);
  const optimizers = options.optimizers ?? createGanOptimizers(options.learningRate, options.beta1);
  const fixedNoise = sampleLatent(options.sampleCount ?? 64, gan.latentDim, (options.seed ?? 0) + 7919);
  const { generatorEma } = options;
  const emaDecay = options.emaDecay ?? 0.999;
  if (generatorEma) generatorEma.setWeights(gan.generator.getWeights());
  const sampled = generatorEma ?? gan.generator;
  const models: Record<string, tf.LayersModel> = { generator: gan.generator, discriminator: gan.discriminator };
  if (generatorEma) models.generatorEma = generatorEma;
  const batchesPerEpoch = Math.floor(data.size / options.batchSize);
  let update = 0;
  try {
    return await runTraining(
      {
        models,
        optimizers: { generator: optimizers.generator, discriminator: optimizers.discriminator },
        trainSize: data.size,
        step: (indices, rng, epoch) => {
          const real = imagesToTensor(data, indices, 'tanh', layout);
          const seeds = { discriminator: rng.seed(), generator: rng.seed() };
          const losses = ganTrainStep(gan, optimizers, real, seeds, options.lossKind);
          real.dispose();
          // Counted from the epoch, so a resumed run warms the average up exactly as an uninterrupted one.
          update = Math.max(update + 1, (epoch - 1) * batchesPerEpoch + 1);
          if (generatorEma) updateEma(generatorEma, gan.generator, emaDecay, update);
          return losses;
        },
        endEpoch: async (epoch) => {
          const images = tf.tidy(() => sampled.apply(fixedNoise, { training: false }) as tf.Tensor);
          const samplePng = await imageGridPng(images, { range: [-1, 1], scale: 2 });
          images.dispose();
          return { metrics: options.scoreGenerator ? await options.scoreGenerator(sampled, epoch) : {}, samplePng };
        },
      },
      {
        ...options,
        config: {
          model: 'gan',
          architecture: gan.architecture,
          latentDim: gan.latentDim,
          lossKind: options.lossKind ?? 'non-saturating',
          emaDecay: generatorEma ? emaDecay : undefined,
          ...options.config,
        },
      },
    );
  } finally {
    fixedNoise.dispose();
    if (!options.optimizers) {
      optimizers.generator.dispose();
      optimizers.discriminator.dispose();
    }
  }
}
