// Training steps per second of the site's lab (/lab) in headless Chromium, with rendering: the
// page trains and redraws its views as a reader sees it, and the script reads the page's step
// counter. One row per model and backend (WebGL here is Chromium's software renderer, SwiftShader).
//
//   npx tsx bench/lab-browser.ts [--seconds 20] [--site <built site dir>]
//
// Without --site it uses the cached test build of the site (test/site/site-build.ts), building it
// if needed. Prints a Markdown table; figures go in README.md and bench/NOTES.md with the date and
// the machine's load, since they depend on both.
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, serveSite } from '../test/e2e/browser';
import { ensureSiteBuild, ROOT } from '../test/site/site-build';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const seconds = Number(arg('seconds', '20'));
if (!(seconds > 0)) {
  console.error('usage: npx tsx bench/lab-browser.ts [--seconds N] [--site DIR]');
  process.exit(2);
}

/** Each model at the lab's default sizes (hidden 64 × 64, batch 128, latent 2) on the 8-Gaussian ring. */
const RUNS = [
  { model: 'GAN (k = 1: one D step + one G step)', query: 'm=gan&data=ring8&seed=1' },
  { model: 'VAE', query: 'm=vae&data=ring8&seed=1' },
  { model: 'diffusion (T = 100, ε-prediction MLP)', query: 'm=diffusion&data=ring8&seed=1' },
];
const BACKENDS = ['webgl', 'cpu'];

async function main(): Promise<void> {
  const site = process.argv.includes('--site') ? arg('site', '') : ensureSiteBuild().outDir;
  const server = await serveSite(ROOT, site);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const rows: string[] = [];
  try {
    for (const backend of BACKENDS) {
      for (const run of RUNS) {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        await page.goto(`${server.base}/lab?${run.query}&backend=${backend}`, { waitUntil: 'load' });
        await page.locator('[data-testid=lab][data-state=ready]').waitFor({ timeout: 180_000 });
        const used = await page.locator('[data-testid=lab]').getAttribute('data-backend');
        const adapter = (await page.locator('[data-testid=lab-status]').innerText()).trim();
        // Steps trained, not the step the views show: a diffusion redraw can take longer than the window.
        const step = async () => Number(await page.locator('[data-testid=lab]').getAttribute('data-trained'));
        await page.locator('[data-testid=lab-play]').click();
        await page.waitForFunction(() => Number(document.querySelector('[data-testid=lab]')?.getAttribute('data-trained')) >= 20, undefined, {
          timeout: 180_000,
        });
        // Measure after warm-up (shader compilation, first optimizer slots).
        const [s0, t0] = [await step(), Date.now()];
        await page.waitForTimeout(seconds * 1000);
        const [s1, t1] = [await step(), Date.now()];
        await page.locator('[data-testid=lab-play]').click();
        const rate = ((s1 - s0) * 1000) / (t1 - t0);
        rows.push(`| ${run.model} | ${used} | ${rate.toFixed(1)} | ${s1 - s0} steps in ${((t1 - t0) / 1000).toFixed(1)} s |`);
        console.error(`${run.model} on ${used}: ${rate.toFixed(1)} steps/s  [${adapter}]`);
        await page.close();
      }
    }
  } finally {
    await browser.close();
    server.stop();
  }
  console.log(
    `Lab training speed with rendering, headless Chromium (${CHROMIUM}), ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} at the end:\n`,
  );
  console.log('| model | backend | steps/s | measured |');
  console.log('|---|---|---|---|');
  rows.forEach((r) => console.log(r));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
