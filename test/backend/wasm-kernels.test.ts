/**
 * genlab's composed wasm conv-gradient kernels against the tfjs `cpu` backend.
 * Run: node --import tsx --test test/backend/wasm-kernels.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../../src/genlab/src/backend/wasm-kernels';
import { assertClose, mulberry32, size, values } from './compare';

/** Relative tolerance against cpu: the composed kernels sum in another order. */
const TOLERANCE = 1e-4;

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid';

interface ConvCase {
  x: Shape4;
  filter: Shape4;
  stride: number;
  pad: Pad;
}

function outShape(c: ConvCase): Shape4 {
  const [b, h, w] = c.x;
  const [kh, kw, , co] = c.filter;
  const o = (n: number, k: number) => (c.pad === 'same' ? Math.ceil(n / c.stride) : Math.ceil((n - k + 1) / c.stride));
  return [b, o(h, kh), o(w, kw), co];
}

interface Grads {
  dx: Float32Array;
  dFilter: Float32Array;
  transpose: Float32Array;
  backpropFilter: Float32Array;
}

/** Grads of sum(conv2d(x, f) · g) via tf.grads, plus the two kernels called directly. */
async function convGrads(backend: string, c: ConvCase, seed: number): Promise<Grads> {
  await tf.setBackend(backend);
  const rand = mulberry32(seed);
  const dyShape = outShape(c);
  const x = tf.tensor4d(values(size(c.x), rand), c.x);
  const f = tf.tensor4d(values(size(c.filter), rand), c.filter);
  const g = tf.tensor4d(values(size(dyShape), rand), dyShape);
  const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), g)))([x, f]);
  const tr = tf.conv2dTranspose(g, f, c.x, c.stride, c.pad);
  const bf = tf.engine().runKernel(
    tf.Conv2DBackpropFilter,
    { x, dy: g },
    {
      strides: c.stride,
      pad: c.pad,
      dataFormat: 'NHWC',
      filterShape: c.filter,
    },
  ) as tf.Tensor;
  const out: Grads = {
    dx: (await dx.data()) as Float32Array,
    dFilter: (await df.data()) as Float32Array,
    transpose: (await tr.data()) as Float32Array,
    backpropFilter: (await bf.data()) as Float32Array,
  };
  tf.dispose([x, f, g, dx, df, tr, bf]);
  return out;
}

/** Random conv shapes: strides 1/2, same/valid, odd sizes, 3..5 kernels, 1..5 channels, batch 1..3. */
function randomCases(n: number, seed: number): ConvCase[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const cases: ConvCase[] = [
    // Fixed corners first: one-channel dx with stride 2 (matmul + col2im), 'same' and 'valid'; an
    // even kernel with 'same' (asymmetric padding); stride 1.
    { x: [2, 7, 9, 1], filter: [5, 5, 1, 3], stride: 2, pad: 'same' },
    { x: [2, 11, 10, 1], filter: [4, 3, 1, 5], stride: 2, pad: 'valid' },
    { x: [1, 7, 9, 2], filter: [4, 4, 2, 3], stride: 2, pad: 'same' },
    { x: [3, 5, 5, 3], filter: [3, 3, 3, 1], stride: 1, pad: 'valid' },
    { x: [1, 9, 7, 1], filter: [3, 3, 1, 2], stride: 1, pad: 'same' },
  ];
  while (cases.length < n) {
    const k = pick([3, 4, 5]);
    const pad = pick<Pad>(['same', 'valid']);
    const h = pick([5, 7, 8, 9, 11]);
    const w = pick([5, 7, 9, 10]);
    cases.push({
      x: [1 + Math.floor(rand() * 3), Math.max(h, k), Math.max(w, k), 1 + Math.floor(rand() * 5)],
      filter: [k, pick([3, 4, 5]), 0, 1 + Math.floor(rand() * 5)] as Shape4,
      stride: pick([1, 2]),
      pad,
    });
    const c = cases[cases.length - 1];
    c.filter[2] = c.x[3];
    c.x[2] = Math.max(c.x[2], c.filter[1]);
  }
  return cases;
}

