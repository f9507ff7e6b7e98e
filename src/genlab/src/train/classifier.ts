import * as tf from '@tensorflow/tfjs';
import { assertKernels, CONV_TRAINING_KERNELS } from '../backend';
import { imagesToTensor, NUM_CLASSES, range, type MnistSplit } from '../data/mnist';
import { trainableVariables } from '../models/init';
import { runTraining, type TrainingOptions, type TrainingResult } from './run';

/** Fraction of the first `limit` examples of a split that the classifier labels correctly. */
export async function classifierAccuracy(model: tf.LayersModel, data: MnistSplit, limit = data.size, batchSize = 500): Promise<number> {
  const n = Math.min(limit, data.size);
  let correct = tf.scalar(0);
  for (let start = 0; start < n; start += batchSize) {
    const indices = range(Math.min(batchSize, n - start)).map((i) => i + start);
    const next = tf.tidy(() => {
      const logits = model.apply(imagesToTensor(data, indices, 'unit', 'image')) as tf.Tensor;
      const labels = tf.tensor1d(
        Array.from(indices, (i) => data.labels[i]),
        'int32',
      );
      return tf.add(correct, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
    });
    correct.dispose();
    correct = next as tf.Scalar;
  }
  const [c] = await correct.data();
  correct.dispose();
  return c / n;
}

/**
 * Trains the MNIST classifier with softmax cross-entropy and Adam, reporting validation accuracy
 * after each epoch. Used by the metrics (features, class probabilities), not part of the lesson.
 */
export async function trainClassifier(
  model: tf.LayersModel,
  data: MnistSplit,
  options: TrainingOptions & { validation?: MnistSplit; learningRate?: number; learningRateDecay?: number },
): Promise<TrainingResult> {
  assertKernels(CONV_TRAINING_KERNELS, 'train the classifier');
  const base = options.learningRate ?? 1e-3;
  const decay = options.learningRateDecay ?? 1;
  const optimizer = tf.train.adam(base);
  try {
    return await runTraining(
      {
        models: { classifier: model },
        optimizers: { classifier: optimizer },
        trainSize: data.size,
        step: (indices, _rng, epoch) =>
          tf.tidy(() => {
            // A per-epoch step decay, set from the epoch so a resumed run uses the same rate.
            // (`learningRate` is protected in the typings but read on every step by Adam.)
            (optimizer as unknown as { learningRate: number }).learningRate = base * decay ** (epoch - 1);
            const x = imagesToTensor(data, indices, 'unit', 'image');
            const y = tf.oneHot(
              tf.tensor1d(
                Array.from(indices, (i) => data.labels[i]),
                'int32',
              ),
              NUM_CLASSES,
            );
            const loss = optimizer.minimize(
              () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
              true,
              trainableVariables(model),
            )!;
            return { loss };
          }),
        endEpoch: async () => {
          const metrics: Record<string, number> = {};
          if (options.validation) metrics.validationAccuracy = await classifierAccuracy(model, options.validation);
          return { metrics };
        },
      },
      { ...options, config: { model: 'classifier', ...options.config } },
    );
  } finally {
    optimizer.dispose();
  }
}
