import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  classifierAccuracy,
  createGan,
  createVae,
  fileSystemHandler,
  loadMnist,
  parzenSigmaGrid,
  setupBackend,
  sliceSplit,
  trainGan,
  trainVae,
  type Mnist,
} from '../../src/genlab/src/index';

const CLASSIFIER = join('static', 'models', 'mnist-classifier');
let mnist: Mnist;
let ganRun: string;
let vaeRun: string;

before(async () => {
  await setupBackend('wasm');
  mnist = loadMnist();
  ganRun = join(mkdtempSync(join(tmpdir(), 'genlab-eval-')), 'gan');
  vaeRun = join(mkdtempSync(join(tmpdir(), 'genlab-eval-')), 'vae');
  const gan = createGan('mlp', { seed: 1 });
  await trainGan(gan, sliceSplit(mnist.train, 0, 256), { epochs: 1, batchSize: 64, runDir: ganRun });
  const vae = createVae('mlp', { seed: 1, latentDim: 5, hidden: 100 });
  await trainVae(vae, sliceSplit(mnist.train, 0, 1000), { epochs: 2, batchSize: 100, runDir: vaeRun });
});

function evaluate(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/evaluate.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GENLAB_BACKEND: 'wasm' },
    timeout: 300_000,
  });
}

test('a GAN run gets the Parzen protocol: σ from the grid, mean ± standard error on test images', () => {
  const r = evaluate([ganRun, '--samples', '1000', '--test-limit', '300']);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(readFileSync(join(ganRun, 'metrics.json'), 'utf8'));
  assert.equal(m.model, 'gan');
  assert.equal(m.engine.backend, 'wasm');
  assert.equal(m.parzen.samples, 1000);
  assert.equal(m.parzen.testImages, 300);
  assert.equal(m.parzen.validation.length, 10);
  assert.ok(parzenSigmaGrid().some((s) => Math.abs(s - m.parzen.sigma) < 1e-12));
  const best = Math.max(...m.parzen.validation.map((v: { mean: number }) => v.mean));
  assert.equal(m.parzen.validation.find((v: { sigma: number }) => v.sigma === m.parzen.sigma).mean, best);
  assert.ok(Number.isFinite(m.parzen.mean) && m.parzen.standardError > 0);
  if (existsSync(join(CLASSIFIER, 'model.json'))) {
    assert.ok(m.classifier.realBaseline.inceptionScore > 9, `real IS ${m.classifier.realBaseline.inceptionScore}`);
    assert.ok(m.classifier.generated.frechet > m.classifier.realBaseline.frechet, 'an untrained-ish GAN is farther from the test set than real data');
    assert.equal(
      m.classifier.generated.classHistogram.reduce((a: number, b: number) => a + b, 0),
      1000,
    );
  }
});

test('a VAE run gets the test ELBO and an importance-weighted bound above it', () => {
  const r = evaluate([vaeRun, '--test-limit', '100', '--iwae-k', '50', '--samples', '500']);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(readFileSync(join(vaeRun, 'metrics.json'), 'utf8'));
  const l = m.likelihood;
  assert.equal(l.testImages, 100);
  assert.equal(l.iwae.k, 50);
  assert.ok(Math.abs(l.elbo - (l.reconstruction - l.kl)) < 1e-3);
  assert.ok(l.iwae.mean > l.elbo, `L_50 ${l.iwae.mean} vs ELBO ${l.elbo}`);
  assert.equal(l.iwae.nll, -l.iwae.mean);
  assert.match(l.binarization, /dynamic/);
});

test('bad input: no run folder, a missing folder, an empty folder, a bad flag', () => {
  const none = evaluate([]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /name one run folder or model folder/);
  const missing = evaluate([join(tmpdir(), 'genlab-no-such-run')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /genlab-no-such-run: no such folder/);
  const empty = evaluate([mkdtempSync(join(tmpdir(), 'genlab-eval-'))]);
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /expected a training run folder \(config\.json, checkpoints\/\) or a published model folder \(metadata\.json\), found neither/);
  const flag = evaluate([vaeRun, '--iwae-k', '0']);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /--iwae-k must be an integer ≥ 1/);
});

test('a published model folder is scored like a run, and the same seed gives the same numbers', () => {
  const out = mkdtempSync(join(tmpdir(), 'genlab-eval-'));
  const args = ['static/models/gan-mlp', '--samples', '300', '--test-limit', '100', '--classifier', 'none'];
  const first = evaluate([...args, '--out', join(out, 'a.json')]);
  assert.equal(first.status, 0, first.stderr);
  const second = evaluate([...args, '--out', join(out, 'b.json')]);
  assert.equal(second.status, 0, second.stderr);
  const [a, b] = ['a.json', 'b.json'].map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')));
  assert.equal(a.model, 'gan');
  assert.equal(a.checkpoint, 'static/models/gan-mlp');
  assert.equal(a.parzen.samples, 300);
  assert.equal(a.parzen.mean, b.parzen.mean);
  assert.equal(a.parzen.sigma, b.parzen.sigma);
  assert.ok(a.parzen.mean > 0, `a trained GAN's Parzen estimate on 100 test images is positive: ${a.parzen.mean}`);
});

test(
  'the saved classifier reaches at least 99% on the MNIST test set',
  { skip: !existsSync(join(CLASSIFIER, 'model.json')) && 'no saved classifier' },
  async () => {
    const model = await tf.loadLayersModel(fileSystemHandler(CLASSIFIER));
    const accuracy = await classifierAccuracy(model, mnist.test);
    const metadata = JSON.parse(readFileSync(join(CLASSIFIER, 'metadata.json'), 'utf8'));
    assert.ok(accuracy >= 0.99, `test accuracy ${accuracy}`);
    assert.ok(Math.abs(accuracy - metadata.testAccuracy) < 1e-9, 'metadata.json states the measured accuracy');
    model.dispose();
  },
);
