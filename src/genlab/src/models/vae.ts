import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, PIXELS } from '../data/constants';
import { SeededInit } from './init';

export type VaeArchitecture = 'mlp' | 'conv';

export interface VaeOptions {
  /** Size of z: 20 by default (Kingma & Welling's main setting), 2 to draw the latent space. */
  latentDim?: number;
  /** Hidden units of the MLP encoder and decoder (500 in Kingma & Welling 2014). */
  hidden?: number;
  seed?: number;
}

export interface Vae {
  architecture: VaeArchitecture;
  latentDim: number;
  /** x → [mean | log σ²], one row of 2·latentDim per example: q_φ(z|x) = N(mean, diag σ²). */
  encoder: tf.LayersModel;
  /** z → Bernoulli logits of p_θ(x|z), one per pixel. */
  decoder: tf.LayersModel;
}

/** Kingma & Welling 2014's MNIST VAE: one tanh hidden layer in the encoder and in the decoder. */
function mlpVae(latentDim: number, hidden: number, seed: number): Vae {
  const init = new SeededInit(seed, 'vae');
  const encoder = tf.sequential({
    name: 'mlp_encoder',
    layers: [
      tf.layers.dense({ inputShape: [PIXELS], units: hidden, activation: 'tanh', kernelInitializer: init.glorot() }),
      tf.layers.dense({ units: 2 * latentDim, kernelInitializer: init.glorot() }),
    ],
  });
  const decoder = tf.sequential({
    name: 'mlp_decoder',
    layers: [
      tf.layers.dense({ inputShape: [latentDim], units: hidden, activation: 'tanh', kernelInitializer: init.glorot() }),
      tf.layers.dense({ units: PIXELS, kernelInitializer: init.glorot() }),
    ],
  });
  return { architecture: 'mlp', latentDim, encoder, decoder };
}

/** The convolutional VAE of TensorFlow's CVAE tutorial: two stride-2 convolutions each way. */
function convVae(latentDim: number, seed: number): Vae {
  const init = new SeededInit(seed, 'vae');
  const encoder = tf.sequential({
    name: 'conv_encoder',
    layers: [
      tf.layers.conv2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1], filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init.glorot() }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init.glorot() }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2 * latentDim, kernelInitializer: init.glorot() }),
    ],
  });
  const decoder = tf.sequential({
    name: 'conv_decoder',
    layers: [
      tf.layers.dense({ inputShape: [latentDim], units: 7 * 7 * 32, activation: 'relu', kernelInitializer: init.glorot() }),
      tf.layers.reshape({ targetShape: [7, 7, 32] }),
      tf.layers.conv2dTranspose({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init.glorot() }),
      tf.layers.conv2dTranspose({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init.glorot() }),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 1, padding: 'same', kernelInitializer: init.glorot() }),
    ],
  });
  return { architecture: 'conv', latentDim, encoder, decoder };
}

export function createVae(architecture: VaeArchitecture, options: VaeOptions = {}): Vae {
  const latentDim = options.latentDim ?? 20;
  const seed = options.seed ?? 0;
  if (architecture === 'mlp') return mlpVae(latentDim, options.hidden ?? 500, seed);
  if (architecture === 'conv') return convVae(latentDim, seed);
  throw new Error(`unknown VAE architecture '${architecture as string}' (expected mlp or conv)`);
}

/** Splits the encoder's output into the mean and log-variance of q_φ(z|x). */
export function encode(vae: Vae, x: tf.Tensor, training = false): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
  return tf.tidy(() => {
    const h = vae.encoder.apply(x, { training }) as tf.Tensor2D;
    const [mean, logVar] = tf.split(h, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logVar };
  });
}

/** Bernoulli logits of p_θ(x|z), shaped like the encoder's input. */
export function decode(vae: Vae, z: tf.Tensor, training = false): tf.Tensor {
  return vae.decoder.apply(z, { training }) as tf.Tensor;
}

export function disposeVae(vae: Vae): void {
  vae.encoder.dispose();
  vae.decoder.dispose();
}
