// The interactive page (/demo) in headless Chromium, served from the built site: the trained
// models load and run in the page, buttons and drags change what the canvases show, a link
// reproduces a grid, the page works at phone width, in Chinese, and without WebGL (CPU backend).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { collectPageErrors, hasLocale, NO_WEBGL, openBuiltSite, type BuiltSite } from './browser';
import { ROOT } from '../site/site-build';
import { settledTensorCount, tensorCountReturnsTo } from './demo-memory';
import { sampleLatent } from '../../src/genlab/src/models/prior';

const ARTIFACTS = join(ROOT, 'test-artifacts');
let site: BuiltSite | undefined;
const errors: string[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  site = await openBuiltSite();
  await tf.setBackend('cpu');
});

after(() => site?.close());

async function openDemo(path = '/demo', options: BrowserContextOptions & { noWebgl?: boolean } = {}): Promise<Page> {
  const { noWebgl, ...contextOptions } = options;
  const context = await site!.browser.newContext({ viewport: { width: 1200, height: 900 }, ...contextOptions });
  if (noWebgl) await context.addInitScript(NO_WEBGL);
  const page = await context.newPage();
  collectPageErrors(page, path, errors);
  const res = await page.goto(site!.base + path, { waitUntil: 'load' });
  assert.equal(res?.status(), 200);
  await page.locator('[data-testid=demo-status][data-state=ready]').waitFor({ timeout: 120_000 });
  return page;
}

async function closeDemo(page: Page, shot: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
  await page.context().close();
}

/** The RGBA pixels of a canvas, read in the page. */
function pixels(page: Page, testId: string): Promise<number[]> {
  return page.locator(`[data-testid=${testId}]`).evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data));
}

function meanAbsDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
}

/** Waits until a canvas's data attribute differs from `old` (or just exists when `old` is undefined). */
async function waitForAttribute(page: Page, testId: string, name: string, old?: string | null): Promise<string> {
  const handle = await page.waitForFunction(
    ([id, attr, prev]) => {
      const el = document.querySelector(`[data-testid=${id}]`);
      const v = el?.getAttribute(attr);
      return v != null && v !== prev && el?.getAttribute('data-state') !== 'drawing' ? v : false;
    },
    [testId, name, old ?? null] as const,
    { timeout: 60_000 },
  );
  return (await handle.jsonValue()) as string;
}

function nodeZSum(seed: number, latentDim: number): number {
  return tf.tidy(() => sampleLatent(16, latentDim, seed).sum().dataSync()[0]);
}

test('sampling (DCGAN, MLP GAN, VAE): the page draws the prior samples Node draws for a seed; the button draws new ones; a link reproduces the grid', async () => {
  const page = await openDemo();
  assert.match(await page.locator('[data-testid=demo-status]').innerText(), /WebGL|CPU|cpu/);
  for (const [model, dim, firstSeed] of [
    ['gan', 100, 1],
    ['gan-mlp', 100, 1],
    ['vae', 2, 2],
  ] as const) {
    const seed = Number(await waitForAttribute(page, `${model}-samples`, 'data-seed'));
    assert.equal(seed, firstSeed);
    const zSum = Number(await page.locator(`[data-testid=${model}-samples]`).getAttribute('data-z-sum'));
    assert.ok(Math.abs(zSum - nodeZSum(seed, dim)) < 1e-3, `${model}: z sum in the page ${zSum}, in Node ${nodeZSum(seed, dim)}`);
    const before = await pixels(page, `${model}-samples`);
    assert.ok(
      before.some((v, i) => i % 4 === 0 && v > 200),
      `${model}: the grid has bright pixels`,
    );

    await page.locator(`[data-testid=${model}-sample-button]`).click();
    const newSeed = await waitForAttribute(page, `${model}-samples`, 'data-seed', String(seed));
    const after = await pixels(page, `${model}-samples`);
    assert.ok(meanAbsDiff(before, after) > 5, `${model}: pixels changed after a click (mean |Δ| ${meanAbsDiff(before, after)})`);
    assert.equal(new URL(page.url()).searchParams.get(model), newSeed, 'the seed is in the address');

    const link = await page.locator(`[data-testid=${model}-link]`).getAttribute('href');
    const again = await openDemo(new URL(link!).pathname + new URL(link!).search);
    assert.equal(await waitForAttribute(again, `${model}-samples`, 'data-seed', String(firstSeed)), newSeed);
    assert.deepEqual(await pixels(again, `${model}-samples`), after, `${model}: the link reproduces the grid`);
    await again.context().close();
  }
  await closeDemo(page, 'demo-sampling');
});

