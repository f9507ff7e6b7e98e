// Nearest neighbours, precision and recall of distributions, the memorization check and the exact
// likelihood of a 2-D-latent VAE: on small hand-made cases, then on real MNIST with the published
// classifier and VAE (static/models), fixed seeds, no stubs.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  binarize,
  classifierOutputs,
  EVAL_BINARIZATION_SEED,
  imagesToTensor,
  importanceWeightedBound,
  kthNeighbourRadii,
  latentGridLogLikelihood,
  loadMnist,
  loadTrainedModel,
  meanAndStandardError,
  memorizationCheck,
  nearestNeighbours,
  precisionRecall,
  setupBackend,
  squaredDistances,
  type Mnist,
} from '../../src/genlab/src/index';
import { loadPublishedClassifier } from './published-classifier';
import { range } from '../../src/genlab/src/data/mnist';

const ROOT = join(__dirname, '..', '..');
let mnist: Mnist;
let classifier: tf.LayersModel;

before(async () => {
  await setupBackend('wasm');
  mnist = loadMnist();
  classifier = await loadPublishedClassifier();
});

/** The first `n` training indices whose label is `digit`. */
function indicesOf(digit: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < n; i++) if (mnist.train.labels[i] === digit) out.push(i);
  return out;
}

const features = (images: tf.Tensor2D) => {
  const { features: f, probabilities } = classifierOutputs(classifier, images);
  probabilities.dispose();
  return f;
};

describe('nearest neighbours', () => {
  test('squaredDistances matches the distances computed by hand', async () => {
    const a = tf.tensor2d([
      [0, 0],
      [1, 2],
      [3, -1],
    ]);
    const b = tf.tensor2d([
      [1, 1],
      [-2, 0],
    ]);
    const got = Array.from(await squaredDistances(a, b).data());
    assert.deepEqual(
      got.map((v) => Math.round(v * 1e5) / 1e5),
      [2, 4, 1, 13, 8, 26],
    );
    tf.dispose([a, b]);
  });

  test('nearestNeighbours finds the k nearest, and excludeSelf skips the point itself', async () => {
    const pts = tf.tensor2d([[0], [1], [3], [7], [7.5]]);
    const nn = await nearestNeighbours(pts, pts, { k: 2, excludeSelf: true, batchSize: 2 });
    assert.deepEqual(Array.from(nn.indices), [1, 2, 0, 2, 1, 0, 4, 2, 3, 2]);
    assert.deepEqual(Array.from(nn.distances), [1, 3, 1, 2, 2, 3, 0.5, 4, 0.5, 4.5]);
    assert.deepEqual(Array.from(await kthNeighbourRadii(pts, 1)), [1, 1, 2, 0.5, 0.5]);
    await assert.rejects(nearestNeighbours(pts, pts, { k: 5, excludeSelf: true }), /k = 5 with 5 reference rows/);
    pts.dispose();
  });
});

describe('precision and recall of distributions (Kynkäänniemi et al. 2019), classifier features', () => {
  test('real test images against real training images: both high; a generator collapsed onto one digit: high precision, low recall', async () => {
    const train = imagesToTensor(mnist.train, range(1000), 'unit') as tf.Tensor2D;
    const test = imagesToTensor(mnist.test, range(1000), 'unit') as tf.Tensor2D;
    const ones = imagesToTensor(mnist.train, indicesOf(1, 1000), 'unit') as tf.Tensor2D;
    const [fTrain, fTest, fOnes] = [features(train), features(test), features(ones)];
    const real = await precisionRecall(fTest, fTrain);
    const collapsed = await precisionRecall(fTest, fOnes);
    // Measured: 0.865 / 0.885 and 0.877 / 0.116.
    assert.ok(real.precision > 0.8 && real.recall > 0.8, JSON.stringify(real));
    assert.ok(collapsed.precision > 0.8, JSON.stringify(collapsed));
    assert.ok(collapsed.recall < 0.2, JSON.stringify(collapsed));
    tf.dispose([train, test, ones, fTrain, fTest, fOnes]);
  });
});

describe('memorization check by nearest training image (pixels)', () => {
  test('a generator that copies training images is flagged; unseen real images are not', async () => {
    // 5,000 training images searched; the copier returns 500 of them with faint noise.
    const train = imagesToTensor(mnist.train, range(5000), 'unit') as tf.Tensor2D;
    const heldOut = imagesToTensor(mnist.test, range(1000), 'unit') as tf.Tensor2D;
    const unseen = imagesToTensor(mnist.validation, range(500), 'unit') as tf.Tensor2D;
    const copies = tf.tidy(() =>
      tf.clipByValue(
        tf.add(
          imagesToTensor(
            mnist.train,
            Int32Array.from({ length: 500 }, (_, i) => i * 9),
            'unit',
          ),
          tf.randomNormal([500, 784], 0, 0.02, 'float32', 7),
        ),
        0,
        1,
      ),
    ) as tf.Tensor2D;
    const copier = await memorizationCheck(copies, train, heldOut);
    const real = await memorizationCheck(unseen, train, copier.heldOutDistances);
    assert.equal(copier.threshold, real.threshold);
    assert.ok(copier.flagged > 0.95, `copier flagged ${copier.flagged}`);
    assert.deepEqual(Array.from(copier.indices.slice(0, 5)), [0, 9, 18, 27, 36]);
    assert.ok(real.flagged < 0.05, `unseen real images flagged ${real.flagged}`);
    assert.ok(
      Math.abs(real.medianGenerated - real.medianHeldOut) / real.medianHeldOut < 0.1,
      JSON.stringify({ ...real, distances: undefined, indices: undefined, heldOutDistances: undefined }),
    );
    await assert.rejects(memorizationCheck(copies, train, heldOut, { quantile: 1 }), /quantile/);
    tf.dispose([train, heldOut, unseen, copies]);
  });
});

describe('exact likelihood of the published 2-D VAE (static/models/vae-mlp-z2) by quadrature', () => {
  test('converges as the grid is refined, and bounds every importance-weighted L_k from above', async () => {
    const model = await loadTrainedModel(join(ROOT, 'static', 'models', 'vae-mlp-z2'));
    const x = tf.tidy(() => binarize(imagesToTensor(mnist.test, range(20), 'unit'), EVAL_BINARIZATION_SEED)) as tf.Tensor2D;
    const coarse = meanAndStandardError((await latentGridLogLikelihood(model.vae!, x, { step: 0.1 })).logLikelihood).mean;
    const fine = meanAndStandardError((await latentGridLogLikelihood(model.vae!, x, { step: 0.05 })).logLikelihood).mean;
    assert.ok(Math.abs(coarse - fine) < 0.05, `step 0.1: ${coarse}, step 0.05: ${fine}`);
    const l1 = meanAndStandardError(await importanceWeightedBound(model.vae!, x, 1, { seed: 3 })).mean;
    const l100 = meanAndStandardError(await importanceWeightedBound(model.vae!, x, 100, { seed: 3 })).mean;
    assert.ok(l1 < l100 && l100 < fine, `L_1 ${l1}, L_100 ${l100}, exact ${fine}`);
    await assert.rejects(latentGridLogLikelihood({ ...model.vae!, latentDim: 20 }, x), /2-D latent/);
    x.dispose();
  });
});
