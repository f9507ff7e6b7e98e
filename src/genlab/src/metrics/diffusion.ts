import * as tf from '@tensorflow/tfjs';
import { NUM_CLASSES } from '../data/constants';
import type { Mnist } from '../data/mnist';
import type { Denoiser } from '../models/diffusion/denoiser';
import type { NoiseSchedule } from '../models/diffusion/schedule';
import { diffusionImageSamples, type DiffusionSampleOptions } from '../train/diffusion';
import { classifierScores, type ClassifierScores } from './evaluate';

/**
 * A per-epoch scorer for `trainDiffusion`'s `scoreSamples`: classifier Fréchet distance and
 * Inception-style score of `samples` DDIM samples with `steps` steps (unconditional: ∅ labels for a
 * conditional model), from a fixed seed. Sampling costs `steps` network passes per image, so this is
 * kept small and named by its size, never to be mistaken for `npm run evaluate`'s number.
 */
export function diffusionEpochScores(
  classifier: tf.LayersModel | undefined,
  mnist: Mnist,
  options: { samples?: number; steps?: number; seed?: number } = {},
): ((denoiser: Denoiser, schedule: NoiseSchedule, epoch: number) => Promise<Record<string, number>>) | undefined {
  if (!classifier) return undefined;
  const { samples = 250, steps = 20, seed = 0 } = options;
  return async (denoiser, schedule) => {
    const x = await diffusionImageSamples(denoiser, schedule, samples, seed, { steps });
    const { generated } = await classifierScores(classifier, x, mnist);
    x.dispose();
    return { [`frechet${samples}`]: generated.frechet, [`inceptionScore${samples}`]: generated.inceptionScore };
  };
}

export interface GuidanceRow {
  /** Guidance weight w of Ho & Salimans 2022 (0: the conditional model alone). */
  guidance: number;
  /** Share of samples the classifier assigns to the class they were asked for, overall and per class. */
  accuracy: number;
  perClassAccuracy: number[];
  /** Fréchet distance and Inception-style score of the class-balanced sample set. */
  frechet: number;
  inceptionScore: number;
}

/**
 * Ho & Salimans 2022's trade-off measured with our classifier: for each guidance weight w, draw
 * `perClass` samples of each digit, and report how often the classifier reads the requested digit
 * (fidelity to the condition) against the Fréchet distance of the whole set to the test set
 * (quality and diversity together). Larger w raises the first and, past some w, worsens the second.
 */
export async function guidanceSweep(
  classifier: tf.LayersModel,
  denoiser: Denoiser,
  schedule: NoiseSchedule,
  mnist: Mnist,
  options: { scales: number[]; perClass?: number; seed?: number } & Omit<DiffusionSampleOptions, 'labels' | 'guidance'>,
): Promise<{ rows: GuidanceRow[]; realBaseline: ClassifierScores; perClass: number }> {
  if (denoiser.numClasses === 0) throw new Error('guidanceSweep needs a class-conditional denoiser');
  const perClass = options.perClass ?? 100;
  const labels = Array.from({ length: perClass * NUM_CLASSES }, (_, i) => i % NUM_CLASSES);
  const rows: GuidanceRow[] = [];
  let realBaseline!: ClassifierScores;
  for (const guidance of options.scales) {
    const x = await diffusionImageSamples(denoiser, schedule, labels.length, options.seed ?? 0, { ...options, labels, guidance });
    const predicted = tf.tidy(() => tf.argMax(classifier.predict(tf.reshape(x, [-1, 28, 28, 1])) as tf.Tensor, 1));
    const p = await predicted.data();
    predicted.dispose();
    const hits = new Array<number>(NUM_CLASSES).fill(0);
    labels.forEach((y, i) => (hits[y] += p[i] === y ? 1 : 0));
    const scores = await classifierScores(classifier, x, mnist);
    x.dispose();
    realBaseline = scores.realBaseline;
    rows.push({
      guidance,
      accuracy: hits.reduce((a, b) => a + b, 0) / labels.length,
      perClassAccuracy: hits.map((h) => h / perClass),
      frechet: scores.generated.frechet,
      inceptionScore: scores.generated.inceptionScore,
    });
  }
  return { rows, realBaseline, perClass };
}
