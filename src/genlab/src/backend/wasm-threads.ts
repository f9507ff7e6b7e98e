/**
 * Multi-threaded tfjs wasm in Node.
 *
 * `@tensorflow/tfjs-backend-wasm` 4.22 ships a threaded SIMD build
 * (`tfjs-backend-wasm-threaded-simd.wasm`, XNNPACK with a pthreadpool) but never
 * uses it in Node, for three separate reasons:
 *
 * 1. The flag `WASM_HAS_MULTITHREAD_SUPPORT` returns false whenever `IS_NODE`
 *    (tensorflow/tfjs#3830), so the single-threaded SIMD build is loaded.
 * 2. Emscripten starts each pthread with `new Worker(url)`, Node's
 *    `worker_threads.Worker` in Node, and tfjs hands it a `blob:` URL of the
 *    worker script; Node's Worker cannot load `blob:` URLs. The worker then
 *    `importScripts` the main module from a Blob of
 *    `wasmFactoryThreadedSimd.toString()`, which in the Node bundle refers to
 *    variables of the enclosing rollup bundle (`require$$0`, `commonjsGlobal`)
 *    and cannot run on its own.
 * 3. The C++ side caps the XNNPACK thread count at
 *    `emscripten_num_logical_cores() / 2` (it assumes 2 hyperthreads per core),
 *    which is `os.cpus().length / 2` in Node: 1 thread on a 2-CPU machine,
 *    whatever `setThreadsCount` asks for.
 *
 * {@link prepareWasmThreads} works around all three before the backend
 * initialises: it sets the flag, installs a `Worker` (a subclass of
 * `worker_threads.Worker`) that runs tfjs's own worker script through
 * `eval: true` with the module loaded by `require` from the package's
 * `wasm-out/tfjs-backend-wasm-threaded-simd.js` (the pristine Emscripten
 * output), and makes `os.cpus()` report twice the requested thread count while
 * the module's constructors run. Worker threads are never `ref`ed, so they do
 * not keep the process alive.
 *
 * The workaround is taken only when every piece is there (Node with
 * `worker_threads`, shared wasm memory, the glue file resolvable, more than one
 * thread requested); otherwise the single-threaded build loads as before and
 * the reason is reported. The default pool leaves one CPU free
 * ({@link wantedWasmThreads}); `GENLAB_WASM_THREADS=N` sets it, 1 turns
 * threads off. Results are bit-identical for any thread count (XNNPACK splits
 * a matmul or convolution by output tiles, each summed by one thread in the
 * same order; tested).
 */
import * as tf from '@tensorflow/tfjs';

/** What {@link prepareWasmThreads} decided, for the backend line and tests. */
export interface WasmThreadPlan {
  /** Threads requested from XNNPACK's pool (1 = the single-threaded build). */
  threads: number;
  /** Why threads are off, when they are. */
  reason?: string;
  /** Undoes the temporary `os.cpus` override; call once the backend has initialised. */
  finish: () => void;
}

const GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const WORKER = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
/** The part of tfjs's worker script that loads the main module from the message's Blob or URL. */
const LOAD_MAIN_SCRIPT =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';
/** The largest pool the threaded build can use (it preallocates 8 workers). */
export const MAX_WASM_THREADS = 8;

let workerInstalled = false;

/**
 * Thread count to ask for: `GENLAB_WASM_THREADS` if set, else one less than the
 * CPUs this process may use (`os.availableParallelism()`), between 1 and
 * {@link MAX_WASM_THREADS}. Why one less: XNNPACK's pool threads spin-wait
 * between kernels, so a pool as large as the machine collapses when anything
 * else runs; on 2 shared cores 2 threads made the MLP GAN step 40% slower under
 * load and only 15% faster when idle (bench/NOTES.md).
 */
export function wantedWasmThreads(env: Record<string, string | undefined> = process.env, cpus?: number): number {
  const raw = env.GENLAB_WASM_THREADS;
  if (raw !== undefined && raw.trim() !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`GENLAB_WASM_THREADS must be a positive integer, got '${raw}'`);
    return Math.min(n, MAX_WASM_THREADS);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('node:os') as typeof import('node:os');
  const available = cpus ?? (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  return Math.max(1, Math.min(available - 1, MAX_WASM_THREADS));
}

/** True when this runtime can run a threaded wasm module (shared memory + atomics). */
function hasWasmThreads(): boolean {
  try {
    if (typeof SharedArrayBuffer === 'undefined') return false;
    // A module with a shared memory and an atomic instruction (wasm-feature-detect's threads test).
    return WebAssembly.validate(
      new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11]),
    );
  } catch {
    return false;
  }
}

