import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchHistory } from '../../scripts/train-launches';

const launch = { command: 'train gan --epochs 16 --resume', startedAt: '2026-12-04T05:31:00.000Z', device: 'two threads' };

/** A run folder with a config.json and complete checkpoints of the given epochs. */
function runFolder(config: object, epochs: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-launches-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  for (const e of epochs) {
    mkdirSync(join(dir, 'checkpoints', `epoch-${String(e).padStart(3, '0')}`), { recursive: true });
    writeFileSync(join(dir, 'checkpoints', `epoch-${String(e).padStart(3, '0')}`, 'state.json'), '{}');
  }
  return dir;
}

test('a resumed run keeps its first start and lists every launch with the epoch it continued from', () => {
  const first = { command: 'train gan --epochs 6 --resume', startedAt: '2026-12-04T00:31:01.715Z', device: 'one thread' };
  const dir = runFolder({ ...first, launches: [{ ...first, resumedFrom: 0 }] }, [3, 4]);
  const h = launchHistory(dir, true, launch);
  assert.equal(h.startedAt, first.startedAt);
  assert.deepEqual(h.launches, [
    { ...first, resumedFrom: 0 },
    { ...launch, resumedFrom: 4 },
  ]);
});

test('a config from before launches were kept counts as one launch', () => {
  const dir = runFolder({ command: 'train gan --epochs 6', startedAt: '2026-12-04T00:31:01.715Z', resumedFrom: 2 }, [4]);
  const h = launchHistory(dir, true, launch);
  assert.equal(h.startedAt, '2026-12-04T00:31:01.715Z');
  assert.deepEqual(
    h.launches.map((l) => [l.command, l.resumedFrom]),
    [
      ['train gan --epochs 6', 2],
      [launch.command, 4],
    ],
  );
});

test('a run that starts afresh (no --resume, or nothing to resume) has only this launch', () => {
  const old = { command: 'train gan', startedAt: '2026-12-01T00:00:00.000Z' };
  for (const [dir, resume] of [
    [runFolder(old, [2]), false],
    [runFolder(old, []), true],
    [join(tmpdir(), 'genlab-launches-missing'), true],
  ] as const) {
    const h = launchHistory(dir, resume, launch);
    assert.equal(h.startedAt, launch.startedAt);
    assert.deepEqual(h.launches, [{ ...launch, resumedFrom: 0 }]);
  }
});
