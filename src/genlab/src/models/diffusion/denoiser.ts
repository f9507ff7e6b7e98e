import * as tf from '@tensorflow/tfjs';
import { timeEmbedding } from './forward';

/**
 * The network ε_θ(x_t, t[, y]) of a diffusion model: given a noisy example and its time step (and,
 * for a class-conditional model, a class label), it predicts the noise ε that was added (Ho et al.
 * 2020 §3.2). A Layers model with inputs `[x_t, time features, class one-hot]` (the last only when
 * conditional), so it saves, loads and exports like the GAN and VAE networks; the sinusoidal time
 * features are computed outside it by {@link timeEmbedding}.
 */
export interface Denoiser {
  architecture: 'unet' | 'mlp';
  model: tf.LayersModel;
  /** Size of the sinusoidal time features fed to the network. */
  timeDim: number;
  /** Number of classes for a conditional model (the one-hot has one more slot, "no class"); 0 when unconditional. */
  numClasses: number;
}

/**
 * The label meaning "no class" (∅ in Ho & Salimans 2022): a conditional network trained with some
 * labels replaced by it also learns the unconditional ε_θ(x_t, t), which guidance needs.
 */
export const NULL_CLASS = -1;

/** One-hot [n, numClasses + 1] of int32 labels in {0 … numClasses − 1} ∪ {NULL_CLASS}; ∅ takes the last slot. */
export function classOneHot(labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const index = tf.where(tf.less(labels, 0), tf.fill(labels.shape, numClasses, 'int32'), tf.cast(labels, 'int32'));
    return tf.cast(tf.oneHot(index as tf.Tensor1D, numClasses + 1), 'float32') as tf.Tensor2D;
  });
}

/**
 * ε_θ(x_t, t, y): the predicted noise, shaped like x_t. `t` holds one step in {1 … T} per example;
 * `labels` (int32, NULL_CLASS for none) is ignored by an unconditional network and defaults to
 * all-∅ for a conditional one.
 */
export function predictNoise(denoiser: Denoiser, xt: tf.Tensor, t: tf.Tensor1D, labels?: tf.Tensor1D, training = false): tf.Tensor {
  return tf.tidy(() => {
    const inputs = [xt, timeEmbedding(t, denoiser.timeDim)];
    if (denoiser.numClasses > 0) {
      const y = labels ?? tf.fill([xt.shape[0]], NULL_CLASS, 'int32');
      inputs.push(classOneHot(y, denoiser.numClasses));
    }
    return denoiser.model.apply(inputs, { training }) as tf.Tensor;
  });
}

/** Reads a saved denoiser's sizes from its inputs: rank-4 x means the U-Net, rank-2 the MLP. */
export function denoiserFromModel(model: tf.LayersModel): Denoiser {
  if (model.inputs.length < 2 || model.inputs.length > 3)
    throw new Error(`a denoiser has 2 or 3 inputs (x_t, time features[, class]), this model has ${model.inputs.length}`);
  const timeDim = model.inputs[1].shape[1]!;
  const numClasses = model.inputs.length === 3 ? model.inputs[2].shape[1]! - 1 : 0;
  return { architecture: model.inputs[0].shape.length === 4 ? 'unet' : 'mlp', model, timeDim, numClasses };
}

/** Time (and class) embedding shared by every block: e = W₂ swish(W₁ φ(t) + E y), the U-Net's conditioning signal. */
export function conditioningEmbedding(
  timeFeatures: tf.SymbolicTensor,
  classes: tf.SymbolicTensor | undefined,
  units: number,
  init: () => ReturnType<typeof tf.initializers.glorotUniform>,
): tf.SymbolicTensor {
  let e = tf.layers.dense({ units, kernelInitializer: init(), name: 'time_dense' }).apply(timeFeatures) as tf.SymbolicTensor;
  if (classes) {
    // A bias-free dense layer on a one-hot is an embedding table: one learned vector per class (and ∅).
    const c = tf.layers.dense({ units, useBias: false, kernelInitializer: init(), name: 'class_embedding' }).apply(classes) as tf.SymbolicTensor;
    e = tf.layers.add().apply([e, c]) as tf.SymbolicTensor;
  }
  e = tf.layers.activation({ activation: 'swish' }).apply(e) as tf.SymbolicTensor;
  return tf.layers.dense({ units, activation: 'swish', kernelInitializer: init(), name: 'cond_dense' }).apply(e) as tf.SymbolicTensor;
}

export function disposeDenoiser(denoiser: Denoiser): void {
  denoiser.model.dispose();
}
