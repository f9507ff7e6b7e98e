/**
 * Scores a training run the way the papers did and writes RUN/metrics.json.
 *
 *   npm run evaluate -- <run dir> [--samples N] [--test-limit N] [--iwae-k K]
 *                       [--classifier DIR] [--backend NAME] [--seed N]
 *
 * GAN runs: Parzen-window log-likelihood (Goodfellow et al. 2014 protocol), classifier Fréchet
 * distance, Inception-style score and class histogram, each beside its real-data baseline.
 * VAE runs: test ELBO with its two terms and the importance-weighted bound L_k (Burda et al. 2015),
 * plus the classifier scores of prior samples.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { SingleBar } from 'cli-progress';
import {
  classifierScores,
  fileSystemHandler,
  generatorSamples,
  listCheckpoints,
  loadMnist,
  parzenProtocol,
  setupBackend,
  vaeLikelihood,
  vaeSamples,
  version,
  writeFileAtomic,
  type Vae,
} from 'genlab';

const USAGE = 'usage: npm run evaluate -- <run dir> [--samples N] [--test-limit N] [--iwae-k K] [--classifier DIR] [--backend NAME] [--seed N]';

class UsageError extends Error {}

function int(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
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
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('name one run folder');
  const runDir = positionals[0];
  const samples = int('samples', v.samples, 10_000);
  const testLimit = int('test-limit', v['test-limit'], 10_000);
  const k = int('iwae-k', v['iwae-k'], 5000);
  const seed = v.seed === undefined ? 0 : int('seed', v.seed, 0);
  const classifierDir = v.classifier ?? join('static', 'models', 'mnist-classifier');
  const configFile = join(runDir, 'config.json');
  if (!existsSync(configFile)) throw new Error(`${configFile}: expected a training run's config.json, found no such file`);
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { model: string; architecture: string; latentDim: number; backend?: string };
  const checkpoints = listCheckpoints(join(runDir, 'checkpoints'));
  if (!checkpoints.length) throw new Error(`${join(runDir, 'checkpoints')}: expected a complete checkpoint, found none`);
  const checkpoint = join(runDir, 'checkpoints', checkpoints[checkpoints.length - 1]);

  const backend = await setupBackend(v.backend);
  console.log(backend.line);
  const started = Date.now();
  const mnist = loadMnist();
  const load = (name: string) => tf.loadLayersModel(fileSystemHandler(join(checkpoint, name)));
  const classifier = existsSync(join(classifierDir, 'model.json')) ? await tf.loadLayersModel(fileSystemHandler(classifierDir)) : undefined;
  if (!classifier) console.warn(`no classifier at ${classifierDir} (npm run train:classifier): skipping the classifier scores`);

  const metrics: Record<string, unknown> = {
    run: runDir,
    checkpoint,
    model: config.model,
    architecture: config.architecture,
    engine: { backend: backend.name, device: backend.device },
    genlabVersion: version,
    evaluatedAt: new Date().toISOString(),
  };
  if (config.model === 'gan') {
    const generator = await load('generator');
    console.log(`drawing ${samples} generator samples…`);
    const x = await generatorSamples(generator, samples, config.latentDim, seed);
    console.log('Parzen window (σ on 1,000 validation images, then the test set)…');
    metrics.parzen = await parzenProtocol(x, mnist, testLimit);
    if (classifier) metrics.classifier = { model: classifierDir, layer: 'features (128 ReLU units)', ...(await classifierScores(classifier, x, mnist)) };
    x.dispose();
  } else if (config.model === 'vae') {
    const vae: Vae = { architecture: config.architecture as Vae['architecture'], latentDim: config.latentDim, encoder: await load('encoder'), decoder: await load('decoder') };
    console.log(`test ELBO and L_${k} on ${testLimit} test images…`);
    const bar = new SingleBar({ format: 'L_k [{bar}] {value}/{total} test images | eta {eta_formatted}', etaBuffer: 20 });
    bar.start(Math.min(testLimit, mnist.test.size), 0);
    metrics.likelihood = await vaeLikelihood(vae, mnist.test, { k, testLimit, onProgress: (done) => bar.update(done) });
    bar.stop();
    if (classifier) {
      const x = await vaeSamples(vae, samples, seed);
      metrics.classifier = { model: classifierDir, layer: 'features (128 ReLU units)', ...(await classifierScores(classifier, x, mnist)) };
      x.dispose();
    }
  } else {
    throw new Error(`${configFile}: expected model gan or vae, found '${config.model}'`);
  }
  metrics.seconds = Math.round((Date.now() - started) / 1000);
  writeFileAtomic(join(runDir, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  console.log(JSON.stringify(metrics, null, 2));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`error: ${(e as Error).message}`);
    process.exit(1);
  },
);
