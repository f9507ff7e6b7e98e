import * as tf from '@tensorflow/tfjs';
import { imagesToTensor, binarize, range, type Mnist, type MnistSplit } from '../data/mnist';
import { EVAL_BINARIZATION_SEED } from '../train/vae';
import { elbo, reparameterize } from '../losses/vae';
import { decode, encode, type Vae } from '../models/vae';
import { sampleLatent } from '../models/prior';
import { frechetDistance } from './frechet';
import { importanceWeightedBound } from './iwae';
import { meanAndStandardError } from './logmeanexp';
import { parzenEvaluate, type ParzenResult } from './parzen';
import { classify, realStatistics } from './real-statistics';
import { classHistogram, inceptionScore } from './score';

/** Images in [0, 1] as [n, 784], in batches through `f` (keeps peak memory bounded). */
async function collect(n: number, batchSize: number, f: (start: number, size: number) => tf.Tensor): Promise<tf.Tensor2D> {
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < n; start += batchSize) parts.push(tf.tidy(() => tf.reshape(f(start, Math.min(batchSize, n - start)), [-1, 784])));
  const all = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return all;
}

export interface ClassifierScores {
  /** Fréchet distance on the classifier's penultimate features, generated vs the test set. */
  frechet: number;
  inceptionScore: number;
  classHistogram: number[];
  samples: number;
}

/**
 * Scores [n, 784] samples in [0, 1] with an MNIST classifier: Fréchet distance to the test set,
 * Inception-style score and class histogram; and the same for real data as the baseline to read
 * them against (validation vs test for the distance, test for the score). The real-data statistics
 * are computed on the first call for a classifier and data set and reused by later ones (per-epoch
 * scores, guidance sweeps): the same numbers, one classifier pass over the samples per call.
 */
export async function classifierScores(
  classifier: tf.LayersModel,
  samples: tf.Tensor2D,
  mnist: Mnist,
): Promise<{ generated: ClassifierScores; realBaseline: ClassifierScores }> {
  const n = Math.min(samples.shape[0], mnist.validation.size);
  const test = await realStatistics(classifier, mnist.test);
  const real = await realStatistics(classifier, mnist.validation, n);
  const gen = await classify(classifier, samples);
  try {
    return {
      generated: {
        frechet: frechetDistance(gen.stats, test.stats),
        inceptionScore: await inceptionScore(gen.probabilities),
        classHistogram: await classHistogram(gen.probabilities),
        samples: samples.shape[0],
      },
      realBaseline: {
        frechet: frechetDistance(real.stats, test.stats),
        inceptionScore: test.inceptionScore,
        classHistogram: [...test.classHistogram],
        samples: n,
      },
    };
  } finally {
    gen.probabilities.dispose();
  }
}

/**
 * Goodfellow et al. 2014's Parzen protocol on generator samples in [0, 1]: σ from the first 1,000
 * validation images, then the whole test set (or its first `testLimit` images).
 */
export async function parzenProtocol(
  samples: tf.Tensor2D,
  mnist: Mnist,
  testLimit = mnist.test.size,
): Promise<ParzenResult & { samples: number; testImages: number }> {
  const validation = imagesToTensor(mnist.validation, range(1000), 'unit') as tf.Tensor2D;
  const test = imagesToTensor(mnist.test, range(Math.min(testLimit, mnist.test.size)), 'unit') as tf.Tensor2D;
  try {
    const r = await parzenEvaluate(samples, validation, test);
    return { ...r, samples: samples.shape[0], testImages: test.shape[0] };
  } finally {
    tf.dispose([validation, test]);
  }
}

/** Generator samples mapped from tanh's [-1, 1] to [0, 1] pixels, [n, 784]. */
export async function generatorSamples(generator: tf.LayersModel, n: number, latentDim: number, seed: number): Promise<tf.Tensor2D> {
  return collect(n, 500, (start, size) => tf.div(tf.add(generator.apply(sampleLatent(size, latentDim, seed + start), { training: false }) as tf.Tensor, 1), 2));
}

/** Decoded Bernoulli means sigmoid(logits) of z ~ N(0, I), [n, 784]. */
export async function vaeSamples(vae: Vae, n: number, seed: number): Promise<tf.Tensor2D> {
  return collect(n, 500, (start, size) => tf.sigmoid(vae.decoder.apply(sampleLatent(size, vae.latentDim, seed + start)) as tf.Tensor));
}

