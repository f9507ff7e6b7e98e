/**
 * Run-time setup of the offline GPU bundle (scripts/bundle-gpu.ts); imported first by each
 * bundle entry. Nothing here is part of the library.
 *
 * genlab loads its optional backends with `import(name)` through a variable (so bundlers and tsc
 * leave them alone), which inside a bundle would look for node_modules that are not there. This
 * file registers a Node module-resolution hook that answers those names with the copies bundled
 * into this file: `@tensorflow/tfjs-backend-wasm`, `@tensorflow/tfjs-backend-webgpu` (evaluated
 * only when genlab asks for it, after it has set navigator.gpu) and `webgpu` (the `dawn.node`
 * next to the bundle, loaded on first use). `@tensorflow/tfjs-node(-gpu)` stay unresolvable, so
 * genlab reports them "not installed". The wasm binaries are found next to the bundle
 * (setWasmPaths), not through node_modules.
 */
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const here = __dirname; // the bundle's folder (esbuild cjs output keeps __dirname)
setWasmPaths(`${here}/`);

let dawn: unknown;
const providers: Record<string, () => unknown> = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  '@tensorflow/tfjs-backend-wasm': (): unknown => require('@tensorflow/tfjs-backend-wasm') as unknown,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  '@tensorflow/tfjs-backend-webgpu': (): unknown => require('@tensorflow/tfjs-backend-webgpu') as unknown,
  webgpu: () => (dawn ??= createRequire(join(here, 'run.sh'))(join(here, 'dawn.node')) as unknown),
};
(globalThis as { __genlabBundled?: (name: string) => unknown }).__genlabBundled = (name) => providers[name]();

const hooks = `
const NAMES = ${JSON.stringify(Object.keys(providers))};
const PREFIX = 'genlab-bundled:';
export async function resolve(specifier, context, next) {
  if (NAMES.includes(specifier)) return { url: PREFIX + specifier, shortCircuit: true };
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.startsWith(PREFIX)) return next(url, context);
  const name = JSON.stringify(url.slice(PREFIX.length));
  const source = 'const m = globalThis.__genlabBundled(' + name + ');' +
    'export default m; export const create = m.create; export const globals = m.globals;';
  return { format: 'module', source, shortCircuit: true };
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
