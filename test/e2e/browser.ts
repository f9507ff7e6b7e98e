// What the browser tests share: Debian's Chromium and how to start it, a free local port, a
// server for the built site, the built site served with a browser open on it, the errors a page
// must not show, and a page without WebGL.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureSiteBuild, ROOT } from '../site/site-build';

export const CHROMIUM = process.env.GENLAB_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, ms: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > ms) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * `docusaurus serve` of a built site on a free local port; `stop()` ends it. A site built with
 * another `baseUrl` is served under it (`base` then ends with it, without the final '/').
 */
export async function serveSite(root: string, outDir: string, baseUrl = '/'): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    process.execPath,
    ['node_modules/@docusaurus/core/bin/docusaurus.mjs', 'serve', '--dir', outDir, '--port', String(port), '--host', '127.0.0.1', '--no-open'],
    { cwd: root, stdio: 'ignore', env: { ...process.env, SITE_BASE_URL: baseUrl } },
  );
  await waitForServer(`${base}${baseUrl}`, 180_000); // docusaurus serve can take a minute to start on a busy machine
  return { base: `${base}${baseUrl.replace(/\/$/, '')}`, stop: () => server.exitCode === null && server.kill('SIGTERM') };
}

export interface BuiltSite {
  /** The served site's URL, without the final '/'. */
  base: string;
  /** The build's folder. */
  outDir: string;
  browser: Browser;
  /** Closes the browser and stops the server. */
  close: () => Promise<void>;
}

/**
 * The site built for `baseUrl` (reused while its inputs are unchanged), served, and a headless
 * Chromium to open it in. GENLAB_SITE_BUILD=<dir> tests an existing root build instead (quicker
 * while working on a page); another base URL is always built.
 */
export async function openBuiltSite(baseUrl = '/'): Promise<BuiltSite> {
  let outDir = baseUrl === '/' ? process.env.GENLAB_SITE_BUILD : undefined;
  if (!outDir) {
    const build = ensureSiteBuild(baseUrl);
    assert.equal(build.status, 0, build.log.slice(-5000));
    outDir = build.outDir;
  }
  const site = await serveSite(ROOT, outDir, baseUrl);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).catch((e: unknown) => {
    site.stop(); // no `after` would stop it: the caller never gets the site
    throw e;
  });
  return {
    base: site.base,
    outDir,
    browser,
    close: async () => {
      await browser.close();
      site.stop();
    },
  };
}

/** Whether the build has pages in `locale` (a build of one locale, `--locale en`, has no zh-Hans folder). */
export function hasLocale(site: BuiltSite, locale: string): boolean {
  return existsSync(join(site.outDir, locale));
}

/** Adds to `errors` every console error, uncaught page error and HTTP status ≥ 400 of `page`, each prefixed with `where`. */
export function collectPageErrors(page: Page, where: string, errors: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${where}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${where}: pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${where}: HTTP ${r.status()} for ${r.url()}`);
  });
}

/**
 * An init script (`context.addInitScript`) that makes WebGL unavailable before any page script
 * runs, as on a browser or machine without it: TensorFlow.js then falls back to its CPU backend.
 */
export const NO_WEBGL = `(() => {
  for (const C of [globalThis.HTMLCanvasElement, globalThis.OffscreenCanvas]) {
    if (!C) continue;
    const original = C.prototype.getContext;
    C.prototype.getContext = function (kind, ...rest) {
      return /webgl/i.test(String(kind)) ? null : original.call(this, kind, ...rest);
    };
  }
})();`;
