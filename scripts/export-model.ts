/**
 * Publishes the trained models the site's demo page runs in the browser:
 *
 *   npm run export:demo-models -- [--gan RUN] [--vae RUN] [--out static/models]
 *
 * From the newest checkpoint of each run folder (defaults: runs/results/gan-mlp and
 * runs/results/vae-mlp-z2) it writes float16 TensorFlow.js models plus a metadata.json saying how
 * and when they were trained, with the float16 error measured here, and for the 2-D VAE the
 * encoded means of test digits (the scatter behind the page's latent plane).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  encode,
  exportWebModel,
  fileSystemHandler,
  imagesToTensor,
  listCheckpoints,
  loadMnist,
  range,
  sampleLatent,
  setupBackend,
  version,
  writeFileAtomic,
} from 'genlab';

const USAGE = 'usage: npm run export:demo-models -- [--gan RUN] [--vae RUN] [--out DIR] [--scatter N]';

interface RunInfo {
  config: Record<string, unknown>;
  checkpoint: string;
  epoch: number;
  finishedAt: string;
  lastEpoch: Record<string, unknown>;
}

function readRun(run: string): RunInfo {
  const configFile = join(run, 'config.json');
  if (!existsSync(configFile)) throw new Error(`${run}: expected a training run folder (config.json), found none`);
  const names = listCheckpoints(join(run, 'checkpoints'));
  if (!names.length) throw new Error(`${run}: no complete checkpoint in ${join(run, 'checkpoints')}`);
  const checkpoint = join(run, 'checkpoints', names[names.length - 1]);
  const epochs = readFileSync(join(run, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'epoch');
  return {
    config: JSON.parse(readFileSync(configFile, 'utf8')),
    checkpoint,
    epoch: JSON.parse(readFileSync(join(checkpoint, 'state.json'), 'utf8')).epoch,
    finishedAt: statSync(join(checkpoint, 'state.json')).mtime.toISOString(),
    lastEpoch: epochs[epochs.length - 1] ?? {},
  };
}

/** Largest |float32 output − float16 output| over a batch of prior samples: what the smaller download costs. */
async function float16Error(model: tf.LayersModel, dir: string, latentDim: number): Promise<number> {
  const reloaded = await tf.loadLayersModel(fileSystemHandler(dir));
  const err = tf.tidy(() => {
    const z = sampleLatent(256, latentDim, 1);
    return tf.max(tf.abs(tf.sub(model.predict(z) as tf.Tensor, reloaded.predict(z) as tf.Tensor)));
  });
  const value = (await err.data())[0];
  err.dispose();
  reloaded.dispose();
  return value;
}

function trainingSummary(info: RunInfo) {
  const c = info.config;
  return {
    command: `npm run ${String(c.command).replace(/^train /, 'train -- ')}`,
    epochs: info.epoch,
    seed: c.seed,
    batchSize: c.batchSize,
    trainSize: c.trainSize,
    backend: c.backend,
    device: c.device,
    startedAt: c.startedAt,
    resumedFrom: c.resumedFrom,
    finishedAt: info.finishedAt,
    lastEpoch: info.lastEpoch,
    checkpoint: info.checkpoint,
  };
}

const PRIOR = (latentDim: number) => ({
  distribution: 'N(0, I)',
  latentDim,
  sampler: "genlab's sampleLatent(n, latentDim, seed): tf.randomNormal with a seed, the same call in training and in the page",
});

