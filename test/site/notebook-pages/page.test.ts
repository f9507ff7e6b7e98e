// A notebook → its page data and files (scripts/notebook-pages/page.ts, write.ts, translations.ts):
// display updates, streams, pictures named by hash, provenance, headings, the thin MDX pages, and
// the zh-Hans pages with their source hashes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { toText } from 'hast-util-to-text';
import { renderAll, renderNotebook, sourceHash, stampTranslations, type Notebook, type NotebookTranslation } from '../../../scripts/notebook-pages/index.js';
import { applyCarriageReturns, stripAnsi } from '../../../scripts/notebook-pages/text.js';
import { pageMdx, yamlString } from '../../../scripts/notebook-pages/write.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const load = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Notebook;
const pngOf = (nb: Notebook, cell: number, out: number) => Buffer.from((nb.cells[cell].outputs![out].data as Record<string, string>)['image/png'], 'base64');
const sha16 = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);

test('a display updated through its display_id shows only its final state, where it was created', () => {
  const nb = load('hostile.ipynb');
  const final = pngOf(nb, 2, 1);
  const r = renderNotebook(nb, { name: 'hostile' });
  const pngs = r.assets.filter((a) => a.file.endsWith('.png'));
  assert.equal(pngs.length, 1, 'one picture for the live display');
  assert.equal(pngs[0].file, `${sha16(final)}.png`, 'named by the sha256 of its bytes');
  assert.deepEqual(pngs[0].data, final);
  assert.ok(!JSON.stringify(r.data).includes(sha16(pngOf(nb, 1, 3))), 'the first state is gone');
  const kinds = r.data.blocks.map((b) => (b.kind === 'code' ? `code:${b.language}` : b.kind));
  assert.deepEqual(kinds, ['markdown', 'tip', 'code:ts', 'stream', 'stream', 'html', 'image', 'code:text', 'code:ts', 'image', 'error']);
  assert.deepEqual(r.data.blocks[6], { kind: 'image', file: `${sha16(final)}.png`, alt: 'Output of code cell 1' });
});

test('streams: one block per run of a stream, ANSI codes stripped, \\r overwrites applied', () => {
  const r = renderNotebook(load('hostile.ipynb'), { name: 'hostile' });
  const streams = r.data.blocks.filter((b) => b.kind === 'stream');
  assert.deepEqual(streams, [
    { kind: 'stream', name: 'stdout', text: 'red text\nprogress 100%\n```` four backticks in output\n' },
    { kind: 'stream', name: 'stderr', text: 'warning on stderr\n' },
  ]);
  assert.equal(stripAnsi('\u001b[1;31mbold red\u001b[0m \u001b]0;title\u0007x'), 'bold red x');
  assert.equal(applyCarriageReturns('10%\r100%\nnext'), '100%\nnext');
});

test('provenance, title, headings with ids and the table of contents', () => {
  const r = renderNotebook(load('hostile.ipynb'), { name: 'hostile' });
  assert.deepEqual(r.data.provenance, {
    notebook: 'hostile.ipynb',
    profile: 'smoke',
    backend: 'genlab backend: cpu [plain JavaScript]; skipped wasm (test)',
    device: null,
    started: '2025-01-02T03:04:05.000Z',
    seconds: 12.5,
    genlabVersion: '0.1.0',
    gitCommit: '0123456789abcdef0123456789abcdef01234567',
    tslab: '1.0.22',
    node: 'v20.0.0',
  });
  // "# Hostile <notebook> {fixture}": <notebook> is an HTML tag to markdown (and dropped), as in Jupyter.
  assert.equal(r.title, 'Hostile  {fixture}');
  assert.ok(r.hasTitleHeading);
  const math = renderNotebook(load('pages/91-jupyter-math.ipynb'), { name: '91-jupyter-math' });
  assert.deepEqual(math.toc, [{ value: 'A long equation', id: 'a-long-equation', level: 2 }]);
  const first = math.data.blocks[0];
  assert.equal(first.kind === 'markdown' && (first.hast.children[0] as { properties: { id: string } }).properties.id, 'math-as-jupyter-shows-it');
  const untitled = renderNotebook({ cells: [{ cell_type: 'code', source: 'x', outputs: [] }] }, { name: '07-untitled' });
  assert.equal(untitled.title, '07-untitled');
  assert.ok(!untitled.hasTitleHeading);
  assert.deepEqual(untitled.data.blocks[0], { kind: 'tip' }, 'the tip comes first when the notebook does not start with markdown');
});

