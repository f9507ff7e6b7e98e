import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  createGan,
  createGanOptimizers,
  createVae,
  ganTrainStep,
  imagesToTensor,
  listCheckpoints,
  loadMnist,
  restoreLatestCheckpoint,
  saveCheckpoint,
  setupBackend,
  sliceSplit,
  trainVae,
  type Mnist,
} from '../../src/genlab/src/index';

let mnist: Mnist;
before(async () => {
  await setupBackend('wasm');
  mnist = loadMnist();
});

const tmp = () => mkdtempSync(join(tmpdir(), 'genlab-ckpt-'));
const values = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

test('a checkpoint round trip restores model weights and optimizer slots bit for bit', async () => {
  const gan = createGan('dcgan', { seed: 1 });
  const opt = createGanOptimizers();
  const real = imagesToTensor(mnist.train, 8, 'tanh', 'image');
  tf.dispose(ganTrainStep(gan, opt, real, { discriminator: 1, generator: 2 }));
  tf.dispose(ganTrainStep(gan, opt, real, { discriminator: 3, generator: 4 }));
  const dir = tmp();
  await saveCheckpoint(dir, {
    epoch: 7,
    models: { g: gan.generator, d: gan.discriminator },
    optimizers: { g: opt.generator, d: opt.discriminator },
    state: { note: 'x' },
  });

  const fresh = createGan('dcgan', { seed: 99 });
  const freshOpt = createGanOptimizers();
  assert.notDeepEqual(values(fresh.generator.getWeights()), values(gan.generator.getWeights()));
  const restored = await restoreLatestCheckpoint<{ note: string }>(
    dir,
    { g: fresh.generator, d: fresh.discriminator },
    { g: freshOpt.generator, d: freshOpt.discriminator },
  );
  assert.equal(restored?.epoch, 7);
  assert.deepEqual(restored?.state, { note: 'x' });
  for (const [a, b] of [
    [gan.generator, fresh.generator],
    [gan.discriminator, fresh.discriminator],
  ] as const) {
    // Batch-norm moving statistics are weights too, and come back with the rest.
    assert.deepEqual(values(b.getWeights()), values(a.getWeights()));
  }
  for (const [a, b] of [
    [opt.generator, freshOpt.generator],
    [opt.discriminator, freshOpt.discriminator],
  ] as const) {
    const [wa, wb] = [await a.getWeights(), await b.getWeights()];
    assert.equal(wb.length, wa.length);
    assert.deepEqual(values(wb.map((w) => w.tensor)), values(wa.map((w) => w.tensor)));
    assert.equal(a.iterations, 2);
    assert.equal(b.iterations, 2);
    tf.dispose([wa[0].tensor, wb[0].tensor]);
  }
  tf.dispose(real);
});

test('only complete checkpoints count: temporary folders and folders without state.json are ignored', () => {
  const dir = tmp();
  mkdirSync(join(dir, 'epoch-002'));
  writeFileSync(join(dir, 'epoch-002', 'state.json'), '{"epoch":2,"state":{}}');
  mkdirSync(join(dir, 'epoch-003')); // died before state.json
  mkdirSync(join(dir, '.epoch-004.tmp-123'));
  mkdirSync(join(dir, 'epoch-010'));
  writeFileSync(join(dir, 'epoch-010', 'state.json'), '{"epoch":10,"state":{}}');
  assert.deepEqual(listCheckpoints(dir), ['epoch-002', 'epoch-010']);
});

test('a damaged weights file is a clear error naming the file', async () => {
  const vae = createVae('mlp', { seed: 1, hidden: 16 });
  const dir = tmp();
  const path = await saveCheckpoint(dir, { epoch: 1, models: { encoder: vae.encoder }, optimizers: {}, state: {} });
  truncateSync(join(path, 'encoder', 'weights.bin'), 100);
  await assert.rejects(restoreLatestCheckpoint(dir, { encoder: vae.encoder }, {}), /encoder\/weights\.bin: expected \d+ bytes of weights, found 100/);
});

