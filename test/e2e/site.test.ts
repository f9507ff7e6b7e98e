// The built site in headless Chromium (Debian's chromium, driven by playwright-core), served on
// localhost by `docusaurus serve`: math, diagrams, notebook pictures, search in both languages,
// and no console errors. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collectPageErrors, openBuiltSite, type BuiltSite } from './browser';
import type { Page } from 'playwright-core';
import { notebookNames, notebookRoute, ROOT } from '../site/site-build';

const ARTIFACTS = join(ROOT, 'test-artifacts');

let site: BuiltSite | undefined;
const errors: string[] = [];

async function open(path: string, shot: string): Promise<Page> {
  const page = await site!.browser.newPage({ viewport: { width: 1200, height: 900 } });
  collectPageErrors(page, path, errors);
  page.on('requestfailed', (r) => errors.push(`${path}: request failed: ${r.url()} ${r.failure()?.errorText}`));
  const res = await page.goto(site!.base + path, { waitUntil: 'load' });
  assert.equal(res?.status(), 200, `${path} answered ${res?.status()}`);
  await page.waitForLoadState('networkidle');
  (page as Page & { shot?: string }).shot = shot;
  return page;
}

async function close(page: Page): Promise<void> {
  const shot = (page as Page & { shot?: string }).shot;
  if (shot) await page.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
  await page.close();
}

/** The math on the page is typeset: .katex elements exist and no $$ is left in the visible text. */
async function assertMath(page: Page, where: string): Promise<void> {
  const n = await page.locator('article .katex').count();
  assert.ok(n > 0, `${where}: no .katex element`);
  const text = await page.locator('article').innerText();
  assert.doesNotMatch(text, /\$\$/, `${where}: raw $$ left`);
}

async function search(page: Page, term: string): Promise<string[]> {
  const input = page.locator('input.navbar__search-input');
  await input.click();
  await input.fill(term);
  const suggestion = page.locator('[role="option"], [class^="suggestion_"], [class*=" suggestion_"]');
  await suggestion.first().waitFor({ timeout: 20_000 });
  return suggestion.allInnerTexts();
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  site = await openBuiltSite();
});

after(() => site?.close());

test('the home page shows the sections, typeset math, the library source and the Mermaid diagram', async () => {
  const page = await open('/', 'home');
  assert.equal(await page.title(), 'Getting started | genlab');
  await assertMath(page, '/');
  assert.ok(await page.locator('[data-section="notebooks"] a').count(), 'a link to the notebooks');
  assert.equal(await page.locator('[data-section="demo"] a').getAttribute('href'), '/demo', 'a link to the interactive page');
  assert.match(await page.locator('article').innerText(), /export function gaussianKl\(/);
  await page.locator('.docusaurus-mermaid-container svg').first().waitFor({ timeout: 30_000 });
  assert.ok((await page.locator('.docusaurus-mermaid-container svg g.node').count()) >= 6, 'the diagram has its nodes');
  await close(page);
});

test('formula pages have their math typeset', async () => {
  const dir = join(ROOT, 'docs', 'formulas');
  const pages = existsSync(dir) ? readdirSync(dir).filter((f) => /\.mdx?$/.test(f) && f !== 'index.md' && f !== 'index.mdx') : [];
  for (const f of pages) {
    const path = `/formulas/${f.replace(/\.mdx?$/, '').replace(/^\d+[-_.]/, '')}`;
    const page = await open(path, `formula-${f.replace(/\.mdx?$/, '')}`);
    await assertMath(page, path);
    await close(page);
  }
});

test('notebook pages show every picture and their provenance', async () => {
  const names = notebookNames();
  assert.ok(names.length > 0, 'no notebooks/*.ipynb');
  for (const name of names) {
    const path = notebookRoute(name);
    const page = await open(path, `notebook-${name}`);
    // Markdown images load lazily: make them all load now, then check each one.
    const broken = await page.evaluate(async () => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('article img'));
      imgs.forEach((i) => (i.loading = 'eager'));
      await Promise.all(imgs.filter((i) => !i.complete).map((i) => new Promise((r) => ((i.onload = r), (i.onerror = r)))));
      return imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src);
    });
    assert.deepEqual(broken, [], `${path}: pictures that did not load`);
    assert.equal(await page.locator('[data-testid="provenance"]').count(), 1);
    const download = page.locator('article a', { hasText: `Download ${name}.ipynb` });
    const href = await download.getAttribute('href');
    assert.ok(href, `${path}: the download link has an href`);
    const r = await fetch(site!.base + href);
    assert.equal(r.status, 200);
    assert.equal((await r.json()).nbformat, 4);
    await close(page);
  }
});

test('search finds "ELBO" in English and "判别器" on the Chinese site', async () => {
  const en = await open('/', 'search-en');
  const hits = await search(en, 'ELBO');
  assert.ok(
    hits.some((h) => /ELBO/i.test(h)),
    `suggestions: ${hits.join(' | ')}`,
  );
  await close(en);
  const zh = await open('/zh-Hans/', 'search-zh');
  const zhHits = await search(zh, '判别器');
  assert.ok(
    zhHits.some((h) => h.includes('判别器')),
    `suggestions: ${zhHits.join(' | ')}`,
  );
  await close(zh);
});

test('the zh-Hans home page is in Chinese, with math and diagram', async () => {
  const page = await open('/zh-Hans/', 'home-zh');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
  assert.equal(await page.title(), '快速上手 | genlab');
  await assertMath(page, '/zh-Hans/');
  await page.locator('.docusaurus-mermaid-container svg').first().waitFor({ timeout: 30_000 });
  assert.match(await page.locator('nav.navbar').innerText(), /文档/);
  await close(page);
});

test('no page logged a console error or threw', () => {
  assert.deepEqual(errors, []);
});
