import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  alphaBarAt,
  ancestralSample,
  ancestralSteps,
  cosineSchedule,
  createMlpDenoiser,
  createSchedule,
  createUnet,
  ddimSample,
  ddimSteps,
  denoiserFromModel,
  diffusionLoss,
  diffusionLossPerExample,
  diffusionTrainStep,
  dropLabels,
  guidedNoise,
  linearSchedule,
  modeCoverage,
  NULL_CLASS,
  posteriorVariance,
  qSample,
  qStep,
  sampleRing,
  samplingTimesteps,
  sampleTimesteps,
  timeEmbedding,
  vlbWeight,
  type Denoiser,
} from '../../src/genlab/src/index';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Adds seeded N(0, sd²) noise to every weight: the zero-initialized output layer then predicts a non-zero ε̂. */
function perturbWeights(d: Denoiser, sd: number, seed: number): void {
  d.model.setWeights(d.model.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, sd, 'float32', seed + i))));
}

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} vs ${expected} (tol ${tol})`);

describe('noise schedules', () => {
  test('linear: Ho et al.’s end points, ᾱ decreasing to ≈ 4·10⁻⁵, β̃_t < β_t', () => {
    const s = linearSchedule(1000);
    close(s.betas[0], 1e-4, 1e-12, 'β_1');
    close(s.betas[999], 0.02, 1e-12, 'β_T');
    for (let i = 1; i < 1000; i++) assert.ok(s.alphaBars[i] < s.alphaBars[i - 1]);
    close(s.alphaBars[999], 4.04e-5, 0.2e-5, 'ᾱ_T');
    let product = 1;
    for (let i = 0; i < 1000; i++) product *= 1 - s.betas[i];
    close(s.alphaBars[999], product, 1e-15, 'ᾱ_T = ∏(1 − β)');
    for (const t of [2, 10, 500, 1000]) assert.ok(posteriorVariance(s, t) < s.betas[t - 1]);
    assert.equal(posteriorVariance(s, 1), 0);
    assert.equal(alphaBarAt(s, 0), 1);
  });

  test('cosine: ᾱ_t = f(t)/f(0) (Nichol & Dhariwal eq. 17), β ≤ 0.999, ᾱ falls more slowly early on', () => {
    const c = cosineSchedule(1000);
    const f = (t: number) => Math.cos(((t / 1000 + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (const t of [1, 100, 500, 900]) close(c.alphaBars[t - 1], f(t) / f(0), 1e-9, `ᾱ_${t}`);
    assert.ok(c.betas.every((b) => b > 0 && b <= 0.999));
    const l = linearSchedule(1000);
    // At t = T/2 the linear schedule has destroyed most of the signal, the cosine one about half.
    assert.ok(l.alphaBars[499] < 0.1 && c.alphaBars[499] > 0.45, `${l.alphaBars[499]} ${c.alphaBars[499]}`);
    assert.throws(() => createSchedule('quadratic' as never), /unknown noise schedule/);
    assert.throws(() => linearSchedule(1), /steps ≥ 2/);
  });

  test('the variational bound’s weight on ‖ε − ε_θ‖² is largest at small t (what L_simple drops)', () => {
    const s = linearSchedule(1000);
    const w = [2, 10, 100, 1000].map((t) => vlbWeight(s, t));
    // Falling over the first steps by more than an order of magnitude (it rises slightly again near T, where β_t grows).
    assert.ok(w[0] > w[1] && w[1] > w[2] && w[0] > 20 * w[3], `${w}`);
    // σ² = β: λ_t = β_t / (2 α_t (1 − ᾱ_t)).
    close(vlbWeight(s, 100), s.betas[99] / (2 * s.alphas[99] * (1 - s.alphaBars[99])), 1e-12);
  });
});

describe('forward process', () => {
  test('closed-form q(x_t | x_0) matches iterating the chain t times (mean and variance)', () => {
    const s = linearSchedule(100);
    const n = 20000;
    const x0Values = [1.5, -0.5];
    for (const t of [1, 10, 60]) {
      const [chainMoments, closedMoments] = tf.tidy(() => {
        const x0 = tf.tile(tf.tensor2d([x0Values]), [n, 1]);
        let x: tf.Tensor = x0;
        for (let k = 1; k <= t; k++) x = qStep(s, x, k, tf.randomNormal([n, 2], 0, 1, 'float32', 1000 * t + k));
        const steps = tf.fill([n], t, 'int32') as tf.Tensor1D;
        const closed = qSample(s, x0, steps, tf.randomNormal([n, 2], 0, 1, 'float32', 7 + t));
        return [tf.moments(x, 0), tf.moments(closed, 0)].map((m) => [m.mean.arraySync() as number[], m.variance.arraySync() as number[]]);
      });
      const aBar = s.alphaBars[t - 1];
      for (let j = 0; j < 2; j++) {
        const se = Math.sqrt((1 - aBar) / n);
        close(chainMoments[0][j], Math.sqrt(aBar) * x0Values[j], 5 * se, `chain mean t=${t}`);
        close(closedMoments[0][j], Math.sqrt(aBar) * x0Values[j], 5 * se, `closed mean t=${t}`);
        close(chainMoments[1][j], 1 - aBar, 5 * (1 - aBar) * Math.sqrt(2 / n), `chain variance t=${t}`);
        close(closedMoments[1][j], 1 - aBar, 5 * (1 - aBar) * Math.sqrt(2 / n), `closed variance t=${t}`);
      }
    }
  });

  test('timesteps are integers in 1 … T; time features are [sin, cos] of t·ω', () => {
    const t = sampleTimesteps(5000, 50, 3);
    const v = t.dataSync();
    assert.equal(t.dtype, 'int32');
    assert.equal(Math.min(...v), 1);
    assert.equal(Math.max(...v), 50);
    const e = timeEmbedding([0, 7], 8).arraySync();
    assert.deepEqual(e[0], [0, 0, 0, 0, 1, 1, 1, 1]);
    close(e[1][1], Math.sin(7 * Math.exp(-Math.log(10000) / 4)), 1e-6);
    assert.throws(() => timeEmbedding([1], 7), /even/);
    tf.dispose(t);
  });
});

describe('diffusionLoss and the denoisers', () => {
  test('U-Net: ε-shaped output, zero-initialized so the first loss is E‖ε‖² ≈ 1; no tensor leaks', () => {
    const d = createUnet({ channels: [8, 8, 8], numClasses: 10, seed: 1 });
    const s = cosineSchedule(1000);
    const before = tf.memory().numTensors;
    const [loss, perExample] = tf.tidy(() => {
      const x0 = tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 1);
      const t = tf.tensor1d([1, 10, 500, 1000], 'int32');
      const noise = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 2);
      const labels = tf.tensor1d([0, 3, NULL_CLASS, 9], 'int32');
      return [diffusionLoss(d, s, x0, t, noise, labels).dataSync()[0], diffusionLossPerExample(d, s, x0, t, noise, labels).arraySync()];
    });
    close(loss, 1, 0.05, 'first loss');
    assert.equal(perExample.length, 4);
    assert.equal(tf.memory().numTensors, before);
    const loaded = denoiserFromModel(d.model);
    assert.deepEqual([loaded.architecture, loaded.timeDim, loaded.numClasses], ['unet', 32, 10]);
    d.model.dispose();
  });

  test('a training step changes every weight and leaks nothing; label dropout drops about p of the labels', () => {
    const d = createUnet({ channels: [8, 8, 8], numClasses: 10, seed: 2 });
    const s = cosineSchedule(1000);
    const optimizer = tf.train.adam(1e-3);
    const x0 = tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 3);
    const labels = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
    const initial = d.model.getWeights().map((w) => w.clone());
    diffusionTrainStep(d, s, optimizer, x0, { t: 1, noise: 2, dropout: 3 }, { labels }).loss.dispose();
    const count = tf.memory().numTensors;
    diffusionTrainStep(d, s, optimizer, x0, { t: 4, noise: 5, dropout: 6 }, { labels }).loss.dispose();
    assert.equal(tf.memory().numTensors, count);
    d.model.getWeights().forEach((w, i) => assert.ok(tf.any(tf.notEqual(w, initial[i])).dataSync()[0], `weight ${i} (${w.shape}) unchanged`));
    const dropped = dropLabels(tf.zeros([10000], 'int32') as tf.Tensor1D, 0.2, 9)
      .dataSync()
      .filter((v) => v === NULL_CLASS).length;
    close(dropped / 10000, 0.2, 0.02, 'dropped share');
    tf.dispose([x0, labels, ...initial]);
    d.model.dispose();
    optimizer.dispose();
  });

  test('guidance: w = 0 is the conditional ε, and ε̃ = (1 + w) ε_c − w ε_∅', () => {
    const d = createMlpDenoiser({ numClasses: 3, seed: 4 });
    // Move the zero-initialized output layer so the two predictions differ.
    perturbWeights(d, 0.1, 10);
    tf.tidy(() => {
      const x = tf.randomNormal([5, 2], 0, 1, 'float32', 5);
      const labels = tf.tensor1d([0, 1, 2, 0, 1], 'int32');
      const t = tf.fill([5], 300, 'int32') as tf.Tensor1D;
      const cond = (d.model.apply([x, timeEmbedding(t, 32), tf.oneHot(labels, 4).toFloat()]) as tf.Tensor).arraySync() as number[][];
      const uncond = (
        d.model.apply([x, timeEmbedding(t, 32), tf.oneHot(tf.fill([5], 3, 'int32') as tf.Tensor1D, 4).toFloat()]) as tf.Tensor
      ).arraySync() as number[][];
      const g0 = guidedNoise(d, x, 300, labels, 0).arraySync() as number[][];
      const g2 = guidedNoise(d, x, 300, labels, 2).arraySync() as number[][];
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 2; j++) {
          close(g0[i][j], cond[i][j], 1e-5);
          close(g2[i][j], 3 * cond[i][j] - 2 * uncond[i][j], 1e-4);
        }
    });
    d.model.dispose();
  });
});

describe('samplers', () => {
  test('shapes, same seed → same samples, different seed → different; DDIM η = 0 is deterministic given x_T', () => {
    const d = createMlpDenoiser({ seed: 5 });
    perturbWeights(d, 0.05, 20);
    const s = cosineSchedule(50);
    const a = ancestralSample(d, s, { shape: [2], n: 6, seed: 1 });
    const b = ancestralSample(d, s, { shape: [2], n: 6, seed: 1 });
    const c = ancestralSample(d, s, { shape: [2], n: 6, seed: 2 });
    assert.deepEqual(a.shape, [6, 2]);
    assert.deepEqual(a.arraySync(), b.arraySync());
    assert.notDeepEqual(a.arraySync(), c.arraySync());
    const before = tf.memory().numTensors;
    let calls = 0;
    const e = ddimSample(d, s, { shape: [2], n: 6, seed: 1, steps: 10, onStep: () => calls++ });
    assert.equal(calls, 10);
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(samplingTimesteps(50, 10), [50, 45, 40, 35, 30, 25, 20, 15, 10, 5]);
    assert.throws(() => ddimSample(d, s, { shape: [2], n: 2, seed: 1, steps: 51 }), /sampling steps/);
    assert.throws(() => ddimSample(d, s, { shape: [2], n: 2, seed: 1, steps: 5, labels: [0, 1] }), /unconditional/);
    tf.dispose([a, b, c, e]);
    d.model.dispose();
  });

  test("ddimSteps: x_T, then one state per DDIM step, ending on ddimSample's sample; stopped early, it frees every tensor", () => {
    const d = createMlpDenoiser({ seed: 5, numClasses: 3 });
    perturbWeights(d, 0.05, 40);
    const s = cosineSchedule(50);
    const options = { shape: [2], n: 4, seed: 7, steps: 5, labels: [0, 1, 2, NULL_CLASS], guidance: 2, clip: [-1, 1] as [number, number], eta: 0.5 };
    const before = tf.memory().numTensors;
    const seen: { t: number; x: number[][] }[] = [];
    for (const { t, x } of ddimSteps(d, s, options)) seen.push({ t, x: x.arraySync() as number[][] });
    assert.equal(tf.memory().numTensors, before, 'a finished trajectory leaves nothing behind');
    assert.deepEqual(
      seen.map((f) => f.t),
      [50, 40, 30, 20, 10, 0],
    );
    const onSteps: number[][][] = [];
    const sample = ddimSample(d, s, { ...options, onStep: (_, x) => onSteps.push(x.arraySync() as number[][]) });
    assert.deepEqual(
      seen.slice(1).map((f) => f.x),
      onSteps,
      'the same states as ddimSample, η > 0 noise included',
    );
    assert.deepEqual(seen[5].x, sample.arraySync());
    // x_T is N(0, I) noise; each step changes the state.
    for (let i = 1; i < seen.length; i++) assert.notDeepEqual(seen[i].x, seen[i - 1].x);
    sample.dispose();

    const steps = ddimSteps(d, s, options);
    steps.next();
    steps.next();
    assert.ok(tf.memory().numTensors > before, 'a running trajectory holds x_t and the labels');
    steps.return();
    assert.equal(tf.memory().numTensors, before, 'stopped after one step, nothing is left');
    d.model.dispose();
  });

  test('ancestralSteps: x_T, then one state per step t = T … 1, the same states as ancestralSample; stopped early, it frees every tensor', () => {
    const d = createMlpDenoiser({ seed: 6, numClasses: 3 });
    perturbWeights(d, 0.05, 60);
    const s = cosineSchedule(12);
    const options = { shape: [2], n: 4, seed: 9, labels: [0, 1, 2, NULL_CLASS], guidance: 1.5, variance: 'posterior' as const };
    const before = tf.memory().numTensors;
    const seen: { t: number; x: number[][] }[] = [];
    for (const { t, x } of ancestralSteps(d, s, options)) seen.push({ t, x: x.arraySync() as number[][] });
    assert.equal(tf.memory().numTensors, before, 'a finished trajectory leaves nothing behind');
    assert.deepEqual(
      seen.map((f) => f.t),
      [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    );
    const onSteps: number[][][] = [];
    const sample = ancestralSample(d, s, { ...options, onStep: (_, x) => onSteps.push(x.arraySync() as number[][]) });
    assert.deepEqual(
      seen.slice(1).map((f) => f.x),
      onSteps,
      'the same states as ancestralSample, the noise of every step included',
    );
    assert.deepEqual(seen[12].x, sample.arraySync());
    sample.dispose();

    const steps = ancestralSteps(d, s, options);
    steps.next();
    steps.next();
    steps.return();
    assert.equal(tf.memory().numTensors, before, 'stopped after one step, nothing is left');
    d.model.dispose();
  });

  test('with the exact ε of Gaussian data, DDIM (η = 0, 25 steps) and ancestral sampling both return that Gaussian', () => {
    // For x_0 ~ N(μ, s² I), E[ε | x_t] = √(1 − ᾱ_t) (x_t − √ᾱ_t μ) / (ᾱ_t s² + 1 − ᾱ_t): the denoiser a
    // perfect fit would be. Standing in for the network, it tests the samplers' arithmetic alone.
    const [mu, sd] = [[1.5, -0.5], 0.3];
    const s = cosineSchedule(200);
    const oracle = (visits: number[]): Denoiser => {
      let call = 0;
      const model = {
        apply: ([x]: tf.Tensor[]) =>
          tf.tidy(() => {
            const aBar = alphaBarAt(s, visits[call++]);
            const centred = tf.sub(x, tf.mul(Math.sqrt(aBar), tf.tensor2d([mu])));
            return tf.mul(Math.sqrt(1 - aBar) / (aBar * sd * sd + 1 - aBar), centred);
          }),
      } as unknown as tf.LayersModel;
      return { architecture: 'mlp', model, timeDim: 32, numClasses: 0 };
    };
    const ancestralVisits = Array.from({ length: 200 }, (_, i) => 200 - i);
    for (const [name, x] of [
      ['ddim', ddimSample(oracle(samplingTimesteps(200, 25)), s, { shape: [2], n: 4000, seed: 3, steps: 25 })],
      ['ancestral', ancestralSample(oracle(ancestralVisits), s, { shape: [2], n: 4000, seed: 3, variance: 'posterior' })],
    ] as const) {
      const v = x.arraySync() as number[][];
      for (const j of [0, 1]) {
        const m = v.reduce((a, r) => a + r[j], 0) / v.length;
        const sdj = Math.sqrt(v.reduce((a, r) => a + (r[j] - m) ** 2, 0) / v.length);
        close(m, mu[j], 0.03, `${name} mean[${j}]`);
        close(sdj, sd, 0.03, `${name} sd[${j}]`);
      }
      x.dispose();
    }
  });

  test('2-D toy: a briefly trained MLP denoiser puts samples on all eight modes of the ring', () => {
    const s = cosineSchedule(100);
    const d = createMlpDenoiser({ hidden: [64, 64, 64], seed: 0 });
    const optimizer = tf.train.adam(3e-3);
    for (let step = 0; step < 800; step++) {
      const x0 = sampleRing(128, step);
      diffusionTrainStep(d, s, optimizer, x0, { t: 3 * step, noise: 3 * step + 1, dropout: 0 }).loss.dispose();
      x0.dispose();
    }
    // The stochastic samplers. Deterministic DDIM follows the learned ε exactly, so after 800 steps
    // it still drops modes (the test above checks its arithmetic with the exact ε instead).
    for (const [name, sample] of [
      ['ancestral', () => ancestralSample(d, s, { shape: [2], n: 2000, seed: 11 })],
      ['ddim 50, η = 1', () => ddimSample(d, s, { shape: [2], n: 2000, seed: 11, steps: 50, eta: 1 })],
    ] as const) {
      const x = sample();
      const cov = modeCoverage(x.dataSync(), undefined, 0.005);
      // Every mode gets samples, and the share within 3σ of a mode is several times what N(0, I) puts
      // there (about 1.2 %): 800 steps learn the ring, not yet its narrow width (seed 0: 13 % and 15 %).
      assert.equal(cov.covered, 8, `${name}: ${JSON.stringify(cov)}`);
      assert.ok(2000 - cov.offMode > 0.06 * 2000, `${name}: only ${2000 - cov.offMode} of 2000 samples near a mode`);
      x.dispose();
    }
    d.model.dispose();
    optimizer.dispose();
  });
});
