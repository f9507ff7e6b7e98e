// The demo's diffusion model without React or a DOM: loading the published class-conditional
// denoiser, and a cancellable DDIM run that hands each x_t to a drawing callback and gives the
// browser a turn between steps. test/demo/diffusion.test.ts runs it in Node.
import type * as TF from '@tensorflow/tfjs';
import type * as Genlab from 'genlab/browser';

type Tf = typeof TF;

/** Published folder of the class-conditional U-Net under static/models. */
export const DIFFUSION_FOLDER = 'diffusion-unet-conditional';

export interface DiffusionModel {
  denoiser: Genlab.Denoiser;
  schedule: Genlab.NoiseSchedule;
}

/** What the loader reads from the model's metadata.json (written by npm run export:model). */
export interface DiffusionMetadata {
  schedule?: string;
  diffusionSteps?: number;
}

let loading: Promise<DiffusionModel> | undefined;

/**
 * The page's one diffusion model, loaded on first use (the other demo models do not wait for it);
 * its noise schedule is rebuilt from the metadata, as the Node loader does. A failed load is
 * forgotten so that the next click retries.
 */
export function loadDiffusionModel(
  tf: Tf,
  genlab: Pick<typeof Genlab, 'denoiserFromModel' | 'createSchedule'>,
  modelsUrl: string,
  metadata: DiffusionMetadata,
): Promise<DiffusionModel> {
  loading ??= (async () => {
    const model = await tf.loadLayersModel(`${modelsUrl}/${DIFFUSION_FOLDER}/denoiser/model.json`);
    const denoiser = genlab.denoiserFromModel(model);
    if (denoiser.numClasses === 0) throw new Error(`${DIFFUSION_FOLDER} is not class-conditional`);
    const schedule = genlab.createSchedule((metadata.schedule ?? 'cosine') as Genlab.ScheduleKind, metadata.diffusionSteps ?? 1000);
    return { denoiser, schedule };
  })().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

export interface DenoisingSettings {
  /** The digit asked for, or null for none (∅: the model's unconditional ε_θ(x_t, t)). */
  digit: number | null;
  /** DDIM steps S. */
  steps: number;
  /** Classifier-free guidance weight w (unused without a digit). */
  guidance: number;
  seed: number;
  /** Samples drawn side by side. */
  n: number;
}

export interface DenoisingIo {
  /** Draws one frame: x_t mapped to [0, 1] as [n, 784], at time step t (T for the noise, 0 at the end). */
  draw: (images: TF.Tensor2D, t: number, frame: number) => Promise<void>;
  /**
   * Gives the browser a turn: 'step' after a frame is drawn (a page waits for an animation frame),
   * 'sample' between the samples of one step.
   */
  pause: (kind: 'step' | 'sample') => Promise<void>;
  /** A failed run; never called once the run was cancelled. */
  onError: (error: Error) => void;
}

export type DenoisingOutcome = 'finished' | 'cancelled' | 'failed';

/**
 * Deterministic DDIM (η = 0, x̂_0 clipped to [−1, 1], as the library's image samples) from x_T
 * down to x_0, one `draw` per state, so S steps give S + 1 frames. Each sample is its own
 * trajectory (sample k from seed + k) and the browser gets a turn after every network call: on
 * TensorFlow.js's CPU backend a call blocks the page while it runs, and one sample's call is an
 * n-th of a whole step's. `cancel` stops the run at the next turn; every tensor is disposed
 * however it ends, and `done` never rejects.
 */
export function animateDenoising(
  tf: Tf,
  genlab: Pick<typeof Genlab, 'ddimSteps'>,
  model: DiffusionModel,
  settings: DenoisingSettings,
  io: DenoisingIo,
): { cancel: () => void; done: Promise<DenoisingOutcome> } {
  let live = true;
  const { n, digit } = settings;
  const done = (async (): Promise<DenoisingOutcome> => {
    const trajectories = Array.from({ length: n }, (_, k) =>
      genlab.ddimSteps(model.denoiser, model.schedule, {
        shape: [28, 28, 1],
        n: 1,
        seed: settings.seed + k,
        steps: settings.steps,
        labels: digit === null ? undefined : [digit],
        guidance: digit === null ? 0 : settings.guidance,
        clip: [-1, 1],
      }),
    );
    try {
      for (let frame = 0; ; frame++) {
        const states: Genlab.SamplerState[] = [];
        for (const [k, trajectory] of trajectories.entries()) {
          if (k > 0 && frame > 0) {
            await io.pause('sample');
            if (!live) return 'cancelled';
          }
          const next = trajectory.next();
          if (next.done) throw new Error('a trajectory ended early');
          states.push(next.value);
        }
        const t = states[0].t;
        const images = tf.tidy(() => tf.reshape<TF.Rank.R2>(tf.div(tf.add(tf.clipByValue(tf.concat(states.map((s) => s.x)), -1, 1), 1), 2), [n, 784]));
        try {
          await io.draw(images, t, frame);
        } finally {
          images.dispose();
        }
        if (!live) return 'cancelled';
        if (t === 0) break;
        await io.pause('step');
        if (!live) return 'cancelled'; // before the next step is computed
      }
    } finally {
      for (const trajectory of trajectories) trajectory.return(); // frees each x_t and label however the run ended
    }
    return live ? 'finished' : 'cancelled';
  })().catch((e: unknown): DenoisingOutcome => {
    if (!live) return 'cancelled';
    io.onError(e instanceof Error ? e : new Error(String(e)));
    return 'failed';
  });
  return {
    cancel: () => {
      live = false;
    },
    done,
  };
}
