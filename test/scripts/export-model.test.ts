import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  createVae,
  decodePng,
  disposeTrainedModel,
  fileSystemHandler,
  loadMnist,
  loadTrainedModel,
  setupBackend,
  sliceSplit,
  trainedModelSamples,
  trainVae,
} from '../../src/genlab/src/index';

let run: string;
const out = join(mkdtempSync(join(tmpdir(), 'genlab-export-')), 'vae-z2');

before(async () => {
  await setupBackend('wasm');
  run = join(mkdtempSync(join(tmpdir(), 'genlab-export-')), 'vae');
  const mnist = loadMnist();
  const vae = createVae('mlp', { seed: 2, latentDim: 2, hidden: 64 });
  await trainVae(vae, sliceSplit(mnist.train, 0, 500), {
    epochs: 2,
    batchSize: 100,
    runDir: run,
    validation: sliceSplit(mnist.validation, 0, 100),
    config: { command: 'train vae --latent-dim 2', trainSize: 500 },
  });
});

function script(name: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GENLAB_BACKEND: 'wasm' },
    timeout: 300_000,
  });
}
const exportModel = (args: string[]) => script('export-model', args);

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
  assert.ok((await err.data())[0] < 0.01, "float16 weights give the run's samples within 0.01");
  tf.dispose([a, b, err]);
  disposeTrainedModel(fromRun);
  disposeTrainedModel(published);
});

test('a run started --init-from the published folder exports as one model trained in two stages, resumed or not', () => {
  // Runs after the export test above: `out` is the published 2-epoch model.
  const second = join(mkdtempSync(join(tmpdir(), 'genlab-export-')), 'stage2');
  const trained = script('train', [
    ...['vae', '--latent-dim', '2', '--hidden', '64', '--train-limit', '500', '--epochs', '1', '--seed', '3'],
    ...['--threads', '1', '--init-from', out, '--resume', '--out', second],
  ]);
  assert.equal(trained.status, 0, trained.stderr);
  // Stopped and resumed with the same command, as long runs are: the run continues from its own
  // checkpoint, and still knows its first stage.
  const resumed = script('train', [
    ...['vae', '--latent-dim', '2', '--hidden', '64', '--train-limit', '500', '--epochs', '2', '--seed', '3'],
    ...['--threads', '1', '--init-from', out, '--resume', '--out', second],
  ]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stdout, /initialized/);
  assert.match(resumed.stdout, /resumed from epoch 1/);
  const republished = join(mkdtempSync(join(tmpdir(), 'genlab-export-')), 'vae-z2');
  const r = exportModel([second, '--out', republished, '--scatter', '10']);
  assert.equal(r.status, 0, r.stderr);
  const first = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')).training;
  const both = JSON.parse(readFileSync(join(republished, 'metadata.json'), 'utf8')).training;
  assert.equal(both.epochs, 4);
  assert.equal(both.steps, 4 * 5);
  assert.deepEqual(
    both.curve.map((e: { epoch: number }) => e.epoch),
    [1, 2, 3, 4],
  );
  assert.deepEqual(both.curve.slice(0, 2), first.curve, "the first stage's curve is kept as published");
  assert.equal(both.lastEpoch.epoch, 4);
  assert.equal(both.startedAt, first.startedAt);
  assert.ok(both.wallSeconds >= first.wallSeconds);
  assert.deepEqual(
    both.stages.map((s: { epochs: number; initFrom?: string }) => [s.epochs, s.initFrom]),
    [
      [2, undefined],
      [2, out],
    ],
  );
  assert.match(both.stages[1].command, /--epochs 2 .*--init-from .* --resume/);
  // Both launches of the second stage, as typed, and the stage's start is the first one's.
  assert.deepEqual(
    both.stages[1].launches.map((l: { command: string; resumedFrom: number }) => [/--epochs (\d)/.exec(l.command)![1], l.resumedFrom]),
    [
      ['1', 0],
      ['2', 1],
    ],
  );
  assert.equal(both.stages[1].startedAt, both.stages[1].launches[0].startedAt);
  assert.equal(both.seed, 3);
});

