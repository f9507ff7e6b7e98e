/**
 * genlab's wasm fast paths against the reference they replace: the fused Adam update (bit-identical
 * to tfjs-core's op-by-op Adam on wasm, close to cpu), the buffer-sharing Identity, Tile / Reverse
 * and the flagged fused matmul (against cpu), and the multi-threaded wasm build in Node (child
 * processes: a backend starts once per process).
 * Run: node --import tsx --test test/backend/wasm-fast-paths.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../../src/genlab/src/backend/wasm-kernels';
import { assertClose, mulberry32, size, values } from './compare';
import { ADAM_KERNEL, adamSimdModuleBytes, installFusedAdam, setAdamSimd, uninstallFusedAdam } from '../../src/genlab/src/backend/wasm-adam';
import { MAX_WASM_THREADS, wantedWasmThreads } from '../../src/genlab/src/backend/wasm-threads';

function assertBitEqual(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) assert.fail(`${what}: element ${i} differs: ${actual[i]} vs ${expected[i]}`);
  }
}

// ---------------------------------------------------------------- fused Adam

interface AdamCase {
  shapes: number[][];
  lr: number;
  beta1: number;
  beta2: number;
  epsilon?: number;
  steps: number;
  /** Pass gradients as [{name, tensor}] (minimize with a var list) instead of a name map. */
  arrayForm: boolean;
}

const ADAM_CASES: AdamCase[] = [
  // Odd sizes: every remainder mod 4 (the SIMD loop does multiples of 4, the scalar loop the rest).
  { shapes: [[1], [2], [3], [5], [7], [4, 4], [13, 7, 3], [1023]], lr: 1e-3, beta1: 0.9, beta2: 0.999, steps: 5, arrayForm: false },
  { shapes: [[37, 51], [51], [9, 9, 2, 5]], lr: 2e-4, beta1: 0.5, beta2: 0.999, steps: 4, arrayForm: true },
  { shapes: [[301, 17], [6]], lr: 0.05, beta1: 0.8, beta2: 0.9, epsilon: 1e-4, steps: 3, arrayForm: false },
];

let variableCounter = 0;

/** Runs `steps` Adam updates with seeded gradients; returns the variables and the optimizer's weights. */
async function runAdam(backend: string, c: AdamCase, seed: number): Promise<{ vars: Float32Array[]; optWeights: { name: string; values: Float32Array }[] }> {
  await tf.setBackend(backend);
  const rand = mulberry32(seed);
  const vars = c.shapes.map((s) => tf.variable(tf.tensor(values(size(s), rand), s), true, `adam_case_${variableCounter++}`));
  const opt = tf.train.adam(c.lr, c.beta1, c.beta2, c.epsilon);
  for (let step = 0; step < c.steps; step++) {
    // Gradients of very different magnitudes, including exact zeros, like real ones.
    const grads = c.shapes.map((s, i) => {
      const g = values(size(s), rand, 10 ** -(i % 4));
      if (step === 1) g[0] = 0;
      return tf.tensor(g, s);
    });
    if (c.arrayForm) opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
    else opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, grads[i]])) as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    tf.dispose(grads);
  }
  const out = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
  const weights = await opt.getWeights();
  const optWeights = await Promise.all(
    weights.map(async (w) => ({ name: w.name.replace(/adam_case_\d+/, 'v'), values: (await w.tensor.data()) as Float32Array })),
  );
  opt.dispose();
  tf.dispose(vars);
  return { vars: out, optWeights };
}

test('the fused Adam kernel is registered for wasm and routes AdamOptimizer only there', async () => {
  registerWasmKernels();
  assert.ok(tf.getKernel(ADAM_KERNEL, 'wasm') != null);
  assert.equal(tf.getKernel(ADAM_KERNEL, 'cpu'), undefined);
  // The hand-assembled SIMD module is valid wasm (shared and unshared memory import).
  assert.ok(WebAssembly.validate(adamSimdModuleBytes(false)));
  assert.ok(WebAssembly.validate(adamSimdModuleBytes(true)));
});

