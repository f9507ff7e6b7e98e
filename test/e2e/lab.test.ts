// The lab (/lab) in headless Chromium, served from the built site: training runs in the page with
// the library's steps, the views show what the library computes, a link repeats a run, and the
// page keeps its tensors flat, stops when paused, frees its memory, works at phone width and in
// Chinese. Numbers are read from the page (data attributes and window.__genlabLab).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { collectPageErrors, openBuiltSite, type BuiltSite } from './browser';
import { ROOT } from '../site/site-build';
import { kernelDensityOnGrid, mixtureDensityOnGrid, normalizeOnGrid, optimalDiscriminator, toy2dMixture } from '../../src/genlab/src/browser';
import type {} from '../../src/components/Lab/hook';
import { KDE_BANDWIDTH, LAB_GRID } from '../../src/components/Lab/session';

const ARTIFACTS = join(ROOT, 'test-artifacts');
/** The run the lab page states: default settings, CPU backend, paused at this step. */
const CHECKED_STEPS = 1000;
let site: BuiltSite | undefined;
const errors: string[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  site = await openBuiltSite();
});

after(() => site?.close());

async function openLab(path = '/lab', options: BrowserContextOptions = {}): Promise<Page> {
  const context = await site!.browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await context.newPage();
  collectPageErrors(page, path, errors);
  const res = await page.goto(site!.base + path, { waitUntil: 'load' });
  assert.equal(res?.status(), 200);
  await page.locator('[data-testid=lab][data-state=ready]').waitFor({ timeout: 120_000 });
  return page;
}

const attr = async (page: Page, name: string): Promise<string | null> => page.locator('[data-testid=lab]').getAttribute(name);
const num = async (page: Page, name: string): Promise<number> => Number(await attr(page, name));

/** Clicks a step button and waits until the page has shown the new step. */
async function clickStep(page: Page, button: 'lab-d-step' | 'lab-g-step', counter: 'data-d-steps' | 'data-g-steps'): Promise<void> {
  const before = await num(page, counter);
  await page.locator(`[data-testid=${button}]`).click();
  await page.waitForFunction(([c, b]) => Number(document.querySelector('[data-testid=lab]')?.getAttribute(c)) === b + 1, [counter, before] as const);
}

/** Plays until the page has paused itself at its stop step (or, with `until`, pauses at the first shown step ≥ until). */
async function playTo(page: Page, until?: number, timeout = 600_000): Promise<number> {
  await page.locator('[data-testid=lab-play]').click();
  if (until === undefined) {
    await page.waitForFunction(() => document.querySelector('[data-testid=lab]')?.getAttribute('data-playing') === 'false', undefined, {
      timeout,
      polling: 500,
    });
  } else {
    await page.waitForFunction((u) => Number(document.querySelector('[data-testid=lab]')?.getAttribute('data-step')) >= u, until, { timeout, polling: 100 });
    await page.locator('[data-testid=lab-play]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=lab]')?.getAttribute('data-playing') === 'false');
  }
  return num(page, 'data-step');
}

test('the page loads, names its backend, draws the four views, and links every view to its formula page', async () => {
  const page = await openLab();
  assert.match(await page.locator('[data-testid=lab-status]').innerText(), /backend (webgpu|webgl|cpu)/);
  for (const v of ['main', 'second', 'latent', 'curves']) {
    const painted = await page.locator(`[data-testid=lab-canvas-${v}]`).evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) n++;
      return n;
    });
    assert.ok(painted > 100, `view ${v} is drawn (${painted} non-white pixels)`);
    const href = await page.locator(`[data-testid=lab-view-${v}] a`).first().getAttribute('href');
    assert.match(href ?? '', /^\/formulas\//, `view ${v} links to a formula page`);
  }
  await page.screenshot({ path: join(ARTIFACTS, 'lab.png'), fullPage: true });
  await page.context().close();
});

test(`with seed 1 on the CPU backend the non-saturating GAN covers at least 7 of the 8 ring modes after ${CHECKED_STEPS} steps, as the page says`, async () => {
  const page = await openLab(`/lab?m=gan&data=ring8&seed=1&loss=ns&k=1&lrd=0.001&lrg=0.001&h=64-64&z=2&b=128&stop=${CHECKED_STEPS}&backend=cpu`);
  assert.equal(await attr(page, 'data-backend'), 'cpu');
  assert.match(await page.locator('article').innerText(), new RegExp(`after\\s+${CHECKED_STEPS}\\s+steps`));
  // The CPU backend in a software-rendered page: give a loaded machine 15 minutes for these steps.
  assert.equal(await playTo(page, undefined, 900_000), CHECKED_STEPS);
  const covered = await num(page, 'data-covered');
  assert.ok(covered >= 7, `modes covered after ${CHECKED_STEPS} steps: ${covered}`);
  await page.screenshot({ path: join(ARTIFACTS, 'lab-ring.png') });
  await page.context().close();
});

