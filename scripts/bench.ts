/**
 * Training-speed benchmark: one training step of each genlab model on every TensorFlow.js backend
 * usable here, against the same architectures in PyTorch measured in the same run.
 *
 *   npm run bench -- [--quick] [--out FILE.json] [--backends cpu,wasm,wasm-mt,webgpu,torch] [--steps N]
 *                     [--models mlp-gan,dcgan,mlp-vae,conv-vae] [--memory-steps N]
 *                    [--torch-out DIR]   (keep PyTorch's trained weights and sample grids)
 *
 * Each backend runs in its own child process (`--worker NAME`), so one backend's memory and
 * threads do not disturb another's numbers. A step is the library's own ganTrainStep /
 * vaeTrainStep on a real MNIST batch (64 for GANs, 100 for VAEs) with the loss read back; the
 * time is the median of N steps after warm-up. PyTorch runs bench/torch_reference.py (same layer
 * sizes, losses and Adam settings) with torch.set_num_threads(2), on CUDA where it has it; the
 * same script times a 2048² sgemm, the machine's practical peak through the same BLAS. FLOPs are
 * counted per layer from the genlab models (bench/NOTES.md says how). The wasm worker also runs
 * one model for --memory-steps steps (200; 20 with --quick) and reports the tensor count and RSS
 * before and after, which must stay flat. `wasm` runs the library's default thread pool (one CPU
 * left free: single-threaded on 2 CPUs); `wasm-mt` the same with GENLAB_WASM_THREADS = all CPUs.
 *
 * --quick: wasm and PyTorch only, 1 warm-up + 2 steps, 20 memory steps (under a minute here).
 * cpu runs only the MLP models unless --steps 1 (its conv gradients take minutes per step).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  binarize,
  createGan,
  createGanOptimizers,
  createVae,
  ganTrainStep,
  imagesToTensor,
  loadMnist,
  mnistDirectory,
  setupBackend,
  vaeTrainStep,
  type MnistSplit,
} from 'genlab';

const MODELS = ['mlp-gan', 'dcgan', 'mlp-vae', 'conv-vae'] as const;
type ModelName = (typeof MODELS)[number];
/** `wasm-mt`: the wasm backend with XNNPACK's pool on every CPU (GENLAB_WASM_THREADS); `wasm` keeps the library default. */
const TFJS_BACKENDS = ['cpu', 'wasm', 'wasm-mt', 'webgpu'] as const;
const CONV_MODELS: readonly ModelName[] = ['dcgan', 'conv-vae'];
const BATCH: Record<ModelName, number> = { 'mlp-gan': 64, dcgan: 64, 'mlp-vae': 100, 'conv-vae': 100 };

export interface ModelTiming {
  batch: number;
  msPerStep: number;
  samplesMs: number[];
  imagesPerSecond: number;
  warmup: number;
}
export interface EngineResult {
  engine: string;
  device: string;
  /** 'cpu' or 'gpu': what a ratio to PyTorch compares against. */
  deviceClass: 'cpu' | 'gpu';
  models: Partial<Record<ModelName, ModelTiming>>;
  skipped: Partial<Record<ModelName, string>>;
  memory?: MemoryCheck;
  sgemm?: { n: number; ms: number; gflops: number };
  error?: string;
}
export interface MemoryCheck {
  model: ModelName;
  backend: string;
  steps: number;
  tensorsBefore: number;
  tensorsAfter: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  flat: boolean;
}

// ---------------------------------------------------------------- FLOP counting

/**
 * Multiply-adds of one forward pass per example, summed over the Dense / Conv2D /
 * Conv2DTranspose layers (everything else is ignored: it is memory-bound and small).
 */
export function forwardMacs(model: tf.LayersModel): number {
  let macs = 0;
  // Sequential models: a layer's input is the previous layer's output.
  let input = model.inputs[0].shape;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const out = layer.outputShape as (number | null)[];
    const kernel = layer.getWeights()[0];
    if (kernel) {
      const k = kernel.shape.reduce((a, b) => a * b, 1);
      if (cls === 'Dense') macs += k;
      else if (cls === 'Conv2D')
        macs += k * out[1]! * out[2]!; // every output pixel: kh·kw·inC·outC
      else if (cls === 'Conv2DTranspose') macs += k * input[1]! * input[2]!; // every input pixel scatters kh·kw·outC
    }
    input = out;
  }
  return macs;
}

