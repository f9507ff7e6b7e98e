/**
 * Convolution-gradient kernels for the `@tensorflow/tfjs-backend-wasm` backend.
 *
 * tfjs-backend-wasm 4.22 ships no `Conv2DBackpropFilter` kernel, so any conv
 * model fails to train on wasm ("Cannot find registered kernel"), and its
 * `Conv2DBackpropInput` is a scalar C++ loop (~9x slower than the forward
 * XNNPACK conv on the DCGAN shapes). Both are composed here from wasm kernels
 * that are fast (PadV2, Transpose, StridedSlice, Concat on axis 0, BatchMatMul,
 * Conv2D/XNNPACK).
 *
 * Filter gradient (im2col + one matmul). For NHWC, stride s, dilation 1 and
 * x_pad = x zero-padded by the `top`/`left` amounts tfjs computes:
 *
 *   dW[kh,kw,ci,co] = Σ_{b,oh,ow} x_pad[b, oh·s+kh, ow·s+kw, ci] · dy[b,oh,ow,co]
 *
 * With M = b·outH·outW and K = (kh,kw,ci) flattened, the strided window
 * x_pad[:, kh::s, kw::s, :] for each offset (kh,kw) is one K-row block of an
 * im2colᵀ matrix `colT` [K, M], so dW = colT · dy[M, outC]. x is transposed
 * once to [inC, N, H, W] *before* slicing so that every slice is already a
 * [inC, M] block and the blocks are joined by a contiguous axis-0 concat
 * (wasm's Concat on the last axis is a JS element loop), and the matmul needs
 * no transpose flag (wasm's BatchMatMul with transposeA was ~7x slower than an
 * explicit Transpose + plain matmul on the DCGAN conv2 shape).
 *
 * Input gradient (transposed conv as a forward conv):
 *
 *   dx[b,h,w,ci] = Σ_{kh,kw,co} dy_dil[b, h+kh-pT, w+kw-pL, co] · W[K-1-kh, K-1-kw, ci, co]
 *
 * where dy_dil has s-1 zeros between dy elements and pT = K-1-top; this is a
 * stride-1 forward Conv2D (XNNPACK) of the dilated dy with the spatially
 * flipped filter whose in/out channels are swapped.
 *
 * Only NHWC with dilation 1 is supported (what tfjs-layers Conv2D /
 * Conv2DTranspose emit for genlab's models); other cases throw.
 */
import * as tf from '@tensorflow/tfjs';

type Conv2DBackpropFilterAttrs = tf.Conv2DBackpropFilterAttrs;
type Conv2DBackpropInputAttrs = tf.Conv2DBackpropInputAttrs;

/** Kernels installed by {@link registerWasmKernels}, by kernel name. */
const OVERRIDDEN_KERNELS = [tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput] as const;

/** Built-in wasm kernels displaced by ours, kept so they can be restored / benchmarked. */
const displaced = new Map<string, tf.KernelConfig>();
let registered = false;

/**
 * Kernel inputs arrive as Tensors when the kernel is run through
 * `engine.runKernel` (every op and gradient does this). Tf ops need Tensors, so
 * a bare TensorInfo is rejected instead of being wrapped in an untracked Tensor
 * whose disposal would free data the caller owns.
 */
function asTensor(info: tf.TensorInfo, name: string): tf.Tensor {
  if (info instanceof tf.Tensor) return info;
  throw new Error(`genlab wasm conv kernel: input '${name}' must be a tf.Tensor (run it through tf.engine().runKernel)`);
}

/** Rejects what the composed kernels do not implement, with a message saying so. */
function checkSupported(kernel: string, dataFormat: string, convInfo: tf.backend_util.Conv2DInfo): void {
  if (dataFormat !== 'NHWC') {
    throw new Error(`genlab wasm ${kernel}: only dataFormat 'NHWC' is supported, got '${dataFormat}'`);
  }
  if (convInfo.dilationHeight !== 1 || convInfo.dilationWidth !== 1) {
    throw new Error(`genlab wasm ${kernel}: only dilation 1 is supported`);
  }
}

/**
 * Conv2DBackpropFilter as im2colᵀ · dy (see file comment). Why this shape of
 * computation: all heavy lifting is one BatchMatMul without transpose flags,
 * and the im2col copy is built from C++ StridedSlice + contiguous Concat.
 *
 * Returns a Tensor created inside `tf.tidy`: the engine's runKernelFunc passes
 * kernel outputs that already are Tensors (they have `rank`) straight through
 * instead of wrapping them with makeTensorFromTensorInfo, so the tensor is
 * counted exactly once and owned by the caller's scope like any op result.
 */
function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const x = asTensor(args.inputs.x, 'x') as tf.Tensor4D;
  const dy = asTensor(args.inputs.dy, 'dy') as tf.Tensor4D;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const convInfo = tf.backend_util.computeConv2DInfo(
    x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  checkSupported('Conv2DBackpropFilter', dataFormat, convInfo);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = convInfo;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = convInfo;
  const m = batchSize * outHeight * outWidth;

  return tf.tidy(() => {
    // im2col by a depthwise conv with one-hot filters: output channel ci·KK + (i·kw + j)
    // of tap (i, j) copies x_pad[b, oh·s+i, ow·s+j, ci] exactly (1·v plus zeros).
    const kk = kh * kw;
    const oneHot = tf.reshape(tf.oneHot(tf.range(0, kk, 1, 'int32'), kk), [kh, kw, 1, kk]);
    const taps = inChannels === 1 ? oneHot : tf.tile(oneHot, [1, 1, inChannels, 1]);
    const explicit: tf.backend_util.ExplicitPadding = [
      [0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0],
    ];
    const col = tf.depthwiseConv2d(x, taps as tf.Tensor4D, [sh, sw], explicit); // [N, oH, oW, inC·KK]
    if (col.shape[1] !== outHeight || col.shape[2] !== outWidth) {
      throw new Error(`genlab wasm Conv2DBackpropFilter: im2col gave [${col.shape}], dy is [${dy.shape}]`);
    }
    // Explicit transpose then a flag-free matmul: [inC·KK, M] · [M, outC].
    const colT = tf.transpose(tf.reshape(col, [m, inChannels * kk]));
    const dW = tf.matMul(colT, tf.reshape(dy, [m, outChannels])); // rows (ci, i, j)
    return tf.transpose(tf.reshape(dW, [inChannels, kh, kw, outChannels]), [1, 2, 0, 3]);
  });
}

