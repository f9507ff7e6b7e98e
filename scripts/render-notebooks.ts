// Turns every committed, executed notebook (notebooks/*.ipynb) into a site page,
// docs/notebooks/<name>.mdx, at build time; no Jupyter needed. Run by `npm run render-notebooks`
// and before `npm run site:build` and `npm start`. Both outputs are generated and git-ignored:
//   docs/notebooks/            <name>.mdx per notebook, index.mdx (the list), _category_.json
//   static/notebook-assets/    pictures named by content hash (sha256 prefix), and a copy of each .ipynb
//
// What becomes what:
//   markdown cell             Markdown, math kept ($…$, $$…$$); outside code and math, { } < are
//                             escaped so MDX reads them as text (raw HTML in markdown cells shows as text)
//   code cell                 a ```ts block whose fence is longer than any backtick run inside
//   stream output             a ```text block (stderr titled), ANSI codes stripped, \r overwrites applied
//   image/png, image/jpeg,    an image file named by the sha256 of its bytes, shown with Markdown
//   image/gif, image/svg+xml  image syntax (so a missing file fails the build)
//   text/html                 sanitized by an allow-list (sanitizeHtml below), shown by <NotebookHtml>
//   text/markdown, text/plain Markdown (escaped as above), a ```text block
//   error                     <NotebookError> with "ename: evalue" and the traceback, ANSI stripped
//   update_display_data       applied to the earlier output with the same display_id, then dropped
// Each page also gets a "Download .ipynb" link, a "Run it yourself" note and a <Provenance> footer
// built from metadata.genlab (profile, backend, device, started, seconds, genlabVersion, gitCommit…).
//
// Chinese (zh-Hans) pages: notebooks/i18n/zh-Hans/<name>.json maps each markdown cell's id to its
// Chinese markdown. The same notebook is rendered a second time with those cells swapped in and the
// page chrome (tip box, download link, description, picture alt text, the index page) in Chinese, into
//   i18n/zh-Hans/docusaurus-plugin-content-docs/current/notebooks/   (generated and git-ignored too)
// Code, outputs and pictures are the same (the pictures are the same files in static/notebook-assets/).
// A markdown cell with no translation, or a translation whose cell no longer exists, is an error
// naming the notebook and the cell id: a new English cell cannot stay untranslated unnoticed.
// The <Provenance> labels are translated by the component itself (<Translate>, i18n/zh-Hans/code.json),
// and the sidebar's "Notebooks" category by i18n/zh-Hans/docusaurus-plugin-content-docs/current.json.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
/** URL path under which static/notebook-assets/ is served. */
export const ASSET_URL = '/notebook-assets';

type Multiline = string | string[];
export interface NbOutput {
  output_type: string;
  name?: string;
  text?: Multiline;
  data?: Record<string, Multiline | unknown>;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
export interface NbCell {
  /** nbformat 4.5 cell id: the key of the cell's translation. */
  id?: string;
  cell_type: string;
  source: Multiline;
  outputs?: NbOutput[];
  attachments?: Record<string, Record<string, Multiline>>;
  execution_count?: number | null;
}
export interface Notebook {
  cells: NbCell[];
  metadata?: { genlab?: Record<string, unknown>; [k: string]: unknown };
}
export interface Asset {
  /** File name inside static/notebook-assets/. */
  file: string;
  data: Buffer;
}
export interface RenderedNotebook {
  mdx: string;
  assets: Asset[];
  title: string;
}

const joinText = (s: Multiline | unknown): string => (Array.isArray(s) ? s.join('') : typeof s === 'string' ? s : '');

/** Removes ANSI escape sequences (colours, cursor moves, OSC titles). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '').replace(/[\u001b\u009b][[()#;?]*(?:\d{1,4}(?:;\d{0,4})*)?[0-9A-ORZcf-nqry=><~]/g, '');
}

/** Terminal semantics for progress output: within a line, text after a \r overwrites what came before. */
export function applyCarriageReturns(s: string): string {
  return s
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      if (!line.includes('\r')) return line;
      let out = '';
      for (const part of line.split('\r')) out = part + out.slice(part.length);
      return out;
    })
    .join('\n');
}

/** A fenced code block whose fence is longer than any run of backticks in `body`. */
export function fence(body: string, info: string): string {
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(Math.max(3, longest + 1));
  return `${f}${info}\n${body.replace(/\n+$/, '')}\n${f}`;
}

// ---------------------------------------------------------------------------------------------
// Markdown → MDX-safe Markdown

/** Escapes the characters MDX would read as JSX or expressions, in plain text (not code, not math). */
export function escapeMdxText(s: string): string {
  return s.replace(/[{}<]/g, (c) => (c === '<' ? '&lt;' : `\\${c}`));
}

