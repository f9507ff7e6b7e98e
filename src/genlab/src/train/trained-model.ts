import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Vae, VaeArchitecture } from '../models/vae';
import { denoiserFromModel, type Denoiser } from '../models/diffusion/denoiser';
import { createSchedule, type NoiseSchedule, type ScheduleKind } from '../models/diffusion/schedule';
import { diffusionImageSamples, type DiffusionSampleOptions } from './diffusion';
import { generatorSamples, vaeSamples } from '../metrics/evaluate';
import { fileSystemHandler, listCheckpoints } from './checkpoint';

/**
 * A trained generative model as it is found on disk: either a training run folder (`config.json`
 * and `checkpoints/`, its newest complete checkpoint is used) or a published model folder
 * (`static/models/<name>/`, float16 weights with a `metadata.json`). Both hold the same Layers
 * models under the same names (`generator`, or `encoder` + `decoder`), so one loader serves the
 * CLI, the notebooks and the tests, and what is scored is exactly what is shipped.
 */
export interface TrainedModel {
  family: 'gan' | 'vae' | 'diffusion';
  /** The architecture the run recorded (`mlp`, `dcgan`, `conv`), or `unknown` for a bare folder. */
  architecture: string;
  latentDim: number;
  /** The folder the weights were read from (the checkpoint for a run). */
  weights: string;
  /** `run` for a training run folder, `published` for an exported model folder. */
  kind: 'run' | 'published';
  /** The run's config.json or the published metadata.json, as found. */
  description: Record<string, unknown>;
  generator?: tf.LayersModel;
  vae?: Vae;
  /** A diffusion model's ε_θ (the weight average when the run kept one) and its noise schedule. */
  denoiser?: Denoiser;
  schedule?: NoiseSchedule;
}

/** Thrown when a folder holds neither a run nor a published model; the message says what was expected. */
export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ModelFolderError(`${file}: expected JSON, ${(e as Error).message}`);
  }
}

/** Where the weights of `dir` are and how the folder describes them. */
function locate(dir: string): { weights: string; kind: TrainedModel['kind']; description: Record<string, unknown> } {
  if (!existsSync(dir)) throw new ModelFolderError(`${dir}: no such folder`);
  if (existsSync(join(dir, 'config.json'))) {
    const names = listCheckpoints(join(dir, 'checkpoints'));
    if (!names.length) throw new ModelFolderError(`${dir}: a training run without a complete checkpoint yet (train at least one epoch)`);
    return { weights: join(dir, 'checkpoints', names[names.length - 1]), kind: 'run', description: readJson(join(dir, 'config.json')) };
  }
  if (existsSync(join(dir, 'metadata.json'))) return { weights: dir, kind: 'published', description: readJson(join(dir, 'metadata.json')) };
  throw new ModelFolderError(`${dir}: expected a training run folder (config.json, checkpoints/) or a published model folder (metadata.json), found neither`);
}

/**
 * Loads the generator of a GAN, or the encoder and decoder of a VAE, from a run folder or a
 * published model folder. The latent size is read from the network's input, not from the
 * description, so a folder can never claim a size its weights do not have.
 */
export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  const { weights, kind, description } = locate(dir);
  const has = (name: string) => existsSync(join(weights, name, 'model.json'));
  const load = (name: string) => tf.loadLayersModel(fileSystemHandler(join(weights, name)));
  const recorded = (description.architecture ?? (description.training as Record<string, unknown> | undefined)?.architecture) as string | undefined;
  const architecture = recorded ?? 'unknown';
  // A run trained with a weight average keeps both generators; the average is what is sampled and shipped.
  const generatorFolder = ['generatorEma', 'generator'].find(has);
  if (generatorFolder) {
    const generator = await load(generatorFolder);
    return { family: 'gan', architecture, latentDim: generator.inputs[0].shape[1]!, weights, kind, description, generator };
  }
  if (has('encoder') && has('decoder')) {
    const [encoder, decoder] = [await load('encoder'), await load('decoder')];
    const latentDim = decoder.inputs[0].shape[1]!;
    return {
      family: 'vae',
      architecture,
      latentDim,
      weights,
      kind,
      description,
      vae: { architecture: architecture as VaeArchitecture, latentDim, encoder, decoder },
    };
  }
  // A run keeps the trained network and its weight average; the average is what is sampled and shipped.
  const denoiserFolder = ['ema', 'denoiser'].find(has);
  if (denoiserFolder) {
    const denoiser = denoiserFromModel(await load(denoiserFolder));
    const schedule = createSchedule((description.schedule ?? 'cosine') as ScheduleKind, Number(description.diffusionSteps ?? 1000));
    return {
      family: 'diffusion',
      architecture,
      latentDim: denoiser.model.inputs[0].shape.slice(1).reduce((a, b) => a! * b!, 1)!,
      weights,
      kind,
      description,
      denoiser,
      schedule,
    };
  }
  throw new ModelFolderError(
    `${weights}: expected generator/model.json (a GAN), encoder/ and decoder/model.json (a VAE) or denoiser/model.json (a diffusion model), found none`,
  );
}

/**
 * n samples of the model in [0, 1] as [n, 784], from z ~ N(0, I) drawn with `seed`: the GAN's
 * tanh output mapped to [0, 1], the VAE's decoded Bernoulli means, the diffusion model's DDIM
 * samples from x_T (50 steps and no class unless `diffusion` says otherwise). Same seed, same images.
 */
export function trainedModelSamples(model: TrainedModel, n: number, seed: number, diffusion: DiffusionSampleOptions = {}): Promise<tf.Tensor2D> {
  if (model.denoiser) return diffusionImageSamples(model.denoiser, model.schedule!, n, seed, diffusion);
  if (model.generator) return generatorSamples(model.generator, n, model.latentDim, seed);
  return vaeSamples(model.vae!, n, seed);
}

export function disposeTrainedModel(model: TrainedModel): void {
  model.generator?.dispose();
  model.denoiser?.model.dispose();
  model.vae?.encoder.dispose();
  model.vae?.decoder.dispose();
}