test('latent plane: dragging the point decodes a different digit at the new z', async () => {
  const page = await openDemo();
  await waitForAttribute(page, 'latent-decoded', 'data-z');
  assert.equal(await page.locator('[data-testid=latent-decoded]').getAttribute('data-z'), '0.000,0.000');
  const scatterPainted = await pixels(page, 'latent-scatter');
  assert.ok(scatterPainted.filter((v, i) => i % 4 === 3 && v > 0).length > 5000, 'the scatter of test digits is drawn');
  const before = await pixels(page, 'latent-decoded');

  await page.locator('[data-testid=latent-plane]').scrollIntoViewIfNeeded(); // the mouse reaches only what is on screen
  const box = (await page.locator('[data-testid=latent-plane]').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(cx + (i * box.width) / 40, cy - (i * box.height) / 40); // towards z = (2, 2)
  await page.mouse.up();
  const z = (await waitForAttribute(page, 'latent-decoded', 'data-z', '0.000,0.000')).split(',').map(Number);
  await page.waitForFunction(() => {
    const z = document.querySelector('[data-testid=latent-decoded]')?.getAttribute('data-z')?.split(',').map(Number);
    return z && Math.abs(z[0] - 2) < 0.05 && Math.abs(z[1] - 2) < 0.05;
  });
  const final = (await page.locator('[data-testid=latent-decoded]').getAttribute('data-z'))!.split(',').map(Number);
  assert.ok(z.every(Number.isFinite));
  assert.ok(Math.abs(final[0] - 2) < 0.05 && Math.abs(final[1] - 2) < 0.05, `z after the drag: ${final}`);
  const after = await pixels(page, 'latent-decoded');
  assert.ok(meanAbsDiff(before, after) > 5, `the decoded digit changed (mean |Δ| ${meanAbsDiff(before, after)})`);
  assert.match(await page.locator('[data-testid=latent-z]').innerText(), /^z = \((1\.9\d|2\.0\d), (1\.9\d|2\.0\d)\)$/);

  // The keyboard moves it too.
  await page.locator('[data-testid=latent-plane]').focus();
  await page.keyboard.press('Shift+ArrowLeft');
  await page.waitForFunction((x) => {
    const z = document.querySelector('[data-testid=latent-decoded]')?.getAttribute('data-z')?.split(',').map(Number);
    return z && Math.abs(z[0] - (x - 0.5)) < 1e-3;
  }, final[0]);
  await closeDemo(page, 'demo-latent-plane');
});

test("interpolation: a linear path sags inside the GAN prior's shell, a spherical one does not", async () => {
  const page = await openDemo();
  const norms = async () => (await page.locator('[data-testid=interp-norms] span').allInnerTexts()).map(Number);
  await waitForAttribute(page, 'interpolation-strip', 'data-key');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=interp-norms] span').length === 10);
  const spherical = await norms();
  const sphericalPixels = await pixels(page, 'interpolation-strip');
  await page.locator('[data-testid=interp-kind]').selectOption('linear');
  await waitForAttribute(page, 'interpolation-strip', 'data-key', `${await page.locator('[data-testid=interp-model]').inputValue()}:spherical:11,12`);
  await page.waitForFunction((old) => document.querySelector('[data-testid=interp-norms]')?.textContent !== old, spherical.map((n) => n.toFixed(1)).join(''));
  const linear = await norms();
  const ends = Math.min(spherical[0], spherical[9]);
  assert.ok(Math.min(...spherical) > 0.9 * ends, `spherical norms ${spherical}`);
  assert.ok(linear[4] < 0.8 * ends, `linear norms ${linear}`);
  assert.ok(meanAbsDiff(sphericalPixels, await pixels(page, 'interpolation-strip')) > 1, 'the strip changed');

  const gan = await page.locator('[data-testid=interp-model]').inputValue();
  await page.locator('[data-testid=interp-model]').selectOption('vae');
  await waitForAttribute(page, 'interpolation-strip', 'data-key', `${gan}:linear:11,12`);
  // Nothing leaks: after all this the page holds the tensors it held before (the models' weights).
  await page.locator('[data-testid=interp-new]').click();
  const seedBefore = await page.locator('[data-testid=gan-samples]').getAttribute('data-seed');
  await page.locator('[data-testid=gan-sample-button]').click();
  // The DCGAN's weights load with its first draw (it is not always the page's leading GAN): count after it.
  await waitForAttribute(page, 'gan-samples', 'data-seed', seedBefore);
  const held = await settledTensorCount(page);
  for (let i = 0; i < 3; i++) await page.locator('[data-testid=gan-sample-button]').click();
  await page.locator('[data-testid=interp-kind]').selectOption('spherical');
  // Draws still in flight hold their images for a moment (three generators on software WebGL are
  // slow): the count must come back to what it was, and a leak keeps it above.
  assert.equal(await tensorCountReturnsTo(page, held), held, 'tensor count after more clicks');
  assert.ok(held > 0 && held < 60, `tensors held: ${held}`);
  await closeDemo(page, 'demo-interpolation');
});

