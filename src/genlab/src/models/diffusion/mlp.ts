import * as tf from '@tensorflow/tfjs';
import { SeededInit } from '../init';
import { conditioningEmbedding, type Denoiser } from './denoiser';

export interface MlpDenoiserOptions {
  /** Size of a data point (default 2, the toy). */
  dim?: number;
  /** Hidden swish layers (default [128, 128, 128]). */
  hidden?: number[];
  timeDim?: number;
  numClasses?: number;
  seed?: number;
}

/**
 * ε_θ for low-dimensional toy data: an MLP on [x_t, e(t, y)], where e is the same time (and
 * class) embedding the U-Net uses. Small enough that a 2-D diffusion model trains in seconds and
 * every step of its sampler can be drawn.
 */
export function createMlpDenoiser(options: MlpDenoiserOptions = {}): Denoiser {
  const dim = options.dim ?? 2;
  const hidden = options.hidden ?? [128, 128, 128];
  const timeDim = options.timeDim ?? 32;
  const numClasses = options.numClasses ?? 0;
  const init = new SeededInit(options.seed ?? 0, 'mlp-denoiser');
  const x = tf.input({ shape: [dim], name: 'x_t' });
  const tFeatures = tf.input({ shape: [timeDim], name: 'time_features' });
  const classes = numClasses > 0 ? tf.input({ shape: [numClasses + 1], name: 'class_one_hot' }) : undefined;
  const emb = conditioningEmbedding(tFeatures, classes, hidden[0], () => init.glorot());
  let h = tf.layers.concatenate().apply([x, emb]) as tf.SymbolicTensor;
  // reduce, not for…of: a for…of here is what a bundler's Babel pass turns into an ES import (test/demo/browser-entry).
  h = hidden.reduce((x, units) => tf.layers.dense({ units, activation: 'swish', kernelInitializer: init.glorot() }).apply(x) as tf.SymbolicTensor, h);
  const out = tf.layers.dense({ units: dim, kernelInitializer: 'zeros', name: 'eps' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: classes ? [x, tFeatures, classes] : [x, tFeatures], outputs: out, name: 'mlp_denoiser' });
  return { architecture: 'mlp', model, timeDim, numClasses };
}