/**
 * FLOPs of one training step (2 per multiply-add). A layer's backward pass costs two forward
 * passes (input gradient and weight gradient), so forward+backward = 3x forward. GAN step:
 * D step = G forward (no gradient) + D forward+backward on a real and a fake batch = F_G + 6 F_D;
 * G step = G forward+backward + D forward and input-gradient only (D's weights are not
 * differentiated) = 3 F_G + 2 F_D. VAE step: 3 (F_enc + F_dec).
 */
export function stepFlops(model: ModelName): number {
  const b = BATCH[model];
  if (model === 'mlp-gan' || model === 'dcgan') {
    const gan = createGan(model === 'dcgan' ? 'dcgan' : 'mlp');
    const fg = forwardMacs(gan.generator);
    const fd = forwardMacs(gan.discriminator);
    gan.generator.dispose();
    gan.discriminator.dispose();
    return 2 * b * (4 * fg + 8 * fd);
  }
  const vae = createVae(model === 'conv-vae' ? 'conv' : 'mlp', { latentDim: 20 });
  const f = forwardMacs(vae.encoder) + forwardMacs(vae.decoder);
  vae.encoder.dispose();
  vae.decoder.dispose();
  return 2 * b * 3 * f;
}

// ---------------------------------------------------------------- worker (one backend)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Deterministic batch indices (an LCG), different every step as in real training. */
function makeIndices(size: number, seed: number): (n: number) => Int32Array {
  let s = seed >>> 0;
  return (n) => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = s % size;
    }
    return out;
  };
}

/** A closure running one training step of `model` and resolving when its loss has been read back. */
function makeStep(model: ModelName, train: MnistSplit): { step: () => Promise<void>; dispose: () => void } {
  const next = makeIndices(train.size, 12345);
  let seed = 1;
  const batch = BATCH[model];
  if (model === 'mlp-gan' || model === 'dcgan') {
    const gan = createGan(model === 'dcgan' ? 'dcgan' : 'mlp');
    const opt = createGanOptimizers();
    const layout = model === 'dcgan' ? 'image' : 'flat';
    return {
      step: async () => {
        const real = imagesToTensor(train, next(batch), 'tanh', layout);
        const l = ganTrainStep(gan, opt, real, { discriminator: seed++, generator: seed++ });
        real.dispose();
        await l.generatorLoss.data();
        tf.dispose([l.discriminatorLoss, l.generatorLoss]);
      },
      dispose: () => {
        gan.generator.dispose();
        gan.discriminator.dispose();
        opt.discriminator.dispose();
        opt.generator.dispose();
      },
    };
  }
  const vae = createVae(model === 'conv-vae' ? 'conv' : 'mlp', { latentDim: 20 });
  const opt = tf.train.adam(1e-3);
  const layout = model === 'conv-vae' ? 'image' : 'flat';
  return {
    step: async () => {
      const x = tf.tidy(() => binarize(imagesToTensor(train, next(batch), 'unit', layout), seed++));
      const l = vaeTrainStep(vae, opt, x, seed++);
      x.dispose();
      await l.loss.data();
      tf.dispose([l.loss, l.reconstruction, l.kl]);
    },
    dispose: () => {
      vae.encoder.dispose();
      vae.decoder.dispose();
      opt.dispose();
    },
  };
}

async function timeModel(model: ModelName, train: MnistSplit, steps: number, warmup: number): Promise<ModelTiming> {
  const { step, dispose } = makeStep(model, train);
  for (let i = 0; i < warmup; i++) await step();
  const samplesMs: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await step();
    samplesMs.push(performance.now() - t0);
  }
  dispose();
  const msPerStep = median(samplesMs);
  return { batch: BATCH[model], msPerStep, samplesMs, imagesPerSecond: (BATCH[model] / msPerStep) * 1000, warmup };
}

const MiB = 1024 * 1024;

async function memoryCheck(model: ModelName, train: MnistSplit, steps: number, backend: string): Promise<MemoryCheck> {
  const { step, dispose } = makeStep(model, train);
  for (let i = 0; i < 3; i++) await step(); // optimizer slots and wasm heap reach their size
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const tensorsBefore = tf.memory().numTensors;
  const rssBefore = process.memoryUsage().rss;
  for (let i = 0; i < steps; i++) await step();
  gc?.();
  const tensorsAfter = tf.memory().numTensors;
  const rssAfter = process.memoryUsage().rss;
  dispose();
  // Flat: not one tensor more, and RSS within 10% (allocator and JIT noise, not per-step growth).
  const flat = tensorsAfter === tensorsBefore && rssAfter <= rssBefore * 1.1 + 16 * MiB;
  return { model, backend, steps, tensorsBefore, tensorsAfter, rssBeforeMiB: rssBefore / MiB, rssAfterMiB: rssAfter / MiB, flat };
}

