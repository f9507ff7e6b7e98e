// The demo page's diffusion section in headless Chromium (CPU backend), served from the built site: the published
// class-conditional model loads on the first press, a run draws one frame per DDIM step with t
// falling from T to 0, the same seed gives the same x_T, a new press cancels a run in progress,
// and the page's tensor count comes back to where it was. Whether the digits look like the digit
// asked for depends on the trained weights and is scored by npm run evaluate, not here.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { collectPageErrors, hasLocale, NO_WEBGL, openBuiltSite, type BuiltSite } from './browser';
import { settledTensorCount, tensorCountReturnsTo } from './demo-memory';
import { ROOT } from '../site/site-build';
import { samplingTimesteps } from '../../src/genlab/src/models/diffusion/samplers';

const ARTIFACTS = join(ROOT, 'test-artifacts');
let site: BuiltSite | undefined;
const errors: string[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  site = await openBuiltSite();
});

after(() => site?.close());

async function openDemo(path = '/demo'): Promise<Page> {
  const context = await site!.browser.newContext({ viewport: { width: 1200, height: 900 } });
  // CPU backend: on this machine's software WebGL the U-Net's first step alone compiles shaders for
  // tens of seconds. (test/e2e/demo.test.ts covers the page with WebGL.)
  await context.addInitScript(NO_WEBGL);
  const page = await context.newPage();
  collectPageErrors(page, path, errors);
  const res = await page.goto(site!.base + path, { waitUntil: 'load', timeout: 120_000 });
  assert.equal(res?.status(), 200);
  await page.locator('[data-testid=demo-status][data-state=ready]').waitFor({ timeout: 120_000 });
  assert.equal(await page.locator('[data-testid=demo-status]').getAttribute('data-backend'), 'cpu');
  return page;
}

interface Frame {
  run: string;
  frame: number;
  t: number;
  /** Red channel of the canvas after the frame was drawn. */
  red: number[];
}

/**
 * Records every frame the section draws: a MutationObserver on the canvas's data-frame attribute,
 * which the page sets right after drawing, reads the canvas before the next step can run.
 */
async function recordFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=diffusion-canvas]')!;
    const frames: unknown[] = [];
    (window as unknown as { frames_: unknown[] }).frames_ = frames;
    new MutationObserver(() => {
      if (canvas.dataset.frame === undefined) return; // cleared when a run starts
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      frames.push({
        run: canvas.dataset.run,
        frame: Number(canvas.dataset.frame),
        t: Number(canvas.dataset.t),
        red: Array.from(data.filter((_, i) => i % 4 === 0)),
      });
    }).observe(canvas, { attributes: true, attributeFilter: ['data-frame'] });
  });
}

async function framesOf(page: Page, run: string): Promise<Frame[]> {
  const all = await page.evaluate<Frame[]>(() => (window as unknown as { frames_: Frame[] }).frames_);
  return all.filter((f) => f.run === run);
}

/** Waits for the run started by the last press to finish; returns its id. */
async function finishedRun(page: Page, previous?: string): Promise<string> {
  const handle = await page.waitForFunction(
    (prev) => {
      const c = document.querySelector('[data-testid=diffusion-canvas]');
      return c?.getAttribute('data-state') === 'ready' && c.getAttribute('data-run') !== prev ? c.getAttribute('data-run') : false;
    },
    previous ?? null,
    { timeout: 600_000 }, // a 5-step run on the CPU backend takes minutes on a loaded machine
  );
  return (await handle.jsonValue()) as string;
}

function meanAbsDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
}

