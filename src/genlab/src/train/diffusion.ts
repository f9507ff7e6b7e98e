import * as tf from '@tensorflow/tfjs';
import { assertKernels, CONV_TRAINING_KERNELS } from '../backend';
import { IMAGE_SIZE, NUM_CLASSES } from '../data/constants';
import { imagesToTensor, type MnistSplit } from '../data/mnist';
import type { Denoiser } from '../models/diffusion/denoiser';
import { ddimSample } from '../models/diffusion/samplers';
import type { NoiseSchedule } from '../models/diffusion/schedule';
import { imageGridPng } from '../viz/png';
import { diffusionTrainStep } from './diffusion-step';
import { updateEma } from './ema';
import { runTraining, type TrainingOptions, type TrainingResult } from './run';

export { diffusionTrainStep, type DiffusionStepSeeds } from './diffusion-step';

export interface DiffusionSampleOptions {
  /** DDIM steps (default 50). */
  steps?: number;
  /** One class per sample for a conditional model; omitted: unconditional. */
  labels?: number[];
  guidance?: number;
  /** Samples per network batch (default 250). */
  chunk?: number;
}

/**
 * n MNIST samples of a diffusion model as [n, 784] in [0, 1] (the layout every metric here reads),
 * by deterministic DDIM with x̂_0 clipped to [−1, 1]; chunk k gets seed `seed + k`.
 */
export async function diffusionImageSamples(
  denoiser: Denoiser,
  schedule: NoiseSchedule,
  n: number,
  seed: number,
  options: DiffusionSampleOptions = {},
): Promise<tf.Tensor2D> {
  const chunk = options.chunk ?? 250;
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const x = ddimSample(denoiser, schedule, {
      shape: [IMAGE_SIZE, IMAGE_SIZE, 1],
      n: size,
      seed: seed + start,
      steps: options.steps ?? 50,
      labels: options.labels?.slice(start, start + size),
      guidance: options.guidance,
      clip: [-1, 1],
    });
    parts.push(tf.tidy(() => tf.reshape(tf.div(tf.add(tf.clipByValue(x, -1, 1), 1), 2), [size, IMAGE_SIZE * IMAGE_SIZE]) as tf.Tensor2D));
    x.dispose();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const out = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/** Labels 0 … 9 repeated: the class of each cell of a conditional sample grid (one digit per column). */
export function gridLabels(n: number, numClasses = NUM_CLASSES): number[] {
  return Array.from({ length: n }, (_, i) => i % numClasses);
}

export interface DiffusionTrainingOptions extends TrainingOptions {
  schedule: NoiseSchedule;
  learningRate?: number;
  /** p_uncond of classifier-free guidance (default 0.1, Ho & Salimans 2022 use 0.1–0.2). */
  labelDropout?: number;
  /** A second network of the same architecture that holds the weight average; sampled each epoch. */
  ema?: Denoiser;
  emaDecay?: number;
  /** Sample grid: how many, DDIM steps, guidance weight (conditional models draw digits 0 … 9 by column). */
  sampleCount?: number;
  sampleSteps?: number;
  sampleGuidance?: number;
  /** Scores at the end of each epoch (e.g. classifier Fréchet distance), logged with it. */
  scoreSamples?: (denoiser: Denoiser, schedule: NoiseSchedule, epoch: number) => Promise<Record<string, number>>;
  optimizer?: tf.Optimizer;
}

/**
 * Trains a diffusion model on MNIST scaled to [−1, 1] with Adam. Each epoch ends with a grid drawn
 * by DDIM from one fixed seed (the same x_T every epoch), from the weight average when there is one.
 */
export async function trainDiffusion(denoiser: Denoiser, data: MnistSplit, options: DiffusionTrainingOptions): Promise<TrainingResult> {
  if (denoiser.architecture !== 'unet') throw new Error('trainDiffusion trains the MNIST U-Net; train a toy MLP denoiser with diffusionTrainStep');
  assertKernels(CONV_TRAINING_KERNELS, 'train the diffusion U-Net');
  const optimizer = options.optimizer ?? tf.train.adam(options.learningRate ?? 1e-3);
  const { schedule, ema } = options;
  if (ema) ema.model.setWeights(denoiser.model.getWeights());
  const batchesPerEpoch = Math.floor(data.size / options.batchSize);
  let update = 0;
  const sampled = () => ema ?? denoiser;
  const models: Record<string, tf.LayersModel> = { denoiser: denoiser.model };
  if (ema) models.ema = ema.model;
  try {
    return await runTraining(
      {
        models,
        optimizers: { denoiser: optimizer },
        trainSize: data.size,
        step: (indices, rng, epoch) => {
          const x0 = imagesToTensor(data, indices, 'tanh', 'image');
          const labels =
            denoiser.numClasses > 0
              ? tf.tensor1d(
                  Array.from(indices, (i) => data.labels[i]),
                  'int32',
                )
              : undefined;
          const seeds = { t: rng.seed(), noise: rng.seed(), dropout: rng.seed() };
          const { loss } = diffusionTrainStep(denoiser, schedule, optimizer, x0, seeds, { labels, labelDropout: options.labelDropout });
          tf.dispose([x0, labels]);
          // The update count follows the epoch, so a resumed run warms the average up exactly as an uninterrupted one.
          update = Math.max(update + 1, (epoch - 1) * batchesPerEpoch + 1);
          if (ema) updateEma(ema.model, denoiser.model, options.emaDecay ?? 0.999, update);
          return { loss };
        },
        endEpoch: async (epoch) => {
          const n = options.sampleCount ?? 64;
          const labels = denoiser.numClasses > 0 ? gridLabels(n, denoiser.numClasses) : undefined;
          const images = await diffusionImageSamples(sampled(), schedule, n, (options.seed ?? 0) + 7919, {
            steps: options.sampleSteps ?? 25,
            labels,
            guidance: options.sampleGuidance ?? (labels ? 2 : 0),
          });
          const samplePng = await imageGridPng(images, { range: [0, 1], scale: 2 });
          images.dispose();
          return { metrics: options.scoreSamples ? await options.scoreSamples(sampled(), schedule, epoch) : {}, samplePng };
        },
      },
      {
        ...options,
        config: {
          model: 'diffusion',
          architecture: denoiser.architecture,
          schedule: schedule.kind,
          diffusionSteps: schedule.steps,
          numClasses: denoiser.numClasses,
          labelDropout: denoiser.numClasses > 0 ? (options.labelDropout ?? 0.1) : undefined,
          emaDecay: ema ? (options.emaDecay ?? 0.999) : undefined,
          ...options.config,
        },
      },
    );
  } finally {
    if (!options.optimizer) optimizer.dispose();
  }
}