for (const [i, c] of ADAM_CASES.entries()) {
  test(`fused Adam on wasm is bit-identical to tfjs Adam on wasm and close to cpu: ${c.shapes.map((s) => `[${s}]`).join(' ')}`, async () => {
    registerWasmKernels();
    uninstallFusedAdam();
    const stockWasm = await runAdam('wasm', c, 77 + i);
    const cpu = await runAdam('cpu', c, 77 + i);
    installFusedAdam();
    const simd = await runAdam('wasm', c, 77 + i);
    setAdamSimd(false);
    let scalar: Awaited<ReturnType<typeof runAdam>>;
    try {
      scalar = await runAdam('wasm', c, 77 + i);
    } finally {
      setAdamSimd(true);
    }
    c.shapes.forEach((s, k) => {
      assertBitEqual(simd.vars[k], stockWasm.vars[k], `variable [${s}] (SIMD)`);
      assertBitEqual(scalar.vars[k], stockWasm.vars[k], `variable [${s}] (scalar loop)`);
      assertClose(simd.vars[k], cpu.vars[k], `variable [${s}] vs cpu`);
    });
    // Optimizer state (what checkpoints save): same names, same moments, same iteration count.
    assert.deepEqual(
      simd.optWeights.map((w) => w.name),
      stockWasm.optWeights.map((w) => w.name),
    );
    simd.optWeights.forEach((w, k) => assertBitEqual(w.values, stockWasm.optWeights[k].values, `optimizer weight ${w.name}`));
  });
}

test('fused Adam leaves no tensors behind and falls back to tfjs Adam on cpu', async () => {
  registerWasmKernels();
  await tf.setBackend('wasm');
  const v = tf.variable(tf.ones([33, 5]), true, 'adam_leak_v');
  const opt = tf.train.adam(0.01);
  const g = tf.fill([33, 5], 0.5);
  opt.applyGradients({ [v.name]: g } as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]); // creates the moment variables
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) opt.applyGradients({ [v.name]: g } as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
  assert.equal(tf.memory().numTensors, before);
  opt.dispose();
  tf.dispose([v, g]);
  // On cpu the original method runs (no GenlabAdamUpdate kernel there) and still trains.
  await tf.setBackend('cpu');
  const w = tf.variable(tf.ones([3]), true, 'adam_cpu_v');
  const opt2 = tf.train.adam(0.1);
  opt2.applyGradients({ [w.name]: tf.ones([3]) } as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
  assertClose(await w.data(), [0.9, 0.9, 0.9], 'cpu Adam first step', 1e-6);
  opt2.dispose();
  w.dispose();
});

// ---------------------------------------------------------------- Identity

test('Identity on wasm shares the buffer: clones survive their source, memory is returned', async () => {
  registerWasmKernels();
  await tf.setBackend('wasm');
  const k = tf.getKernel(tf.Identity, 'wasm');
  assert.equal(k?.kernelFunc.name, 'identity');
  const bytes = tf.memory().numBytes;
  const a = tf.tensor([1, 2, 3, 4, 5], [5]);
  const b = tf.clone(a);
  const c = tf.clone(b);
  a.dispose();
  assert.deepEqual(Array.from(await c.data()), [1, 2, 3, 4, 5]);
  b.dispose();
  assert.deepEqual(Array.from(await c.data()), [1, 2, 3, 4, 5]);
  c.dispose();
  assert.equal(tf.memory().numBytes, bytes);
  const s = tf.clone(tf.tensor(['x', 'yz'])); // strings go to the built-in kernel
  assert.deepEqual(await s.data(), ['x', 'yz']);
});

// ---------------------------------------------------------------- threads

