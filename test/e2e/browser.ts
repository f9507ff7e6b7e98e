// What the browser tests share: Debian's Chromium and how to start it, a free local port, and a
// server for the built site.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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
