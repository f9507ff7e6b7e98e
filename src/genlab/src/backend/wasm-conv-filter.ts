/**
 * Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22 does not ship: without
 * it no convolutional model trains on wasm ("Cannot find registered kernel"). It is part of
 * genlab's core, not of the optional speed-ups (wasm-accel.ts): it is registered through the
 * public kernel registry and computed from public ops only (transpose, a dilated conv2d, slice).
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
 * Conv2DBackpropFilter as one forward conv, with x's channels as the batch and its batch as the
 * channels: dW[i, j, ci, co] = Σ_{b, oh, ow} x[b, s·oh + i − top, s·ow + j − left, ci] · dy[b, oh, ow, co]
 * is a stride-1 correlation of x' = x as [inC, H, W, N] with dy as a filter [oH, oW, N, outC],
 * dilated by the stride s, giving [inC, kh, kw, outC]. Why: XNNPACK's conv reads its patches
 * through pointers (an indirection buffer), so the K²-times-larger im2col matrix and its transpose
 * are never written; the multiply-adds are the same.
 *
 * Returns a Tensor created inside `tf.tidy`: the engine's runKernelFunc passes kernel outputs that
 * already are Tensors (they have `rank`) straight through instead of wrapping them with
 * makeTensorFromTensorInfo, so the tensor is counted exactly once and owned by the caller's scope
 * like any op result.
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
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, padInfo } = convInfo;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = convInfo;
  // The padding that makes the output kh × kw; where it is negative, x has rows no output reaches,
  // and the surplus output rows are cropped instead.
  const bottom = kh + sh * (outHeight - 1) - inHeight - padInfo.top;
  const right = kw + sw * (outWidth - 1) - inWidth - padInfo.left;
  return tf.tidy(() => {
    const grad = tf.conv2d(
      tf.transpose(x, [3, 1, 2, 0]),
      tf.transpose(dy, [1, 2, 0, 3]),
      1,
      [
        [0, 0],
        [padInfo.top, Math.max(0, bottom)],
        [padInfo.left, Math.max(0, right)],
        [0, 0],
      ],
      'NHWC',
      [sh, sw],
    );
    const cropped = grad.shape[1] > kh || grad.shape[2] > kw ? tf.slice(grad, [0, 0, 0, 0], [inChannels, kh, kw, outChannels]) : grad;
    return tf.transpose(cropped, [1, 2, 0, 3]);
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
