// A few alternating GAN updates (Goodfellow et al. 2014, Algorithm 1 with k = 1) on real MNIST.
// Run: npx tsx recipes/gan-training-step.ts
import { createGan, createGanOptimizers, disposeGan, epochBatches, ganTrainStep, imagesToTensor, loadMnist, Rng, setupBackend } from 'genlab';

export async function main(steps = 5): Promise<{ discriminatorLoss: number; generatorLoss: number }[]> {
  await setupBackend();
  const mnist = loadMnist();
  const gan = createGan('mlp', { seed: 0 }); // 'dcgan' for the convolutional pair
  const optimizers = createGanOptimizers(); // Adam(2e-4, β1 = 0.5), as in Radford et al. 2015
  const rng = new Rng(0); // every random draw comes from this stream: same seed, same numbers
  const batches = epochBatches(mnist.train.size, 64, rng);
  const history: { discriminatorLoss: number; generatorLoss: number }[] = [];
  for (let step = 0; step < steps; step++) {
    // Data in [-1, 1] to match the generator's tanh output.
    const real = imagesToTensor(mnist.train, batches[step], 'tanh');
    const losses = ganTrainStep(gan, optimizers, real, { discriminator: rng.seed(), generator: rng.seed() }, 'non-saturating');
    const d = (await losses.discriminatorLoss.data())[0];
    const g = (await losses.generatorLoss.data())[0];
    real.dispose();
    losses.discriminatorLoss.dispose();
    losses.generatorLoss.dispose();
    console.log(`step ${step + 1}: L_D = ${d.toFixed(4)}, L_G = ${g.toFixed(4)}`);
    history.push({ discriminatorLoss: d, generatorLoss: g });
  }
  optimizers.discriminator.dispose();
  optimizers.generator.dispose();
  disposeGan(gan);
  return history;
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
