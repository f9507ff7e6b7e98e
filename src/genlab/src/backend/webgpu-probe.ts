import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What genlab needs to know about a WebGPU adapter. */
export interface AdapterSummary {
  /** Vendor, architecture and description, e.g. `mesa software llvmpipe: Mesa 25.0.7`. */
  description: string;
  /** A CPU emulation of a GPU (Mesa's lavapipe/llvmpipe, SwiftShader). */
  software: boolean;
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** One summary for an adapter asked in this process or in a child. */
export function summarizeAdapter(info: AdapterInfoLike): AdapterSummary {
  const description = [info.vendor, info.architecture, info.description || info.device].filter((s) => s).join(' ') || 'unknown adapter';
  return { description, software: /llvmpipe|lavapipe|swiftshader/i.test(description) || !!info.isFallbackAdapter };
}

// Run by `node -e` with the path of dawn.node as its one argument; prints the adapter's info as JSON.
const CHILD = `
const { create } = require(process.argv[1]);
create([]).requestAdapter({ powerPreference: 'high-performance' }).then((a) => {
  const i = a && a.info;
  process.stdout.write(JSON.stringify(i ? { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter } : null));
  process.exit(0);
}, (e) => { process.stderr.write(String((e && e.message) || e)); process.exit(3); });
`;

function dawnAddonPath(): string | undefined {
  try {
    const dir = dirname(require.resolve('webgpu/package.json'));
    const file = join(dir, 'dist', `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`, 'dawn.node');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asks Dawn for its adapter in a child process. Why: while it enumerates Vulkan devices Dawn's
 * native code writes warnings (e.g. "maxDynamicStorageBuffersPerPipelineLayout artificially
 * reduced" on Mesa's llvmpipe) straight to this process's stderr, where no JavaScript can catch
 * them; probing in a child keeps them out of every command that then does not use WebGPU.
 *
 * Returns the adapter, `null` when there is none, or `undefined` when dawn.node is not a file
 * that a child can load (inside a bundle): the caller then asks in its own process.
 */
export function probeAdapterQuietly(): AdapterSummary | null | undefined {
  const addon = dawnAddonPath();
  if (!addon) return undefined;
  const r = spawnSync(process.execPath, ['-e', CHILD, addon], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0)
    throw new Error(`the 'webgpu' package (Dawn) failed to start: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop()}`);
  const info = JSON.parse(r.stdout) as AdapterInfoLike | null;
  return info && summarizeAdapter(info);
}