/** Escapes one line's inline content, leaving code spans and $…$ math alone. */
function escapeInline(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      out += c + line[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(line.slice(i))![0];
      const close = line.indexOf(run, i + run.length);
      // A code span needs a closing run of exactly the same length.
      let j = close;
      while (j !== -1 && (line[j + run.length] === '`' || line[j - 1] === '`')) j = line.indexOf(run, j + 1);
      if (j !== -1) {
        out += line.slice(i, j + run.length);
        i = j + run.length;
        continue;
      }
      out += run;
      i += run.length;
      continue;
    }
    if (c === '$') {
      const run = line[i + 1] === '$' ? '$$' : '$';
      let j = i + run.length;
      while (j < line.length && !(line.startsWith(run, j) && line[j - 1] !== '\\')) j++;
      if (j < line.length && j > i + run.length) {
        out += line.slice(i, j + run.length);
        i = j + run.length;
        continue;
      }
      out += run;
      i += run.length;
      continue;
    }
    out += escapeMdxText(c);
    i++;
  }
  return out;
}

/**
 * Markdown a notebook author wrote, made safe for MDX: fenced code and $$ blocks pass through,
 * inline code and $ math pass through, and elsewhere { } < become text. Links to other notebooks
 * (foo.ipynb) become links to their pages; attachment: images are resolved by `attachment`.
 */
