/**
 * Publishes a trained model for the browser, the notebooks and `npm run sample`/`evaluate`:
 *
 *   npm run export:model -- <run dir> [--out static/models/<name>] [--scatter N]
 *
 * From the newest checkpoint of the run it writes float16 TensorFlow.js models (the generator, or
 * the VAE's encoder and decoder; never optimizer state) and a metadata.json saying how the model
 * was trained: command, commit, epochs, steps, wall time, backend and threads, the per-epoch curve,
 * and the float16 error measured here. For a 2-D VAE it also writes the encoded means of test
 * digits (the scatter behind the demo's latent plane). Score the published folder afterwards with
 * `npm run evaluate -- <out>` so the numbers are those of the shipped weights.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  encode,
  exportWebModel,
  fileSystemHandler,
  imagesToTensor,
  loadMnist,
  loadTrainedModel,
  ModelFolderError,
  sampleLatent,
  setupBackend,
  version,
  type TrainedModel,
} from 'genlab';
// Internal to the library (not its business to export); scripts may import it by path.
import { writeFileAtomic } from '../src/genlab/src/train/write-atomic';
import { runCli, UsageError } from './cli-main';
import { joinStages, stageCommand, type TrainingSummary } from './training-stages';

const USAGE = 'usage: npm run export:model -- <run dir> [--out DIR] [--scatter N]   (default --out static/models/<run name>)';

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

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

type EpochRecord = { epoch: number; seconds: number; losses: Record<string, number>; metrics: Record<string, number> };

/** How the run was trained, from its config.json and log.jsonl. */
function trainingSummary(run: string, model: TrainedModel) {
  const c = model.description;
  const epochs = readFileSync(join(run, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EpochRecord & { type: string })
    .filter((r) => r.type === 'epoch');
  const state = JSON.parse(readFileSync(join(model.weights, 'state.json'), 'utf8')) as { epoch: number };
  const kept = epochs.filter((e) => e.epoch <= state.epoch);
  const round = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
  const npmCommand = (command: unknown) => `npm run ${String(command).replace(/^train /, 'train -- ')}`;
  const launches = c.launches as { command: string }[] | undefined;
  const summary = {
    command: stageCommand(npmCommand(c.command), state.epoch),
    commit: gitCommit(),
    epochs: state.epoch,
    steps: state.epoch * Math.floor(Number(c.trainSize) / Number(c.batchSize)),
    wallSeconds: Math.round(kept.reduce((s, e) => s + e.seconds, 0)),
    seed: c.seed,
    batchSize: c.batchSize,
    trainSize: c.trainSize,
    backend: c.backend,
    device: c.device,
    startedAt: c.startedAt,
    resumedFrom: c.resumedFrom,
    ...(launches ? { launches: launches.map((l) => ({ ...l, command: npmCommand(l.command) })) } : {}),
    ...(c.initFrom ? { initFrom: c.initFrom } : {}),
    finishedAt: statSync(join(model.weights, 'state.json')).mtime.toISOString(),
    lastEpoch: kept[kept.length - 1],
    curve: kept.map((e) => ({ epoch: e.epoch, seconds: Math.round(e.seconds), ...round(e.losses), ...round(e.metrics) })),
    checkpoint: model.weights,
    ...(c.lossKind ? { loss: c.lossKind } : {}),
  };
  // A run started --init-from a published model continues that model's training (train-init.ts).
  const previous = c.continues as TrainingSummary | undefined;
  return previous ? joinStages(previous, summary as unknown as TrainingSummary) : summary;
}

const prior = (latentDim: number) => ({
  distribution: 'N(0, I)',
  latentDim,
  sampler: "genlab's sampleLatent(n, latentDim, seed): tf.randomNormal with a seed, the same call in training and in the page",
});

async function exportGan(model: TrainedModel, out: string) {
  const dir = join(out, 'generator');
  const { bytes } = await exportWebModel(model.generator!, dir, { weights: 'float16' });
  const flat = model.generator!.outputs[0].shape.length === 2;
  // The discriminator is not needed to sample, but without it training cannot continue elsewhere
  // (npm run train -- … --init-from this folder): a run folder does not outlive its machine.
  const batchNorm = model.description.discriminatorBatchNorm === true;
  const checkpointD = join(model.weights, 'discriminator');
  let discriminator: { folder: string; bytes: number; use: string } | undefined;
  if (model.kind === 'run' && existsSync(join(checkpointD, 'model.json'))) {
    const d = await tf.loadLayersModel(fileSystemHandler(checkpointD));
    const { bytes: dBytes } = await exportWebModel(d, join(out, 'discriminator'), { weights: 'float16' });
    d.dispose();
    const flags = `--model ${model.architecture}${batchNorm ? ' --discriminator-batch-norm' : ''}`;
    discriminator = { folder: 'discriminator', bytes: dBytes, use: `continuing training: npm run train -- gan ${flags} --init-from <this folder>` };
  }
  return {
    model: `GAN generator (${model.architecture}), createGan('${model.architecture}'${batchNorm ? ', { discriminatorBatchNorm: true }' : ''})`,
    output: `${flat ? 'flat 784 pixels' : '28×28×1 image'} in [-1, 1] (tanh); shown as (x + 1) / 2`,
    weights: { dtype: 'float16', bytes, maxAbsOutputError: await float16Error(model.generator!, dir, model.latentDim) },
    ...(model.description.emaDecay
      ? {
          generatorWeights: `the exponential moving average of the trained generator's weights (decay ${Number(model.description.emaDecay)}), as sampled during training`,
        }
      : {}),
    ...(discriminator ? { discriminator } : {}),
  };
}

async function exportVae(model: TrainedModel, out: string, scatter: number) {
  const { encoder, decoder } = model.vae!;
  const enc = await exportWebModel(encoder, join(out, 'encoder'), { weights: 'float16' });
  const dec = await exportWebModel(decoder, join(out, 'decoder'), { weights: 'float16' });
  let testLatents: { file: string; count: number } | undefined;
  if (model.latentDim === 2) {
    // Encoded means of the first test digits, coloured by label on the demo page.
    const { test } = loadMnist();
    const n = Math.min(scatter, test.size);
    const layout = encoder.inputs[0].shape.length === 2 ? 'flat' : 'image';
    const means = tf.tidy(() => encode(model.vae!, imagesToTensor(test, n, 'unit', layout)).mean);
    const xy = await means.array();
    means.dispose();
    const points = xy.map(([x, y], i) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000, test.labels[i]]);
    writeFileAtomic(join(out, 'test-latents.json'), JSON.stringify({ split: 'MNIST test (t10k)', first: n, columns: ['z1', 'z2', 'label'], points }) + '\n');
    testLatents = { file: 'test-latents.json', count: n };
  }
  return {
    model: `VAE (${model.architecture}, ${model.latentDim}-D latent), createVae('${model.architecture}')`,
    encoder: `x in [0, 1], 784 pixels → [mean | log σ²] of q(z|x), ${2 * model.latentDim} numbers`,
    decoder: 'z → 784 Bernoulli logits of p(x|z); shown as sigmoid(logits)',
    weights: {
      dtype: 'float16',
      bytes: enc.bytes + dec.bytes,
      maxAbsOutputError: { decoder: await float16Error(decoder, join(out, 'decoder'), model.latentDim) },
    },
    ...(testLatents ? { testLatents } : {}),
  };
}

