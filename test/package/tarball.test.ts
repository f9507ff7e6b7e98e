// genlab as a reader's project gets it: `npm pack`, then a fresh project outside this repository
// that runs `npm install ./genlab-<version>.tgz @tensorflow/tfjs` and nothing else (registry
// packages only), type-checks every recipe and the README's quick start against the tarball's
// declarations, and runs them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

const ROOT = resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'src/genlab/package.json'), 'utf8')) as { version: string };
const work = mkdtempSync(join(tmpdir(), 'genlab-pack-'));
const app = join(work, 'app');
const tarball = join(work, `genlab-${manifest.version}.tgz`);
const RECIPES = readdirSync(join(ROOT, 'recipes'))
  .filter((f) => f.endsWith('.ts'))
  .sort();

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', ...env },
    timeout: 600_000,
  });
  // The tail only: a failing wasm module prints its whole glue script.
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}\n${r.stderr}`.slice(-3000) };
}

/** The first ```ts block of the package README, a module with top-level await. */
function quickStart(): string {
  const readme = readFileSync(join(ROOT, 'src/genlab/README.md'), 'utf8');
  const m = readme.match(/## Quick start\s+```ts\n([\s\S]*?)```/);
  assert.ok(m, 'the README has a quick start in TypeScript');
  return m[1];
}

before(() => {
  const pack = sh('npm', ['pack', '-w', 'genlab', '--pack-destination', work, '--json'], ROOT);
  assert.equal(pack.status, 0, pack.out);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'reader-project', version: '1.0.0', private: true }, null, 2));
  const install = sh('npm', ['install', `../genlab-${manifest.version}.tgz`, '@tensorflow/tfjs'], app);
  assert.equal(install.status, 0, install.out);
  for (const f of RECIPES) copyFileSync(join(ROOT, 'recipes', f), join(app, f));
  writeFileSync(join(app, 'quick-start.mts'), quickStart());
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'Node16',
        moduleResolution: 'Node16',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        // A TypeScript project has its own @types/node; this one borrows the repository's.
        typeRoots: [join(ROOT, 'node_modules/@types')],
        types: ['node'],
      },
      include: ['*.ts', '*.mts'],
    }),
  );
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball in a fresh project', () => {
  test('holds the built library, its declarations, README and licence, and no build leftovers', () => {
    const list = sh('tar', ['-tzf', tarball], work).stdout.split('\n').filter(Boolean);
    for (const f of [
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/browser.js',
      'package/dist/browser.d.ts',
      'package/README.md',
      'package/LICENSE',
      'package/package.json',
    ]) {
      assert.ok(list.includes(f), `${f} in the tarball`);
    }
    assert.deepEqual(
      list.filter((f) => /tsbuildinfo|api-temp|\.test\.|node_modules/.test(f)),
      [],
    );
  });

  test('was compiled by the TypeScript the library declares, not the notebook kernel’s fork', () => {
    // tslab's fork (@tslab/typescript-for-tslab) also installs a `tsc`; `npm pack` ran the build.
    const declared = JSON.parse(readFileSync(join(ROOT, 'src/genlab/package.json'), 'utf8')).devDependencies.typescript as string;
    const built = JSON.parse(readFileSync(join(ROOT, 'src/genlab/dist/.tsbuildinfo'), 'utf8')).version as string;
    assert.equal(built, JSON.parse(readFileSync(join(ROOT, 'node_modules/typescript/package.json'), 'utf8')).version);
    assert.equal(built.split('.').slice(0, 2).join('.'), declared.replace(/^[~^]/, '').split('.').slice(0, 2).join('.'));
  });

  test('installs from the registry with tfjs as the one engine; genlab is the tarball, not this repository', () => {
    const genlab = realpathSync(join(app, 'node_modules/genlab'));
    assert.ok(genlab.startsWith(realpathSync(app)), genlab);
    const ls = sh('npm', ['ls', '--all', '--parseable', '@tensorflow/tfjs-core'], app);
    assert.equal(ls.status, 0, ls.out);
    assert.deepEqual(ls.stdout.split('\n').filter(Boolean), [join(realpathSync(app), 'node_modules/@tensorflow/tfjs-core')], 'one tfjs-core');
    for (const peer of ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu']) {
      assert.ok(readdirSync(join(app, 'node_modules', peer)).includes('package.json'), `${peer} installed as a peer`);
    }
  });

  test('every recipe and the README quick start type-check against the tarball', () => {
    const tsc = sh(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
    assert.equal(tsc.status, 0, tsc.out);
  });

  const tsx = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const run = (file: string) => sh(process.execPath, ['--import', tsx, file], app, { GENLAB_BACKEND: 'wasm' });

  for (const f of RECIPES) {
    test(`recipe ${f} runs`, () => {
      const r = run(f);
      assert.equal(r.status, 0, r.out);
      assert.match(r.stdout, /\S/);
    });
  }

  test('the README quick start runs and prints a finite ELBO', () => {
    const r = run('quick-start.mts');
    assert.equal(r.status, 0, r.out);
    assert.match(r.stdout, /^genlab backend: wasm /m);
    const elbo = Number(r.stdout.match(/^ELBO (\S+) nats$/m)?.[1]);
    assert.ok(Number.isFinite(elbo) && elbo < 0, r.stdout);
  });
});
