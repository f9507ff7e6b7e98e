/**
 * Convolution-gradient kernels for the `@tensorflow/tfjs-backend-wasm` backend.
 *
 * tfjs-backend-wasm 4.22 ships no `Conv2DBackpropFilter` kernel, so any conv
 * model fails to train on wasm ("Cannot find registered kernel"), and its
 * `Conv2DBackpropInput` is a scalar C++ loop (~9x slower than the forward
 * XNNPACK conv with the same multiply-adds on DCGAN conv2: 273 vs 31 ms).
 * Both are composed here from wasm kernels that are fast: Conv2D (XNNPACK), Transpose of rank
 * <= 5, BatchMatMul without transpose flags.
 *
 * Filter gradient: one dilated forward conv with batch and channels swapped, in
 * wasm-conv-filter.ts. (An earlier im2col by a depthwise conv with one-hot filters, then a
 * Transpose and one matmul, wrote a K²-times-larger matrix; the conv form takes 7–12% off
 * a DCGAN or conv VAE step, bench/NOTES.md.)
 *
 * Input gradient: the sub-pixel form of the transposed conv, or for one-channel dx a matmul and
 * col2im, in wasm-conv-input.ts.
 *
 * Only NHWC with dilation 1 is supported (what tfjs-layers Conv2D /
 * Conv2DTranspose emit for genlab's models); other cases throw.
 *
 * BatchMatMul with transpose flags. The wasm BatchMatMul runs XNNPACK only
 * for flag-free products; with transposeA or transposeB set it falls back to
 * a scalar loop, 7-90x slower (bench/NOTES.md). Every dense layer's backward
 * pass sets one flag (dA = dy·Wᵀ, dW = Aᵀ·dy), so the override materializes
 * the transpose with the (fast) Transpose kernel and calls the flag-free
 * built-in matmul, choosing per call the cheaper of two identities:
 *
 *   A·Bᵀ = A·(Bᵀ)          transposes B  (K·N values)
 *        = (B·Aᵀ)ᵀ         transposes A and the output (M·K + M·N values)
 *   Aᵀ·B = (Aᵀ)·B          transposes A  (K·M values)
 *   Aᵀ·Bᵀ = (B·A)ᵀ         transposes the output only (M·N values)
 *
 * The product is the same sum in the same order of terms per output, so
 * results agree with cpu to float rounding.
 */
import * as tf from '@tensorflow/tfjs';
import { installFusedAdam, uninstallFusedAdam } from './wasm-adam';
import { reverseKernel, sliceKernel, tileKernel } from './wasm-elementwise';
import { tanhKernel } from './wasm-tanh';
import { leadingAxesReduceKernel, leakyReluKernel } from './wasm-reduce';
import type { KernelArgs, WasmHeapBackend } from './wasm-heap';
import { asTensor, checkSupported, registerConvFilterGradient } from './wasm-conv-filter';
import { col2imBackpropInput, subPixelBackpropInput, subPixelOptions } from './wasm-conv-input';

type Conv2DBackpropInputAttrs = tf.Conv2DBackpropInputAttrs;

/** Kernels installed by {@link registerWasmKernels}, by kernel name. */
export const OVERRIDDEN_KERNELS = [
  tf.Conv2DBackpropInput,
  tf.BatchMatMul,
  tf._FusedMatMul,
  tf.Identity,
  tf.Tile,
  tf.Reverse,
  tf.Slice,
  tf.Tanh,
  tf.Sum,
  tf.Mean,
  tf.LeakyRelu,
] as const;
export type OverriddenKernel = (typeof OVERRIDDEN_KERNELS)[number];

/** Built-in wasm kernels displaced by ours, kept so they can be restored / benchmarked. */
const displaced = new Map<string, tf.KernelConfig>();
let registered = false;
/** The options of the installed set, so a call with other options is not mistaken for a repeat. */
let registeredOptions = '';
/** Kernel names our kernels are currently registered under. */
const installed: string[] = [];
/** Per displaced kernel, the backends on which its setupFunc has run. */
const builtinSetUp = new Map<string, WeakSet<tf.KernelBackend>>();

