/**
 * Data-movement kernels for the wasm backend, written in JavaScript over the
 * wasm heap.
 *
 * Why: tfjs-backend-wasm 4.22 implements Tile and Reverse as generic C++ loops
 * that recompute a multi-index per element. Training steps call them in bulk:
 * the BatchNorm gradient tiles [C] to [N,H,W,C] (~21 ms per call on DCGAN's
 * [64,14,14,64] under load), and genlab's Conv2DBackpropInput flips its filter
 * taps with Reverse (~13 ms per call). Here both are copies of contiguous
 * blocks (`TypedArray.set` / `copyWithin`): the DCGAN step is ~9% faster
 * (bench/NOTES.md). Slice is JavaScript in tfjs already, but first copies its
 * whole input out of the heap; here it reads the heap in place.
 *
 * Both only move values, so results are identical to the built-in kernels;
 * strings and scalars go to the built-in kernel. (Greater and Select, the
 * LeakyReLU gradient, were tried the same way and were slower than the
 * built-in kernels as flat JavaScript loops: 12.4 against 7 ms per
 * greater + mul + where on [64,14,14,64].)
 */
import * as tf from '@tensorflow/tfjs';

import type { Builtin, KernelArgs, WasmHeapBackend } from './wasm-heap';

function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Tile: builds the output axis by axis from the innermost one, writing each
 * input block once and then replicating whole output blocks with copyWithin.
 */
export function tileKernel(builtin: Builtin) {
  return function tile(args: KernelArgs): tf.TensorInfo {
    const x = args.inputs.x!;
    const reps = (args.attrs as unknown as tf.TileAttrs).reps;
    if (x.dtype === 'string' || x.shape.length === 0) return builtin(tf.Tile, args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const rank = x.shape.length;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const out = backend.makeOutput(outShape, x.dtype);
    if (tf.util.sizeFromShape(outShape) === 0) return out;
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const inStride = strides(x.shape);
    const outStride = strides(outShape);
    const fill = (axis: number, s: number, d: number): void => {
      const n = x.shape[axis];
      if (axis === rank - 1) {
        dst.set(src.subarray(s, s + n), d);
      } else {
        for (let i = 0; i < n; i++) fill(axis + 1, s + i * inStride[axis], d + i * outStride[axis]);
      }
      // The first n·outStride elements of this axis are written; repeat them reps[axis] - 1 times.
      const block = n * outStride[axis];
      for (let r = 1; r < reps[axis]; r++) dst.copyWithin(d + r * block, d, d + block);
    };
    fill(0, 0, 0);
    return out;
  };
}

/** Reverse: contiguous runs below the last reversed axis are copied whole. */
export function reverseKernel(builtin: Builtin) {
  return function reverse(args: KernelArgs): tf.TensorInfo {
    const x = args.inputs.x!;
    if (x.dtype === 'string' || x.shape.length === 0) return builtin(tf.Reverse, args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const axes = tf.util.parseAxisParam((args.attrs as unknown as tf.ReverseAttrs).dims, x.shape);
    const reversed = x.shape.map((_, i) => axes.includes(i));
    const last = Math.max(-1, ...axes); // axes after this one are copied as contiguous blocks
    const out = backend.makeOutput(x.shape, x.dtype);
    if (tf.util.sizeFromShape(x.shape) === 0) return out;
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const st = strides(x.shape);
    if (last < 0) {
      dst.set(src);
      return out;
    }
    const walk = (axis: number, s: number, d: number): void => {
      const n = x.shape[axis];
      const rev = reversed[axis];
      if (axis === last) {
        const len = st[axis];
        if (len === 1) {
          for (let i = 0; i < n; i++) dst[d + i] = src[s + (rev ? n - 1 - i : i)];
        } else {
          for (let i = 0; i < n; i++) {
            const from = s + (rev ? n - 1 - i : i) * len;
            dst.set(src.subarray(from, from + len), d + i * len);
          }
        }
        return;
      }
      for (let i = 0; i < n; i++) walk(axis + 1, s + (rev ? n - 1 - i : i) * st[axis], d + i * st[axis]);
    };
    walk(0, 0, 0);
    return out;
  };
}

/**
 * Slice: the built-in copies the whole input out of the wasm heap first (`readSync`, a fresh
 * ArrayBuffer per call) and then copies the slice row by row; this reads the heap in place and
 * copies the longest contiguous runs (everything inside the innermost axis that is cut).
 */
export function sliceKernel(builtin: Builtin) {
  return function slice(args: KernelArgs): tf.TensorInfo {
    const x = args.inputs.x!;
    if (x.dtype === 'string' || x.shape.length === 0) return builtin(tf.Slice, args);
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    // As tfjs's parseSliceParams: a number means the first axis; missing begins are 0, sizes -1 (to the end).
    const at = (v: number | number[], i: number, missing: number) => (typeof v === 'number' ? (i === 0 ? v : missing) : (v[i] ?? missing));
    const b = x.shape.map((_, i) => at(begin, i, 0));
    const sz = x.shape.map((d, i) => (at(size, i, -1) === -1 ? d - b[i] : at(size, i, -1)));
    const backend = args.backend as unknown as WasmHeapBackend;
    const out = backend.makeOutput(sz, x.dtype);
    if (tf.util.sizeFromShape(sz) === 0) return out;
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const st = strides(x.shape);
    // Axes after `cut` are taken whole, so each run is sz[cut]·st[cut] contiguous values.
    let cut = x.shape.length - 1;
    while (cut > 0 && sz[cut] === x.shape[cut]) cut--;
    const run = sz[cut] * st[cut];
    let d = 0;
    const walk = (axis: number, s: number): void => {
      if (axis === cut) {
        const from = s + b[cut] * st[cut];
        dst.set(src.subarray(from, from + run), d);
        d += run;
        return;
      }
      for (let i = 0; i < sz[axis]; i++) walk(axis + 1, s + (b[axis] + i) * st[axis]);
    };
    walk(0, 0);
    return out;
  };
}
