import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../data/constants';
import { SeededInit } from './init';

/** Width of the penultimate layer, whose activations are the features of the Fréchet distance. */
export const CLASSIFIER_FEATURES = 128;

/**
 * A LeNet-style MNIST classifier (two 5×5 convolutions with max-pooling, a 128-unit ReLU layer,
 * 10 logits). It stands in for Inception-v3 when scoring generated digits, as in TF-GAN's
 * mnist_frechet_distance: its penultimate layer gives the features, its softmax the class
 * probabilities. Input: [n, 28, 28, 1] in [0, 1].
 */
export function createClassifier(seed = 0): tf.LayersModel {
  const init = new SeededInit(seed, 'classifier');
  return tf.sequential({
    name: 'mnist_classifier',
    layers: [
      tf.layers.conv2d({
        inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1],
        filters: 32,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init.glorot(),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init.glorot() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: CLASSIFIER_FEATURES, activation: 'relu', kernelInitializer: init.glorot(), name: 'features' }),
      tf.layers.dense({ units: NUM_CLASSES, kernelInitializer: init.glorot(), name: 'logits' }),
    ],
  });
}

/** A model that shares the classifier's layers and returns its penultimate (feature) activations. */
export function featureExtractor(classifier: tf.LayersModel): tf.LayersModel {
  const features = classifier.getLayer('features');
  return tf.model({ inputs: classifier.inputs, outputs: features.output });
}