/**
 * Runs a displaced built-in wasm kernel. Its setupFunc (binding the C function
 * with cwrap) only ran if it was registered when the backend started, so it is
 * run here once per backend.
 */
function callBuiltin(kernelName: string, args: KernelArgs): tf.TensorInfo {
  const builtin = displaced.get(kernelName);
  if (builtin == null) throw new Error(`genlab wasm: no built-in ${kernelName} kernel to delegate to`);
  let done = builtinSetUp.get(kernelName);
  if (done == null) builtinSetUp.set(kernelName, (done = new WeakSet()));
  if (!done.has(args.backend)) {
    builtin.setupFunc?.(args.backend);
    done.add(args.backend);
  }
  return builtin.kernelFunc({ inputs: args.inputs, attrs: args.attrs ?? {}, backend: args.backend }) as tf.TensorInfo;
}

/**
 * Conv2DBackpropInput as stride-1 forward Conv2Ds producing the s² output
 * phases, then depth-to-space (wasm-conv-input.ts). Why: the built-in wasm kernel
 * is a scalar loop while Conv2D runs on XNNPACK (2.5-4x faster on the DCGAN /
 * conv-VAE shapes, bench/NOTES.md); one-channel dx with stride > 1 is a matmul
 * and col2im instead. Returns a Tensor (see wasm-conv-filter.ts) or the col2im
 * output's TensorInfo.
 */
function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const dy = asTensor(args.inputs.dy, 'dy') as tf.Tensor4D;
  const filter = asTensor(args.inputs.filter, 'filter') as tf.Tensor4D;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const convInfo = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  checkSupported('Conv2DBackpropInput', dataFormat, convInfo);
  const { inChannels, strideHeight: sh, strideWidth: sw } = convInfo;
  if (inChannels === 1 && (sh > 1 || sw > 1)) {
    // dx with one channel and stride > 1: the sub-pixel conv would have only sh·sw output
    // channels (poor XNNPACK use), so a matmul and col2im (bench/NOTES.md).
    const builtin = displaced.get(tf.Conv2DBackpropInput);
    if (subPixelOptions.col2imOneChannel || builtin == null) return col2imBackpropInput(dy, filter, convInfo, args.backend as unknown as WasmHeapBackend);
    return callBuiltin(tf.Conv2DBackpropInput, args);
  }

  return subPixelBackpropInput(dy, filter, convInfo);
}

/** Swaps the last two axes of a rank >= 2 tensor (through a rank-3 view: wasm's Transpose is fast up to rank 5). */
function transposeLast2(t: tf.Tensor): tf.Tensor {
  const r = t.rank;
  const [m, n] = t.shape.slice(r - 2);
  if (r === 2) return tf.transpose(t);
  const batch = t.size / (m * n);
  const swapped = batch === 1 ? tf.transpose(tf.reshape(t, [m, n])) : tf.transpose(tf.reshape(t, [batch, m, n]), [0, 2, 1]);
  return tf.reshape(swapped, [...t.shape.slice(0, r - 2), n, m]);
}

/**
 * BatchMatMul with transpose flags as Transpose + flag-free built-in matmul
 * (see file comment). Flag-free calls and non-float32 inputs go straight to the
 * built-in kernel. Returns a Tensor created inside `tf.tidy` (see wasm-conv-filter.ts).
 */
