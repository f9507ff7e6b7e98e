// One notebook → the data of its page (see src/components/Notebook/data.ts), its title, its table
// of contents and the pictures it shows. Nothing here writes files.
import type { Element, ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import GithubSlugger from 'github-slugger';
import { visit } from 'unist-util-visit';
import type { NotebookBlock, NotebookLocale, NotebookPageData, NotebookTocItem } from '../../src/components/Notebook/data.js';
import { AssetStore, RASTER_TYPES, type Asset } from './assets.js';
import { htmlToHast, sanitizeSvg } from './html.js';
import { markdownToHast } from './markdown.js';
import { applyDisplayUpdates, checkName, joinText, provenanceOf, type NbCell, type NbOutput, type Notebook } from './model.js';
import { stripAnsi, terminalText } from './text.js';
import { translateNotebook, type NotebookTranslation } from './translations.js';

/** URL path under which static/notebook-assets/ is served. */
export const ASSET_URL = '/notebook-assets';

/** Alt text of a code cell's picture outputs, per locale. */
const ALT: Record<NotebookLocale, (cell: number) => string> = {
  en: (n) => `Output of code cell ${n}`,
  'zh-Hans': (n) => `代码单元 ${n} 的输出`,
};

export interface RenderOptions {
  /** The notebook's file name without .ipynb, e.g. 05-vae-elbo. */
  name: string;
  /** Where assets are served; default /notebook-assets. */
  assetUrl?: string;
  /** The page's language; default en. Any other locale needs `translation`. */
  locale?: NotebookLocale;
  /** For a locale other than en: markdown cell id → translated markdown (see translateNotebook). */
  translation?: NotebookTranslation;
}

export interface RenderedNotebook {
  data: NotebookPageData;
  /** The text of the first level-1 heading, else the notebook's name. */
  title: string;
  /** Whether the page shows its own level-1 heading (so Docusaurus must not add one). */
  hasTitleHeading: boolean;
  toc: NotebookTocItem[];
  assets: Asset[];
}

/** A heading's or title's text as a reader sees it: KaTeX formulas as their TeX, nothing twice. */
export function plainText(node: Root | ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type !== 'element' && node.type !== 'root') return '';
  if (node.type === 'element') {
    if (String(node.properties.ariaHidden) === 'true') return '';
    if (node.tagName === 'annotation') return node.children.map(plainText).join('');
    if (node.tagName === 'math') {
      let tex = '';
      visit(node, 'element', (e: Element) => {
        if (e.tagName === 'annotation') tex += e.children.map(plainText).join('');
      });
      return tex;
    }
  }
  return (node.children as ElementContent[]).map(plainText).join('');
}

/** Gives every heading of the markdown blocks an id (GitHub's slugs, as Docusaurus makes them) and lists h2–h6. */
export function headings(blocks: NotebookBlock[]): { toc: NotebookTocItem[]; title?: string } {
  const slugger = new GithubSlugger();
  const toc: NotebookTocItem[] = [];
  let title: string | undefined;
  for (const b of blocks) {
    if (b.kind !== 'markdown') continue;
    visit(b.hast, 'element', (el: Element) => {
      const m = /^h([1-6])$/.exec(el.tagName);
      if (!m) return;
      const text = plainText(el).trim();
      const id = slugger.slug(text);
      el.properties.id = id;
      const level = Number(m[1]);
      if (level === 1) title ??= text;
      else toc.push({ value: toHtml({ type: 'root', children: el.children }), id, level });
    });
  }
  return { toc, title };
}

/** Renders one notebook to its page data plus the pictures it refers to (not written here). */
export function renderNotebook(source: Notebook, options: RenderOptions): RenderedNotebook {
  const name = checkName(options.name);
  const assetUrl = options.assetUrl ?? ASSET_URL;
  const locale = options.locale ?? 'en';
  if (!ALT[locale]) throw new Error(`render-notebooks: unknown locale ${locale}`);
  if (locale !== 'en' && !options.translation) throw new Error(`render-notebooks: ${name}.ipynb: no ${locale} translation given`);
  const nb = locale === 'en' ? source : translateNotebook(source, options.translation!, name, locale);
  const assets = new AssetStore();
  const blocks: NotebookBlock[] = [];
  let tipPlaced = false;
  const placeTip = () => {
    if (!tipPlaced) blocks.push({ kind: 'tip' });
    tipPlaced = true;
  };
  let codeCell = 0;
  const cells = applyDisplayUpdates(nb.cells ?? []);
  cells.forEach((cell, i) => {
    const where = `${name}.ipynb${locale === 'en' ? '' : ` (${locale})`}, cell ${i + 1}${cell.id ? ` (${cell.id})` : ''}`;
    const text = joinText(cell.source);
    if (cell.cell_type === 'markdown') {
      if (text.trim()) {
        const hast = markdownToHast(text, { assets, assetUrl, where, idPrefix: `c${i + 1}-`, attachment: (n) => attachmentFile(cell, n, assets) });
        blocks.push({ kind: 'markdown', hast });
      }
      placeTip();
      return;
    }
    placeTip();
    if (cell.cell_type === 'raw') {
      if (text.trim()) blocks.push({ kind: 'code', language: 'text', text });
      return;
    }
    if (cell.cell_type !== 'code') return;
    codeCell++;
    if (text.trim()) blocks.push({ kind: 'code', language: 'ts', text });
    blocks.push(...outputBlocks(cell.outputs ?? [], { assets, assetUrl, where, alt: ALT[locale](codeCell) }));
  });
  placeTip();
  const { toc, title } = headings(blocks);
  return {
    data: { name, locale, assetUrl, blocks, provenance: provenanceOf(nb, name) },
    title: title || name,
    hasTitleHeading: title !== undefined,
    toc,
    assets: assets.list(),
  };
}

