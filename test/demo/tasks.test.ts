// The demo page's asynchronous work, run in Node on the cpu backend with a real (untrained) VAE:
// failures end in an 'error' state with every tensor disposed, and a pending frame is cancelled.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as genlab from '../../src/genlab/src/browser';
import { createVae, setupBackend } from '../../src/genlab/src/index';
import { analyseDrawing, drawReported, FrameScheduler, type DrawState } from '../../src/components/Demo/tasks';

before(async () => {
  await setupBackend('cpu');
});

function io() {
  const states: DrawState[] = [];
  const errors: Error[] = [];
  const reports: number[][] = [];
  return {
    states,
    errors,
    reports,
    setState: (s: DrawState) => void states.push(s),
    onError: (e: Error) => void errors.push(e),
    report: (v: number[]) => void reports.push(v),
  };
}

test('a draw that fails ends in the error state, reports nothing, rejects nothing and frees its tensors', async () => {
  const before = tf.memory().numTensors;
  const seen = io();
  const { done } = drawReported(tf, () => [tf.ones([4, 784]) as tf.Tensor2D, tf.scalar(3)], {
    ...seen,
    draw: async () => {
      throw new Error('canvas is gone');
    },
  });
  await done;
  assert.deepEqual(seen.states, ['drawing', 'error']);
  assert.equal(seen.errors[0]?.message, 'canvas is gone');
  assert.deepEqual(seen.reports, []);
  assert.equal(tf.memory().numTensors, before);
});

test('a draw that succeeds reports its numbers and frees its tensors; a cancelled one reports nothing', async () => {
  const before = tf.memory().numTensors;
  const ok = io();
  let drawnRows = 0;
  await drawReported(tf, () => [tf.zeros([3, 784]) as tf.Tensor2D, tf.tensor1d([1.5, 2])], {
    ...ok,
    draw: async (images) => void (drawnRows = images.shape[0]),
  }).done;
  assert.equal(drawnRows, 3);
  assert.deepEqual(ok.reports, [[1.5, 2]]);
  assert.deepEqual(ok.states, ['drawing', 'ready']);
  const stale = io();
  const run = drawReported(tf, () => [tf.zeros([1, 784]) as tf.Tensor2D, tf.scalar(1)], { ...stale, draw: async () => {} });
  run.cancel();
  await run.done;
  assert.deepEqual(stale.reports, []);
  assert.equal(tf.memory().numTensors, before);
});

test('the drawing analysis frees its tensors when drawing throws, and returns E[z|x] when it does not', async () => {
  const vae = createVae('mlp', { latentDim: 2, hidden: 16, seed: 1 });
  const size = 56;
  const ink = new Float32Array(size * size);
  for (let y = 10; y < 46; y++) for (let x = 26; x < 31; x++) ink[y * size + x] = 1; // a "1"
  const before = tf.memory().numTensors;
  await assert.rejects(
    analyseDrawing(tf, genlab, vae, ink, size, async () => {
      throw new Error('no canvas');
    }),
    /no canvas/,
  );
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked by the failed analysis');
  const shapes: number[][] = [];
  const result = await analyseDrawing(tf, genlab, vae, ink, size, async (x, recon) => void shapes.push(x.shape, recon.shape));
  assert.deepEqual(shapes, [
    [1, 784],
    [1, 784],
  ]);
  assert.equal(result!.z.length, 2);
  assert.ok(result!.z.every(Number.isFinite));
  assert.equal(await analyseDrawing(tf, genlab, vae, new Float32Array(size * size), size, async () => {}), null, 'no ink, no analysis');
  assert.equal(tf.memory().numTensors, before);
  vae.encoder.dispose();
  vae.decoder.dispose();
});

test('a frame scheduled and then disposed (unmount) never runs; one run per frame otherwise', async () => {
  const frame = () => new Promise((resolve) => setImmediate(resolve));
  let runs = 0;
  const scheduler = new FrameScheduler(
    () => {
      runs++;
    },
    (cb) => setImmediate(cb),
    (h) => clearImmediate(h),
  );
  scheduler.schedule();
  scheduler.schedule();
  await frame();
  assert.equal(runs, 1);
  scheduler.schedule();
  scheduler.dispose();
  await frame();
  assert.equal(runs, 1, 'the pending frame was cancelled');
  scheduler.schedule();
  await frame();
  assert.equal(runs, 1, 'nothing is scheduled after dispose');
});
