/**
 * Tanh for the wasm backend as a rational function in wasm SIMD.
 *
 * Why: tfjs-backend-wasm 4.22's Tanh calls the scalar libm `tanh` per element,
 * ~14 ns each: 1.4 ms of a ~21-25 ms MLP VAE step (two [100,500] layers) and as
 * much in the MLP GAN (the generator's [64,784] output, twice per step). This
 * kernel evaluates the odd rational approximation Eigen uses for float tanh
 * (numerator degree 13, denominator degree 6, |x| clamped to 7.9053, tanh(x) = x
 * for |x| < 4e-4) four lanes at a time: mul/add/div/min/max only, so it is
 * deterministic and gives the same bits on every machine. It differs from libm
 * by at most 6 ulp (3.6e-7 absolute; measured over 2·10⁶ points, and tested
 * against the cpu backend).
 *
 * The module is assembled by wasm-heap.ts, like the Adam one; the last
 * n mod 4 elements run the same arithmetic in JavaScript (`Math.fround` after
 * each operation), which is bit-identical to the SIMD lanes.
 */
import * as tf from '@tensorflow/tfjs';
import { heapFunction, mapOnHeap, simdModuleBytes, wasmOp, type Builtin, type KernelArgs, type WasmHeapBackend } from './wasm-heap';

const fr = Math.fround;
/** Numerator coefficients α1..α13 (odd powers), denominator β0..β6 (even powers). */
const ALPHA = [
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16,
].map(fr);
const BETA = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6].map(fr);
const CLAMP = fr(7.90531110763549805);
const TINY = fr(4e-4);

/** The scalar twin of the SIMD loop (exactly the same float32 operations in the same order). */
export function tanhScalar(x0: number): number {
  const x = Math.min(CLAMP, Math.max(-CLAMP, x0));
  const x2 = fr(x * x);
  let p = ALPHA[6];
  for (let i = 5; i >= 0; i--) p = fr(fr(p * x2) + ALPHA[i]);
  p = fr(p * x);
  let q = BETA[3];
  for (let i = 2; i >= 0; i--) q = fr(fr(q * x2) + BETA[i]);
  return Math.abs(x0) < TINY ? x0 : fr(p / q);
}

/** `tanh(src, dst, n)`: byte offsets into the imported memory, n a multiple of 4. */
export function tanhSimdModuleBytes(sharedMemory: boolean): Uint8Array {
  const { get, set, simd, load, store } = wasmOp;
  const splat = (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer), ...simd(0x13)]; // f32.const; f32x4.splat
  const [lt, abs, add, mul, div, min, max] = [0x43, 0xe0, 0xe4, 0xe6, 0xe7, 0xe8, 0xe9].map(simd);
  const bitselect = simd(0x52);
  // Params 0 src, 1 dst, 2 n; locals 3 i, 4 end (i32); 5 x, 6 xc, 7 x2, 8 p, 9 q (v128).
  const [I, END, X, XC, X2, P, Q] = [3, 4, 5, 6, 7, 8, 9];
  const code: number[] = [];
  code.push(...wasmOp.bytesOf(2, END), ...wasmOp.loopWhileBelow(I, END));
  code.push(...get(0), ...get(I), 0x6a, ...load, ...set(X));
  code.push(...splat(CLAMP), ...splat(-CLAMP), ...get(X), ...max, ...min, ...set(XC)); // min(C, max(-C, x))
  code.push(...get(XC), ...get(XC), ...mul, ...set(X2));
  code.push(...splat(ALPHA[6]));
  for (let i = 5; i >= 0; i--) code.push(...get(X2), ...mul, ...splat(ALPHA[i]), ...add);
  code.push(...get(XC), ...mul, ...set(P));
  code.push(...splat(BETA[3]));
  for (let i = 2; i >= 0; i--) code.push(...get(X2), ...mul, ...splat(BETA[i]), ...add);
  code.push(...set(Q));
  code.push(...get(1), ...get(I), 0x6a); // store address
  code.push(...get(X), ...get(P), ...get(Q), ...div, ...get(X), ...abs, ...splat(TINY), ...lt, ...bitselect, ...store); // |x| < tiny ? x : p/q
  code.push(...wasmOp.nextLanesAndEnd(I));
  return simdModuleBytes({
    name: 'tanh',
    params: [0x7f, 0x7f, 0x7f],
    locals: [
      [2, 0x7f],
      [5, 0x7b],
    ],
    code,
    sharedMemory,
  });
}

type SimdTanh = (src: number, dst: number, n: number) => void;
const simdTanhFor = heapFunction<SimdTanh>('tanh', tanhSimdModuleBytes);

/** The Tanh kernel; non-float32 input, or no wasm SIMD, goes to the built-in kernel. */
export function tanhKernel(builtin: Builtin) {
  return function tanh(args: KernelArgs): tf.TensorInfo {
    const x = args.inputs.x!;
    const backend = args.backend as unknown as WasmHeapBackend;
    const simdFn = x.dtype === 'float32' ? simdTanhFor(backend) : null;
    if (simdFn == null) return builtin(tf.Tanh, args);
    return mapOnHeap(backend, x, simdFn, tanhScalar);
  };
}
