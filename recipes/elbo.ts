// The ELBO of a VAE on a batch of binarized MNIST digits, split into its two terms.
// Run: npx tsx recipes/elbo.ts
import { binarize, createVae, decode, disposeVae, elbo, encode, imagesToTensor, loadMnist, reparameterize, setupBackend } from 'genlab';

export async function main(): Promise<{ elbo: number; reconstruction: number; kl: number }> {
  await setupBackend();
  const mnist = loadMnist();
  const vae = createVae('mlp', { latentDim: 20, seed: 0 }); // untrained: train it with trainVae first
  const x = binarize(imagesToTensor(mnist.validation, 100, 'unit'), 1); // the first 100 validation images

  const { mean, logVar } = encode(vae, x); // q_φ(z|x) = N(mean, diag exp(logVar))
  const z = reparameterize(mean, logVar, 2); // z = μ + σ ⊙ ε, ε ~ N(0, I)
  const logits = decode(vae, z); // Bernoulli logits of p_θ(x|z)
  const terms = elbo(x, logits, mean, logVar); // per example: reconstruction − KL

  const avg = async (t: { mean(): { data(): Promise<ArrayLike<number>> } }) => (await t.mean().data())[0];
  const result = { elbo: await avg(terms.elbo), reconstruction: await avg(terms.reconstruction), kl: await avg(terms.kl) };
  console.log(`ELBO ${result.elbo.toFixed(3)} = reconstruction ${result.reconstruction.toFixed(3)} − KL ${result.kl.toFixed(3)} nats per image`);
  console.log(`training loss (minimize): ${(-result.elbo).toFixed(3)}`);
  for (const t of [x, mean, logVar, z, logits, terms.elbo, terms.reconstruction, terms.kl]) t.dispose();
  disposeVae(vae);
  return result;
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