function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const { transposeA, transposeB } = (args.attrs ?? {}) as unknown as tf.BatchMatMulAttrs;
  const ai = args.inputs.a;
  const bi = args.inputs.b;
  if ((!transposeA && !transposeB) || ai?.dtype !== 'float32' || bi?.dtype !== 'float32') return callBuiltin(tf.BatchMatMul, args);
  const a = asTensor(ai, 'a');
  const b = asTensor(bi, 'b');
  if (a.rank < 2 || b.rank < 2) return callBuiltin(tf.BatchMatMul, args);
  return tf.tidy(() => {
    if (transposeA && transposeB) return transposeLast2(tf.matMul(b, a)); // Aᵀ·Bᵀ = (B·A)ᵀ
    if (transposeA) return tf.matMul(transposeLast2(a), b);
    // A·Bᵀ with A [.., M, K], B [.., N, K]: transpose B (K·N values) or A and the output (M·K + M·N).
    const [m, k] = a.shape.slice(a.rank - 2);
    const n = b.shape[b.rank - 2];
    const batchA = a.size / (m * k);
    const batchB = b.size / (n * k);
    if (batchA === 1 && batchB === 1 && m * k + m * n < k * n) return transposeLast2(tf.matMul(b, transposeLast2(a)));
    return tf.matMul(a, transposeLast2(b));
  });
}

/** Activations the fused-matmul override applies as separate ops (the rest go to the built-in kernel). */
const ACTIVATIONS: Record<string, (y: tf.Tensor, alpha: number) => tf.Tensor> = {
  linear: (y) => y,
  relu: (y) => tf.relu(y),
  relu6: (y) => tf.relu6(y),
  sigmoid: (y) => tf.sigmoid(y),
  elu: (y) => tf.elu(y),
  leakyrelu: (y, alpha) => tf.leakyRelu(y, alpha),
};

/**
 * _FusedMatMul with a transposed operand as the (transpose-free) BatchMatMul
 * override, a bias Add and the activation. Why: like BatchMatMul, the built-in
 * fused kernel runs XNNPACK only without transpose flags and a scalar loop
 * otherwise (22 ms against 2 ms on [100,500]·[784,500]ᵀ), and with
 * transposeB and a bias it adds the wrong bias elements (tfjs 4.22; the test
 * shows it). Flag-free calls (every Dense layer's forward pass) stay on the
 * built-in kernel: replacing them by matmul + add + activation measured no
 * faster in a training step (the MLP GAN step 2.6 ms slower, bench/NOTES.md)
 * and would change results in the last bit. PReLU goes to the built-in kernel.
 */
function fusedMatMul(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const { transposeA, transposeB, activation, leakyreluAlpha } = (args.attrs ?? {}) as unknown as {
    transposeA: boolean;
    transposeB: boolean;
    activation?: string;
    leakyreluAlpha?: number;
  };
  const { a: ai, b: bi, bias: biasInfo, preluActivationWeights } = args.inputs;
  const act = ACTIVATIONS[activation ?? 'linear'];
  if ((!transposeA && !transposeB) || preluActivationWeights != null || act == null || ai?.dtype !== 'float32' || bi?.dtype !== 'float32') {
    return callBuiltin(tf._FusedMatMul, args);
  }
  const a = asTensor(ai, 'a');
  const b = asTensor(bi, 'b');
  const bias = biasInfo == null ? undefined : asTensor(biasInfo, 'bias');
  return tf.tidy(() => {
    const y = tf.matMul(a, b, transposeA, transposeB); // flagged products: batchMatMul above
    return act(bias ? tf.add(y, bias) : y, leakyreluAlpha ?? 0.2);
  });
}

/**
 * Identity that shares the input's buffer (refcount + 1) instead of copying it.
 * Why: the built-in wasm Identity copies, and the engine calls Identity on every
 * tensor a custom gradient saves (tf.fused.matMul saves its inputs, i.e. each
 * dense layer's weights and activations): 58-122 copies per MLP step
 * (bench/NOTES.md). The cpu and webgl backends share the buffer the same way,
 * as the wasm Reshape kernel does; no wasm kernel writes into its inputs.
 */