test('registerWasmKernels registers its kernels on wasm and is idempotent', async () => {
  await tf.setBackend('wasm');
  registerWasmKernels();
  const first = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm');
  registerWasmKernels();
  assert.ok(first != null);
  assert.equal(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm'), first);
  assert.ok(tf.getKernel(tf.Conv2DBackpropInput, 'wasm') != null);
});

for (const [i, c] of randomCases(16, 20240607).entries()) {
  const name = `x ${c.x} filter ${c.filter} stride ${c.stride} ${c.pad}`;
  test(`conv2d grads match cpu: ${name}`, async () => {
    registerWasmKernels();
    const ref = await convGrads('cpu', c, 1000 + i);
    const got = await convGrads('wasm', c, 1000 + i);
    assertClose(got.dx, ref.dx, 'dL/dx (Conv2DBackpropInput via tf.grads)', TOLERANCE);
    assertClose(got.dFilter, ref.dFilter, 'dL/dW (Conv2DBackpropFilter via tf.grads)', TOLERANCE);
    assertClose(got.transpose, ref.transpose, 'conv2dTranspose', TOLERANCE);
    assertClose(got.backpropFilter, ref.backpropFilter, 'Conv2DBackpropFilter kernel', TOLERANCE);
  });
}

test('no tensors leak from the kernels, directly or under tf.grads', async () => {
  await tf.setBackend('wasm');
  registerWasmKernels();
  const c: ConvCase = { x: [2, 9, 7, 3], filter: [5, 5, 3, 4], stride: 2, pad: 'same' };
  const c1: ConvCase = { x: [2, 9, 7, 1], filter: [5, 5, 1, 4], stride: 2, pad: 'same' }; // col2im path
  const make = (cc: ConvCase) => ({
    x: tf.randomNormal(cc.x) as tf.Tensor4D,
    f: tf.randomNormal(cc.filter) as tf.Tensor4D,
    dy: tf.randomNormal(outShape(cc)) as tf.Tensor4D,
  });
  const a = make(c);
  const b = make(c1);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 10; i++) {
    for (const [cc, t] of [
      [c, a],
      [c1, b],
    ] as const) {
      const bf = tf.engine().runKernel(
        tf.Conv2DBackpropFilter,
        { x: t.x, dy: t.dy },
        {
          strides: cc.stride,
          pad: cc.pad,
          dataFormat: 'NHWC',
          filterShape: cc.filter,
        },
      ) as tf.Tensor;
      const tr = tf.conv2dTranspose(t.dy, t.f, cc.x, cc.stride, cc.pad);
      const grads = tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, cc.stride, cc.pad)))([t.x, t.f]);
      await bf.data();
      tf.dispose([bf, tr, ...grads]);
    }
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([a.x, a.f, a.dy, b.x, b.f, b.dy]);
});

test('unsupported data format throws a clear error', async () => {
  await tf.setBackend('wasm');
  registerWasmKernels();
  const x = tf.zeros([1, 3, 7, 7]);
  const dy = tf.zeros([1, 4, 4, 4]);
  assert.throws(
    () =>
      tf.engine().runKernel(
        tf.Conv2DBackpropFilter,
        { x, dy },
        {
          strides: 2,
          pad: 'same',
          dataFormat: 'NCHW',
          filterShape: [3, 3, 3, 4],
        },
      ),
    /only dataFormat 'NHWC'/,
  );
  tf.dispose([x, dy]);
});

/**
 * DCGAN generator (convT 128→64, 64→1, 5x5 stride 2) feeding the discriminator (conv
 * 1→64, 64→128): gradients of the generator loss w.r.t. all four conv filters. The
 * cpu reference is slow (its Conv2DBackpropFilter is a scalar loop: ~60 s per call at
 * batch 64), so the comparison uses batch 2 with the DCGAN layer shapes.
 */
