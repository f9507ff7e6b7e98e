import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createGan, dcganDiscriminator, dcganGenerator, disposeGan, mlpDiscriminator, mlpGenerator } from '../../src/genlab/src/models/gan';
import { createVae, decode, disposeVae, encode } from '../../src/genlab/src/models/vae';
import { inputLayout, trainableVariables } from '../../src/genlab/src/models/init';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

function assertSameWeights(a: tf.LayersModel, b: tf.LayersModel): void {
  const wa = weightValues(a);
  const wb = weightValues(b);
  assert.equal(wa.length, wb.length);
  assert.ok(wa.length > 0);
  for (let i = 0; i < wa.length; i++) {
    assert.equal(wa[i].length, wb[i].length);
    assert.ok(
      Buffer.from(wa[i].buffer, wa[i].byteOffset, wa[i].byteLength).equals(Buffer.from(wb[i].buffer, wb[i].byteOffset, wb[i].byteLength)),
      `weight ${i} (${a.weights[i].name}) differs`,
    );
  }
}

/** Every randomly initialized weight (not a constant like a zero bias or a BN gamma) differs. */
function assertDifferentWeights(a: tf.LayersModel, b: tf.LayersModel): void {
  const wa = weightValues(a);
  const wb = weightValues(b);
  let random = 0;
  for (let i = 0; i < wa.length; i++) {
    const constant = wa[i].every((v) => v === wa[i][0]);
    if (constant) continue;
    random++;
    let same = 0;
    for (let k = 0; k < wa[i].length; k++) if (wa[i][k] === wb[i][k]) same++;
    assert.ok(same < wa[i].length / 100, `weight ${i} (${a.weights[i].name}): ${same} of ${wa[i].length} equal`);
  }
  assert.ok(random > 0);
}

function check(t: tf.Tensor, shape: number[]): Float32Array {
  assert.deepEqual(t.shape, shape);
  const v = t.dataSync() as Float32Array;
  assert.ok(v.every(Number.isFinite));
  return v;
}

