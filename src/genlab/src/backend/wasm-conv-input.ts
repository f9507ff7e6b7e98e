/**
 * Conv2DBackpropInput (NHWC, dilation 1) for the wasm backend, whose built-in kernel is a scalar
 * loop, composed from XNNPACK's forward Conv2D; registered by wasm-kernels.ts.
 *
 * The sub-pixel form of the transposed conv. Writing u = h + top as u = s·q + r (0 <= r < s) and
 * T = ceil(K/s), per spatial axis
 *
 *   dx[b, u-top, ci] = Σ_{t<T, co} dy[b, q-t, co] · W[s·t + r, ci, co]
 *
 * so each phase r is a stride-1 correlation of dy with a sub-filter of W, and depth-to-space plus a
 * crop of what is left of `top`/`left` (< s) interleaves the phases into dx. Unlike dilating dy
 * with zeros this does no s²-fold wasted work. Phase r needs only ceil((K − r)/s) of the T taps
 * (W is zero past K), so with s > 1 each phase is its own conv: 25 multiply-adds per output pixel
 * and channel pair for 5×5 at stride 2 instead of the 36 of one conv over all phases, 9 instead of
 * 16 for 3×3 (bench/NOTES.md has the timings).
 */
import * as tf from '@tensorflow/tfjs';

import type { WasmHeapBackend } from './wasm-heap';

/**
 * Internal switches for bench/ab-overrides.ts: one conv over all phases against one per phase, and
 * col2im against tfjs's built-in loop for one-channel dx.
 */
export const subPixelOptions = { splitPhases: true, col2imOneChannel: true };

/**
 * dx for dy and filter: one stride-1 conv per output phase, then depth-to-space and a crop. Returns
 * a Tensor made inside `tf.tidy` (see wasm-conv-filter.ts on why kernels may return Tensors).
 */
export function subPixelBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, convInfo: tf.backend_util.Conv2DInfo): tf.Tensor {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = convInfo;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = convInfo;
  return tf.tidy(() => {
    // Sub-pixel form: with u = h + top = s·q + r, dx[u] = Σ_t dy[q - t] · W[s·t + r]: stride-1
    // convs of dy (padded by T-1 on top, T = ceil(K/s)) give the s² phases r as channels (rh, rw,
    // ci); depth-to-space + crop gives dx.
    const th = Math.ceil(kh / sh);
    const tw = Math.ceil(kw / sw);
    const qh = Math.floor((inHeight - 1 + padInfo.top) / sh) + 1; // phase rows needed
    const qw = Math.floor((inWidth - 1 + padInfo.left) / sw) + 1;
    // Start at phase row q0 = floor(top/s) rather than 0 (less top padding), so the final
    // crop offset is top - q0·s < s; for stride 1 no crop is left at all.
    const q0h = Math.min(Math.floor(padInfo.top / sh), th - 1);
    const q0w = Math.min(Math.floor(padInfo.left / sw), tw - 1);
    const explicit: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [th - 1 - q0h, Math.max(0, qh - outHeight)],
      [tw - 1 - q0w, Math.max(0, qw - outWidth)],
      [0, 0],
    ];
    // [N, ≥qh-q0h, ≥qw-q0w, sh·sw·inC]
    let phases =
      phaseConvolutions(dy, filter, explicit, [sh, sw]) ??
      tf.conv2d(dy, combinedPhaseFilter(filter, [th, tw], [sh, sw], outChannels, inChannels), 1, explicit, 'NHWC');
    const [, ph, pw] = phases.shape;
    if (sh > 1 || sw > 1) {
      // Depth-to-space [N·ph, pw, sh, sw·inC] → [N·ph, sh, pw, sw·inC] = [N, ph·sh, pw·sw, inC].
      const p4 = tf.reshape(phases, [batchSize * ph, pw, sh, sw * inChannels]);
      phases = tf.reshape(tf.transpose(p4, [0, 2, 1, 3]), [batchSize, ph * sh, pw * sw, inChannels]);
    }
    const top = padInfo.top - q0h * sh;
    const left = padInfo.left - q0w * sw;
    if (top === 0 && left === 0 && ph * sh === inHeight && pw * sw === inWidth) return phases;
    return tf.slice(phases, [0, top, left, 0], [batchSize, inHeight, inWidth, inChannels]);
  });
}

/** Zero-pads a filter's two tap axes to `height` × `width` (a multiple of the stride), so taps split into s-sized groups. */
function padTaps(filter: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [kh, kw] = filter.shape;
  if (height === kh && width === kw) return filter;
  return tf.pad(filter, [
    [0, height - kh],
    [0, width - kw],
    [0, 0],
    [0, 0],
  ]);
}

/**
 * All s² phases' taps in one filter F[a, b, co, (rh, rw, ci)] = W[s·(T-1-a) + rh, s·(T-1-b) + rw,
 * ci, co] (zero past K), for one conv that yields every phase as channels.
 */
function combinedPhaseFilter(
  filter: tf.Tensor4D,
  [th, tw]: [number, number],
  [sh, sw]: [number, number],
  outChannels: number,
  inChannels: number,
): tf.Tensor4D {
  const wPad = padTaps(filter, th * sh, tw * sw);
  // [th, sh, tw, sw·inC, outC] → [th, tw, outC, sh, sw·inC] (5-D: wasm's 6-D transpose is
  // ~20x slower), then flip both tap axes at once by reversing the flattened th·tw axis.
  const taps = tf.transpose(tf.reshape(wPad, [th, sh, tw, sw * inChannels, outChannels]), [0, 2, 4, 1, 3]);
  const flat = tf.reshape(taps, [th * tw, outChannels * sh * sw * inChannels]);
  return tf.reshape(th * tw > 1 ? tf.reverse(flat, 0) : flat, [th, tw, outChannels, sh * sw * inChannels]);
}

