// The part of genlab that runs in a web page: no Node modules behind these imports. The site's
// demo uses it so the page samples, interpolates and prepares drawings with the tested library code.
export { IMAGE_SIZE, PIXELS, NUM_CLASSES } from './data/constants';
export { centerDigit, DIGIT_BOX } from './data/drawing';
export { sampleLatent, interpolateLatent, type InterpolationKind } from './models/prior';
export { encode, decode, type Vae } from './models/vae';
// The lab trains small GANs and VAEs on 2-D data in the page, with the library's own steps and losses.
export { Rng } from './random';
export { DEFAULT_RING, ringCenters, modeCoverage } from './data/toy';
export {
  TOY_2D_KINDS,
  DRAWN_STD,
  toy2dMixture,
  sampleMixture2d,
  gridCellSize,
  gridPoints,
  mixtureDensityOnGrid,
  kernelDensityOnGrid,
  normalizeOnGrid,
  type Toy2dKind,
  type Mixture2d,
  type PlaneGrid,
} from './data/toy2d';
export { createToyGan, disposeGan, type Gan } from './models/gan';
export { createToyVae } from './models/toy-vae';
export { disposeVae } from './models/vae';
export { trainableVariables } from './models/init';
export {
  discriminatorLoss,
  generatorLoss,
  ganValue,
  optimalDiscriminator,
  optimalDiscriminatorLogit,
  jensenShannonDivergence,
  ganValueOnGrid,
  type GeneratorLossKind,
} from './losses/gan';
export { gaussianKl, reparameterize } from './losses/vae';
export { discriminatorStep, generatorStep, generatorPointGradients } from './train/gan-steps';
export { gaussianVaeStep } from './train/vae-gaussian';
// …and a small diffusion model: the forward noising, the training step, and the samplers whose steps it draws.
export { cosineSchedule, createSchedule, type NoiseSchedule, type ScheduleKind } from './models/diffusion/schedule';
export { qSample } from './models/diffusion/forward';
export { denoiserFromModel, disposeDenoiser, NULL_CLASS, type Denoiser } from './models/diffusion/denoiser';
export { createMlpDenoiser, type MlpDenoiserOptions } from './models/diffusion/mlp';
export { ancestralSample, ddimSample, samplingTimesteps, type AncestralVariance, type SamplerOptions } from './models/diffusion/samplers';
export { ancestralSteps, ddimSteps, type SamplerState, type SamplerStepOptions, type SamplerTrajectory } from './models/diffusion/sampler-steps';
export { diffusionTrainStep, type DiffusionStepSeeds } from './train/diffusion-step';
