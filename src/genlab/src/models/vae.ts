import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, PIXELS } from '../data/constants';
import { SeededInit } from './init';

export type VaeArchitecture = 'mlp' | 'conv';

export interface VaeOptions {
  /** Size of z: 20 by default (Kingma & Welling's main setting), 2 to draw the latent space. */
  latentDim?: number;
  /**
   * Hidden tanh layers of the MLP encoder and decoder (the decoder mirrors them): `[500]` in
   * Kingma & Welling 2014, `[200, 200]` (with a 50-d z) in Burda et al. 2016's one-stochastic-layer VAE.
   */
  hidden?: number | number[];
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

/** A stack of tanh layers and a linear output layer, the shape of every MLP VAE network. */
export function tanhMlp(name: string, inputSize: number, hidden: number[], outputSize: number, init: SeededInit): tf.Sequential {
  const layers = hidden.map((units, i) =>
    tf.layers.dense({ ...(i === 0 ? { inputShape: [inputSize] } : {}), units, activation: 'tanh', kernelInitializer: init.glorot() }),
  );
  layers.push(tf.layers.dense({ ...(hidden.length ? {} : { inputShape: [inputSize] }), units: outputSize, kernelInitializer: init.glorot() }));
  return tf.sequential({ name, layers });
}

/**
 * Kingma & Welling 2014's MNIST VAE (one tanh hidden layer each way) or, with more `hidden` layers,
 * Burda et al.'s deeper one; the decoder mirrors the encoder's layers.
 */
function mlpVae(latentDim: number, hidden: number[], seed: number): Vae {
  if (hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new Error(`hidden layer sizes must be positive integers, got [${hidden.join(', ')}]`);
  const init = new SeededInit(seed, 'vae');
  const encoder = tanhMlp('mlp_encoder', PIXELS, hidden, 2 * latentDim, init);
  const decoder = tanhMlp('mlp_decoder', latentDim, [...hidden].reverse(), PIXELS, init);
  return { architecture: 'mlp', latentDim, encoder, decoder };
}

/** The convolutional VAE of TensorFlow's CVAE tutorial: two stride-2 convolutions each way. */
function convVae(latentDim: number, seed: number): Vae {
  const init = new SeededInit(seed, 'vae');
  const encoder = tf.sequential({
    name: 'conv_encoder',
    layers: [
      tf.layers.conv2d({
        inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1],
        filters: 32,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init.glorot(),
      }),
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
  if (architecture === 'mlp') return mlpVae(latentDim, [options.hidden ?? 500].flat(), seed);
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
