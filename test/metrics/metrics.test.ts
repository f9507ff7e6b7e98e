import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  binarize,
  createVae,
  elbo,
  encode,
  decode,
  featureStatistics,
  frechetDistance,
  importanceWeightedBound,
  imagesToTensor,
  inceptionScore,
  classHistogram,
  loadMnist,
  logMeanExp,
  meanAndStandardError,
  parzenEvaluate,
  parzenLogLikelihood,
  parzenSigmaGrid,
  reparameterize,
  setupBackend,
  sliceSplit,
  trainVae,
} from '../../src/genlab/src/index';
import { matMul, symmetricEigen } from '../../src/genlab/src/metrics/linalg';

before(async () => {
  await setupBackend('wasm');
});

/** log N(x; μ, s² I) in d dimensions, by hand. */
const logGauss = (x: number[], mu: number[], s: number) =>
  -x.reduce((acc, xi, i) => acc + (xi - mu[i]) ** 2, 0) / (2 * s * s) - x.length * Math.log(s * Math.sqrt(2 * Math.PI));

describe('log-mean-exp and Parzen windows', () => {
  test('logMeanExp stays finite where exp underflows', async () => {
    const t = tf.tensor2d([
      [-1000, -1000],
      [0, Math.log(3)],
    ]);
    const v = Array.from(await logMeanExp(t, 1).data());
    assert.ok(Math.abs(v[0] + 1000) < 1e-3, `${v[0]}`);
    assert.ok(Math.abs(v[1] - Math.log(2)) < 1e-6);
    t.dispose();
  });

  test('with the mixture means as centres and σ = component std, the Parzen estimate is the exact mixture density', async () => {
    const mus = [
      [0, 0],
      [2, -1],
      [-1.5, 3],
    ];
    const s = 0.7;
    const xs = [
      [0.1, 0.2],
      [2, -1],
      [5, 5],
      [-1, 2.5],
    ];
    const got = await parzenLogLikelihood(tf.tensor2d(xs), tf.tensor2d(mus), s);
    xs.forEach((x, i) => {
      const logs = mus.map((mu) => logGauss(x, mu, s));
      const m = Math.max(...logs);
      const exact = m + Math.log(logs.reduce((a, l) => a + Math.exp(l - m), 0) / mus.length);
      assert.ok(Math.abs(got[i] - exact) < 1e-4, `point ${i}: ${got[i]} vs ${exact}`);
    });
  });

  test('σ is chosen on validation data by grid search over logspace(-1, 0, 10)', async () => {
    const grid = parzenSigmaGrid();
    assert.equal(grid.length, 10);
    assert.ok(Math.abs(grid[0] - 0.1) < 1e-12 && Math.abs(grid[9] - 1) < 1e-12);
    // Centres from N(0, 0.5² I) in 2-D: the best window is well inside the grid, and the test score
    // comes close to the true density's mean log-likelihood, −log(2π·0.25) − 1.
    const centres = tf.mul(tf.randomNormal([4000, 2], 0, 1, 'float32', 1), 0.5) as tf.Tensor2D;
    const validation = tf.mul(tf.randomNormal([500, 2], 0, 1, 'float32', 2), 0.5) as tf.Tensor2D;
    const testSet = tf.mul(tf.randomNormal([2000, 2], 0, 1, 'float32', 3), 0.5) as tf.Tensor2D;
    const r = await parzenEvaluate(centres, validation, testSet);
    assert.ok(r.sigma > 0.1 && r.sigma < 0.5, `σ ${r.sigma}`);
    assert.equal(r.validation.length, 10);
    assert.ok(r.validation.every((v) => v.mean <= r.validation.find((w) => w.sigma === r.sigma)!.mean));
    const trueMean = -Math.log(2 * Math.PI * 0.25) - 1;
    assert.ok(Math.abs(r.mean - trueMean) < 0.1, `${r.mean} vs ${trueMean}`);
    assert.ok(r.standardError > 0 && r.standardError < 0.1);
    tf.dispose([centres, validation, testSet]);
  });

  test('mean and standard error use std/√N', () => {
    const r = meanAndStandardError([1, 2, 3, 4]);
    assert.equal(r.mean, 2.5);
    assert.ok(Math.abs(r.standardError - Math.sqrt(1.25) / 2) < 1e-12);
  });
});

