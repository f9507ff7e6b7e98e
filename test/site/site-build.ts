// One production build of the site (both locales) shared by test/site/build.test.ts and
// test/e2e/site.test.ts: on 2 cores a build takes minutes, so it is made once per set of inputs.
// The notebooks are rendered first (npm run render-notebooks, scripts/notebook-pages/), as
// `npm run site:build` does.
// The build and its log go to .cache/site-test/<hash of the inputs>/ and are reused while no input
// (docs, i18n, site sources, library sources, notebooks, static files, config) changes. It is
// built without minification, which saves a good part of the build time and changes nothing tested.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, '.cache', 'site-test');

export interface SiteBuild {
  outDir: string;
  status: number;
  log: string;
  seconds: number;
  reused: boolean;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      if (n === 'node_modules' || n === 'dist' || n.startsWith('.')) return [];
      // docs/api/ is written by the build itself (src/plugins/api-reference.ts) from src/genlab/src, which is hashed.
      if (relative(ROOT, p) === join('docs', 'api')) return [];
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

export function inputsHash(baseUrl = '/'): string {
  const h = createHash('sha256');
  h.update(`baseUrl ${baseUrl}\0`);
  const files = [
    ...['docs', 'i18n', 'src', 'static', 'recipes', 'notebooks', 'scripts/notebook-pages', 'test/site/fixtures/pages'].flatMap((d) => walk(join(ROOT, d))),
    ...['docusaurus.config.ts', 'sidebars.ts', 'package-lock.json', 'scripts/render-notebooks.ts'].map((f) => join(ROOT, f)),
  ];
  for (const f of files) {
    if (!existsSync(f)) continue;
    h.update(relative(ROOT, f) + '\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

const memo = new Map<string, SiteBuild>();

/** Notebooks published only in the test build: the hostile corpus and the Jupyter-math fixture. */
export const FIXTURE_NOTEBOOKS = join(ROOT, 'test', 'site', 'fixtures', 'pages');

/** npm run render-notebooks -- --also <fixtures> (an ES module program: unified and rehype are ESM-only). */
export function renderNotebooks(): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/render-notebooks.ts', '--also', FIXTURE_NOTEBOOKS], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`render-notebooks failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * The site built once per set of inputs. `baseUrl` other than '/' builds it to be served under
 * that path (SITE_BASE_URL, as the GitHub Pages workflow does), cached apart from the root build.
 */
export function ensureSiteBuild(baseUrl = '/'): SiteBuild {
  const known = memo.get(baseUrl);
  if (known) return known;
  renderNotebooks();
  const cache = baseUrl === '/' ? CACHE : join(CACHE, `base${baseUrl.replace(/[^a-z0-9]+/gi, '-')}`);
  const dir = join(cache, inputsHash(baseUrl));
  const outDir = join(dir, 'build');
  const result = join(dir, 'result.json');
  if (existsSync(result) && existsSync(outDir)) {
    const r = JSON.parse(readFileSync(result, 'utf8')) as Omit<SiteBuild, 'reused' | 'outDir'>;
    const reused = { ...r, outDir, reused: true };
    memo.set(baseUrl, reused);
    return reused;
  }
  // Older builds of the same base URL (the root build keeps the other bases' folders).
  if (existsSync(cache)) for (const n of readdirSync(cache)) if (!n.startsWith('base-')) rmSync(join(cache, n), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['node_modules/@docusaurus/core/bin/docusaurus.mjs', 'build', '--no-minify', '--out-dir', outDir], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 1_800_000,
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1', SITE_BASE_URL: baseUrl },
  });
  // A timed-out build can exit 0 (Docusaurus ends cleanly on SIGTERM): r.error makes it a failure.
  const built = {
    status: r.error ? 1 : (r.status ?? 1),
    log: `${r.stdout}\n${r.stderr}${r.error ? `\n${r.error.message}` : ''}`,
    seconds: (Date.now() - t0) / 1000,
  };
  // Only a finished build is reused (a timed-out one has status null, and r.error says so).
  if (built.status === 0 && !r.error) writeFileSync(result, JSON.stringify(built));
  const fresh = { ...built, outDir, reused: false };
  memo.set(baseUrl, fresh);
  return fresh;
}

/** The site path of a notebook's page: docs/notebooks/05-vae-elbo.mdx → /notebooks/vae-elbo (number prefix dropped, as Docusaurus does). */
export function notebookRoute(name: string): string {
  return `/notebooks/${name.replace(/^\d+[-_.]/, '')}`;
}

export function notebookNames(): string[] {
  const dir = join(ROOT, 'notebooks');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
        .sort()
        .map((f) => f.replace(/\.ipynb$/, ''))
    : [];
}