test('wantedWasmThreads: GENLAB_WASM_THREADS, else one CPU left free, capped', () => {
  assert.equal(wantedWasmThreads({}, 1), 1);
  assert.equal(wantedWasmThreads({}, 2), 1);
  assert.equal(wantedWasmThreads({}, 4), 3);
  assert.equal(wantedWasmThreads({}, 64), MAX_WASM_THREADS);
  assert.equal(wantedWasmThreads({ GENLAB_WASM_THREADS: '2' }, 2), 2);
  assert.equal(wantedWasmThreads({ GENLAB_WASM_THREADS: '99' }, 2), MAX_WASM_THREADS);
  assert.equal(wantedWasmThreads({ GENLAB_WASM_THREADS: ' ' }, 3), 2);
  assert.throws(() => wantedWasmThreads({ GENLAB_WASM_THREADS: 'many' }, 2), /GENLAB_WASM_THREADS must be a positive integer/);
  assert.throws(() => wantedWasmThreads({ GENLAB_WASM_THREADS: '0' }, 2), /positive integer/);
});

function runChild(threads: number): { line: string; threads: number; loss: number; hash: string } {
  const script = join(__dirname, 'fixtures', 'wasm-threads-child.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
    encoding: 'utf8',
    env: { ...process.env, GENLAB_WASM_THREADS: String(threads), GENLAB_BACKEND: '' },
    timeout: 120_000, // the child must exit by itself: live pthread workers would hang it
  });
  assert.equal(r.signal, null, `child with ${threads} threads did not exit by itself (${r.signal}); stderr: ${r.stderr.slice(-2000)}`);
  assert.equal(r.status, 0, `child with ${threads} threads failed: ${r.stderr.slice(-2000)}`);
  const last = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as { line: string; threads: number; loss: number; hash: string };
}

test('multi-threaded wasm in Node: starts, reports its threads, exits by itself, same bits as 1 thread', () => {
  const one = runChild(1);
  assert.equal(one.threads, 1);
  assert.match(one.line, /single-threaded \(GENLAB_WASM_THREADS=1\)/);
  const two = runChild(2);
  assert.equal(two.threads, 2, two.line);
  assert.match(two.line, /WebAssembly, SIMD, 2 threads/);
  assert.ok(Number.isFinite(two.loss));
  assert.equal(two.hash, one.hash, 'trained weights and conv output differ between 1 and 2 threads');
  const three = runChild(3); // more threads than this machine may have CPUs: still correct
  assert.equal(three.threads, 3);
  assert.equal(three.hash, one.hash);
});

// ---------------------------------------------------------------- Tile, Reverse, Slice

/** Runs `f` on cpu and wasm with the same seeded inputs; returns both outputs' values and shapes. */
async function onBoth(make: (rand: () => number) => tf.Tensor[], f: (xs: tf.Tensor[]) => tf.Tensor, seed: number, exact = true, what = 'wasm vs cpu') {
  const res: { values: tf.TypedArray | string[]; shape: number[]; dtype: string }[] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const xs = make(mulberry32(seed));
    const y = f(xs);
    res.push({ values: await y.data(), shape: y.shape, dtype: y.dtype });
    tf.dispose([...xs, y]);
  }
  const [cpu, wasm] = res;
  assert.deepEqual(wasm.shape, cpu.shape);
  assert.equal(wasm.dtype, cpu.dtype);
  if (exact) assert.deepEqual(Array.from(wasm.values as ArrayLike<number>), Array.from(cpu.values as ArrayLike<number>));
  else assertClose(wasm.values as Float32Array, cpu.values as Float32Array, what);
}

function randomShape(rand: () => number, maxRank = 4): number[] {
  const rank = 1 + Math.floor(rand() * maxRank);
  return Array.from({ length: rank }, () => 1 + Math.floor(rand() * 5));
}

