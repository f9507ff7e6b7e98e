/**
 * genlab's SIMD Sum / Mean over leading axes and LeakyRelu on wasm (wasm-reduce.ts) against the
 * built-in wasm kernels they replace, bit for bit, and against cpu.
 * Run: node --import tsx --test test/backend/wasm-reduce.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, unregisterWasmKernels } from '../../src/genlab/src/backend/wasm-kernels';
import { assertClose, mulberry32, size, values } from './compare';

function assertSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < e.length; i++) if (a[i] !== e[i]) assert.fail(`${what}: element ${i}: ${actual[i]} vs ${expected[i]}`);
}

/** `f` on wasm with genlab's kernels, with the built-in ones, and on cpu; inputs made per backend from the same values. */
async function threeWays(
  shape: number[],
  seed: number,
  f: (x: tf.Tensor) => tf.Tensor,
): Promise<{ ours: Float32Array; builtin: Float32Array; cpu: Float32Array }> {
  const data = values(size(shape), mulberry32(seed), 3);
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const x = tf.tensor(data, shape);
    const y = f(x);
    const out = (await y.data()) as Float32Array;
    tf.dispose([x, y]);
    return out;
  };
  await tf.setBackend('wasm');
  registerWasmKernels();
  const ours = await run('wasm');
  unregisterWasmKernels();
  try {
    return { ours, builtin: await run('wasm'), cpu: await run('cpu') };
  } finally {
    registerWasmKernels();
  }
}

const REDUCE_CASES: { shape: number[]; axis: number[]; keepDims: boolean }[] = [
  { shape: [64, 14, 14, 64], axis: [0, 1, 2], keepDims: false }, // a DCGAN BatchNorm gradient
  { shape: [100, 500], axis: [0], keepDims: false }, // a Dense bias gradient
  { shape: [3, 5, 8], axis: [0, 1], keepDims: true },
  { shape: [7, 3, 4], axis: [0], keepDims: true },
  // Not taken by the fast path (columns not a multiple of 4, inner or all axes): the built-in kernel.
  { shape: [6, 5, 7], axis: [0, 1], keepDims: false },
  { shape: [6, 5, 8], axis: [2], keepDims: false },
  { shape: [6, 8], axis: [0, 1], keepDims: false },
  { shape: [3, 5, 8], axis: [1, 0], keepDims: false }, // the built-in kernel sums in the order given
];

for (const [i, c] of REDUCE_CASES.entries()) {
  test(`wasm Sum and Mean over axes [${c.axis}] of [${c.shape}] (keepDims ${c.keepDims}): the built-in kernel's bits, close to cpu`, async () => {
    for (const [name, op] of [
      ['sum', (x: tf.Tensor) => tf.sum(x, c.axis, c.keepDims)],
      ['mean', (x: tf.Tensor) => tf.mean(x, c.axis, c.keepDims)],
    ] as const) {
      const { ours, builtin, cpu } = await threeWays(c.shape, 50 + i, op);
      assertSameBits(ours, builtin, `${name} vs the built-in wasm kernel`);
      assertClose(ours, cpu, `${name} vs cpu`, 1e-5);
    }
  });
}

test("wasm LeakyRelu: the built-in kernel's bits for every remainder mod 4, close to cpu; zeros and signs kept", async () => {
  for (const [n, alpha] of [
    [1, 0.2],
    [6, 0.2],
    [4099, 0.01],
    [64 * 14 * 14 * 64, 0.2],
  ] as const) {
    const { ours, builtin, cpu } = await threeWays([n], n, (x) => tf.leakyRelu(x, alpha));
    assertSameBits(ours, builtin, `leakyRelu n ${n} α ${alpha}`);
    assertClose(ours, cpu, `leakyRelu n ${n} vs cpu`, 1e-6);
  }
  await tf.setBackend('wasm');
  registerWasmKernels();
  const y = tf.leakyRelu(tf.tensor1d([-0, 0, -2, 2, -Infinity]), 0.25);
  assert.deepEqual(Array.from(await y.data()), [-0, 0, -0.5, 2, -Infinity]);
  y.dispose();
});

test("the reduce and LeakyRelu kernels are genlab's on wasm and leave no tensors behind", async () => {
  await tf.setBackend('wasm');
  registerWasmKernels();
  assert.equal(tf.getKernel(tf.Sum, 'wasm')?.kernelFunc.name, 'reduce');
  assert.equal(tf.getKernel(tf.Mean, 'wasm')?.kernelFunc.name, 'reduce');
  assert.equal(tf.getKernel(tf.LeakyRelu, 'wasm')?.kernelFunc.name, 'leakyRelu');
  const x = tf.randomNormal([8, 3, 3, 16]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) {
    const ys = [tf.sum(x, [0, 1, 2]), tf.mean(x, [0, 1]), tf.leakyRelu(x, 0.2)];
    await Promise.all(ys.map((y) => y.data()));
    tf.dispose(ys);
  }
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
