// The production build of the site, both locales (built once, see site-build.ts).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureSiteBuild, notebookNames, notebookRoute, ROOT } from './site-build';

const build = ensureSiteBuild();
const page = (...p: string[]) => readFileSync(join(build.outDir, ...p, 'index.html'), 'utf8');
/** The page's text, without tags (code blocks are split into highlighted tokens). */
const text = (html: string) => html.replace(/<[^>]+>/g, '');

test('the site builds in both locales without warnings', () => {
  assert.equal(build.status, 0, build.log);
  assert.doesNotMatch(build.log, /\[WARNING\]/);
  assert.ok(existsSync(join(build.outDir, 'index.html')));
  assert.ok(existsSync(join(build.outDir, 'zh-Hans', 'index.html')));
});

test('its home page is the getting-started doc, with the library source and typeset math', () => {
  const html = page();
  assert.match(html, /<title[^>]*>Getting started \| genlab<\/title>/);
  assert.match(text(html), /npm run train -- vae/);
  assert.match(text(html), /npm install &amp;&amp; npm start/);
  // <LibrarySource file="losses/vae.ts" name="gaussianKl" />, from the tested file, with its JSDoc
  assert.match(html, /src\/genlab\/src\/losses\/vae\.ts/);
  assert.match(text(html), /Kingma &amp; Welling 2014, Appendix B/);
  assert.match(html, /class="katex"/);
  assert.doesNotMatch(html.replace(/<script[\s\S]*?<\/script>/g, ''), /\$\$/);
  // The Mermaid diagram is drawn in the browser (test/e2e/site.test.ts checks it).
});

test('the zh-Hans home page is the Chinese translation', () => {
  const html = page('zh-Hans');
  assert.match(html, /<html[^>]*lang="zh-Hans"/);
  assert.match(html, /<title[^>]*>快速上手 \| genlab<\/title>/);
  assert.match(text(html), /判别器/);
  assert.match(html, /文档/); // navbar, translated
});

test('every notebook has a page with its download link and provenance', () => {
  for (const name of notebookNames()) {
    const html = page(notebookRoute(name));
    assert.match(text(html), new RegExp(`Download ${name}\\.ipynb`));
    assert.match(html, /data-testid="provenance"/);
    assert.ok(existsSync(join(build.outDir, 'notebook-assets', `${name}.ipynb`)));
  }
  assert.ok(existsSync(join(build.outDir, 'notebooks', 'index.html')));
});

test('KaTeX styles and fonts are served from the installed katex, and both locales have a search index', () => {
  const css = readdirSync(join(build.outDir, 'assets', 'css'))
    .map((f) => readFileSync(join(build.outDir, 'assets', 'css', f), 'utf8'))
    .join('\n');
  assert.match(css, /\.katex\{/);
  assert.ok(readdirSync(join(build.outDir, 'assets', 'fonts')).some((f) => f.startsWith('KaTeX_Main-Regular')));
  const katexVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'katex', 'package.json'), 'utf8')).version;
  const rehypeKatexKatex = require.resolve('katex/package.json', { paths: [join(ROOT, 'node_modules', 'rehype-katex')] });
  assert.equal(JSON.parse(readFileSync(rehypeKatexKatex, 'utf8')).version, katexVersion, 'rehype-katex renders with the katex whose CSS is served');
  for (const dir of [build.outDir, join(build.outDir, 'zh-Hans')]) {
    assert.ok(
      readdirSync(dir).some((f) => /^search-index.*\.json$/.test(f)),
      `no search index in ${dir}`,
    );
  }
});

test('broken links, anchors, Markdown links and images fail the build', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const createConfig = require('../../docusaurus.config').default as () => Promise<{
    onBrokenLinks: string;
    onBrokenAnchors: string;
    markdown: { hooks: Record<string, string> };
  }>;
  const config = await createConfig();
  assert.equal(config.onBrokenLinks, 'throw');
  assert.equal(config.onBrokenAnchors, 'throw');
  assert.equal(config.markdown.hooks.onBrokenMarkdownLinks, 'throw');
  assert.equal(config.markdown.hooks.onBrokenMarkdownImages, 'throw');
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

test('no page of the site shows a KaTeX error', () => {
  const pages = walk(build.outDir).filter((f) => f.endsWith('.html'));
  assert.ok(pages.length > 20);
  assert.deepEqual(
    pages.filter((f) => readFileSync(f, 'utf8').includes('katex-error')),
    [],
  );
});

test('notebook pages have their headings in the table of contents and their text in the search index', () => {
  const html = page('notebooks', 'vae-elbo');
  const toc = /<ul class="table-of-contents[^"]*">([\s\S]*?)<\/ul><\/div>/.exec(html)?.[1] ?? '';
  assert.ok((toc.match(/class="table-of-contents__link/g) ?? []).length >= 3, 'at least three TOC entries');
  for (const [, id] of toc.matchAll(/href="#([^"]+)"/g))
    assert.match(html, new RegExp(`<h[2-6][^>]* id="${id}"`), `the TOC links to #${id}, a heading of the page`);
  // The hostile corpus (test build only): its ES module lines are prose, its HTML output inert.
  const hostile = page('notebooks', 'hostile');
  assert.match(hostile, /<p>import the data first, then look at it: this paragraph begins with the word import and is prose\.<\/p>/);
  assert.doesNotMatch(hostile, /\s(src|href|srcset|poster|data|action|formaction)="[^"]*(evil\.example|javascript:|vbscript:)/i);
  const index = (dir: string) =>
    readdirSync(dir)
      .filter((f) => /^search-index.*\.json$/.test(f))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
  assert.match(index(build.outDir), /A variational autoencoder \(VAE\) is a latent-variable model/);
  assert.match(index(join(build.outDir, 'zh-Hans')), /变分自编码器（VAE）/);
});
