/**
 * One training step of a model on a fixed real MNIST batch (64 for GANs, 100 for VAEs), loss read
 * back: the unit the bench tools in this folder time and profile. Call after setupBackend.
 */
import * as tf from '@tensorflow/tfjs';
import { binarize, createGan, createGanOptimizers, createVae, ganTrainStep, imagesToTensor, loadMnist, vaeTrainStep } from '../src/genlab/src/index';

export type BenchModel = 'mlp-gan' | 'dcgan' | 'mlp-vae' | 'conv-vae';

export function trainingStep(model: string): () => void {
  if (!['mlp-gan', 'dcgan', 'mlp-vae', 'conv-vae'].includes(model)) throw new Error(`unknown model '${model}' (mlp-gan, dcgan, mlp-vae or conv-vae)`);
  const mnist = loadMnist();
  const layout = model === 'dcgan' || model === 'conv-vae' ? 'image' : 'flat';
  if (model.endsWith('gan')) {
    const x = imagesToTensor(mnist.train, 64, 'tanh', layout);
    const gan = createGan(model === 'dcgan' ? 'dcgan' : 'mlp');
    const opt = createGanOptimizers();
    return () => {
      const l = ganTrainStep(gan, opt, x, { discriminator: 1, generator: 2 });
      l.discriminatorLoss.dataSync();
      tf.dispose(l);
    };
  }
  const x = tf.tidy(() => binarize(imagesToTensor(mnist.train, 100, 'unit', layout), 1));
  const vae = createVae(model === 'conv-vae' ? 'conv' : 'mlp', { latentDim: 20 });
  const opt = tf.train.adam(1e-3);
  return () => {
    const l = vaeTrainStep(vae, opt, x, 3);
    l.loss.dataSync();
    tf.dispose(l);
  };
}