describe('GAN models', () => {
  test("createGan('mlp'): generator [n,784] in [-1,1], discriminator [n,1]", () => {
    for (const latentDim of [2, 20]) {
      const gan = createGan('mlp', { latentDim, seed: 3 });
      assert.equal(gan.architecture, 'mlp');
      assert.equal(gan.latentDim, latentDim);
      assert.deepEqual(gan.generator.inputs[0].shape, [null, latentDim]);
      assert.equal(inputLayout(gan.generator), 'flat');
      assert.equal(inputLayout(gan.discriminator), 'flat');
      // the paper's sizes: 1200-1200 generator, 512-256 discriminator
      assert.deepEqual(
        gan.generator.layers.map((l) => (l.getConfig() as { units: number }).units),
        [1200, 1200, 784],
      );
      const [img, logit] = tf.tidy(() => {
        const z = tf.randomNormal([5, latentDim], 0, 1, 'float32', 1);
        const x = gan.generator.apply(z) as tf.Tensor;
        return [x, gan.discriminator.apply(x) as tf.Tensor];
      });
      const v = check(img, [5, 784]);
      assert.ok(v.every((p) => p >= -1 && p <= 1));
      assert.ok(v.some((p) => p !== 0));
      check(logit, [5, 1]);
      tf.dispose([img, logit]);
      disposeGan(gan);
    }
  });

  test("createGan('dcgan'): generator [n,28,28,1] in [-1,1], discriminator [n,1]", () => {
    const gan = createGan('dcgan', { latentDim: 20, seed: 1 });
    assert.equal(gan.architecture, 'dcgan');
    assert.equal(inputLayout(gan.generator), 'flat');
    assert.equal(inputLayout(gan.discriminator), 'image');
    const [img, logit] = tf.tidy(() => {
      const z = tf.randomNormal([3, 20], 0, 1, 'float32', 2);
      const x = gan.generator.apply(z, { training: false }) as tf.Tensor;
      return [x, gan.discriminator.apply(x) as tf.Tensor];
    });
    const v = check(img, [3, 28, 28, 1]);
    assert.ok(v.every((p) => p >= -1 && p <= 1));
    check(logit, [3, 1]);
    tf.dispose([img, logit]);
    disposeGan(gan);
  });

  test("createGan('dcgan', { discriminatorBatchNorm }): Radford et al.'s batch normalization in D, the same first layer and generator", () => {
    const plain = createGan('dcgan', { seed: 5 });
    const normed = createGan('dcgan', { seed: 5, discriminatorBatchNorm: true });
    const kinds = (m: tf.LayersModel) => m.layers.map((l) => l.getClassName());
    assert.deepEqual(kinds(normed.discriminator), ['Conv2D', 'LeakyReLU', 'Conv2D', 'BatchNormalization', 'LeakyReLU', 'Flatten', 'Dense']);
    assert.deepEqual(kinds(plain.discriminator), ['Conv2D', 'LeakyReLU', 'Conv2D', 'LeakyReLU', 'Flatten', 'Dense']);
    // β takes the second convolution's bias over (γ, β, then the moving statistics, which are not trained);
    // every other weight starts as without normalization.
    const shapes = (m: tf.LayersModel) => m.weights.map((w) => w.shape.join('×'));
    assert.deepEqual(shapes(normed.discriminator), ['5×5×1×64', '64', '5×5×64×128', '128', '128', '6272×1', '1', '128', '128']);
    assertSameWeights(normed.generator, plain.generator);
    const [a, b] = [plain, normed].map((g) => g.discriminator.getWeights());
    for (const [i, j] of [
      [0, 0],
      [1, 1],
      [2, 2],
      [4, 5],
      [5, 6],
    ])
      assert.deepEqual(a[i].dataSync(), b[j].dataSync(), `weight ${i}`);
    // In training mode each batch is normalized by its own statistics: D's logits stay finite and [n, 1].
    const logits = tf.tidy(() => normed.discriminator.apply(tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 3), { training: true }) as tf.Tensor);
    check(logits, [4, 1]);
    logits.dispose();
    assert.throws(() => createGan('mlp', { discriminatorBatchNorm: true }), /applies to the dcgan architecture, not 'mlp'/);
    disposeGan(plain);
    disposeGan(normed);
  });

  test('an unknown architecture is an error', () => {
    assert.throws(() => createGan('resnet' as never), /unknown GAN architecture 'resnet'/);
    assert.throws(() => createVae('rnn' as never), /unknown VAE architecture 'rnn'/);
  });

  test('same seed → identical weights, different seed → different (small MLP and DCGAN)', () => {
    const g1 = mlpGenerator(8, [64, 64], 5);
    const g2 = mlpGenerator(8, [64, 64], 5);
    const g3 = mlpGenerator(8, [64, 64], 6);
    assert.deepEqual(
      g1.getWeights().map((w) => w.shape),
      [[8, 64], [64], [64, 64], [64], [64, 784], [784]],
    );
    assertSameWeights(g1, g2);
    assertDifferentWeights(g1, g3);
    const d1 = mlpDiscriminator([32, 16], 5);
    const d2 = mlpDiscriminator([32, 16], 5);
    const d3 = mlpDiscriminator([32, 16], 9);
    assertSameWeights(d1, d2);
    assertDifferentWeights(d1, d3);
    const dg1 = dcganGenerator(10, 2);
    const dg2 = dcganGenerator(10, 2);
    const dg3 = dcganGenerator(10, 3);
    assertSameWeights(dg1, dg2);
    assertDifferentWeights(dg1, dg3);
    const dd1 = dcganDiscriminator(2);
    const dd2 = dcganDiscriminator(2);
    const dd3 = dcganDiscriminator(4);
    assertSameWeights(dd1, dd2);
    assertDifferentWeights(dd1, dd3);
    for (const m of [g1, g2, g3, d1, d2, d3, dg1, dg2, dg3, dd1, dd2, dd3]) m.dispose();
  });

  test('DCGAN initialization is N(0, 0.02²)', () => {
    const g = dcganGenerator(100, 0);
    const kernel = g.getWeights()[0].dataSync();
    assert.equal(kernel.length, 100 * 7 * 7 * 128);
    let s = 0;
    let ss = 0;
    for (const v of kernel) {
      s += v;
      ss += v * v;
    }
    const m = s / kernel.length;
    const sd = Math.sqrt(ss / kernel.length - m * m);
    assert.ok(Math.abs(m) < 1e-4, `mean ${m}`);
    assert.ok(Math.abs(sd - 0.02) < 2e-4, `sd ${sd}`);
    g.dispose();
  });

  test('a small MLP generator produces the same images from the same seed and z', () => {
    const a = mlpGenerator(4, [16], 11);
    const b = mlpGenerator(4, [16], 11);
    const z = tf.tensor2d([[0.1, -0.2, 0.3, 1.5]]);
    const ya = a.predict(z) as tf.Tensor;
    const yb = b.predict(z) as tf.Tensor;
    assert.deepEqual(ya.dataSync(), yb.dataSync());
    tf.dispose([z, ya, yb]);
    a.dispose();
    b.dispose();
  });

  test('disposeGan frees every weight', () => {
    const before = tf.memory().numTensors;
    const gan = createGan('dcgan', { latentDim: 10 });
    const weights = gan.generator.weights.length + gan.discriminator.weights.length;
    // dense kernel + BN(4) + convT kernel + BN(4) + convT kernel & bias; 2 convs and a dense with biases
    assert.equal(gan.generator.weights.length, 1 + 4 + 1 + 4 + 2);
    assert.equal(gan.discriminator.weights.length, 6);
    assert.equal(tf.memory().numTensors, before + weights);
    disposeGan(gan);
    assert.equal(tf.memory().numTensors, before);
  });

  test('applying the networks inside tf.tidy leaks nothing', () => {
    const gan = createGan('dcgan', { latentDim: 10 });
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = gan.generator.apply(tf.randomNormal([2, 10], 0, 1, 'float32', 4), { training: true }) as tf.Tensor;
      gan.discriminator.apply(x, { training: true });
    });
    assert.equal(tf.memory().numTensors, before);
    disposeGan(gan);
  });
});

