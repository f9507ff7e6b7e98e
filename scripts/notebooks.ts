// Executes the notebooks in notebooks/*.ipynb headless, through Jupyter's own client (nbclient)
// and the project's tslab kernelspec (scripts/notebook-kernel, found through JUPYTER_PATH).
//
//   npm run notebooks -- [names…] [--profile smoke|full] [--out DIR] [--force] [--timeout S]
//
// names: notebook files or prefixes ("05", "05-vae-elbo", "notebooks/05-vae-elbo.ipynb"); none = all.
// --profile: reaches the notebook as GENLAB_PROFILE, read by its parameters cell. `full` (default)
//   is what is committed; `smoke` runs tiny slices and writes to .cache/notebooks-smoke/ unless
//   --out says otherwise, so the committed notebooks always hold the full run.
// --out DIR: where executed notebooks go (default notebooks/ for full).
// --force: execute even when the input hash says nothing changed.
//
// Each executed notebook gets metadata.genlab = { profile, backend, started, seconds,
// genlabVersion, gitCommit, tslab, node, inputHash }. The input hash covers the code cells, the
// kernelspec, package-lock.json and the library sources, so an unchanged notebook is skipped.
// A failing cell exits 1 naming the notebook, the cell and the error; the target file is only
// replaced (by rename) after every cell succeeded.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
/** Where notebooks are read from (and the kernel's working directory); GENLAB_NOTEBOOK_DIR overrides it for tests. */
export const NOTEBOOK_DIR = resolve(process.env.GENLAB_NOTEBOOK_DIR ?? join(ROOT, 'notebooks'));
export const KERNEL_PATH = join(ROOT, 'scripts', 'notebook-kernel');
export const KERNEL_NAME = 'tslab';
export const PYTHON = process.env.GENLAB_PYTHON ?? '/usr/bin/python3';
export const INSTALL_HINT = 'Jupyter (nbclient, nbformat) is missing: run: bash scripts/system-deps.sh jupyter';
export const PROFILES = ['smoke', 'full'] as const;
export type Profile = (typeof PROFILES)[number];

class UsageError extends Error {}

interface Args {
  names: string[];
  profile: Profile;
  out?: string;
  force: boolean;
  timeout?: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { names: [], profile: 'full', force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--profile') {
      const p = value();
      if (!(PROFILES as readonly string[]).includes(p)) throw new UsageError(`--profile must be smoke or full, not '${p}'`);
      args.profile = p as Profile;
    } else if (a.startsWith('--profile=')) {
      argv.splice(i + 1, 0, a.slice('--profile='.length));
      argv[i] = '--profile';
      i--;
    } else if (a === '--out') args.out = value();
    else if (a === '--force') args.force = true;
    else if (a === '--timeout') args.timeout = Number(value());
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run notebooks -- [names…] [--profile smoke|full] [--out DIR] [--force] [--timeout SECONDS]');
      process.exit(0);
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else args.names.push(a);
  }
  return args;
}

/** All notebooks, or those matching the given names/prefixes. */
export function selectNotebooks(names: string[]): string[] {
  const all = readdirSync(NOTEBOOK_DIR)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort();
  if (!names.length) return all.map((f) => join(NOTEBOOK_DIR, f));
  return names.map((n) => {
    const b = basename(n);
    const hit = all.filter((f) => f === b || f === `${b}.ipynb` || f.startsWith(b));
    if (hit.length !== 1) {
      throw new UsageError(`'${n}' matches ${hit.length ? hit.join(', ') : 'no notebook'} in notebooks/ (have: ${all.join(', ') || 'none'})`);
    }
    return join(NOTEBOOK_DIR, hit[0]);
  });
}

/** Exits with the install hint when /usr/bin/python3 cannot import nbclient and nbformat. */
export function checkJupyter(): void {
  const r = spawnSync(PYTHON, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? `${PYTHON} not found` : (r.stderr || '').trim().split('\n').pop();
    throw new Error(`${INSTALL_HINT} (${why})`);
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

interface Notebook {
  cells: { cell_type: string; source: string | string[]; outputs?: Output[] }[];
  metadata: { kernelspec?: { name?: string }; genlab?: Record<string, unknown>; [k: string]: unknown };
  [k: string]: unknown;
}
interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('') : (s ?? ''));

/**
 * What decides a notebook's outputs: its code cells, the kernelspec, the locked dependencies,
 * the library sources, and the profile.
 */
export function inputHash(nb: Notebook, profile: Profile): string {
  const h = createHash('sha256');
  h.update(`profile:${profile}\n`);
  for (const c of nb.cells) if (c.cell_type === 'code') h.update(`cell:${text(c.source)}\n\0`);
  h.update(`kernel:${readFileSync(join(KERNEL_PATH, 'kernels', KERNEL_NAME, 'kernel.json'), 'utf8')}\0`);
  h.update(`lock:${readFileSync(join(ROOT, 'package-lock.json'), 'utf8')}\0`);
  const lib = join(ROOT, 'src', 'genlab');
  for (const f of [join(lib, 'package.json'), ...walk(join(lib, 'src'))]) {
    h.update(`file:${relative(ROOT, f)}\n`);
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

function gitCommit(): string | null {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape of the JSON it reads
function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** The backend line the notebook printed (its first "genlab backend: …" output). */
export function backendLine(nb: Notebook): string | null {
  for (const c of nb.cells) {
    for (const o of c.outputs ?? []) {
      const m = /^genlab backend: .*$/m.exec(text(o.text));
      if (m) return m[0];
    }
  }
  return null;
}

export class NotebookCellError extends Error {}

function runPython(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const s = String(d);
      // Progress lines from execute.py; other stderr (the kernel's own warnings) stays quiet.
      for (const line of s.split('\n')) if (/^ {2}cell \d+ done/.test(line)) console.log(line);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ status: code ?? 1, stdout, stderr }));
  });
}

