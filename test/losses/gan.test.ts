import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  discriminatorLoss,
  ganValue,
  ganValueOnGrid,
  generatorLoss,
  jensenShannonDivergence,
  logD,
  logOneMinusD,
  optimalDiscriminator,
  optimalDiscriminatorLogit,
} from '../../src/genlab/src/losses/gan';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} vs ${expected} (tol ${tol})`);
const scalar = (t: tf.Tensor): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('batch losses on logits', () => {
  test('at logits 0 (D = 1/2): L_D = 2 log 2 and V = −log 4', () => {
    const real = tf.zeros([8, 1]);
    const fake = tf.zeros([8, 1]);
    close(scalar(discriminatorLoss(real, fake)), 2 * Math.log(2), 1e-6, 'L_D');
    close(scalar(ganValue(real, fake)), -Math.log(4), 1e-6, 'V');
    close(scalar(generatorLoss(fake)), Math.log(2), 1e-6, 'non-saturating');
    close(scalar(generatorLoss(fake, 'minimax')), -Math.log(2), 1e-6, 'minimax');
    tf.dispose([real, fake]);
  });

  test('logD and logOneMinusD elementwise', () => {
    const xs = [-3, -0.5, 0, 1.5, 4];
    const l = tf.tensor1d(xs);
    const a = logD(l).arraySync() as number[];
    const b = logOneMinusD(l).arraySync() as number[];
    xs.forEach((x, i) => {
      close(a[i], Math.log(sigmoid(x)), 1e-6, `log D(${x})`);
      close(b[i], Math.log(1 - sigmoid(x)), 1e-6, `log(1-D(${x}))`);
    });
    l.dispose();
  });

  test('hand-computed values for real logits [2, −1] and fake logits [−1, 0.5, 3]', () => {
    const r = [2, -1];
    const f = [-1, 0.5, 3];
    const v = mean(r.map((x) => Math.log(sigmoid(x)))) + mean(f.map((x) => Math.log(1 - sigmoid(x))));
    const real = tf.tensor2d(r, [2, 1]);
    const fake = tf.tensor2d(f, [3, 1]);
    close(scalar(ganValue(real, fake)), v, 1e-6, 'V');
    close(scalar(discriminatorLoss(real, fake)), -v, 1e-6, 'L_D');
    // hand check of the number itself: log σ(2) = −0.126928, log σ(−1) = −1.313262, …
    close(v, (-0.126928 - 1.313262) / 2 + (-0.313262 - 0.974077 - 3.048587) / 3, 1e-5, 'reference');
    const ns = -mean(f.map((x) => Math.log(sigmoid(x))));
    const mm = mean(f.map((x) => Math.log(1 - sigmoid(x))));
    close(scalar(generatorLoss(fake, 'non-saturating')), ns, 1e-6, 'non-saturating');
    close(scalar(generatorLoss(fake)), ns, 1e-6, 'default is non-saturating');
    close(scalar(generatorLoss(fake, 'minimax')), mm, 1e-6, 'minimax');
    tf.dispose([real, fake]);
  });

  test('minimax saturates where D rejects the fakes; non-saturating does not', () => {
    const l0 = Math.log(0.001 / 0.999); // D(G(z)) = 0.001
    const fake = tf.tensor1d([l0]);
    const gMinimax = tf.grad((l: tf.Tensor) => generatorLoss(l, 'minimax'))(fake);
    const gNonSat = tf.grad((l: tf.Tensor) => generatorLoss(l, 'non-saturating'))(fake);
    const mm = gMinimax.dataSync()[0];
    const ns = gNonSat.dataSync()[0];
    // d/dℓ log(1 − σ(ℓ)) = −σ(ℓ);  d/dℓ −log σ(ℓ) = −(1 − σ(ℓ))
    close(mm, -0.001, 1e-6, 'minimax gradient');
    close(ns, -0.999, 1e-6, 'non-saturating gradient');
    assert.ok(Math.abs(mm) < 0.002);
    assert.ok(Math.abs(ns) > 0.99);
    // both push the logit up (both losses decrease as D(G(z)) grows)
    assert.ok(mm < 0 && ns < 0);
    tf.dispose([fake, gMinimax, gNonSat]);
  });

  test('gradient of L_D with respect to real and fake logits', () => {
    const real = tf.tensor1d([2, -1]);
    const fake = tf.tensor1d([0.5, -2, 1]);
    const [gr, gf] = tf.grads((r: tf.Tensor, f: tf.Tensor) => discriminatorLoss(r, f))([real, fake]);
    const a = gr.arraySync() as number[];
    const b = gf.arraySync() as number[];
    [2, -1].forEach((x, i) => close(a[i], -(1 - sigmoid(x)) / 2, 1e-6, 'dL/dreal'));
    [0.5, -2, 1].forEach((x, i) => close(b[i], sigmoid(x) / 3, 1e-6, 'dL/dfake'));
    tf.dispose([real, fake, gr, gf]);
  });

  test('logits ±100 give finite, correct losses and gradients', () => {
    const real = tf.tensor1d([100, -100]);
    const fake = tf.tensor1d([-100, 100]);
    // log D(100) ≈ 0, log D(−100) = −100, log(1 − D(−100)) ≈ 0, log(1 − D(100)) = −100
    const ld = scalar(discriminatorLoss(real, fake));
    assert.ok(Number.isFinite(ld));
    close(ld, 100, 1e-4, 'L_D');
    const ns = scalar(generatorLoss(fake, 'non-saturating'));
    const mm = scalar(generatorLoss(fake, 'minimax'));
    close(ns, 50, 1e-4, 'non-saturating');
    close(mm, -50, 1e-4, 'minimax');
    const g = tf.grad((f: tf.Tensor) => generatorLoss(f))(fake);
    const gv = g.arraySync() as number[];
    assert.ok(gv.every(Number.isFinite));
    close(gv[0], -0.5, 1e-6, 'gradient at −100');
    close(gv[1], 0, 1e-6, 'gradient at 100');
    const allFar = tf.tensor1d([1000, -1000]);
    assert.ok(Number.isFinite(scalar(ganValue(allFar, allFar))));
    tf.dispose([real, fake, g, allFar]);
  });

  test('leaks no tensors', () => {
    const real = tf.randomNormal([16, 1], 0, 1, 'float32', 1);
    const fake = tf.randomNormal([16, 1], 0, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    const outs = [ganValue(real, fake), discriminatorLoss(real, fake), generatorLoss(fake), generatorLoss(fake, 'minimax'), logD(real), logOneMinusD(real)];
    assert.equal(tf.memory().numTensors, before + outs.length);
    tf.dispose(outs);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([real, fake]);
  });
});

/** A normal density on the grid, renormalized so that Σ p·dx = 1 exactly (up to rounding). */
function gaussianOnGrid(xs: number[], mu: number, sigma: number, dx: number): Float64Array {
  const p = Float64Array.from(xs, (x) => Math.exp(-0.5 * ((x - mu) / sigma) ** 2));
  const z = p.reduce((a, b) => a + b, 0) * dx;
  return p.map((v) => v / z);
}

describe('the theory on a 1-D grid', () => {
  const dx = 0.01;
  // [-5, 5]: wide enough for both densities, narrow enough that p_g/p_data stays above float64
  // epsilon everywhere (see the "wide grid" test below for what happens otherwise).
  const xs = Array.from({ length: 1001 }, (_, i) => -5 + i * dx);
  const pData = gaussianOnGrid(xs, 0, 1, dx);
  const pG = gaussianOnGrid(xs, 1.5, 0.7, dx);

  test('optimalDiscriminator is p/(p+q) elementwise, 1/2 where both vanish', () => {
    const d = optimalDiscriminator([1, 0, 3, 0, 0.2], [1, 2, 1, 0, 0.6]);
    assert.ok(d instanceof Float64Array);
    assert.deepEqual([...d], [0.5, 0, 0.75, 0.5, 0.2 / 0.8]);
  });

  /** Logits of discriminator probabilities: ganValueOnGrid takes logits. */
  const logits = (d: ArrayLike<number>) => Float64Array.from(d, (x) => Math.log(x) - Math.log(1 - x));

  test('the optimal logit is log p_data − log p_g, the logit of p/(p+q)', () => {
    const l = optimalDiscriminatorLogit([0.2, 0.5, 1], [0.6, 0.5, 0]);
    close(l[0], Math.log(0.2 / 0.6), 1e-15, 'logit');
    assert.equal(l[1], 0);
    assert.equal(l[2], Infinity);
    const d = optimalDiscriminator(pData, pG);
    optimalDiscriminatorLogit(pData, pG).forEach((x, i) => close(1 / (1 + Math.exp(-x)), d[i], 1e-12, `D*[${i}]`));
  });

  test('V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g) (Theorem 1)', () => {
    const dStar = optimalDiscriminatorLogit(pData, pG);
    const v = ganValueOnGrid(pData, pG, dStar, dx);
    const jsd = jensenShannonDivergence(pData, pG, dx);
    assert.ok(jsd > 0.1 && jsd < Math.log(2), `JSD ${jsd}`);
    close(v, -Math.log(4) + 2 * jsd, 1e-6, 'V(D*, G)');
  });

  test('V(D*, G) = −log 4 when p_g = p_data', () => {
    for (const d of optimalDiscriminator(pData, pData)) assert.equal(d, 0.5);
    close(ganValueOnGrid(pData, pData, optimalDiscriminatorLogit(pData, pData), dx), -Math.log(4), 1e-9, 'V');
    close(jensenShannonDivergence(pData, pData, dx), 0, 1e-12, 'JSD');
  });

  test('any other discriminator gives a smaller value than D*', () => {
    const dStar = optimalDiscriminator(pData, pG);
    const best = ganValueOnGrid(pData, pG, optimalDiscriminatorLogit(pData, pG), dx);
    const half = ganValueOnGrid(pData, pG, new Float64Array(xs.length).fill(0), dx);
    close(half, -Math.log(4), 1e-9, 'V(1/2, G)');
    assert.ok(half < best - 0.05, `${half} should be below ${best}`);
    for (const eps of [0.05, -0.05, 0.01]) {
      const perturbed = dStar.map((d, i) => Math.min(0.999, Math.max(0.001, d + eps * Math.sin(xs[i]))));
      const v = ganValueOnGrid(pData, pG, logits(perturbed), dx);
      assert.ok(v < best, `perturbation ${eps}: ${v} should be below ${best}`);
    }
    const shifted = dStar.map((d) => 0.9 * d + 0.05);
    assert.ok(ganValueOnGrid(pData, pG, logits(shifted), dx) < best);
  });

  test('ganValueOnGrid against a direct sum on a 3-point distribution', () => {
    const p = [0.2, 0.5, 0.3];
    const q = [0.4, 0.4, 0.2];
    const d = [0.3, 0.6, 0.5];
    let v = 0;
    for (let i = 0; i < 3; i++) v += p[i] * Math.log(d[i]) + q[i] * Math.log(1 - d[i]);
    close(ganValueOnGrid(p, q, logits(d)), v, 1e-12, 'V');
    close(ganValueOnGrid(p, q, logits(d), 0.5), 0.5 * v, 1e-12, 'V·dx');
  });

  test('JSD: 0 for identical, log 2 for disjoint supports, symmetric, hand value', () => {
    assert.equal(jensenShannonDivergence([0.25, 0.75], [0.25, 0.75]), 0);
    close(jensenShannonDivergence([1, 0], [0, 1]), Math.log(2), 1e-12, 'disjoint');
    close(jensenShannonDivergence([0.5, 0.5, 0, 0], [0, 0, 0.3, 0.7]), Math.log(2), 1e-12, 'disjoint');
    const a = [0.1, 0.6, 0.3];
    const b = [0.5, 0.2, 0.3];
    close(jensenShannonDivergence(a, b), jensenShannonDivergence(b, a), 1e-15, 'symmetry');
    close(jensenShannonDivergence(pData, pG, dx), jensenShannonDivergence(pG, pData, dx), 1e-12, 'symmetry');
    // by hand: m = [0.3, 0.4, 0.3]
    const m = [0.3, 0.4, 0.3];
    const hand = 0.5 * (0.1 * Math.log(0.1 / m[0]) + 0.6 * Math.log(0.6 / m[1])) + 0.5 * (0.5 * Math.log(0.5 / m[0]) + 0.2 * Math.log(0.2 / m[1]));
    close(jensenShannonDivergence(a, b), hand, 1e-12, 'hand');
    // two far-apart Gaussians on the grid have nearly disjoint support
    const far = gaussianOnGrid(xs, 4, 0.3, dx);
    const near = gaussianOnGrid(xs, -4, 0.3, dx);
    close(jensenShannonDivergence(far, near, dx), Math.log(2), 1e-9, 'far Gaussians');
  });

  test('V(D*, G) stays finite on a wide grid where one density has much thinner tails', () => {
    // On [-10, 10], at x = −10: p_data ∝ e^−50 but p_g ∝ e^−135, so D* = p/(p+q) rounds to exactly 1
    // in float64 and log(1 − D*) = −∞, although the true term, p_g · log(p_g/(p_data+p_g)) ≈
    // e^−135 · (−85), is negligible. Working with the logit keeps it finite.
    const wide = Array.from({ length: 2001 }, (_, i) => -10 + i * dx);
    const p = gaussianOnGrid(wide, 0, 1, dx);
    const q = gaussianOnGrid(wide, 1.5, 0.7, dx);
    assert.equal(optimalDiscriminator(p, q)[0], 1);
    const v = ganValueOnGrid(p, q, optimalDiscriminatorLogit(p, q), dx);
    const jsd = jensenShannonDivergence(p, q, dx);
    assert.ok(Number.isFinite(v), `V(D*, G) is ${v}`);
    close(v, -Math.log(4) + 2 * jsd, 1e-6, 'V(D*, G)');
  });
});
