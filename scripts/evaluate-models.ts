/**
 * The numbers of the site's "Evaluating generative models" page: every shipped model, and a few
 * reference "generators" built from real images, scored by every measure the page explains.
 *
 *   npm run evaluate:models -- [--models DIR] [--samples N] [--memorization N] [--likelihood-images N]
 *                              [--parzen-centres N] [--steps N] [--backend NAME] [--seed N] [--out FILE]
 *                              [--figures DIR]
 *
 * Models: each folder of DIR (default static/models) that holds a generator or a VAE (the
 * classifier is skipped), so a model published later is scored without changing this script.
 * Written: --out (default results/evaluation.json), which the page reads, and one PNG per model
 * with its samples closest to the training set beside their nearest training images (--figures,
 * default static/img/evaluation). Subsets keep it to minutes on two CPU cores: N samples for the
 * classifier scores and precision/recall (default 1,000), the first --memorization of them searched
 * against all 50,000 training images (default 500), and so on. Diffusion models sample with DDIM in
 * --steps network passes (default 20, as the results page's `npm run evaluate`): each sample costs
 * that many passes of the U-Net, which makes them the slowest models here by far.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  binarize,
  classHistogram,
  classifierOutputs,
  disposeTrainedModel,
  EVAL_BINARIZATION_SEED,
  featureStatistics,
  fileSystemHandler,
  frechetDistance,
  imageGridPng,
  imagesToTensor,
  importanceWeightedBound,
  inceptionScore,
  latentGridLogLikelihood,
  loadMnist,
  loadTrainedModel,
  meanAndStandardError,
  memorizationCheck,
  ModelFolderError,
  nearestNeighbours,
  parzenEvaluate,
  precisionRecall,
  setupBackend,
  trainedModelSamples,
  version,
  type Mnist,
} from 'genlab';
import { writeFileAtomic } from '../src/genlab/src/train/write-atomic';
import { runCli, UsageError } from './cli-main';

const USAGE =
  'usage: npm run evaluate:models -- [--models DIR] [--samples N] [--memorization N] [--likelihood-images N] [--parzen-centres N] [--steps N] [--backend NAME] [--seed N] [--out FILE] [--figures DIR]';

function int(name: string, v: string | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  return Number(v);
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** The first `n` indices of `split` whose label is `digit`. */
function indicesOf(split: Mnist['validation'], digit: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < split.size && out.length < n; i++) if (split.labels[i] === digit) out.push(i);
  return out;
}

/** Images in [0, 1] moved one pixel to the right (a blank column enters on the left). */
function shiftRight(images: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const n = images.shape[0];
    const im = tf.reshape(images, [n, 28, 28, 1]);
    return tf.reshape(
      tf.pad(tf.slice(im, [0, 0, 0, 0], [n, 28, 27, 1]), [
        [0, 0],
        [0, 0],
        [1, 0],
        [0, 0],
      ]),
      [n, 784],
    ) as tf.Tensor2D;
  });
}

