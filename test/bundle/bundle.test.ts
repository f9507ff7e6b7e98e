/**
 * The offline GPU bundle (npm run bundle:gpu): builds it into a temp dir, checks its contents and
 * compressed size, and trains from it with node_modules out of reach (run from a temp dir,
 * NODE_PATH empty): a VAE on wasm, and two MLP-GAN steps on WebGPU (lavapipe) when available.
 * Run: node --import tsx --test test/bundle/bundle.test.ts
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle } from '../../scripts/bundle-gpu';

let root: string;
let dir: string;
let tarballBytes = 0;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'genlab-bundle-test-'));
  const res = await buildBundle(join(root, 'genlab-gpu'));
  dir = res.dir;
  tarballBytes = res.tarballBytes!;
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the bundle's run.sh from an empty folder, away from the repository's node_modules. */
function runBundle(args: string[], env: Record<string, string>, timeout = 60_000) {
  const cwd = mkdtempSync(join(root, 'cwd-'));
  const r = spawnSync(join(dir, 'run.sh'), args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: cwd, NODE_PATH: '', ...env },
  });
  return { ...r, cwd };
}

test('the bundle holds node, the bundled trainer, wasm binaries, dawn.node, gzipped MNIST and the scripts; < 60 MiB compressed', () => {
  for (const f of [
    'node',
    'train.cjs',
    'bench.cjs',
    'dawn.node',
    'run.sh',
    'gpu-check.sh',
    'torch_reference.py',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm.wasm',
  ]) {
    assert.ok(existsSync(join(dir, f)), `${f} in the bundle`);
  }
  assert.deepEqual(readdirSync(join(dir, 'data')).sort(), [
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
    'train-images-idx3-ubyte.gz',
    'train-labels-idx1-ubyte.gz',
  ]);
  assert.ok(statSync(join(dir, 'run.sh')).mode & 0o111, 'run.sh is executable');
  assert.ok(tarballBytes > 10 * 1024 * 1024 && tarballBytes < 60 * 1024 * 1024, `tarball ${tarballBytes} bytes`);
  // The trainer is one file: no require of genlab or tfjs packages left for node_modules to satisfy.
  const code = readFileSync(join(dir, 'train.cjs'), 'utf8');
  assert.doesNotMatch(code, /require\("(genlab|@tensorflow\/tfjs[a-z-]*|cli-progress|vega[a-z-]*)"\)/);
});

test('./run.sh without a command prints usage and exits 2', () => {
  const r = runBundle([], {});
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: \.\/run\.sh train/);
});

test('./run.sh train vae on wasm from a temp dir writes a complete run folder', () => {
  const r = runBundle(['train', 'vae', '--train-limit', '200', '--epochs', '1', '--batch-size', '100', '--out', 'run'], { GENLAB_BACKEND: 'wasm' });
  assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /genlab backend: wasm/);
  const run = join(r.cwd, 'run');
  for (const f of ['config.json', 'log.jsonl', 'losses.svg', 'samples/epoch-001.png', 'checkpoints/epoch-001/state.json']) {
    assert.ok(existsSync(join(run, f)), `${f} in the run folder`);
  }
  const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  assert.equal(config.backend, 'wasm');
  assert.equal(config.trainSize, 200);
  const epoch = readFileSync(join(run, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .find((x) => x.type === 'epoch');
  assert.ok(Number.isFinite(epoch.losses.loss) && epoch.losses.loss > 0);
});

test('./run.sh train gan defaults to WebGPU and runs two steps on lavapipe when a Vulkan driver is present', (t) => {
  const probe = spawnSync('sh', ['-c', 'ldconfig -p | grep -q libvulkan.so.1 && ls /usr/share/vulkan/icd.d/ | grep -q lvp']);
  if (probe.status !== 0) {
    t.skip('no Vulkan loader or lavapipe ICD here (bash scripts/system-deps.sh webgpu installs them)');
    return;
  }
  const r = runBundle(['train', 'gan', '--train-limit', '128', '--epochs', '1', '--batch-size', '64', '--out', 'run'], {}, 70_000);
  assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /genlab backend: webgpu \[WebGPU: /);
  assert.ok(existsSync(join(r.cwd, 'run', 'samples', 'epoch-001.png')));
});
