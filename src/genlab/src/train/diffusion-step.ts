import * as tf from '@tensorflow/tfjs';
import { diffusionLoss, dropLabels } from '../losses/diffusion';
import type { Denoiser } from '../models/diffusion/denoiser';
import { sampleTimesteps } from '../models/diffusion/forward';
import type { NoiseSchedule } from '../models/diffusion/schedule';
import { trainableVariables } from '../models/init';
import { normalSeed } from '../random';

// The diffusion training step on its own, with no Node import behind it, so the browser entry of
// the library (the site's lab) trains with the same step as the MNIST runs (train/diffusion.ts).

/** Where a step's random draws come from; each an integer seed from the run's one stream. */
export interface DiffusionStepSeeds {
  t: number;
  noise: number;
  dropout: number;
}

/**
 * One step of Ho et al. 2020's Algorithm 1 (with Ho & Salimans 2022's label dropout when the
 * denoiser is conditional): draw t ~ U{1 … T} and ε ~ N(0, I) per example, descend
 * ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t[, y])‖². Returns the loss (not read back).
 */
export function diffusionTrainStep(
  denoiser: Denoiser,
  schedule: NoiseSchedule,
  optimizer: tf.Optimizer,
  x0: tf.Tensor,
  seeds: DiffusionStepSeeds,
  options: { labels?: tf.Tensor1D; labelDropout?: number } = {},
): { loss: tf.Scalar } {
  const loss = tf.tidy(() => {
    const n = x0.shape[0];
    const t = sampleTimesteps(n, schedule.steps, seeds.t);
    const noise = tf.randomNormal(x0.shape, 0, 1, 'float32', normalSeed(seeds.noise));
    const labels = denoiser.numClasses > 0 && options.labels ? dropLabels(options.labels, options.labelDropout ?? 0.1, seeds.dropout) : undefined;
    return optimizer.minimize(() => diffusionLoss(denoiser, schedule, x0, t, noise, labels, true), true, trainableVariables(denoiser.model))!;
  });
  return { loss };
}
