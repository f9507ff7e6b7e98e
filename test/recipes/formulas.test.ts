import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as g from '../../src/genlab/src/index';

// The numeric checks quoted on docs/formulas/*.mdx: same inputs, and the outputs as printed there
// (6 decimals). If the library changes one of these numbers, the page must change with it.
// wasm rather than cpu: the same numbers to the printed precision, ten times faster.

before(async () => {
  await g.setupBackend('wasm');
});

const first = (t: tf.Tensor) => t.dataSync()[0];
const all = (t: tf.Tensor) => Array.from(t.dataSync());
const near = (actual: number, printed: number, tol = 5e-7, what = '') =>
  assert.ok(Math.abs(actual - printed) <= tol, `${what}: ${actual} vs printed ${printed}`);
const nearAll = (actual: ArrayLike<number>, printed: number[], tol = 5e-7, what = '') => printed.forEach((p, i) => near(actual[i], p, tol, `${what}[${i}]`));
const S = 200_000;

describe('gan-objective, gan-losses', () => {
  test('V, L_D and both generator losses on logits (2, −1) and (−1, 0.5, 3)', () => {
    const real = tf.tensor1d([2, -1]);
    const fake = tf.tensor1d([-1, 0.5, 3]);
    nearAll(all(g.logD(real)), [-0.126928, -1.313262], 5e-7, 'logD');
    nearAll(all(g.logOneMinusD(fake)), [-0.313262, -0.974077, -3.048587], 5e-7, 'log(1-D)');
    near(first(g.ganValue(real, fake)), -2.165403, 1e-6, 'V');
    near(first(g.discriminatorLoss(real, fake)), 2.165403, 1e-6, 'L_D');
    near(first(g.discriminatorLoss(real, fake)) / 2, 1.082702, 1e-6, 'L_D / 2');
    near(first(g.generatorLoss(fake)), 0.611975, 1e-6, 'non-saturating');
    near(first(g.generatorLoss(fake, 'minimax')), -1.445309, 1e-6, 'minimax');
    near(first(g.ganValue(tf.zeros([4]), tf.zeros([4]))), -Math.log(4), 1e-6, 'V at D = 1/2');
  });

  test('the ½ is the mean over a concatenated batch', () => {
    const r = tf.tensor1d([2, -1, 0.5]);
    const f = tf.tensor1d([-1, 0.5, 3]);
    near(first(g.discriminatorLoss(r, f)), 2.083398, 1e-6, 'L_D');
    near(first(tf.losses.sigmoidCrossEntropy(tf.tensor1d([1, 1, 1, 0, 0, 0]), tf.concat([r, f]))), 1.041699, 1e-6, 'BCE');
  });

  test('generator-loss gradients at D(G(z)) = 0.001, 0.5, 0.999', () => {
    const printed: [number, number, number][] = [
      [0.001, -9.999998e-4, -0.999],
      [0.5, -0.5, -0.5],
      [0.999, -0.999, -9.999998e-4],
    ];
    for (const [d, mm, ns] of printed) {
      const l = tf.tensor1d([Math.log(d / (1 - d))]);
      near(first(tf.grad((t: tf.Tensor) => g.generatorLoss(t, 'minimax'))(l)), mm, 1e-6, `minimax at ${d}`);
      near(first(tf.grad((t: tf.Tensor) => g.generatorLoss(t, 'non-saturating'))(l)), ns, 1e-6, `NS at ${d}`);
    }
  });
});

describe('optimal-discriminator', () => {
  test('discrete p = (0.5, 0.3, 0.2), q = (0.2, 0.2, 0.6)', () => {
    const p = [0.5, 0.3, 0.2];
    const q = [0.2, 0.2, 0.6];
    nearAll(g.optimalDiscriminator(p, q), [0.714286, 0.6, 0.25], 5e-7, 'D*');
    const js = g.jensenShannonDivergence(p, q);
    near(js, 0.090566, 5e-7, 'JSD');
    near(g.ganValueOnGrid(p, q, g.optimalDiscriminatorLogit(p, q)), -1.205163, 5e-7, 'V(D*)');
    near(-Math.log(4) + 2 * js, -1.205163, 5e-7, '−log 4 + 2 JSD');
    near(g.ganValueOnGrid(p, q, [0, 0, 0]), -1.386294, 5e-7, 'V(1/2)');
    near(g.ganValueOnGrid(p, q, [0.5, 0.5, -0.5]), -1.248154, 5e-7, 'V(other)');
    near(g.ganValueOnGrid(p, p, g.optimalDiscriminatorLogit(p, p)), -1.386294, 5e-7, 'V(D*) at p = q');
  });

  test('N(0, 1) against N(2, 1) on a grid', () => {
    const dx = 0.001;
    const xs: number[] = [];
    for (let x = -12; x <= 14; x += dx) xs.push(x);
    const N = (x: number, m: number) => Math.exp(-0.5 * (x - m) ** 2) / Math.sqrt(2 * Math.PI);
    const pd = xs.map((x) => N(x, 0));
    const pg = xs.map((x) => N(x, 2));
    const js = g.jensenShannonDivergence(pd, pg, dx);
    near(js, 0.336831, 5e-7, 'JSD');
    near(g.ganValueOnGrid(pd, pg, g.optimalDiscriminatorLogit(pd, pg), dx), -0.712633, 5e-7, 'V(D*)');
    near(g.optimalDiscriminator([N(1, 0)], [N(1, 2)])[0], 0.5, 5e-7, 'D*(1)');
    near(g.optimalDiscriminator([N(0, 0)], [N(0, 2)])[0], 0.880797, 5e-7, 'D*(0)');
  });
});

