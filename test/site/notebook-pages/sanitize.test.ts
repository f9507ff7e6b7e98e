// What sanitizing lets through (scripts/notebook-pages/schema.ts, html.ts, urls.ts), on the hostile
// corpus test/site/fixtures/pages/90-hostile.ipynb; and that it keeps every formula KaTeX typesets.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';
import katex from 'katex';
import { visit } from 'unist-util-visit';
import { renderNotebook, type Notebook } from '../../../scripts/notebook-pages/index.js';
import { hideMath } from '../../../scripts/notebook-pages/math.js';
import { sanitizeTree } from '../../../scripts/notebook-pages/markdown.js';
import { sanitizeSvg } from '../../../scripts/notebook-pages/html.js';
import { SAFE_STYLE } from '../../../scripts/notebook-pages/schema.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const corpus = () => JSON.parse(readFileSync(join(ROOT, 'test', 'site', 'fixtures', 'pages', '90-hostile.ipynb'), 'utf8')) as Notebook;

/** Elements that can run script, fetch, navigate by themselves, or hold raw text. */
const FORBIDDEN =
  /^(script|style|iframe|frame|frameset|object|embed|applet|form|button|base|meta|link|noscript|noembed|noframes|textarea|xmp|template|title|plaintext|video|audio|source|picture|image|use|foreignobject|animate|animatemotion|animatetransform|set|marquee|body|html|head)$/i;
/** Attributes that run script or fetch. */
const FORBIDDEN_ATTRIBUTES = /^(on.*|srcset|srcdoc|ping|poster|formaction|action|background|xlinkhref|xmlnsxlink|dataurl|codebase)$/i;