export interface VaeLikelihood {
  binarization: string;
  testImages: number;
  elbo: number;
  reconstruction: number;
  kl: number;
  iwae: { k: number; mean: number; standardError: number; nll: number };
}

/**
 * Test-set ELBO (with its two terms) and the importance-weighted bound L_k (Burda et al. 2015,
 * k = 5000 for their Table 1) on dynamically binarized test images, binarized once with a fixed
 * seed so every model is scored on the same binary images.
 */
export async function vaeLikelihood(
  vae: Vae,
  test: MnistSplit,
  options: { k?: number; testLimit?: number; batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<VaeLikelihood> {
  const n = Math.min(options.testLimit ?? test.size, test.size);
  const k = options.k ?? 5000;
  const batchSize = options.batchSize ?? 10;
  const layout = vae.encoder.inputs[0].shape.length === 2 ? 'flat' : 'image';
  // One binarization of the whole set, sliced below: the ELBO and L_k see the same binary images.
  const binary = tf.tidy(() => binarize(imagesToTensor(test, range(n), 'unit', layout), EVAL_BINARIZATION_SEED));
  const bounds = new Float64Array(n);
  let sums = [0, 0, 0];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const x = tf.slice(binary, start, size);
      const terms = tf.tidy(() => {
        const { mean, logVar } = encode(vae, x);
        const t = elbo(x, decode(vae, reparameterize(mean, logVar, EVAL_BINARIZATION_SEED + 1 + start)), mean, logVar);
        return tf.stack([tf.sum(t.elbo), tf.sum(t.reconstruction), tf.sum(t.kl)]);
      });
      const [e, r, kl] = await terms.data();
      terms.dispose();
      sums = [sums[0] + e, sums[1] + r, sums[2] + kl];
      bounds.set(await importanceWeightedBound(vae, x, k, { seed: start * 7919, chunk: Math.max(1, Math.floor(5000 / size)) }), start);
      x.dispose();
      options.onProgress?.(start + size, n);
    }
  } finally {
    binary.dispose();
  }
  const s = meanAndStandardError(bounds);
  return {
    binarization: `dynamic, one fixed draw per test image (seed ${EVAL_BINARIZATION_SEED})`,
    testImages: n,
    elbo: sums[0] / n,
    reconstruction: sums[1] / n,
    kl: sums[2] / n,
    iwae: { k, mean: s.mean, standardError: s.standardError, nll: -s.mean },
  };
}

export interface EpochScoreOptions {
  /** Samples for the classifier scores (default 1,000: enough to follow a trend, cheap per epoch). */
  samples?: number;
  /** Parzen estimate every N epochs (0: never), on 10,000 samples and the first `parzenTestImages` test images. */
  parzenEvery?: number;
  parzenTestImages?: number;
  /** Seed of the noise, the same every epoch so epochs are compared on the same z. */
  seed?: number;
}

/**
 * A per-epoch scorer for `trainGan`'s `scoreGenerator`: classifier Fréchet distance and
 * Inception-style score on a fixed noise batch, and every few epochs the Parzen estimate. Smaller
 * than the final protocol (`npm run evaluate`), and said so in the names, so a curve is never
 * mistaken for the published number.
 */
export function generatorEpochScores(
  classifier: tf.LayersModel | undefined,
  mnist: Mnist,
  options: EpochScoreOptions = {},
): (generator: tf.LayersModel, epoch: number) => Promise<Record<string, number>> {
  const { samples = 1000, parzenEvery = 0, parzenTestImages = 1000, seed = 0 } = options;
  return async (generator, epoch) => {
    const latentDim = generator.inputs[0].shape[1]!;
    const scores: Record<string, number> = {};
    if (classifier) {
      // The test set's statistics are the same every epoch: computed on first use, then reused.
      const test = await realStatistics(classifier, mnist.test);
      const x = await generatorSamples(generator, samples, latentDim, seed);
      const gen = await classify(classifier, x);
      x.dispose();
      scores[`frechet${samples}`] = frechetDistance(gen.stats, test.stats);
      scores[`inceptionScore${samples}`] = await inceptionScore(gen.probabilities);
      gen.probabilities.dispose();
    }
    if (parzenEvery > 0 && epoch % parzenEvery === 0) {
      const x = await generatorSamples(generator, 10_000, latentDim, seed);
      const p = await parzenProtocol(x, mnist, parzenTestImages);
      x.dispose();
      scores[`parzen${parzenTestImages}`] = p.mean;
    }
    return scores;
  };
}