describe('VAE models', () => {
  test("createVae('mlp'): encoder [n, 2·latent], decoder logits [n, 784]", () => {
    for (const latentDim of [2, 20]) {
      const vae = createVae('mlp', { latentDim, hidden: 64, seed: 1 });
      assert.equal(vae.architecture, 'mlp');
      assert.equal(vae.latentDim, latentDim);
      const x = tf.fill([4, 784], 0.5);
      const h = vae.encoder.apply(x) as tf.Tensor;
      check(h, [4, 2 * latentDim]);
      const { mean, logVar } = encode(vae, x);
      check(mean, [4, latentDim]);
      check(logVar, [4, latentDim]);
      // mean and logVar are the two halves of the encoder output
      const hv = h.arraySync() as number[][];
      assert.deepEqual(
        mean.arraySync(),
        hv.map((r) => r.slice(0, latentDim)),
      );
      assert.deepEqual(
        logVar.arraySync(),
        hv.map((r) => r.slice(latentDim)),
      );
      const logits = decode(vae, mean);
      check(logits, [4, 784]);
      tf.dispose([x, h, mean, logVar, logits]);
      disposeVae(vae);
    }
  });

  test('createVae defaults: latent 20, 500 hidden units', () => {
    const vae = createVae('mlp');
    assert.equal(vae.latentDim, 20);
    assert.deepEqual(
      vae.encoder.getWeights().map((w) => w.shape),
      [[784, 500], [500], [500, 40], [40]],
    );
    assert.deepEqual(
      vae.decoder.getWeights().map((w) => w.shape),
      [[20, 500], [500], [500, 784], [784]],
    );
    disposeVae(vae);
  });

  test("createVae('mlp', { hidden: [200, 200] }): Burda et al.'s layers, the decoder mirrored", () => {
    const vae = createVae('mlp', { latentDim: 50, hidden: [200, 200], seed: 3 });
    assert.deepEqual(
      vae.encoder.getWeights().map((w) => w.shape),
      [[784, 200], [200], [200, 200], [200], [200, 100], [100]],
    );
    assert.deepEqual(
      vae.decoder.getWeights().map((w) => w.shape),
      [[50, 200], [200], [200, 200], [200], [200, 784], [784]],
    );
    disposeVae(vae);
    assert.throws(() => createVae('mlp', { hidden: [200, 0] }), /positive integers/);
  });

  test("createVae('conv'): encoder [n, 2·latent], decoder logits [n,28,28,1]", () => {
    for (const latentDim of [2, 20]) {
      const vae = createVae('conv', { latentDim, seed: 2 });
      assert.equal(inputLayout(vae.encoder), 'image');
      const x = tf.fill([3, 28, 28, 1], 0.25);
      const { mean, logVar } = encode(vae, x);
      check(mean, [3, latentDim]);
      check(logVar, [3, latentDim]);
      const logits = decode(vae, mean);
      check(logits, [3, 28, 28, 1]);
      tf.dispose([x, mean, logVar, logits]);
      disposeVae(vae);
    }
  });

  test('same seed → identical weights, different seed → different', () => {
    for (const arch of ['mlp', 'conv'] as const) {
      const a = createVae(arch, { latentDim: 4, hidden: 32, seed: 7 });
      const b = createVae(arch, { latentDim: 4, hidden: 32, seed: 7 });
      const c = createVae(arch, { latentDim: 4, hidden: 32, seed: 8 });
      assertSameWeights(a.encoder, b.encoder);
      assertSameWeights(a.decoder, b.decoder);
      assertDifferentWeights(a.encoder, c.encoder);
      assertDifferentWeights(a.decoder, c.decoder);
      for (const v of [a, b, c]) disposeVae(v);
    }
  });

  test('trainableVariables lists every trainable weight in order', () => {
    const vae = createVae('mlp', { latentDim: 2, hidden: 8 });
    const vars = trainableVariables(vae.encoder);
    assert.equal(vars.length, 4);
    vars.forEach((v, i) => assert.equal(v, vae.encoder.trainableWeights[i].read()));
    assert.deepEqual(
      vars.map((v) => v.shape),
      [[784, 8], [8], [8, 4], [4]],
    );
    disposeVae(vae);
  });

  test('encode/decode inside tf.tidy leak no tensors; encode alone returns exactly its two outputs', () => {
    for (const arch of ['mlp', 'conv'] as const) {
      const vae = createVae(arch, { latentDim: 3, hidden: 16 });
      const x = arch === 'mlp' ? tf.fill([2, 784], 0.5) : tf.fill([2, 28, 28, 1], 0.5);
      const before = tf.memory().numTensors;
      const { mean, logVar } = encode(vae, x);
      assert.equal(tf.memory().numTensors, before + 2);
      const logits = decode(vae, mean);
      assert.equal(tf.memory().numTensors, before + 3);
      tf.dispose([mean, logVar, logits]);
      assert.equal(tf.memory().numTensors, before);
      tf.tidy(() => {
        const q = encode(vae, x, true);
        decode(vae, q.mean, true);
        vae.decoder.apply(q.logVar);
      });
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
      disposeVae(vae);
    }
  });

  test('disposeVae frees every weight', () => {
    for (const arch of ['mlp', 'conv'] as const) {
      const before = tf.memory().numTensors;
      const vae = createVae(arch, { latentDim: 2, hidden: 16 });
      const n = vae.encoder.weights.length + vae.decoder.weights.length;
      assert.equal(n, arch === 'mlp' ? 8 : 6 + 8);
      assert.equal(tf.memory().numTensors, before + n);
      disposeVae(vae);
      assert.equal(tf.memory().numTensors, before);
    }
  });
});
