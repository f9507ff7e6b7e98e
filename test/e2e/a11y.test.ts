// Accessibility of the built site: axe-core (the WCAG 2.0 and 2.1 A and AA rules) runs in headless
// Chromium on every kind of page, in English and Chinese, in the light and the dark theme, and no
// serious or critical violation is allowed. Nothing is excluded: every rule runs on the whole page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { openBuiltSite, type BuiltSite } from './browser';
import { notebookNames, notebookRoute } from '../site/site-build';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

/** One page of each kind; `ready` is what the page shows once its models have loaded. */
const PAGES: { path: string; ready?: string }[] = [
  { path: '/' },
  { path: '/formulas/elbo' },
  { path: notebookRoute(notebookNames()[0] ?? '01') },
  { path: '/notebooks' },
  { path: '/recipes/elbo' },
  { path: '/results' },
  { path: '/evaluation' },
  { path: '/demo', ready: '[data-testid=demo-status][data-state=ready]' },
  { path: '/lab', ready: '[data-testid=lab][data-state=ready]' },
  { path: '/errata' },
  { path: '/article/what-is-generative-ai' },
];

let site: BuiltSite | undefined;

before(async () => {
  site = await openBuiltSite();
});

after(() => site?.close());

interface Found {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
  count: number;
}

/** axe-core's serious and critical violations on the page as it is now. */
async function audit(page: Page): Promise<Found[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate(async (tags) => {
    const a = (window as unknown as { axe: typeof axe }).axe;
    const r = await a.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, TAGS);
  return results.filter((v) => BLOCKING.has(v.impact ?? '')).map((v) => ({ ...v, count: v.targets.length }));
}

function report(where: string, found: Found[]): string {
  return found.map((v) => `${where}: ${v.id} (${v.impact}, ${v.count} elements) ${v.help}\n    ${v.targets.slice(0, 5).join('\n    ')}`).join('\n');
}

/** Switches the theme with the navbar's own toggle, as a reader does (Mermaid redraws with it). */
async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const toggle = page.locator('.navbar [class*="colorModeToggle"] button');
  for (let i = 0; i < 3 && (await page.getAttribute('html', 'data-theme')) !== theme; i++) await toggle.first().click();
  assert.equal(await page.getAttribute('html', 'data-theme'), theme);
  await page.waitForTimeout(300); // Mermaid redraws its diagrams in the new theme.
  // Infima fades colours between themes: axe must read the colours the transitions end on.
  await page.waitForFunction(() => document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running'));
}

for (const locale of ['', '/zh-Hans']) {
  for (const { path, ready } of PAGES) {
    const url = locale + path;
    test(`${url}: no serious or critical WCAG 2 A/AA violation (axe-core), light and dark theme`, async () => {
      const context = await site!.browser.newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      // Playwright's 30 s default is too short for a page load on a machine busy with trainings.
      page.setDefaultTimeout(120_000);
      try {
        const res = await page.goto(site!.base + url, { waitUntil: 'load' });
        assert.equal(res?.status(), 200, `${url} answered ${res?.status()}`);
        await page.waitForLoadState('networkidle');
        if (ready) await page.locator(ready).waitFor({ timeout: 120_000 });
        const found: string[] = [];
        for (const theme of ['light', 'dark'] as const) {
          await setTheme(page, theme);
          const v = await audit(page);
          if (v.length) found.push(report(`${url} [${theme}]`, v));
        }
        if (found.length) assert.fail(`serious or critical violations:\n${found.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  }
}