async function exportGan(run: string, out: string): Promise<void> {
  const info = readRun(run);
  const latentDim = Number(info.config.latentDim);
  const generator = await tf.loadLayersModel(fileSystemHandler(join(info.checkpoint, 'generator')));
  const dir = join(out, 'generator');
  const { bytes } = await exportWebModel(generator, dir, { weights: 'float16' });
  const metricsFile = join(run, 'metrics.json');
  const metrics = existsSync(metricsFile) ? JSON.parse(readFileSync(metricsFile, 'utf8')) : undefined;
  const metadata = {
    model: `GAN generator (${info.config.architecture}), createGan('${info.config.architecture}')`,
    output: 'flat 784 pixels in [-1, 1] (tanh); the page shows (x + 1) / 2',
    prior: PRIOR(latentDim),
    training: { ...trainingSummary(info), loss: info.config.lossKind },
    evaluation: metrics
      ? {
          parzenLogLikelihood: { mean: metrics.parzen.mean, standardError: metrics.parzen.standardError, sigma: metrics.parzen.sigma },
          classifierFrechet: metrics.classifier?.generated?.frechet,
          inceptionStyleScore: metrics.classifier?.generated?.inceptionScore,
          evaluatedAt: metrics.evaluatedAt,
        }
      : undefined,
    weights: { dtype: 'float16', bytes, maxAbsOutputError: await float16Error(generator, dir, latentDim) },
    exportedAt: new Date().toISOString(),
    genlabVersion: version,
  };
  writeFileAtomic(join(out, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
  console.log(`${out}: generator ${(bytes / 2 ** 20).toFixed(1)} MiB, float16 error ${metadata.weights.maxAbsOutputError.toExponential(2)}`);
  generator.dispose();
}

async function exportVae(run: string, out: string, scatter: number): Promise<void> {
  const info = readRun(run);
  const latentDim = Number(info.config.latentDim);
  if (latentDim !== 2) throw new Error(`${run}: the demo's latent plane needs a VAE with --latent-dim 2, this one has ${latentDim}`);
  const encoder = await tf.loadLayersModel(fileSystemHandler(join(info.checkpoint, 'encoder')));
  const decoder = await tf.loadLayersModel(fileSystemHandler(join(info.checkpoint, 'decoder')));
  const enc = await exportWebModel(encoder, join(out, 'encoder'), { weights: 'float16' });
  const dec = await exportWebModel(decoder, join(out, 'decoder'), { weights: 'float16' });

  // Encoded means of the first test digits, coloured by label on the page.
  const { test } = loadMnist();
  const n = Math.min(scatter, test.size);
  const vae = { architecture: 'mlp' as const, latentDim, encoder, decoder };
  const means = tf.tidy(() => encode(vae, imagesToTensor(test, range(n), 'unit')).mean);
  const xy = (await means.array()) as number[][];
  means.dispose();
  const points = xy.map(([x, y], i) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000, test.labels[i]]);
  writeFileAtomic(join(out, 'test-latents.json'), JSON.stringify({ split: 'MNIST test (t10k)', first: n, columns: ['z1', 'z2', 'label'], points }) + '\n');

  const metadata = {
    model: "VAE (mlp, 2-D latent), createVae('mlp', { latentDim: 2 })",
    encoder: 'x in [0, 1], 784 pixels → [mean | log σ²] of q(z|x), 4 numbers',
    decoder: 'z → 784 Bernoulli logits of p(x|z); the page shows sigmoid(logits)',
    prior: PRIOR(latentDim),
    training: trainingSummary(info),
    weights: {
      dtype: 'float16',
      bytes: enc.bytes + dec.bytes,
      maxAbsOutputError: { decoder: await float16Error(decoder, join(out, 'decoder'), latentDim) },
    },
    testLatents: { file: 'test-latents.json', count: n },
    exportedAt: new Date().toISOString(),
    genlabVersion: version,
  };
  writeFileAtomic(join(out, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
  console.log(`${out}: encoder + decoder ${((enc.bytes + dec.bytes) / 2 ** 20).toFixed(1)} MiB, ${n} test latents`);
  encoder.dispose();
  decoder.dispose();
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { gan: { type: 'string' }, vae: { type: 'string' }, out: { type: 'string' }, scatter: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const scatter = Number(values.scatter ?? 3000);
  if (!Number.isInteger(scatter) || scatter < 1) {
    console.error(`--scatter must be a positive integer, got '${values.scatter}'\n${USAGE}`);
    return 2;
  }
  const out = values.out ?? 'static/models';
  await setupBackend(process.env.GENLAB_BACKEND ?? 'wasm');
  try {
    await exportGan(values.gan ?? 'runs/results/gan-mlp', join(out, 'gan-mlp'));
    await exportVae(values.vae ?? 'runs/results/vae-mlp-z2', join(out, 'vae-mlp-z2'), scatter);
  } catch (e) {
    console.error(`export-demo-models: ${(e as Error).message}`);
    return 1;
  }
  return 0;
}

main().then((code) => process.exit(code));
