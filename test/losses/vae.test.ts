import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { bernoulliLogLikelihood, elbo, elboMonteCarlo, gaussianKl, logNormalPdf, reparameterize } from '../../src/genlab/src/losses/vae';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} vs ${expected} (tol ${tol})`);
const softplus = (x: number) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const LOG_2PI = Math.log(2 * Math.PI);

function meanAndSe(v: ArrayLike<number>): { mean: number; se: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  const m = s / v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i] - m) ** 2;
  return { mean: m, se: Math.sqrt(ss / (v.length - 1) / v.length) };
}

describe('gaussianKl', () => {
  test('hand-computed values, one per example', () => {
    const mean = tf.tensor2d([
      [0, 0],
      [1, 2],
      [-0.5, 0],
    ]);
    const logVar = tf.tensor2d([
      [0, 0],
      [0, Math.log(4)],
      [Math.log(0.25), 1],
    ]);
    const kl = gaussianKl(mean, logVar);
    assert.deepEqual(kl.shape, [3]);
    const v = kl.arraySync();
    assert.equal(v[0], 0);
    // ½[(1 + 1 − 1 − 0) + (4 + 4 − 1 − log 4)] = 4 − log 2
    close(v[1], 4 - Math.log(2), 1e-6, 'KL row 1');
    // ½[(0.25 + 0.25 − 1 − log 0.25) + (0 + e − 1 − 1)]
    close(v[2], 0.5 * (0.25 + 0.25 - 1 - Math.log(0.25) + Math.E - 2), 1e-6, 'KL row 2');
    tf.dispose([mean, logVar, kl]);
  });

  test('closed form agrees with a Monte Carlo estimate E_q[log q(z) − log p(z)]', () => {
    const n = 200_000;
    const mu = [0.5, -1, 0.2];
    const lv = [Math.log(0.25), Math.log(2), 0.3];
    const closed = gaussianKl(tf.tensor2d([mu]), tf.tensor2d([lv])).dataSync()[0];
    const expected = 0.5 * mu.reduce((a, m, j) => a + m * m + Math.exp(lv[j]) - 1 - lv[j], 0);
    close(closed, expected, 1e-6, 'closed form');
    const samples = tf.tidy(() => {
      const mean = tf.tile(tf.tensor2d([mu]), [n, 1]);
      const logVar = tf.tile(tf.tensor2d([lv]), [n, 1]);
      const z = reparameterize(mean, logVar, 2024);
      return tf.sub(logNormalPdf(z, mean, logVar), logNormalPdf(z, tf.zerosLike(z), tf.zerosLike(z)));
    });
    const { mean, se } = meanAndSe(samples.dataSync());
    samples.dispose();
    assert.ok(se > 0 && se < 0.01, `standard error ${se}`);
    assert.ok(Math.abs(mean - closed) < 3 * se, `MC ${mean} ± ${se} vs closed ${closed}`);
  });
});

describe('reparameterize', () => {
  test('with given eps it is mean + exp(logVar/2)·eps', () => {
    const m = [
      [0.5, -2, 0],
      [1, 1, 1],
    ];
    const l = [
      [0, Math.log(9), -2],
      [1, -1, 0.5],
    ];
    const e = [
      [1, 0.5, -1],
      [-0.3, 2, 0],
    ];
    const z = reparameterize(tf.tensor2d(m), tf.tensor2d(l), undefined, tf.tensor2d(e)).arraySync() as number[][];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) close(z[i][j], m[i][j] + Math.exp(l[i][j] / 2) * e[i][j], 1e-6, `z[${i}][${j}]`);
    }
    close(z[0][1], -2 + 3 * 0.5, 1e-6, 'σ = 3');
  });

  test('seeded draws have the right mean and standard deviation, and repeat per seed', () => {
    const n = 100_000;
    const mean = tf.tile(tf.tensor2d([[2, -1]]), [n, 1]);
    const logVar = tf.tile(tf.tensor2d([[Math.log(0.25), Math.log(4)]]), [n, 1]);
    const z = reparameterize(mean, logVar, 99);
    assert.deepEqual(z.shape, [n, 2]);
    const v = z.dataSync();
    const col = (j: number) => Float64Array.from({ length: n }, (_, i) => v[2 * i + j]);
    const sd = (xs: Float64Array, m: number) => Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
    const c0 = meanAndSe(col(0));
    const c1 = meanAndSe(col(1));
    // σ = 0.5 and 2; the mean's standard error is σ/√n, the sd's is about σ/√(2n)
    assert.ok(Math.abs(c0.mean - 2) < (4 * 0.5) / Math.sqrt(n), `mean 0 ${c0.mean}`);
    assert.ok(Math.abs(c1.mean + 1) < (4 * 2) / Math.sqrt(n), `mean 1 ${c1.mean}`);
    close(sd(col(0), c0.mean), 0.5, (4 * 0.5) / Math.sqrt(2 * n), 'sd 0');
    close(sd(col(1), c1.mean), 2, (4 * 2) / Math.sqrt(2 * n), 'sd 1');
    const again = reparameterize(mean, logVar, 99);
    const other = reparameterize(mean, logVar, 100);
    assert.deepEqual(again.dataSync(), v);
    assert.notDeepEqual(other.dataSync().slice(0, 10), v.slice(0, 10));
    tf.dispose([mean, logVar, z, again, other]);
  });

  test('gradients flow to mean and logVar', () => {
    const mean = tf.tensor2d([[0.3, -0.7]]);
    const logVar = tf.tensor2d([[0.4, -1.2]]);
    const eps = tf.tensor2d([[1.5, -0.8]]);
    const [gm, gl] = tf.grads((m: tf.Tensor, l: tf.Tensor) => tf.sum(reparameterize(m, l, undefined, eps)))([mean, logVar]);
    const a = gm.arraySync() as number[][];
    const b = gl.arraySync() as number[][];
    assert.deepEqual(a, [[1, 1]]);
    // ∂z/∂logVar = ½ exp(logVar/2) ε
    close(b[0][0], 0.5 * Math.exp(0.2) * 1.5, 1e-6, 'dz/dlogVar[0]');
    close(b[0][1], 0.5 * Math.exp(-0.6) * -0.8, 1e-6, 'dz/dlogVar[1]');
    // and with seeded noise: finite and non-zero
    const [gm2, gl2] = tf.grads((m: tf.Tensor, l: tf.Tensor) => tf.sum(tf.square(reparameterize(m, l, 7))))([mean, logVar]);
    for (const g of [gm2, gl2]) {
      const v = g.dataSync();
      assert.ok(
        v.every((x) => Number.isFinite(x) && x !== 0),
        `gradient ${Array.from(v).join(',')}`,
      );
    }
    tf.dispose([mean, logVar, eps, gm, gl, gm2, gl2]);
  });
});

describe('bernoulliLogLikelihood and logNormalPdf', () => {
  test('equals Σ x log σ(ℓ) + (1−x) log(1−σ(ℓ)) for moderate logits', () => {
    const x = [
      [1, 0, 1, 0.5],
      [0, 0, 1, 1],
    ];
    const l = [
      [2, -1, -0.5, 0.3],
      [3, -4, 1, 0],
    ];
    const got = bernoulliLogLikelihood(tf.tensor2d(x), tf.tensor2d(l)).arraySync();
    assert.equal(got.length, 2);
    for (let i = 0; i < 2; i++) {
      let want = 0;
      for (let j = 0; j < 4; j++) want += x[i][j] * Math.log(sigmoid(l[i][j])) + (1 - x[i][j]) * Math.log(1 - sigmoid(l[i][j]));
      close(got[i], want, 1e-5, `row ${i}`);
    }
  });

  test('sums over all non-batch axes of image-shaped input', () => {
    const x = tf.ones([2, 2, 2, 1]);
    const l = tf.zeros([2, 2, 2, 1]);
    const got = bernoulliLogLikelihood(x, l).arraySync();
    close(got[0], 4 * Math.log(0.5), 1e-6, 'row 0');
    close(got[1], 4 * Math.log(0.5), 1e-6, 'row 1');
    tf.dispose([x, l]);
  });

  test('stays finite for logits ±80 with the right limits', () => {
    const x = tf.tensor2d([[1, 0, 1, 0]]);
    const l = tf.tensor2d([[80, -80, -80, 80]]);
    const v = bernoulliLogLikelihood(x, l).dataSync()[0];
    assert.ok(Number.isFinite(v));
    // confident and right: ≈ 0; confident and wrong: −80 each
    close(v, -160, 1e-4, 'log-likelihood');
    tf.dispose([x, l]);
  });

  test('logNormalPdf matches the formula', () => {
    const z = [[0.5, -1]];
    const m = [[0, -2]];
    const l = [[0, Math.log(0.5)]];
    const got = logNormalPdf(tf.tensor2d(z), tf.tensor2d(m), tf.tensor2d(l)).dataSync()[0];
    let want = 0;
    for (let j = 0; j < 2; j++) want += -0.5 * ((z[0][j] - m[0][j]) ** 2 / Math.exp(l[0][j]) + l[0][j] + LOG_2PI);
    close(got, want, 1e-6, 'log N');
    close(logNormalPdf(tf.zeros([1, 3]), tf.zeros([1, 3]), tf.zeros([1, 3])).dataSync()[0], -1.5 * LOG_2PI, 1e-6, 'log N(0;0,I)');
  });
});

describe('ELBO', () => {
  test('elbo returns reconstruction − kl with per-example shape [batch]', () => {
    const x = tf.tensor2d([
      [1, 0, 1],
      [0, 1, 1],
    ]);
    const logits = tf.tensor2d([
      [1, -2, 0.5],
      [-1, 2, 3],
    ]);
    const mean = tf.tensor2d([
      [0.5, 0],
      [1, -1],
    ]);
    const logVar = tf.tensor2d([
      [0, -1],
      [0.5, 0.2],
    ]);
    const t = elbo(x, logits, mean, logVar);
    for (const k of ['reconstruction', 'kl', 'elbo'] as const) assert.deepEqual(t[k].shape, [2]);
    const r = t.reconstruction.arraySync();
    const k = t.kl.arraySync();
    const e = t.elbo.arraySync();
    const xs = x.arraySync();
    const ls = logits.arraySync();
    const ms = mean.arraySync();
    const lvs = logVar.arraySync();
    for (let i = 0; i < 2; i++) {
      const rec = xs[i].reduce((a, xi, j) => a + xi * ls[i][j] - softplus(ls[i][j]), 0);
      const kl = 0.5 * ms[i].reduce((a, mj, j) => a + mj * mj + Math.exp(lvs[i][j]) - 1 - lvs[i][j], 0);
      close(r[i], rec, 1e-5, 'reconstruction');
      close(k[i], kl, 1e-6, 'kl');
      close(e[i], rec - kl, 1e-5, 'elbo');
      close(e[i], r[i] - k[i], 1e-6, 'elbo = rec − kl');
    }
    assert.ok(e.every((v) => v < 0));
    tf.dispose([x, logits, mean, logVar, t.reconstruction, t.kl, t.elbo]);
  });

  test('the average of elboMonteCarlo and of elbo over many z match the ELBO by quadrature', () => {
    // A fixed linear decoder ℓ(z) = z W + b on 2-D z and 6 pixels; q(z|x) = N(μ, diag σ²).
    const W = [
      [1.2, -0.7, 0.3, 2.0, -1.5, 0.1],
      [-0.4, 0.9, 1.1, -0.6, 0.2, -2.2],
    ];
    const b = [0.1, -0.3, 0.5, 0, 0.2, -0.1];
    const xRow = [1, 0, 1, 1, 0, 0];
    const mu = [0.4, -0.6];
    const lv = [Math.log(0.3), Math.log(0.8)];
    const logitsAt = (z0: number, z1: number) => b.map((bj, j) => z0 * W[0][j] + z1 * W[1][j] + bj);
    const logLik = (z0: number, z1: number) => logitsAt(z0, z1).reduce((a, l, j) => a + xRow[j] * l - softplus(l), 0);
    // E_q[log p(x|z)] on a 2-D midpoint grid over μ ± 8σ
    const sd = lv.map((v) => Math.exp(v / 2));
    const k = 300;
    let expRec = 0;
    let mass = 0;
    for (let a = 0; a < k; a++) {
      const u0 = -8 + (16 * (a + 0.5)) / k;
      for (let c = 0; c < k; c++) {
        const u1 = -8 + (16 * (c + 0.5)) / k;
        const w = Math.exp(-0.5 * (u0 * u0 + u1 * u1));
        mass += w;
        expRec += w * logLik(mu[0] + sd[0] * u0, mu[1] + sd[1] * u1);
      }
    }
    expRec /= mass;
    const kl = 0.5 * mu.reduce((a, m, j) => a + m * m + Math.exp(lv[j]) - 1 - lv[j], 0);
    const exact = expRec - kl;

    const n = 50_000;
    const { mc, single } = tf.tidy(() => {
      const x = tf.tile(tf.tensor2d([xRow]), [n, 1]);
      const mean = tf.tile(tf.tensor2d([mu]), [n, 1]);
      const logVar = tf.tile(tf.tensor2d([lv]), [n, 1]);
      const z = reparameterize(mean, logVar, 31337);
      const logits = tf.add(tf.matMul(z, tf.tensor2d(W)), tf.tensor1d(b));
      return { mc: elboMonteCarlo(x, logits, z, mean, logVar), single: elbo(x, logits, mean, logVar).elbo };
    });
    assert.deepEqual(mc.shape, [n]);
    const m1 = meanAndSe(mc.dataSync());
    const m2 = meanAndSe(single.dataSync());
    tf.dispose([mc, single]);
    assert.ok(Math.abs(m1.mean - exact) < 4 * m1.se, `elboMonteCarlo ${m1.mean} ± ${m1.se} vs ${exact}`);
    assert.ok(Math.abs(m2.mean - exact) < 4 * m2.se, `elbo ${m2.mean} ± ${m2.se} vs ${exact}`);
    // the generic estimator is the noisier one: it estimates the KL too
    assert.ok(m1.se > m2.se);
    assert.ok(m1.se < 0.02);
  });

  test('elboMonteCarlo at one z equals log p(x|z) + log p(z) − log q(z|x) by hand', () => {
    const x = tf.tensor2d([[1, 0]]);
    const logits = tf.tensor2d([[0.7, -0.2]]);
    const z = tf.tensor2d([[0.3, -1.1]]);
    const mean = tf.tensor2d([[0.1, -0.5]]);
    const logVar = tf.tensor2d([[-0.2, 0.4]]);
    const v = elboMonteCarlo(x, logits, z, mean, logVar).dataSync()[0];
    const logPxz = 0.7 - softplus(0.7) - softplus(-0.2);
    const zs = [0.3, -1.1];
    const ms = [0.1, -0.5];
    const ls = [-0.2, 0.4];
    const logPz = zs.reduce((a, zj) => a - 0.5 * (zj * zj + LOG_2PI), 0);
    const logQ = zs.reduce((a, zj, j) => a - 0.5 * ((zj - ms[j]) ** 2 / Math.exp(ls[j]) + ls[j] + LOG_2PI), 0);
    close(v, logPxz + logPz - logQ, 1e-5, 'elboMonteCarlo');
    tf.dispose([x, logits, z, mean, logVar]);
  });

  test('no tensors leaked: each function returns only its outputs', () => {
    const x = tf.tensor2d([
      [1, 0, 1],
      [0, 1, 1],
    ]);
    const logits = tf.tensor2d([
      [1, -2, 0.5],
      [-1, 2, 3],
    ]);
    const mean = tf.tensor2d([
      [0.5, 0],
      [1, -1],
    ]);
    const logVar = tf.tensor2d([
      [0, -1],
      [0.5, 0.2],
    ]);
    const eps = tf.tensor2d([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    const start = tf.memory().numTensors;
    const count = (fn: () => tf.Tensor | tf.Tensor[], outputs: number) => {
      const before = tf.memory().numTensors;
      const out = fn();
      assert.equal(tf.memory().numTensors, before + outputs, fn.toString());
      tf.dispose(out);
      assert.equal(tf.memory().numTensors, before);
    };
    count(() => reparameterize(mean, logVar, 3), 1);
    count(() => reparameterize(mean, logVar, undefined, eps), 1);
    count(() => gaussianKl(mean, logVar), 1);
    count(() => bernoulliLogLikelihood(x, logits), 1);
    count(() => logNormalPdf(eps, mean, logVar), 1);
    count(() => elboMonteCarlo(x, logits, eps, mean, logVar), 1);
    count(() => {
      const t = elbo(x, logits, mean, logVar);
      return [t.reconstruction, t.kl, t.elbo];
    }, 3);
    tf.tidy(() => {
      elbo(x, logits, mean, logVar);
      elboMonteCarlo(x, logits, reparameterize(mean, logVar, 5), mean, logVar);
    });
    assert.equal(tf.memory().numTensors, start);
    tf.dispose([x, logits, mean, logVar, eps]);
  });
});
