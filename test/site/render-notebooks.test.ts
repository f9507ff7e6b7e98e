// scripts/render-notebooks.ts on a hostile notebook: nothing that can run script survives, outputs
// are rendered as the Jupyter front end would show them, and the page compiles as MDX.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import React from 'react';
import { applyCarriageReturns, fence, renderAll, renderNotebook, safeUrl, sourceHash, stampTranslations, sanitizeHtml, stripAnsi, type Notebook, type NotebookTranslation } from '../../scripts/render-notebooks';

// react-dom has no type declarations installed here; this is the one function used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as { renderToStaticMarkup(element: React.ReactElement): string };

const FIXTURE = join(__dirname, 'fixtures', 'hostile.ipynb');
const hostile = () => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Notebook;
const pngOf = (nb: Notebook, cell: number, out: number) => Buffer.from(String((nb.cells[cell].outputs![out].data as Record<string, string>)['image/png']), 'base64');
const sha16 = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);

/** What a browser would receive: the MDX compiled and rendered with stand-ins for the site's components. */
async function renderToHtml(mdx: string): Promise<string> {
  const { evaluate } = await import('@mdx-js/mdx');
  const runtime = await import('react/jsx-runtime');
  const remarkMath = (await import('remark-math')).default;
  const body = mdx.replace(/^---\n[\s\S]*?\n---\n/, '');
  const mod = await evaluate(body, { ...runtime, remarkPlugins: [remarkMath], development: false } as Parameters<typeof evaluate>[1]);
  const components = {
    NotebookHtml: ({ html }: { html: string }) => React.createElement('div', { className: 'nb-html', dangerouslySetInnerHTML: { __html: html } }),
    NotebookError: (p: { ename: string; evalue: string; traceback: string }) => React.createElement('pre', { className: 'nb-error' }, `${p.ename}: ${p.evalue}\n${p.traceback}`),
    Provenance: (p: Record<string, unknown>) => React.createElement('aside', { className: 'provenance' }, JSON.stringify(p)),
  };
  return renderToStaticMarkup(React.createElement(mod.default, { components }));
}

test('a hostile notebook renders without anything that can run script', async () => {
  const r = renderNotebook(hostile(), { name: 'hostile' });
  const html = await renderToHtml(r.mdx);
  // No executable markup anywhere in the page a browser would get.
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<(iframe|object|embed|form|button|style|frame)\b/i);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no event-handler attribute');
  assert.doesNotMatch(html, /(href|src|action|formaction)\s*=\s*"[^"]*(javascript|data:text)/i);
  assert.doesNotMatch(html, /javascript:/i);
  assert.doesNotMatch(html, /url\(/i);
  // …while harmless content stays.
  assert.match(html, /kept <b>bold<\/b>/);
  assert.match(html, /<a href="https:\/\/example.org\/" rel="noopener noreferrer nofollow">fine link<\/a>/);
  assert.match(html, /<td>cell<\/td>/);
  assert.match(html, /<span>styled<\/span>/);
  // Markdown text that looks like HTML or JSX is shown as text; math is kept for KaTeX.
  assert.match(html, /&lt;script&gt;alert\(&#x27;md&#x27;\)&lt;\/script&gt; do not run/);
  assert.match(r.mdx, /\$a < b\$/);
  assert.match(r.mdx, /\$\$\\frac\{1\}\{2\}\$\$/);
  assert.match(r.mdx, /\]\(\.\/06-gan\.mdx\)/, 'links to notebooks become links to their pages');
  // The error output: name, value and traceback as text, ANSI codes gone.
  assert.match(html, /<pre class="nb-error">TypeError: x is not a function\nTypeError: x is not a function\n {4}at &lt;anonymous&gt;:1:1 &lt;script&gt;alert\(11\)&lt;\/script&gt;<\/pre>/);
  assert.doesNotMatch(r.mdx, /\u001b/);
});

