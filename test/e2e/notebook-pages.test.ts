// Notebook pages in headless Chromium, on the real site build: the hostile corpus
// (test/site/fixtures/pages/90-hostile.ipynb, published by the test build only) runs no script,
// requests nothing from another origin and shows its text as text, on its page and at every asset
// URL the page references; math renders as Jupyter renders it; a long display equation scrolls.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openBuiltSite, type BuiltSite } from './browser';
import { ROOT } from '../site/site-build';

const ARTIFACTS = join(ROOT, 'test-artifacts');
let site: BuiltSite | undefined;

/** Everything a page did that the corpus must never cause. */
interface Watch {
  dialogs: string[];
  foreign: string[];
  console: string[];
  errors: string[];
}

async function open(path: string, viewport = { width: 1200, height: 900 }): Promise<{ page: Page; watch: Watch }> {
  const base = site!.base;
  const page = await site!.browser.newPage({ viewport });
  page.setDefaultTimeout(120_000); // a shared, loaded machine: pages can take a while, nothing here is timed
  const watch: Watch = { dialogs: [], foreign: [], console: [], errors: [] };
  page.on('dialog', (d) => {
    watch.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) watch.foreign.push(url);
  });
  page.on('console', (m) => watch.console.push(`${m.type()}: ${m.text()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) watch.console.push(`error: HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('pageerror', (e) => watch.errors.push(e.message));
  // An image opened as a document makes Chromium probe /favicon.ico (the site's is img/favicon.svg).
  await page.route(`${base}/favicon.ico`, (r) => r.fulfill({ status: 204 }));
  const res = await page.goto(base + path, { waitUntil: 'load' });
  assert.equal(res?.status(), 200, `${path} answered ${res?.status()}`);
  await page.waitForLoadState('networkidle');
  return { page, watch };
}

function assertQuiet(watch: Watch, where: string): void {
  assert.deepEqual(watch.dialogs, [], `${where}: a script ran`);
  assert.deepEqual(watch.foreign, [], `${where}: requests to another origin`);
  assert.deepEqual(watch.errors, [], `${where}: page errors`);
  assert.deepEqual(
    watch.console.filter((c) => /alert|readdirSync|xss|^error/i.test(c)),
    [],
    `${where}: console`,
  );
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  site = await openBuiltSite();
});

after(() => site?.close());

for (const path of ['/notebooks/hostile', '/zh-Hans/notebooks/hostile']) {
  test(`the hostile corpus at ${path}: no script runs, nothing from another origin, text shown as text`, async () => {
    const { page, watch } = await open(path);
    // Interact a little, as a reader would: handlers that wait for focus, hover or toggle get their chance.
    await page.mouse.move(600, 400);
    await page.keyboard.press('Tab');
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = !d.open)));
    await page.waitForTimeout(500);
    const text = await page.locator('article').innerText();
    assert.match(text, /text shown as text: <script>alert\('text'\)<\/script> \{braces\} \$\{dollar\}/);
    assert.match(text, /<script>alert\('stream'\)<\/script> \{x\} \$\{y\} `z` <\/code><\/pre>/);
    assert.match(text, /<img src=x onerror=alert\('ename'\)>/);
    assert.match(text, /JSX and expressions stay text: \{console.log\('expr'\)\} \{\/\* comment \*\/\}/);
    // A paragraph that begins with "import" is prose, and so are ES module lines.
    const prose = page.locator('article p', { hasText: 'import the data first, then look at it' });
    assert.equal(await prose.count(), 1);
    assert.match(text, /import fs from 'fs'\s+export const esm = console.log\(fs.readdirSync\('\/'\)\)/);
    assert.equal(await page.locator('article script, article iframe, article object, article embed, article form, article style').count(), 0);
    assert.equal(await page.locator('[data-testid="provenance"]').count(), 1);
    await page.screenshot({ path: join(ARTIFACTS, `notebook-hostile${path.startsWith('/zh') ? '-zh' : ''}.png`), fullPage: true });
    // Every asset the page references, opened by its own URL (an SVG opened directly could run script).
    const urls = await page.evaluate(() => [
      ...Array.from(document.querySelectorAll('article img')).map((i) => (i as HTMLImageElement).src),
      ...Array.from(document.querySelectorAll('article a[href*="/notebook-assets/"]')).map((a) => (a as HTMLAnchorElement).href),
    ]);
    await page.close();
    assertQuiet(watch, path);
    assert.ok(urls.some((u) => u.endsWith('.svg')) && urls.some((u) => u.endsWith('.png')) && urls.some((u) => u.endsWith('.ipynb')), urls.join(' '));
    for (const url of urls) {
      const r = await fetch(url);
      assert.equal(r.status, 200, url);
      if (url.endsWith('.ipynb')) continue; // served as a file to download, not a document
      const asset = await open(url.slice(site!.base.length));
      await asset.page.waitForTimeout(300);
      await asset.page.close();
      assertQuiet(asset.watch, url);
    }
  });
}