interface WorkerArgs {
  backend: string;
  models: ModelName[];
  steps: number;
  warmup: number;
  memorySteps: number;
  memoryModel: ModelName;
  cpuConv: boolean;
}

async function worker(a: WorkerArgs): Promise<EngineResult> {
  const choice = await setupBackend(a.backend === 'wasm-mt' ? 'wasm' : a.backend);
  const software = /llvmpipe|lavapipe|swiftshader/i.test(choice.device);
  const deviceClass = a.backend === 'webgpu' && !software ? 'gpu' : a.backend === 'node-gpu' ? 'gpu' : 'cpu';
  const result: EngineResult = { engine: `tfjs-${a.backend}`, device: choice.device, deviceClass, models: {}, skipped: {} };
  const train = loadMnist().train;
  for (const model of a.models) {
    if (a.backend === 'cpu' && CONV_MODELS.includes(model) && !a.cpuConv) {
      result.skipped[model] = 'cpu conv gradients take minutes per step; run with --steps 1 to include';
      continue;
    }
    const steps = a.backend === 'cpu' && CONV_MODELS.includes(model) ? 1 : a.steps;
    const warmup = a.backend === 'cpu' && CONV_MODELS.includes(model) ? 0 : a.warmup;
    const timing = await timeModel(model, train, steps, warmup);
    result.models[model] = timing;
    console.error(`  tfjs-${a.backend} ${model}: ${timing.msPerStep.toFixed(1)} ms/step`);
  }
  if (a.memorySteps > 0) result.memory = await memoryCheck(a.memoryModel, train, a.memorySteps, a.backend);
  return result;
}

// ---------------------------------------------------------------- driver

function findTorchReference(): string | undefined {
  const here = dirname(resolve(process.argv[1]));
  const candidates = [
    process.env.GENLAB_TORCH_REFERENCE,
    join(here, 'torch_reference.py'),
    join(here, '..', 'bench', 'torch_reference.py'),
    join(process.cwd(), 'bench', 'torch_reference.py'),
  ];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** A Python with torch: GENLAB_PYTHON, else Debian's /usr/bin/python3, else python3 on PATH. */
function findPython(): { python?: string; reason?: string } {
  const candidates = process.env.GENLAB_PYTHON ? [process.env.GENLAB_PYTHON] : ['/usr/bin/python3', 'python3'];
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py };
  }
  return { reason: `no Python with torch among ${candidates.join(', ')} (bash scripts/system-deps.sh torch installs it)` };
}

