/**
 * A fused Adam update for the wasm backend.
 *
 * tfjs-core's `AdamOptimizer.applyGradients` runs 14 elementwise kernels per
 * variable (mul, mul, add, square, mul, mul, add, div, div, sqrt, add, div,
 * mul, add), each a full pass over the variable through the wasm heap plus a
 * kernel dispatch; on the MLP GAN step that is ~15-25 ms of a ~85-180 ms step
 * (bench/NOTES.md). The `GenlabAdamUpdate` kernel does the same arithmetic in
 * one JavaScript pass over the wasm heap and returns the new value, first and
 * second moments.
 *
 * Every intermediate is rounded to float32 (`Math.fround`) in the same order
 * as the op-by-op version, and float32 +, -, ×, ÷ and √ are correctly rounded
 * in both, so the result is bit-identical to stock Adam on wasm (the test
 * suite checks this), and checkpoints/resume behave exactly as before.
 *
 * {@link installFusedAdam} wraps `tf.AdamOptimizer.prototype.applyGradients`:
 * while the active backend is `wasm` (and every gradient is float32) the fused
 * path runs, keeping the optimizer's own state (`accumulatedFirstMoment`,
 * `accumulatedSecondMoment`, `accBeta1/2`, iterations) exactly as the original
 * keeps it, so `getWeights`/`setWeights` are unchanged; on any other backend
 * the original method runs.
 */
import * as tf from '@tensorflow/tfjs';
import { heapFunction, simdModuleBytes, wasmOp, type KernelArgs, type WasmHeapBackend } from './wasm-heap';

export const ADAM_KERNEL = 'GenlabAdamUpdate';

interface AdamAttrs {
  beta1: number;
  beta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  learningRate: number;
}

type SimdAdam = (
  w: number,
  g: number,
  m0: number,
  v0: number,
  w1: number,
  m1: number,
  v1: number,
  n: number,
  b1: number,
  c1: number,
  b2: number,
  c2: number,
  d1: number,
  d2: number,
  eps: number,
  nlr: number,
) => void;

/**
 * A hand-assembled wasm SIMD module (no toolchain needed) with one function
 * `adam(w, g, m0, v0, w1, m1, v1, n, β1, 1-β1, β2, 1-β2, 1-β1ᵗ, 1-β2ᵗ, ε, -lr)`:
 * pointers are byte offsets into the imported memory (tfjs's heap), n a
 * multiple of 4. Four lanes per iteration with f32x4 mul/add/div/sqrt in the
 * order of the scalar loop in {@link adamKernel}; lane arithmetic is IEEE
 * float32, so the lanes equal the scalar results bit for bit (tested).
 * Equivalent text:
 *
 *   loop: G = load(g+i); M = load(m0+i)·B1 + G·C1; V = load(v0+i)·B2 + (G·G)·C2
 *         store(m1+i, M); store(v1+i, V)
 *         store(w1+i, ((M/D1) / (sqrt(V/D2) + EPS))·NLR + load(w+i)); i += 16
 */