test('code and stream outputs are fenced by longer fences than any backtick run inside', () => {
  const r = renderNotebook(hostile(), { name: 'hostile' });
  assert.match(r.mdx, /\n``````ts\nconst s = `template \$\{1\}`;\n\/\/ a fence inside: ```ts\n\/\/ and a longer one: `````\nconsole.log\('hi'\);\n``````\n/);
  assert.match(r.mdx, /\n`````text\nred text\nprogress 100%\n```` four backticks in output\n`````\n/);
  assert.match(r.mdx, /```text title="stderr"\nwarning on stderr\n```/);
  assert.equal(fence('a ``` b', 'ts'), '````ts\na ``` b\n````');
  assert.equal(stripAnsi('\u001b[1;31mbold red\u001b[0m \u001b]0;title\u0007x'), 'bold red x');
  assert.equal(applyCarriageReturns('10%\r100%\nnext'), '100%\nnext');
});

test('a display updated through its display_id shows only its final state', () => {
  const nb = hostile();
  const first = pngOf(nb, 1, 3);
  const final = pngOf(nb, 2, 1);
  const r = renderNotebook(nb, { name: 'hostile' });
  const pngs = r.assets.filter((a) => a.file.endsWith('.png'));
  assert.equal(pngs.length, 1, 'one picture for the live display');
  assert.equal(pngs[0].file, `${sha16(final)}.png`, 'named by the sha256 of its bytes');
  assert.deepEqual(pngs[0].data, final);
  assert.ok(!r.mdx.includes(sha16(first)), 'the first state is gone');
  assert.equal((r.mdx.match(/!\[Output of code cell/g) ?? []).length, 2, 'the final PNG and the SVG, no update outputs');
  // The picture sits where the display was created (cell 1), not where it was updated.
  assert.ok(r.mdx.indexOf(sha16(final)) < r.mdx.indexOf('view.png(frame(i))'));
  const svg = r.assets.find((a) => a.file.endsWith('.svg'))!;
  assert.match(svg.data.toString(), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 10 10" width="10" height="10">/);
});

test('sanitizeHtml drops obfuscated URLs and keeps raster data images', () => {
  assert.equal(safeUrl('JaVaScRiPt:alert(1)', false), null);
  assert.equal(safeUrl('java&#x0A;script:alert(1)', false), null);
  assert.equal(safeUrl('&#106;avascript:alert(1)', false), null);
  assert.equal(safeUrl('//evil.example/x', false), null);
  assert.equal(safeUrl('data:image/svg+xml;base64,PHN2Zz4=', true), null);
  assert.equal(safeUrl('data:image/png;base64,iVBORw0K', true), 'data:image/png;base64,iVBORw0K');
  assert.equal(sanitizeHtml('<p title="a&quot;b" onmouseover=x>t</p><unknown>u</unknown><!-- c --><b>open'), '<p title="a&quot;b">t</p>u<b>open</b>');
  assert.equal(sanitizeHtml('<SCRIPT>bad()</SCRIPT ><noscript><p>x</p></noscript>ok'), 'ok');
  assert.equal(sanitizeHtml('<img src=x onerror=alert(1)//>'), '<img src="x">');
  assert.equal(sanitizeHtml('<img src="data:text/html;base64,PHNjcmlwdD4=" alt="a">b'), 'b', 'an image without a safe source is dropped');
});

test('renderAll writes the pages, the pictures and a copy of each notebook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-render-'));
  const nbDir = join(dir, 'notebooks');
  mkdirSync(nbDir);
  copyFileSync(FIXTURE, join(nbDir, '01-hostile.ipynb'));
  writeFileSync(join(nbDir, '02-empty.ipynb'), JSON.stringify({ cells: [], metadata: {} }));
  const done = renderAll({ notebookDir: nbDir, docsDir: join(dir, 'docs'), assetDir: join(dir, 'assets') });
  assert.deepEqual(done.map((d) => d.name), ['01-hostile', '02-empty']);
  assert.deepEqual(readdirSync(join(dir, 'docs')).sort(), ['01-hostile.mdx', '02-empty.mdx', '_category_.json', 'index.mdx']);
  const assets = readdirSync(join(dir, 'assets')).sort();
  assert.ok(assets.includes('01-hostile.ipynb') && assets.includes('02-empty.ipynb'));
  assert.equal(assets.filter((a) => /^[0-9a-f]{16}\.(png|svg)$/.test(a)).length, 2);
  const page = readFileSync(join(dir, 'docs', '01-hostile.mdx'), 'utf8');
  assert.match(page, /\[Download 01-hostile\.ipynb\]\(\/notebook-assets\/01-hostile\.ipynb\)/);
  assert.match(page, /npm run lab/);
  assert.match(page, /<Provenance \{\.\.\.\{"notebook":"01-hostile.ipynb","profile":"smoke","backend":"genlab backend: cpu/);
  assert.match(page, /"gitCommit":"0123456789abcdef0123456789abcdef01234567"/);
  const index = readFileSync(join(dir, 'docs', 'index.mdx'), 'utf8');
  assert.match(index, /- \[Hostile &lt;notebook> \\\{fixture\\\}\]\(\.\/01-hostile\.mdx\) — executed 2025-01-02, profile smoke/);
  assert.match(index, /\[02-empty\]\(\.\/02-empty\.mdx\) — not executed yet/);
});

const TRANSLATED = join(__dirname, 'fixtures', 'translated.ipynb');
const translated = () => JSON.parse(readFileSync(TRANSLATED, 'utf8')) as Notebook;
const zhTranslation = () => JSON.parse(readFileSync(join(__dirname, 'fixtures', 'i18n', 'zh-Hans', 'translated.json'), 'utf8')) as NotebookTranslation;
/** The fenced blocks (code and text outputs), the pictures' URLs and the JSX outputs of a page, in order. */
const codeAndOutputs = (mdx: string) => [...mdx.matchAll(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$|\]\(\/notebook-assets\/[0-9a-f]{16}\.\w+\)|^<(NotebookHtml|NotebookError|Provenance)\b.*$/gm)].map((m) => m[0]);

test('a zh-Hans page uses the translation and keeps code, outputs and pictures identical', async () => {
  const en = renderNotebook(translated(), { name: '01-small' });
  const zh = renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: zhTranslation() });
  // The markdown cells are the translations; the title is the translated first heading.
  assert.equal(zh.title, '1. 一个小笔记本');
  assert.match(zh.mdx, /^---\ntitle: "1\. 一个小笔记本"\nsidebar_label: "1\. 一个小笔记本"\nsidebar_position: 2\ndescription: "已执行的笔记本 01-small\.ipynb，含全部输出。"/);
  assert.match(zh.mdx, /\n# 1\. 一个小笔记本\n\n证据下界 \(ELBO\)，\$\\mathcal\{L\} = \\mathbb\{E\}_q\[\\log p\(x \\mid z\)\] - \\mathrm\{KL\}\(q \\,\\\|\\, p\)\$，对应 `elbo\(x\)`；参见\[笔记本 2\]\(\.\/02-other\.mdx\)。\n/);
  assert.match(zh.mdx, /\n## 小结\n\n生成器和判别器在进行一场博弈。\n/);
  assert.doesNotMatch(zh.mdx, /A small notebook|Summary|The generator/);
  // The page chrome is in Chinese, and links the same notebook file.
  assert.match(zh.mdx, /:::tip\[自己动手运行\]/);
  assert.match(zh.mdx, /\[下载 01-small\.ipynb\]\(\/notebook-assets\/01-small\.ipynb\)/);
  assert.match(zh.mdx, /!\[代码单元 1 的输出\]\(\/notebook-assets\/[0-9a-f]{16}\.png\)/);
  assert.doesNotMatch(zh.mdx, /Run it yourself|Download|Output of code cell/);
  // Code cells, their outputs, the pictures and the provenance are exactly the English page's.
  const blocks = codeAndOutputs(en.mdx);
  assert.equal(blocks.length, 7, blocks.join('\n'));
  assert.deepEqual(codeAndOutputs(zh.mdx), blocks);
  assert.deepEqual(zh.assets, en.assets);
  // The English page is unchanged by all this, and the Chinese one compiles as MDX.
  assert.match(en.mdx, /:::tip\[Run it yourself\]/);
  assert.match(en.mdx, /\n# 1\. A small notebook\n/);
  const html = await renderToHtml(zh.mdx);
  assert.match(html, /生成器和判别器/);
});

test('an English cell edited after its translation fails the zh-Hans rendering until the translation is stamped again', () => {
  const edited = translated();
  const outro = edited.cells.find((c) => c.id === 'outro')!;
  outro.source = ['## Summary\n\nThe generator and the discriminator play a game, and now a longer one.'];
  assert.throws(
    () => renderNotebook(edited, { name: '01-small', locale: 'zh-Hans', translation: zhTranslation() }),
    /01-small\.ipynb \(zh-Hans\): markdown cell outro changed since it was translated \(source [0-9a-f]{12}, now [0-9a-f]{12}\)/,
  );
  const unstamped = zhTranslation();
  delete unstamped['__source:intro'];
  assert.throws(() => renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: unstamped }), /markdown cell intro has no "__source:intro" entry/);
  assert.throws(
    () => renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: { ...zhTranslation(), '__source:gone': 'abc' } }),
    /translates cells the notebook has no markdown cell for: __source:gone/,
  );
  // Stamping records the edited source, after which the page renders again.
  const dir = mkdtempSync(join(tmpdir(), 'genlab-stamp-'));
  mkdirSync(join(dir, 'i18n', 'zh-Hans'), { recursive: true });
  writeFileSync(join(dir, '01-small.ipynb'), JSON.stringify(edited));
  writeFileSync(join(dir, 'i18n', 'zh-Hans', '01-small.json'), JSON.stringify(zhTranslation()));
  assert.deepEqual(stampTranslations(dir), [join(dir, 'i18n', 'zh-Hans', '01-small.json')]);
  const restamped = JSON.parse(readFileSync(join(dir, 'i18n', 'zh-Hans', '01-small.json'), 'utf8')) as NotebookTranslation;
  assert.equal(restamped['__source:outro'], sourceHash(outro.source.join('')));
  assert.match(renderNotebook(edited, { name: '01-small', locale: 'zh-Hans', translation: restamped }).mdx, /生成器和判别器/);
});