export function markdownToMdx(md: string, attachment?: (name: string) => string | undefined): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let codeFence: { char: string; len: number } | null = null;
  let inMath = false;
  for (const line of lines) {
    if (codeFence) {
      out.push(line);
      const m = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
      if (m && m[1][0] === codeFence.char && m[1].length >= codeFence.len) codeFence = null;
      continue;
    }
    if (inMath) {
      out.push(line);
      if (line.includes('$$')) inMath = false;
      continue;
    }
    const open = /^\s*(`{3,}|~{3,})/.exec(line);
    if (open) {
      codeFence = { char: open[1][0], len: open[1].length };
      out.push(line);
      continue;
    }
    if (/^\s*\$\$/.test(line)) {
      out.push(line);
      const rest = line.replace(/^\s*\$\$/, '');
      if (!rest.includes('$$')) inMath = true;
      continue;
    }
    let l = line.replace(/\]\(([^)\s]+?)\.ipynb(#[^)\s]*)?\)/g, (_m, p: string, h = '') => (/^[a-z]+:/i.test(p) ? _m : `](${p.replace(/^(\.\/)?(notebooks\/)?/, './')}.mdx${h})`));
    if (attachment) {
      l = l.replace(/\]\(attachment:([^)\s]+)\)/g, (m, name: string) => {
        const url = attachment(decodeURIComponent(name));
        return url ? `](${url})` : m;
      });
    }
    out.push(escapeInline(l));
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// HTML sanitizer (allow-list). Output is rebuilt from scratch: only allowed tags and attributes are
// written, every text and attribute value is re-escaped, every open tag is closed.

const ALLOWED_TAGS = new Set(
  (
    'a abbr b bdi bdo blockquote br caption cite code col colgroup data dd del details dfn div dl dt em ' +
    'figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q rp rt ruby s samp small span ' +
    'strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr ' +
    // inline SVG, presentational elements only (no <a>, <use>, <image>, <foreignObject>, animation)
    'svg g path rect circle ellipse line polyline polygon text tspan defs lineargradient radialgradient stop clippath'
  ).split(' '),
);
const VOID_TAGS = new Set(['br', 'col', 'hr', 'img', 'wbr']);
/** Dropped together with everything inside them. */
const DROP_WITH_CONTENT = new Set([
  'script', 'style', 'iframe', 'frameset', 'object', 'applet', 'template', 'noscript', 'noembed',
  'noframes', 'textarea', 'xmp', 'plaintext', 'title', 'select', 'option', 'math', 'foreignobject', 'head', 'button',
]);
/** Raw-text elements: their content is not HTML, and ends only at the matching close tag. */
/** Dropped, and void: nothing inside them to skip. */
const DROP_VOID = new Set(['embed', 'frame', 'param', 'input', 'link', 'meta', 'base', 'source', 'track', 'area', 'keygen', 'image']);
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'xmp', 'title', 'noscript', 'noembed', 'noframes', 'iframe', 'plaintext']);
const GLOBAL_ATTRS = new Set(['class', 'title', 'lang', 'dir', 'style']);
const TAG_ATTRS: Record<string, Set<string>> = {
  a: new Set(['href']),
  img: new Set(['src', 'alt', 'width', 'height']),
  td: new Set(['colspan', 'rowspan', 'align', 'valign']),
  th: new Set(['colspan', 'rowspan', 'align', 'valign', 'scope']),
  col: new Set(['span', 'width']),
  colgroup: new Set(['span']),
  ol: new Set(['start', 'type', 'reversed']),
  li: new Set(['value']),
  table: new Set(['border', 'cellpadding', 'cellspacing']),
  div: new Set(['align']),
  p: new Set(['align']),
  details: new Set(['open']),
  time: new Set(['datetime']),
  data: new Set(['value']),
};
const SVG_ATTRS = new Set(
  (
    'width height viewbox xmlns preserveaspectratio x y x1 y1 x2 y2 cx cy r rx ry d points transform fill ' +
    'fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-dasharray stroke-linecap stroke-linejoin ' +
    'opacity font-family font-size font-weight text-anchor dominant-baseline alignment-baseline dx dy ' +
    'offset stop-color stop-opacity gradientunits clip-path clippathunits role aria-label aria-hidden shape-rendering'
  ).split(' '),
);
const SVG_TAGS = new Set(['svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'defs', 'lineargradient', 'radialgradient', 'stop', 'clippath']);

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : '';
    }
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', tab: '\t', newline: '\n', colon: ':' };
    return named[e.toLowerCase()] ?? m;
  });
}
const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

/** A URL an href/src may hold: http(s), mailto, in-page or relative; for img also data:image (not SVG). */
export function safeUrl(raw: string, forImage: boolean): string | null {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  // eslint-disable-next-line no-control-regex
  const v = decodeEntities(raw).replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v)?.[1].toLowerCase();
  if (!scheme) return v.startsWith('//') ? null : decodeEntities(raw).trim();
  if (scheme === 'http' || scheme === 'https') return decodeEntities(raw).trim();
  if (!forImage && scheme === 'mailto') return decodeEntities(raw).trim();
  if (forImage && /^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]+$/i.test(v)) return v;
  return null;
}

/** An inline style without anything that can fetch, script or cover the page. */
function safeStyle(raw: string): string | null {
  const v = decodeEntities(raw).replace(/\\/g, '');
  if (/url\s*\(|expression|javascript:|behavio(u)?r|@import|-moz-binding|position\s*:\s*(fixed|absolute|sticky)|<|>/i.test(v)) return null;
  return v.trim();
}

interface Tag {
  name: string;
  attrs: [string, string | null][];
  closing: boolean;
  selfClosing: boolean;
}

/** Parses one tag at s[i] === '<'; returns it and the index after it, or null when it is not a tag. */
function parseTag(s: string, i: number): { tag: Tag; end: number } | null {
  const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/.exec(s.slice(i, i + 100));
  if (!m) return null;
  let j = i + m[0].length;
  const attrs: [string, string | null][] = [];
  const n = s.length;
  while (j < n) {
    while (j < n && /[\s/]/.test(s[j]) && !(s[j] === '/' && s[j + 1] === '>')) j++;
    if (j >= n) break;
    if (s[j] === '>' || (s[j] === '/' && s[j + 1] === '>')) break;
    const nameM = /^[^\s/>=]+/.exec(s.slice(j, j + 200));
    if (!nameM) {
      j++;
      continue;
    }
    const name = nameM[0].toLowerCase();
    j += nameM[0].length;
    while (j < n && /\s/.test(s[j])) j++;
    let value: string | null = null;
    if (s[j] === '=') {
      j++;
      while (j < n && /\s/.test(s[j])) j++;
      if (s[j] === '"' || s[j] === "'") {
        const q = s[j];
        const close = s.indexOf(q, j + 1);
        value = s.slice(j + 1, close === -1 ? n : close);
        j = close === -1 ? n : close + 1;
      } else {
        const v = /^[^\s>]*/.exec(s.slice(j))![0];
        value = v;
        j += v.length;
      }
    }
    attrs.push([name, value]);
  }
  const selfClosing = s[j] === '/';
  const end = s.indexOf('>', j);
  return { tag: { name: m[2].toLowerCase(), attrs, closing: m[1] === '/', selfClosing }, end: end === -1 ? n : end + 1 };
}

/** Index just after the close tag `</name …>` matching a dropped element (nested ones counted), or the end. */
function skipElement(s: string, from: number, name: string): number {
  const lower = s.toLowerCase();
  if (RAW_TEXT.has(name)) {
    const k = lower.indexOf(`</${name}`, from);
    if (k === -1) return s.length;
    const e = s.indexOf('>', k);
    return e === -1 ? s.length : e + 1;
  }
  let depth = 1;
  let i = from;
  const re = new RegExp(`<(/?)${name}(?=[\\s/>])`, 'gi');
  re.lastIndex = i;
  for (let m = re.exec(lower); m; m = re.exec(lower)) {
    depth += m[1] ? -1 : 1;
    i = m.index;
    if (depth === 0) {
      const e = s.indexOf('>', i);
      return e === -1 ? s.length : e + 1;
    }
  }
  return s.length;
}

/**
 * Sanitizes an HTML fragment: keeps allow-listed tags with allow-listed attributes, drops scripts,
 * styles, frames, objects, forms' controls and comments with their content, drops every event
 * handler and every URL that is not http(s)/mailto/relative (or a raster data: image in img src).
 */
export function sanitizeHtml(html: string): string {
  let out = '';
  const open: string[] = [];
  let i = 0;
  const s = html;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt === -1) {
      out += escapeText(decodeEntities(s.slice(i)));
      break;
    }
    out += escapeText(decodeEntities(s.slice(i, lt)));
    i = lt;
    if (s.startsWith('<!--', i)) {
      const e = s.indexOf('-->', i + 4);
      i = e === -1 ? s.length : e + 3;
      continue;
    }
    if (s[i + 1] === '!' || s[i + 1] === '?') {
      const e = s.indexOf('>', i);
      i = e === -1 ? s.length : e + 1;
      continue;
    }
    const parsed = parseTag(s, i);
    if (!parsed) {
      out += '&lt;';
      i++;
      continue;
    }
    const { tag, end } = parsed;
    i = end;
    if (tag.closing) {
      const k = open.lastIndexOf(tag.name);
      if (k !== -1) {
        while (open.length > k) out += `</${open.pop()}>`;
      }
      continue;
    }
    if (DROP_VOID.has(tag.name)) continue;
    if (DROP_WITH_CONTENT.has(tag.name)) {
      if (!tag.selfClosing) i = skipElement(s, i, tag.name);
      continue;
    }
    if (!ALLOWED_TAGS.has(tag.name)) continue; // unknown tag: dropped, its text content kept
    const isSvg = SVG_TAGS.has(tag.name);
    let attrs = '';
    for (const [name, value] of tag.attrs) {
      if (name.startsWith('on')) continue;
      const allowed = GLOBAL_ATTRS.has(name) || TAG_ATTRS[tag.name]?.has(name) || (isSvg && SVG_ATTRS.has(name)) || /^aria-[a-z]+$/.test(name);
      if (!allowed) continue;
      let v = value ?? '';
      if (name === 'href' || name === 'src') {
        const safe = safeUrl(v, name === 'src');
        if (safe === null) continue;
        v = safe;
      } else if (name === 'style') {
        const safe = safeStyle(v);
        if (safe === null) continue;
        v = safe;
      } else v = decodeEntities(v);
      if (isSvg && /url\s*\(|javascript:/i.test(v)) continue;
      attrs += ` ${name}="${escapeAttr(v)}"`;
    }
    if (tag.name === 'img' && !/ src="/.test(attrs)) continue; // a picture with no safe source shows nothing
    if (tag.name === 'a') attrs += ' rel="noopener noreferrer nofollow"';
    if (VOID_TAGS.has(tag.name)) {
      out += `<${tag.name}${attrs}>`;
    } else if (tag.selfClosing && isSvg) {
      out += `<${tag.name}${attrs}></${tag.name}>`;
    } else {
      out += `<${tag.name}${attrs}>`;
      open.push(tag.name);
    }
  }
  while (open.length) out += `</${open.pop()}>`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Notebook → MDX

/** Replaces each display's data with its last update_display_data (same display_id) and drops the updates. */
export function applyDisplayUpdates(cells: NbCell[]): NbCell[] {
  const idOf = (o: NbOutput) => o.transient?.display_id ?? (typeof o.metadata?.display_id === 'string' ? (o.metadata.display_id as string) : undefined);
  const displays = new Map<string, NbOutput[]>();
  const copy = cells.map((c) => ({ ...c, outputs: c.outputs?.map((o) => ({ ...o })) }));
  for (const c of copy) {
    if (!c.outputs) continue;
    const kept: NbOutput[] = [];
    for (const o of c.outputs) {
      const id = idOf(o);
      if (o.output_type === 'update_display_data') {
        for (const target of (id && displays.get(id)) || []) {
          target.data = o.data;
          target.metadata = { ...(o.metadata ?? {}) };
        }
        continue; // an update is never shown by itself
      }
      if (id && (o.output_type === 'display_data' || o.output_type === 'execute_result')) {
        displays.set(id, [...(displays.get(id) ?? []), o]);
      }
      kept.push(o);
    }
    c.outputs = kept;
  }
  return copy;
}

const IMAGE_TYPES: [string, string][] = [
  ['image/png', 'png'],
  ['image/jpeg', 'jpg'],
  ['image/gif', 'gif'],
];

/** An SVG document an <img> can show: with the SVG namespace, and a size when only a viewBox is given. */
function standaloneSvg(svg: string): string {
  let s = svg.trim().replace(/^<\?xml[^>]*>\s*/, '');
  s = s.replace(/<svg\b([^>]*)>/, (m, attrs: string) => {
    let a = attrs;
    if (!/\sxmlns\s*=/.test(a)) a = ` xmlns="http://www.w3.org/2000/svg"${a}`;
    const vb = /\sviewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(a);
    if (vb && !/\swidth\s*=/.test(a)) a += ` width="${vb[1]}"`;
    if (vb && !/\sheight\s*=/.test(a)) a += ` height="${vb[2]}"`;
    return `<svg${a}>`;
  });
  return s;
}

const hashName = (data: Buffer, ext: string) => `${createHash('sha256').update(data).digest('hex').slice(0, 16)}.${ext}`;

/** The page's title: the notebook's first "# heading", else its file name. */
export function notebookTitle(nb: Notebook, name: string): string {
  for (const c of nb.cells) {
    if (c.cell_type !== 'markdown') continue;
    const m = /^#\s+(.+?)\s*#*\s*$/m.exec(joinText(c.source));
    if (m) return m[1];
  }
  return name;
}

/** The locales a page can be rendered in. */
export type NotebookLocale = 'en' | 'zh-Hans';

/** Page chrome in each locale; `name` is the notebook's file name without .ipynb. */
const CHROME: Record<NotebookLocale, {
  /** The download link's text. */
  download: (name: string) => string;
  /** The "Run it yourself" box; `download` is the Markdown link, `rerun` the command that re-executes the notebook. */
  tip: (name: string, download: string, rerun: string) => string[];
  alt: (n: number) => string;
  description: (name: string) => string;
  index: (list: string) => string[];
  executed: (date: string, profile: string) => string;
  notExecuted: string;
  empty: string;
}> = {
  en: {
    download: (name) => `Download ${name}.ipynb`,
    tip: (name, download, rerun) => [
      ':::tip[Run it yourself]',
      '',
      `This page is the notebook \`notebooks/${name}.ipynb\`, executed and committed with its outputs. ` +
        `${download}, or run it in a checkout of genlab: ` +
        '`npm install`, then `npm run lab` (Jupyter with the TypeScript kernel, tslab) and open it there; ' +
        '`' + rerun + '` re-executes it headless.',
      '',
      ':::',
    ],
    alt: (n) => `Output of code cell ${n}`,
    description: (name) => `The executed notebook ${name}.ipynb, with its outputs.`,
    index: (list) => [
      '---',
      'title: Notebooks',
      'sidebar_position: 0',
      'description: The executed TypeScript notebooks of genlab, with their outputs.',
      'custom_edit_url: null',
      '---',
      '',
      '{/* Generated by scripts/render-notebooks.ts: edit notebooks/*.ipynb, not this file. */}',
      '',
      '# Notebooks',
      '',
      'TypeScript notebooks (Jupyter with the tslab kernel) that use the genlab library to train and',
      'inspect real models. Each page shows a committed, executed notebook with its outputs, and ends',
      'with how it was run: profile, backend, date, duration and commit.',
      '',
      list,
      '',
      'Run them yourself in a checkout: `npm install`, then `npm run lab`.',
      '',
    ],
    executed: (date, profile) => ` — executed ${date}, profile ${profile}`,
    notExecuted: ' — not executed yet',
    empty: 'No notebooks yet.',
  },
  'zh-Hans': {
    download: (name) => `下载 ${name}.ipynb`,
    tip: (name, download, rerun) => [
      ':::tip[自己动手运行]',
      '',
      `本页就是笔记本 \`notebooks/${name}.ipynb\`，执行后连同输出一起提交。` +
        `可以${download}，也可以在 genlab 的本地检出中运行它：` +
        '先 `npm install`，再 `npm run lab`（带 TypeScript 内核 tslab 的 Jupyter），在其中打开它；' +
        '`' + rerun + '` 会以无界面方式重新执行它。',
      '',
      ':::',
    ],
    alt: (n) => `代码单元 ${n} 的输出`,
    description: (name) => `已执行的笔记本 ${name}.ipynb，含全部输出。`,
    index: (list) => [
      '---',
      'title: 笔记本',
      'sidebar_position: 0',
      'description: genlab 已执行的 TypeScript 笔记本，含全部输出。',
      'custom_edit_url: null',
      '---',
      '',
      '{/* Generated by scripts/render-notebooks.ts: edit notebooks/*.ipynb and notebooks/i18n/zh-Hans/*.json, not this file. */}',
      '',
      '# 笔记本',
      '',
      '这些 TypeScript 笔记本（使用 tslab 内核的 Jupyter）借助 genlab 库训练并剖析真实的模型。',
      '每一页展示一个已提交、已执行的笔记本及其输出，页末注明它是如何运行的：配置、后端、日期、耗时和提交。',
      '',
      list,
      '',
      '在本地检出中自己运行它们：先 `npm install`，再 `npm run lab`。',
      '',
    ],
    executed: (date, profile) => ` — 执行于 ${date}，配置 ${profile}`,
    notExecuted: ' — 尚未执行',
    empty: '还没有笔记本。',
  },
};