test("wasm Tile, Reverse and Slice are genlab's and equal cpu on random shapes and dtypes", async () => {
  registerWasmKernels();
  for (const k of [tf.Tile, tf.Reverse, tf.Slice]) assert.equal(tf.getKernel(k, 'wasm')?.kernelFunc.name, k.toLowerCase());
  const rand = mulberry32(31337);
  for (let c = 0; c < 40; c++) {
    const shape = randomShape(rand, 5);
    const reps = shape.map(() => 1 + Math.floor(rand() * 3));
    const dtype = (['float32', 'int32', 'bool'] as const)[c % 3];
    const axes = shape.map((_, i) => i).filter(() => rand() < 0.5);
    const make = (r: () => number) => [
      dtype === 'float32'
        ? tf.tensor(values(size(shape), r), shape)
        : tf.tensor(
            Array.from({ length: size(shape) }, () => Math.floor(r() * 7) - 3),
            shape,
            dtype === 'bool' ? 'bool' : 'int32',
          ),
    ];
    await onBoth(make, ([x]) => tf.tile(x, reps), 100 + c);
    await onBoth(make, ([x]) => tf.reverse(x, axes), 200 + c);
    // A random box: each axis cut somewhere, or taken whole (-1 = to the end).
    const begin = shape.map((d) => Math.floor(rand() * d));
    const extent = shape.map((d, i) => (rand() < 0.3 ? -1 : 1 + Math.floor(rand() * (d - begin[i]))));
    await onBoth(make, ([x]) => tf.slice(x, begin, extent), 300 + c);
  }
  // The crop of the sub-pixel input gradient (inner axes whole), and an empty slice.
  await onBoth(
    (r) => [tf.tensor(values(2 * 9 * 9 * 3, r), [2, 9, 9, 3])],
    ([x]) => tf.slice(x, [0, 1, 1, 0], [2, 7, 7, 3]),
    3,
  );
  await onBoth(
    (r) => [tf.tensor(values(6, r), [2, 3])],
    ([x]) => tf.slice(x, [1, 0], [0, 3]),
    4,
  );
  // BatchNorm-gradient shape: [1,1,1,C] tiled to [N,H,W,1]; a zero-size tile.
  await onBoth(
    (r) => [tf.tensor(values(7, r), [1, 1, 1, 7])],
    ([x]) => tf.tile(x, [3, 5, 4, 1]),
    1,
  );
  await onBoth(
    (r) => [tf.tensor(values(6, r), [2, 3])],
    ([x]) => tf.tile(x, [0, 2]),
    2,
  );
});

// ---------------------------------------------------------------- _FusedMatMul

test('wasm _FusedMatMul (matmul + bias + activation) equals cpu, forward and gradients, odd shapes', async () => {
  registerWasmKernels();
  assert.equal(tf.getKernel(tf._FusedMatMul, 'wasm')?.kernelFunc.name, 'fusedMatMul');
  const rand = mulberry32(4242);
  const activations = ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu'] as const;
  for (let c = 0; c < 18; c++) {
    const m = 1 + Math.floor(rand() * 37);
    const k = 1 + Math.floor(rand() * 41);
    const n = 1 + Math.floor(rand() * 29);
    const activation = activations[c % activations.length];
    // Flagged products are ours (the built-in kernel gets the bias wrong with transposeB in tfjs 4.22);
    // flag-free ones go to the built-in kernel.
    const transposeB = c % 3 === 1;
    const transposeA = c % 4 === 2;
    const withBias = c % 5 !== 3;
    const make = (r: () => number) => [
      tf.tensor(values(m * k, r), transposeA ? [k, m] : [m, k]),
      tf.tensor(values(k * n, r), transposeB ? [n, k] : [k, n]),
      tf.tensor(values(n, r), [n]),
    ];
    const f = ([a, b, bias]: tf.Tensor[]) =>
      tf.fused.matMul({ a, b, transposeA, transposeB, bias: withBias ? bias : undefined, activation, leakyreluAlpha: 0.3 });
    const what = `[${m},${k}]·[${k},${n}] ${activation}${transposeA ? ' transposeA' : ''}${transposeB ? ' transposeB' : ''}${withBias ? ' +bias' : ''}`;
    await onBoth(make, f, 1000 + c, false, what);
    // Gradients w.r.t. a, b and bias through the fused op's custom gradient.
    for (const i of [0, 1, 2]) {
      if (i === 2 && !withBias) continue;
      await onBoth(
        make,
        (xs) => tf.grad((v: tf.Tensor) => tf.sum(tf.square(f(xs.map((x, j) => (j === i ? v : x))))))(xs[i]),
        2000 + 10 * c + i,
        false,
        `${what}: gradient ${i}`,
      );
    }
  }
});

