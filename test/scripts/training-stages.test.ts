import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinStages, stageCommand, type TrainingSummary } from '../../scripts/training-stages';

const stage = (command: string, epochs: number, from = 0): TrainingSummary => ({
  command,
  epochs,
  steps: epochs * 10,
  wallSeconds: epochs * 60,
  startedAt: `start of ${command}`,
  curve: Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, score: from + i })),
  lastEpoch: { epoch: epochs, epochs },
});

test('three stages join into one count, one curve, and a list of the commands in order', () => {
  const two = joinStages(stage('a', 30), { ...stage('b', 5, 30), initFrom: 'published-a' });
  const three = joinStages(two, { ...stage('c', 2, 35), initFrom: 'published-b' });
  assert.equal(three.epochs, 37);
  assert.equal(three.steps, 370);
  assert.equal(three.wallSeconds, 37 * 60);
  assert.equal(three.startedAt, 'start of a');
  assert.equal(three.command, 'c');
  assert.deepEqual(
    three.curve.map((e) => [e.epoch, e.score]),
    Array.from({ length: 37 }, (_, i) => [i + 1, i]),
  );
  assert.deepEqual(three.lastEpoch, { epoch: 37, epochs: 37 });
  assert.deepEqual(
    three.stages?.map((s) => [s.command, s.epochs, s.initFrom]),
    [
      ['a --epochs 30', 30, undefined],
      ['b --epochs 5', 5, 'published-a'],
      ['c --epochs 2', 2, 'published-b'],
    ],
  );
});

test("a stage's command says how many epochs it kept, not the target it was launched with", () => {
  assert.equal(stageCommand('npm run train -- gan --epochs 16 --seed 3 --resume', 4), 'npm run train -- gan --epochs 4 --seed 3 --resume');
  assert.equal(stageCommand('npm run train -- gan --epochs=16 --resume', 10), 'npm run train -- gan --epochs 10 --resume');
  assert.equal(stageCommand('npm run train -- gan --resume', 20), 'npm run train -- gan --resume --epochs 20');
  const launched = { ...stage('train --epochs 16', 10), launches: [{ command: 'train --epochs 12' }, { command: 'train --epochs 16' }] };
  const [first] = joinStages(launched, stage('next --epochs 9', 2)).stages!;
  assert.equal(first.command, 'train --epochs 10');
  assert.deepEqual(first.launches, launched.launches, 'the launches stay as typed');
});