/**
 * The s² phases of the sub-pixel conv as s² separate convs, each with only its own taps. Phase r
 * has T_r = ceil((K − r)/s) taps along an axis, not T = ceil(K/s): in the flipped filter they are
 * the rows (K − 1 − r) mod s + s·a, a < T_r, and the T − T_r missing ones are leading taps, so
 * the phase's conv has that many fewer rows of top padding and gives the same output rows. For
 * 5×5 at stride 2 that is 25 taps per output pixel instead of 36, for 3×3 9 instead of 16. Returns
 * the phases concatenated in channel order (rh, rw, ci), or undefined for stride 1 or where a
 * phase has no taps or its padding would go negative (the combined conv handles those).
 */
function phaseConvolutions(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  explicit: tf.backend_util.ExplicitPadding,
  [sh, sw]: [number, number],
): tf.Tensor4D | undefined {
  if (!subPixelOptions.splitPhases || (sh === 1 && sw === 1)) return undefined;
  const [kh, kw, inChannels, outChannels] = filter.shape;
  const [th, tw] = [Math.ceil(kh / sh), Math.ceil(kw / sw)];
  const tapsH = Array.from({ length: sh }, (_, r) => Math.ceil((kh - r) / sh));
  const tapsW = Array.from({ length: sw }, (_, r) => Math.ceil((kw - r) / sw));
  if ([...tapsH, ...tapsW].some((t) => t < 1)) return undefined;
  if (tapsH.every((t) => t === th) && tapsW.every((t) => t === tw)) return undefined; // no zero taps to skip
  const [, [top, bottom], [left, right]] = explicit;
  if (th - tapsH[sh - 1] > top || tw - tapsW[sw - 1] > left) return undefined;
  // Flipped taps as [kh, kw, outC, inC], zero-padded to [T·s, T·s, …] and viewed as
  // [T, s, T, s·outC·inC]: a phase's taps are then one rank-4 Slice whose rows are whole
  // outC·inC blocks (wasm's Slice copies row by row, and strided slices element by element).
  const flipped = tf.reverse(tf.transpose(filter, [0, 1, 3, 2]), [0, 1]);
  const padded = padTaps(flipped, th * sh, tw * sw);
  const block = outChannels * inChannels;
  const grid = tf.reshape(padded, [th, sh, tw, sw * block]);
  const parts: tf.Tensor4D[] = [];
  for (let rh = 0; rh < sh; rh++) {
    for (let rw = 0; rw < sw; rw++) {
      const [offH, offW] = [(kh - 1 - rh) % sh, (kw - 1 - rw) % sw];
      const sub = tf.reshape(tf.slice(grid, [0, offH, 0, offW * block], [tapsH[rh], 1, tapsW[rw], block]), [
        tapsH[rh],
        tapsW[rw],
        outChannels,
        inChannels,
      ]) as tf.Tensor4D;
      const pad: tf.backend_util.ExplicitPadding = [
        [0, 0],
        [top - (th - tapsH[rh]), bottom],
        [left - (tw - tapsW[rw]), right],
        [0, 0],
      ];
      parts.push(tf.conv2d(dy, sub, 1, pad, 'NHWC'));
    }
  }
  return tf.concat(parts, 3);
}

/**
 * dx with a single channel (a transposed conv to an image, a conv's gradient for its image): the
 * matmul cols[m, (i, j)] = Σ_co dy[m, co] · W[i, j, 0, co] on XNNPACK, then each column added into
 * dx at its tap, dx[b, s·q + i − top, s·p + j − left] += cols[(b, q, p), (i, j)] (col2im, a
 * JavaScript loop over the heap). Why: the sub-pixel conv would have s² output channels, too few
 * for XNNPACK's tiles, and the built-in loop is scalar and single-threaded; the matmul does the
 * K² · outC multiply-adds per dy pixel once and on every thread, col2im only K² additions.
 */
export function col2imBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, convInfo: tf.backend_util.Conv2DInfo, backend: WasmHeapBackend): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, outChannels } = convInfo;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = convInfo;
  const taps = kh * kw;
  const cols = tf.tidy(() => tf.matMul(tf.reshape(dy, [batchSize * outHeight * outWidth, outChannels]), tf.transpose(tf.reshape(filter, [taps, outChannels]))));
  try {
    const out = backend.makeOutput([batchSize, inHeight, inWidth, 1], 'float32');
    // Views after the last allocation: a heap that grows detaches older ones.
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    const c = backend.typedArrayFromHeap(cols) as Float32Array;
    dx.fill(0);
    let m = 0;
    for (let b = 0; b < batchSize; b++) {
      const image = b * inHeight * inWidth;
      for (let q = 0; q < outHeight; q++) {
        for (let p = 0; p < outWidth; p++, m += taps) {
          for (let i = 0; i < kh; i++) {
            const y = q * sh + i - padInfo.top;
            if (y < 0 || y >= inHeight) continue;
            const row = image + y * inWidth;
            const tap = m + i * kw;
            for (let j = 0; j < kw; j++) {
              const x = p * sw + j - padInfo.left;
              if (x >= 0 && x < inWidth) dx[row + x] += c[tap + j];
            }
          }
        }
      }
    }
    return out;
  } finally {
    cols.dispose();
  }
}