async function exportDiffusion(model: TrainedModel, out: string) {
  const { denoiser, schedule } = model;
  const dir = join(out, 'denoiser');
  const { bytes } = await exportWebModel(denoiser!.model, dir, { weights: 'float16' });
  const reloaded = await tf.loadLayersModel(fileSystemHandler(dir));
  const inputs = () => [
    tf.randomNormal([16, ...denoiser!.model.inputs[0].shape.slice(1)] as number[], 0, 1, 'float32', 1),
    ...denoiser!.model.inputs.slice(1).map((i) => tf.randomUniform([16, i.shape[1]!], 0, 1, 'float32', 2)),
  ];
  const err = tf.tidy(() => {
    const x = inputs();
    return tf.max(tf.abs(tf.sub(denoiser!.model.predict(x) as tf.Tensor, reloaded.predict(x) as tf.Tensor)));
  });
  const maxAbsOutputError = (await err.data())[0];
  tf.dispose([err]);
  reloaded.dispose();
  return {
    model: `diffusion ε_θ (${model.architecture}${denoiser!.numClasses ? `, class-conditional, ${denoiser!.numClasses} classes + ∅` : ''}), createUnet(); the weight average when the run kept one`,
    inputs: `[x_t (28×28×1, data in [-1, 1]), timeEmbedding(t, ${denoiser!.timeDim})${denoiser!.numClasses ? ', class one-hot (last slot = no class)' : ''}]`,
    schedule: schedule!.kind,
    diffusionSteps: schedule!.steps,
    weights: { dtype: 'float16', bytes, maxAbsOutputError },
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { out: { type: 'string' }, scatter: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one training run folder');
  const run = positionals[0];
  if (!existsSync(join(run, 'config.json'))) throw new UsageError(`${run}: expected a training run folder (config.json)`);
  const scatter = Number(values.scatter ?? 3000);
  if (!Number.isInteger(scatter) || scatter < 1) throw new UsageError(`--scatter must be a positive integer, got '${values.scatter}'`);
  const out = values.out ?? join('static', 'models', basename(run));

  await setupBackend(process.env.GENLAB_BACKEND ?? 'wasm');
  const model = await loadTrainedModel(run);
  const files =
    model.family === 'gan'
      ? await exportGan(model, out)
      : model.family === 'diffusion'
        ? await exportDiffusion(model, out)
        : await exportVae(model, out, scatter);
  const metadata = {
    family: model.family,
    architecture: model.architecture,
    latentDim: model.latentDim,
    ...files,
    prior: model.family === 'diffusion' ? { distribution: 'x_T ~ N(0, I)', shape: [28, 28, 1] } : prior(model.latentDim),
    training: trainingSummary(run, model),
    exportedAt: new Date().toISOString(),
    genlabVersion: version,
  };
  writeFileAtomic(join(out, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
  console.log(`${out}: ${model.family} (${model.architecture}), epoch ${metadata.training.epochs}, ${(files.weights.bytes / 2 ** 20).toFixed(2)} MiB float16`);
  return 0;
}

runCli(main, { usage: USAGE, expected: [ModelFolderError] });