function assertInert(tree: Root, where: string): void {
  visit(tree, (node) => {
    assert.notEqual(node.type, 'comment', `${where}: a comment survived`);
    assert.notEqual(node.type, 'doctype', `${where}: a doctype survived`);
    if (node.type !== 'element') return;
    const el: Element = node;
    assert.doesNotMatch(el.tagName, FORBIDDEN, `${where}: <${el.tagName}> survived`);
    for (const [k, v] of Object.entries(el.properties)) {
      assert.doesNotMatch(k, FORBIDDEN_ATTRIBUTES, `${where}: <${el.tagName} ${k}> survived`);
      const value = String(v);
      if (k === 'href') assert.match(value, /^(https?:\/\/|mailto:|#|\/notebooks\/)/, `${where}: href ${value}`);
      if (k === 'src') assert.match(value, /^\/notebook-assets\/[0-9a-f]{16}\.(png|jpg|gif|webp|svg)$/, `${where}: src ${value}`);
      if (k === 'style') assert.match(value, SAFE_STYLE, `${where}: style ${value}`);
      assert.doesNotMatch(value, /url\s*\(|javascript:|vbscript:|data:/i, `${where}: ${el.tagName}.${k} = ${value}`);
    }
  });
}

test('the hostile corpus renders to inert hast: no script, handler, foreign URL or raw-text element', () => {
  const r = renderNotebook(corpus(), { name: '90-hostile' });
  const trees = r.data.blocks.flatMap((b) => ('hast' in b ? [b.hast] : []));
  assert.equal(trees.length, 6);
  trees.forEach((t, i) => assertInert(t, `block ${i}`));
  // Serialized and parsed again (what a browser does with server-rendered HTML), still inert:
  // sanitized trees hold no raw-text elements, so no text can turn into markup (mXSS).
  trees.forEach((t, i) => assertInert(fromHtml(toHtml(t), { fragment: true }), `block ${i} reparsed`));
  const html = trees.map((t) => toHtml(t)).join('\n');
  // What is harmless stays, and text that looks like code is text.
  assert.match(html, /<p id="user-content-html-kept">kept <b>bold<\/b> and <a href="https:\/\/example.org\/">fine link<\/a><\/p>/);
  assert.match(html, /text shown as text: &#x3C;script>alert\('text'\)&#x3C;\/script> \{braces\} \$\{dollar\}/);
  assert.match(html, /<p>import fs from 'fs'\nexport const esm = console.log\(fs.readdirSync\('\/'\)\)<\/p>/);
  assert.match(html, /\{console.log\('expr'\)\} \{\/\* comment \*\/\}/);
  assert.match(html, /<a href="\/notebooks\/jupyter-math">math notebook<\/a>/, 'links to notebooks become links to their pages');
  // A raster data: picture becomes an asset file; a remote or SVG one shows its alt text.
  assert.match(html, /<img src="\/notebook-assets\/[0-9a-f]{16}\.png" alt="raster data url">/);
  assert.match(html, /remote picture srcset svg data url/);
  // Code, streams, errors and metadata are strings, shown as text by React.
  const stream = r.data.blocks.find((b) => b.kind === 'stream');
  assert.deepEqual(stream, {
    kind: 'stream',
    name: 'stdout',
    text: "<script>alert('stream')</script> {x} ${y} `z` </code></pre>\nimport fs from 'fs'\nexport const s = 1\n$$x$$\n",
  });
  const error = r.data.blocks.find((b) => b.kind === 'error');
  assert.deepEqual(error, {
    kind: 'error',
    ename: "<img src=x onerror=alert('ename')>",
    evalue: "{x} </pre><script>alert('evalue')</script>",
    traceback: "Error: <script>alert('traceback')</script>\n    at {x} `y` $$z$$",
  });
  assert.equal(r.data.provenance.profile, "<script>alert('profile')</script>");
});

test('an SVG output is written as our serialization of a sanitized tree', () => {
  const svgOut = corpus().cells[4].outputs!.find((o) => o.data?.['image/svg+xml'])!;
  const file = sanitizeSvg(String(svgOut.data!['image/svg+xml']))!;
  assert.match(file, /^<svg viewBox="0 0 40 20" xmlns="http:\/\/www.w3.org\/2000\/svg" width="40" height="20">/);
  assert.doesNotMatch(file, /script|onload|onclick|onmouseover|href|foreignObject|iframe|<image|<use|<animate|<set|<style|evil|url\((?!#g\))|ENTITY|<\?xml/i);
  assert.match(file, /<linearGradient id="g"><stop offset="0" stop-color="red"><\/stop>/);
  assert.match(file, /<rect x="20" width="20" height="20" fill="url\(#g\)"><\/rect>/);
  assert.match(file, /<text x="1" y="19" font-size="4">svg &#x3C;text> &#x26; more<\/text>/);
  // The asset on the page is that file, named by its hash.
  const r = renderNotebook(corpus(), { name: '90-hostile' });
  const asset = r.assets.find((a) => a.file.endsWith('.svg'))!;
  assert.equal(asset.data.toString(), file);
  assert.equal(sanitizeSvg('<p>no picture</p>'), undefined);
});

test('inline styles: KaTeX declarations pass, anything that fetches or covers the page does not', () => {
  for (const ok of [
    'height:0.6833em;',
    'top:-2.55em;margin-left:0em;margin-right:0.05em;',
    'position:relative;top:-0.2em;',
    'color:#cc0000;',
    'border-bottom-width:0.04em;',
    'background-color:yellow;',
  ])
    assert.match(ok, SAFE_STYLE);
  for (const bad of [
    'background:url(//evil.example/x)',
    'background-image:url(x)',
    'position:fixed;top:0',
    'width:expression(alert(1))',
    'color:red;behavior:url(x.htc)',
    'top:1em;/**/',
    'color:\\75rl(x)',
    '-moz-binding:url(x)',
  ])
    assert.doesNotMatch(bad, SAFE_STYLE);
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

test("sanitizing keeps KaTeX's output of every formula on the site and in the notebooks unchanged", () => {
  const texts: string[] = [];
  for (const f of [...walk(join(ROOT, 'docs')), ...walk(join(ROOT, 'i18n'))].filter((f) => /\.mdx?$/.test(f) && !f.includes('/notebooks/')))
    texts.push(readFileSync(f, 'utf8'));
  for (const f of readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'))) {
    const nb = JSON.parse(readFileSync(join(ROOT, 'notebooks', f), 'utf8')) as Notebook;
    for (const c of nb.cells) if (c.cell_type === 'markdown') texts.push([c.source].flat().join(''));
  }
  const seen = new Set<string>();
  for (const t of texts) {
    for (const m of hideMath(t).math) {
      const key = `${m.display}${m.tex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let html: string;
      try {
        html = katex.renderToString(m.tex, { displayMode: m.display, throwOnError: true, strict: 'ignore' });
      } catch {
        continue; // MDX pages hold things hideMath reads as math but MDX does not (e.g. code); the build checks those
      }
      const tree = fromHtml(html, { fragment: true });
      const before = toHtml(tree);
      assert.equal(toHtml(sanitizeTree(structuredClone(tree))), before, `sanitizing changed ${JSON.stringify(m.tex)}`);
    }
  }
  assert.ok(seen.size > 300, `only ${seen.size} formulas found`);
});
