/**
 * genlab: GANs and VAEs in TensorFlow.js. The public API, and nothing else: each module's
 * exports are listed by name, so a helper added to a module stays internal until it is listed
 * here (and in the API report, src/genlab/api/genlab.api.md).
 *
 * @packageDocumentation
 */
export {
  BACKENDS,
  BackendUnavailableError,
  CONV_TRAINING_KERNELS,
  assertKernels,
  currentBackend,
  parseBackendName,
  setupBackend,
  type BackendChoice,
  type BackendName,
} from './backend';
export { Rng, type RngState } from './random';
export { DataFormatError, encodeIdx, parseIdx, readIdxFile, writeIdxFile, type IdxArray } from './data/idx';
export {
  IMAGE_SIZE,
  NUM_CLASSES,
  PIXELS,
  TRAIN_SIZE,
  binarize,
  epochBatches,
  imagesToTensor,
  loadMnist,
  mnistDirectory,
  sliceSplit,
  type Mnist,
  type MnistSplit,
  type PixelScaling,
} from './data/mnist';
export { DEFAULT_RING, modeCoverage, ringCenters, sampleRing, type RingMixture } from './data/toy';
export {
  DRAWN_STD,
  TOY_2D_KINDS,
  gridCellSize,
  gridPoints,
  kernelDensityOnGrid,
  mixtureDensityOnGrid,
  normalizeOnGrid,
  sampleMixture2d,
  toy2dMixture,
  type Mixture2d,
  type PlaneGrid,
  type Toy2dKind,
} from './data/toy2d';
export { DIGIT_BOX, centerDigit } from './data/drawing';
export { inputLayout, trainableVariables } from './models/init';
export { interpolateLatent, sampleLatent, type InterpolationKind } from './models/prior';
export {
  createGan,
  createToyGan,
  dcganDiscriminator,
  dcganGenerator,
  disposeGan,
  mlpDiscriminator,
  mlpGenerator,
  type Gan,
  type GanArchitecture,
  type GanOptions,
} from './models/gan';
export { createVae, decode, disposeVae, encode, type Vae, type VaeArchitecture, type VaeOptions } from './models/vae';
export { createToyVae } from './models/toy-vae';
export { CLASSIFIER_FEATURES, createClassifier, featureExtractor } from './models/classifier';
export {
  alphaBarAt,
  cosineSchedule,
  createSchedule,
  linearSchedule,
  posteriorVariance,
  signalToNoise,
  type NoiseSchedule,
  type ScheduleKind,
} from './models/diffusion/schedule';
export { qSample, qStep, sampleTimesteps, timeEmbedding } from './models/diffusion/forward';
export { NULL_CLASS, classOneHot, conditioningEmbedding, denoiserFromModel, disposeDenoiser, predictNoise, type Denoiser } from './models/diffusion/denoiser';
export { createUnet, type UnetOptions } from './models/diffusion/unet';
export { createMlpDenoiser, type MlpDenoiserOptions } from './models/diffusion/mlp';
export { ancestralSample, ddimSample, guidedNoise, samplingTimesteps, type AncestralVariance, type SamplerOptions } from './models/diffusion/samplers';
export { ancestralSteps, ddimSteps, type SamplerState, type SamplerStepOptions, type SamplerTrajectory } from './models/diffusion/sampler-steps';
export {
  discriminatorLoss,
  ganValue,
  ganValueOnGrid,
  generatorLoss,
  jensenShannonDivergence,
  logD,
  logOneMinusD,
  optimalDiscriminator,
  optimalDiscriminatorLogit,
  type GeneratorLossKind,
} from './losses/gan';
export { bernoulliLogLikelihood, elbo, elboMonteCarlo, gaussianKl, logNormalPdf, reparameterize, type ElboTerms } from './losses/vae';
export { diffusionLoss, diffusionLossPerExample, dropLabels, vlbWeight } from './losses/diffusion';
export { fileSystemHandler, listCheckpoints, restoreLatestCheckpoint, saveCheckpoint, type CheckpointContent } from './train/checkpoint';
export { exportWebModel, type WebModelOptions } from './train/export';
export type { BatchInfo, EpochSummary, LoopResult, TrainCallbacks } from './train/loop';
export { RunFolderInUseError, runTraining, type TrainingOptions, type TrainingResult, type TrainingSpec } from './train/run';
export { createGanOptimizers, ganTrainStep, generate, trainGan, type GanOptimizers, type GanTrainingOptions } from './train/gan';
export { discriminatorStep, generatorPointGradients, generatorStep } from './train/gan-steps';
export { gaussianVaeStep } from './train/vae-gaussian';
export { EVAL_BINARIZATION_SEED, decodeMeans, evaluateElbo, trainVae, vaeTrainStep, type VaeTrainingOptions } from './train/vae';
export { classifierAccuracy, trainClassifier } from './train/classifier';
export {
  diffusionImageSamples,
  diffusionTrainStep,
  gridLabels,
  trainDiffusion,
  type DiffusionSampleOptions,
  type DiffusionStepSeeds,
  type DiffusionTrainingOptions,
} from './train/diffusion';
export { updateEma } from './train/ema';
export { ModelFolderError, disposeTrainedModel, loadTrainedModel, trainedModelSamples, type TrainedModel } from './train/trained-model';
export { logMeanExp, meanAndStandardError } from './metrics/logmeanexp';
export { parzenEvaluate, parzenLogLikelihood, parzenSigmaGrid, type ParzenResult } from './metrics/parzen';
export { featureStatistics, frechetDistance } from './metrics/frechet';
export { classHistogram, inceptionScore } from './metrics/score';
export { importanceWeightedBound } from './metrics/iwae';
export {
  classifierScores,
  generatorEpochScores,
  generatorSamples,
  parzenProtocol,
  vaeLikelihood,
  vaeSamples,
  type ClassifierScores,
  type EpochScoreOptions,
  type VaeLikelihood,
} from './metrics/evaluate';
export { kthNeighbourRadii, nearestNeighbours, squaredDistances, type Neighbours } from './metrics/neighbours';
export { insideManifold, precisionRecall, type PrecisionRecall } from './metrics/precision-recall';
export { memorizationCheck, type MemorizationCheck } from './metrics/memorization';
export { latentGridLogLikelihood, type LatentGridLikelihood } from './metrics/latent-grid';
export { classifierOutputs } from './metrics/features';
export { diffusionEpochScores, guidanceSweep, type GuidanceRow } from './metrics/diffusion';
export { decodePng, encodeGrayPng, gridPixels, imageGridPng, type GridOptions } from './viz/png';
export { lineChartSpec, lineChartSvg, pointsFromLog, type ChartOptions, type ChartPoint } from './viz/charts';
export { version } from './version';
