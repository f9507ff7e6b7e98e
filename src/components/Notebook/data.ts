// The data a notebook page is rendered from: written as JSON by scripts/notebook-pages/ and read by
// <NotebookPage>. Nothing in it is code: markdown and HTML arrive as sanitized hast trees (rendered
// to React elements node by node), everything else as plain strings shown as text.
import type { Root } from 'hast';

/** metadata.genlab of an executed notebook (written by scripts/notebooks.ts); every key optional. */
export interface ProvenanceProps {
  notebook?: string;
  profile?: string | null;
  /** The backend line the notebook printed ("genlab backend: wasm [WebAssembly, SIMD, …]; skipped …"), or a name. */
  backend?: string | null;
  device?: string | null;
  /** ISO date-time the run started. */
  started?: string | null;
  seconds?: number | null;
  genlabVersion?: string | null;
  gitCommit?: string | null;
  tslab?: string | null;
  node?: string | null;
}

export type NotebookLocale = 'en' | 'zh-Hans';

export type NotebookBlock =
  /** A markdown cell or a text/markdown output: sanitized hast, KaTeX already typeset. */
  | { kind: 'markdown'; hast: Root }
  /** A text/html output, parsed per the HTML spec and sanitized. */
  | { kind: 'html'; hast: Root }
  /** A code cell's source (TypeScript, the tslab kernel's language) or a raw cell. */
  | { kind: 'code'; language: 'ts' | 'text' | 'json'; text: string }
  /** Consecutive stream outputs of one stream, ANSI codes stripped, \r overwrites applied. */
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  /** A picture output: a file under the asset folder, named by its content's hash. */
  | { kind: 'image'; file: string; alt: string }
  | { kind: 'error'; ename: string; evalue: string; traceback: string }
  /** Where the "Run it yourself" box goes: after the first markdown cell. */
  | { kind: 'tip' };

/** One entry of the page's table of contents, in Docusaurus's TOC item shape (value is sanitized HTML). */
export interface NotebookTocItem {
  value: string;
  id: string;
  level: number;
}

export interface NotebookPageData {
  /** The notebook's file name without .ipynb, e.g. 05-vae-elbo. */
  name: string;
  locale: NotebookLocale;
  /** URL path of the asset folder (static/notebook-assets), without the locale's base URL. */
  assetUrl: string;
  blocks: NotebookBlock[];
  provenance: ProvenanceProps;
}

/** One line of the notebooks' list page. */
export interface NotebookListItem {
  name: string;
  title: string;
  /** The page's route without the locale, e.g. /notebooks/vae-elbo. */
  route: string;
  /** ISO date the notebook was executed, when it was. */
  executed: string | null;
  profile: string | null;
}