test('a markdown cell without a translation fails the zh-Hans rendering, naming the cell', () => {
  const missing = zhTranslation();
  delete missing.outro;
  assert.throws(() => renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: missing }), /01-small\.ipynb \(zh-Hans\): markdown cell outro has no translation/);
  assert.throws(() => renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: { ...zhTranslation(), outro: '  ' } }), /markdown cell outro has no translation/);
  assert.throws(() => renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: { ...zhTranslation(), gone: 'x' } }), /translates cells the notebook has no markdown cell for: gone/);
  // In renderAll, before anything is written: the previous pages stay.
  const dir = mkdtempSync(join(tmpdir(), 'genlab-render-zh-'));
  const nbDir = join(dir, 'notebooks');
  mkdirSync(join(nbDir, 'i18n', 'zh-Hans'), { recursive: true });
  copyFileSync(TRANSLATED, join(nbDir, '01-small.ipynb'));
  const opts = { notebookDir: nbDir, docsDir: join(dir, 'docs'), assetDir: join(dir, 'assets'), zhDocsDir: join(dir, 'zh') };
  assert.throws(() => renderAll(opts), /01-small\.ipynb \(zh-Hans\): markdown cell intro has no translation/);
  writeFileSync(join(nbDir, 'i18n', 'zh-Hans', '01-small.json'), JSON.stringify(zhTranslation()));
  const done = renderAll(opts);
  assert.equal(done[0].zhTitle, '1. 一个小笔记本');
  assert.deepEqual(readdirSync(join(dir, 'zh')).sort(), ['01-small.mdx', 'index.mdx']);
  const index = readFileSync(join(dir, 'zh', 'index.mdx'), 'utf8');
  assert.match(index, /^---\ntitle: 笔记本\n/);
  assert.match(index, /- \[1\. 一个小笔记本\]\(\.\/01-small\.mdx\) — 执行于 2025-01-02，配置 smoke/);
  assert.match(readFileSync(join(dir, 'docs', 'index.mdx'), 'utf8'), /- \[1\. A small notebook\]\(\.\/01-small\.mdx\) — executed 2025-01-02, profile smoke/);
  // Only the English side has _category_.json: Docusaurus takes the category's Chinese label from current.json.
  assert.ok(readdirSync(join(dir, 'docs')).includes('_category_.json'));
});
