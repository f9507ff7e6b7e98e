// The published MNIST classifier (static/models/mnist-classifier) that the classifier scores use, loaded once per test file.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler } from '../../src/genlab/src/index';

export const CLASSIFIER_DIR = join(__dirname, '..', '..', 'static', 'models', 'mnist-classifier');

export function loadPublishedClassifier(): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileSystemHandler(CLASSIFIER_DIR));
}
