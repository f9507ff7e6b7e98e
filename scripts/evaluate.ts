/**
 * Scores a trained model the way the papers did and writes DIR/metrics.json (or --out FILE).
 *
 *   npm run evaluate -- <run dir or model dir> [--samples N] [--test-limit N] [--iwae-k K]
 *                       [--classifier DIR] [--backend NAME] [--seed N] [--out FILE]
 *
 * DIR is a training run (its newest checkpoint) or a published model folder (static/models/<name>,
 * float16 weights): scoring the published folder gives the numbers of exactly what is shipped.
 *
 * GAN runs: Parzen-window log-likelihood (Goodfellow et al. 2014 protocol), classifier Fréchet
 * distance, Inception-style score and class histogram, each beside its real-data baseline.
 * VAE runs: test ELBO with its two terms and the importance-weighted bound L_k (Burda et al. 2015),
 * plus the classifier scores of prior samples.
 * Diffusion runs: the classifier scores of unconditional DDIM samples (--steps, default 50) and, for a
 * class-conditional model, per-class accuracy against Fréchet distance across guidance weights
 * (--guidance 0,1,2,4; --per-class N samples of each digit, default 100).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { SingleBar } from 'cli-progress';
import {
  classifierScores,
  guidanceSweep,
  disposeTrainedModel,
  fileSystemHandler,
  loadMnist,
  loadTrainedModel,
  ModelFolderError,
  parzenProtocol,
  setupBackend,
  trainedModelSamples,
  vaeLikelihood,
  version,
} from 'genlab';
// Internal to the library (not its business to export); scripts may import it by path.
import { writeFileAtomic } from '../src/genlab/src/train/write-atomic';
import { runCli, UsageError } from './cli-main';

const USAGE =
  'usage: npm run evaluate -- <run dir or model dir> [--samples N] [--test-limit N] [--iwae-k K] [--classifier DIR] [--backend NAME] [--seed N] [--out FILE]\n' +
  '       diffusion models: [--steps N] [--guidance W,W,…] [--per-class N]';

function int(name: string, v: string | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  return Number(v);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      strict: true,
      options: {
        samples: { type: 'string' },
        'test-limit': { type: 'string' },
        'iwae-k': { type: 'string' },
        classifier: { type: 'string' },
        backend: { type: 'string' },
        seed: { type: 'string' },
        steps: { type: 'string' },
        guidance: { type: 'string' },
        'per-class': { type: 'string' },
        out: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('name one run folder or model folder');
  const runDir = positionals[0];
  if (!existsSync(runDir)) throw new UsageError(`${runDir}: no such folder`);
  const samples = int('samples', v.samples, 10_000);
  const testLimit = int('test-limit', v['test-limit'], 10_000);
  const k = int('iwae-k', v['iwae-k'], 5000);
  const seed = int('seed', v.seed, 0, 0);
  const classifierDir = v.classifier ?? join('static', 'models', 'mnist-classifier');
  const backend = await setupBackend(v.backend);
  console.log(backend.line);
  const started = Date.now();
  const mnist = loadMnist();
  const model = await loadTrainedModel(runDir);
  const classifier = existsSync(join(classifierDir, 'model.json')) ? await tf.loadLayersModel(fileSystemHandler(classifierDir)) : undefined;
  if (!classifier) console.warn(`no classifier at ${classifierDir} (npm run train:classifier): skipping the classifier scores`);

  const metrics: Record<string, unknown> = {
    run: runDir,
    checkpoint: model.weights,
    model: model.family,
    architecture: model.architecture,
    seed,
    engine: { backend: backend.name, device: backend.device },
    genlabVersion: version,
    evaluatedAt: new Date().toISOString(),
  };
  const scoreSamples = async () => {
    if (!classifier) return;
    const x = await trainedModelSamples(model, samples, seed);
    metrics.classifier = { model: classifierDir, layer: 'features (128 ReLU units)', ...(await classifierScores(classifier, x, mnist)) };
    x.dispose();
  };
  if (model.family === 'diffusion') {
    const steps = int('steps', v.steps, 50);
    const scales = (v.guidance ?? '0,1,2,4').split(',').map(Number);
    if (scales.some((w) => !(w >= 0))) throw new UsageError(`--guidance takes weights ≥ 0 separated by commas, got '${v.guidance}'`);
    metrics.sampler = { name: 'DDIM (eta = 0), x̂_0 clipped to [-1, 1]', steps, schedule: model.schedule!.kind, diffusionSteps: model.schedule!.steps };
    console.log(`drawing ${samples} DDIM samples (${steps} steps)…`);
    if (classifier) {
      const x = await trainedModelSamples(model, samples, seed, { steps });
      metrics.classifier = { model: classifierDir, layer: 'features (128 ReLU units)', ...(await classifierScores(classifier, x, mnist)) };
      x.dispose();
      if (model.denoiser!.numClasses > 0) {
        console.log(`guidance sweep over w = ${scales.join(', ')}…`);
        metrics.guidance = await guidanceSweep(classifier, model.denoiser!, model.schedule!, mnist, {
          scales,
          perClass: int('per-class', v['per-class'], 100),
          seed,
          steps,
        });
      }
    }
  } else if (model.family === 'gan') {
    console.log(`drawing ${samples} generator samples…`);
    const x = await trainedModelSamples(model, samples, seed);
    console.log('Parzen window (σ on 1,000 validation images, then the test set)…');
    metrics.parzen = await parzenProtocol(x, mnist, testLimit);
    x.dispose();
    await scoreSamples();
  } else {
    console.log(`test ELBO and L_${k} on ${testLimit} test images…`);
    const bar = new SingleBar({ format: 'L_k [{bar}] {value}/{total} test images | eta {eta_formatted}', etaBuffer: 20 });
    bar.start(Math.min(testLimit, mnist.test.size), 0);
    metrics.likelihood = await vaeLikelihood(model.vae!, mnist.test, { k, testLimit, onProgress: (done) => bar.update(done) });
    bar.stop();
    await scoreSamples();
  }
  disposeTrainedModel(model);
  classifier?.dispose();
  metrics.seconds = Math.round((Date.now() - started) / 1000);
  writeFileAtomic(v.out ?? join(runDir, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  console.log(JSON.stringify(metrics, null, 2));
  return 0;
}

runCli(main, { usage: USAGE, expected: [ModelFolderError] });