test('while D rejects the fakes, the minimax gradients on the page are smaller than the non-saturating ones at the same weights', async () => {
  const page = await openLab('/lab?m=gan&data=ring8&seed=1&loss=mm&k=1&lrd=0.01&lrg=0.001&h=64-64&z=2&b=128');
  for (let i = 0; i < 20; i++) await clickStep(page, 'lab-d-step', 'data-d-steps');
  const [dFake, ns, mm] = [await num(page, 'data-d-fake'), await num(page, 'data-grad-ns'), await num(page, 'data-grad-mm')];
  assert.ok(dFake < 0.2, `mean D(G(z)) after 20 D steps: ${dFake}`);
  assert.ok(mm < ns, `mean gradient: minimax ${mm}, non-saturating ${ns}`);
  assert.match(await page.locator('[data-testid=lab-gradients]').innerText(), new RegExp(`non-saturating ${ns.toFixed(3)}, minimax ${mm.toFixed(3)}`));
  await page.context().close();
});

test('one D step changes only the discriminator, one G step only the generator; the D* view is the library optimalDiscriminator', async () => {
  const page = await openLab('/lab?h=16-16&b=64');
  const weights = () => page.evaluate(() => window.__genlabLab!.weights());
  const w0 = await weights();
  await clickStep(page, 'lab-d-step', 'data-d-steps');
  const w1 = await weights();
  assert.deepEqual(w1.generator, w0.generator);
  assert.notDeepEqual(w1.discriminator, w0.discriminator);
  await clickStep(page, 'lab-g-step', 'data-g-steps');
  const w2 = await weights();
  assert.deepEqual(w2.discriminator, w1.discriminator);
  assert.notDeepEqual(w2.generator, w1.generator);

  const { fake, dStar } = await page.evaluate(() => {
    const v = window.__genlabLab!.views() as { fake: Float32Array; dStar: Float64Array };
    return { fake: Array.from(v.fake), dStar: Array.from(v.dStar) };
  });
  const m = toy2dMixture('ring8');
  const pData = normalizeOnGrid(mixtureDensityOnGrid({ centers: m.centers, std: Math.hypot(m.std, KDE_BANDWIDTH) }, LAB_GRID), LAB_GRID);
  const pG = normalizeOnGrid(kernelDensityOnGrid(Float32Array.from(fake), LAB_GRID, KDE_BANDWIDTH), LAB_GRID);
  const expected = optimalDiscriminator(pData, pG);
  assert.equal(dStar.length, LAB_GRID.size ** 2);
  const worst = dStar.reduce((w, v, i) => Math.max(w, Math.abs(v - expected[i])), 0);
  assert.ok(worst < 1e-12, `largest |D* in the page − optimalDiscriminator in Node| = ${worst}`);
  await page.context().close();
});

test("a copied link reproduces the configuration and the first 100 steps' losses exactly", async () => {
  const page = await openLab('/lab');
  await page.locator('[data-testid=lab-backend]').selectOption('cpu');
  await page.locator('[data-testid=lab-loss]').selectOption('minimax');
  await page.locator('[data-testid=lab-dSteps]').selectOption('2');
  await page.locator('[data-testid=lab-hidden]').selectOption('16-16');
  await page.locator('[data-testid=lab-batch]').selectOption('32');
  await page.locator('[data-testid=lab-seed]').fill('7');
  await page.locator('[data-testid=lab-reset]').click();
  await page.waitForFunction(() => window.__genlabLab?.config().seed === 7 && window.__genlabLab?.config().backend === 'cpu');
  await page.locator('[data-testid=lab][data-state=ready]').waitFor();
  const link = (await page.locator('[data-testid=lab-link]').getAttribute('href'))!;
  assert.match(link, /seed=7/);
  assert.match(link, /backend=cpu/);
  await playTo(page, 100);
  const first = await page.evaluate(() => ({ config: window.__genlabLab!.config(), history: window.__genlabLab!.history() }));

  const again = await openLab(new URL(link).pathname + new URL(link).search);
  await playTo(again, 100);
  const second = await again.evaluate(() => ({ config: window.__genlabLab!.config(), history: window.__genlabLab!.history() }));
  assert.deepEqual(second.config, first.config);
  assert.equal(first.config.loss, 'minimax');
  assert.deepEqual(second.history.g.slice(0, 100), first.history.g.slice(0, 100));
  assert.deepEqual(second.history.d.slice(0, 200), first.history.d.slice(0, 200));
  assert.equal(first.history.g.slice(0, 100).length, 100);
  await page.context().close();
  await again.context().close();
});