/**
 * A notebook's translation: markdown cell id → translated markdown, and `__source:<id>` → the
 * {@link sourceHash} of the English cell it was translated from.
 */
export type NotebookTranslation = Record<string, string>;

/** Short hash of a cell's English source, kept beside its translation to notice later edits. */
export function sourceHash(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 12);
}

const SOURCE_KEY = '__source:';

/**
 * The notebook with each markdown cell's source replaced by its translation. Throws, naming the
 * notebook and the cell, when a non-empty markdown cell has no id or no translation, when the
 * English cell changed since it was translated (its `__source:<id>` hash differs), or when the
 * translation has an entry for a cell the notebook does not have (a stale translation).
 */
export function translateNotebook(nb: Notebook, translation: NotebookTranslation, name: string, locale: string = 'zh-Hans'): Notebook {
  const where = `render-notebooks: ${name}.ipynb (${locale})`;
  const used = new Set<string>();
  const cells = (nb.cells ?? []).map((cell, i) => {
    if (cell.cell_type !== 'markdown' || !joinText(cell.source).trim()) return cell;
    if (!cell.id) throw new Error(`${where}: markdown cell ${i + 1} has no id, so it cannot be translated (nbformat 4.5 gives every cell an id)`);
    const t = translation[cell.id];
    if (typeof t !== 'string' || !t.trim()) {
      throw new Error(`${where}: markdown cell ${cell.id} has no translation; add "${cell.id}" to notebooks/i18n/${locale}/${name}.json`);
    }
    const recorded = translation[SOURCE_KEY + cell.id];
    const actual = sourceHash(joinText(cell.source));
    if (recorded !== actual) {
      const fix = `update the translation, then record the new source with npm run render-notebooks -- --stamp-translations`;
      throw new Error(
        recorded
          ? `${where}: markdown cell ${cell.id} changed since it was translated (source ${recorded}, now ${actual}): ${fix}`
          : `${where}: markdown cell ${cell.id} has no "${SOURCE_KEY}${cell.id}" entry, so a later change to it would go unnoticed: ${fix}`,
      );
    }
    used.add(cell.id);
    return { ...cell, source: t };
  });
  const stale = Object.keys(translation).filter((k) => {
    const id = k.startsWith(SOURCE_KEY) ? k.slice(SOURCE_KEY.length) : k;
    return (!k.startsWith('__') || k.startsWith(SOURCE_KEY)) && !used.has(id);
  });
  if (stale.length) throw new Error(`${where}: notebooks/i18n/${locale}/${name}.json translates cells the notebook has no markdown cell for: ${stale.join(', ')}`);
  return { ...nb, cells };
}

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

