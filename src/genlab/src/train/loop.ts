import * as tf from '@tensorflow/tfjs';
import { epochBatches } from '../data/mnist';
import type { Rng } from '../random';

/** What a per-batch callback sees. `losses` is filled only on logging batches (see `logEvery`). */
export interface BatchInfo {
  epoch: number;
  /** 0-based batch index within the epoch. */
  batch: number;
  batches: number;
  /** Global step, counted from the first epoch of the run (resumes included). */
  step: number;
  /** Mean of each loss since the previous logging batch; read back from the device only here. */
  losses?: Record<string, number>;
}

/** One epoch's summary: mean losses, the trainer's extra metrics, how long it took. */
export interface EpochSummary {
  epoch: number;
  epochs: number;
  losses: Record<string, number>;
  metrics: Record<string, number>;
  seconds: number;
  /** PNG of the sample grid drawn from the fixed noise batch, when the trainer makes one. */
  samplePng?: Uint8Array;
}

export interface TrainCallbacks {
  onBatchEnd?: (info: BatchInfo) => void | Promise<void>;
  onEpochEnd?: (summary: EpochSummary) => void | Promise<void>;
}

export interface LoopOptions extends TrainCallbacks {
  /** Last epoch to run (1-based, inclusive). */
  epochs: number;
  /** Epochs already done (from a checkpoint); the loop starts at `startEpoch + 1`. */
  startEpoch: number;
  trainSize: number;
  batchSize: number;
  rng: Rng;
  /** Read losses back every `logEvery` batches (and on the last one). Each read is a device sync. */
  logEvery: number;
  /** Aborting ends the loop after the current batch; the epoch is not checkpointed. */
  signal?: AbortSignal;
  /** One optimization step on the examples at `indices` during `epoch`; returns scalar losses the loop disposes. */
  step: (indices: Int32Array, epoch: number) => Record<string, tf.Scalar>;
  /** Work after each epoch (evaluation, samples, checkpoint), returning metrics and a sample grid. */
  endEpoch: (epoch: number, losses: Record<string, number>) => Promise<{ metrics: Record<string, number>; samplePng?: Uint8Array }>;
}

export interface LoopResult {
  history: EpochSummary[];
  /** Last fully completed epoch. */
  epoch: number;
  stopped: boolean;
}

/**
 * The epoch loop shared by the GAN and VAE trainers: reshuffle, step, accumulate losses on the
 * device, read them back only when logging, yield to the event loop between batches so a stop
 * request (or a progress bar) gets a turn.
 */
export async function runEpochs(options: LoopOptions): Promise<LoopResult> {
  const history: EpochSummary[] = [];
  let step = options.startEpoch * Math.floor(options.trainSize / options.batchSize);
  for (let epoch = options.startEpoch + 1; epoch <= options.epochs; epoch++) {
    if (options.signal?.aborted) return { history, epoch: epoch - 1, stopped: true };
    const started = performance.now();
    const batches = epochBatches(options.trainSize, options.batchSize, options.rng);
    let sums: Record<string, tf.Scalar> = {};
    let sinceLog = 0;
    const epochTotals: Record<string, number> = {};
    for (let b = 0; b < batches.length; b++) {
      const losses = options.step(batches[b], epoch);
      const next: Record<string, tf.Scalar> = {};
      for (const [k, v] of Object.entries(losses)) {
        next[k] = sums[k] ? (tf.add(sums[k], v) as tf.Scalar) : tf.clone(v);
      }
      tf.dispose([...Object.values(sums), ...Object.values(losses)]);
      sums = next;
      sinceLog++;
      step++;
      const isLog = (b + 1) % options.logEvery === 0 || b === batches.length - 1;
      let means: Record<string, number> | undefined;
      if (isLog) {
        means = {};
        for (const [k, v] of Object.entries(sums)) {
          const total = (await v.data())[0];
          means[k] = total / sinceLog;
          epochTotals[k] = (epochTotals[k] ?? 0) + total;
        }
        tf.dispose(Object.values(sums));
        sums = {};
        sinceLog = 0;
      }
      await options.onBatchEnd?.({ epoch, batch: b, batches: batches.length, step, losses: means });
      if (options.signal?.aborted) {
        tf.dispose(Object.values(sums));
        return { history, epoch: epoch - 1, stopped: true };
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const losses: Record<string, number> = {};
    for (const [k, v] of Object.entries(epochTotals)) losses[k] = v / batches.length;
    const { metrics, samplePng } = await options.endEpoch(epoch, losses);
    const summary: EpochSummary = { epoch, epochs: options.epochs, losses, metrics, seconds: (performance.now() - started) / 1000, samplePng };
    history.push(summary);
    await options.onEpochEnd?.(summary);
  }
  return { history, epoch: options.epochs, stopped: false };
}
