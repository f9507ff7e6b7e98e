import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  createGanOptimizers,
  createToyGan,
  DEFAULT_RING,
  ganTrainStep,
  generate,
  modeCoverage,
  ringCenters,
  sampleLatent,
  sampleRing,
  setupBackend,
} from '../../src/genlab/src/index';

before(async () => {
  await setupBackend('wasm');
});

const meanRadius = (d: ArrayLike<number>) => {
  let r = 0;
  for (let i = 0; i < d.length / 2; i++) r += Math.hypot(d[2 * i], d[2 * i + 1]);
  return r / (d.length / 2);
};

test('ring centres lie on the circle, evenly spaced', () => {
  const c = ringCenters({ modes: 4, radius: 3, std: 0.1 });
  const expected = [
    [3, 0],
    [0, 3],
    [-3, 0],
    [0, -3],
  ];
  c.forEach((p, i) => p.forEach((x, j) => assert.ok(Math.abs(x - expected[i][j]) < 1e-12)));
});

test('samples from the ring mixture cover all 8 modes, about equally, within 3 std', async () => {
  const s = sampleRing(8000, 1);
  const d = await s.data();
  s.dispose();
  const { counts, covered, offMode } = modeCoverage(d);
  assert.equal(covered, 8);
  // P(r > 3σ) for a 2-D Gaussian is exp(-4.5) ≈ 1.1%.
  assert.ok(offMode / 8000 < 0.02, `off-mode share ${offMode / 8000}`);
  for (const c of counts) assert.ok(Math.abs(c - 1000 * (1 - Math.exp(-4.5))) < 120, `mode count ${c}`);
  assert.ok(Math.abs(meanRadius(d) - DEFAULT_RING.radius) < 0.01);
  const again = sampleRing(8000, 1);
  assert.deepEqual(await again.data(), d, 'same seed, same samples');
  again.dispose();
});

test('a collapsed generator covers one mode; scattered points cover none', () => {
  const onOne = new Float32Array(2000);
  for (let i = 0; i < 1000; i++) [onOne[2 * i], onOne[2 * i + 1]] = [2, 0];
  assert.equal(modeCoverage(onOne).covered, 1);
  assert.equal(modeCoverage(new Float32Array(2000)).covered, 0);
});

test('the toy GAN learns the ring: 300 steps move samples from the origin onto the circle', async () => {
  const gan = createToyGan({ seed: 1 });
  const opt = createGanOptimizers(1e-3, 0.5);
  const z = sampleLatent(1000, gan.latentDim, 5);
  const radius = async () => {
    const s = tf.tidy(() => generate(gan, z));
    const r = meanRadius(await s.data());
    s.dispose();
    return r;
  };
  const before = await radius();
  for (let step = 0; step < 300; step++) {
    const real = sampleRing(128, step);
    tf.dispose(ganTrainStep(gan, opt, real, { discriminator: 2 * step, generator: 2 * step + 1 }));
    real.dispose();
  }
  const after = await radius();
  assert.ok(before < 0.5, `untrained radius ${before}`);
  assert.ok(Math.abs(after - DEFAULT_RING.radius) < 0.3, `trained radius ${after}`);
  z.dispose();
  opt.generator.dispose();
  opt.discriminator.dispose();
  gan.generator.dispose();
  gan.discriminator.dispose();
});
