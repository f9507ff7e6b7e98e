import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE } from '../../data/constants';
import { SeededInit } from '../init';
import { conditioningEmbedding, type Denoiser } from './denoiser';

export interface UnetOptions {
  /** Channels at 28×28, 14×14 and 7×7 (default [32, 64, 64]). */
  channels?: [number, number, number];
  /** Size of the sinusoidal time features (default 32). */
  timeDim?: number;
  /** Classes for classifier-free guidance; 0 (default) for an unconditional model. */
  numClasses?: number;
  seed?: number;
}

type S = tf.SymbolicTensor;

/**
 * A small U-Net for 28×28 images in the spirit of Ho et al. 2020's (Ronneberger et al. 2015's
 * encoder–decoder with skip connections, residual blocks, the time embedding added inside every
 * block), cut down to three resolutions, one block each and no attention or normalization so it
 * trains on a CPU. The skip connections carry fine detail past the bottleneck: the network must
 * output noise at full resolution, not a compressed summary.
 */
export function createUnet(options: UnetOptions = {}): Denoiser {
  const [c1, c2, c3] = options.channels ?? [32, 64, 64];
  const timeDim = options.timeDim ?? 32;
  const numClasses = options.numClasses ?? 0;
  if (![c1, c2, c3].every((c) => Number.isInteger(c) && c > 0)) throw new Error(`U-Net channels must be positive integers, got [${[c1, c2, c3].join(', ')}]`);
  const init = new SeededInit(options.seed ?? 0, 'unet');
  const glorot = () => init.glorot();
  const conv = (filters: number, x: S, opts: { strides?: number; activation?: 'swish'; kernelSize?: number } = {}) =>
    tf.layers
      .conv2d({
        filters,
        kernelSize: opts.kernelSize ?? 3,
        strides: opts.strides ?? 1,
        padding: 'same',
        activation: opts.activation,
        kernelInitializer: glorot(),
      })
      .apply(x) as S;

  const x = tf.input({ shape: [IMAGE_SIZE, IMAGE_SIZE, 1], name: 'x_t' });
  const tFeatures = tf.input({ shape: [timeDim], name: 'time_features' });
  const classes = numClasses > 0 ? tf.input({ shape: [numClasses + 1], name: 'class_one_hot' }) : undefined;
  const embUnits = 4 * c1;
  const emb = conditioningEmbedding(tFeatures, classes, embUnits, glorot);

  /** Residual block: h + conv(swish(conv(h) + W e)), with e broadcast over the image. */
  const block = (h: S, filters: number): S => {
    const inner = conv(filters, h, { activation: 'swish' });
    const shift = tf.layers.dense({ units: filters, kernelInitializer: glorot() }).apply(emb) as S;
    const shifted = tf.layers.add().apply([inner, tf.layers.reshape({ targetShape: [1, 1, filters] }).apply(shift) as S]) as S;
    const out = conv(filters, shifted, { activation: 'swish' });
    const skip = h.shape[3] === filters ? h : conv(filters, h, { kernelSize: 1 });
    return tf.layers.add().apply([skip, out]) as S;
  };
  const up = (h: S, filters: number): S =>
    tf.layers.conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: glorot() }).apply(h) as S;
  const concat = (a: S, b: S): S => tf.layers.concatenate().apply([a, b]) as S;

  const h28 = block(conv(c1, x), c1); // 28×28
  const h14 = block(conv(c2, h28, { strides: 2 }), c2); // 14×14
  const mid = block(block(conv(c3, h14, { strides: 2 }), c3), c3); // 7×7
  const u14 = block(concat(up(mid, c2), h14), c2);
  const u28 = block(concat(up(u14, c1), h28), c1);
  // Zero-initialized output: the untrained network predicts ε̂ = 0, loss E‖ε‖² = 1 per pixel.
  const out = tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: 'zeros', name: 'eps' }).apply(u28) as S;
  const model = tf.model({ inputs: classes ? [x, tFeatures, classes] : [x, tFeatures], outputs: out, name: 'unet' });
  return { architecture: 'unet', model, timeDim, numClasses };
}