async function dcganStep(backend: string, batch: number, seed: number): Promise<{ grads: Float32Array[]; loss: number }> {
  await tf.setBackend(backend);
  const rand = mulberry32(seed);
  const init = (s: Shape4, scale: number) =>
    tf.tensor4d(
      values(size(s), rand).map((v) => v * scale),
      s,
    );
  const z = init([batch, 7, 7, 128], 1);
  const g1 = init([5, 5, 64, 128], 0.05);
  const g2 = init([5, 5, 1, 64], 0.05);
  const d1 = init([5, 5, 1, 64], 0.1);
  const d2 = init([5, 5, 64, 128], 0.05);
  const f = (wG1: tf.Tensor, wG2: tf.Tensor, wD1: tf.Tensor, wD2: tf.Tensor) => {
    const h = tf.relu(tf.conv2dTranspose(z, wG1 as tf.Tensor4D, [batch, 14, 14, 64], 2, 'same'));
    const img = tf.tanh(tf.conv2dTranspose(h, wG2 as tf.Tensor4D, [batch, 28, 28, 1], 2, 'same'));
    const a = tf.leakyRelu(tf.conv2d(img, wD1 as tf.Tensor4D, 2, 'same'), 0.2);
    const logits = tf.mean(tf.conv2d(a, wD2 as tf.Tensor4D, 2, 'same'), [1, 2, 3]);
    return tf.mean(tf.softplus(tf.neg(logits))); // non-saturating generator loss
  };
  const { value, grads } = tf.valueAndGrads(f)([g1, g2, d1, d2]);
  // One SGD step on the generator, to see that the update itself is finite.
  const stepped = tf.sub(g1, tf.mul(grads[0], 0.1));
  const out = {
    grads: await Promise.all(grads.map(async (t) => (await t.data()) as Float32Array)),
    loss: (await value.data())[0],
  };
  const steppedVals = await stepped.data();
  assert.ok(steppedVals.every(Number.isFinite), `${backend}: SGD step produced non-finite weights`);
  tf.dispose([z, g1, g2, d1, d2, value, stepped, ...grads]);
  return out;
}

test('DCGAN conv/convT gradient step on wasm equals cpu (batch 2)', async () => {
  registerWasmKernels();
  const ref = await dcganStep('cpu', 2, 7);
  const got = await dcganStep('wasm', 2, 7);
  assert.ok(Math.abs(got.loss - ref.loss) <= 1e-5 * Math.max(1, Math.abs(ref.loss)));
  const names = ['G convT1', 'G convT2', 'D conv1', 'D conv2'];
  for (let i = 0; i < ref.grads.length; i++) {
    assert.ok(
      ref.grads[i].some((v) => v !== 0),
      `${names[i]}: reference gradient is all zeros`,
    );
    assertClose(got.grads[i], ref.grads[i], `${names[i]} filter gradient`, TOLERANCE);
  }
});

test('DCGAN gradient step at batch 64 runs on wasm with finite gradients', async () => {
  registerWasmKernels();
  const got = await dcganStep('wasm', 64, 11);
  assert.ok(Number.isFinite(got.loss));
  for (const g of got.grads) {
    assert.ok(g.every(Number.isFinite));
    assert.ok(g.some((v) => v !== 0));
  }
});

// ---------------------------------------------------------------- BatchMatMul with transpose flags

