// npm run render-notebooks: every notebooks/*.ipynb → a site page rendered from data (see
// scripts/notebook-pages/index.ts), for a quick look without a full site build; run before
// `npm run site:build` and `npm start`.
//   npm run render-notebooks -- --stamp-translations   records the English sources of the zh-Hans translations
//   npm run render-notebooks -- --also <dir> …         also publishes <dir>/*.ipynb, in English only
//                                                      (a test corpus through the real build)
// The renderer is ES modules (unified and rehype are ESM-only) and this CLI is CommonJS, hence import().
import { resolve } from 'node:path';

async function main(): Promise<void> {
  const { renderAll, stampTranslations, ROOT } = await import('./notebook-pages/index.js');
  if (process.argv.includes('--stamp-translations')) {
    for (const p of stampTranslations()) console.log(`render-notebooks: recorded the English sources translated in ${p}`);
    return;
  }
  const t0 = Date.now();
  const alsoDirs: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === '--also') alsoDirs.push(resolve(process.argv[i + 1] ?? ''));
  });
  const done = renderAll({ alsoDirs });
  const rel = (p: string) => p.slice(ROOT.length + 1);
  for (const d of done) console.log(`render-notebooks: ${d.name}.ipynb → ${rel(d.page)} (${d.assets} pictures)${d.zhPage ? ' and its zh-Hans page' : ''}`);
  console.log(`render-notebooks: ${done.length} notebook(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
