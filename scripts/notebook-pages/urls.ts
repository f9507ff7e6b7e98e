// URLs in a notebook's markdown and HTML. A page requests nothing from another origin: pictures are
// files of our own asset folder (attachments and data: URLs are stored there), and any other picture
// shows its alt text. Links to other notebooks (foo.ipynb) become links to their pages.
import type { Element, ElementContent, Root } from 'hast';
import { SKIP, visit } from 'unist-util-visit';
import type { AssetStore } from './assets.js';

/** A notebook's page route: 05-vae-elbo → /notebooks/vae-elbo (number prefix dropped, as Docusaurus does). */
export const notebookRoute = (name: string): string => `/notebooks/${name.replace(/^\d+[-_.]/, '')}`;

export interface UrlContext {
  assets: AssetStore;
  /** URL path of the asset folder, e.g. /notebook-assets. */
  assetUrl: string;
  /** The stored file of a markdown cell's attachment, by name. */
  attachment?: (name: string) => string | undefined;
}

/** Before sanitizing: attachment: and data: pictures become asset files, notebook links page links. */
export function resolveUrls(tree: Root, ctx: UrlContext): void {
  visit(tree, 'element', (el: Element) => {
    const { src, href } = el.properties;
    if (el.tagName === 'img' && typeof src === 'string') {
      let file: string | undefined;
      if (/^attachment:/i.test(src)) file = ctx.attachment?.(safeDecode(src.slice('attachment:'.length)));
      else if (/^data:/i.test(src.trim())) file = ctx.assets.addDataUrl(src);
      if (file) el.properties.src = `${ctx.assetUrl}/${file}`;
    }
    if (el.tagName === 'a' && typeof href === 'string') {
      const m = /^(?:\.\/)?(?:notebooks\/)?(\d*[A-Za-z0-9][\w.-]*)\.ipynb(#[\w-]*)?$/.exec(href);
      if (m) el.properties.href = notebookRoute(m[1]) + (m[2] ?? '');
    }
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** After sanitizing: an <img> whose source is not one of our asset files is replaced by its alt text. */
export function keepOwnImages(tree: Root, assetUrl: string): void {
  const own = new RegExp(`^${assetUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/[0-9a-f]{16}\\.(?:png|jpg|gif|webp|svg)$`);
  visit(tree, 'element', (el: Element, index, parent) => {
    if (el.tagName !== 'img' || !parent || index === undefined) return;
    if (typeof el.properties.src === 'string' && own.test(el.properties.src)) return;
    const alt = typeof el.properties.alt === 'string' ? el.properties.alt : '';
    const replacement: ElementContent[] = alt ? [{ type: 'text', value: alt }] : [];
    parent.children.splice(index, 1, ...replacement);
    return [SKIP, index];
  });
}
