import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  createGanOptimizers,
  createToyGan,
  createToyVae,
  discriminatorStep,
  disposeGan,
  disposeVae,
  ganTrainStep,
  gaussianVaeStep,
  generatorPointGradients,
  generatorStep,
  sampleLatent,
  sampleMixture2d,
  setupBackend,
  toy2dMixture,
  type Gan,
} from '../../src/genlab/src/index';

before(async () => {
  await setupBackend('cpu');
});

const snapshot = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

test('a discriminator step changes only D, a generator step only G', () => {
  const gan = createToyGan({ hidden: [16, 16], seed: 3 });
  const opt = createGanOptimizers(1e-2);
  const real = sampleMixture2d(toy2dMixture('ring8'), 64, 1);
  const [d0, g0] = [snapshot(gan.discriminator), snapshot(gan.generator)];
  tf.dispose(discriminatorStep(gan, opt.discriminator, real, 11));
  const [d1, g1] = [snapshot(gan.discriminator), snapshot(gan.generator)];
  assert.deepEqual(g1, g0, 'G unchanged by a D step');
  assert.notDeepEqual(d1, d0, 'D changed by a D step');
  tf.dispose(generatorStep(gan, opt.generator, 64, 12, 'minimax'));
  assert.deepEqual(snapshot(gan.discriminator), d1, 'D unchanged by a G step');
  assert.notDeepEqual(snapshot(gan.generator), g1, 'G changed by a G step');
  real.dispose();
  disposeGan(gan);
  opt.generator.dispose();
  opt.discriminator.dispose();
});

test('ganTrainStep is one discriminator step then one generator step', () => {
  const [a, b] = [createToyGan({ seed: 5, hidden: [16] }), createToyGan({ seed: 5, hidden: [16] })];
  const [oa, ob] = [createGanOptimizers(1e-3), createGanOptimizers(1e-3)];
  const real = sampleMixture2d(toy2dMixture('moons'), 32, 2);
  const together = ganTrainStep(a, oa, real, { discriminator: 7, generator: 8 }, 'minimax');
  const d = discriminatorStep(b, ob.discriminator, real, 7);
  const g = generatorStep(b, ob.generator, 32, 8, 'minimax');
  assert.equal(together.discriminatorLoss.dataSync()[0], d.dataSync()[0]);
  assert.equal(together.generatorLoss.dataSync()[0], g.dataSync()[0]);
  assert.deepEqual(snapshot(a.generator), snapshot(b.generator));
  tf.dispose([real, together.discriminatorLoss, together.generatorLoss, d, g]);
  [a, b].forEach(disposeGan);
  [oa, ob].forEach((o) => [o.generator, o.discriminator].forEach((x) => x.dispose()));
});

/** Per-point gradients against finite differences of the point's own loss. */
function checkGradient(gan: Gan, kind: 'minimax' | 'non-saturating'): { grad: number[]; dFake: number[] } {
  const z = sampleLatent(4, gan.latentDim, 3);
  const grad = Array.from(generatorPointGradients(gan, z, kind).dataSync());
  const x = (gan.generator.predict(z) as tf.Tensor).arraySync() as number[][];
  const loss = (p: number[]) => {
    const l = (gan.discriminator.predict(tf.tensor2d([p])) as tf.Tensor).dataSync()[0];
    const sp = (v: number) => Math.log1p(Math.exp(v));
    return kind === 'minimax' ? -sp(l) : sp(-l); // log(1 − D) = −softplus(ℓ), −log D = softplus(−ℓ)
  };
  const eps = 1e-2;
  x.forEach((p, i) => {
    for (let j = 0; j < 2; j++) {
      const up = [...p];
      const down = [...p];
      up[j] += eps;
      down[j] -= eps;
      const fd = (loss(up) - loss(down)) / (2 * eps);
      assert.ok(
        Math.abs(fd - grad[2 * i + j]) < 2e-2 + 0.05 * Math.abs(fd),
        `${kind} point ${i} dim ${j}: autodiff ${grad[2 * i + j]}, finite difference ${fd}`,
      );
    }
  });
  const dFake = Array.from(tf.sigmoid(gan.discriminator.predict(tf.tensor2d(x)) as tf.Tensor).dataSync());
  z.dispose();
  return { grad, dFake };
}

test('generatorPointGradients: each point gets the gradient of its own loss; the minimax one is D/(1 − D) times the non-saturating one', () => {
  const gan = createToyGan({ hidden: [16, 16], seed: 1 });
  const ns = checkGradient(gan, 'non-saturating');
  const mm = checkGradient(gan, 'minimax');
  ns.dFake.forEach((d, i) => {
    for (let j = 0; j < 2; j++) {
      const ratio = mm.grad[2 * i + j] / ns.grad[2 * i + j];
      assert.ok(Math.abs(ratio - d / (1 - d)) < 1e-3, `point ${i}: ratio ${ratio}, D/(1 − D) = ${d / (1 - d)}`);
    }
  });
  disposeGan(gan);
});

test('gaussianVaeStep: the negative ELBO falls on the ring, and equals −(reconstruction − KL)', () => {
  const vae = createToyVae({ hidden: [32, 32], seed: 2 });
  const opt = tf.train.adam(3e-3);
  const data = toy2dMixture('ring');
  const losses: number[] = [];
  for (let i = 0; i < 300; i++) {
    const x = sampleMixture2d(data, 128, i);
    const r = gaussianVaeStep(vae, opt, x, 1000 + i, 0.1);
    const [loss, rec, kl] = [r.loss, r.reconstruction, r.kl].map((t) => t.dataSync()[0]);
    assert.ok(Math.abs(loss - -(rec - kl)) < 1e-3 * Math.max(1, Math.abs(loss)));
    assert.ok(kl >= 0);
    losses.push(loss);
    tf.dispose([x, r.loss, r.reconstruction, r.kl]);
  }
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(mean(losses.slice(-50)) < mean(losses.slice(0, 50)) - 10, `−ELBO first 50 ${mean(losses.slice(0, 50))}, last 50 ${mean(losses.slice(-50))}`);
  assert.throws(() => gaussianVaeStep(vae, opt, tf.zeros([1, 2]), 1, 0), /decoderStd must be positive/);
  disposeVae(vae);
  opt.dispose();
});
