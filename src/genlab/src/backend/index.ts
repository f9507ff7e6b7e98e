/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs';
import { installWasmAccel } from './wasm-accel';
import { registerConvFilterGradient } from './wasm-conv-filter';
import { prepareWasmThreads, wantedWasmThreads } from './wasm-threads';
import { probeAdapterQuietly, summarizeAdapter } from './webgpu-probe';

/**
 * The backends genlab knows, fastest first. `node-gpu` and `node` are the native TensorFlow
 * bindings (optional npm packages whose install downloads libtensorflow); `webgpu` runs through
 * Dawn (the `webgpu` npm package); `wasm` and `cpu` always work.
 */
export const BACKENDS = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Other spellings accepted by `--backend` and `GENLAB_BACKEND`. */
const ALIASES: Record<string, BackendName> = {
  'tfjs-node-gpu': 'node-gpu',
  gpu: 'node-gpu',
  'tfjs-node': 'node',
  tensorflow: 'node',
};

export interface BackendChoice {
  /** genlab's name of the chosen backend. */
  name: BackendName;
  /** TensorFlow.js's own name for it (`tensorflow` for both native packages). */
  tfName: string;
  /** What it runs on, e.g. the WebGPU adapter or the number of wasm threads. */
  device: string;
  /** Each earlier candidate, and why it was not used. */
  skipped: { name: BackendName; reason: string }[];
  /** The one line notebooks and the CLI print. */
  line: string;
}

/** A requested backend that cannot run here. The message says why and what else to try. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: string,
    reason: string,
  ) {
    super(`backend '${backend}' is not usable here: ${reason}. Available names: ${BACKENDS.join(', ')}.`);
    this.name = 'BackendUnavailableError';
  }
}

/** Resolves a user-supplied name (flag or environment) to a backend, or throws. */
export function parseBackendName(name: string): BackendName {
  const n = name.trim().toLowerCase();
  if ((BACKENDS as readonly string[]).includes(n)) return n as BackendName;
  if (n in ALIASES) return ALIASES[n];
  throw new BackendUnavailableError(name, 'unknown backend name');
}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 200);
}

function isMissingModule(e: unknown, pkg: string): boolean {
  const err = e as { code?: string; message?: string };
  return (err?.code === 'MODULE_NOT_FOUND' || err?.code === 'ERR_MODULE_NOT_FOUND') && !!err.message?.includes(pkg);
}

// Dynamic import through a variable so bundlers and tsc leave optional packages alone.
const importOptional = (name: string): Promise<unknown> => import(name);

async function activate(tfName: string): Promise<void> {
  const ok = await tf.setBackend(tfName);
  if (!ok || tf.getBackend() !== tfName) throw new Error(`tf.setBackend('${tfName}') failed`);
  await tf.ready();
}