/** Renders one notebook to an MDX page plus the asset files it refers to (not written here). */
export function renderNotebook(source: Notebook, options: RenderOptions): RenderedNotebook {
  const assetUrl = options.assetUrl ?? ASSET_URL;
  const locale = options.locale ?? 'en';
  const chrome = CHROME[locale];
  if (!chrome) throw new Error(`render-notebooks: unknown locale ${locale}`);
  if (locale !== 'en' && !options.translation) throw new Error(`render-notebooks: ${options.name}.ipynb: no ${locale} translation given`);
  const nb = locale === 'en' ? source : translateNotebook(source, options.translation!, options.name, locale);
  const assets = new Map<string, Buffer>();
  const addAsset = (data: Buffer, ext: string) => {
    const file = hashName(data, ext);
    assets.set(file, data);
    return `${assetUrl}/${file}`;
  };
  const title = notebookTitle(nb, options.name);
  const cells = applyDisplayUpdates(nb.cells ?? []);
  const blocks: string[] = [];
  let codeCell = 0;
  let headerPlaced = false;
  const header = chrome
    .tip(options.name, `[${chrome.download(escapeMdxText(options.name))}](${assetUrl}/${options.name}.ipynb)`, 'npm run notebooks -- ' + options.name.split('-')[0])
    .join('\n');

  const image = (alt: string, url: string) => `![${alt}](${url})`;

  for (const cell of cells) {
    const source = joinText(cell.source);
    if (cell.cell_type === 'markdown') {
      const attachment = (n: string) => {
        const att = cell.attachments?.[n];
        if (!att) return undefined;
        for (const [mime, ext] of IMAGE_TYPES) if (att[mime]) return addAsset(Buffer.from(joinText(att[mime]).replace(/\s/g, ''), 'base64'), ext);
        if (att['image/svg+xml']) return addAsset(Buffer.from(standaloneSvg(joinText(att['image/svg+xml']))), 'svg');
        return undefined;
      };
      if (source.trim()) blocks.push(markdownToMdx(source, attachment));
      if (!headerPlaced) {
        blocks.push(header);
        headerPlaced = true;
      }
      continue;
    }
    if (!headerPlaced) {
      blocks.push(header);
      headerPlaced = true;
    }
    if (cell.cell_type === 'raw') {
      if (source.trim()) blocks.push(fence(source, 'text'));
      continue;
    }
    if (cell.cell_type !== 'code') continue;
    codeCell++;
    if (source.trim()) blocks.push(fence(source, 'ts'));
    // Consecutive stream outputs of one stream are shown as one block, as Jupyter does.
    const stream = { name: '', text: '' };
    const flush = () => {
      if (stream.text.trim()) blocks.push(fence(applyCarriageReturns(stripAnsi(stream.text)), stream.name === 'stderr' ? 'text title="stderr"' : 'text'));
      stream.name = '';
      stream.text = '';
    };
    for (const o of cell.outputs ?? []) {
      if (o.output_type === 'stream') {
        const name = o.name ?? 'stdout';
        if (stream.name && stream.name !== name) flush();
        stream.name = name;
        stream.text += joinText(o.text);
        continue;
      }
      flush();
      if (o.output_type === 'error') {
        const tb = stripAnsi((o.traceback ?? []).join('\n'));
        blocks.push(`<NotebookError ename={${JSON.stringify(stripAnsi(o.ename ?? 'Error'))}} evalue={${JSON.stringify(stripAnsi(o.evalue ?? ''))}} traceback={${JSON.stringify(tb)}} />`);
        continue;
      }
      if (o.output_type !== 'display_data' && o.output_type !== 'execute_result') continue;
      const data = o.data ?? {};
      const alt = chrome.alt(codeCell);
      const raster = IMAGE_TYPES.find(([mime]) => data[mime] !== undefined);
      if (raster) {
        blocks.push(image(alt, addAsset(Buffer.from(joinText(data[raster[0]]).replace(/\s/g, ''), 'base64'), raster[1])));
      } else if (data['image/svg+xml'] !== undefined) {
        blocks.push(image(alt, addAsset(Buffer.from(standaloneSvg(joinText(data['image/svg+xml']))), 'svg')));
      } else if (data['text/html'] !== undefined) {
        const clean = sanitizeHtml(joinText(data['text/html']));
        if (clean.trim()) blocks.push(`<NotebookHtml html={${JSON.stringify(clean)}} />`);
      } else if (data['text/markdown'] !== undefined) {
        blocks.push(markdownToMdx(joinText(data['text/markdown'])));
      } else if (data['application/json'] !== undefined) {
        blocks.push(fence(JSON.stringify(data['application/json'], null, 2), 'json'));
      } else if (data['text/plain'] !== undefined) {
        blocks.push(fence(stripAnsi(joinText(data['text/plain'])), 'text'));
      }
    }
    flush();
  }
  if (!headerPlaced) blocks.push(header);

  const g = (nb.metadata?.genlab ?? {}) as Record<string, unknown>;
  const pick = (...keys: string[]) => keys.map((k) => g[k]).find((v) => v !== undefined && v !== null);
  const provenance = {
    notebook: `${options.name}.ipynb`,
    profile: pick('profile') ?? null,
    backend: pick('backend') ?? null,
    device: pick('device') ?? null,
    started: pick('started', 'date', 'start') ?? null,
    seconds: pick('seconds', 'duration') ?? null,
    genlabVersion: pick('genlabVersion', 'version') ?? null,
    gitCommit: pick('gitCommit', 'commit') ?? null,
    tslab: pick('tslab') ?? null,
    node: pick('node') ?? null,
  };
  blocks.push(`<Provenance {...${JSON.stringify(provenance)}} />`);

  const position = /^(\d+)/.exec(options.name)?.[1];
  const front = [
    '---',
    `title: ${JSON.stringify(title)}`,
    `sidebar_label: ${JSON.stringify(title)}`,
    ...(position ? [`sidebar_position: ${Number(position) + 1}`] : []),
    `description: ${JSON.stringify(chrome.description(options.name))}`,
    'custom_edit_url: null',
    '---',
  ].join('\n');
  const banner =
    locale === 'en'
      ? `{/* Generated by scripts/render-notebooks.ts from notebooks/${options.name}.ipynb: edit the notebook, not this file. */}`
      : `{/* Generated by scripts/render-notebooks.ts from notebooks/${options.name}.ipynb and notebooks/i18n/${locale}/${options.name}.json: edit those, not this file. */}`;
  const mdx = `${front}\n\n${banner}\n\n${blocks.join('\n\n')}\n`;
  return { mdx, assets: [...assets].map(([file, data]) => ({ file, data })), title };
}

