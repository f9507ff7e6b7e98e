// The demo page's tensor count as the browser tests read it: the status line polls
// tf.memory().numTensors every 500 ms into data-count, so a read right after a click can still show
// the count from before it. Shared by demo.test.ts and demo-diffusion.test.ts.
import type { Page } from 'playwright-core';

/** The count the status line shows now. */
export async function tensorCount(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid=demo-tensors]').getAttribute('data-count'));
}

/**
 * The page's tensor count once no canvas is drawing and the count has stopped changing for two
 * seconds. On a loaded machine a draw can sit in a GPU read-back for longer than that, holding its
 * tensors, so the canvases' data-state is awaited first.
 */
export async function settledTensorCount(page: Page): Promise<number> {
  await page.waitForFunction(() => !document.querySelector('canvas[data-state=drawing]'), undefined, { timeout: 120_000 });
  let last = await tensorCount(page);
  for (let i = 0; i < 30; i++) {
    await page.waitForTimeout(2000);
    const now = await tensorCount(page);
    if (now === last) return now;
    last = now;
  }
  return last;
}

/**
 * Waits (up to two minutes) until the count shows `count` with no canvas drawing, and keeps showing
 * it for 1.5 s (three polls of the status line); returns the last count read. Holding for three
 * polls matters: right after a click the status line still shows the count from before it, and a
 * draw not yet started shows no 'drawing' state, so a single matching read proves nothing.
 */
export async function tensorCountReturnsTo(page: Page, count: number): Promise<number> {
  try {
    await page.waitForFunction(
      (n) => {
        const w = window as Window & { __genlabCountSince?: number };
        const shown = document.querySelector('[data-testid=demo-tensors]')?.getAttribute('data-count') === String(n);
        if (!shown || document.querySelector('canvas[data-state=drawing]')) {
          w.__genlabCountSince = undefined;
          return false;
        }
        w.__genlabCountSince ??= performance.now();
        return performance.now() - w.__genlabCountSince >= 1500;
      },
      count,
      { timeout: 120_000, polling: 100 },
    );
  } catch {
    // The assertion that follows reports the count that stayed.
  }
  return tensorCount(page);
}
