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

/**
 * dx for dy and filter: one stride-1 conv per output phase, then depth-to-space and a crop. Returns
 * a Tensor made inside `tf.tidy` (see wasm-conv-filter.ts on why kernels may return Tensors).
 */
export function subPixelBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, convInfo: tf.backend_util.Conv2DInfo): tf.Tensor {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = convInfo;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = convInfo;
  return tf.tidy(() => {
    // Sub-pixel form: with u = h + top = s·q + r, dx[u] = Σ_t dy[q - t] · W[s·t + r], so one
    // stride-1 conv of dy (padded by T-1 on top, T = ceil(K/s)) with filter
    // F[a, b, co, (rh, rw, ci)] = W[s·(T-1-a) + rh, s·(T-1-b) + rw, ci, co] (zero past K)
    // yields all s² phases r as channels; depth-to-space + crop gives dx.
    const th = Math.ceil(kh / sh);
    const tw = Math.ceil(kw / sw);
    const qh = Math.floor((inHeight - 1 + padInfo.top) / sh) + 1; // phase rows needed
    const qw = Math.floor((inWidth - 1 + padInfo.left) / sw) + 1;
    const wPad =
      th * sh > kh || tw * sw > kw
        ? tf.pad(filter, [
            [0, th * sh - kh],
            [0, tw * sw - kw],
            [0, 0],
            [0, 0],
          ])
        : filter;
    // [th, sh, tw, sw·inC, outC] → [th, tw, outC, sh, sw·inC] (5-D: wasm's 6-D transpose is
    // ~20x slower), then flip both tap axes at once by reversing the flattened th·tw axis.
    const taps = tf.transpose(tf.reshape(wPad, [th, sh, tw, sw * inChannels, outChannels]), [0, 2, 4, 1, 3]);
    const flat = tf.reshape(taps, [th * tw, outChannels * sh * sw * inChannels]);
    const f = tf.reshape(th * tw > 1 ? tf.reverse(flat, 0) : flat, [th, tw, outChannels, sh * sw * inChannels]);
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
    let phases = phaseConvolutions(dy, f as tf.Tensor4D, explicit, [sh, sw], [kh, kw], inChannels) ?? tf.conv2d(dy, f as tf.Tensor4D, 1, explicit, 'NHWC');
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

/**
 * The s² phases of the sub-pixel conv as s² separate convs, each with only its own taps. Phase r
 * has ceil((K − r)/s) taps along an axis, not T = ceil(K/s): the zero-padded rest of the combined
 * filter F sits at its leading (flipped) taps, so phase r's conv is F's trailing taps with that
 * many fewer rows of top padding, and gives the same output rows. For 5×5 at stride 2 that is 25
 * taps per output pixel instead of 36, for 3×3 9 instead of 16. Returns the phases concatenated
 * in F's channel order (rh, rw, ci), or undefined where a phase has no taps or the padding would
 * go negative (the combined conv handles those).
 */
function phaseConvolutions(
  dy: tf.Tensor4D,
  f: tf.Tensor4D,
  explicit: tf.backend_util.ExplicitPadding,
  [sh, sw]: [number, number],
  [kh, kw]: [number, number],
  inChannels: number,
): tf.Tensor4D | undefined {
  if (sh === 1 && sw === 1) return undefined;
  const [th, tw, outChannels] = f.shape;
  const tapsH = Array.from({ length: sh }, (_, r) => Math.ceil((kh - r) / sh));
  const tapsW = Array.from({ length: sw }, (_, r) => Math.ceil((kw - r) / sw));
  if ([...tapsH, ...tapsW].some((t) => t < 1)) return undefined;
  if (tapsH.every((t) => t === th) && tapsW.every((t) => t === tw)) return undefined; // no zero taps to skip
  const [, [top, bottom], [left, right]] = explicit;
  if (th - tapsH[sh - 1] > top || tw - tapsW[sw - 1] > left) return undefined;
  // [th, tw·outC, phase, inC]: one phase's trailing taps are a rank-4 slice (wasm slices rank ≤ 4 natively).
  const byPhase = tf.reshape(f, [th, tw * outChannels, sh * sw, inChannels]);
  const parts: tf.Tensor4D[] = [];
  for (let rh = 0; rh < sh; rh++) {
    for (let rw = 0; rw < sw; rw++) {
      const [skipH, skipW] = [th - tapsH[rh], tw - tapsW[rw]];
      const sub = tf.reshape(tf.slice(byPhase, [skipH, skipW * outChannels, rh * sw + rw, 0], [tapsH[rh], tapsW[rw] * outChannels, 1, inChannels]), [
        tapsH[rh],
        tapsW[rw],
        outChannels,
        inChannels,
      ]) as tf.Tensor4D;
      const pad: tf.backend_util.ExplicitPadding = [
        [0, 0],
        [top - skipH, bottom],
        [left - skipW, right],
        [0, 0],
      ];
      parts.push(tf.conv2d(dy, sub, 1, pad, 'NHWC'));
    }
  }
  return tf.concat(parts, 3);
}