test('math renders as Jupyter renders it: no KaTeX error, display math in list items and paragraphs', async () => {
  const { page, watch } = await open('/notebooks/jupyter-math');
  assert.equal(await page.locator('.katex-error').count(), 0);
  // E-step, M-step, the block inside a paragraph, \\[y^2\\], the align environment, the long equation.
  assert.equal(await page.locator('article .katex-display').count(), 6);
  assert.equal(await page.locator('article li .katex-display').count(), 2);
  assert.equal(await page.locator('article td .katex').count(), 2);
  // No delimiter is left as text outside code (the fixture's code span and code block keep theirs).
  const prose = await page.evaluate(() => {
    const walker = document.createTreeWalker(document.querySelector('article')!, NodeFilter.SHOW_TEXT);
    let text = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement!.closest('pre, code, .katex')) text += n.textContent ?? '';
    return text;
  });
  assert.match(prose, /the loss , the weights {2}and /, 'math next to text');
  assert.doesNotMatch(prose.replace('a price of $5', ''), /\$|\\\(|\\\[|\\begin/);
  await page.close();
  assertQuiet(watch, 'jupyter-math');
});

/** Each display equation of the page: whether it is wider than its box, scrolls, and stays inside the article. */
async function displays(page: Page) {
  return page.evaluate(() => {
    const article = document.querySelector('article')!.getBoundingClientRect();
    return Array.from(document.querySelectorAll('article .katex-display')).map((d) => {
      const el = d as HTMLElement;
      const r = el.getBoundingClientRect();
      const wide = el.scrollWidth > el.clientWidth + 1;
      el.scrollLeft = 50;
      return {
        wide,
        overflowX: getComputedStyle(el).overflowX,
        scrolled: el.scrollLeft > 0,
        inside: r.left >= article.left - 1 && r.right <= article.right + 1,
      };
    });
  });
}

for (const viewport of [
  { width: 1200, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`a long display equation scrolls instead of running past the column (${viewport.width} px wide)`, async () => {
    for (const path of ['/notebooks/jupyter-math', '/zh-Hans/formulas/elbo']) {
      const { page } = await open(path, viewport);
      const all = await displays(page);
      assert.ok(all.length > 0, `${path}: no display math`);
      for (const d of all) {
        assert.ok(d.inside, `${path}: a display equation runs past the article (${JSON.stringify(d)})`);
        assert.equal(d.overflowX, 'auto');
        if (d.wide) assert.ok(d.scrolled, `${path}: a wide equation does not scroll`);
      }
      if (path === '/notebooks/jupyter-math')
        assert.ok(all[all.length - 1].wide && all[all.length - 1].scrolled, 'the long equation is wider than the column and scrolls');
      await page.screenshot({ path: join(ARTIFACTS, `math-scroll-${path.replace(/\W+/g, '-')}-${viewport.width}.png`) });
      await page.close();
    }
  });
}