async function tryNative(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<string> {
  try {
    await importOptional(pkg);
  } catch (e) {
    if (isMissingModule(e, pkg)) {
      const hint = pkg.endsWith('gpu')
        ? `not installed (npm install ${pkg}; needs CUDA 11.2 and cuDNN 8.1)`
        : `not installed (its libtensorflow download failed or was skipped)`;
      throw new Error(hint, { cause: e });
    }
    throw new Error(`installed but failed to load: ${errorText(e)}`, { cause: e });
  }
  await activate('tensorflow');
  return pkg.endsWith('gpu') ? 'CUDA through libtensorflow' : 'CPU through libtensorflow';
}

const NO_ADAPTER = 'no WebGPU adapter (needs a Vulkan driver: a GPU driver, or Mesa >= 25 lavapipe on Debian 12 from bookworm-backports)';
// A software Vulkan driver runs WebGPU on the CPU, several times slower than wasm here.
const softwareOnly = (description: string) => `only a software adapter (${description}); ask for it with --backend webgpu`;

/**
 * Makes WebGPU visible to TensorFlow.js in Node: `navigator.gpu` must exist *before*
 * `@tensorflow/tfjs-backend-webgpu` loads, or it never registers itself.
 */
async function tryWebgpu(auto: boolean): Promise<string> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (auto && !g.navigator?.gpu) {
    // Decide out of process first, so Dawn's stderr warnings do not reach a command that skips WebGPU.
    const probed = probeAdapterQuietly();
    if (probed === null) throw new Error(NO_ADAPTER);
    if (probed?.software) throw new Error(softwareOnly(probed.description));
  }
  if (!g.navigator?.gpu) {
    let dawn: { create: (flags: string[]) => GPU; globals: object };
    try {
      dawn = (await importOptional('webgpu')) as typeof dawn;
    } catch (e) {
      if (isMissingModule(e, 'webgpu')) throw new Error('not installed (npm install webgpu: Dawn, WebGPU for Node)', { cause: e });
      throw new Error(`the 'webgpu' package (Dawn) failed to load: ${errorText(e)}`, { cause: e });
    }
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  const adapter = await g.navigator!.gpu!.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(NO_ADAPTER);
  // `info` is newer than the bundled @webgpu/types; Dawn has it.
  const { description, software } = summarizeAdapter((adapter as GPUAdapter & { info: object }).info);
  if (auto && software) throw new Error(softwareOnly(description));
  await importOptional('@tensorflow/tfjs-backend-webgpu');
  if (!tf.findBackendFactory('webgpu')) throw new Error('tfjs-backend-webgpu did not register (navigator.gpu missing when it loaded)');
  await activate('webgpu');
  return `WebGPU: ${description}`;
}

interface WasmModule {
  setThreadsCount?: (n: number) => void;
  getThreadsCount?: () => number;
  version_wasm?: string;
}

async function tryWasm(): Promise<string> {
  const mod = (await importOptional('@tensorflow/tfjs-backend-wasm')) as WasmModule & { default?: WasmModule };
  // Node's import() of the CJS package exposes named exports; the offline bundle's loader hook
  // (scripts/bundle/runtime.ts) only a default export.
  const wasm: WasmModule = typeof mod.setThreadsCount === 'function' ? mod : (mod.default ?? {});
  registerConvFilterGradient(); // core: a conv model cannot train on wasm without it
  const accel = installWasmAccel(wasm.version_wasm);
  // Node gets tfjs's threaded build only through genlab's workaround (wasm-threads.ts), one of the speed-ups.
  const plan =
    accel.enabled && tf.findBackend('wasm') == null && wasm.setThreadsCount ? prepareWasmThreads(wantedWasmThreads(), wasm.setThreadsCount) : undefined;
  try {
    await activate('wasm');
  } finally {
    plan?.finish();
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
  const n = wasm.getThreadsCount?.() ?? 1;
  const threads = n > 1 ? `${n} threads` : `single-threaded${plan?.reason ? ` (${plan.reason})` : ''}`;
  return `WebAssembly, ${simd}, ${threads}${accel.enabled ? '' : `, genlab speed-ups off (${accel.reason})`}`;
}

async function tryCpu(): Promise<string> {
  await activate('cpu');
  return 'plain JavaScript';
}

/** Each backend's probe; `auto` is true while walking the default chain rather than obeying a request. */
const PROBES: Record<BackendName, (auto: boolean) => Promise<string>> = {
  'node-gpu': () => tryNative('@tensorflow/tfjs-node-gpu'),
  node: () => tryNative('@tensorflow/tfjs-node'),
  webgpu: tryWebgpu,
  wasm: tryWasm,
  cpu: tryCpu,
};

let current: BackendChoice | undefined;

/**
 * Chooses and activates the TensorFlow.js backend. Call it before allocating any tensor.
 *
 * With no request (no argument and no `GENLAB_BACKEND`) it tries `node-gpu → node → webgpu → wasm
 * → cpu` and keeps the first that works, remembering why each earlier one was skipped. In that
 * automatic walk a software WebGPU adapter (Mesa's lavapipe, SwiftShader) is skipped: it is a CPU
 * emulation of a GPU, slower than wasm; asking for `webgpu` by name still gets it. A named
 * backend that cannot run is an error, never a silent fallback: a user who asked for the GPU must
 * not get a CPU run by surprise.
 */
export async function setupBackend(requested?: string): Promise<BackendChoice> {
  const wanted = requested ?? process.env.GENLAB_BACKEND;
  if (wanted) {
    const name = parseBackendName(wanted);
    if (current?.name === name) return current;
    try {
      const device = await PROBES[name](false);
      current = describe(name, device, []);
    } catch (e) {
      throw new BackendUnavailableError(name, errorText(e));
    }
    return current;
  }
  if (current) return current;
  const skipped: BackendChoice['skipped'] = [];
  for (const name of BACKENDS) {
    try {
      const device = await PROBES[name](true);
      current = describe(name, device, skipped);
      return current;
    } catch (e) {
      skipped.push({ name, reason: errorText(e) });
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

function describe(name: BackendName, device: string, skipped: BackendChoice['skipped']): BackendChoice {
  const tfName = tf.getBackend();
  const why = skipped.length ? `; skipped ${skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}` : '';
  return { name, tfName, device, skipped, line: `genlab backend: ${name} [${device}]${why}` };
}

/** The backend chosen by the last {@link setupBackend}, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}

/**
 * Fails before training, not in the middle of it, when the active backend lacks a kernel the
 * model needs (e.g. a backend without `Conv2DBackpropFilter` cannot train a convolution).
 */
export function assertKernels(kernelNames: readonly string[], purpose: string): void {
  const backend = tf.getBackend();
  const missing = kernelNames.filter((k) => !tf.getKernel(k, backend));
  if (missing.length) {
    throw new Error(
      `backend '${backend}' cannot ${purpose}: it has no ${missing.join(', ')} kernel. ` +
        `Use --backend with one of: ${BACKENDS.filter((b) => b !== current?.name).join(', ')}.`,
    );
  }
}

/** Kernels that training a convolutional model calls. */
export const CONV_TRAINING_KERNELS = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const;
