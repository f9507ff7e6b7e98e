import { SeededInit } from './init';
import { tanhMlp, type Vae } from './vae';

/**
 * A VAE for low-dimensional real-valued data (the lab's 2-D data sets): tanh MLPs, an encoder
 * x → [μ | log σ²] of q_φ(z|x) as in {@link createVae}, and a decoder z → μ_θ(z), the mean of a
 * Gaussian p_θ(x|z) = N(μ_θ(z), σ_x² I) with a fixed σ_x (see `gaussianVaeStep`), instead of
 * Bernoulli logits: 2-D points are not pixel intensities. Kingma & Welling 2014, Appendix C.2.
 */
export function createToyVae(options: { dataDim?: number; latentDim?: number; hidden?: number[]; seed?: number } = {}): Vae {
  const dataDim = options.dataDim ?? 2;
  const latentDim = options.latentDim ?? 2;
  const hidden = options.hidden ?? [64, 64];
  if (hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new Error(`hidden layer sizes must be positive integers, got [${hidden.join(', ')}]`);
  const init = new SeededInit(options.seed ?? 0, 'toy-vae');
  const encoder = tanhMlp('toy_encoder', dataDim, hidden, 2 * latentDim, init);
  const decoder = tanhMlp('toy_decoder', latentDim, [...hidden].reverse(), dataDim, init);
  return { architecture: 'mlp', latentDim, encoder, decoder };
}