export interface RenderAllOptions {
  notebookDir?: string;
  docsDir?: string;
  assetDir?: string;
  /**
   * Where the zh-Hans pages go; default i18n/zh-Hans/docusaurus-plugin-content-docs/current/notebooks
   * when no docsDir is given, and none (English only) when a docsDir is given without it.
   */
  zhDocsDir?: string | null;
  /** The zh-Hans translations (<name>.json); default <notebookDir>/i18n/zh-Hans. */
  zhTranslationDir?: string;
}

/** The zh-Hans pages' folder: Docusaurus's localized docs, the mirror of docs/notebooks/. */
export const ZH_DOCS_DIR = join(ROOT, 'i18n', 'zh-Hans', 'docusaurus-plugin-content-docs', 'current', 'notebooks');

interface Done {
  name: string;
  title: string;
  page: string;
  assets: number;
  executed: boolean;
  meta: Record<string, unknown>;
}

/** The list page of one locale's notebooks. */
function indexPage(done: Done[], locale: NotebookLocale): string {
  const chrome = CHROME[locale];
  const list = done.length
    ? done
        .map((d) => {
          const when = d.executed ? chrome.executed(String(d.meta.started).slice(0, 10), escapeMdxText(String(d.meta.profile ?? '?'))) : chrome.notExecuted;
          return `- [${escapeMdxText(d.title).replace(/[[\]]/g, '\\$&')}](./${d.name}.mdx)${when}`;
        })
        .join('\n')
    : chrome.empty;
  return chrome.index(list).join('\n');
}