export interface RunResult {
  notebook: string;
  target: string;
  skipped: boolean;
  seconds: number;
}

export async function executeNotebook(
  source: string,
  profile: Profile,
  outDir: string,
  options: { force?: boolean; timeout?: number } = {},
): Promise<RunResult> {
  const name = basename(source);
  const target = join(outDir, name);
  const nb = readJson<Notebook>(source);
  const spec = nb.metadata?.kernelspec?.name;
  if (spec !== KERNEL_NAME) throw new NotebookCellError(`${name}: kernelspec is '${spec}', expected '${KERNEL_NAME}'`);
  const hash = inputHash(nb, profile);
  if (!options.force && existsSync(target)) {
    let old: Record<string, unknown> | undefined;
    try {
      old = readJson<Notebook>(target).metadata?.genlab;
    } catch {
      old = undefined; // not a notebook we wrote: execute and replace it
    }
    if (old?.inputHash === hash && old?.profile === profile) {
      console.log(`${name}: unchanged since its ${profile} run of ${old.started as string}, skipped (--force to run it anyway)`);
      return { notebook: name, target, skipped: true, seconds: 0 };
    }
  }
  mkdirSync(outDir, { recursive: true });
  const tmpIn = join(outDir, `.${name}.${process.pid}.in.ipynb`);
  const tmpOut = join(outDir, `.${name}.${process.pid}.out.ipynb`);
  // Strip old provenance from the input, so a failed run never leaves stale metadata behind.
  const input = structuredClone(nb);
  delete input.metadata.genlab;
  writeFileSync(tmpIn, JSON.stringify(input, null, 1) + '\n');
  const started = new Date();
  const t0 = performance.now();
  const timeout = options.timeout ?? (profile === 'full' ? 3600 : 600);
  console.log(`${name}: executing (profile ${profile}, kernel ${KERNEL_NAME}) …`);
  try {
    const env = { ...process.env, JUPYTER_PATH: [KERNEL_PATH, process.env.JUPYTER_PATH].filter(Boolean).join(':'), GENLAB_PROFILE: profile };
    const r = await runPython(
      [join(KERNEL_PATH, 'execute.py'), tmpIn, tmpOut, '--cwd', NOTEBOOK_DIR, '--kernel', KERNEL_NAME, '--timeout', String(timeout)],
      env,
    );
    if (r.status !== 0) {
      const last = r.stdout.trim().split('\n').pop() ?? '';
      let detail: { cell?: number; index?: number; error?: string; missing?: string } = {};
      try {
        detail = JSON.parse(last) as typeof detail;
      } catch {
        /* not a report line */
      }
      if (detail.missing) throw new Error(`${INSTALL_HINT} (${detail.missing})`);
      if (detail.cell) throw new NotebookCellError(`${name}: code cell ${detail.cell} (cell index ${detail.index}) failed:\n${detail.error}`);
      throw new NotebookCellError(`${name}: execution failed (exit ${r.status}):\n${(r.stderr + r.stdout).trim().split('\n').slice(-30).join('\n')}`);
    }
    const executed = readJson<Notebook>(tmpOut);
    const seconds = (performance.now() - t0) / 1000;
    executed.metadata.genlab = {
      profile,
      backend: backendLine(executed),
      started: started.toISOString(),
      seconds: Math.round(seconds * 10) / 10,
      genlabVersion: readJson<{ version: string }>(join(ROOT, 'src', 'genlab', 'package.json')).version,
      gitCommit: gitCommit(),
      tslab: readJson<{ version: string }>(join(ROOT, 'node_modules', 'tslab', 'package.json')).version,
      node: process.version,
      inputHash: hash,
    };
    writeFileSync(tmpOut, JSON.stringify(executed, null, 1) + '\n');
    renameSync(tmpOut, target);
    console.log(`${name}: done in ${seconds.toFixed(1)} s → ${relative(process.cwd(), target) || target}`);
    return { notebook: name, target, skipped: false, seconds };
  } finally {
    rmSync(tmpIn, { force: true });
    rmSync(tmpOut, { force: true });
  }
}

async function main(): Promise<number> {
  let args: Args;
  let notebooks: string[];
  try {
    args = parseArgs(process.argv.slice(2));
    notebooks = selectNotebooks(args.names);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`notebooks: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (!notebooks.length) {
    console.error('notebooks: no notebooks in notebooks/');
    return 1;
  }
  const outDir = resolve(args.out ?? (args.profile === 'full' ? NOTEBOOK_DIR : join(ROOT, '.cache', 'notebooks-smoke')));
  if (!existsSync(join(ROOT, 'node_modules', '.bin', 'tslab'))) {
    console.error('notebooks: node_modules/.bin/tslab is missing: run npm install');
    return 1;
  }
  if (!existsSync(join(ROOT, 'src', 'genlab', 'dist', 'index.js'))) {
    console.error('notebooks: the genlab package is not built (src/genlab/dist): run npm run build');
    return 1;
  }
  try {
    checkJupyter();
  } catch (e) {
    console.error(`notebooks: ${(e as Error).message}`);
    return 1;
  }
  let failed = 0;
  for (const nb of notebooks) {
    try {
      await executeNotebook(nb, args.profile, outDir, { force: args.force, timeout: args.timeout });
    } catch (e) {
      failed++;
      console.error(`notebooks: ${(e as Error).message}`);
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
