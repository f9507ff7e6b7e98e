import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createVae, disposeTrainedModel, loadMnist, loadTrainedModel, setupBackend, sliceSplit, trainedModelSamples, trainVae } from '../../src/genlab/src/index';

let run: string;
const out = join(mkdtempSync(join(tmpdir(), 'genlab-export-')), 'vae-z2');

before(async () => {
  await setupBackend('wasm');
  run = join(mkdtempSync(join(tmpdir(), 'genlab-export-')), 'vae');
  const mnist = loadMnist();
  const vae = createVae('mlp', { seed: 2, latentDim: 2, hidden: 64 });
  await trainVae(vae, sliceSplit(mnist.train, 0, 500), { epochs: 2, batchSize: 100, runDir: run, config: { command: 'train vae --latent-dim 2', trainSize: 500 } });
});

function exportModel(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/export-model.ts', ...args], { encoding: 'utf8', env: { ...process.env, GENLAB_BACKEND: 'wasm' }, timeout: 300_000 });
}

test('a run exports as float16 with metadata saying how it was trained, and loads back as the same model', async () => {
  const r = exportModel([run, '--out', out, '--scatter', '50']);
  assert.equal(r.status, 0, r.stderr);
  const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
  assert.equal(meta.family, 'vae');
  assert.equal(meta.latentDim, 2);
  assert.equal(meta.training.epochs, 2);
  assert.equal(meta.training.steps, 2 * 5);
  assert.equal(meta.training.curve.length, 2);
  assert.match(meta.training.command, /^npm run train -- vae/);
  assert.match(meta.training.commit ?? '', /^[0-9a-f]{40}$/);
  assert.ok(meta.training.wallSeconds >= 0);
  assert.equal(meta.weights.dtype, 'float16');
  assert.ok(meta.weights.maxAbsOutputError.decoder < 0.01);
  assert.equal(meta.testLatents.count, 50);
  assert.ok(!existsSync(join(out, 'optimizer')), 'no optimizer state is published');

  const [fromRun, published] = [await loadTrainedModel(run), await loadTrainedModel(out)];
  assert.equal(published.kind, 'published');
  assert.equal(published.latentDim, 2);
  const [a, b] = [await trainedModelSamples(fromRun, 64, 5), await trainedModelSamples(published, 64, 5)];
  const err = tf.max(tf.abs(tf.sub(a, b)));
  assert.ok((await err.data())[0] < 0.01, 'float16 weights give the run\'s samples within 0.01');
  tf.dispose([a, b, err]);
  disposeTrainedModel(fromRun);
  disposeTrainedModel(published);
});

test('bad input: no run, not a run', () => {
  const none = exportModel([]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /name one training run folder/);
  const notRun = exportModel([tmpdir()]);
  assert.equal(notRun.status, 2);
  assert.match(notRun.stderr, /expected a training run folder/);
});