/**
 * Renders every notebooks/*.ipynb, replacing docs/notebooks/, static/notebook-assets/ and the
 * zh-Hans pages' folder entirely. Throws (before writing anything) when a translation is missing.
 */
export function renderAll(options: RenderAllOptions = {}): { name: string; title: string; page: string; assets: number; zhTitle?: string; zhPage?: string }[] {
  const notebookDir = options.notebookDir ?? join(ROOT, 'notebooks');
  const docsDir = options.docsDir ?? join(ROOT, 'docs', 'notebooks');
  const assetDir = options.assetDir ?? join(ROOT, 'static', 'notebook-assets');
  const zhDocsDir = options.zhDocsDir !== undefined ? options.zhDocsDir : options.docsDir ? null : ZH_DOCS_DIR;
  const zhTranslationDir = options.zhTranslationDir ?? join(notebookDir, 'i18n', 'zh-Hans');
  const files = existsSync(notebookDir)
    ? readdirSync(notebookDir)
        .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
        .sort()
    : [];
  // Render everything first, so that a missing translation leaves the previous output in place.
  const rendered = files.map((f) => {
    const name = basename(f, '.ipynb');
    const path = join(notebookDir, f);
    let nb: Notebook;
    try {
      nb = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
    } catch (e) {
      throw new Error(`render-notebooks: ${path} is not valid JSON: ${(e as Error).message}`);
    }
    const en = renderNotebook(nb, { name });
    let zh: RenderedNotebook | undefined;
    if (zhDocsDir) {
      const tPath = join(zhTranslationDir, `${name}.json`);
      let translation: NotebookTranslation = {};
      if (existsSync(tPath)) {
        try {
          translation = JSON.parse(readFileSync(tPath, 'utf8')) as NotebookTranslation;
        } catch (e) {
          throw new Error(`render-notebooks: ${tPath} is not valid JSON: ${(e as Error).message}`);
        }
      }
      zh = renderNotebook(nb, { name, locale: 'zh-Hans', translation });
    }
    return { f, name, path, nb, en, zh };
  });

  rmSync(docsDir, { recursive: true, force: true });
  rmSync(assetDir, { recursive: true, force: true });
  mkdirSync(docsDir, { recursive: true });
  mkdirSync(assetDir, { recursive: true });
  if (zhDocsDir) {
    rmSync(zhDocsDir, { recursive: true, force: true });
    mkdirSync(zhDocsDir, { recursive: true });
  }
  const done: Done[] = [];
  const zhDone: Done[] = [];
  for (const { f, name, path, nb, en, zh } of rendered) {
    for (const a of en.assets) writeFileSync(join(assetDir, a.file), a.data);
    copyFileSync(path, join(assetDir, f));
    const page = join(docsDir, `${name}.mdx`);
    writeFileSync(page, en.mdx);
    const meta = nb.metadata?.genlab ?? {};
    done.push({ name, title: en.title, page, assets: en.assets.length, executed: Boolean(meta.started), meta });
    if (zh && zhDocsDir) {
      // Same outputs, same pictures; a translated markdown cell could only add attachments it already had.
      for (const a of zh.assets) writeFileSync(join(assetDir, a.file), a.data);
      const zhPage = join(zhDocsDir, `${name}.mdx`);
      writeFileSync(zhPage, zh.mdx);
      zhDone.push({ name, title: zh.title, page: zhPage, assets: zh.assets.length, executed: Boolean(meta.started), meta });
    }
  }
  writeFileSync(join(docsDir, '_category_.json'), JSON.stringify({ label: 'Notebooks', position: 50, collapsed: false }, null, 2) + '\n');
  writeFileSync(join(docsDir, 'index.mdx'), indexPage(done, 'en'));
  // The category's label in Chinese comes from current.json (sidebar.docs.category.Notebooks); Docusaurus
  // reads _category_.json from docs/ only.
  if (zhDocsDir) writeFileSync(join(zhDocsDir, 'index.mdx'), indexPage(zhDone, 'zh-Hans'));
  return done.map(({ name, title, page, assets }, i) => ({ name, title, page, assets, ...(zhDone[i] ? { zhTitle: zhDone[i].title, zhPage: zhDone[i].page } : {}) }));
}

