// classifierScores with the published classifier on real MNIST: the real-data statistics are computed
// once per classifier and data set, and the numbers are the same as computing everything afresh.
import assert from 'node:assert/strict';
import { before, mock, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  classifierOutputs,
  classifierScores,
  featureStatistics,
  frechetDistance,
  imagesToTensor,
  inceptionScore,
  loadMnist,
  setupBackend,
  sliceSplit,
  type Mnist,
} from '../../src/genlab/src/index';
import { loadPublishedClassifier } from './published-classifier';

let mnist: Mnist;
let classifier: tf.LayersModel;

before(async () => {
  await setupBackend('wasm');
  mnist = loadMnist();
  classifier = await loadPublishedClassifier();
});

/** Fréchet statistics and probabilities of [n, 784] images computed directly, without classifierScores. */
async function direct(images: tf.Tensor2D) {
  const { features, probabilities } = classifierOutputs(classifier, images);
  const stats = featureStatistics(await features.data(), features.shape[0], features.shape[1]);
  features.dispose();
  return { stats, probabilities };
}

test('the real-data statistics are computed once per classifier and data set, and the numbers do not change', async () => {
  // 300 training images stand in for generated samples: one classifier batch (500 images a batch).
  const samples = imagesToTensor(mnist.train, 300, 'unit') as tf.Tensor2D;
  // Counts the classifier's forward passes (the class probabilities: one per batch of images).
  const apply = mock.method(classifier, 'apply');
  try {
    const first = await classifierScores(classifier, samples, mnist);
    assert.equal(apply.mock.callCount(), 10_000 / 500 + 1 + 1, 'first call: the test set, 300 validation images, the samples');

    apply.mock.resetCalls();
    const tensors = tf.memory().numTensors;
    const second = await classifierScores(classifier, samples, mnist);
    assert.equal(apply.mock.callCount(), 1, 'second call: the samples alone');
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
    assert.deepEqual(second, first);

    // Another test set is other data: its statistics are computed, the validation ones reused.
    apply.mock.resetCalls();
    const smallTest = { ...mnist, test: sliceSplit(mnist.test, 0, 2000) };
    const other = await classifierScores(classifier, samples, smallTest);
    assert.equal(apply.mock.callCount(), 2000 / 500 + 1);
    assert.notEqual(other.generated.frechet, first.generated.frechet);

    // The same numbers, to the last bit, as the statistics computed directly.
    const test = imagesToTensor(mnist.test, mnist.test.size, 'unit') as tf.Tensor2D;
    const validation = imagesToTensor(mnist.validation, 300, 'unit') as tf.Tensor2D;
    const [t, v, g] = [await direct(test), await direct(validation), await direct(samples)];
    assert.equal(first.generated.frechet, frechetDistance(g.stats, t.stats));
    assert.equal(first.realBaseline.frechet, frechetDistance(v.stats, t.stats));
    assert.equal(first.generated.inceptionScore, await inceptionScore(g.probabilities));
    assert.equal(first.realBaseline.inceptionScore, await inceptionScore(t.probabilities));
    tf.dispose([test, validation, t.probabilities, v.probabilities, g.probabilities]);
  } finally {
    apply.mock.restore();
    samples.dispose();
  }
});