test('a notebook file name that is not letters, digits, - _ . is refused', () => {
  assert.throws(() => renderNotebook({ cells: [] }, { name: "x';alert(1)//" }), /a notebook's file name may hold only letters, digits/);
  assert.throws(() => renderNotebook({ cells: [] }, { name: '../x' }), /file name/);
});

test('the MDX pages are a fixed template: no notebook text in them but JSON strings in the front matter', () => {
  const r = renderNotebook(load('pages/90-hostile.ipynb'), { name: '90-hostile' });
  const mdx = pageMdx(r);
  const [, front, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(mdx)!;
  assert.equal(
    front,
    [
      'title: "Hostile corpus {fixture} code"',
      'sidebar_label: "Hostile corpus {fixture} code"',
      'sidebar_position: 91',
      'description: "The executed notebook 90-hostile.ipynb, with its outputs."',
      'hide_title: true',
      'custom_edit_url: null',
    ].join('\n'),
  );
  assert.equal(
    body,
    "\n{/* Generated by scripts/render-notebooks.ts: edit the notebook (and its translation), not this file. */}\n\nimport NotebookPage from '@site/src/components/Notebook/NotebookPage';\nimport page from './_data/90-hostile.json';\n\nexport const toc = page.toc;\n\n<NotebookPage page={page} />\n",
  );
  assert.equal(yamlString('a "b"\n\u2028c'), '"a \\"b\\"\\n\\u2028c"');
});

test('renderAll writes the pages, their data, the pictures, a copy of each notebook and the list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-render-'));
  const nbDir = join(dir, 'notebooks');
  mkdirSync(nbDir);
  copyFileSync(join(FIXTURES, 'hostile.ipynb'), join(nbDir, '01-hostile.ipynb'));
  writeFileSync(join(nbDir, '02-empty.ipynb'), JSON.stringify({ cells: [], metadata: {} }));
  const done = renderAll({ notebookDir: nbDir, docsDir: join(dir, 'docs'), assetDir: join(dir, 'assets'), alsoDirs: [join(FIXTURES, 'pages')] });
  assert.deepEqual(
    done.map((d) => d.name),
    ['01-hostile', '02-empty', '90-hostile', '91-jupyter-math'],
  );
  assert.deepEqual(readdirSync(join(dir, 'docs')).sort(), [
    '01-hostile.mdx',
    '02-empty.mdx',
    '90-hostile.mdx',
    '91-jupyter-math.mdx',
    '_category_.json',
    '_data',
    'index.mdx',
  ]);
  assert.deepEqual(readdirSync(join(dir, 'docs', '_data')).sort(), [
    '01-hostile.json',
    '02-empty.json',
    '90-hostile.json',
    '91-jupyter-math.json',
    'index.json',
  ]);
  const assets = readdirSync(join(dir, 'assets')).sort();
  for (const n of ['01-hostile', '02-empty', '90-hostile', '91-jupyter-math']) assert.ok(assets.includes(`${n}.ipynb`));
  // The corpus's raster data: URL is the hostile fixture's final frame: stored once.
  assert.equal(assets.filter((a) => /^[0-9a-f]{16}\.(png|svg)$/.test(a)).length, 3);
  const data = JSON.parse(readFileSync(join(dir, 'docs', '_data', '01-hostile.json'), 'utf8'));
  assert.equal(data.name, '01-hostile');
  assert.deepEqual(data.toc, []);
  const list = JSON.parse(readFileSync(join(dir, 'docs', '_data', 'index.json'), 'utf8'));
  assert.deepEqual(list[0], { name: '01-hostile', title: 'Hostile  {fixture}', route: '/notebooks/hostile', executed: '2025-01-02', profile: 'smoke' });
  assert.deepEqual(list[1], { name: '02-empty', title: '02-empty', route: '/notebooks/empty', executed: null, profile: null });
  assert.doesNotMatch(readFileSync(join(dir, 'docs', 'index.mdx'), 'utf8'), /Hostile|alert/);
});

const translated = () => load('translated.ipynb');
const zhTranslation = () => JSON.parse(readFileSync(join(FIXTURES, 'i18n', 'zh-Hans', 'translated.json'), 'utf8')) as NotebookTranslation;