describe('Fréchet distance', () => {
  test('symmetric eigen-decomposition reconstructs the matrix', () => {
    const n = 4;
    const a = Float64Array.from([4, 1, 0.5, 0, 1, 3, 0.2, 0.1, 0.5, 0.2, 2, 0.3, 0, 0.1, 0.3, 1]);
    const { values, vectors } = symmetricEigen(a, n);
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++) d[i * n + i] = values[i];
    const vt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vt[i * n + j] = vectors[j * n + i];
    const back = matMul(matMul(vectors, d, n), vt, n);
    back.forEach((x, i) => assert.ok(Math.abs(x - a[i]) < 1e-10));
  });

  test('zero for identical statistics and identical feature sets', () => {
    const f = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i * 1.7) + (i % 3));
    const s = featureStatistics(f, 100, 3);
    assert.ok(frechetDistance(s, s) < 1e-9);
  });

  test('equals the closed form for two Gaussians', () => {
    // Diagonal: ‖μ1 − μ2‖² + Σ (σ1 − σ2)².
    const a = { mean: Float64Array.from([0, 1]), covariance: Float64Array.from([4, 0, 0, 1]) };
    const b = { mean: Float64Array.from([1, -1]), covariance: Float64Array.from([1, 0, 0, 9]) };
    const closed = 1 + 4 + (2 - 1) ** 2 + (1 - 3) ** 2;
    assert.ok(Math.abs(frechetDistance(a, b) - closed) < 1e-9, `${frechetDistance(a, b)} vs ${closed}`);
    // Full covariance S and c·S: Tr(S + cS − 2√c S) = (1 − √c)² Tr S.
    const S = Float64Array.from([2, 0.6, 0.3, 0.6, 1, 0.2, 0.3, 0.2, 0.5]);
    const c = 2.5;
    const m = new Float64Array(3);
    const fd = frechetDistance({ mean: m, covariance: S }, { mean: m, covariance: S.map((x) => c * x) });
    assert.ok(Math.abs(fd - (1 - Math.sqrt(c)) ** 2 * 3.5) < 1e-9, `${fd}`);
  });

  test('featureStatistics gives the sample mean and the N−1 covariance', () => {
    const s = featureStatistics([1, 2, 3, 6], 2, 2);
    assert.deepEqual(Array.from(s.mean), [2, 4]);
    assert.deepEqual(Array.from(s.covariance), [2, 4, 4, 8]);
  });
});

describe('classifier scores', () => {
  test('Inception-style score: 10 for confident balanced classes, 1 for one class or no confidence', async () => {
    const eye = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'int32'), 10).toFloat() as tf.Tensor2D;
    assert.ok(Math.abs((await inceptionScore(eye)) - 10) < 1e-4); // float32 logs
    const same = tf.oneHot(tf.tensor1d([3, 3, 3, 3], 'int32'), 10).toFloat() as tf.Tensor2D;
    assert.ok(Math.abs((await inceptionScore(same)) - 1) < 1e-6);
    const flat = tf.fill([5, 10], 0.1) as tf.Tensor2D;
    assert.ok(Math.abs((await inceptionScore(flat)) - 1) < 1e-6);
    assert.deepEqual(await classHistogram(same), [0, 0, 0, 4, 0, 0, 0, 0, 0, 0]);
    tf.dispose([eye, same, flat]);
  });
});

describe('importance-weighted bound on a trained VAE', () => {
  test('L_1 ≈ ELBO ≤ L_5 ≤ L_50 on average over test digits', async () => {
    const mnist = loadMnist();
    const vae = createVae('mlp', { seed: 1, latentDim: 5, hidden: 100 });
    await trainVae(vae, sliceSplit(mnist.train, 0, 2000), { epochs: 2, batchSize: 100, seed: 1 });
    const x = binarize(imagesToTensor(mnist.test, 50, 'unit'), 5);
    const mean = (v: Float64Array) => v.reduce((a, b) => a + b, 0) / v.length;
    const l1 = mean(await importanceWeightedBound(vae, x, 1, { seed: 10 }));
    const l5 = mean(await importanceWeightedBound(vae, x, 5, { seed: 20 }));
    const l50 = mean(await importanceWeightedBound(vae, x, 50, { seed: 30, chunk: 20 }));
    const elboMean = tf.tidy(() => {
      const { mean: mu, logVar } = encode(vae, x);
      return tf.mean(elbo(x, decode(vae, reparameterize(mu, logVar, 40)), mu, logVar).elbo).dataSync()[0];
    });
    assert.ok(Math.abs(l1 - elboMean) < 5, `L_1 ${l1} vs ELBO ${elboMean}`);
    assert.ok(l5 > l1, `L_5 ${l5} ≤ L_1 ${l1}`);
    assert.ok(l50 > l5, `L_50 ${l50} ≤ L_5 ${l5}`);
    assert.ok(l50 < 0);
    x.dispose();
    vae.encoder.dispose();
    vae.decoder.dispose();
  });
});
