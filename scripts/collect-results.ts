/**
 * Gathers what the results page shows, so the page only renders committed files.
 *
 *   npm run collect-results -- <model dir | run dir> [<dir> …] [--root DIR]
 *
 * A published model folder (static/models/<name>, from `npm run export:model`, scored by
 * `npm run evaluate -- static/models/<name>`) gives results/<name>.json (its metadata's training
 * summary and per-epoch curve, and metrics.json), static/img/results/<name>.png (64 samples of the
 * shipped weights, seed 0) and one chart per tracked measure, static/img/results/<name>-<measure>.svg.
 * A training run folder (config.json, log.jsonl, metrics.json) gives results/<run>.json and its
 * last sample grid, as the first results were collected. --root writes under another folder than
 * the repository (tests).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { disposeTrainedModel, imageGridPng, lineChartSvg, loadTrainedModel, ModelFolderError, pointsFromLog, setupBackend, trainedModelSamples } from 'genlab';
import { runCli } from './cli-main';

let root = '.';
const images = () => join(root, 'static', 'img', 'results');
const results = () => join(root, 'results');

class CollectError extends Error {}

function readJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new CollectError(`${file}: expected a JSON file, found no such file (export and evaluate the model first)`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The measures worth a chart, per family, with the axis title each gets. */
const CURVES: Record<string, [field: string, title: string][]> = {
  gan: [
    ['frechet1000', 'classifier Fréchet distance (1,000 samples, lower is better)'],
    ['inceptionScore1000', 'Inception-style score (1,000 samples)'],
    ['parzen1000', 'Parzen log-likelihood (1,000 test images, nats)'],
  ],
  vae: [['validationElbo', 'validation ELBO (nats, higher is better)']],
  diffusion: [
    ['frechet250', 'classifier Fréchet distance (250 samples, lower is better)'],
    ['inceptionScore250', 'Inception-style score (250 samples)'],
    ['loss', 'ε-prediction loss (mean squared error)'],
  ],
};

/** Guidance weight of the per-digit grid: a middle value of the sweep npm run evaluate reports. */
const GRID_GUIDANCE = 2;

async function writeCurves(name: string, family: string, curve: Record<string, unknown>[]): Promise<string[]> {
  const written: string[] = [];
  for (const [field, title] of CURVES[family] ?? []) {
    const points = pointsFromLog(curve, [field], 'epoch');
    if (points.length < 2) continue;
    const file = join(images(), `${name}-${field}.svg`);
    writeFileSync(file, await lineChartSvg(points, { xTitle: 'epoch', yTitle: title, width: 420, height: 200 }));
    written.push(file);
  }
  return written;
}

async function collectModel(dir: string): Promise<string> {
  const name = basename(dir);
  const metadata = readJson(join(dir, 'metadata.json'));
  const metrics = readJson(join(dir, 'metrics.json'));
  const training = metadata.training as { curve: Record<string, unknown>[] } | undefined;
  if (!training?.curve?.length)
    throw new CollectError(`${join(dir, 'metadata.json')}: expected a training summary with a per-epoch curve (re-export with npm run export:model)`);
  const family = String(metadata.family);
  mkdirSync(results(), { recursive: true });
  mkdirSync(images(), { recursive: true });
  const charts = await writeCurves(name, family, training.curve);
  const model = await loadTrainedModel(dir);
  try {
    const x = await trainedModelSamples(model, 64, 0);
    writeFileSync(join(images(), `${name}.png`), await imageGridPng(x, { scale: 2 }));
    x.dispose();
    if (model.denoiser && model.denoiser.numClasses > 0) {
      // One row per digit, eight samples each: what the class condition (and guidance) buys.
      const labels = Array.from({ length: 8 * model.denoiser.numClasses }, (_, i) => Math.floor(i / 8));
      const byClass = await trainedModelSamples(model, labels.length, 0, { labels, guidance: GRID_GUIDANCE });
      writeFileSync(join(images(), `${name}-by-class.png`), await imageGridPng(byClass, { columns: 8, scale: 2 }));
      byClass.dispose();
    }
  } finally {
    disposeTrainedModel(model);
  }
  const { weights, architecture, latentDim } = metadata;
  const result = { model: name, family, architecture, latentDim, weights, training, metrics, charts: charts.map((f) => basename(f)) };
  writeFileSync(join(results(), `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  return name;
}

function collectRun(runDir: string): string {
  const name = basename(runDir);
  const config = readJson(join(runDir, 'config.json'));
  const metrics = readJson(join(runDir, 'metrics.json'));
  const epochs = readFileSync(join(runDir, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; epoch: number; seconds?: number; losses?: object; metrics?: object })
    .filter((r) => r.type === 'epoch');
  if (!epochs.length) throw new CollectError(`${join(runDir, 'log.jsonl')}: expected epoch records, found none`);
  const last = epochs[epochs.length - 1];
  const trainSize = Number(config.trainSize);
  const batchSize = Number(config.batchSize);
  const result = {
    run: name,
    config,
    training: {
      epochs: last.epoch,
      steps: last.epoch * Math.floor(trainSize / batchSize),
      seconds: Math.round(epochs.reduce((s, e) => s + (e.seconds ?? 0), 0)),
      finalEpoch: last,
      curve: epochs.map((e) => ({ epoch: e.epoch, ...e.losses, ...e.metrics })),
    },
    metrics,
  };
  mkdirSync(results(), { recursive: true });
  writeFileSync(join(results(), `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  const samples = readdirSync(join(runDir, 'samples'))
    .filter((f) => f.endsWith('.png'))
    .sort();
  if (samples.length) {
    mkdirSync(images(), { recursive: true });
    copyFileSync(join(runDir, 'samples', samples[samples.length - 1]), join(images(), `${name}.png`));
  }
  return name;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { root: { type: 'string' } } });
  } catch (e) {
    parsed = undefined;
    console.error(`error: ${(e as Error).message}`);
  }
  const dirs = parsed?.positionals ?? [];
  if (!dirs.length) {
    console.error('usage: npm run collect-results -- <model dir | run dir> [<dir> …] [--root DIR]');
    return 2;
  }
  root = parsed?.values.root ?? '.';
  let backendReady = false;
  for (const d of dirs) {
    if (!existsSync(d)) throw new CollectError(`${d}: no such folder`);
    if (existsSync(join(d, 'metadata.json'))) {
      if (!backendReady) await setupBackend(process.env.GENLAB_BACKEND ?? 'wasm');
      backendReady = true;
      console.log(`results/${await collectModel(d)}.json`);
    } else {
      console.log(`results/${collectRun(d)}.json`);
    }
  }
  return 0;
}

runCli(main, { expected: [CollectError, ModelFolderError] });
