import { IMAGE_SIZE } from './constants';

/** Side of the box MNIST's digits were scaled into before centring (LeCun et al.). */
export const DIGIT_BOX = 20;

/**
 * For 1-D area resampling from `nIn` to `nOut` cells: weights[o][i] is the share of output cell o
 * covered by input cell i (each row sums to 1), so ink is averaged, never skipped.
 */
function coverageWeights(nIn: number, nOut: number): Float64Array[] {
  const ratio = nIn / nOut;
  return Array.from({ length: nOut }, (_, o) => {
    const w = new Float64Array(nIn);
    const lo = o * ratio;
    const hi = (o + 1) * ratio;
    for (let i = Math.floor(lo); i < Math.min(nIn, Math.ceil(hi)); i++) w[i] = (Math.min(hi, i + 1) - Math.max(lo, i)) / ratio;
    return w;
  });
}

/**
 * Turns a free-hand drawing into an MNIST-like 28×28 image, the way MNIST itself was made: crop
 * to the ink, scale (keeping the aspect ratio) into a 20×20 box with area averaging, then shift so
 * the centre of mass sits in the middle of the 28×28 field. A model trained on MNIST has only
 * seen digits prepared like this; an uncentred or tiny drawing would land far from the data.
 *
 * `ink` is row-major, `width × height`, 0 (paper) … 1 (ink). Returns 784 values in [0, 1], or
 * `null` when nothing above `threshold` was drawn.
 */
export function centerDigit(ink: ArrayLike<number>, width: number, height: number, threshold = 0.05): Float32Array | null {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`centerDigit: width and height must be positive integers, got ${width}×${height}`);
  }
  if (ink.length !== width * height) throw new Error(`centerDigit: expected ${width}×${height} = ${width * height} values, got ${ink.length}`);
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const scale = DIGIT_BOX / Math.max(cw, ch);
  const bw = Math.max(1, Math.round(cw * scale));
  const bh = Math.max(1, Math.round(ch * scale));
  const wx = coverageWeights(cw, bw);
  const wy = coverageWeights(ch, bh);
  // Separable resampling: rows first (ch × bw), then columns (bh × bw).
  const rows = new Float64Array(ch * bw);
  for (let y = 0; y < ch; y++) {
    for (let o = 0; o < bw; o++) {
      let s = 0;
      for (let x = 0; x < cw; x++) if (wx[o][x]) s += wx[o][x] * Math.min(1, Math.max(0, ink[(y0 + y) * width + x0 + x]));
      rows[y * bw + o] = s;
    }
  }
  const box = new Float64Array(bh * bw);
  let mass = 0,
    mx = 0,
    my = 0;
  for (let o = 0; o < bh; o++) {
    for (let x = 0; x < bw; x++) {
      let s = 0;
      for (let y = 0; y < ch; y++) if (wy[o][y]) s += wy[o][y] * rows[y * bw + x];
      box[o * bw + x] = s;
      mass += s;
      mx += s * x;
      my += s * o;
    }
  }
  const centre = (IMAGE_SIZE - 1) / 2;
  const dx = Math.round(centre - mx / mass);
  const dy = Math.round(centre - my / mass);
  const out = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const tx = x + dx;
      const ty = y + dy;
      if (tx >= 0 && tx < IMAGE_SIZE && ty >= 0 && ty < IMAGE_SIZE) out[ty * IMAGE_SIZE + tx] = Math.min(1, box[y * bw + x]);
    }
  }
  return out;
}
