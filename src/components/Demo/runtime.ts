// Loads TensorFlow.js, the browser part of the genlab library and the published models, once per
// page, in the browser only (the site is rendered in Node at build time, where none of this runs).
import type * as TF from '@tensorflow/tfjs';
import type * as Genlab from 'genlab/browser';

export type Tf = typeof TF;
export type GenlabBrowser = typeof Genlab;

/** One encoded test digit: [z1, z2, label]. */
export type LatentPoint = [number, number, number];

export interface DemoRuntime {
  tf: Tf;
  genlab: GenlabBrowser;
  /** 'webgl', or 'cpu' when WebGL could not start. */
  backend: string;
  /** The GAN generators: the DCGAN (the page's default GAN) and the MLP GAN of Goodfellow et al. */
  gans: Record<GanName, { generator: TF.LayersModel; latentDim: number }>;
  vae: Genlab.Vae;
  testLatents: LatentPoint[];
}

export type GanName = 'dcgan' | 'mlp';

/** Published folder of each generator under static/models. */
export const GAN_FOLDERS: Record<GanName, string> = { dcgan: 'gan-dcgan', mlp: 'gan-mlp' };

let loading: Promise<DemoRuntime> | undefined;

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function load(modelsUrl: string): Promise<DemoRuntime> {
  const [tf, genlab] = await Promise.all([import('@tensorflow/tfjs'), import('genlab/browser')]);
  // tf.ready() starts the best registered backend that works: WebGL, else the CPU backend.
  await tf.ready();
  const [dcgan, mlp, encoder, decoder, latents] = await Promise.all([
    tf.loadLayersModel(`${modelsUrl}/${GAN_FOLDERS.dcgan}/generator/model.json`),
    tf.loadLayersModel(`${modelsUrl}/${GAN_FOLDERS.mlp}/generator/model.json`),
    tf.loadLayersModel(`${modelsUrl}/vae-mlp-z2/encoder/model.json`),
    tf.loadLayersModel(`${modelsUrl}/vae-mlp-z2/decoder/model.json`),
    fetchJson<{ points: LatentPoint[] }>(`${modelsUrl}/vae-mlp-z2/test-latents.json`),
  ]);
  return {
    tf,
    genlab,
    backend: tf.getBackend(),
    gans: {
      dcgan: { generator: dcgan, latentDim: dcgan.inputs[0].shape[1] as number },
      mlp: { generator: mlp, latentDim: mlp.inputs[0].shape[1] as number },
    },
    vae: { architecture: 'mlp', latentDim: decoder.inputs[0].shape[1] as number, encoder, decoder },
    testLatents: latents.points,
  };
}

/** The page's one runtime; a failed load is forgotten so a reload of the component can retry. */
export function loadDemoRuntime(modelsUrl: string): Promise<DemoRuntime> {
  loading ??= load(modelsUrl).catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/** The latent point of the last digit drawn by the reader, shared by the drawing pad and the latent plane. */
type Listener = (z: [number, number] | null) => void;
const listeners = new Set<Listener>();
let drawnLatent: [number, number] | null = null;

export function setDrawnLatent(z: [number, number] | null): void {
  drawnLatent = z;
  listeners.forEach((l) => l(z));
}

export function subscribeDrawnLatent(listener: Listener): () => void {
  listeners.add(listener);
  listener(drawnLatent);
  return () => listeners.delete(listener);
}

/** A seed a link can carry: a non-negative 31-bit integer. */
export function parseSeed(text: string | null | undefined): number | undefined {
  if (text == null || !/^\d{1,10}$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n <= 0x7fffffff ? n : undefined;
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}

/**
 * Draws `images` ([n, 784], values in [0, 1]) into `canvas` as a grid with `cols` columns, one
 * canvas pixel per image pixel (CSS scales it up, pixelated).
 */
export async function drawImageGrid(tf: Tf, images: TF.Tensor2D, cols: number, canvas: HTMLCanvasElement): Promise<void> {
  const n = images.shape[0];
  const rows = Math.ceil(n / cols);
  const grid = tf.tidy(() => {
    const padded = n === rows * cols ? images : tf.concat([images, tf.zeros([rows * cols - n, 784])]);
    return padded
      .reshape([rows, cols, 28, 28])
      .transpose([0, 2, 1, 3])
      .reshape([rows * 28, cols * 28])
      .clipByValue(0, 1) as TF.Tensor2D;
  });
  canvas.width = cols * 28;
  canvas.height = rows * 28;
  await tf.browser.toPixels(grid, canvas);
  grid.dispose();
}
