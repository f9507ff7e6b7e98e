/**
 * genlab's WebAssembly speed-ups behind one boundary. They reach into TensorFlow.js internals
 * that no semver protects (the wasm backend's heap, displaced kernels' setup functions, Adam's
 * private slots, Emscripten's worker script, `os.cpus`), so they are installed only on the tfjs
 * version they were tested with, and never when `GENLAB_WASM_ACCEL=0`. What each one works around
 * upstream is tabled in bench/NOTES.md ("Overrides and the upstream gaps they cover").
 *
 * Not behind this boundary: `Conv2DBackpropFilter` (wasm-conv-filter.ts), which training needs.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from './wasm-kernels';

/** The tfjs release (core and wasm backend) the speed-ups were written and tested against. */
export const WASM_ACCEL_TFJS_VERSION = '4.22.0';

export interface WasmAccelDecision {
  enabled: boolean;
  /** Why they are off, for the backend line. */
  reason?: string;
}

/**
 * Whether to install the speed-ups: not when `GENLAB_WASM_ACCEL` is `0` (or `off`, `false`), not
 * when tfjs-core or tfjs-backend-wasm is another version than {@link WASM_ACCEL_TFJS_VERSION}.
 */
export function wasmAccelDecision(env: NodeJS.ProcessEnv, versions: { core: string; wasm?: string }): WasmAccelDecision {
  const flag = env.GENLAB_WASM_ACCEL?.trim().toLowerCase();
  if (flag === '0' || flag === 'off' || flag === 'false') return { enabled: false, reason: 'GENLAB_WASM_ACCEL=0' };
  for (const [name, v] of [
    ['tfjs', versions.core],
    ['tfjs-backend-wasm', versions.wasm],
  ] as const) {
    if (v !== undefined && v !== WASM_ACCEL_TFJS_VERSION) {
      return { enabled: false, reason: `${name} ${v}, tested with ${WASM_ACCEL_TFJS_VERSION}` };
    }
  }
  return { enabled: true };
}

/**
 * The one entry point: decides (see {@link wasmAccelDecision}) and, when enabled, installs the
 * kernel overrides and the fused Adam (wasm-kernels.ts). `setupBackend` calls it before the wasm
 * backend starts, and applies the threads workaround (wasm-threads.ts) only when it is enabled.
 */
export function installWasmAccel(wasmVersion: string | undefined, env: NodeJS.ProcessEnv = process.env): WasmAccelDecision {
  const decision = wasmAccelDecision(env, { core: tf.version_core, wasm: wasmVersion });
  if (decision.enabled) registerWasmKernels();
  return decision;
}
