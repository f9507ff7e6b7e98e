// text/html and image/svg+xml outputs. HTML is parsed per the HTML spec (hast-util-from-html, the
// parser rehype-parse uses) and cleaned by rehype-sanitize with the page schema. An SVG output is
// parsed the same way, cleaned with the drawing-only SVG schema and serialized again as a standalone
// SVG file: what reaches static/notebook-assets/ is our serialization of a sanitized tree, never the
// notebook's bytes.
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';
import rehypeSanitize from 'rehype-sanitize';
import { unified } from 'unified';
import { typesetMath, sanitizeTree, stripPositions, fixFragmentLinks } from './markdown.js';
import { svgSchema } from './schema.js';
import { keepOwnImages, resolveUrls, type UrlContext } from './urls.js';

/** A text/html output as sanitized hast (pictures from our asset folder only, see urls.ts). */
export function htmlToHast(html: string, ctx: UrlContext & { where: string }): Root {
  const tree = fromHtml(html, { fragment: true });
  resolveUrls(tree, ctx);
  // Math elements (code.language-math) an output may carry are typeset like a markdown cell's.
  typesetMath(tree, ctx.where);
  const safe = sanitizeTree(tree);
  keepOwnImages(safe, ctx.assetUrl);
  fixFragmentLinks(safe);
  return stripPositions(safe);
}

const cleanSvg = unified().use(rehypeSanitize, svgSchema);

/**
 * An image/svg+xml output as the text of a standalone SVG file an <img> can show: sanitized, with
 * the SVG namespace, and a width and height when only a viewBox is given. Undefined when no <svg>
 * element survives.
 */
export function sanitizeSvg(svg: string): string | undefined {
  const parsed = fromHtml(svg, { fragment: true });
  // In HTML an <svg> is found anywhere; only the first one is the picture.
  let root: Element | undefined;
  const find = (n: Root | Element): void => {
    for (const c of n.children) {
      if (root) return;
      if (c.type === 'element') {
        if (c.tagName === 'svg') root = c;
        else find(c);
      }
    }
  };
  find(parsed);
  if (!root) return undefined;
  const clean = cleanSvg.runSync({ type: 'root', children: [root] });
  const svgEl = clean.children.find((c): c is Element => c.type === 'element' && c.tagName === 'svg');
  if (!svgEl) return undefined;
  const p = svgEl.properties;
  p.xmlns = 'http://www.w3.org/2000/svg';
  const vb =
    typeof p.viewBox === 'string'
      ? p.viewBox
          .trim()
          .split(/[\s,]+/)
          .map(Number)
      : [];
  if (vb.length === 4 && vb.every(Number.isFinite)) {
    if (p.width === undefined) p.width = String(vb[2]);
    if (p.height === undefined) p.height = String(vb[3]);
  }
  return (
    toHtml(stripPositions({ type: 'root', children: [svgEl] }), { space: 'svg', closeSelfClosing: true, characterReferences: { useNamedReferences: false } }) +
    '\n'
  );
}
