// The lab's diffusion run in Node, on the CPU backend: the code the page runs, without a page.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as genlab from 'genlab/browser';
import { DEFAULT_CONFIG, DIFFUSION_HIDDEN, parseConfig, type LabConfig } from '../../src/components/Lab/config';
import {
  COVERAGE_SHARE,
  createLabRun,
  DiffusionSession,
  DIFFUSION_SAMPLES,
  FORWARD_POINTS,
  TRAJECTORIES,
  YIELD_MS,
  type DiffusionViews,
} from '../../src/components/Lab/diffusion-session';

before(async () => {
  await tf.setBackend('cpu');
});

/** The page's diffusion defaults (what /lab?m=diffusion gives). */
const diffusion: LabConfig = { ...DEFAULT_CONFIG, model: 'diffusion', hidden: [...DIFFUSION_HIDDEN] };
/** Small and quick, for the tests that check bookkeeping rather than learning. */
const small: LabConfig = { ...diffusion, hidden: [16, 16], batch: 32, diffusionSteps: 20 };
/** Steps after which the page's default diffusion run (seed 1, ring8) covers ≥ 7 of the 8 modes on the CPU backend. */
const COVERAGE_STEPS = 500;

/** The views of a live run (a disposed run's are undefined). */
async function viewsOf(s: DiffusionSession): Promise<DiffusionViews> {
  const v = await s.views();
  assert.ok(v, 'a live run has views');
  return v;
}

test('m=diffusion makes a DiffusionSession; same seed, same losses; another seed, other losses', async () => {
  const runs = [small, small, { ...small, seed: 2 }].map((c) => createLabRun({ tf, genlab }, c));
  assert.ok(runs[0] instanceof DiffusionSession);
  for (const s of runs) {
    for (let i = 0; i < 20; i++) s.trainStep();
    await s.flush();
  }
  assert.equal(runs[0].history.loss.length, 20);
  assert.equal(runs[0].step, 20);
  assert.deepEqual(runs[1].history.loss, runs[0].history.loss);
  assert.notDeepEqual(runs[2].history.loss, runs[0].history.loss);
  assert.ok(runs[0].history.loss.every((l) => Number.isFinite(l) && l > 0));
  runs.forEach((s) => s.dispose());
});

test('views draw no random numbers from the run, and the samples start from the same x_T every time', async () => {
  const [a, b] = [new DiffusionSession({ tf, genlab }, small), new DiffusionSession({ tf, genlab }, small)];
  for (let i = 0; i < 5; i++) {
    a.trainStep();
    b.trainStep();
    await a.views();
  }
  await a.flush();
  await b.flush();
  assert.deepEqual(a.history.loss, b.history.loss);
  const [va, vb] = [await viewsOf(a), await viewsOf(b)];
  assert.deepEqual(Array.from(va.fake), Array.from(vb.fake));
  a.dispose();
  b.dispose();
});

test('a reverse trajectory has T + 1 points (ancestral) or S + 1 (DDIM), from x_T down to t = 0, ending at its sample', async () => {
  for (const config of [small, { ...small, sampler: 'ddim' as const, samplerSteps: 5 }]) {
    const s = new DiffusionSession({ tf, genlab }, config);
    for (let i = 0; i < 5; i++) s.trainStep();
    const v = await viewsOf(s);
    const points = config.sampler === 'ddim' ? config.samplerSteps + 1 : config.diffusionSteps + 1;
    assert.equal(v.fake.length, 2 * DIFFUSION_SAMPLES);
    assert.equal(v.trajectories.length, TRAJECTORIES);
    assert.equal(v.trajectoryTimes.length, points);
    assert.equal(v.trajectoryTimes[0], config.diffusionSteps);
    assert.equal(v.trajectoryTimes[points - 1], 0);
    if (config.sampler === 'ddim') assert.deepEqual(v.trajectoryTimes, [...genlab.samplingTimesteps(20, 5), 0]);
    v.trajectories.forEach((line, i) => {
      assert.equal(line.length, 2 * points);
      assert.deepEqual(Array.from(line.slice(-2)), Array.from(v.fake.slice(2 * i, 2 * i + 2)), `trajectory ${i} ends at sample ${i}`);
    });
    s.dispose();
  }
});

