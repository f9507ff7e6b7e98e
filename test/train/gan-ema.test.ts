import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createGan, disposeTrainedModel, loadMnist, loadTrainedModel, setupBackend, sliceSplit, trainGan, type Mnist } from '../../src/genlab/src/index';

let mnist: Mnist;
before(async () => {
  await setupBackend('wasm');
  mnist = loadMnist();
});

const tmp = () => mkdtempSync(join(tmpdir(), 'genlab-gan-ema-'));
const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Float64Array.from(w.dataSync()));
const disposeGan = (g: ReturnType<typeof createGan>) => {
  g.generator.dispose();
  g.discriminator.dispose();
};

test("the generator's weight average follows θ̄ ← d θ̄ + (1 − d) θ with the warm-up, and is what the epoch scores see", async () => {
  const data = sliceSplit(mnist.train, 0, 192);
  const gan = createGan('mlp', { seed: 2 });
  const ema = createGan('mlp', { seed: 9 }).generator;
  const decay = 0.6;
  // The expected average, step by step in float64 from the generator's weights after each update.
  let expected = weightsOf(gan.generator);
  let update = 0;
  const scored: tf.LayersModel[] = [];
  await trainGan(gan, data, {
    epochs: 2,
    batchSize: 64,
    seed: 1,
    generatorEma: ema,
    emaDecay: decay,
    onBatchEnd: () => {
      update++;
      const d = Math.min(decay, (1 + update) / (10 + update));
      const now = weightsOf(gan.generator);
      expected = expected.map((e, i) => e.map((x, j) => d * x + (1 - d) * now[i][j]));
    },
    scoreGenerator: (generator) => {
      scored.push(generator);
      return Promise.resolve({});
    },
  });
  assert.equal(update, 6);
  // Two epochs scored, both on the average, not on the last iterate.
  assert.deepEqual(scored, [ema, ema]);
  const got = weightsOf(ema);
  const last = weightsOf(gan.generator);
  let maxError = 0;
  let maxGap = 0;
  got.forEach((w, i) =>
    w.forEach((x, j) => {
      maxError = Math.max(maxError, Math.abs(x - expected[i][j]));
      maxGap = Math.max(maxGap, Math.abs(x - last[i][j]));
    }),
  );
  assert.ok(maxError < 1e-6, `largest difference from the float64 average: ${maxError}`);
  // The average lags the generator by a visible amount after six Adam steps.
  assert.ok(maxGap > 1e-4, `the average equals the last iterate (gap ${maxGap})`);
  disposeGan(gan);
  ema.dispose();
});

test('a resumed DCGAN run is bit-identical to an uninterrupted one, generator and average (BatchNorm statistics included); the run folder loads the average', async () => {
  const data = sliceSplit(mnist.train, 0, 128);
  const opts = { batchSize: 64, seed: 3, emaDecay: 0.9, sampleCount: 4 };

  const straight = createGan('dcgan', { seed: 1 });
  const straightEma = createGan('dcgan', { seed: 1 }).generator;
  await trainGan(straight, data, { ...opts, epochs: 2, generatorEma: straightEma, runDir: tmp() });

  const dir = tmp();
  const first = createGan('dcgan', { seed: 1 });
  const firstEma = createGan('dcgan', { seed: 1 }).generator;
  await trainGan(first, data, { ...opts, epochs: 1, generatorEma: firstEma, runDir: dir });
  const resumed = createGan('dcgan', { seed: 7 });
  const resumedEma = createGan('dcgan', { seed: 7 }).generator;
  const r = await trainGan(resumed, data, { ...opts, epochs: 2, generatorEma: resumedEma, runDir: dir, resume: true });
  assert.equal(r.resumedFrom, 1);
  assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).emaDecay, 0.9);

  const trained = weightsOf(straight.generator);
  weightsOf(resumed.generator).forEach((w, i) => w.forEach((x, j) => assert.equal(x, trained[i][j], `generator weight ${i}[${j}]`)));
  const expected = weightsOf(straightEma);
  weightsOf(resumedEma).forEach((w, i) => w.forEach((x, j) => assert.equal(x, expected[i][j], `average weight ${i}[${j}]`)));

  const loaded = await loadTrainedModel(dir);
  assert.equal(loaded.family, 'gan');
  weightsOf(loaded.generator!).forEach((w, i) => w.forEach((x, j) => assert.equal(x, expected[i][j], `loaded weight ${i}[${j}]`)));
  disposeTrainedModel(loaded);
  for (const g of [straight, first, resumed]) disposeGan(g);
  for (const g of [straightEma, firstEma, resumedEma]) g.dispose();
});