test('resume continues at the right epoch and matches an uninterrupted run', async () => {
  const data = sliceSplit(mnist.train, 0, 400);
  const opts = { batchSize: 50, seed: 3, logEvery: 4 };
  const straightDir = tmp();
  const straight = createVae('mlp', { seed: 2, hidden: 64 });
  const a = await trainVae(straight, data, { ...opts, epochs: 3, runDir: straightDir });

  const dir = tmp();
  const first = createVae('mlp', { seed: 2, hidden: 64 });
  await trainVae(first, data, { ...opts, epochs: 1, runDir: dir });
  await assert.rejects(trainVae(first, data, { ...opts, epochs: 2, runDir: dir }), /already holds a training run/);

  // A new process would start from fresh weights: use a different seed to prove they are replaced.
  const resumed = createVae('mlp', { seed: 77, hidden: 64 });
  const epochsSeen: number[] = [];
  const b = await trainVae(resumed, data, { ...opts, epochs: 3, runDir: dir, resume: true, onEpochEnd: (s) => void epochsSeen.push(s.epoch) });
  assert.equal(b.resumedFrom, 1);
  assert.deepEqual(epochsSeen, [2, 3]);
  assert.deepEqual(
    b.history.map((h) => h.epoch),
    [1, 2, 3],
  );
  assert.deepEqual(listCheckpoints(join(dir, 'checkpoints')), ['epoch-002', 'epoch-003']);

  // Weights, Adam slots and the RNG stream all came back, so the numbers match the straight run exactly.
  const close = (x: number, y: number) => x === y;
  b.history.forEach((h, i) => assert.ok(close(h.losses.loss, a.history[i].losses.loss), `epoch ${i + 1}: ${h.losses.loss} vs ${a.history[i].losses.loss}`));
  const wa = straight.decoder.getWeights().map((w) => w.dataSync());
  const wb = resumed.decoder.getWeights().map((w) => w.dataSync());
  wa.forEach((w, i) => w.forEach((x, j) => assert.ok(close(wb[i][j], x), `decoder weight ${i}[${j}]`)));

  const log = readFileSync(join(dir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    log.filter((r) => r.type === 'epoch').map((r) => r.epoch),
    [1, 2, 3],
  );
  assert.ok(existsSync(join(dir, 'samples', 'epoch-003.png')));
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal(config.resumedFrom, 1);
});

test('a run stopped in its first epoch leaves no stale log behind: a new run or --resume starts the log afresh', async () => {
  const data = sliceSplit(mnist.train, 0, 400);
  const opts = { batchSize: 50, seed: 3, logEvery: 2 };
  for (const resume of [false, true]) {
    const dir = tmp();
    const controller = new AbortController();
    const stopped = await trainVae(createVae('mlp', { seed: 2, hidden: 64 }), data, {
      ...opts,
      epochs: 2,
      runDir: dir,
      signal: controller.signal,
      onBatchEnd: (info) => {
        if (info.batch === 4) controller.abort();
      },
    });
    assert.equal(stopped.stopped, true);
    assert.equal(listCheckpoints(join(dir, 'checkpoints')).length, 0);
    assert.ok(readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').length >= 2, 'the stopped run logged batches');

    const again = await trainVae(createVae('mlp', { seed: 2, hidden: 64 }), data, { ...opts, epochs: 1, runDir: dir, resume });
    assert.equal(again.resumedFrom, 0);
    const log = readFileSync(join(dir, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; step?: number });
    const steps = log.filter((r) => r.type === 'batch').map((r) => r.step!);
    assert.deepEqual(steps, [2, 4, 6, 8], `resume=${resume}: one run's steps, once each`);
    assert.equal(log.filter((r) => r.type === 'epoch').length, 1);
  }
});