test('a zh-Hans page uses the translation and keeps code, outputs and pictures identical', () => {
  const en = renderNotebook(translated(), { name: '01-small' });
  const zh = renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: zhTranslation() });
  assert.equal(zh.title, '1. 一个小笔记本');
  assert.equal(zh.data.locale, 'zh-Hans');
  const text = (r: typeof en) => r.data.blocks.map((b) => (b.kind === 'markdown' ? toText(b.hast) : '')).join('\n');
  assert.match(text(zh), /证据下界 \(ELBO\)，/);
  assert.match(text(zh), /生成器和判别器在进行一场博弈。/);
  assert.doesNotMatch(text(zh), /A small notebook|Summary|The generator/);
  assert.match(JSON.stringify(zh.data.blocks[0]), /"href":"\/notebooks\/other"/);
  assert.deepEqual(
    zh.data.blocks.filter((b) => b.kind === 'image'),
    [{ kind: 'image', file: en.assets[0].file, alt: '代码单元 1 的输出' }],
  );
  // Code cells, their outputs, the pictures and the provenance are exactly the English page's.
  const rest = (r: typeof en) => r.data.blocks.filter((b) => b.kind !== 'markdown' && b.kind !== 'image');
  assert.equal(rest(en).length, 6);
  assert.deepEqual(rest(zh), rest(en));
  assert.deepEqual(zh.assets, en.assets);
  assert.deepEqual(zh.data.provenance, en.data.provenance);
  assert.deepEqual(zh.toc, [{ value: '小结', id: '小结', level: 2 }]);
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
  assert.throws(
    () => renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: unstamped }),
    /markdown cell intro has no "__source:intro" entry/,
  );
  assert.throws(
    () => renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: { ...zhTranslation(), '__source:gone': 'abc' } }),
    /translates cells the notebook has no markdown cell for: __source:gone/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'genlab-stamp-'));
  mkdirSync(join(dir, 'i18n', 'zh-Hans'), { recursive: true });
  writeFileSync(join(dir, '01-small.ipynb'), JSON.stringify(edited));
  writeFileSync(join(dir, 'i18n', 'zh-Hans', '01-small.json'), JSON.stringify(zhTranslation()));
  assert.deepEqual(stampTranslations(dir), [join(dir, 'i18n', 'zh-Hans', '01-small.json')]);
  const restamped = JSON.parse(readFileSync(join(dir, 'i18n', 'zh-Hans', '01-small.json'), 'utf8')) as NotebookTranslation;
  assert.equal(restamped['__source:outro'], sourceHash([outro.source].flat().join('')));
  assert.match(JSON.stringify(renderNotebook(edited, { name: '01-small', locale: 'zh-Hans', translation: restamped }).data), /生成器和判别器/);
});

test('a markdown cell without a translation fails the zh-Hans rendering, naming the cell, before anything is written', () => {
  const missing = zhTranslation();
  delete missing.outro;
  assert.throws(
    () => renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: missing }),
    /01-small\.ipynb \(zh-Hans\): markdown cell outro has no translation/,
  );
  assert.throws(
    () => renderNotebook(translated(), { name: '01-small', locale: 'zh-Hans', translation: { ...zhTranslation(), gone: 'x' } }),
    /translates cells the notebook has no markdown cell for: gone/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'genlab-render-zh-'));
  const nbDir = join(dir, 'notebooks');
  mkdirSync(join(nbDir, 'i18n', 'zh-Hans'), { recursive: true });
  copyFileSync(join(FIXTURES, 'translated.ipynb'), join(nbDir, '01-small.ipynb'));
  const opts = { notebookDir: nbDir, docsDir: join(dir, 'docs'), assetDir: join(dir, 'assets'), zhDocsDir: join(dir, 'zh') };
  assert.throws(() => renderAll(opts), /01-small\.ipynb \(zh-Hans\): markdown cell intro has no translation/);
  assert.throws(() => readdirSync(join(dir, 'docs')), /ENOENT/);
  writeFileSync(join(nbDir, 'i18n', 'zh-Hans', '01-small.json'), JSON.stringify(zhTranslation()));
  const done = renderAll(opts);
  assert.equal(done[0].zhTitle, '1. 一个小笔记本');
  assert.deepEqual(readdirSync(join(dir, 'zh')).sort(), ['01-small.mdx', '_data', 'index.mdx']);
  assert.match(readFileSync(join(dir, 'zh', 'index.mdx'), 'utf8'), /^---\ntitle: 笔记本\n/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'zh', '_data', 'index.json'), 'utf8'))[0].title, '1. 一个小笔记本');
  assert.ok(readdirSync(join(dir, 'docs')).includes('_category_.json'));
  assert.ok(!readdirSync(join(dir, 'zh')).includes('_category_.json'), 'the Chinese label comes from current.json');
});
