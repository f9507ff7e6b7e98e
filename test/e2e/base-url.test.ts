// The site as GitHub Pages serves it: built with SITE_BASE_URL=/genlab/ (what
// .github/workflows/pages.yml sets for a project site) and served under /genlab/, then checked in
// headless Chromium: every page answers, nothing it requests fails (styles, scripts, KaTeX fonts,
// images, notebook assets, the models), math is typeset, notebook pictures load, and the demo
// loads its models and draws.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openBuiltSite, type BuiltSite } from './browser';
import { notebookNames, notebookRoute } from '../site/site-build';

const BASE_URL = '/genlab/';
let built: BuiltSite | undefined;

before(async () => {
  built = await openBuiltSite(BASE_URL);
});

after(() => built?.close());

/** Opens `path` under the base URL; returns the page and every failed or outside-the-base request. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const site = built!.base;
  const page = await built!.browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const origin = new URL(site).origin;
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    if (url.startsWith(origin) && !url.startsWith(site + '/')) problems.push(`outside ${BASE_URL}: ${url}`);
  });
  const res = await page.goto(site + path, { waitUntil: 'load' });
  assert.equal(res?.status(), 200, `${path} answered ${res?.status()}`);
  await page.waitForLoadState('networkidle');
  return { page, problems };
}

test('home, a formula page, a recipe, the results, both languages: load fully under /genlab/ with math typeset', async () => {
  for (const path of ['/', '/formulas/elbo', '/recipes/elbo', '/results', '/zh-Hans/', '/zh-Hans/formulas/elbo']) {
    const { page, problems } = await open(path);
    assert.deepEqual(problems, [], path);
    if (path.includes('formulas') || path.endsWith('/')) assert.ok((await page.locator('article .katex').count()) > 0, `${path}: math typeset`);
    if (path.includes('recipes/')) assert.match(await page.locator('article').innerText(), /npm install genlab @tensorflow\/tfjs/);
    // Every link into the site stays under the base URL.
    const outside = await page.evaluate(
      (b) =>
        Array.from(document.querySelectorAll('a[href^="/"]'))
          .map((a) => a.getAttribute('href')!)
          .filter((h) => !h.startsWith(b)),
      BASE_URL,
    );
    assert.deepEqual(outside, [], `${path}: links outside ${BASE_URL}`);
    await page.close();
  }
});

test('notebook pages show every picture and offer their notebook for download under /genlab/', async () => {
  const names = notebookNames();
  assert.ok(names.length > 0);
  for (const name of names) {
    const path = notebookRoute(name);
    const { page, problems } = await open(path);
    const broken = await page.evaluate(async () => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('article img'));
      imgs.forEach((i) => (i.loading = 'eager'));
      await Promise.all(imgs.filter((i) => !i.complete).map((i) => new Promise((r) => ((i.onload = r), (i.onerror = r)))));
      return imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src);
    });
    assert.deepEqual(broken, [], `${path}: pictures that did not load`);
    assert.deepEqual(problems, [], path);
    const href = await page
      .locator('article a', { hasText: `${name}.ipynb` })
      .first()
      .getAttribute('href');
    assert.ok(href?.startsWith(BASE_URL), `download link ${href}`);
    const r = await fetch(new URL(built!.base).origin + href!);
    assert.equal(r.status, 200, href!);
    await page.close();
  }
});

test('the demo loads its models under /genlab/ and draws samples', async () => {
  const { page, problems } = await open('/demo');
  await page.locator('[data-testid=demo-status][data-state=ready]').waitFor({ timeout: 180_000 });
  await page.locator('[data-testid=gan-samples][data-state=ready]').waitFor({ timeout: 120_000 });
  await page.locator('[data-testid=vae-samples][data-state=ready]').waitFor({ timeout: 120_000 });
  assert.deepEqual(problems, []);
  await page.close();
});