describe('kl-divergence, elbo, reparameterization', () => {
  const mean = () => tf.tensor2d([[0.5, -1]]);
  const logVar = () => tf.tensor2d([[0, Math.log(0.25)]]);

  test('closed-form KL, its Monte Carlo estimate, and the ELBO terms', () => {
    near(first(g.gaussianKl(mean(), logVar())), 0.943147, 1e-6, 'KL');
    near(first(g.gaussianKl(tf.zeros([1, 2]), tf.zeros([1, 2]))), 0, 1e-7, 'KL at the prior');
    const m = tf.tile(mean(), [S, 1]);
    const lv = tf.tile(logVar(), [S, 1]);
    const z = g.reparameterize(m, lv, undefined, tf.randomNormal([S, 2], 0, 1, 'float32', 1));
    // Means of 200,000 float32 terms: the printed values are cpu's; wasm sums in another order (±3e-5).
    near(first(tf.mean(tf.sub(g.logNormalPdf(z, m, lv), g.logNormalPdf(z, tf.zerosLike(z), tf.zerosLike(z))))), 0.943275, 1e-4, 'MC KL');
    const x = tf.tensor2d([[1, 0, 1, 1]]);
    const logits = tf.tensor2d([[2, -1, 0.5, 3]]);
    const t = g.elbo(x, logits, mean(), logVar());
    near(first(t.reconstruction), -0.962854, 1e-6, 'reconstruction');
    near(first(t.kl), 0.943147, 1e-6, 'kl');
    near(first(t.elbo), -1.906001, 1e-6, 'elbo');
    const mc = g.elboMonteCarlo(tf.tile(x, [S, 1]), tf.tile(logits, [S, 1]), z, m, lv);
    near(first(tf.mean(mc)), -1.906129, 1e-4, 'MC ELBO');
    near(Math.sqrt(first(tf.moments(mc).variance)), 0.881453, 1e-4, 'MC ELBO std');
  });

  test('reparameterize: one fixed sample and gradients through 200,000 samples', () => {
    nearAll(all(g.reparameterize(mean(), logVar(), undefined, tf.tensor2d([[1, 2]]))), [1.5, 0], 1e-7, 'z');
    const eps = tf.randomNormal([S, 2], 0, 1, 'float32', 1);
    // μ and log σ² broadcast against the [S, 2] noise. (Tiling them instead costs minutes: tfjs's
    // Tile gradient adds up the S copies one slice at a time.)
    const [gm, gl] = tf.grads((m: tf.Tensor, lv: tf.Tensor) => tf.mean(tf.sum(tf.square(g.reparameterize(m, lv, undefined, eps)), 1)))([mean(), logVar()]);
    nearAll(all(gm), [0.999189, -2.000056], 2e-6, 'd/dμ');
    nearAll(all(gl), [0.999284, 0.249821], 2e-6, 'd/dlogσ²');
  });

  test('the ELBO is below an exactly integrated log p(x)', () => {
    const a = [2, 1, -1.5];
    const b = [0.5, -0.5, 0];
    const dz = 0.001;
    const zs: number[] = [];
    for (let z = -10; z <= 10; z += dz) zs.push(z);
    const logits = tf.tensor2d(
      zs.flatMap((z) => a.map((ai, i) => ai * z + b[i])),
      [zs.length, 3],
    );
    const llz = all(g.bernoulliLogLikelihood(tf.tile(tf.tensor2d([[1, 1, 0]]), [zs.length, 1]), logits));
    const joint = llz.map((l, i) => l - 0.5 * zs[i] ** 2 - 0.5 * Math.log(2 * Math.PI));
    const mx = Math.max(...joint);
    const logpx = mx + Math.log(joint.reduce((s, j) => s + Math.exp(j - mx), 0) * dz);
    near(logpx, -1.569614, 5e-7, 'log p(x)');
    const post = (k: (z: number) => number) => joint.reduce((s, j, i) => s + Math.exp(j - logpx) * k(zs[i]) * dz, 0);
    const pm = post((z) => z);
    near(pm, 1.000266, 5e-7, 'posterior mean');
    near(
      post((z) => (z - pm) ** 2),
      0.534886,
      5e-7,
      'posterior variance',
    );
    const elboFor = (m: number, s2: number) => {
      const rec = zs.reduce((acc, z, i) => acc + (Math.exp((-0.5 * (z - m) ** 2) / s2) / Math.sqrt(2 * Math.PI * s2)) * llz[i] * dz, 0);
      return [rec, first(g.gaussianKl(tf.tensor2d([[m]]), tf.tensor2d([[Math.log(s2)]])))];
    };
    for (const [m, s2, rec, kl, e] of [
      [0, 1, -2.843361, 0, -2.843361],
      [1, 0.25, -0.864539, 0.818147, -1.682686],
      [1.000266, 0.534886, -0.994163, 0.58056, -1.574723],
    ]) {
      const [r, k] = elboFor(m, s2);
      near(r, rec, 2e-6, `rec ${m}`);
      near(k, kl, 2e-6, `kl ${m}`);
      near(r - k, e, 2e-6, `elbo ${m}`);
      assert.ok(r - k < logpx);
    }
    near(elboFor(1, 0.5184)[0] - elboFor(1, 0.5184)[1], -1.574588, 2e-6, 'best q');
  });
});

