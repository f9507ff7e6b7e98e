// A person's path through the notebooks: Jupyter's own web UI on localhost (started by
// `npm run lab`'s script), a notebook opened in headless Chromium, its first cells run with the
// project's tslab kernel, and the printed backend line read back from the page.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, freePort } from './browser';
import { chromium, type Browser } from 'playwright-core';

const NOTEBOOK = '01-setup-and-backends.ipynb';

let server: ChildProcess | undefined;
let browser: Browser | undefined;
let base = '';
let serverLog = '';
let dir = '';

before(async () => {
  // Serve a copy: the UI autosaves, and the committed notebook must stay as the pipeline wrote it.
  // The copy stays inside the checkout (git-ignored .cache/) so tslab finds node_modules/genlab.
  mkdirSync(join('.cache', 'jupyter-test'), { recursive: true });
  dir = mkdtempSync(join('.cache', 'jupyter-test', 'run-'));
  copyFileSync(join('notebooks', NOTEBOOK), join(dir, NOTEBOOK));
  mkdirSync(join(dir, '.runtime'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn('bash', ['scripts/lab.sh', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', '--NotebookApp.token=', '--NotebookApp.password='], {
    env: { ...process.env, GENLAB_PROFILE: 'smoke', GENLAB_NOTEBOOK_DIR: resolve(dir), JUPYTER_RUNTIME_DIR: resolve(dir, '.runtime') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  server.stdout!.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
  let exited = false;
  server.on('exit', () => (exited = true));
  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`Jupyter exited:\n${serverLog}`);
    try {
      if ((await fetch(`${base}/api/kernelspecs`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > 60_000) throw new Error(`Jupyter did not start within 60 s:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  await browser?.close();
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the server offers the project tslab kernel', async () => {
  const specs = (await (await fetch(`${base}/api/kernelspecs`)).json()) as { kernelspecs: Record<string, { spec: { display_name: string } }> };
  assert.equal(specs.kernelspecs.tslab?.spec.display_name, 'TypeScript (genlab, tslab)');
});

test('a notebook runs in the Jupyter web UI and prints the backend line', async () => {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${base}/notebooks/${NOTEBOOK}`, { waitUntil: 'load' });
  await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 60_000 });
  assert.match((await page.textContent('.kernel_indicator_name')) ?? '', /TypeScript \(genlab, tslab\)/);
  // Start from empty outputs, so the line read below is the one this run printed.
  await page.click('#menus a.dropdown-toggle:text-is("Cell")');
  await page.hover('#all_outputs > a');
  await page.click('#clear_all_output > a');
  assert.equal(await page.locator('.output_area').count(), 0);
  // Run the first two cells the way a person does: click into the first code cell, Shift+Enter.
  await page.locator('.code_cell').first().locator('.input_area').click();
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.press('Shift+Enter');
  const output = page.locator('.output_area pre', { hasText: 'genlab backend:' });
  mkdirSync('test-artifacts', { recursive: true });
  try {
    await output.first().waitFor({ timeout: 120_000 });
  } catch (e) {
    await page.screenshot({ path: join('test-artifacts', 'jupyter-01-failed.png') });
    throw e;
  }
  const line = (await output.first().textContent()) ?? '';
  assert.match(line, /genlab backend: (node-gpu|node|webgpu|wasm|cpu) \[/);
  await page.screenshot({ path: join('test-artifacts', 'jupyter-01.png') });
  await page.close();
});
