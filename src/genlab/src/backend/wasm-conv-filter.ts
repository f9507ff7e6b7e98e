/**
 * Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22 does not ship: without
 * it no convolutional model trains on wasm ("Cannot find registered kernel"). It is part of
 * genlab's core, not of the optional speed-ups (wasm-accel.ts): it is registered through the
 * public kernel registry and computed from public ops only (depthwiseConv2d, transpose, matMul);
 * the derivation is in wasm-kernels.ts's file comment.
 */
import * as tf from '@tensorflow/tfjs';

type Conv2DBackpropFilterAttrs = tf.Conv2DBackpropFilterAttrs;

/**
 * Kernel inputs arrive as Tensors when the kernel is run through
 * `engine.runKernel` (every op and gradient does this). Tf ops need Tensors, so
 * a bare TensorInfo is rejected instead of being wrapped in an untracked Tensor
 * whose disposal would free data the caller owns.
 */
export function asTensor(info: tf.TensorInfo | undefined, name: string): tf.Tensor {
  if (info instanceof tf.Tensor) return info as tf.Tensor;
  throw new Error(`genlab wasm conv kernel: input '${name}' must be a tf.Tensor (run it through tf.engine().runKernel)`);
}

/** Rejects what the composed kernels do not implement, with a message saying so. */
export function checkSupported(kernel: string, dataFormat: string, convInfo: tf.backend_util.Conv2DInfo): void {
  if (dataFormat !== 'NHWC') {
    throw new Error(`genlab wasm ${kernel}: only dataFormat 'NHWC' is supported, got '${dataFormat}'`);
  }
  if (convInfo.dilationHeight !== 1 || convInfo.dilationWidth !== 1) {
    throw new Error(`genlab wasm ${kernel}: only dilation 1 is supported`);
  }
}

/**
 * Conv2DBackpropFilter as colᵀ · dy (see file comment). Why this shape of
 * computation: the heavy lifting is one BatchMatMul without transpose flags,
 * and the im2col copy is one depthwise conv instead of kh·kw slow StridedSlices.
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
    x.shape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  checkSupported('Conv2DBackpropFilter', dataFormat, convInfo);
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = convInfo;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = convInfo;
  const m = batchSize * outHeight * outWidth;

  return tf.tidy(() => {
    // im2col by a depthwise conv with one-hot filters: output channel ci·KK + (i·kw + j)
    // of tap (i, j) copies x_pad[b, oh·s+i, ow·s+j, ci] exactly (1·v plus zeros).
    const kk = kh * kw;
    const oneHot = tf.reshape(tf.eye(kk), [kh, kw, 1, kk]);
    const taps = inChannels === 1 ? oneHot : tf.tile(oneHot, [1, 1, inChannels, 1]);
    const explicit: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [padInfo.top, padInfo.bottom],
      [padInfo.left, padInfo.right],
      [0, 0],
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
 * Registers {@link conv2DBackpropFilter} on wasm unless a kernel of that name is there already
 * (a future tfjs that ships one keeps its own). Idempotent.
 */
export function registerConvFilterGradient(): void {
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm') != null) return;
  tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2DBackpropFilter });
}
