// exportWebModel: models published for tf.loadLayersModel in the browser, optionally with float16 weights.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exportWebModel, float32ToFloat16Bits } from '../../src/genlab/src/train/export';
import { fileSystemHandler } from '../../src/genlab/src/train/checkpoint';
import { mlpGenerator } from '../../src/genlab/src/models/gan';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

test('float32ToFloat16Bits matches known half-precision patterns', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [1 / 3, 0x3555],
    [1 + 2 ** -11, 0x3c00], // halfway, rounds to even
    [1 + 3 * 2 ** -11, 0x3c02], // halfway, rounds up to even
  ];
  for (const [v, bits] of cases) assert.equal(float32ToFloat16Bits(v), bits, `${v}`);
  assert.equal(float32ToFloat16Bits(NaN) & 0x7c00, 0x7c00);
});

test('a float16 export is half the size and computes what the float32 model does, to half precision', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-export-'));
  try {
    const model = mlpGenerator(8, [32, 32], 3);
    const f32 = await exportWebModel(model, join(dir, 'f32'));
    const f16 = await exportWebModel(model, join(dir, 'f16'), { weights: 'float16', metadata: { note: 'test' } });
    assert.equal(f16.bytes * 2, f32.bytes);
    assert.equal(statSync(join(dir, 'f16', 'weights.bin')).size, f16.bytes);
    const json = JSON.parse(readFileSync(join(dir, 'f16', 'model.json'), 'utf8'));
    assert.equal(json.userDefinedMetadata.note, 'test');
    assert.ok(json.weightsManifest[0].weights.every((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'float16'));

    const loaded32 = await tf.loadLayersModel(fileSystemHandler(join(dir, 'f32')));
    const loaded16 = await tf.loadLayersModel(fileSystemHandler(join(dir, 'f16')));
    const z = tf.randomNormal([16, 8], 0, 1, 'float32', 1);
    const [a, b, c] = [model, loaded32, loaded16].map((m) => m.predict(z) as tf.Tensor);
    assert.equal(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0], 0);
    const err16 = tf.max(tf.abs(tf.sub(a, c))).dataSync()[0];
    assert.ok(err16 > 0 && err16 < 5e-3, `float16 max abs error ${err16}`);
    tf.dispose([z, a, b, c]);
    [model, loaded32, loaded16].forEach((m) => m.dispose());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
