/**
 * Gathers what the results page shows from evaluated run folders, so the page only renders:
 * results/<run>.json (config, training budget, final epoch, metrics.json) and the last sample grid
 * as static/img/results/<run>.png.
 *
 *   npm run collect-results -- runs/results/gan-mlp runs/results/vae-mlp-z20 …
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

function readJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new Error(`${file}: expected a JSON file, found no such file (train and evaluate the run first)`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function collect(runDir: string): string {
  const name = basename(runDir);
  const config = readJson(join(runDir, 'config.json'));
  const metrics = readJson(join(runDir, 'metrics.json'));
  const epochs = readFileSync(join(runDir, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; epoch: number; seconds?: number; losses?: object; metrics?: object })
    .filter((r) => r.type === 'epoch');
  if (!epochs.length) throw new Error(`${join(runDir, 'log.jsonl')}: expected epoch records, found none`);
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
  mkdirSync('results', { recursive: true });
  writeFileSync(join('results', `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  const samples = readdirSync(join(runDir, 'samples')).filter((f) => f.endsWith('.png')).sort();
  if (samples.length) {
    mkdirSync(join('static', 'img', 'results'), { recursive: true });
    copyFileSync(join(runDir, 'samples', samples[samples.length - 1]), join('static', 'img', 'results', `${name}.png`));
  }
  return name;
}

const dirs = process.argv.slice(2);
if (!dirs.length) {
  console.error('usage: npm run collect-results -- <run dir> [<run dir> …]');
  process.exit(2);
}
try {
  for (const d of dirs) console.log(`results/${collect(d)}.json`);
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
