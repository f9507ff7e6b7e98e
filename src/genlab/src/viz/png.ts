import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs';

export interface GridOptions {
  /** Images per row; default: the smallest square that fits. */
  columns?: number;
  /** Value range of the input: [-1, 1] for tanh generators, [0, 1] for probabilities. */
  range?: [number, number];
  /** Pixels between images. */
  padding?: number;
  /** Integer upscaling, so 28-pixel digits are visible on a page. */
  scale?: number;
}

/**
 * Lays out `n` square grayscale images (any shape whose first axis is n and whose rest has
 * side² values) as one 8-bit grayscale raster, white background between digits.
 */
export function gridPixels(values: Float32Array | number[], n: number, options: GridOptions = {}): { width: number; height: number; pixels: Uint8Array } {
  const side = Math.round(Math.sqrt(values.length / n));
  if (side * side * n !== values.length) throw new Error(`cannot split ${values.length} values into ${n} square images`);
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / columns);
  const [lo, hi] = options.range ?? [0, 1];
  const pad = options.padding ?? 2;
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const cell = side * scale + pad;
  const width = columns * cell + pad;
  const height = rows * cell + pad;
  const pixels = new Uint8Array(width * height).fill(255);
  for (let i = 0; i < n; i++) {
    const ox = pad + (i % columns) * cell;
    const oy = pad + Math.floor(i / columns) * cell;
    for (let y = 0; y < side * scale; y++) {
      for (let x = 0; x < side * scale; x++) {
        const v = values[i * side * side + Math.floor(y / scale) * side + Math.floor(x / scale)];
        const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
        // Ink is dark on white, like handwriting.
        pixels[(oy + y) * width + ox + x] = Math.round(255 * (1 - t));
      }
    }
  }
  return { width, height, pixels };
}

/** Encodes an 8-bit grayscale raster as PNG bytes (pngjs, colour type 0). */
export function encodeGrayPng(width: number, height: number, pixels: Uint8Array): Uint8Array {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/**
 * A batch of images as one PNG grid: bytes for a file or for tslab's `display.png`.
 * Reads the tensor back from the device (the one sync this costs).
 */
export async function imageGridPng(images: tf.Tensor, options: GridOptions = {}): Promise<Uint8Array> {
  const values = (await images.data()) as Float32Array;
  const { width, height, pixels } = gridPixels(values, images.shape[0], options);
  return encodeGrayPng(width, height, pixels);
}

/** Decodes a PNG (for tests and for comparing grids). */
export function decodePng(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}