/**
 * Records, in each translation file, the hash of the English source of every translated markdown
 * cell: run after updating translations, so the render can tell when an English cell changes later.
 */
export function stampTranslations(notebookDir = join(ROOT, 'notebooks'), translationDir = join(notebookDir, 'i18n', 'zh-Hans')): string[] {
  const stamped: string[] = [];
  for (const f of readdirSync(notebookDir).filter((n) => n.endsWith('.ipynb') && !n.startsWith('.')).sort()) {
    const tPath = join(translationDir, f.replace(/\.ipynb$/, '.json'));
    if (!existsSync(tPath)) continue;
    const nb = JSON.parse(readFileSync(join(notebookDir, f), 'utf8')) as Notebook;
    const translation = JSON.parse(readFileSync(tPath, 'utf8')) as NotebookTranslation;
    for (const cell of nb.cells ?? []) {
      if (cell.cell_type === 'markdown' && cell.id && typeof translation[cell.id] === 'string') translation[SOURCE_KEY + cell.id] = sourceHash(joinText(cell.source));
    }
    writeFileSync(tPath, JSON.stringify(translation, null, 2) + '\n');
    stamped.push(tPath);
  }
  return stamped;
}

if (require.main === module && process.argv.includes('--stamp-translations')) {
  for (const p of stampTranslations()) console.log(`render-notebooks: recorded the English sources translated in ${p}`);
} else if (require.main === module) {
  const t0 = Date.now();
  const done = renderAll();
  for (const d of done) console.log(`render-notebooks: ${d.name}.ipynb → docs/notebooks/${d.name}.mdx (${d.assets} pictures)${d.zhPage ? ' and its zh-Hans page' : ''}`);
  console.log(`render-notebooks: ${done.length} notebook(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
