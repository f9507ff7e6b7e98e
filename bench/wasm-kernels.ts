/**
 * Times the conv-gradient kernels of genlab's DCGAN and conv-VAE on the wasm
 * backend with genlab's composed kernels (src/genlab/src/backend/wasm-kernels.ts)
 * against the tfjs `cpu` backend and the built-in wasm Conv2DBackpropInput.
 *
 *   npx tsx bench/wasm-kernels.ts            # median of 5 after 1 warm-up (~3 min, mostly cpu)
 *   BENCH_REPS=3 npx tsx bench/wasm-kernels.ts
 *   BENCH_CPU=0 npx tsx bench/wasm-kernels.ts  # skip the slow cpu reference (~15 s)
 *
 * Every conv / transposed conv of the models maps onto one of the rows below:
 * a Conv2D layer needs Conv2DBackpropFilter (+ Conv2DBackpropInput unless it
 * reads the data), a Conv2DTranspose layer runs Conv2DBackpropInput forward
 * and Conv2DBackpropFilter (with x and dy swapped) backward.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, unregisterWasmKernels } from '../src/genlab/src/backend/wasm-kernels';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const SKIP_CPU = process.env.BENCH_CPU === '0';

type Shape4 = [number, number, number, number];
interface Case {
  name: string;
  /** Conv2D input, filter [kh,kw,inC,outC], stride; padding is 'same' everywhere. */
  x: Shape4;
  filter: Shape4;
  stride: number;
}

const CASES: Case[] = [
  { name: 'DCGAN D conv1 / G convT2', x: [64, 28, 28, 1], filter: [5, 5, 1, 64], stride: 2 },
  { name: 'DCGAN D conv2 / G convT1', x: [64, 14, 14, 64], filter: [5, 5, 64, 128], stride: 2 },
  { name: 'VAE enc conv1', x: [100, 28, 28, 1], filter: [3, 3, 1, 32], stride: 2 },
  { name: 'VAE enc conv2', x: [100, 14, 14, 32], filter: [3, 3, 32, 64], stride: 2 },
  { name: 'VAE dec convT1 7→14', x: [100, 14, 14, 64], filter: [3, 3, 64, 32], stride: 2 },
  { name: 'VAE dec convT2 14→28', x: [100, 28, 28, 32], filter: [3, 3, 32, 64], stride: 2 },
  { name: 'VAE dec convT3 s1', x: [100, 28, 28, 1], filter: [3, 3, 1, 32], stride: 1 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Calls slower than this are timed once: the warm-up is the sample (cpu filter grads take up to ~60 s). */
const SLOW_MS = 2000;

/**
 * Median ms of REPS calls after one warm-up; reads the result back so async work
 * is included. A warm-up slower than SLOW_MS is returned as the only sample.
 */
function time(f: () => tf.Tensor): number {
  const t0 = performance.now();
  const warm = f();
  warm.dataSync();
  warm.dispose();
  const warmMs = performance.now() - t0;
  if (warmMs > SLOW_MS) return warmMs;
  const ts: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const out = f();
    out.dataSync();
    ts.push(performance.now() - t0);
    out.dispose();
  }
  return median(ts);
}

function outShape(c: Case): Shape4 {
  const [b, h, w] = c.x;
  return [b, Math.ceil(h / c.stride), Math.ceil(w / c.stride), c.filter[3]];
}

function timeCase(c: Case): { filter: number; input: number } {
  const x = tf.randomNormal(c.x);
  const filter = tf.randomNormal(c.filter);
  const dy = tf.randomNormal(outShape(c));
  const attrs = { strides: c.stride, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  const result = {
    filter: time(
      () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: c.filter } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ),
    input: time(() => tf.conv2dTranspose(dy as tf.Tensor4D, filter as tf.Tensor4D, c.x, c.stride, 'same')),
  };
  tf.dispose([x, filter, dy]);
  return result;
}

async function timeOn(backend: string, c: Case): Promise<{ filter: number; input: number }> {
  await tf.setBackend(backend);
  return timeCase(c);
}

/** Built-in wasm Conv2DBackpropInput (there is no built-in Conv2DBackpropFilter). */
async function timeBuiltinInput(c: Case): Promise<number> {
  await tf.setBackend('wasm');
  unregisterWasmKernels();
  const dy = tf.randomNormal(outShape(c)) as tf.Tensor4D;
  const filter = tf.randomNormal(c.filter) as tf.Tensor4D;
  const ms = time(() => tf.conv2dTranspose(dy, filter, c.x, c.stride, 'same'));
  tf.dispose([dy, filter]);
  registerWasmKernels();
  return ms;
}

/** Why colT is built explicitly: wasm BatchMatMul with transposeA vs Transpose + plain matmul. */
async function matmulLayout(): Promise<void> {
  await tf.setBackend('wasm');
  const col = tf.randomNormal([64 * 7 * 7, 5 * 5 * 64]); // im2col of DCGAN conv2, [M, K]
  const dy = tf.randomNormal([64 * 7 * 7, 128]);
  const flag = time(() => tf.matMul(col, dy, true, false));
  const explicit = time(() => tf.tidy(() => tf.matMul(tf.transpose(col), dy)));
  console.log(
    `matmul [K,M]·[M,Co] for DCGAN conv2 (K=1600, M=3136, Co=128): transposeA flag ${flag.toFixed(1)} ms, transpose + plain ${explicit.toFixed(1)} ms`,
  );
  tf.dispose([col, dy]);
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  registerWasmKernels();
  console.log(
    `median of ${REPS} after 1 warm-up (single sample when > ${SLOW_MS} ms), ms per call; wasm SIMD=${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')} threads=${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')}`,
  );
  await matmulLayout();
  const rows: string[] = [];
  rows.push('| case | kernel | cpu | wasm built-in | wasm genlab | cpu / genlab | built-in / genlab |');
  rows.push('|---|---|---:|---:|---:|---:|---:|');
  for (const c of CASES) {
    const cpu = SKIP_CPU ? { filter: NaN, input: NaN } : await timeOn('cpu', c);
    const ours = await timeOn('wasm', c);
    const builtin = await timeBuiltinInput(c);
    const f = (n: number) => (Number.isNaN(n) ? 'skipped' : n.toFixed(1));
    const r = (a: number, b: number) => (Number.isNaN(a) ? '-' : `${(a / b).toFixed(1)}x`);
    rows.push(`| ${c.name} | BackpropFilter | ${f(cpu.filter)} | missing | ${f(ours.filter)} | ${r(cpu.filter, ours.filter)} | - |`);
    rows.push(`| ${c.name} | BackpropInput | ${f(cpu.input)} | ${f(builtin)} | ${f(ours.input)} | ${r(cpu.input, ours.input)} | ${r(builtin, ours.input)} |`);
    console.log(rows[rows.length - 2]);
    console.log(rows[rows.length - 1]);
  }
  console.log(`\n${rows.join('\n')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
