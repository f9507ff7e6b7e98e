import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, PIXELS } from '../data/constants';
import { SeededInit } from './init';

export type GanArchitecture = 'mlp' | 'dcgan' | 'toy';

export interface GanOptions {
  /** Size of z. 100 in Goodfellow et al. 2014 and in DCGAN. */
  latentDim?: number;
  seed?: number;
  /**
   * `dcgan` only: batch normalization after the discriminator's second convolution, as Radford et
   * al. 2015 put it in every layer but D's input (D's first convolution is its input layer). Off by
   * default, as in the source article. Real and fake batches go through D separately, so each is
   * normalized with its own statistics, as in the paper.
   */
  discriminatorBatchNorm?: boolean;
}

export interface Gan {
  architecture: GanArchitecture;
  latentDim: number;
  /** z ~ N(0, I) → image in [-1, 1] (tanh), flat for `mlp`, `[28,28,1]` for `dcgan`. */
  generator: tf.LayersModel;
  /** image → one logit per example. Logits, not probabilities: the losses use log-sigmoid, which stays finite. */
  discriminator: tf.LayersModel;
}

/**
 * Generator in the spirit of Goodfellow et al. 2014 (two ReLU layers of 1200): the paper's sigmoid
 * output becomes tanh because we scale data to [-1, 1], and z is Gaussian like the DCGAN's.
 */
export function mlpGenerator(latentDim = 100, hidden = [1200, 1200], seed = 0): tf.LayersModel {
  const init = new SeededInit(seed, 'generator');
  const model = tf.sequential({ name: 'mlp_generator' });
  hidden.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: init.glorot(), ...(i === 0 ? { inputShape: [latentDim] } : {}) })),
  );
  model.add(tf.layers.dense({ units: PIXELS, activation: 'tanh', kernelInitializer: init.glorot() }));
  return model;
}

/**
 * Discriminator for flat images: LeakyReLU(0.2) layers and one output logit. The paper used maxout
 * units with dropout; LeakyReLU keeps gradients alive in the same way and needs no custom layer.
 */
export function mlpDiscriminator(hidden = [512, 256], seed = 0): tf.LayersModel {
  const init = new SeededInit(seed, 'discriminator');
  const model = tf.sequential({ name: 'mlp_discriminator' });
  hidden.forEach((units, i) => {
    model.add(tf.layers.dense({ units, kernelInitializer: init.glorot(), ...(i === 0 ? { inputShape: [PIXELS] } : {}) }));
    model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  });
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init.glorot() }));
  return model;
}

/**
 * The source article's generator, corrected: Dense(7·7·128) → BN → ReLU → ConvT(64, 5, /2) → BN →
 * ReLU → ConvT(1, 5, /2, tanh). The article's version has no activation after its first transposed
 * convolution, so that layer and the next collapse into one linear map.
 */
export function dcganGenerator(latentDim = 100, seed = 0): tf.LayersModel {
  const init = new SeededInit(seed, 'generator');
  return tf.sequential({
    name: 'dcgan_generator',
    layers: [
      tf.layers.dense({ inputShape: [latentDim], units: 7 * 7 * 128, useBias: false, kernelInitializer: init.normal() }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.reshape({ targetShape: [7, 7, 128] }),
      tf.layers.conv2dTranspose({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', useBias: false, kernelInitializer: init.normal() }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 5, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: init.normal() }),
    ],
  });
}

/**
 * The article's discriminator, corrected: LeakyReLU slope 0.2 (not 0.01) as in Radford et al., and a
 * linear output logit instead of a sigmoid so the loss can be computed stably from logits. Its
 * dropout is left out: the DCGAN paper uses none, and unseeded dropout would break reproducibility.
 * With `batchNorm`, Radford et al.'s normalization follows the second convolution
 * (`GanOptions.discriminatorBatchNorm`).
 */
export function dcganDiscriminator(seed = 0, batchNorm = false): tf.LayersModel {
  const init = new SeededInit(seed, 'discriminator');
  return tf.sequential({
    name: 'dcgan_discriminator',
    layers: [
      tf.layers.conv2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1], filters: 64, kernelSize: 5, strides: 2, padding: 'same', kernelInitializer: init.normal() }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      // Batch normalization's shift β makes the convolution's bias redundant.
      tf.layers.conv2d({ filters: 128, kernelSize: 5, strides: 2, padding: 'same', useBias: !batchNorm, kernelInitializer: init.normal() }),
      ...(batchNorm ? [tf.layers.batchNormalization()] : []),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, kernelInitializer: init.normal() }),
    ],
  });
}

/** Builds a generator/discriminator pair. */
export function createGan(architecture: GanArchitecture, options: GanOptions = {}): Gan {
  const latentDim = options.latentDim ?? 100;
  const seed = options.seed ?? 0;
  if (options.discriminatorBatchNorm && architecture !== 'dcgan')
    throw new Error(`discriminatorBatchNorm applies to the dcgan architecture, not '${architecture}'`);
  if (architecture === 'mlp') {
    return { architecture, latentDim, generator: mlpGenerator(latentDim, undefined, seed), discriminator: mlpDiscriminator(undefined, seed) };
  }
  if (architecture === 'dcgan') {
    return { architecture, latentDim, generator: dcganGenerator(latentDim, seed), discriminator: dcganDiscriminator(seed, options.discriminatorBatchNorm) };
  }
  throw new Error(`unknown GAN architecture '${architecture as string}' (expected mlp or dcgan)`);
}

/**
 * A small GAN for low-dimensional toy data (e.g. the 2-D ring of Gaussians): ReLU MLPs, a linear
 * generator output (toy data is not bounded to [-1, 1]) and a discriminator logit.
 */
export function createToyGan(options: { dataDim?: number; latentDim?: number; hidden?: number[]; seed?: number } = {}): Gan {
  const dataDim = options.dataDim ?? 2;
  const latentDim = options.latentDim ?? 2;
  const hidden = options.hidden ?? [128, 128];
  const seed = options.seed ?? 0;
  const gInit = new SeededInit(seed, 'toy-generator');
  const dInit = new SeededInit(seed, 'toy-discriminator');
  const generator = tf.sequential({ name: 'toy_generator' });
  const discriminator = tf.sequential({ name: 'toy_discriminator' });
  hidden.forEach((units, i) => {
    generator.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: gInit.glorot(), ...(i === 0 ? { inputShape: [latentDim] } : {}) }));
    discriminator.add(tf.layers.dense({ units, kernelInitializer: dInit.glorot(), ...(i === 0 ? { inputShape: [dataDim] } : {}) }));
    discriminator.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  });
  generator.add(tf.layers.dense({ units: dataDim, kernelInitializer: gInit.glorot() }));
  discriminator.add(tf.layers.dense({ units: 1, kernelInitializer: dInit.glorot() }));
  return { architecture: 'toy', latentDim, generator, discriminator };
}

/** Frees both networks' weights. */
export function disposeGan(gan: Gan): void {
  gan.generator.dispose();
  gan.discriminator.dispose();
}