test('unregisterWasmKernels restores working built-in kernels, registerWasmKernels reinstalls', async () => {
  const { unregisterWasmKernels } = await import('../../src/genlab/src/backend/wasm-kernels.js');
  registerWasmKernels();
  await tf.setBackend('wasm');
  unregisterWasmKernels();
  try {
    // Built-ins that were displaced before the backend ever ran them must still work.
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.fused.matMul({ a, b: a, bias: tf.tensor1d([1, 1]), activation: 'relu' });
    assert.deepEqual(Array.from(await y.data()), [8, 11, 16, 23]);
    assert.deepEqual(Array.from(await tf.tile(tf.tensor1d([1, 2]), [2]).data()), [1, 2, 1, 2]);
    assert.ok(tf.getKernel(tf.Tile, 'wasm')?.setupFunc != null, 'the built-in Tile (ours has no setupFunc)');
  } finally {
    registerWasmKernels();
  }
  assert.equal(tf.getKernel(tf._FusedMatMul, 'wasm')?.kernelFunc.name, 'fusedMatMul');
});

// ---------------------------------------------------------------- Tanh

test('wasm Tanh (SIMD rational) is within 4e-7 of cpu, its scalar tail equals the SIMD lanes, gradients match', async () => {
  const { tanhScalar, tanhSimdModuleBytes } = await import('../../src/genlab/src/backend/wasm-tanh.js');
  registerWasmKernels();
  assert.equal(tf.getKernel(tf.Tanh, 'wasm')?.kernelFunc.name, 'tanh');
  assert.ok(WebAssembly.validate(tanhSimdModuleBytes(false)) && WebAssembly.validate(tanhSimdModuleBytes(true)));
  const rand = mulberry32(777);
  for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 1001, 4099]) {
    // Large, small (the x = tanh(x) branch), and in-between magnitudes; specials at the front.
    const xs = Float32Array.from({ length: n }, (_, i) => (rand() * 2 - 1) * [12, 1, 1e-3, 3][i % 4]);
    if (n >= 4) xs.set([NaN, -0, Infinity, -Infinity].slice(0, Math.min(4, n - 3)), 3);
    await tf.setBackend('cpu');
    const ref = tf.tanh(tf.tensor(xs)).dataSync();
    await tf.setBackend('wasm');
    const got = tf.tanh(tf.tensor(xs)).dataSync() as Float32Array;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(ref[i])) assert.ok(Number.isNaN(got[i]), `tanh(NaN) at ${i}`);
      else assert.ok(Math.abs(got[i] - ref[i]) <= 4e-7, `n=${n} x=${xs[i]}: ${got[i]} vs ${ref[i]}`);
      assert.ok(Object.is(got[i], tanhScalar(xs[i])), `n=${n} element ${i}: SIMD lane and scalar twin differ`);
      if (Object.is(xs[i], -0)) assert.ok(Object.is(got[i], -0), 'tanh(-0) = -0');
    }
  }
  const shape = [3, 5, 7];
  await onBoth(
    (r) => [tf.tensor(values(size(shape), r, 3), shape)],
    ([x]) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tanh(v), v)))(x),
    5,
    false,
  );
});
