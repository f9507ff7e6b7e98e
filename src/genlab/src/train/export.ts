import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler } from './checkpoint';

/** Nearest IEEE half-precision bit pattern of a float32 (round half to even; overflow → ±∞). */
export function float32ToFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf, NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // underflows to ±0
    mant |= 0x800000; // subnormal half: shift the implicit bit in
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // may carry into the exponent: still correct
  return sign | half;
}

export interface WebModelOptions {
  /** 'float16' halves the download; tf.loadLayersModel widens the weights back to float32. */
  weights?: 'float32' | 'float16';
  /** Stored in model.json's userDefinedMetadata. */
  metadata?: Record<string, unknown>;
}

/**
 * Saves a Layers model as `dir/model.json` + `dir/weights.bin` for `tf.loadLayersModel(url)` in a
 * browser. With float16 weights each spec carries `quantization: { dtype: 'float16' }`, which the
 * TensorFlow.js loader decodes; the model keeps computing in float32.
 */
export async function exportWebModel(model: tf.LayersModel, dir: string, options: WebModelOptions = {}): Promise<{ bytes: number }> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = captured!;
  let weightData = artifacts.weightData as ArrayBuffer;
  let weightSpecs = artifacts.weightSpecs!;
  if (options.weights === 'float16') {
    if (weightSpecs.some((s) => s.dtype !== 'float32')) throw new Error('exportWebModel: float16 export needs float32 weights only');
    const values = new Float32Array(weightData);
    const halves = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) halves[i] = float32ToFloat16Bits(values[i]);
    weightData = halves.buffer;
    weightSpecs = weightSpecs.map((s) => ({ ...s, quantization: { dtype: 'float16' as const } }));
  }
  const metadata = options.metadata ? { ...(artifacts.userDefinedMetadata ?? {}), ...options.metadata } : artifacts.userDefinedMetadata;
  await fileSystemHandler(dir).save!({ ...artifacts, weightData, weightSpecs, userDefinedMetadata: metadata as tf.io.ModelArtifacts['userDefinedMetadata'] });
  return { bytes: weightData.byteLength };
}
