// npm run render-notebooks: every notebooks/*.ipynb → a site page rendered from data (see
// scripts/notebook-pages/index.ts), for a quick look without a full site build; run before
// `npm run site:build` and `npm start`.
//   npm run render-notebooks -- --stamp-translations   records the English sources of the zh-Hans translations
// The renderer is ES modules (unified and rehype are ESM-only) and this CLI is CommonJS, hence import().
async function main(): Promise<void> {
  const { renderAll, stampTranslations, ROOT } = await import('./notebook-pages/index.js');
  if (process.argv.includes('--stamp-translations')) {
    for (const p of stampTranslations()) console.log(`render-notebooks: recorded the English sources translated in ${p}`);
    return;
  }
  const t0 = Date.now();
  const done = renderAll();
  const rel = (p: string) => p.slice(ROOT.length + 1);
  for (const d of done) console.log(`render-notebooks: ${d.name}.ipynb → ${rel(d.page)} (${d.assets} pictures)${d.zhPage ? ' and its zh-Hans page' : ''}`);
  console.log(`render-notebooks: ${done.length} notebook(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
