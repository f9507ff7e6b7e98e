// The lab's training run in Node, on the CPU backend: the code the page runs, without a page.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as genlab from 'genlab/browser';
import { DEFAULT_CONFIG, type LabConfig } from '../../src/components/Lab/config';
import { LabSession, LAB_GRID, KDE_BANDWIDTH, type GanViews, type VaeViews } from '../../src/components/Lab/session';

before(async () => {
  await tf.setBackend('cpu');
});

const small: LabConfig = { ...DEFAULT_CONFIG, hidden: [16, 16], batch: 32 };

test('same configuration, same losses, step for step; another seed, other losses', async () => {
  const runs = [small, small, { ...small, seed: 2 }].map((c) => new LabSession({ tf, genlab }, c));
  for (const s of runs) {
    for (let i = 0; i < 30; i++) s.trainStep();
    await s.flush();
  }
  assert.equal(runs[0].history.d.length, 30);
  assert.deepEqual(runs[1].history.d, runs[0].history.d);
  assert.deepEqual(runs[1].history.g, runs[0].history.g);
  assert.notDeepEqual(runs[2].history.d, runs[0].history.d);
  runs.forEach((s) => s.dispose());
});

test('views draw no random numbers: looking at the run does not change it', async () => {
  const [a, b] = [new LabSession({ tf, genlab }, small), new LabSession({ tf, genlab }, small)];
  for (let i = 0; i < 10; i++) {
    a.trainStep();
    b.trainStep();
    await a.views();
  }
  await a.flush();
  await b.flush();
  assert.deepEqual(a.history.g, b.history.g);
  a.dispose();
  b.dispose();
});

test('k discriminator steps per generator step; one D step changes only D, one G step only G', async () => {
  const s = new LabSession({ tf, genlab }, { ...small, dSteps: 3 });
  s.trainStep();
  await s.flush();
  assert.deepEqual([s.dSteps, s.gSteps, s.history.d.length, s.history.g.length], [3, 1, 3, 1]);
  const w0 = s.weights();
  s.discriminatorStep();
  const w1 = s.weights();
  assert.deepEqual(w1.generator, w0.generator);
  assert.notDeepEqual(w1.discriminator, w0.discriminator);
  s.generatorStep();
  const w2 = s.weights();
  assert.deepEqual(w2.discriminator, w1.discriminator);
  assert.notDeepEqual(w2.generator, w1.generator);
  s.dispose();
});

test('the D* view is the library optimalDiscriminator of the smoothed data density and the estimate from the shown points', async () => {
  const s = new LabSession({ tf, genlab }, small);
  for (let i = 0; i < 5; i++) s.trainStep();
  const v = (await s.views()) as GanViews;
  const pG = genlab.normalizeOnGrid(genlab.kernelDensityOnGrid(v.fake, LAB_GRID, KDE_BANDWIDTH), LAB_GRID);
  const m = genlab.toy2dMixture('ring8');
  const pData = genlab.normalizeOnGrid(genlab.mixtureDensityOnGrid({ centers: m.centers, std: Math.hypot(m.std, KDE_BANDWIDTH) }, LAB_GRID), LAB_GRID);
  assert.deepEqual(Array.from(v.dStar), Array.from(genlab.optimalDiscriminator(pData, pG)));
  // Theorem 1 on the grid: V(D*, G) = −log 4 + 2·JSD, and every other D does worse.
  const area = genlab.gridCellSize(LAB_GRID) ** 2;
  const vStar = genlab.ganValueOnGrid(pData, pG, genlab.optimalDiscriminatorLogit(pData, pG), area);
  assert.ok(Math.abs(vStar - v.valueAtOptimum) < 1e-9);
  assert.ok(v.value <= v.valueAtOptimum + 1e-9, `V(D, G) ${v.value} ≤ V(D*, G) ${v.valueAtOptimum}`);
  s.dispose();
});

test('after D alone learns, D rejects the fakes and the minimax gradients are smaller than the non-saturating ones', async () => {
  const s = new LabSession({ tf, genlab }, { ...small, lrD: 1e-2 });
  for (let i = 0; i < 40; i++) s.discriminatorStep();
  const v = (await s.views()) as GanViews;
  assert.ok(v.meanDFake < 0.3, `mean D(G(z)) ${v.meanDFake}`);
  assert.ok(v.meanGrad.minimax < 0.5 * v.meanGrad.nonSaturating, `minimax ${v.meanGrad.minimax}, non-saturating ${v.meanGrad.nonSaturating}`);
  s.dispose();
});

test('tensor count stays flat while training and viewing; dispose frees everything the run made', async () => {
  const before = tf.memory().numTensors;
  for (const config of [
    small,
    { ...small, model: 'vae' as const },
    { ...small, latent: 1 as const, data: 'drawn' as const, drawn: [[1, 1]] as [number, number][] },
  ]) {
    const s = new LabSession({ tf, genlab }, config);
    s.trainStep();
    await s.flush();
    await s.views();
    const held = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      s.trainStep();
      if (i % 10 === 0) await s.flush();
      if (i % 25 === 0) await s.views();
    }
    await s.flush();
    assert.equal(tf.memory().numTensors, held, `${config.model}: tensors after 100 steps`);
    s.dispose();
    assert.equal(tf.memory().numTensors, before, `${config.model}: tensors after dispose`);
  }
});

test('the VAE view: posteriors, reconstructions, decoded prior samples and the decoded latent lattice', async () => {
  const s = new LabSession({ tf, genlab }, { ...small, model: 'vae', data: 'line' });
  for (let i = 0; i < 20; i++) s.trainStep();
  await s.flush();
  const v = (await s.views()) as VaeViews;
  assert.equal(s.history.kl.length, 20);
  assert.equal(v.posteriorMean.length, 2 * 24);
  assert.equal(v.reconstruction.length, 2 * 24);
  assert.equal(v.fake.length, 2 * 1024);
  assert.equal(v.warped.length, 18);
  assert.ok(v.posteriorLogVar.every(Number.isFinite));
  s.dispose();
});
