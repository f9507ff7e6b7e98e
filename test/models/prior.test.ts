// The latent prior and latent interpolation shared by training and the site's demo page.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { interpolateLatent, sampleLatent } from '../../src/genlab/src/models/prior';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

test('sampleLatent: a seed names the same N(0, I) batch every time', () => {
  const a = sampleLatent(500, 100, 42);
  const b = sampleLatent(500, 100, 42);
  const c = sampleLatent(500, 100, 43);
  assert.deepEqual(a.shape, [500, 100]);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  assert.notDeepEqual(Array.from(a.dataSync().slice(0, 10)), Array.from(c.dataSync().slice(0, 10)));
  const { mean, variance } = tf.moments(a);
  assert.ok(Math.abs(mean.dataSync()[0]) < 0.02, `mean ${mean.dataSync()[0]}`);
  assert.ok(Math.abs(variance.dataSync()[0] - 1) < 0.03, `variance ${variance.dataSync()[0]}`);
  tf.dispose([a, b, c, mean, variance]);
});

test('interpolateLatent linear: ends are the endpoints, the middle is the mean', () => {
  const a = tf.tensor1d([1, 2, 3]);
  const b = tf.tensor1d([3, 2, -1]);
  const path = interpolateLatent(a, b, 5, 'linear');
  assert.deepEqual(path.shape, [5, 3]);
  const rows = path.arraySync();
  assert.deepEqual(rows[0], [1, 2, 3]);
  assert.deepEqual(rows[4], [3, 2, -1]);
  assert.deepEqual(rows[2], [2, 2, 1]);
  tf.dispose([a, b, path]);
});

test('interpolateLatent spherical: keeps unit vectors on the circle and follows the angle', () => {
  const a = tf.tensor1d([1, 0]);
  const b = tf.tensor1d([0, 1]);
  const rows = tf.tidy(() => interpolateLatent(a, b, 3, 'spherical').arraySync());
  const s = Math.SQRT1_2;
  for (const [got, want] of [
    [rows[0], [1, 0]],
    [rows[1], [s, s]],
    [rows[2], [0, 1]],
  ] as const) {
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${got} vs ${want}`));
  }
  tf.dispose([a, b]);
});

test('interpolateLatent spherical: stays on the Gaussian shell where linear falls inside it', () => {
  const d = 100;
  const [a, b] = tf.tidy(() => tf.split(sampleLatent(2, d, 7), 2) as tf.Tensor[]);
  const norms = (kind: 'linear' | 'spherical') => tf.tidy(() => tf.norm(interpolateLatent(a, b, 9, kind), 'euclidean', 1).arraySync() as number[]);
  const lin = norms('linear');
  const sph = norms('spherical');
  const ends = [lin[0], lin[8]];
  // Two independent draws are nearly orthogonal: the linear midpoint shrinks by about 1/√2.
  assert.ok(lin[4] < 0.8 * Math.min(...ends), `linear midpoint norm ${lin[4]} vs ends ${ends}`);
  for (const n of sph) assert.ok(n > 0.95 * Math.min(...ends) && n < 1.05 * Math.max(...ends), `spherical norm ${n} vs ends ${ends}`);
  tf.dispose([a, b]);
});

test('interpolateLatent: parallel endpoints fall back to the linear path; bad input is refused', () => {
  const a = tf.tensor1d([1, 1]);
  const b = tf.tensor1d([2, 2]);
  const rows = tf.tidy(() => interpolateLatent(a, b, 3, 'spherical').arraySync());
  assert.ok(rows.flat().every(Number.isFinite));
  rows[1].forEach((v) => assert.ok(Math.abs(v - 1.5) < 1e-5));
  assert.throws(() => interpolateLatent(a, b, 1), /steps must be an integer ≥ 2/);
  assert.throws(() => interpolateLatent(a, tf.tensor1d([1, 2, 3]), 4), /differ in size/);
  assert.throws(() => interpolateLatent(a, b, 4, 'cubic' as never), /unknown kind/);
  tf.dispose([a, b]);
});

test('interpolateLatent leaks no tensors', () => {
  const a = tf.tensor1d([0.3, -1, 2]);
  const b = tf.tensor1d([1, 0.5, -0.2]);
  const before = tf.memory().numTensors;
  for (const kind of ['linear', 'spherical'] as const) interpolateLatent(a, b, 6, kind).dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([a, b]);
});

test('seed 0 is a seed: TensorFlow.js would read it as "none" and use Math.random', () => {
  const a = sampleLatent(4, 3, 0);
  const b = sampleLatent(4, 3, 0);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  const unseeded = [tf.randomNormal([4, 3], 0, 1, 'float32', 0), tf.randomNormal([4, 3], 0, 1, 'float32', 0)];
  assert.notDeepEqual(Array.from(unseeded[0].dataSync()), Array.from(unseeded[1].dataSync()), 'the TensorFlow.js behaviour this works around');
  tf.dispose([a, b, ...unseeded]);
});