interface Reference {
  fTest: tf.Tensor2D;
  testStats: ReturnType<typeof featureStatistics>;
  trainPixels: tf.Tensor2D;
  heldOutPixels: Float32Array;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: false,
      strict: true,
      options: {
        models: { type: 'string' },
        samples: { type: 'string' },
        memorization: { type: 'string' },
        'likelihood-images': { type: 'string' },
        'parzen-centres': { type: 'string' },
        steps: { type: 'string' },
        backend: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        figures: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const modelsDir = v.models ?? join('static', 'models');
  if (!existsSync(modelsDir)) throw new UsageError(`${modelsDir}: no such folder`);
  const n = int('samples', v.samples, 1000, 10);
  const nMem = Math.min(n, int('memorization', v.memorization, 500));
  const nLik = int('likelihood-images', v['likelihood-images'], 100);
  const nParzen = int('parzen-centres', v['parzen-centres'], 5000);
  const steps = int('steps', v.steps, 20);
  const seed = int('seed', v.seed, 0, 0);
  const out = v.out ?? join('results', 'evaluation.json');
  const figures = v.figures ?? join('static', 'img', 'evaluation');
  const classifierDir = join(modelsDir, 'mnist-classifier');
  if (!existsSync(join(classifierDir, 'model.json'))) throw new UsageError(`${classifierDir}: no classifier (npm run train:classifier)`);

  const backend = await setupBackend(v.backend);
  console.log(backend.line);
  const started = Date.now();
  const mnist = loadMnist();
  if (n > mnist.test.size || n > mnist.validation.size) throw new UsageError(`--samples ${n} is more than the ${mnist.test.size} test images`);
  const classifier = await tf.loadLayersModel(fileSystemHandler(classifierDir));
  const log = (s: string) => console.log(`[${Math.round((Date.now() - started) / 1000)} s] ${s}`);

  // Reference sets: the test set stands for the data distribution (as in the results page's
  // Fréchet distance); the whole training set is searched for copies, against the first nMem
  // test images as the held-out yardstick.
  log(`reference features: ${n} test images`);
  const test = imagesToTensor(mnist.test, n, 'unit') as tf.Tensor2D;
  const testOut = classifierOutputs(classifier, test);
  testOut.probabilities.dispose();
  const trainPixels = imagesToTensor(mnist.train, mnist.train.size, 'unit') as tf.Tensor2D;
  const heldOut = tf.slice(test, 0, nMem) as tf.Tensor2D;
  log('held-out yardstick: nearest training image of each held-out test image');
  const ref: Reference = {
    fTest: testOut.features,
    testStats: featureStatistics(await testOut.features.data(), n, testOut.features.shape[1]),
    trainPixels,
    heldOutPixels: (await nearestNeighbours(heldOut, trainPixels, { batchSize: 128 })).distances,
  };
  heldOut.dispose();

  /** Every sample-based score of one set of [n, 784] images in [0, 1]. */
  async function score(images: tf.Tensor2D, memorization: boolean) {
    const { features, probabilities } = classifierOutputs(classifier, images);
    const stats = featureStatistics(await features.data(), images.shape[0], features.shape[1]);
    const pr = await precisionRecall(ref.fTest, features);
    const result: Record<string, unknown> = {
      count: images.shape[0],
      frechet: round(frechetDistance(stats, ref.testStats)),
      inceptionScore: round(await inceptionScore(probabilities)),
      classHistogram: await classHistogram(probabilities),
      precision: pr.precision,
      recall: pr.recall,
    };
    if (memorization) {
      const m = Math.min(nMem, images.shape[0]);
      const pix = tf.slice(images, 0, m) as tf.Tensor2D;
      const mp = await memorizationCheck(pix, ref.trainPixels, ref.heldOutPixels);
      result.memorization = {
        searched: mnist.train.size,
        checked: m,
        quantile: mp.quantile,
        threshold: round(mp.threshold),
        flagged: mp.flagged,
        medianGenerated: round(mp.medianGenerated),
        medianHeldOut: round(mp.medianHeldOut),
      };
      result.nearest = mp;
      pix.dispose();
    }
    tf.dispose([features, probabilities]);
    return result;
  }

  // Reference "generators" made of real images, each built to fail one way.
  const baselines: Record<string, unknown> = {};
  const references: [string, string, () => tf.Tensor2D, boolean][] = [
    ['heldOut', `${n} validation images: real, never trained on`, () => imagesToTensor(mnist.validation, n, 'unit') as tf.Tensor2D, true],
    [
      'memorizer',
      `${n} training images returned as they are`,
      () =>
        imagesToTensor(
          mnist.train,
          Int32Array.from({ length: n }, (_, i) => (i * 17) % mnist.train.size),
          'unit',
        ) as tf.Tensor2D,
      true,
    ],
    [
      'shiftedCopies',
      'the same training images moved one pixel to the right',
      () =>
        shiftRight(
          imagesToTensor(
            mnist.train,
            Int32Array.from({ length: n }, (_, i) => (i * 17) % mnist.train.size),
            'unit',
          ) as tf.Tensor2D,
        ),
      true,
    ],
    [
      'collapsed',
      `${n} validation images of the digit 1 only`,
      () => imagesToTensor(mnist.validation, indicesOf(mnist.validation, 1, n), 'unit') as tf.Tensor2D,
      false,
    ],
    [
      'tenImages',
      'ten validation images, one per digit, each repeated',
      () =>
        imagesToTensor(
          mnist.validation,
          Array.from({ length: n }, (_, i) => indicesOf(mnist.validation, i % 10, 1)[0]),
          'unit',
        ) as tf.Tensor2D,
      false,
    ],
  ];
  for (const [name, description, make, memorization] of references) {
    log(`reference generator ${name}: ${description}`);
    const images = make();
    const s = await score(images, memorization);
    delete s.nearest;
    baselines[name] = { description, ...s };
    images.dispose();
  }

  // The shipped models.
  const models: Record<string, unknown> = {};
  const likelihood: Record<string, unknown> = {};
  const parzenRows: Record<string, unknown>[] = [];
  const parzenCentres: [string, tf.Tensor2D][] = [];
  mkdirSync(figures, { recursive: true });
  const names = readdirSync(modelsDir)
    .filter((d) => d !== 'mnist-classifier' && existsSync(join(modelsDir, d, 'metadata.json')))
    .sort();
  for (const name of names) {
    let model;
    try {
      model = await loadTrainedModel(join(modelsDir, name));
    } catch (e) {
      if (e instanceof ModelFolderError) {
        log(`skipping ${name}: ${e.message}`);
        continue;
      }
      throw e;
    }
    const sampler = model.denoiser ? `, DDIM ${steps} steps` : '';
    log(`${name}: ${n} samples (seed ${seed}${sampler}), classifier scores, precision and recall, memorization`);
    const images = await trainedModelSamples(model, n, seed, { steps });
    const s = await score(images, true);
    const nearest = s.nearest as Awaited<ReturnType<typeof memorizationCheck>>;
    delete s.nearest;
    // The eight samples closest to the training set, each above its nearest training image.
    const order = Array.from(nearest.distances.keys())
      .sort((a, b) => nearest.distances[a] - nearest.distances[b])
      .slice(0, 8);
    const pairs = tf.tidy(() =>
      tf.concat(
        [
          tf.gather(images, order),
          tf.gather(
            ref.trainPixels,
            order.map((i) => nearest.indices[i]),
          ),
        ],
        0,
      ),
    );
    const figure = join(figures, `${name}-nearest.png`);
    writeFileAtomic(figure, await imageGridPng(pairs, { columns: 8, range: [0, 1], padding: 2, scale: 2 }));
    pairs.dispose();
    models[name] = {
      family: model.family,
      architecture: model.architecture,
      latentDim: model.latentDim,
      ...s,
      nearestFigure: `/img/evaluation/${name}-nearest.png`,
      nearestDistances: order.map((i) => round(nearest.distances[i], 3)),
    };
    images.dispose();

    if (model.vae && model.latentDim === 2) {
      log(`${name}: exact log p(x) on a latent grid and the bounds L_k, ${nLik} binarized test images`);
      const x = tf.tidy(() => binarize(imagesToTensor(mnist.test, nLik, 'unit'), EVAL_BINARIZATION_SEED)) as tf.Tensor2D;
      const exact = [];
      for (const step of [0.2, 0.1, 0.05]) {
        const g = await latentGridLogLikelihood(model.vae, x, { step });
        exact.push({ step, points: g.points, ...meanAndStandardError(g.logLikelihood) });
      }
      const bounds = [];
      for (const k of [1, 10, 100, 1000]) {
        const b = await importanceWeightedBound(model.vae, x, k, { seed: EVAL_BINARIZATION_SEED + 1, chunk: Math.min(k, 50) });
        bounds.push({ k, ...meanAndStandardError(b) });
      }
      likelihood[name] = { images: nLik, binarization: `dynamic, one fixed draw per test image (seed ${EVAL_BINARIZATION_SEED})`, extent: 6, exact, bounds };
      x.dispose();
    }
    log(`${name}: ${nParzen} samples for the Parzen window${sampler}`);
    parzenCentres.push([name, await trainedModelSamples(model, nParzen, seed + 1, { steps })]);
    disposeTrainedModel(model);
  }

  // Parzen windows (Goodfellow et al. 2014's protocol on a subset) for each model and for a
  // "model" that stores training images: the comparison Theis et al. 2016 warn about.
  parzenCentres.push(['memorizer', imagesToTensor(mnist.train, nParzen, 'unit') as tf.Tensor2D]);
  const validation = imagesToTensor(mnist.validation, 500, 'unit') as tf.Tensor2D;
  for (const [name, centres] of parzenCentres) {
    log(`Parzen window: ${nParzen} centres from ${name}, σ on 500 validation images, ${n} test images`);
    const r = await parzenEvaluate(centres, validation, test);
    parzenRows.push({ centres: name, sigma: round(r.sigma), mean: round(r.mean, 2), standardError: round(r.standardError, 2) });
    centres.dispose();
  }
  validation.dispose();

  const result = {
    command: `npm run evaluate:models${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    genlabVersion: version,
    engine: { backend: backend.name, device: backend.device },
    evaluatedAt: new Date().toISOString(),
    seconds: 0,
    settings: {
      samples: n,
      seed,
      realSet: `the first ${n} test images`,
      features: 'mnist-classifier, 128 penultimate ReLU units',
      precisionRecallK: 3,
      memorization: { checked: nMem, searched: mnist.train.size, heldOut: `the first ${nMem} test images`, quantile: 0.01 },
      parzen: { centres: nParzen, validation: 500, testImages: n },
      diffusionSampler: { name: 'DDIM (eta = 0), unconditional (∅ label for a conditional model)', steps },
    },
    baselines,
    models,
    likelihood,
    parzen: parzenRows,
  };
  tf.dispose([test, ref.fTest, ref.trainPixels]);
  classifier.dispose();
  result.seconds = Math.round((Date.now() - started) / 1000);
  writeFileAtomic(out, JSON.stringify(result, null, 2) + '\n');
  log(`wrote ${out}`);
  return 0;
}

runCli(main, { usage: USAGE });