function runTorch(models: ModelName[], steps: number, warmup: number, tmp: string, keepDir?: string): EngineResult {
  const base: EngineResult = { engine: 'pytorch', device: '', deviceClass: 'cpu', models: {}, skipped: {} };
  const script = findTorchReference();
  const { python, reason } = findPython();
  if (!script || !python) return { ...base, error: !script ? 'bench/torch_reference.py not found' : reason };
  const json = join(tmp, 'torch.json');
  const r = spawnSync(
    python,
    [
      script,
      '--data-dir',
      mnistDirectory(),
      '--models',
      models.join(','),
      '--steps',
      String(steps),
      '--warmup',
      String(warmup),
      '--threads',
      '2',
      '--json',
      json,
      ...(keepDir ? ['--out', keepDir] : []),
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      // Debian's torch runs its own 2 OpenMP threads and calls OpenBLAS, which starts 2 more; on 2
      // shared cores the spinning threads fight (MLP GAN 540-770 ms/step against 35 ms with these
      // settings, bench/NOTES.md). Both stay overridable from the environment.
      env: { OPENBLAS_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE', ...process.env },
    },
  );
  if (r.status !== 0 || !existsSync(json)) return { ...base, error: `torch_reference.py exited ${r.status}` };
  const t = JSON.parse(readFileSync(json, 'utf8')) as {
    engine: string;
    device: string;
    models: Record<string, { batch: number; msPerStep: number; samplesMs: number[]; imagesPerSecond: number }>;
    sgemm?: EngineResult['sgemm'];
  };
  const out: EngineResult = { ...base, engine: t.engine, device: t.device, deviceClass: t.engine.endsWith('cuda') ? 'gpu' : 'cpu', sgemm: t.sgemm };
  for (const [m, v] of Object.entries(t.models)) out.models[m as ModelName] = { ...v, warmup };
  return out;
}

function runWorker(backend: string, a: Omit<WorkerArgs, 'backend'>, tmp: string): EngineResult {
  const file = join(tmp, `${backend}.json`);
  const args = [
    ...process.execArgv,
    process.argv[1],
    '--worker',
    backend,
    '--models',
    a.models.join(','),
    '--steps',
    String(a.steps),
    '--warmup',
    String(a.warmup),
    '--memory-steps',
    String(a.memorySteps),
    '--memory-model',
    a.memoryModel,
    '--result',
    file,
    ...(a.cpuConv ? ['--cpu-conv'] : []),
  ];
  // wasm-mt: as many pool threads as CPUs (the library default leaves one free; bench/NOTES.md).
  const env = backend === 'wasm-mt' ? { ...process.env, GENLAB_WASM_THREADS: String(availableParallelism()) } : process.env;
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', env });
  process.stderr.write(r.stderr ?? '');
  if (r.status === 0 && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as EngineResult;
  const why =
    (r.stderr ?? '')
      .split('\n')
      .filter((l) => /error/i.test(l))
      .slice(-1)[0] ?? `exit ${r.status}`;
  return { engine: `tfjs-${backend}`, device: '', deviceClass: 'cpu', models: {}, skipped: {}, error: why.slice(0, 300) };
}

export interface BenchReport {
  createdAt: string;
  quick: boolean;
  machine: { cpus: number; node: string };
  flopsPerStep: Record<string, number>;
  peak?: { engine: string; n: number; gflops: number };
  engines: EngineResult[];
  rows: {
    model: string;
    engine: string;
    msPerStep: number;
    imagesPerSecond: number;
    ratioToPytorch: number | null;
    gflops: number;
    peakShare: number | null;
  }[];
  memory?: MemoryCheck;
}

function fmt(x: number | null | undefined, digits = 1): string {
  return x == null || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

async function driver(): Promise<void> {
  const { values: v } = parseArgs({
    args: process.argv.slice(2),
    options: {
      quick: { type: 'boolean' },
      out: { type: 'string' },
      backends: { type: 'string' },
      steps: { type: 'string' },
      models: { type: 'string' },
      'memory-steps': { type: 'string' },
      'torch-out': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    console.log(
      'usage: npm run bench -- [--quick] [--out FILE.json] [--backends cpu,wasm,wasm-mt,webgpu,torch] [--steps N] [--models LIST] [--memory-steps N]',
    );
    return;
  }
  const quick = v.quick ?? false;
  const backends = (v.backends ?? (quick ? 'wasm,torch' : 'cpu,wasm,wasm-mt,webgpu,torch')).split(',').filter(Boolean);
  const models = (v.models ?? MODELS.join(',')).split(',').filter(Boolean) as ModelName[];
  for (const m of models) if (!MODELS.includes(m)) throw new Error(`unknown model '${m}' (expected ${MODELS.join(', ')})`);
  for (const b of backends) if (![...TFJS_BACKENDS, 'torch'].includes(b)) throw new Error(`unknown backend '${b}'`);
  const stepsFlag = v.steps === undefined ? undefined : Number(v.steps);
  if (stepsFlag !== undefined && !(Number.isInteger(stepsFlag) && stepsFlag >= 1)) throw new Error(`--steps must be a positive integer`);
  const memorySteps = v['memory-steps'] !== undefined ? Number(v['memory-steps']) : quick ? 20 : 200;
  const warmup = quick ? 1 : 2;
  const defaultSteps: Record<string, number> = quick
    ? { wasm: 2, 'wasm-mt': 2, torch: 2, cpu: 2, webgpu: 2 }
    : { wasm: 10, 'wasm-mt': 10, torch: 10, cpu: 3, webgpu: 3 };

  await tf.setBackend('cpu');
  const flopsPerStep: Record<string, number> = {};
  for (const m of models) flopsPerStep[m] = stepFlops(m);

  const tmp = mkdtempSync(join(tmpdir(), 'genlab-bench-'));
  const engines: EngineResult[] = [];
  console.error(`genlab bench${quick ? ' --quick' : ''}: backends ${backends.join(', ')}; models ${models.join(', ')}`);
  try {
    for (const b of backends) {
      const steps = stepsFlag ?? defaultSteps[b];
      if (b === 'torch') engines.push(runTorch(models, steps, warmup, tmp, v['torch-out']));
      else {
        const mem = b === 'wasm' ? memorySteps : 0;
        engines.push(runWorker(b, { models, steps, warmup, memorySteps: mem, memoryModel: 'mlp-gan', cpuConv: stepsFlag === 1 }, tmp));
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const torchCpu = engines.find((e) => e.engine === 'pytorch-cpu');
  const torchGpu = engines.find((e) => e.engine === 'pytorch-cuda');
  const peakEngine = engines.find((e) => e.sgemm);
  const peakFor = (e: EngineResult) => (e.deviceClass === 'gpu' ? torchGpu : torchCpu)?.sgemm?.gflops;
  const rows: BenchReport['rows'] = [];
  for (const m of models) {
    for (const e of engines) {
      const t = e.models[m];
      if (!t) continue;
      const ref = (e.deviceClass === 'gpu' ? torchGpu : torchCpu)?.models[m];
      const gflops = flopsPerStep[m] / (t.msPerStep / 1000) / 1e9;
      const peak = peakFor(e);
      rows.push({
        model: m,
        engine: e.engine,
        msPerStep: t.msPerStep,
        imagesPerSecond: t.imagesPerSecond,
        ratioToPytorch: ref ? t.msPerStep / ref.msPerStep : null,
        gflops,
        peakShare: peak ? gflops / peak : null,
      });
    }
  }
  const memory = engines.find((e) => e.memory)?.memory;
  const report: BenchReport = {
    createdAt: new Date().toISOString(),
    quick,
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    flopsPerStep,
    peak: peakEngine?.sgemm ? { engine: peakEngine.engine, ...peakEngine.sgemm } : undefined,
    engines,
    rows,
    memory,
  };

  const header = ['model', 'engine', 'ms/step', 'images/s', '× PyTorch', 'GFLOP/s', '% of peak'];
  const lines = rows.map((r) => [
    r.model,
    r.engine,
    fmt(r.msPerStep),
    fmt(r.imagesPerSecond, 0),
    r.ratioToPytorch == null ? '-' : `${fmt(r.ratioToPytorch, 2)}x`,
    fmt(r.gflops, 2),
    r.peakShare == null ? '-' : `${fmt(r.peakShare * 100)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const show = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(show(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(show(l));
  if (report.peak) console.log(`peak: ${report.peak.n}² sgemm through ${report.peak.engine}: ${fmt(report.peak.gflops)} GFLOP/s`);
  console.log(`GFLOP per step (matmul/conv only, fwd+bwd): ${models.map((m) => `${m} ${fmt(flopsPerStep[m] / 1e9, 2)}`).join(', ')}`);
  for (const e of engines) {
    if (e.device) console.log(`${e.engine}: ${e.device}`);
    if (e.error) console.log(`${e.engine}: not measured (${e.error})`);
    for (const [m, why] of Object.entries(e.skipped)) console.log(`${e.engine} ${m}: skipped (${why})`);
  }
  if (memory) {
    console.log(
      `memory (${memory.model} on ${memory.backend}, ${memory.steps} steps${quick ? ", --quick: fewer than the full run's 200" : ''}): ` +
        `tensors ${memory.tensorsBefore} → ${memory.tensorsAfter}, rss ${fmt(memory.rssBeforeMiB)} → ${fmt(memory.rssAfterMiB)} MiB` +
        ` (${memory.flat ? 'flat' : 'NOT FLAT'})`,
    );
  }
  if (v.out) {
    writeFileSync(v.out, JSON.stringify(report, null, 2) + '\n');
    console.log(`wrote ${v.out}`);
  }
  if (memory && !memory.flat) process.exitCode = 1;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] !== '--worker') return driver();
  const { values: v } = parseArgs({
    args: argv,
    options: {
      worker: { type: 'string' },
      models: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      'memory-steps': { type: 'string' },
      'memory-model': { type: 'string' },
      result: { type: 'string' },
      'cpu-conv': { type: 'boolean' },
    },
  });
  const result = await worker({
    backend: v.worker!,
    models: v.models!.split(',') as ModelName[],
    steps: Number(v.steps),
    warmup: Number(v.warmup),
    memorySteps: Number(v['memory-steps'] ?? 0),
    memoryModel: (v['memory-model'] ?? 'mlp-gan') as ModelName,
    cpuConv: v['cpu-conv'] ?? false,
  });
  writeFileSync(v.result!, JSON.stringify(result));
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
