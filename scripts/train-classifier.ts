/**
 * Trains the LeNet-style MNIST classifier that the metrics use (Fréchet distance features,
 * Inception-style score, class histograms) and exports it for Node and the browser.
 *
 *   npm run train:classifier -- [--epochs N] [--seed N] [--backend NAME] [--out DIR]
 *
 * Writes DIR/model.json + DIR/weights.bin (tf.loadLayersModel format) and DIR/metadata.json
 * (test accuracy, how and when it was trained). Default DIR: static/models/mnist-classifier.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { classifierAccuracy, createClassifier, fileSystemHandler, loadMnist, setupBackend, trainClassifier, version } from 'genlab';
import { progressCallbacks } from './progress';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        epochs: { type: 'string', default: '6' },
        seed: { type: 'string', default: '0' },
        backend: { type: 'string' },
        out: { type: 'string', default: 'static/models/mnist-classifier' },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`error: ${(e as Error).message}\nusage: npm run train:classifier -- [--epochs N (default 6)] [--seed N] [--backend NAME] [--out DIR]`);
    return 2;
  }
  const epochs = Number(values.epochs);
  const seed = Number(values.seed);
  if (!Number.isInteger(epochs) || epochs < 1 || !Number.isInteger(seed) || seed < 0) {
    console.error('error: --epochs must be a positive integer and --seed a non-negative integer');
    return 2;
  }
  const backend = await setupBackend(values.backend);
  console.log(backend.line);
  const mnist = loadMnist();
  const model = createClassifier(seed);
  const started = Date.now();
  await trainClassifier(model, mnist.train, {
    epochs,
    batchSize: 100,
    seed,
    learningRate: 1e-3,
    learningRateDecay: 0.6,
    validation: mnist.validation,
    runDir: join('runs', `classifier-seed${seed}`),
    ...progressCallbacks(epochs),
  });
  const testAccuracy = await classifierAccuracy(model, mnist.test);
  console.log(`test accuracy ${(100 * testAccuracy).toFixed(2)}%`);
  await model.save(fileSystemHandler(values.out));
  const metadata = {
    model: 'LeNet-style MNIST classifier (createClassifier)',
    testAccuracy,
    epochs,
    seed,
    batchSize: 100,
    optimizer: 'Adam 1e-3, learning rate × 0.6 per epoch',
    trainedOn: 'MNIST train[0:50000]',
    backend: backend.name,
    device: backend.device,
    seconds: Math.round((Date.now() - started) / 1000),
    trainedAt: new Date().toISOString(),
    command: `npm run train:classifier -- --epochs ${epochs} --seed ${seed}`,
    genlabVersion: version,
  };
  writeFileSync(join(values.out, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
  console.log(`saved to ${values.out}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
