import * as tf from '@tensorflow/tfjs';
import { featureExtractor } from '../models/classifier';

/**
 * The MNIST classifier's view of [n, 784] images in [0, 1]: its 128 penultimate ReLU features
 * (the space of the Fréchet distance, precision and recall) and its class probabilities (the
 * Inception-style score), computed `batchSize` images at a time. The caller disposes both.
 */
export function classifierOutputs(classifier: tf.LayersModel, images: tf.Tensor2D, batchSize = 500): { features: tf.Tensor2D; probabilities: tf.Tensor2D } {
  const extractor = featureExtractor(classifier);
  const feats: tf.Tensor[] = [];
  const probs: tf.Tensor[] = [];
  for (let start = 0; start < images.shape[0]; start += batchSize) {
    const size = Math.min(batchSize, images.shape[0] - start);
    tf.tidy(() => {
      const x = tf.reshape(tf.slice(images, [start, 0], [size, -1]), [size, 28, 28, 1]);
      feats.push(tf.keep(extractor.apply(x) as tf.Tensor));
      probs.push(tf.keep(tf.softmax(classifier.apply(x) as tf.Tensor)));
    });
  }
  const features = tf.concat(feats, 0) as tf.Tensor2D;
  const probabilities = tf.concat(probs, 0) as tf.Tensor2D;
  tf.dispose([...feats, ...probs]);
  return { features, probabilities };
}
