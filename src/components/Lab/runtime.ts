// Loads TensorFlow.js and the browser part of genlab for the lab, in the browser only, and starts
// a backend: WebGPU when the browser offers an adapter, else WebGL, else the CPU backend (or the
// one a link asks for). Says which one runs and, where the browser tells it, on what adapter.
import type * as TF from '@tensorflow/tfjs';
import type * as Genlab from 'genlab/browser';
import type { LabBackend } from './config';

export interface LabRuntime {
  tf: typeof TF;
  genlab: typeof Genlab;
  backend: string;
  /** The GPU as the browser names it, or '' when it does not say. */
  adapter: string;
  /** Why the asked-for backend is not the one running, or ''. */
  fallback: string;
}

let modules: Promise<{ tf: typeof TF; genlab: typeof Genlab }> | undefined;

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
}

async function webgpuAdapter(): Promise<string | undefined> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return undefined;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return undefined;
    const info = adapter.info ?? {};
    return info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'WebGPU adapter';
  } catch {
    return undefined;
  }
}

function webglRenderer(): string {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return '';
    // Browsers now return the unmasked renderer from RENDERER itself; older ones need the extension.
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return '';
  }
}

async function trySet(tf: typeof TF, name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** TensorFlow.js on the asked backend ('auto': the best that starts). Calls may switch backends between runs. */
export async function loadLabRuntime(wanted: LabBackend): Promise<LabRuntime> {
  modules ??= Promise.all([import('@tensorflow/tfjs'), import('genlab/browser')]).then(([tf, genlab]) => {
    // Outlives the lab component, so a test (or a reader) can see that leaving the page freed its tensors.
    (window as unknown as { __genlabTfMemory?: () => TF.MemoryInfo }).__genlabTfMemory = () => tf.memory();
    return { tf, genlab };
  });
  const { tf, genlab } = await modules;
  const order: string[] = wanted === 'auto' ? ['webgpu', 'webgl', 'cpu'] : [wanted, 'webgl', 'cpu'];
  let adapter = '';
  for (const name of order) {
    if (name === 'webgpu') {
      const a = await webgpuAdapter();
      if (!a) continue;
      await import('@tensorflow/tfjs-backend-webgpu');
      if (await trySet(tf, 'webgpu')) {
        adapter = a;
        break;
      }
      continue;
    }
    if (await trySet(tf, name)) {
      adapter = name === 'webgl' ? webglRenderer() : '';
      break;
    }
  }
  await tf.ready();
  const backend = tf.getBackend();
  return { tf, genlab, backend, adapter, fallback: wanted !== 'auto' && wanted !== backend ? wanted : '' };
}
