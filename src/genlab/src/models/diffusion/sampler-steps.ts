import * as tf from '@tensorflow/tfjs';
import { normalSeed } from '../../random';
import type { Denoiser } from './denoiser';
import { ancestralUpdate, ddimUpdate, prepareSampling, samplingTimesteps, type AncestralVariance, type SamplerOptions } from './samplers';
import type { NoiseSchedule } from './schedule';

/** One state of a sampling trajectory: x_t at time step t (T for the starting noise, 0 for the sample). */
export interface SamplerState {
  t: number;
  x: tf.Tensor;
}

/** The states of a sampling trajectory, one at a time; `return()` ends it early. */
export interface SamplerTrajectory extends IterableIterator<SamplerState> {
  return(): IteratorResult<SamplerState>;
}

/** Options of a step-by-step sampler: those of the one-call samplers, without the callbacks (the caller sees every state). */
export type SamplerStepOptions = Omit<SamplerOptions, 'onStep' | 'onStart'>;
type Update = (x: tf.Tensor, t: number, tPrev: number, labels: tf.Tensor1D | undefined, seed: number) => tf.Tensor;

/**
 * The trajectory x_T, x_{τ_{S−1}}, …, x_0 of a sampler that visits `times` (descending, ending
 * above 0), one state per `next()`. Nothing is allocated before the first `next()`. A yielded
 * tensor belongs to the trajectory and is disposed when it advances; ending it early (`return()`,
 * or leaving a for…of) disposes the rest, so a cancelled run leaves no tensor behind.
 * An iterator object rather than a generator function: bundlers that compile generators for older
 * browsers turn the compiled CommonJS module into an ES module, and its exports break.
 */
function trajectory(denoiser: Denoiser, schedule: NoiseSchedule, options: SamplerStepOptions, times: number[], update: Update): SamplerTrajectory {
  let state: ReturnType<typeof prepareSampling> | undefined;
  let next = 0; // index into times of the next step; −1 once the trajectory has ended
  const end = (): IteratorResult<SamplerState> => {
    if (state) tf.dispose([state.x, state.labels]);
    state = undefined;
    next = -1;
    return { done: true, value: undefined };
  };
  const it: SamplerTrajectory = {
    next: () => {
      if (next < 0) return end();
      if (!state) {
        state = prepareSampling(denoiser, options);
        return { done: false, value: { t: schedule.steps, x: state.x } };
      }
      if (next === times.length) return end();
      const [t, tPrev] = [times[next], next + 1 < times.length ? times[next + 1] : 0];
      try {
        const x = update(state.x, t, tPrev, state.labels, normalSeed(state.rng.seed()));
        state.x.dispose();
        state.x = x;
      } catch (e) {
        end();
        throw e;
      }
      next++;
      return { done: false, value: { t: tPrev, x: state.x } };
    },
    return: end,
    [Symbol.iterator]: () => it,
  };
  return it;
}

/**
 * {@link ddimSample} one step at a time, for a caller that must give control back between steps
 * (a web page drawing the trajectory): yields x_T, then x_τ after each step down to x_0, the same
 * tensors ddimSample computes for the same options.
 */
export function ddimSteps(denoiser: Denoiser, schedule: NoiseSchedule, options: SamplerStepOptions & { steps: number; eta?: number }): SamplerTrajectory {
  const eta = options.eta ?? 0;
  return trajectory(denoiser, schedule, options, samplingTimesteps(schedule.steps, options.steps), (x, t, tPrev, labels, seed) =>
    ddimUpdate(denoiser, schedule, x, t, tPrev, labels, eta, options, seed),
  );
}

/**
 * {@link ancestralSample} one step at a time: yields x_T, then x_{t−1} after each of the T steps,
 * the same tensors ancestralSample computes for the same options. T network calls: on a slow
 * backend, the one a page must not run in one go.
 */
export function ancestralSteps(denoiser: Denoiser, schedule: NoiseSchedule, options: SamplerStepOptions & { variance?: AncestralVariance }): SamplerTrajectory {
  const times = Array.from({ length: schedule.steps }, (_, i) => schedule.steps - i);
  return trajectory(denoiser, schedule, options, times, (x, t, _tPrev, labels, seed) => ancestralUpdate(denoiser, schedule, x, t, labels, options, seed));
}