test('drawing: a drawn digit is encoded, reconstructed and marked on the latent plane', async () => {
  const page = await openDemo();
  assert.equal(await page.locator('[data-testid=drawn-marker]').count(), 0);
  await page.locator('[data-testid=draw-pad]').scrollIntoViewIfNeeded();
  const pad = (await page.locator('[data-testid=draw-pad]').boundingBox())!;
  // A "7": a bar across the top and a stroke down to the left.
  const at = (x: number, y: number) => [pad.x + x * pad.width, pad.y + y * pad.height] as const;
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [x, y] of [
    [0.5, 0.2],
    [0.75, 0.2],
    [0.6, 0.5],
    [0.45, 0.85],
  ])
    await page.mouse.move(...at(x, y), { steps: 8 });
  await page.mouse.up();
  const z = (await waitForAttribute(page, 'draw-reconstruction', 'data-z')).split(',').map(Number);
  assert.ok(z.length === 2 && z.every(Number.isFinite), `z ${z}`);
  const input = await pixels(page, 'draw-input');
  assert.ok(input.filter((v, i) => i % 4 === 0 && v > 128).length > 30, 'the prepared 28×28 input has ink');
  const recon = await pixels(page, 'draw-reconstruction');
  assert.ok(recon.filter((v, i) => i % 4 === 0 && v > 128).length > 20, 'the reconstruction has ink');
  await page.locator('[data-testid=drawn-marker]').waitFor();
  await page.locator('[data-testid=draw-clear]').click();
  await page.locator('[data-testid=drawn-marker]').waitFor({ state: 'detached' });
  await closeDemo(page, 'demo-drawing');
});

test('without WebGL the page says so, runs on the CPU backend and draws the same grid', async () => {
  const webgl = await openDemo('/demo?gan=5');
  const gpuBackend = await webgl.locator('[data-testid=demo-status]').getAttribute('data-backend');
  await waitForAttribute(webgl, 'gan-samples', 'data-seed');
  const withWebgl = await pixels(webgl, 'gan-samples');
  await webgl.context().close();

  const page = await openDemo('/demo?gan=5', { noWebgl: true });
  const status = page.locator('[data-testid=demo-status]');
  assert.equal(await status.getAttribute('data-backend'), 'cpu');
  assert.match(await status.innerText(), /WebGL is not available/);
  assert.equal(await waitForAttribute(page, 'gan-samples', 'data-seed'), '5');
  const onCpu = await pixels(page, 'gan-samples');
  // Same z, same weights: the backends agree to rounding (identical if this Chromium has no WebGL either).
  assert.ok(meanAbsDiff(withWebgl, onCpu) < 1, `mean |Δ| between ${gpuBackend} and cpu: ${meanAbsDiff(withWebgl, onCpu)}`);
  await closeDemo(page, 'demo-no-webgl');
});

test('at phone width nothing overflows and a tap moves the latent point', async () => {
  const page = await openDemo('/demo', { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  for (const id of ['gan-samples', 'latent-plane', 'interpolation-strip', 'draw-pad']) {
    const b = (await page.locator(`[data-testid=${id}]`).boundingBox())!;
    assert.ok(b.width > 100 && b.x >= 0 && b.x + b.width <= 375 + 0.5, `${id} fits: ${JSON.stringify(b)}`);
  }
  await waitForAttribute(page, 'latent-decoded', 'data-z');
  const plane = page.locator('[data-testid=latent-plane]');
  await plane.scrollIntoViewIfNeeded();
  const box = (await plane.boundingBox())!;
  await page.touchscreen.tap(box.x + box.width * 0.25, box.y + box.height * 0.75); // z ≈ (-2, -2)
  const z = (await waitForAttribute(page, 'latent-decoded', 'data-z', '0.000,0.000')).split(',').map(Number);
  assert.ok(Math.abs(z[0] + 2) < 0.1 && Math.abs(z[1] + 2) < 0.1, `z after the tap: ${z}`);
  await closeDemo(page, 'demo-phone');
});

test('the page is translated: /zh-Hans/demo in Chinese, with the same working models', async (t) => {
  if (!hasLocale(site!, 'zh-Hans')) {
    t.skip('this build has no zh-Hans locale');
    return;
  }
  const page = await openDemo('/zh-Hans/demo');
  assert.match(await page.locator('h1').innerText(), /动手试试/);
  assert.match(await page.locator('[data-testid=demo-status]').innerText(), /浏览器/);
  assert.match(await page.locator('[data-testid=gan-sample-button]').innerText(), /重新采样/);
  await waitForAttribute(page, 'gan-samples', 'data-seed');
  await page.locator('[data-testid=gan-sample-button]').click();
  await waitForAttribute(page, 'gan-samples', 'data-seed', '1');
  await closeDemo(page, 'demo-zh');
});

test('no console errors, page errors or failed requests on the demo pages', () => {
  assert.deepEqual(errors, []);
});