describe('vae-model, and the KL-only objective', () => {
  test('an untrained MLP VAE on the first test image', () => {
    const mnist = g.loadMnist();
    assert.equal(mnist.test.labels[0], 7);
    const vae = g.createVae('mlp', { latentDim: 2, seed: 0 });
    const x = g.imagesToTensor(mnist.test, [0], 'unit');
    const { mean, logVar } = g.encode(vae, x);
    nearAll(all(mean), [0.15197, 0.090431], 2e-6, 'μ');
    nearAll(all(logVar), [0.212618, -0.416105], 2e-6, 'log σ²');
    nearAll(all(tf.exp(tf.mul(logVar, 0.5))), [1.112165, 0.812164], 2e-6, 'σ');
    const z = g.reparameterize(mean, logVar, undefined, tf.tensor2d([[1, -1]]));
    nearAll(all(z), [1.264136, -0.721734], 2e-6, 'z');
    const logits = g.decode(vae, z);
    assert.deepEqual(logits.shape, [1, 784]);
    const p = g.decodeMeans(vae, z);
    near(first(tf.min(p)), 0.438958, 2e-6, 'min');
    near(first(tf.max(p)), 0.563217, 2e-6, 'max');
    near(first(tf.mean(p)), 0.499951, 2e-6, 'mean');
    const xb = g.binarize(x, 1);
    assert.equal(first(tf.sum(xb)), 69);
    const t = g.elbo(xb, logits, mean, logVar);
    near(first(t.reconstruction), -543.479553, 2e-4, 'reconstruction');
    near(first(t.kl), 0.065641, 2e-6, 'kl');
    near(first(t.elbo), -543.545166, 2e-4, 'elbo');
    g.disposeVae(vae);
  });

  test('minimizing the KL alone collapses the encoder to the prior and never touches the decoder', { timeout: 600_000 }, () => {
    const mnist = g.loadMnist();
    const vae = g.createVae('mlp', { latentDim: 2, seed: 0 });
    const x = g.imagesToTensor(mnist.validation, 100, 'unit');
    const vars = [...vae.encoder.trainableWeights, ...vae.decoder.trainableWeights].map((w) => (w as unknown as { val: tf.Variable }).val);
    const klOnly = () => {
      const { mean, logVar } = g.encode(vae, x, true);
      return tf.mean(g.gaussianKl(mean, logVar)) as tf.Scalar;
    };
    const spread = (m: tf.Tensor) => all(tf.sqrt(tf.moments(m, 0).variance));
    const before = g.encode(vae, x);
    nearAll(spread(before.mean), [0.338978, 0.37567], 2e-6, 'spread before');
    near(first(tf.mean(g.gaussianKl(before.mean, before.logVar))), 0.344833, 2e-6, 'KL before');
    const { grads } = tf.variableGrads(klOnly, vars);
    assert.equal(Object.keys(grads).length, 4, 'gradients for the encoder only');
    const optimizer = tf.train.adam(1e-3);
    for (let i = 0; i < 500; i++) tf.tidy(() => void optimizer.minimize(klOnly, false, vars.slice(0, 4)));
    const after = g.encode(vae, x);
    nearAll(spread(after.mean), [4.394e-4, 2.798e-3], 1e-6, 'spread after');
    near(first(tf.mean(tf.abs(after.mean))), 0.00042, 1e-6, 'mean |μ|');
    near(first(tf.mean(after.logVar)), -0.000007, 1e-6, 'mean log σ²');
    near(first(tf.mean(g.gaussianKl(after.mean, after.logVar))), 4.931e-6, 1e-8, 'KL after');
    g.disposeVae(vae);
  });
});
