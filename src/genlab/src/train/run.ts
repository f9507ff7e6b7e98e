import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng, type RngState } from '../random';
import { listCheckpoints, restoreLatestCheckpoint, saveCheckpoint } from './checkpoint';
import { writeFileAtomic } from './write-atomic';
import { runEpochs, type EpochSummary, type LoopResult, type TrainCallbacks } from './loop';

/** A run folder that already holds checkpoints, asked to start afresh: refused, so nothing is overwritten. */
export class RunFolderInUseError extends Error {
  constructor(readonly dir: string) {
    super(`${dir} already holds a training run; resume it (--resume) or choose another output folder`);
    this.name = 'RunFolderInUseError';
  }
}

/** Options every trainer shares. */
export interface TrainingOptions extends TrainCallbacks {
  epochs: number;
  batchSize: number;
  /** Seeds shuffling and every random draw of training (noise, binarization, ε). */
  seed?: number;
  /** Read losses back from the device every N batches (default 20). */
  logEvery?: number;
  signal?: AbortSignal;
  /**
   * A folder for `config.json`, `log.jsonl`, `samples/epoch-NNN.png` and `checkpoints/`.
   * Without it nothing is written to disk.
   */
  runDir?: string;
  /** Continue from the newest complete checkpoint in `runDir`. */
  resume?: boolean;
  /** Extra fields for `config.json` (the CLI's arguments, the backend). */
  config?: Record<string, unknown>;
}

/** What a trainer plugs into {@link runTraining}. */
export interface TrainingSpec {
  models: Record<string, tf.LayersModel>;
  optimizers: Record<string, tf.Optimizer>;
  trainSize: number;
  step: (indices: Int32Array, rng: Rng, epoch: number) => Record<string, tf.Scalar>;
  endEpoch: (epoch: number, losses: Record<string, number>) => Promise<{ metrics: Record<string, number>; samplePng?: Uint8Array }>;
}

export interface TrainingResult extends LoopResult {
  /** Where training started: 0, or the epoch of the checkpoint it resumed from. */
  resumedFrom: number;
}

interface SavedState {
  rng: RngState;
  history: Omit<EpochSummary, 'samplePng'>[];
}

const stripPng = ({ samplePng: _png, ...rest }: EpochSummary) => rest;

/** The files of one training run. */
export class RunDirectory {
  readonly checkpoints: string;
  readonly samples: string;
  readonly log: string;
  constructor(readonly dir: string) {
    this.checkpoints = join(dir, 'checkpoints');
    this.samples = join(dir, 'samples');
    this.log = join(dir, 'log.jsonl');
  }

  hasCheckpoint(): boolean {
    return listCheckpoints(this.checkpoints).length > 0;
  }

  writeConfig(config: Record<string, unknown>): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(join(this.dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  }

  appendLog(record: Record<string, unknown>): void {
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(this.log, JSON.stringify(record) + '\n');
  }

  /** Drops log lines written after `epoch` (a run that died mid-epoch), so a resume does not repeat them. */
  truncateLog(epoch: number): void {
    if (!existsSync(this.log)) return;
    const kept = readFileSync(this.log, 'utf8')
      .split('\n')
      .filter((line) => {
        if (!line.trim()) return false;
        try {
          return (JSON.parse(line) as { epoch?: number }).epoch! <= epoch;
        } catch {
          return false;
        }
      });
    writeFileAtomic(this.log, kept.map((l) => l + '\n').join(''));
  }

  writeSample(epoch: number, png: Uint8Array): string {
    mkdirSync(this.samples, { recursive: true });
    const file = join(this.samples, `epoch-${String(epoch).padStart(3, '0')}.png`);
    writeFileAtomic(file, png);
    return file;
  }
}

/**
 * Runs a trainer's step over epochs with everything around it: the seeded RNG, resuming from
 * the newest checkpoint (weights, optimizer slots, RNG state, history), the JSONL log, one
 * sample grid and one checkpoint per epoch.
 */
export async function runTraining(spec: TrainingSpec, options: TrainingOptions): Promise<TrainingResult> {
  const seed = options.seed ?? 0;
  let rng = new Rng(seed);
  let startEpoch = 0;
  let previous: SavedState['history'] = [];
  const run = options.runDir ? new RunDirectory(options.runDir) : undefined;
  if (run) {
    if (options.resume) {
      const restored = await restoreLatestCheckpoint<SavedState>(run.checkpoints, spec.models, spec.optimizers);
      if (restored) {
        rng = new Rng(seed, restored.state.rng);
        startEpoch = restored.epoch;
        previous = restored.state.history;
        run.truncateLog(startEpoch);
      }
    } else if (run.hasCheckpoint()) {
      throw new RunFolderInUseError(run.dir);
    }
    // No checkpoint to continue from: batch lines of a run stopped in its first epoch are stale.
    if (startEpoch === 0) run.truncateLog(0);
    run.writeConfig({ ...options.config, seed, epochs: options.epochs, batchSize: options.batchSize, resumedFrom: startEpoch });
  }
  const history: EpochSummary[] = [];
  const result = await runEpochs({
    epochs: options.epochs,
    startEpoch,
    trainSize: spec.trainSize,
    batchSize: options.batchSize,
    rng,
    logEvery: options.logEvery ?? 20,
    signal: options.signal,
    step: (indices, epoch) => spec.step(indices, rng, epoch),
    endEpoch: spec.endEpoch,
    onBatchEnd: async (info) => {
      if (run && info.losses) run.appendLog({ type: 'batch', epoch: info.epoch, batch: info.batch, step: info.step, ...info.losses });
      await options.onBatchEnd?.(info);
    },
    onEpochEnd: async (summary) => {
      history.push(summary);
      if (run) {
        if (summary.samplePng) run.writeSample(summary.epoch, summary.samplePng);
        run.appendLog({ type: 'epoch', ...stripPng(summary) });
        const state: SavedState = { rng: rng.state(), history: [...previous, ...history.map(stripPng)] };
        await saveCheckpoint(run.checkpoints, { epoch: summary.epoch, models: spec.models, optimizers: spec.optimizers, state });
      }
      await options.onEpochEnd?.(summary);
    },
  });
  return { ...result, history: [...(previous as EpochSummary[]), ...result.history], resumedFrom: startEpoch };
}
