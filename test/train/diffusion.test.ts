import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import {
  cosineSchedule,
  createUnet,
  disposeTrainedModel,
  loadMnist,
  loadTrainedModel,
  setupBackend,
  sliceSplit,
  trainDiffusion,
  trainedModelSamples,
  type Mnist,
} from '../../src/genlab/src/index';

// wasm: the backend with the convolution gradients (see bench/NOTES.md), deterministic.
let mnist: Mnist;
before(async () => {
  await setupBackend('wasm');
  mnist = loadMnist();
});

const tmp = () => mkdtempSync(join(tmpdir(), 'genlab-diffusion-'));

test('conditional diffusion on real MNIST: resume matches an uninterrupted run (weights, EMA, RNG); the run loads and samples', async () => {
  const data = sliceSplit(mnist.train, 0, 64);
  const schedule = cosineSchedule(100);
  const unet = (seed: number) => createUnet({ channels: [4, 4, 4], timeDim: 8, numClasses: 10, seed });
  const opts = { batchSize: 16, seed: 5, logEvery: 2, schedule, sampleCount: 4, sampleSteps: 2 };

  const straight = [unet(1), unet(1)];
  const a = await trainDiffusion(straight[0], data, { ...opts, epochs: 2, ema: straight[1], runDir: tmp() });

  const dir = tmp();
  await trainDiffusion(unet(1), data, { ...opts, epochs: 1, ema: unet(1), runDir: dir });
  const resumed = [unet(9), unet(9)];
  const b = await trainDiffusion(resumed[0], data, { ...opts, epochs: 2, ema: resumed[1], runDir: dir, resume: true });
  assert.equal(b.resumedFrom, 1);
  b.history.forEach((h, i) => assert.equal(h.losses.loss, a.history[i].losses.loss, `epoch ${i + 1}`));
  for (const k of [0, 1]) {
    const wa = straight[k].model.getWeights().map((w) => w.dataSync());
    const wb = resumed[k].model.getWeights().map((w) => w.dataSync());
    wa.forEach((w, i) => w.forEach((x, j) => assert.equal(wb[i][j], x, `${k ? 'ema' : 'denoiser'} weight ${i}[${j}]`)));
  }
  assert.ok(existsSync(join(dir, 'samples', 'epoch-002.png')));

  const loaded = await loadTrainedModel(dir);
  assert.equal(loaded.family, 'diffusion');
  assert.equal(loaded.denoiser!.numClasses, 10);
  assert.equal(loaded.schedule!.steps, 100);
  const x = await trainedModelSamples(loaded, 3, 0, { steps: 2, labels: [1, 2, 3], guidance: 1 });
  assert.deepEqual(x.shape, [3, 784]);
  const v = x.dataSync();
  assert.ok(v.every((p) => p >= 0 && p <= 1));
  x.dispose();
  disposeTrainedModel(loaded);
});
