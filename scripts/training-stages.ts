/**
 * One training summary for a model trained in stages: a run started with `--init-from` a
 * published model continues that model's training, often on another machine, since a run folder
 * does not outlive its machine. What a reader asks of the published model — how many epochs and
 * steps it saw, what it cost, how its scores moved — is about the whole of it, so the stages are
 * joined: counts and wall time add up, the curve continues where the previous one ended, and
 * `stages` lists each stage's command, so that the model can be reproduced stage by stage.
 */

/** A stage as `stages` lists it: what was run, where, and what it added. */
export type TrainingStage = {
  command: string;
  commit?: string;
  seed?: unknown;
  epochs: number;
  steps: number;
  wallSeconds: number;
  backend?: unknown;
  device?: unknown;
  startedAt?: unknown;
  finishedAt?: unknown;
  initFrom?: string;
  /** Each launch of the stage as typed, when the run kept them (`npm run train` does). */
  launches?: unknown[];
};

/** The part of `metadata.json`'s `training` that joining reads and writes. */
export type TrainingSummary = TrainingStage & {
  curve: ({ epoch: number } & Record<string, number>)[];
  lastEpoch?: { epoch: number; epochs?: number } & Record<string, unknown>;
  stages?: TrainingStage[];
} & Record<string, unknown>;

/**
 * The command that reproduces a stage of `epochs` epochs: the one launched, with `--epochs` set to
 * the epochs the stage kept. A long stage is often launched with a far target and stopped when it
 * no longer improves; rerunning its command as typed would train past the published weights.
 */
export function stageCommand(command: string, epochs: number): string {
  const flag = /--epochs(?:=|\s+)\S+/;
  return flag.test(command) ? command.replace(flag, `--epochs ${epochs}`) : `${command} --epochs ${epochs}`;
}

function stageOf(s: TrainingSummary): TrainingStage {
  const { command, commit, seed, epochs, steps, wallSeconds, backend, device, startedAt, finishedAt, initFrom, launches } = s;
  return {
    command: stageCommand(command, epochs),
    commit,
    seed,
    epochs,
    steps,
    wallSeconds,
    backend,
    device,
    startedAt,
    finishedAt,
    ...(initFrom ? { initFrom } : {}),
    ...(launches ? { launches } : {}),
  };
}

/**
 * `current` (a stage that started from the published model summarized by `previous`) as the
 * summary of both: its own fields describe the last stage, except `epochs`, `steps`,
 * `wallSeconds`, `startedAt`, `curve` and `lastEpoch`, which count from the first stage's start.
 */
export function joinStages(previous: TrainingSummary, current: TrainingSummary): TrainingSummary {
  const offset = previous.epochs;
  const stages = [...(previous.stages ?? [stageOf(previous)]), stageOf(current)];
  return {
    ...current,
    epochs: offset + current.epochs,
    steps: previous.steps + current.steps,
    wallSeconds: previous.wallSeconds + current.wallSeconds,
    startedAt: previous.startedAt,
    curve: [...previous.curve, ...current.curve.map((e) => ({ ...e, epoch: e.epoch + offset }))],
    ...(current.lastEpoch
      ? {
          lastEpoch: {
            ...current.lastEpoch,
            epoch: current.lastEpoch.epoch + offset,
            ...(current.lastEpoch.epochs !== undefined ? { epochs: current.lastEpoch.epochs + offset } : {}),
          },
        }
      : {}),
    stages,
  };
}