export function adamSimdModuleBytes(sharedMemory: boolean): Uint8Array {
  const { get, set, simd, load, store } = wasmOp;
  const [splat, sqrt, add, mul, div] = [0x13, 0xe3, 0xe4, 0xe6, 0xe7].map(simd); // f32x4.*
  // Locals: params 0-7 i32 (w g m0 v0 w1 m1 v1 n), 8-15 f32 scalars; 16 i, 17 end; 18-25 splats; 26 G, 27 M, 28 V.
  const [I, END, G, M, V] = [16, 17, 26, 27, 28];
  const at = (p: number) => [...get(p), ...get(I), 0x6a]; // p + i
  const code: number[] = [];
  for (let k = 0; k < 8; k++) code.push(...get(8 + k), ...splat, ...set(18 + k));
  code.push(...wasmOp.bytesOf(7, END), ...wasmOp.loopWhileBelow(I, END));
  code.push(...at(1), ...load, ...set(G));
  code.push(...at(2), ...load, ...get(18), ...mul, ...get(G), ...get(19), ...mul, ...add, ...set(M));
  code.push(...at(3), ...load, ...get(20), ...mul, ...get(G), ...get(G), ...mul, ...get(21), ...mul, ...add, ...set(V));
  code.push(...at(5), ...get(M), ...store, ...at(6), ...get(V), ...store);
  code.push(...at(4), ...get(M), ...get(22), ...div, ...get(V), ...get(23), ...div, ...sqrt, ...get(24), ...add, ...div);
  code.push(...get(25), ...mul, ...at(0), ...load, ...add, ...store);
  code.push(...wasmOp.nextLanesAndEnd(I));
  return simdModuleBytes({
    name: 'adam',
    params: [...Array<number>(8).fill(0x7f), ...Array<number>(8).fill(0x7d)],
    locals: [
      [2, 0x7f],
      [11, 0x7b],
    ],
    code,
    sharedMemory,
  });
}

/** The SIMD function bound to the backend's heap, or null where wasm SIMD or the heap is unavailable. */
const simdAdamFor = heapFunction<SimdAdam>('adam', adamSimdModuleBytes);

let useSimd = true;
/** Test hook: false forces the scalar loop everywhere (true, the default, uses SIMD where it can). */
export function setAdamSimd(on: boolean): void {
  useSimd = on;
}

/**
 * value' , m', v' of one Adam step; see file comment. Scalars arrive as JS
 * numbers and are rounded to float32 exactly as tfjs rounds them when it turns
 * them into scalar tensors.
 */
function adamKernel(args: KernelArgs): tf.TensorInfo[] {
  const { value, gradient, m, v } = args.inputs as Record<string, tf.TensorInfo>;
  const a = args.attrs as unknown as AdamAttrs;
  const backend = args.backend as unknown as WasmHeapBackend;
  const fr = Math.fround;
  const b1 = fr(a.beta1);
  const c1 = fr(1 - a.beta1);
  const b2 = fr(a.beta2);
  const c2 = fr(1 - a.beta2);
  const d1 = fr(a.oneMinusAccBeta1);
  const d2 = fr(a.oneMinusAccBeta2);
  const eps = fr(a.epsilon);
  const nlr = fr(-a.learningRate);
  // Allocate every output before taking heap views: a malloc may grow (and detach) the heap.
  const wOut = backend.makeOutput(value.shape, 'float32');
  const mOut = backend.makeOutput(value.shape, 'float32');
  const vOut = backend.makeOutput(value.shape, 'float32');
  const simdFn = useSimd ? simdAdamFor(backend) : null;
  const size = tf.util.sizeFromShape(value.shape);
  // SIMD for the largest multiple of 4 elements, the scalar loop (same arithmetic) for the rest.
  const start = simdFn ? size - (size % 4) : 0;
  if (simdFn && start > 0) {
    const ptr = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
    simdFn(ptr(value), ptr(gradient), ptr(m), ptr(v), ptr(wOut), ptr(mOut), ptr(vOut), start, b1, c1, b2, c2, d1, d2, eps, nlr);
  }
  if (start === size) return [wOut, mOut, vOut];
  const heap = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const w = heap(value);
  const g = heap(gradient);
  const m0 = heap(m);
  const v0 = heap(v);
  const w1 = heap(wOut);
  const m1 = heap(mOut);
  const v1 = heap(vOut);
  for (let i = start; i < size; i++) {
    const gi = g[i];
    // newFirstMoment = m·β1 + g·(1-β1); newSecondMoment = v·β2 + g²·(1-β2)
    const mi = fr(fr(m0[i] * b1) + fr(gi * c1));
    const vi = fr(fr(v0[i] * b2) + fr(fr(gi * gi) * c2));
    m1[i] = mi;
    v1[i] = vi;
    // value + (m̂ / (√v̂ + ε))·(-lr), with m̂ = m/(1-β1ᵗ), v̂ = v/(1-β2ᵗ)
    const den = fr(fr(Math.sqrt(fr(vi / d2))) + eps);
    w1[i] = fr(fr(fr(fr(mi / d1) / den) * nlr) + w[i]);
  }
  return [wOut, mOut, vOut];
}