test("diffusion: a 5-step run draws x_T and one frame per DDIM step, t falling from 1000 to 0, and leaves only the model's weights in memory", async () => {
  const page = await openDemo();
  const canvas = page.locator('[data-testid=diffusion-canvas]');
  await canvas.scrollIntoViewIfNeeded();
  assert.match(await page.locator('[data-testid=diffusion-t]').innerText(), /Pick a digit/);
  assert.equal(await canvas.getAttribute('data-state'), null, 'nothing runs before a press');
  await recordFrames(page);
  // The other sections' draws settle first, so that the count below is the page's own.
  const beforeModel = await settledTensorCount(page);

  await page.locator('[data-testid=diffusion-steps]').fill('5');
  assert.match(await page.locator('[data-testid=diffusion-section]').innerText(), /DDIM steps S = 5/);
  await page.locator('[data-testid=diffusion-digit-7]').click();
  const run = await finishedRun(page);
  assert.equal(await page.locator('[data-testid=diffusion-digit-7]').getAttribute('aria-pressed'), 'true');
  assert.equal(await canvas.getAttribute('data-settings'), '7:5:2:1', 'digit : steps : w : seed');

  const frames = await framesOf(page, run);
  assert.deepEqual(
    frames.map((f) => f.frame),
    [0, 1, 2, 3, 4, 5],
  );
  assert.deepEqual(
    frames.map((f) => f.t),
    [...samplingTimesteps(1000, 5), 0],
  );
  const change = frames.slice(1).map((f, i) => meanAbsDiff(f.red, frames[i].red));
  assert.ok(
    change.every((d) => d > 0),
    `every step changes the canvas: mean |Δ| per step ${change.map((d) => d.toFixed(2))}`,
  );
  // x_T ~ N(0, I) mapped from [-1, 1] to [0, 255]: about a third of the pixels clip to black or white.
  const xT = frames[0].red;
  const clipped = xT.filter((v) => v === 0 || v === 255).length / xT.length;
  assert.ok(clipped > 0.2 && clipped < 0.45, `share of x_T pixels outside [-1, 1]: ${clipped}`);
  assert.match(await page.locator('[data-testid=diffusion-t]').innerText(), /^t = 0 of 1000 · step 5 of 5$/);

  // What stays is the model: one tensor per weight of the published denoiser, nothing from the run.
  const manifest = JSON.parse(readFileSync(join(site!.outDir, 'models', 'diffusion-unet-conditional', 'denoiser', 'model.json'), 'utf8')) as {
    weightsManifest: { weights: unknown[] }[];
  };
  const weights = manifest.weightsManifest.reduce((s, g) => s + g.weights.length, 0);
  assert.equal(await settledTensorCount(page), beforeModel + weights, `${beforeModel} tensors before, plus the ${weights} weights`);
  await page.screenshot({ path: join(ARTIFACTS, 'demo-diffusion.png'), fullPage: true });
  await page.context().close();
});

test('diffusion: the same seed starts every digit from the same x_T, New noise from another; a press during a run cancels it and frees its tensors', async () => {
  const page = await openDemo();
  const canvas = page.locator('[data-testid=diffusion-canvas]');
  await canvas.scrollIntoViewIfNeeded();
  await recordFrames(page);
  await page.locator('[data-testid=diffusion-steps]').fill('5');
  await page.locator('[data-testid=diffusion-guidance]').fill('0'); // one network call per sample and step, not two
  await page.locator('[data-testid=diffusion-digit-2]').click();
  const first = await finishedRun(page);
  const held = await settledTensorCount(page);

  // "Any digit" (∅): guidance has nothing to act on and is disabled. Same seed, same x_T; the label changes the first step.
  await page.locator('[data-testid=diffusion-digit-none]').click();
  const unconditional = await page.waitForFunction(
    (prev) => {
      const c = document.querySelector('[data-testid=diffusion-canvas]');
      return c?.getAttribute('data-run') !== prev && Number(c?.getAttribute('data-frame')) >= 1 ? c!.getAttribute('data-run') : false;
    },
    first,
    { timeout: 300_000 },
  );
  const noLabel = (await unconditional.jsonValue()) as string;
  assert.equal(await page.locator('[data-testid=diffusion-guidance]').isDisabled(), true);
  assert.equal(await canvas.getAttribute('data-settings'), 'none:5:0:1');
  const [a, b] = [await framesOf(page, first), await framesOf(page, noLabel)];
  assert.deepEqual(b[0].red, a[0].red, 'same seed, same x_T');
  assert.ok(meanAbsDiff(b[1].red, a[1].red) > 0, 'digit 2 and no digit take different first steps');

  // New noise, pressed while that run is under way: the run stops, and the new one starts from another x_T.
  await page.locator('[data-testid=diffusion-new-noise]').click();
  const renoised = await finishedRun(page, noLabel);
  const seed = (await canvas.getAttribute('data-settings'))!.split(':')[3];
  assert.notEqual(seed, '1');
  assert.match(await page.locator('[data-testid=diffusion-seed]').innerText(), new RegExp(`seed ${seed}$`));
  const cut = await framesOf(page, noLabel);
  assert.ok(cut.length >= 2 && cut.length < 6, `the interrupted run stopped after ${cut.length} of 6 frames`);
  const c = await framesOf(page, renoised);
  assert.deepEqual(
    c.map((f) => f.t),
    [1000, 800, 600, 400, 200, 0],
  );
  assert.ok(meanAbsDiff(c[0].red, a[0].red) > 20, 'New noise draws another x_T');
  assert.equal(await tensorCountReturnsTo(page, held), held, 'tensor count after a cancelled run and a new one');
  await page.context().close();
});

test('diffusion: the section is translated on /zh-Hans/demo', async (t) => {
  if (!hasLocale(site!, 'zh-Hans')) {
    t.skip('this build has no zh-Hans locale');
    return;
  }
  const page = await openDemo('/zh-Hans/demo');
  assert.match(await page.locator('#diffusion').innerText(), /从噪声到数字/);
  assert.match(await page.locator('[data-testid=diffusion-new-noise]').innerText(), /换一份噪声/);
  assert.match(await page.locator('[data-testid=model-notes]').innerText(), /扩散模型/);
  await page.context().close();
});

test('no console errors, page errors or failed requests on the diffusion runs', () => {
  assert.deepEqual(errors, []);
});