test('a GAN run with a weight average publishes the average, and its metadata says so', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'genlab-export-')), 'gan');
  const trained = script('train', [
    ...['gan', '--train-limit', '128', '--epochs', '1', '--ema-decay', '0.9', '--learning-rate', '0.01', '--classifier', 'none', '--parzen-every', '0'],
    ...['--threads', '1', '--out', dir],
  ]);
  assert.equal(trained.status, 0, trained.stderr);
  const published = join(mkdtempSync(join(tmpdir(), 'genlab-export-')), 'gan-mlp');
  const r = exportModel([dir, '--out', published]);
  assert.equal(r.status, 0, r.stderr);
  const meta = JSON.parse(readFileSync(join(published, 'metadata.json'), 'utf8'));
  assert.match(meta.generatorWeights, /exponential moving average .*decay 0\.9/);
  assert.ok(existsSync(join(published, 'discriminator', 'model.json')));
  const load = (folder: string) => tf.loadLayersModel(fileSystemHandler(folder));
  const checkpoint = join(dir, 'checkpoints', 'epoch-001');
  const [shipped, average, last] = await Promise.all([
    load(join(published, 'generator')),
    load(join(checkpoint, 'generatorEma')),
    load(join(checkpoint, 'generator')),
  ]);
  const largestGap = (a: tf.LayersModel, b: tf.LayersModel) =>
    Math.max(...a.getWeights().map((w, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(w, b.getWeights()[i]))).dataSync()[0])));
  // A large step size makes the last iterate run well ahead of its average.
  const [toAverage, toLast] = [largestGap(shipped, average), largestGap(shipped, last)];
  console.log(`largest weight gap of the shipped generator: to the average ${toAverage}, to the last iterate ${toLast}`);
  assert.ok(toAverage < 3e-4, `the shipped generator is the average, up to float16 (${toAverage})`);
  assert.ok(toLast > 1e-3, `not the last iterate (${toLast})`);
  for (const m of [shipped, average, last]) m.dispose();
});

test('bad input: no run, not a run', () => {
  const none = exportModel([]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /name one training run folder/);
  const notRun = exportModel([tmpdir()]);
  assert.equal(notRun.status, 2);
  assert.match(notRun.stderr, /expected a training run folder/);
});

test('the published folder, once evaluated, collects into what the results page reads', () => {
  // Runs after the export test above (node:test runs a file's tests in order).
  const evaluated = script('evaluate', [out, '--test-limit', '20', '--iwae-k', '10', '--samples', '200']);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const root = mkdtempSync(join(tmpdir(), 'genlab-results-'));
  const r = script('collect-results', [out, '--root', root]);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(join(root, 'results', 'vae-z2.json'), 'utf8'));
  assert.equal(result.family, 'vae');
  assert.equal(result.training.epochs, 2);
  assert.equal(result.metrics.likelihood.testImages, 20);
  assert.ok(result.metrics.likelihood.iwae.nll > 50 && result.metrics.likelihood.iwae.nll < 600, `NLL ${result.metrics.likelihood.iwae.nll}`);
  assert.deepEqual(result.charts, ['vae-z2-validationElbo.svg']);
  assert.match(readFileSync(join(root, 'static', 'img', 'results', 'vae-z2-validationElbo.svg'), 'utf8'), /^<svg[\s\S]*<path/);
  const png = decodePng(readFileSync(join(root, 'static', 'img', 'results', 'vae-z2.png')));
  assert.ok(png.width >= 8 * 28 && png.height >= 8 * 28, `${png.width}×${png.height}`);
});

test('collect-results: usage and missing metrics are clear errors', () => {
  assert.equal(script('collect-results', []).status, 2);
  const root = mkdtempSync(join(tmpdir(), 'genlab-results-'));
  const r = script('collect-results', [run, '--root', root]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /metrics\.json: expected a JSON file, found no such file/);
});