/**
 * Conv2DBackpropInput as a stride-1 forward Conv2D of the zero-dilated dy with
 * the flipped, channel-swapped filter (see file comment). Why: the built-in
 * wasm kernel is a scalar loop, while Conv2D runs on XNNPACK; even though
 * dilation makes the conv do s² times the useful multiply-adds, it wins on the
 * DCGAN / conv-VAE shapes (numbers in bench/NOTES.md).
 */
function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const dy = asTensor(args.inputs.dy, 'dy') as tf.Tensor4D;
  const filter = asTensor(args.inputs.filter, 'filter') as tf.Tensor4D;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const convInfo = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  checkSupported('Conv2DBackpropInput', dataFormat, convInfo);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = convInfo;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = convInfo;

  return tf.tidy(() => {
    // Zero-dilate: [b,oh,1,ow,1,c] padded to [b,oh,sh,ow,sw,c] → [b, oh·sh, ow·sw, c]; the
    // last sh-1 rows / sw-1 cols are surplus zeros, accounted for in the padding below.
    let dyDil: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      const d6 = tf.reshape(dy, [batchSize, outHeight, 1, outWidth, 1, outChannels]);
      const p6 = tf.pad(d6, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
      dyDil = tf.reshape(p6, [batchSize, outHeight * sh, outWidth * sw, outChannels]);
    }
    // Stride-1 "valid" conv over dyDil padded by [before, after] gives inHeight rows when
    // before = K-1-top and after = inHeight-1+top-(outH-1)·s - (s-1 surplus zeros).
    const padTop = kh - 1 - padInfo.top;
    const padBottom = inHeight - 1 + padInfo.top - (outHeight - 1) * sh - (sh - 1);
    const padLeft = kw - 1 - padInfo.left;
    const padRight = inWidth - 1 + padInfo.left - (outWidth - 1) * sw - (sw - 1);
    let src: tf.Tensor4D = dyDil;
    if (padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0) {
      // Explicit pads larger than the kernel, or surplus zeros past the last read row: crop.
      const t = Math.max(0, -padTop);
      const l = Math.max(0, -padLeft);
      const h = src.shape[1] - t - Math.max(0, -padBottom);
      const w = src.shape[2] - l - Math.max(0, -padRight);
      src = tf.slice(src, [0, t, l, 0], [batchSize, h, w, outChannels]);
    }
    // W[kh,kw,ci,co] → flipped spatially, as a [kh,kw,co,ci] forward filter.
    const flipped = tf.reverse(tf.transpose(filter, [0, 1, 3, 2]), [0, 1]) as tf.Tensor4D;
    const explicit: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [Math.max(0, padTop), Math.max(0, padBottom)],
      [Math.max(0, padLeft), Math.max(0, padRight)],
      [0, 0],
    ];
    const dx = tf.conv2d(src, flipped, 1, explicit, 'NHWC');
    if (dx.shape[1] !== inHeight || dx.shape[2] !== inWidth || dx.shape[3] !== inChannels) {
      throw new Error(`genlab wasm Conv2DBackpropInput: internal shape error, got [${dx.shape}] for input [${inputShape}]`);
    }
    return dx;
  });
}

/**
 * Registers the composed conv-gradient kernels on the 'wasm' backend. Why:
 * without Conv2DBackpropFilter no conv model can train on wasm at all.
 * Idempotent: a second call is a no-op. The built-in wasm Conv2DBackpropInput is
 * replaced (it was slower on every measured shape, see bench/NOTES.md) and kept
 * for {@link unregisterWasmKernels}.
 */
export function registerWasmKernels(): void {
  if (registered) return;
  const funcs: Record<(typeof OVERRIDDEN_KERNELS)[number], tf.KernelFunc> = {
    [tf.Conv2DBackpropFilter]: conv2DBackpropFilter as unknown as tf.KernelFunc,
    [tf.Conv2DBackpropInput]: conv2DBackpropInput as unknown as tf.KernelFunc,
  };
  for (const kernelName of OVERRIDDEN_KERNELS) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing != null) {
      displaced.set(kernelName, existing);
      tf.unregisterKernel(kernelName, 'wasm');
    }
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: funcs[kernelName] });
  }
  registered = true;
}

/**
 * Removes the kernels added by {@link registerWasmKernels} and puts the
 * built-in ones back. Why: lets tests and benchmarks compare against the
 * built-in wasm Conv2DBackpropInput in the same process.
 */
export function unregisterWasmKernels(): void {
  if (!registered) return;
  for (const kernelName of OVERRIDDEN_KERNELS) {
    tf.unregisterKernel(kernelName, 'wasm');
    const original = displaced.get(kernelName);
    if (original != null) tf.registerKernel(original);
  }
  displaced.clear();
  registered = false;
}