let registeredKernel = false;

/** Registers the `GenlabAdamUpdate` kernel for wasm (idempotent). */
export function registerAdamKernel(): void {
  if (registeredKernel || tf.getKernel(ADAM_KERNEL, 'wasm') != null) {
    registeredKernel = true;
    return;
  }
  tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: adamKernel as unknown as tf.KernelFunc });
  registeredKernel = true;
}

type NamedGrads = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

let original: ((this: tf.AdamOptimizer, g: NamedGrads) => void) | undefined;

function gradientList(variableGradients: NamedGrads): { name: string; tensor: tf.Tensor | undefined }[] {
  return Array.isArray(variableGradients)
    ? variableGradients.map((v) => ({ name: v.name, tensor: v.tensor }))
    : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
}

/** The fused replacement of AdamOptimizer.applyGradients (same state handling as tfjs-core 4.22). */
function fusedApplyGradients(this: tf.AdamOptimizer, variableGradients: NamedGrads): void {
  const grads = gradientList(variableGradients);
  if (tf.getBackend() !== 'wasm' || !grads.every((g) => g.tensor == null || g.tensor.dtype === 'float32')) {
    original!.call(this, variableGradients);
    return;
  }
  const self = this as unknown as AdamInternals;
  const registered = tf.engine().registeredVariables;
  tf.tidy(() => {
    // As tfjs: oneMinusAccBeta = 1 - accBeta in float32.
    const oneMinusAccBeta1 = Math.fround(1 - self.accBeta1.dataSync()[0]);
    const oneMinusAccBeta2 = Math.fround(1 - self.accBeta2.dataSync()[0]);
    grads.forEach(({ name, tensor: gradient }, i) => {
      const value = registered[name];
      const trainable = false;
      if (self.accumulatedFirstMoment[i] == null) {
        self.accumulatedFirstMoment[i] = { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(trainable)) };
      }
      if (self.accumulatedSecondMoment[i] == null) {
        self.accumulatedSecondMoment[i] = { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(trainable)) };
      }
      if (gradient == null) return;
      const firstMoment = self.accumulatedFirstMoment[i].variable;
      const secondMoment = self.accumulatedSecondMoment[i].variable;
      const attrs: AdamAttrs = {
        beta1: self.beta1,
        beta2: self.beta2,
        oneMinusAccBeta1,
        oneMinusAccBeta2,
        epsilon: self.epsilon,
        learningRate: self.learningRate,
      };
      const [newValue, newFirst, newSecond] = tf
        .engine()
        .runKernel(ADAM_KERNEL, { value, gradient, m: firstMoment, v: secondMoment }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      firstMoment.assign(newFirst);
      secondMoment.assign(newSecond);
      value.assign(newValue);
    });
    self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
    self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
  });
  self.incrementIterations();
}

/**
 * Routes `AdamOptimizer.applyGradients` through the fused kernel while the wasm
 * backend is active (idempotent; see file comment).
 */
export function installFusedAdam(): void {
  registerAdamKernel();
  const proto = tf.AdamOptimizer.prototype as unknown as { applyGradients: typeof fusedApplyGradients };
  if (original != null) return;
  original = proto.applyGradients;
  proto.applyGradients = fusedApplyGradients;
}

/** Puts tfjs-core's own `applyGradients` back (tests compare the two). */
export function uninstallFusedAdam(): void {
  if (original == null) return;
  (tf.AdamOptimizer.prototype as unknown as { applyGradients: typeof fusedApplyGradients }).applyGradients = original;
  original = undefined;
}