test('the forward view: x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε with one ε per point, from the data at t = 0 to about N(0, I) at t = T', async () => {
  const s = new DiffusionSession({ tf, genlab }, small);
  const frames = await s.forward();
  assert.equal(frames.length, small.diffusionSteps + 1);
  assert.deepEqual(frames[0], s.realShown);
  assert.ok(frames.every((f) => f.length === 2 * FORWARD_POINTS));
  // One point followed through t: x_t − √ᾱ_t x_0 scaled by 1/√(1 − ᾱ_t) is the same ε at every t.
  const eps = (t: number, j: number) => (frames[t][j] - Math.sqrt(s.schedule.alphaBars[t - 1]) * frames[0][j]) / Math.sqrt(1 - s.schedule.alphaBars[t - 1]);
  for (const t of [1, 5, 10, 20]) assert.ok(Math.abs(eps(t, 0) - eps(small.diffusionSteps, 0)) < 1e-4, `ε of point 0 at t = ${t}`);
  const last = frames[small.diffusionSteps];
  const mean = last.reduce((a, v) => a + v, 0) / last.length;
  const variance = last.reduce((a, v) => a + (v - mean) ** 2, 0) / last.length;
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(variance - 1) < 0.15, `x_T: mean ${mean}, variance ${variance}`);
  s.dispose();
});

test('tensor count stays flat while training and viewing; dispose frees everything the run made', async () => {
  const before = tf.memory().numTensors;
  for (const config of [small, { ...small, sampler: 'ddim' as const, samplerSteps: 5, data: 'drawn' as const, drawn: [[1, 1]] as [number, number][] }]) {
    const s = new DiffusionSession({ tf, genlab }, config);
    s.trainStep();
    await s.flush();
    await s.views();
    await s.forward();
    const held = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      s.trainStep();
      if (i % 10 === 0) await s.flush();
      if (i % 25 === 0) await s.views();
    }
    await s.flush();
    assert.equal(tf.memory().numTensors, held, `${config.sampler}: tensors after 100 steps`);
    s.dispose();
    assert.equal(tf.memory().numTensors, before, `${config.sampler}: tensors after dispose`);
  }
});

test(`the page's default diffusion run (seed 1, ring8, CPU) puts samples on at least 7 of the 8 modes after ${COVERAGE_STEPS} steps`, async () => {
  const config = parseConfig('?m=diffusion&data=ring8&seed=1').config;
  assert.deepEqual(config.hidden, DIFFUSION_HIDDEN);
  const s = new DiffusionSession({ tf, genlab }, config);
  for (let i = 0; i < COVERAGE_STEPS; i++) {
    s.trainStep();
    if (i % 100 === 99) await s.flush();
  }
  await s.flush();
  const v = await viewsOf(s);
  assert.ok(v.covered! >= 7, `after ${COVERAGE_STEPS} steps: ${v.covered} modes, ${JSON.stringify(genlab.modeCoverage(v.fake, undefined, COVERAGE_SHARE))}`);
  const early = s.history.loss.slice(0, 50).reduce((a, b) => a + b) / 50;
  const late = s.history.loss.slice(-50).reduce((a, b) => a + b) / 50;
  assert.ok(late < early, `mean loss of the first 50 steps ${early}, of the last 50 ${late}`);
  s.dispose();
});

test('sampling the views gives the event loop a turn at least every few steps, and calls run one at a time', async () => {
  // Ancestral sampling with T = 100 on 512 points and the page's default network: the CPU backend's slowest view.
  const s = new DiffusionSession({ tf, genlab }, { ...diffusion, diffusionSteps: 100 });
  s.trainStep();
  await s.flush();
  const ticks: number[] = [];
  const base = tf.memory().numTensors;
  let held = 0;
  let ticking = true;
  const tick = () => {
    ticks.push(performance.now());
    held = Math.max(held, tf.memory().numTensors - base);
    if (ticking) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  const t0 = performance.now();
  const [first, second] = await Promise.all([viewsOf(s), viewsOf(s)]);
  const spent = performance.now() - t0;
  ticking = false;
  const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
  const longest = Math.max(...gaps);
  // One step of the sampler plus YIELD_MS is the longest the page may wait; the two calls take 200 steps in all.
  assert.ok(spent > 8 * YIELD_MS, `two samplings took ${spent.toFixed(0)} ms: too fast to tell`);
  assert.ok(longest < spent / 8, `longest wait for a turn ${longest.toFixed(0)} ms of ${spent.toFixed(0)} ms`);
  assert.deepEqual(Array.from(second.fake), Array.from(first.fake), 'same weights, same x_T: the same samples');
  // One trajectory holds x_t and a slice of it per step reached (≤ T + 1): two at once would hold twice that.
  assert.ok(held > 10 && held <= 100 + 3, `tensors held while sampling: ${held}`);
  s.dispose();
});

test('a run disposed while its views are being sampled stops sampling, frees their tensors and resolves to undefined', async () => {
  const before = tf.memory().numTensors;
  const s = new DiffusionSession({ tf, genlab }, { ...diffusion, diffusionSteps: 100 });
  const pending = s.views();
  await new Promise((resolve) => setTimeout(resolve, YIELD_MS));
  s.dispose();
  assert.equal(await pending, undefined);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(await s.views(), undefined, 'a disposed run has no views');
});
