// The models published under static/models (the demo's gan-mlp and vae-mlp-z2, and the training
// campaign's models): they load the way the browser loads them, match their metadata and the prior
// the page samples, fit the download budget, and are good enough to be worth showing, judged on
// real MNIST by the published classifier.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/genlab/src/backend';
import { fileSystemHandler } from '../../src/genlab/src/train/checkpoint';
import { imagesToTensor, loadMnist, range } from '../../src/genlab/src/data/mnist';
import { sampleLatent } from '../../src/genlab/src/models/prior';
import { decode, encode, type Vae } from '../../src/genlab/src/models/vae';
import { vaeLikelihood } from '../../src/genlab/src/metrics/evaluate';
import { ROOT } from './site-build';

const MODELS = join(ROOT, 'static', 'models');
const json = (...p: string[]) => JSON.parse(readFileSync(join(MODELS, ...p), 'utf8'));
const load = (...p: string[]) => tf.loadLayersModel(fileSystemHandler(join(MODELS, ...p)));

let classifier: tf.LayersModel;

before(async () => {
  await setupBackend('wasm');
  classifier = await load('mnist-classifier');
});

function classify(images01: tf.Tensor): number[] {
  return tf.tidy(() => (classifier.predict(images01.reshape([-1, 28, 28, 1])) as tf.Tensor).argMax(1).arraySync() as number[]);
}

function histogram(labels: number[]): number[] {
  const h = Array(10).fill(0);
  labels.forEach((l) => h[l]++);
  return h;
}

/** Every published generative model: a folder with a generator (GAN) or an encoder and a decoder (VAE). */
const published = readdirSync(MODELS)
  .filter((name) => existsSync(join(MODELS, name, 'metadata.json')))
  .flatMap((name): { name: string; family: 'gan' | 'vae' }[] =>
    existsSync(join(MODELS, name, 'generator', 'model.json'))
      ? [{ name, family: 'gan' as const }]
      : existsSync(join(MODELS, name, 'decoder', 'model.json'))
        ? [{ name, family: 'vae' as const }]
        : [],
  );
const gans = published.filter((m) => m.family === 'gan').map((m) => m.name);
const vaes = published.filter((m) => m.family === 'vae').map((m) => m.name);

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => {
    const p = join(dir, f);
    return sum + (statSync(p).isDirectory() ? folderBytes(p) : statSync(p).size);
  }, 0);
}

test('the published models fit the 20 MiB download budget', () => {
  assert.ok(gans.includes('gan-mlp') && vaes.includes('vae-mlp-z2'), `found ${published.map((m) => m.name)}`);
  const mib = folderBytes(MODELS) / 2 ** 20;
  assert.ok(mib <= 20, `static/models holds ${mib.toFixed(1)} MiB`);
});

