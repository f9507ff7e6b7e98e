import * as tf from '@tensorflow/tfjs';
import { imagesToTensor, type MnistSplit } from '../data/mnist';
import { classifierOutputs } from './features';
import { featureStatistics } from './frechet';
import { classHistogram, inceptionScore } from './score';

/** Mean and covariance of the classifier's features: one side of a Fréchet distance. */
export type FeatureStatistics = ReturnType<typeof featureStatistics>;

/**
 * The classifier's feature statistics and class probabilities for [n, 784] images in [0, 1].
 * The caller disposes `probabilities`.
 */
export async function classify(classifier: tf.LayersModel, images: tf.Tensor2D): Promise<{ stats: FeatureStatistics; probabilities: tf.Tensor2D }> {
  const { features, probabilities } = classifierOutputs(classifier, images);
  const stats = featureStatistics(await features.data(), features.shape[0], features.shape[1]);
  features.dispose();
  return { stats, probabilities };
}

/** What the scores need of a real-data split: feature statistics, Inception-style score and class histogram. */
export interface RealStatistics {
  stats: FeatureStatistics;
  inceptionScore: number;
  classHistogram: number[];
}

// Real data does not change between calls, so its statistics are computed once per classifier, split,
// image count and backend (a backend may round differently), and kept as plain numbers: no tensor
// outlives a call. Weak keys let a dropped classifier or data set take its entries with it.
const cache = new WeakMap<tf.LayersModel, WeakMap<MnistSplit, Map<string, RealStatistics>>>();

/**
 * Statistics of the first `n` images of a real split through `classifier`, computed on first use
 * and reused after: the same numbers as computing them again, without the classifier pass. Assumes
 * the classifier's weights and the split's pixels do not change afterwards (a published classifier,
 * a loaded data set).
 */
export async function realStatistics(classifier: tf.LayersModel, split: MnistSplit, n = split.size): Promise<RealStatistics> {
  let bySplit = cache.get(classifier);
  if (!bySplit) cache.set(classifier, (bySplit = new WeakMap()));
  let byCount = bySplit.get(split);
  if (!byCount) bySplit.set(split, (byCount = new Map<string, RealStatistics>()));
  const key = `${tf.getBackend()} ${n}`;
  const cached = byCount.get(key);
  if (cached) return cached;
  const images = imagesToTensor(split, n, 'unit') as tf.Tensor2D;
  try {
    const { stats, probabilities } = await classify(classifier, images);
    try {
      const result = { stats, inceptionScore: await inceptionScore(probabilities), classHistogram: await classHistogram(probabilities) };
      byCount.set(key, result);
      return result;
    } finally {
      probabilities.dispose();
    }
  } finally {
    images.dispose();
  }
}