/** A markdown cell's attachment (a raster picture or a sanitized SVG) stored as an asset. */
function attachmentFile(cell: NbCell, name: string, assets: AssetStore): string | undefined {
  const att = cell.attachments?.[name];
  if (!att) return undefined;
  for (const [mime, ext] of RASTER_TYPES) if (att[mime]) return assets.addBase64(joinText(att[mime]), ext);
  const svg = att['image/svg+xml'] && sanitizeSvg(joinText(att['image/svg+xml']));
  return svg ? assets.add(Buffer.from(svg), 'svg') : undefined;
}

interface OutputContext {
  assets: AssetStore;
  assetUrl: string;
  where: string;
  alt: string;
}

/**
 * A code cell's outputs as blocks. Consecutive stream outputs of one stream are one block, as
 * Jupyter shows them. Of a display's representations the richest one Jupyter would choose is shown
 * (JupyterLab's order: HTML, markdown, LaTeX, SVG, raster pictures, JSON, plain text).
 */
export function outputBlocks(outputs: NbOutput[], ctx: OutputContext): NotebookBlock[] {
  const blocks: NotebookBlock[] = [];
  let stream: { name: 'stdout' | 'stderr'; text: string } | undefined;
  const flush = () => {
    if (stream && stream.text.trim()) blocks.push({ kind: 'stream', name: stream.name, text: terminalText(stream.text) });
    stream = undefined;
  };
  for (const o of outputs) {
    if (o.output_type === 'stream') {
      const name = o.name === 'stderr' ? 'stderr' : 'stdout';
      if (stream && stream.name !== name) flush();
      stream ??= { name, text: '' };
      stream.text += joinText(o.text);
      continue;
    }
    flush();
    if (o.output_type === 'error') {
      blocks.push({
        kind: 'error',
        ename: stripAnsi(o.ename ?? 'Error'),
        evalue: stripAnsi(o.evalue ?? ''),
        traceback: stripAnsi((o.traceback ?? []).map(String).join('\n')),
      });
      continue;
    }
    if (o.output_type !== 'display_data' && o.output_type !== 'execute_result') continue;
    const block = displayBlock(o.data ?? {}, ctx);
    if (block) blocks.push(block);
  }
  flush();
  return blocks;
}

function displayBlock(data: Record<string, unknown>, ctx: OutputContext): NotebookBlock | undefined {
  const has = (mime: string) => data[mime] !== undefined && data[mime] !== null;
  const where = `${ctx.where}, output`;
  if (has('text/html')) {
    const hast = htmlToHast(joinText(data['text/html']), { ...ctx, where });
    if (hast.children.length) return { kind: 'html', hast };
  }
  if (has('text/markdown')) return { kind: 'markdown', hast: markdownToHast(joinText(data['text/markdown']), { ...ctx, where }) };
  if (has('text/latex')) return { kind: 'markdown', hast: markdownToHast(joinText(data['text/latex']), { ...ctx, where }) };
  if (has('image/svg+xml')) {
    const svg = sanitizeSvg(joinText(data['image/svg+xml']));
    if (svg) return { kind: 'image', file: ctx.assets.add(Buffer.from(svg), 'svg'), alt: ctx.alt };
  }
  const raster = RASTER_TYPES.find(([mime]) => has(mime));
  if (raster) return { kind: 'image', file: ctx.assets.addBase64(joinText(data[raster[0]]), raster[1]), alt: ctx.alt };
  if (has('application/json')) return { kind: 'code', language: 'json', text: JSON.stringify(data['application/json'], null, 2) };
  if (has('text/plain')) return { kind: 'code', language: 'text', text: stripAnsi(joinText(data['text/plain'])) };
  return undefined;
}