test('metadata says how and when each model was trained, and describes the files next to it', () => {
  for (const { name, family } of published) {
    const files = family === 'gan' ? ['generator'] : ['encoder', 'decoder'];
    const meta = json(name, 'metadata.json');
    assert.match(meta.training.command, /^npm run train -- /);
    // The demo's models were trained for 10+ epochs; a campaign model is published as far as it got.
    assert.ok(meta.training.epochs >= (name === 'gan-mlp' || name === 'vae-mlp-z2' ? 10 : 2), `${name}: ${meta.training.epochs} epochs`);
    assert.ok(!Number.isNaN(Date.parse(meta.training.finishedAt)));
    // Each stage (the model itself when it had one) started before it finished, and its command trains
    // the epochs it kept: a stage stopped early must not be reproduced by its launch target.
    for (const s of meta.training.stages ?? [meta.training]) {
      assert.ok(Date.parse(s.startedAt) < Date.parse(s.finishedAt), `${name}: started ${s.startedAt}, finished ${s.finishedAt}`);
      if (meta.training.stages) assert.match(s.command, new RegExp(`--epochs ${s.epochs}( |$)`), `${name}: ${s.command}`);
    }
    assert.ok(Date.parse(meta.training.startedAt) <= Date.parse(meta.training.stages?.[0].startedAt ?? meta.training.startedAt));
    assert.equal(meta.prior.distribution, 'N(0, I)');
    assert.equal(meta.weights.dtype, 'float16');
    let bytes = 0;
    for (const f of files) {
      const model = json(name, f, 'model.json');
      assert.ok(model.weightsManifest[0].weights.every((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'float16'));
      bytes += readFileSync(join(MODELS, name, f, 'weights.bin')).byteLength;
    }
    assert.equal(bytes, meta.weights.bytes, `${name}: weights.bin sizes`);
  }
});

for (const name of gans) {
  test(`GAN generator ${name}: 100-D N(0, I) prior in, tanh images out; a classifier finds every digit among its samples`, async () => {
    const meta = json(name, 'metadata.json');
    const generator = await load(name, 'generator');
    assert.deepEqual(generator.inputs[0].shape, [null, meta.prior.latentDim]);
    assert.equal(meta.prior.latentDim, 100);
    const images = tf.tidy(() => (generator.predict(sampleLatent(1000, 100, 3)) as tf.Tensor).add(1).div(2).reshape([1000, 784]));
    const [lo, hi] = [images.min().dataSync()[0], images.max().dataSync()[0]];
    assert.ok(lo >= 0 && hi <= 1 && hi > 0.9, `range [${lo}, ${hi}]`);
    const h = histogram(classify(images));
    // Every digit appears (≥ 2% of the samples): no class is lost. The MLP GAN, trained longest, is
    // also held to a balanced mix (5–15% each).
    const [lo2, hi2] = name === 'gan-mlp' ? [50, 150] : [20, 1000];
    assert.ok(
      h.every((c) => c >= lo2 && c <= hi2),
      `class histogram of 1,000 samples: ${h}`,
    );
    images.dispose();
    generator.dispose();
  });
}

for (const name of vaes.filter((n) => json(n, 'metadata.json').latentDim > 2)) {
  test(`VAE ${name}: its ELBO on 500 test images clears the floor and matches the metrics.json of all 10,000`, async () => {
    const meta = json(name, 'metadata.json');
    const metrics = json(name, 'metrics.json');
    const vae: Vae = { architecture: meta.architecture, latentDim: meta.latentDim, encoder: await load(name, 'encoder'), decoder: await load(name, 'decoder') };
    // The estimator npm run evaluate uses (fixed binarization, one z per image), on the first 500 images.
    const { elbo: value } = await vaeLikelihood(vae, loadMnist().test, { k: 1, testLimit: 500 });
    assert.ok(value > -100, `ELBO ${value.toFixed(2)} nats on 500 test images (floor −100)`);
    assert.ok(metrics.likelihood.testImages >= 1000, `the published bound covers ${metrics.likelihood.testImages} test images`);
    assert.ok(Math.abs(value - metrics.likelihood.elbo) < 3, `ELBO ${value.toFixed(2)} here vs ${metrics.likelihood.elbo.toFixed(2)} on all test images`);
    vae.encoder.dispose();
    vae.decoder.dispose();
  });
}

test("2-D VAE: the scatter file holds the encoder's means; reconstructions keep most digits recognisable", async () => {
  const meta = json('vae-mlp-z2', 'metadata.json');
  const vae: Vae = { architecture: 'mlp', latentDim: 2, encoder: await load('vae-mlp-z2', 'encoder'), decoder: await load('vae-mlp-z2', 'decoder') };
  assert.equal(meta.prior.latentDim, 2);
  assert.deepEqual(vae.decoder.inputs[0].shape, [null, 2]);
  const { test: testSplit } = loadMnist();
  const n = 1000;
  const x = imagesToTensor(testSplit, range(n), 'unit');

  const { points } = json('vae-mlp-z2', 'test-latents.json') as { points: [number, number, number][] };
  assert.equal(points.length, meta.testLatents.count);
  const means = tf.tidy(() => encode(vae, x.slice(0, 200)).mean.arraySync());
  means.forEach(([z1, z2], i) => {
    assert.equal(points[i][2], testSplit.labels[i], 'labels');
    // float32 checkpoint (the file) vs float16 export (this model), rounded to 1e-3.
    assert.ok(Math.abs(z1 - points[i][0]) < 0.01 && Math.abs(z2 - points[i][1]) < 0.01, `point ${i}: ${[z1, z2]} vs ${points[i]}`);
  });

  const recon = tf.tidy(() => tf.sigmoid(decode(vae, encode(vae, x).mean)));
  const predicted = classify(recon);
  const accuracy = predicted.filter((p, i) => p === testSplit.labels[i]).length / n;
  // Two latent dimensions lose detail: about 63% of 1,000 reconstructions are still classified correctly.
  assert.ok(accuracy > 0.55, `classifier accuracy on reconstructions ${accuracy}`);
  const samples = tf.tidy(() => tf.sigmoid(decode(vae, sampleLatent(1000, 2, 3))));
  const h = histogram(classify(samples));
  assert.ok(
    h.every((c) => c >= 20),
    `class histogram of 1,000 prior samples: ${h}`,
  );
  tf.dispose([x, recon, samples]);
  vae.encoder.dispose();
  vae.decoder.dispose();
});
