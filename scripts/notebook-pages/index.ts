// Notebook pages: each committed, executed notebook becomes a site page rendered from data.
// One module per concern: model.ts (nbformat, display updates), text.ts (ANSI, \r), math.ts
// (Jupyter's math rules), markdown.ts (remark → rehype → KaTeX → sanitize), html.ts (HTML and SVG
// outputs), schema.ts (what sanitizing keeps), urls.ts (pictures and links), assets.ts (hashed
// files), translations.ts (zh-Hans), page.ts (a notebook → page data), write.ts (files for Docusaurus).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAll as renderInto, type Written } from './write.js';
import { stampTranslations as stampIn } from './translations.js';

export { renderNotebook, ASSET_URL, type RenderedNotebook, type RenderOptions } from './page.js';
export { translateNotebook, sourceHash, type NotebookTranslation } from './translations.js';
export type { Notebook, NbCell, NbOutput } from './model.js';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** The zh-Hans pages' folder: Docusaurus's localized docs, the mirror of docs/notebooks/. */
export const ZH_DOCS_DIR = join(ROOT, 'i18n', 'zh-Hans', 'docusaurus-plugin-content-docs', 'current', 'notebooks');

export interface RenderAllOptions {
  notebookDir?: string;
  docsDir?: string;
  assetDir?: string;
  /**
   * Where the zh-Hans pages go; default ZH_DOCS_DIR when no docsDir is given, and none (English
   * only) when a docsDir is given without it.
   */
  zhDocsDir?: string | null;
  zhTranslationDir?: string;
  /** More notebooks to publish in English only (e.g. a hostile test corpus). */
  alsoDirs?: string[];
}

/** Renders notebooks/*.ipynb into docs/notebooks/, the zh-Hans docs and static/notebook-assets/. */
export function renderAll(options: RenderAllOptions = {}): Written[] {
  return renderInto({
    notebookDir: options.notebookDir ?? join(ROOT, 'notebooks'),
    docsDir: options.docsDir ?? join(ROOT, 'docs', 'notebooks'),
    assetDir: options.assetDir ?? join(ROOT, 'static', 'notebook-assets'),
    zhDocsDir: options.zhDocsDir !== undefined ? options.zhDocsDir : options.docsDir ? null : ZH_DOCS_DIR,
    zhTranslationDir: options.zhTranslationDir,
    alsoDirs: options.alsoDirs,
  });
}

/** Records the English source hashes of notebooks/i18n/zh-Hans/*.json (see translations.ts). */
export function stampTranslations(notebookDir = join(ROOT, 'notebooks'), translationDir?: string): string[] {
  return stampIn(notebookDir, translationDir);
}