/**
 * Installs a global `Worker` that Emscripten's pthread code picks up (see file
 * comment). The getter keeps returning our class even after Emscripten assigns
 * `global.Worker = worker_threads.Worker`; any other assignment wins.
 */
function installWorker(gluePath: string, workerSource: string): void {
  if (workerInstalled) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker: NodeWorker } = require('node:worker_threads') as typeof import('node:worker_threads');
  const source = workerSource
    // tfjs turns the script into a Blob after the same escaping (its string holds "\n" escapes).
    .replace(/\n/g, '\\n')
    .replace(LOAD_MAIN_SCRIPT, `global.WasmBackendModuleThreadedSimd=require(${JSON.stringify(gluePath)});`);
  class PthreadWorker extends NodeWorker {
    constructor(url: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      if (typeof url === 'string' && url.startsWith('blob:')) super(source, { eval: true });
      else super(url, options);
    }
    /** Emscripten refs a worker while it runs a pthread; XNNPACK's pool threads run forever. */
    override ref(): void {}
    override postMessage(message: unknown, transferList?: readonly import('node:worker_threads').Transferable[]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      // The Blob of the main script is replaced by the glue file our worker requires.
      if (m && m.cmd === 'load' && typeof m.urlOrBlob !== 'string') message = { ...m, urlOrBlob: gluePath };
      super.postMessage(message, transferList);
    }
  }
  let assigned: unknown;
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    enumerable: false,
    get: () => (assigned === undefined || assigned === NodeWorker ? PthreadWorker : assigned),
    set: (v: unknown) => {
      assigned = v;
    },
  });
  workerInstalled = true;
}

/**
 * The threaded build's Emscripten glue and tfjs's worker script: from the
 * package (`wasm-out/`), else as files next to the running script (a bundle
 * that copies `tfjs-backend-wasm-threaded-simd.js` and
 * `tfjs-backend-wasm-threaded-simd.worker.js` beside itself; the offline GPU
 * bundle does not yet, so it runs single-threaded and says why).
 */
function findGlue(): { gluePath: string; workerSource: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (worker: string) => (require(worker) as { wasmWorkerContents: string }).wasmWorkerContents;
  try {
    return { gluePath: require.resolve(GLUE), workerSource: load(WORKER) };
  } catch (e) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const path = require('node:path') as typeof import('node:path');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { existsSync } = require('node:fs') as typeof import('node:fs');
    const dir = process.argv[1] ? path.dirname(process.argv[1]) : undefined;
    const glue = dir && path.join(dir, GLUE.split('/').pop()!);
    const worker = dir && path.join(dir, WORKER.split('/').pop()!);
    if (glue && worker && existsSync(glue) && existsSync(worker)) return { gluePath: glue, workerSource: load(worker) };
    throw e;
  }
}

/**
 * Prepares the threaded wasm build before `tf.setBackend('wasm')` runs (see file
 * comment). Must be called after `@tensorflow/tfjs-backend-wasm` is imported
 * (it registers the flag) and before the backend first initialises. Returns the
 * plan; call `finish()` after initialisation.
 */
export function prepareWasmThreads(threads: number, setThreadsCount: (n: number) => void): WasmThreadPlan {
  const off = (reason: string): WasmThreadPlan => ({ threads: 1, reason, finish: () => {} });
  if (threads <= 1) {
    const set = process.env.GENLAB_WASM_THREADS?.trim();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const os = require('node:os') as typeof import('node:os');
    const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return off(set ? `GENLAB_WASM_THREADS=${set}` : `${cpus} CPU${cpus === 1 ? '' : 's'}, one left free`);
  }
  if (typeof process === 'undefined' || !process.versions?.node) return off('not Node');
  if (!hasWasmThreads()) return off('no shared wasm memory');
  if (tf.findBackend('wasm') != null) return off('the wasm backend was already initialised');
  let gluePath: string;
  let workerSource: string;
  try {
    ({ gluePath, workerSource } = findGlue());
  } catch (e) {
    return off(`threaded glue not found (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof workerSource !== 'string' || !workerSource.includes(LOAD_MAIN_SCRIPT)) return off('unexpected tfjs worker script');
  installWorker(gluePath, workerSource);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('node:os') as typeof import('node:os') & { cpus: () => import('node:os').CpuInfo[] };
  const cpus = os.cpus;
  const fake = () => {
    const one = cpus()[0];
    return Array.from({ length: 2 * threads }, () => one);
  };
  os.cpus = fake;
  return {
    threads,
    finish: () => {
      if (os.cpus === fake) os.cpus = cpus;
    },
  };
}