/** Starts summing the page's layout shifts (the Layout Instability API), to be read by layoutShift. */
async function watchLayoutShifts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __labShift: number };
    w.__labShift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__labShift += (e as unknown as { value: number }).value;
    }).observe({ type: 'layout-shift' });
  });
}

const layoutShift = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { __labShift: number }).__labShift);

test('the tensor count stays flat over 2,000 steps; pausing stops all work; leaving the page frees every tensor', async () => {
  const page = await openLab('/lab?h=16-16&b=32&stop=2000&backend=cpu');
  // The optimizers make their moment estimates on their first update: count after one of each.
  await clickStep(page, 'lab-d-step', 'data-d-steps');
  await clickStep(page, 'lab-g-step', 'data-g-steps');
  const start = await num(page, 'data-tensors');
  await watchLayoutShifts(page);
  assert.equal(await playTo(page), 2000);
  assert.equal(await num(page, 'data-tensors'), start, 'tensors after 2,000 steps');
  assert.equal(await layoutShift(page), 0, 'nothing on the page moved while it trained');
  const memory = () =>
    page.evaluate(() => {
      const m = (window as unknown as { __genlabTfMemory: () => { numTensors: number; numBytes: number } }).__genlabTfMemory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    });
  const paused = await memory();
  await page.waitForTimeout(1500);
  assert.equal(await num(page, 'data-step'), 2000, 'no step while paused');
  assert.deepEqual(await memory(), paused, 'no tensor made or freed while paused');
  // Client-side navigation away from the lab unmounts it.
  await page.locator('nav a.navbar__brand').first().click();
  await page.waitForURL((u) => u.pathname === '/');
  await page.waitForFunction(() => !window.__genlabLab);
  const left = await memory();
  assert.equal(left.numTensors, 0, `tensors after leaving the lab: ${left.numTensors}`);
  await page.context().close();
});

test('phone width (375 px) with touch: no horizontal scrolling, the views fit, and drawing with a finger makes a data set', async () => {
  const page = await openLab('/lab?data=drawn&pts=0,0&h=16-16&b=32&backend=cpu', { viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
  const box = (await page.locator('[data-testid=lab-canvas-main]').boundingBox())!;
  assert.ok(box.width <= 375 && box.width > 250, `main view is ${box.width}px wide`);
  await page.locator('[data-testid=lab-canvas-main]').scrollIntoViewIfNeeded();
  const b = (await page.locator('[data-testid=lab-canvas-main]').boundingBox())!;
  await page.touchscreen.tap(b.x + b.width * 0.75, b.y + b.height * 0.25);
  await page.waitForFunction(() => (window.__genlabLab?.config().drawn.length ?? 0) === 2);
  const drawn = await page.evaluate(() => window.__genlabLab!.config().drawn);
  assert.ok(Math.abs(drawn[1][0] - 1.5) < 0.1 && Math.abs(drawn[1][1] - 1.5) < 0.1, `tapped point ${drawn[1]}`);
  assert.match(page.url(), /pts=0%2C0%3B1\.\d+%2C1\.\d+|pts=0,0;1\.\d+,1\.\d+/);
  // The keyboard adds a point too: focus the plane, move right with the arrows, Enter.
  await page.locator('[data-testid=lab-canvas-main]').focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => (window.__genlabLab?.config().drawn.length ?? 0) === 3);
  assert.deepEqual((await page.evaluate(() => window.__genlabLab!.config().drawn))[2], [0.5, 0]);
  // Layout does not move while training.
  const before = await page.locator('[data-testid=lab-canvas-curves]').boundingBox();
  await page.keyboard.press('p');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=lab]')?.getAttribute('data-step')) > 20);
  await page.keyboard.press('p');
  assert.deepEqual(await page.locator('[data-testid=lab-canvas-curves]').boundingBox(), before, 'the views did not move while training');
  await page.screenshot({ path: join(ARTIFACTS, 'lab-375.png'), fullPage: true });
  await page.context().close();
});

