// The notebooks: each one runs end to end in the smoke profile through Jupyter's own client and
// the project tslab kernelspec, and the committed (full-profile) notebooks are valid, executed
// and carry their provenance. Needs Debian's Jupyter packages: bash scripts/system-deps.sh jupyter.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

const ROOT = resolve(__dirname, '..', '..');
const NOTEBOOKS = join(ROOT, 'notebooks');
const PYTHON = '/usr/bin/python3';
const HINT = 'run: bash scripts/system-deps.sh jupyter';
const notebooks = readdirSync(NOTEBOOKS)
  .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
  .sort();

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
}
interface Cell {
  id?: string;
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  cells: Cell[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- nbformat metadata as the kernel and scripts/notebooks.ts write it; the tests check its shape
  metadata: Record<string, any>;
}

const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('') : (s ?? ''));
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Notebook;

function jupyterMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `Jupyter (nbclient, nbformat for ${PYTHON}) is missing: ${HINT}`;
  return null;
}

function runNotebooks(args: string[], env: Record<string, string> = {}) {
  return spawnSync('npm', ['run', '--silent', 'notebooks', '--', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 15 * 60 * 1000,
  });
}

/** Every problem an executed notebook shows in its outputs: error outputs and stderr streams. */
function outputProblems(nb: Notebook): string[] {
  const problems: string[] = [];
  let n = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    n++;
    for (const o of cell.outputs ?? []) {
      if (o.output_type === 'error') problems.push(`code cell ${n}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr') problems.push(`code cell ${n} wrote to stderr: ${text(o.text).slice(0, 300)}`);
    }
  }
  return problems;
}

/** A code cell that prints or displays something must have outputs. */
const producesOutput = (source: string) => /console\.(log|info|table)\(|display\.|newDisplay\(/.test(source);

test('there are notebooks', () => {
  assert.ok(notebooks.length > 0, 'no notebooks/*.ipynb');
});

test('Jupyter is installed (nbclient and nbformat for /usr/bin/python3)', () => {
  const missing = jupyterMissing();
  assert.equal(missing, null, missing ?? '');
});

describe('smoke profile: every notebook runs through Jupyter with the tslab kernel', () => {
  let out: string;
  let run: ReturnType<typeof runNotebooks>;
  before(() => {
    out = mkdtempSync(join(tmpdir(), 'genlab-notebooks-'));
    if (jupyterMissing()) return;
    run = runNotebooks(['--profile', 'smoke', '--out', out, '--force']);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  test('npm run notebooks -- --profile smoke --out DIR exits 0', () => {
    const missing = jupyterMissing();
    assert.equal(missing, null, missing ?? '');
    assert.equal(run.status, 0, `npm run notebooks failed:\n${run.stdout}\n${run.stderr}`);
  });

  for (const name of notebooks) {
    test(`${name}: executed without errors, with smoke provenance`, () => {
      const missing = jupyterMissing();
      assert.equal(missing, null, missing ?? '');
      const nb = read(join(out, name));
      assert.deepEqual(outputProblems(nb), []);
      const g = nb.metadata.genlab;
      assert.equal(g?.profile, 'smoke');
      assert.match(g.backend ?? '', /^genlab backend: /);
      assert.match(g.inputHash, /^[0-9a-f]{64}$/);
      assert.equal(typeof g.seconds, 'number');
      assert.ok(!Number.isNaN(Date.parse(g.started)));
      assert.ok(g.genlabVersion);
      // The committed notebook is not touched by a run that writes elsewhere.
      assert.notEqual(read(join(NOTEBOOKS, name)).metadata.genlab?.profile, 'smoke');
    });
  }
});

for (const name of notebooks) {
  describe(`committed ${name}`, () => {
    const file = join(NOTEBOOKS, name);
    const nb = read(file);

    test('passes nbformat validation', () => {
      const missing = jupyterMissing();
      assert.equal(missing, null, missing ?? '');
      const r = spawnSync(PYTHON, ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    });

    test('uses the tslab kernelspec and has cell ids', () => {
      assert.equal(nb.metadata.kernelspec?.name, 'tslab');
      assert.equal(nb.metadata.kernelspec?.language, 'typescript');
      assert.ok(nb.nbformat === 4 && nb.nbformat_minor >= 5, 'cell ids need nbformat 4.5');
      const ids = nb.cells.map((c) => c.id);
      assert.ok(ids.every((id) => typeof id === 'string' && /^[a-zA-Z0-9-_]{1,64}$/.test(id)), 'every cell needs an id');
      assert.equal(new Set(ids).size, ids.length, 'cell ids must be unique');
    });

    test('is executed in the full profile, with provenance and without errors', () => {
      const g = nb.metadata.genlab;
      assert.equal(g?.profile, 'full', 'run: npm run notebooks (the full profile is what is committed)');
      assert.match(g.backend ?? '', /^genlab backend: /);
      assert.match(g.inputHash, /^[0-9a-f]{64}$/);
      assert.deepEqual(outputProblems(nb), []);
      let n = 0;
      for (const cell of nb.cells) {
        if (cell.cell_type !== 'code') continue;
        n++;
        if (producesOutput(text(cell.source))) assert.ok((cell.outputs ?? []).length > 0, `code cell ${n} prints or displays but has no outputs`);
      }
    });

    test('stays under 2 MB', () => {
      assert.ok(statSync(file).size < 2 * 1024 * 1024, `${name} is ${statSync(file).size} bytes`);
    });
  });
}

describe('scripts/notebooks.ts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'genlab-notebooks-script-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const notebook = (sources: string[]) => ({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript (genlab, tslab)', language: 'typescript' } },
    cells: sources.map((source, i) => ({ id: `c${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null })),
  });

  test('a failing cell exits 1 naming notebook, cell and error, and leaves the target untouched', () => {
    const missing = jupyterMissing();
    assert.equal(missing, null, missing ?? '');
    const src = join(dir, 'fail');
    const out = join(dir, 'fail-out');
    spawnSync('mkdir', ['-p', src, out]);
    writeFileSync(join(src, '99-fail.ipynb'), JSON.stringify(notebook(['console.log("fine");', 'throw new Error("boom in cell two");'])));
    writeFileSync(join(out, '99-fail.ipynb'), 'previous contents\n');
    const r = runNotebooks(['--profile', 'smoke', '--out', out], { GENLAB_NOTEBOOK_DIR: src });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /99-fail\.ipynb: code cell 2 .*failed/);
    assert.match(r.stderr, /boom in cell two/);
    assert.equal(readFileSync(join(out, '99-fail.ipynb'), 'utf8'), 'previous contents\n');
    assert.deepEqual(readdirSync(out), ['99-fail.ipynb'], 'no temporary files left behind');
  });

  test('an unchanged notebook is skipped, a changed one runs again', () => {
    const missing = jupyterMissing();
    assert.equal(missing, null, missing ?? '');
    const src = join(dir, 'ok');
    const out = join(dir, 'ok-out');
    spawnSync('mkdir', ['-p', src]);
    writeFileSync(join(src, '98-ok.ipynb'), JSON.stringify(notebook(['console.log(`profile ${process.env.GENLAB_PROFILE}`);'])));
    const first = runNotebooks(['--profile', 'smoke', '--out', out], { GENLAB_NOTEBOOK_DIR: src });
    assert.equal(first.status, 0, first.stdout + first.stderr);
    const nb = read(join(out, '98-ok.ipynb'));
    assert.equal(text(nb.cells[0].outputs?.[0]?.text), 'profile smoke\n');
    const second = runNotebooks(['--profile', 'smoke', '--out', out], { GENLAB_NOTEBOOK_DIR: src });
    assert.equal(second.status, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /98-ok\.ipynb: unchanged .* skipped/);
    writeFileSync(join(src, '98-ok.ipynb'), JSON.stringify(notebook(['console.log("changed");'])));
    const third = runNotebooks(['--profile', 'smoke', '--out', out], { GENLAB_NOTEBOOK_DIR: src });
    assert.equal(third.status, 0, third.stdout + third.stderr);
    assert.match(third.stdout, /98-ok\.ipynb: done/);
  });

  test('without Jupyter it fails with the install hint', () => {
    const r = runNotebooks(['--profile', 'smoke', '--out', join(dir, 'none')], { GENLAB_PYTHON: '/nonexistent/python3' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /run: bash scripts\/system-deps\.sh jupyter/);
  });

  test('bad flags are a usage error', () => {
    const r = runNotebooks(['--profile', 'huge']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--profile must be smoke or full/);
  });
});
