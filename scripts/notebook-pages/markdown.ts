// Markdown (a markdown cell, or a text/markdown output) → sanitized hast:
//   math hidden as Jupyter does (math.ts) → remark-parse + remark-gfm → remark-rehype → rehype-raw
//   (inline HTML parsed per the HTML spec, as Jupyter renders it) → formulas put back as math
//   elements → rehype-katex → rehype-sanitize (schema.ts) → own pictures only (urls.ts).
// A formula KaTeX cannot typeset is an error naming the page and the formula, never red text.
import type { Element, ElementContent, Root, Text } from 'hast';
import rehypeKatex from 'rehype-katex';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize from 'rehype-sanitize';
import { toText } from 'hast-util-to-text';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { hideMath, PLACEHOLDER, type MathSpan } from './math.js';
import { pageSchema } from './schema.js';
import { keepOwnImages, resolveUrls, type UrlContext } from './urls.js';

// Footnote ids get no prefix here: rehype-sanitize prefixes every id with user-content- (against
// DOM clobbering), and fixFragmentLinks points the links at the prefixed ids.
const toHast = (idPrefix: string) =>
  unified().use(remarkParse).use(remarkGfm).use(remarkRehype, { allowDangerousHtml: true, clobberPrefix: idPrefix }).use(rehypeRaw);
const typeset = unified().use(rehypeKatex);
const clean = unified().use(rehypeSanitize, pageSchema);

/** Puts the hidden formulas back: math elements for rehype-katex, or their source inside code. */
export function placeMath(tree: Root, math: MathSpan[]): void {
  const restore = (s: string) => s.replace(PLACEHOLDER, (_m, n: string) => math[Number(n)]?.source ?? '');
  visit(tree, (node, index, parent) => {
    if (node.type === 'element') {
      for (const [k, v] of Object.entries(node.properties)) if (typeof v === 'string' && v.includes('\uE000')) node.properties[k] = restore(v);
      return;
    }
    if (node.type !== 'text' || !node.value.includes('\uE000') || !parent || index === undefined) return;
    const inCode = parent.type === 'element' && (parent.tagName === 'code' || parent.tagName === 'pre' || parent.tagName === 'textarea');
    if (inCode) {
      node.value = restore(node.value);
      return;
    }
    const parts: ElementContent[] = [];
    let at = 0;
    for (const m of node.value.matchAll(PLACEHOLDER)) {
      const span = math[Number(m[1])];
      if (m.index > at) parts.push({ type: 'text', value: node.value.slice(at, m.index) });
      if (span) {
        parts.push({
          type: 'element',
          tagName: 'code',
          properties: { className: ['language-math', span.display ? 'math-display' : 'math-inline'] },
          children: [{ type: 'text', value: span.tex }],
        });
      }
      at = m.index + m[0].length;
    }
    if (at < node.value.length) parts.push({ type: 'text', value: node.value.slice(at) });
    parent.children.splice(index, 1, ...(parts as typeof parent.children));
    return [SKIP, index + parts.length];
  });
}

/** Runs rehype-katex; throws, naming `where` and each formula, when KaTeX reports an error. */
export function typesetMath(tree: Root, where: string): void {
  const file = new VFile({ path: where });
  typeset.runSync(tree, file);
  const errors = file.messages.filter((m) => m.source === 'rehype-katex');
  if (errors.length) {
    const lines = errors.map((m) => {
      const el = m.ancestors?.[m.ancestors.length - 1] as Element | undefined;
      const tex = el ? toText(el, { whitespace: 'pre' }) : '?';
      return `  ${JSON.stringify(tex)}: ${(m.cause as Error | undefined)?.message ?? m.reason}`;
    });
    throw new Error(`${where}: KaTeX cannot typeset ${errors.length === 1 ? 'this formula' : 'these formulas'}:\n${lines.join('\n')}`);
  }
}

/** Drops the parsers' source positions and data: the page data keeps only what is shown. */
export function stripPositions<T extends Root>(tree: T): T {
  visit(tree, (node) => {
    delete node.position;
    delete (node as { data?: unknown }).data;
  });
  return tree;
}

/** rehype-sanitize with the page schema (schema.ts). */
export const sanitizeTree = (tree: Root): Root => clean.runSync(tree);

export interface MarkdownContext extends UrlContext {
  /** Named in errors, e.g. "05-vae-elbo.ipynb, cell 3". */
  where: string;
  /** Prefix of footnote ids, unique per cell on a page (e.g. "c3-"). */
  idPrefix?: string;
}

/** `#x` links whose target was renamed user-content-x by rehype-sanitize follow it. */
export function fixFragmentLinks(tree: Root): void {
  const ids = new Set<string>();
  visit(tree, 'element', (el: Element) => {
    if (typeof el.properties.id === 'string') ids.add(el.properties.id);
  });
  visit(tree, 'element', (el: Element) => {
    const href = el.properties.href;
    if (el.tagName !== 'a' || typeof href !== 'string' || !href.startsWith('#')) return;
    const id = href.slice(1);
    if (!ids.has(id) && ids.has(`user-content-${id}`)) el.properties.href = `#user-content-${id}`;
  });
}

/** A markdown text as sanitized hast, with math typeset by KaTeX. */
export function markdownToHast(markdown: string, ctx: MarkdownContext): Root {
  const { text, math } = hideMath(markdown);
  const processor = toHast(ctx.idPrefix ?? '');
  const tree = processor.runSync(processor.parse(text));
  placeMath(tree, math);
  resolveUrls(tree, ctx);
  typesetMath(tree, ctx.where);
  const safe = sanitizeTree(tree);
  keepOwnImages(safe, ctx.assetUrl);
  fixFragmentLinks(safe);
  return stripPositions(safe);
}

/** Text node helper for callers that build hast by hand. */
export const text = (value: string): Text => ({ type: 'text', value });