test('zh-Hans: the Chinese lab page renders and trains', async () => {
  const page = await openLab('/zh-Hans/lab?h=16-16&b=32&stop=5');
  assert.match(await page.locator('h1').innerText(), /实验室/);
  assert.match(await page.locator('[data-testid=lab-status]').innerText(), /后端/);
  assert.equal(await playTo(page), 5);
  assert.match(await page.locator('[data-testid=lab-readout]').innerText(), /步数/);
  await page.context().close();
});

test('diffusion: the page trains the denoiser, draws the reverse trajectories and the forward noising, and keeps its tensors flat', async () => {
  // DDIM with 10 steps: each redraw is 10 network calls on 512 points instead of T = 100 (the CPU backend is slow).
  const page = await openLab('/lab?m=diffusion&data=ring8&seed=1&smp=ddim&ss=10&stop=300&backend=cpu');
  assert.equal(await page.locator('[data-testid=lab-d-step]').count(), 0, 'no D step button for diffusion');
  assert.equal(await page.locator('[data-testid=lab-view-latent]').count(), 0, 'no latent view for diffusion');
  assert.equal(await page.locator('[data-testid=lab-keys]').textContent(), 'Keys: P play/pause · N one step · S slow · R reset', 'no D or G key');
  // Adam makes its moment estimates on the first update: count after one step.
  await page.locator('[data-testid=lab-one-step]').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=lab]')?.getAttribute('data-step')) === 1);
  const start = await num(page, 'data-tensors');
  await watchLayoutShifts(page);
  assert.equal(await playTo(page), 300);
  assert.equal(await num(page, 'data-trained'), 300, 'the step count and the views agree once stopped');
  assert.equal(await num(page, 'data-tensors'), start, 'tensors after 300 steps');
  assert.equal(await layoutShift(page), 0, 'nothing on the page moved while it trained');
  const v = await page.evaluate(() => {
    const views = window.__genlabLab!.views()!;
    return views.kind === 'diffusion'
      ? {
          lines: views.trajectories.length,
          points: views.trajectories.map((l) => l.length / 2),
          times: views.trajectoryTimes,
          losses: window.__genlabLab!.history().loss.length,
        }
      : undefined;
  });
  assert.ok(v, 'the page shows diffusion views');
  assert.equal(v.lines, 12);
  assert.deepEqual(new Set(v.points), new Set([11]), 'each trajectory has S + 1 points');
  assert.deepEqual([v.times[0], v.times[v.times.length - 1]], [100, 0]);
  assert.equal(v.losses, 300);
  const painted = (id: string) =>
    page.locator(`[data-testid=lab-canvas-${id}]`).evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) n++;
      return n;
    });
  for (const id of ['main', 'second', 'curves']) {
    assert.ok((await painted(id)) > 100, `view ${id} is drawn`);
    assert.equal(await page.locator(`[data-testid=lab-view-${id}] a`).first().getAttribute('href'), '/formulas/diffusion');
  }
  // The t slider moves the forward picture: the data at t = 0, pure noise at t = T.
  const picture = () => page.locator('[data-testid=lab-canvas-second]').evaluate((c: HTMLCanvasElement) => c.toDataURL());
  const tensors = () => page.evaluate(() => (window as unknown as { __genlabTfMemory: () => { numTensors: number } }).__genlabTfMemory().numTensors);
  const held = await tensors();
  await page.locator('[data-testid=lab-noise-t]').fill('0');
  await page.waitForFunction(() => document.querySelector('[data-testid=lab]')?.getAttribute('data-noise-t') === '0');
  await page.waitForTimeout(200);
  const clean = await picture();
  await page.locator('[data-testid=lab-noise-t]').fill('100');
  await page.waitForFunction(() => document.querySelector('[data-testid=lab]')?.getAttribute('data-noise-t') === '100');
  await page.waitForTimeout(200);
  assert.notEqual(await picture(), clean, 'the forward view changes with t');
  assert.equal(await tensors(), held, 'tensors after moving the slider');
  await page.screenshot({ path: join(ARTIFACTS, 'lab-diffusion.png'), fullPage: true });
  await page.context().close();
});

test('no console errors, page errors or failed requests on any lab page', () => {
  assert.deepEqual(errors, []);
});
