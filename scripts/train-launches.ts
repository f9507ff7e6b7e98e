/**
 * A long run is launched several times: stopped and resumed, often with another thread count or
 * in a later session. Each launch rewrites the run's `config.json`, so without these fields the
 * run would remember only its last launch: when training started would be when it was last
 * resumed, and the command would be the last one typed. `launches` lists every launch as typed;
 * `startedAt` stays the first launch's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listCheckpoints } from 'genlab';

/** One start of `npm run train` on a run folder, and the epoch it continued from. */
export type Launch = { command: string; startedAt: string; device?: unknown; resumedFrom: number };

type EarlierConfig = { command?: string; startedAt?: string; device?: unknown; resumedFrom?: number; launches?: Launch[] };

/**
 * The `config.json` of the run this launch continues: undefined unless `--resume` finds a complete
 * checkpoint in `out` (the trainer's own test), when the run starts afresh.
 */
export function resumedConfig(out: string, resume: boolean): Record<string, unknown> | undefined {
  const file = join(out, 'config.json');
  if (!resume || listCheckpoints(join(out, 'checkpoints')).length === 0 || !existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/**
 * The `config.json` fields for this launch of a run: the first launch's `startedAt` and the list of
 * launches ending with this one. A run that resumes from none of its checkpoints starts afresh,
 * with only this launch. A config written before launches were kept counts as one launch (its
 * `startedAt` is then that launch's, the earliest one known).
 */
export function launchHistory(out: string, resume: boolean, launch: Omit<Launch, 'resumedFrom'>): { startedAt: string; launches: Launch[] } {
  const earlier = resumedConfig(out, resume) as EarlierConfig | undefined;
  if (!earlier) return { startedAt: launch.startedAt, launches: [{ ...launch, resumedFrom: 0 }] };
  const checkpoints = listCheckpoints(join(out, 'checkpoints'));
  const resumedFrom = Number(/(\d+)$/.exec(checkpoints[checkpoints.length - 1])![1]);
  const before: Launch[] =
    earlier.launches ??
    (earlier.command && earlier.startedAt
      ? [{ command: earlier.command, startedAt: earlier.startedAt, device: earlier.device, resumedFrom: earlier.resumedFrom ?? 0 }]
      : []);
  return { startedAt: before[0]?.startedAt ?? launch.startedAt, launches: [...before, { ...launch, resumedFrom }] };
}
