/**
 * Sum and Mean over leading axes, and LeakyRelu, for the wasm backend in wasm SIMD.
 *
 * Why: a BatchNorm layer's gradient and a bias gradient reduce [N, H, W, C] over its first three
 * axes. tfjs-backend-wasm 4.22 reduces only innermost axes, so it first transposes the whole input
 * to [C, N·H·W] and then sums each row: ~1.8 ms per call on DCGAN's [64,14,14,64], a dozen calls a
 * step. Here the rows of the [N·H·W, C] view are added into the output four columns at a time, in
 * place on the heap. Each column is still summed in row order from 0, as the built-in kernel does,
 * so the results are bit-identical (tested). LeakyRelu is a scalar loop there; here it is
 * x < 0 ? αx : x on four lanes, the same float32 product.
 *
 * Other axes, dtypes and column counts that are not a multiple of 4 go to the built-in kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { heapFunction, mapOnHeap, simdModuleBytes, wasmOp, type Builtin, type KernelArgs, type WasmHeapBackend } from './wasm-heap';

const { get, set, simd, load, store } = wasmOp;
const i32Const = (n: number) => [0x41, n]; // small non-negative constants only (one LEB128 byte)
const [i32Add, i32GeU, br, brIf, block, loop, end] = [0x6a, 0x4f, 0x0c, 0x0d, [0x02, 0x40], [0x03, 0x40], 0x0b];

/** `columnSum(src, dst, rows, rowBytes)`: dst[c] += src[r, c] for every row r in order; rowBytes a multiple of 16. */
export function columnSumModuleBytes(sharedMemory: boolean): Uint8Array {
  // Params 0 src, 1 dst, 2 rows, 3 rowBytes; locals 4 r, 5 c, 6 row pointer.
  const [SRC, DST, ROWS, ROW_BYTES, R, C, P] = [0, 1, 2, 3, 4, 5, 6];
  const code: number[] = [];
  code.push(...get(SRC), ...set(P));
  code.push(...block, ...loop, ...get(R), ...get(ROWS), i32GeU, brIf, 1); // for (r = 0; r < rows; r++)
  code.push(...i32Const(0), ...set(C));
  code.push(...block, ...loop, ...get(C), ...get(ROW_BYTES), i32GeU, brIf, 1); // for (c = 0; c < rowBytes; c += 16)
  code.push(...get(DST), ...get(C), i32Add); // the store's address
  code.push(...get(DST), ...get(C), i32Add, ...load, ...get(P), ...get(C), i32Add, ...load, ...simd(0xe4), ...store); // f32x4.add
  code.push(...get(C), ...i32Const(16), i32Add, ...set(C), br, 0, end, end);
  code.push(...get(P), ...get(ROW_BYTES), i32Add, ...set(P));
  code.push(...get(R), ...i32Const(1), i32Add, ...set(R), br, 0, end, end);
  code.push(end);
  return simdModuleBytes({ name: 'columnSum', params: [0x7f, 0x7f, 0x7f, 0x7f], locals: [[3, 0x7f]], code, sharedMemory });
}

/** `leakyRelu(src, dst, n, alpha)`: byte offsets, n a multiple of 4. */
export function leakyReluModuleBytes(sharedMemory: boolean): Uint8Array {
  // Params 0 src, 1 dst, 2 n, 3 alpha (f32); locals 4 i, 5 end (i32), 6 x, 7 α in four lanes (v128).
  const [I, END, X, A] = [4, 5, 6, 7];
  const zeros = [...simd(0x0c), ...new Array<number>(16).fill(0)]; // v128.const 0
  const code: number[] = [];
  code.push(...get(3), ...simd(0x13), ...set(A)); // f32x4.splat
  code.push(...wasmOp.bytesOf(2, END), ...wasmOp.loopWhileBelow(I, END));
  code.push(...get(0), ...get(I), i32Add, ...load, ...set(X));
  code.push(...get(1), ...get(I), i32Add); // the store's address
  code.push(...get(X), ...get(A), ...simd(0xe6)); // αx (f32x4.mul)
  code.push(...get(X), ...get(X), ...zeros, ...simd(0x43), ...simd(0x52), ...store); // x < 0 ? αx : x (f32x4.lt, v128.bitselect)
  code.push(...wasmOp.nextLanesAndEnd(I));
  return simdModuleBytes({
    name: 'leakyRelu',
    params: [0x7f, 0x7f, 0x7f, 0x7d],
    locals: [
      [2, 0x7f],
      [2, 0x7b],
    ],
    code,
    sharedMemory,
  });
}

type ColumnSum = (src: number, dst: number, rows: number, rowBytes: number) => void;
type LeakyRelu = (src: number, dst: number, n: number, alpha: number) => void;
const columnSumFor = heapFunction<ColumnSum>('columnSum', columnSumModuleBytes);
const leakyReluFor = heapFunction<LeakyRelu>('leakyRelu', leakyReluModuleBytes);

/** Sum (`mean: false`) or Mean over leading axes; anything else goes to the built-in kernel. */
export function leadingAxesReduceKernel(kernelName: typeof tf.Sum | typeof tf.Mean, builtin: Builtin) {
  return function reduce(args: KernelArgs): tf.TensorInfo {
    const x = args.inputs.x!;
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const rank = x.shape.length;
    // Axes in the order given: the built-in kernel sums rows in that order ([1, 0] is not [0, 1]).
    const axes = rank === 0 ? [] : tf.util.parseAxisParam(axis, x.shape);
    const k = axes.length;
    const leading = k > 0 && k < rank && axes.every((a, i) => a === i);
    const cols = tf.util.sizeFromShape(x.shape.slice(k));
    const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
    const backend = args.backend as unknown as WasmHeapBackend;
    const simdFn = leading && x.dtype === 'float32' && cols % 4 === 0 && rows > 0 ? columnSumFor(backend) : null;
    if (simdFn == null) return builtin(kernelName, args);
    const out = backend.makeOutput(keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k), 'float32');
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    dst.fill(0);
    simdFn(backend.typedArrayFromHeap(x).byteOffset, dst.byteOffset, rows, cols * 4);
    if (kernelName === tf.Mean) for (let c = 0; c < cols; c++) dst[c] = dst[c] / rows;
    return out;
  };
}

/** LeakyRelu; non-float32 input, or no wasm SIMD, goes to the built-in kernel. */
export function leakyReluKernel(builtin: Builtin) {
  return function leakyRelu(args: KernelArgs): tf.TensorInfo {
    const x = args.inputs.x!;
    const { alpha } = args.attrs as unknown as tf.LeakyReluAttrs;
    const backend = args.backend as unknown as WasmHeapBackend;
    const simdFn = x.dtype === 'float32' ? leakyReluFor(backend) : null;
    if (simdFn == null) return builtin(tf.LeakyRelu, args);
    const a = Math.fround(alpha);
    return mapOnHeap(
      backend,
      x,
      (src, dst, n) => simdFn(src, dst, n, alpha),
      (v) => (v < 0 ? Math.fround(a * v) : v),
    );
  };
}