interface MatMulCase {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

/** Random matmul cases: odd sizes, every flag combination, rank 2 and 3, batch 1, batch > 1, broadcast batch. */
function matMulCases(seed: number): MatMulCase[] {
  const rand = mulberry32(seed);
  const dim = () => 1 + Math.floor(rand() * 37); // 1..37, mostly odd-ish
  const cases: MatMulCase[] = [];
  for (const [transposeA, transposeB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    for (const batch of [[], [1], [3], [2, 1]] as number[][]) {
      const [m, k, n] = [dim(), dim(), dim()];
      // For the broadcast case [2,1] the b side gets batch [1] of the same rank.
      const bBatch = batch.length === 2 ? [1, 1] : batch;
      cases.push({
        a: [...batch, ...(transposeA ? [k, m] : [m, k])],
        b: [...bBatch, ...(transposeB ? [n, k] : [k, n])],
        transposeA,
        transposeB,
      });
    }
  }
  // Shapes where A·Bᵀ picks the other identity ((B·Aᵀ)ᵀ: M small, K·N large), as in dense backward passes.
  cases.push({ a: [3, 40], b: [64, 40], transposeA: false, transposeB: true });
  cases.push({ a: [1, 5, 33], b: [1, 70, 33], transposeA: false, transposeB: true });
  cases.push({ a: [64, 17], b: [64, 23], transposeA: true, transposeB: false });
  return cases;
}

async function matMulOn(backend: string, c: MatMulCase, seed: number): Promise<{ out: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const rand = mulberry32(seed);
  const a = tf.tensor(values(size(c.a), rand), c.a);
  const b = tf.tensor(values(size(c.b), rand), c.b);
  const y = tf.matMul(a, b, c.transposeA, c.transposeB);
  const res = { out: (await y.data()) as Float32Array, shape: y.shape };
  tf.dispose([a, b, y]);
  return res;
}

test('registerWasmKernels replaces the wasm BatchMatMul', async () => {
  await tf.setBackend('wasm');
  registerWasmKernels();
  const k = tf.getKernel(tf.BatchMatMul, 'wasm');
  assert.ok(k != null);
  assert.equal(k.kernelFunc.name, 'batchMatMul');
  assert.equal(k.setupFunc, undefined, 'ours, not the built-in (which binds its C function in setupFunc)');
});

for (const [i, c] of matMulCases(424242).entries()) {
  test(`matMul matches cpu: a [${c.a}] b [${c.b}] transposeA=${c.transposeA} transposeB=${c.transposeB}`, async () => {
    registerWasmKernels();
    const ref = await matMulOn('cpu', c, 500 + i);
    const got = await matMulOn('wasm', c, 500 + i);
    assert.deepEqual(got.shape, ref.shape);
    assertClose(got.out, ref.out, 'matMul', TOLERANCE);
  });
}

test('dense-layer gradients (flagged matmuls) on wasm equal cpu, without leaking tensors', async () => {
  registerWasmKernels();
  const grads = async (backend: string) => {
    await tf.setBackend(backend);
    const rand = mulberry32(99);
    const x = tf.tensor2d(values(64 * 37, rand), [64, 37]);
    const w1 = tf.tensor2d(values(37 * 51, rand), [37, 51]);
    const w2 = tf.tensor2d(values(51 * 5, rand), [51, 5]);
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(tf.matMul(tf.relu(tf.matMul(a, b)), c)));
    const before = tf.memory().numTensors;
    const gs = tf.grads(f)([x, w1, w2]);
    const out = await Promise.all(gs.map(async (g) => (await g.data()) as Float32Array));
    tf.dispose(gs);
    const leaked = tf.memory().numTensors - before;
    tf.dispose([x, w1, w2]);
    return { out, leaked };
  };
  const ref = await grads('cpu');
  const got = await grads('wasm');
  assert.equal(got.leaked, 0, 'tensors left behind on wasm');
  ['dx', 'dW1', 'dW2'].forEach((n, i) => assertClose(got.out[i], ref.out[i], n, TOLERANCE));
});

test('a second registerWasmKernels call with other options installs what it asks for', async () => {
  const { unregisterWasmKernels } = await import('../../src/genlab/src/backend/wasm-kernels.js');
  await tf.setBackend('wasm');
  unregisterWasmKernels();
  const builtinTanh = tf.getKernel(tf.Tanh, 'wasm');
  const builtinTile = tf.getKernel(tf.Tile, 'wasm');
  registerWasmKernels({ kernels: [tf.Tanh] });
  assert.notEqual(tf.getKernel(tf.Tanh, 'wasm').kernelFunc, builtinTanh.kernelFunc);
  registerWasmKernels({ kernels: [tf.Tile] });
  assert.notEqual(tf.getKernel(tf.Tile, 'wasm').kernelFunc, builtinTile.kernelFunc, 'Tile is ours after the second call');
  assert.equal(tf.getKernel(tf.Tanh, 'wasm').kernelFunc, builtinTanh.kernelFunc, 'Tanh is back to the built-in');
  // Same options again: nothing changes.
  const tile = tf.getKernel(tf.Tile, 'wasm');
  registerWasmKernels({ kernels: [tf.Tile] });
  assert.equal(tf.getKernel(tf.Tile, 'wasm'), tile);
  registerWasmKernels();
  assert.notEqual(tf.getKernel(tf.Tanh, 'wasm').kernelFunc, builtinTanh.kernelFunc);
  const x = tf.tensor1d([0.5, -2]);
  const y = tf.tanh(tf.tile(x, [2]));
  assertClose(Array.from(await y.data()), [0.5, -2, 0.5, -2].map(Math.tanh), 'tanh(tile(x))', 1e-6);
  tf.dispose([x, y]);
});