function identity(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const x = args.inputs.x!;
  if (x.dtype === 'string') return callBuiltin(tf.Identity, args);
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Registers genlab's wasm kernels: the composed conv gradients, the
 * transpose-free BatchMatMul and fused matmul, a buffer-sharing Identity,
 * block-copying Tile / Reverse / Slice (wasm-elementwise.ts), a SIMD rational Tanh
 * (wasm-tanh.ts), SIMD Sum / Mean over leading axes and LeakyRelu (wasm-reduce.ts) and the fused Adam update
 * (wasm-adam.ts; `fusedAdam: false` leaves tfjs's Adam alone). Why: without Conv2DBackpropFilter no conv model
 * can train on wasm at all, and the built-in Conv2DBackpropInput and flagged
 * BatchMatMul are scalar loops (bench/NOTES.md). Idempotent: a second call with
 * the same options is a no-op; with other options it replaces the set. Displaced built-in kernels are kept (our kernels delegate to them)
 * and restored by {@link unregisterWasmKernels}. `options.kernels` installs
 * only some of them (benchmarks measure each one's effect this way).
 */
export function registerWasmKernels(options: { kernels?: readonly OverriddenKernel[]; fusedAdam?: boolean } = {}): void {
  const wanted = JSON.stringify([[...(options.kernels ?? OVERRIDDEN_KERNELS)].sort(), options.fusedAdam ?? true]);
  if (registered && wanted === registeredOptions) return;
  // Other options than the installed ones: start from the built-in kernels again.
  unregisterWasmKernels();
  registeredOptions = wanted;
  const funcs: Record<OverriddenKernel, tf.KernelFunc> = {
    [tf.Conv2DBackpropInput]: conv2DBackpropInput as unknown as tf.KernelFunc,
    [tf.BatchMatMul]: batchMatMul as unknown as tf.KernelFunc,
    [tf._FusedMatMul]: fusedMatMul as unknown as tf.KernelFunc,
    [tf.Identity]: identity as unknown as tf.KernelFunc,
    [tf.Tile]: tileKernel(callBuiltin) as unknown as tf.KernelFunc,
    [tf.Reverse]: reverseKernel(callBuiltin) as unknown as tf.KernelFunc,
    [tf.Slice]: sliceKernel(callBuiltin) as unknown as tf.KernelFunc,
    [tf.Tanh]: tanhKernel(callBuiltin) as unknown as tf.KernelFunc,
    [tf.Sum]: leadingAxesReduceKernel(tf.Sum, callBuiltin) as unknown as tf.KernelFunc,
    [tf.Mean]: leadingAxesReduceKernel(tf.Mean, callBuiltin) as unknown as tf.KernelFunc,
    [tf.LeakyRelu]: leakyReluKernel(callBuiltin) as unknown as tf.KernelFunc,
  };
  registerConvFilterGradient(); // not a speed-up: training needs it, and it is never unregistered
  for (const kernelName of options.kernels ?? OVERRIDDEN_KERNELS) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing != null) {
      displaced.set(kernelName, existing);
      tf.unregisterKernel(kernelName, 'wasm');
    }
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: funcs[kernelName] });
    installed.push(kernelName);
  }
  if (options.fusedAdam ?? true) installFusedAdam();
  registered = true;
}

/**
 * Removes the kernels added by {@link registerWasmKernels} and puts the
 * built-in ones back. Why: lets tests and benchmarks compare against the
 * built-in wasm kernels in the same process.
 */
export function unregisterWasmKernels(): void {
  if (!registered) return;
  for (const kernelName of installed) {
    tf.unregisterKernel(kernelName, 'wasm');
    const original = displaced.get(kernelName);
    if (original != null) {
      tf.registerKernel(original);
      // A built-in kernel displaced before the backend started never had its setupFunc
      // (the cwrap binding) run; run it now, or the restored kernel cannot be called.
      const backend = tf.findBackend('wasm');
      const done = builtinSetUp.get(kernelName);
      if (backend != null && !done?.has(backend)) {
        original.setupFunc?.(backend);
        if (done) done.add(backend);
        else builtinSetUp.set(kernelName, new WeakSet([backend]));
      }
    }
  }
  installed.length = 0;
  displaced.clear();
  uninstallFusedAdam();
  registered = false;
}
