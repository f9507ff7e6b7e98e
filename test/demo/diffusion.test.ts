// The demo's denoising animation, run in Node on the cpu backend with a real (untrained, small)
// class-conditional U-Net: one frame per DDIM state with t falling from T to 0, a cancelled or
// failed run stops drawing, and every path frees its tensors. Each sample is its own trajectory.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as genlab from '../../src/genlab/src/browser';
import { createUnet, setupBackend } from '../../src/genlab/src/index';
import { animateDenoising, type DenoisingSettings } from '../../src/components/Demo/diffusion';

before(async () => {
  await setupBackend('cpu');
});

function smallModel() {
  const denoiser = createUnet({ channels: [4, 8, 8], timeDim: 8, numClasses: 10, seed: 3 });
  // The U-Net's output layer starts at zero; perturbed, ε̂ depends on x_t, t and the digit.
  denoiser.model.setWeights(denoiser.model.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.05, 'float32', 60 + i))));
  return { denoiser, schedule: genlab.cosineSchedule(100) };
}

const SETTINGS: DenoisingSettings = { digit: 3, steps: 4, guidance: 2, seed: 5, n: 2 };

test('a run draws x_T and every DDIM step down to t = 0, pausing between steps, and frees its tensors', async () => {
  const model = smallModel();
  const held = tf.memory().numTensors;
  const frames: { t: number; frame: number; pixels: number[] }[] = [];
  const pauses = { step: 0, sample: 0 };
  const run = animateDenoising(tf, genlab, model, SETTINGS, {
    draw: async (images, t, frame) => {
      assert.deepEqual(images.shape, [2, 784]);
      frames.push({ t, frame, pixels: Array.from(await images.data()) });
    },
    pause: async (kind) => {
      if (kind === 'step') pauses.step++;
      else pauses.sample++;
    },
    onError: (e) => assert.fail(e),
  });
  assert.equal(await run.done, 'finished');
  assert.deepEqual(
    frames.map((f) => f.t),
    [100, 75, 50, 25, 0],
  );
  assert.deepEqual(
    frames.map((f) => f.frame),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(pauses, { step: 4, sample: 4 }, 'a turn after each step, and between the two samples of each step after x_T');
  for (const f of frames) assert.ok(f.pixels.every((v) => v >= 0 && v <= 1));
  for (let i = 1; i < frames.length; i++) assert.notDeepEqual(frames[i].pixels, frames[i - 1].pixels, `frame ${i} differs from frame ${i - 1}`);
  assert.equal(tf.memory().numTensors, held);

  // No digit (∅) runs the unconditional model: another trajectory from the same x_T.
  const last: number[][] = [];
  const free = animateDenoising(
    tf,
    genlab,
    model,
    { ...SETTINGS, digit: null },
    {
      draw: async (images) => void last.push(Array.from(await images.data())),
      pause: async () => {},
      onError: (e) => assert.fail(e),
    },
  );
  assert.equal(await free.done, 'finished');
  assert.deepEqual(last[0], frames[0].pixels, 'same seed, same x_T');
  assert.notDeepEqual(last[4], frames[4].pixels);
  assert.equal(tf.memory().numTensors, held);
  model.denoiser.model.dispose();
});

test('a run cancelled between steps draws nothing more, and a draw that fails ends the run; both free their tensors', async () => {
  const model = smallModel();
  const held = tf.memory().numTensors;
  const ts: number[] = [];
  let cancel = () => {};
  const run = animateDenoising(
    tf,
    genlab,
    model,
    { ...SETTINGS, steps: 10 },
    {
      draw: async (_, t) => void ts.push(t),
      pause: async (kind) => {
        if (ts.length === 2 && kind === 'sample') cancel();
      },
      onError: (e) => assert.fail(e),
    },
  );
  cancel = run.cancel;
  assert.equal(await run.done, 'cancelled');
  assert.deepEqual(ts, [100, 90]);
  assert.equal(tf.memory().numTensors, held);

  const errors: Error[] = [];
  const failing = animateDenoising(tf, genlab, model, SETTINGS, {
    draw: async (_, t) => {
      if (t < 100) throw new Error('canvas is gone');
    },
    pause: async () => {},
    onError: (e) => void errors.push(e),
  });
  assert.equal(await failing.done, 'failed');
  assert.deepEqual(
    errors.map((e) => e.message),
    ['canvas is gone'],
  );
  assert.equal(tf.memory().numTensors, held);
  model.denoiser.model.dispose();
});
