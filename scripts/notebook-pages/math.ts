// Math in markdown cells, found the way Jupyter finds it: before the markdown parser sees the text,
// so that markdown never reads inside a formula (no emphasis from `_` or `*`, no list or paragraph
// structure from its line breaks). The rules are those of JupyterLab's rendermime (latex.ts), which
// hands the formulas to MathJax afterwards:
//   - delimiters: $…$ and \\(…\\) inline; $$…$$, \\[…\\] and \begin{env}…\end{env} displayed,
//     wherever they stand (mid-paragraph, inside list items, across lines);
//   - a closing delimiter counts only where braces are balanced; \$ \{ \} are escapes, not delimiters;
//   - a formula never crosses a blank line; one left open is plain text;
//   - nothing inside code spans or fenced code blocks is math.
// Each formula is replaced by a placeholder character pair the markdown parser treats as text; the
// placeholders are turned into math elements in the hast tree (see markdown.ts).

/** A formula taken out of the markdown: its TeX (without delimiters) and how it is shown. */
export interface MathSpan {
  tex: string;
  display: boolean;
  /** The formula as written, delimiters included (put back where math cannot be shown, e.g. in code). */
  source: string;
}

/** Placeholder n is OPEN + n + CLOSE: private-use characters, text to a markdown parser. */
export const PLACEHOLDER_OPEN = '\uE000';
export const PLACEHOLDER_CLOSE = '\uE001';
export const PLACEHOLDER = /\uE000(\d+)\uE001/g;

// Delimiters, escapes, braces and line-break runs; everything between two tokens is plain text.
const TOKENS = /\$\$?|\\\\[()[\]]|\\(?:begin|end)\{[a-zA-Z]*\*?\}|\\[{}$]|[{}]|\n[ \t]*(?:\n[ \t]*)*/g;

/** Ranges [start, end) of fenced code blocks and code spans: never searched for math. */
export function codeRanges(md: string): [number, number][] {
  const ranges: [number, number][] = [];
  const fence = /^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^[ \t]{0,3}\1[`~]*[ \t]*$|(?![\s\S]))/gm;
  for (const m of md.matchAll(fence)) {
    // An opening ``` fence's info string cannot contain a backtick (CommonMark 4.5).
    if (
      m[1][0] === '`' &&
      m[0]
        .slice(0, m[0].indexOf('\n'))
        .slice(m[0].indexOf(m[1]) + m[1].length)
        .includes('`')
    )
      continue;
    ranges.push([m.index, m.index + m[0].length]);
  }
  const inFence = (i: number) => ranges.some(([a, b]) => i >= a && i < b);
  // A code span: a backtick run closed by a run of the same length on the same line (not after \).
  const span = /(?<!\\)(`+)(?!`)[^\n]*?[^`\n]\1(?!`)|(?<!\\)(`+)(?!`)[^`\n]\2(?!`)/g;
  for (const m of md.matchAll(span)) if (!inFence(m.index)) ranges.push([m.index, m.index + m[0].length]);
  return ranges.sort((a, b) => a[0] - b[0]);
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/** The closing delimiter of an opening one, or undefined when the token opens nothing. */
function closerOf(open: string): string | undefined {
  if (open === '$' || open === '$$') return open;
  if (open === '\\\\(') return '\\\\)';
  if (open === '\\\\[') return '\\\\]';
  const env = /^\\begin(\{[a-zA-Z]*\*?\})$/.exec(open);
  return env ? `\\end${env[1]}` : undefined;
}

function spanOf(source: string, open: string): MathSpan {
  if (open === '$' || open === '$$') return { tex: source.slice(open.length, -open.length), display: open === '$$', source };
  if (open === '\\\\(' || open === '\\\\[') return { tex: source.slice(3, -3), display: open === '\\\\[', source };
  return { tex: source, display: true, source }; // \begin{env}…\end{env}: KaTeX reads the environment itself
}

/**
 * Takes the math out of a markdown text: returns the text with each formula replaced by a
 * placeholder (see {@link PLACEHOLDER}) and the formulas in placeholder order.
 */
export function hideMath(markdown: string): { text: string; math: MathSpan[] } {
  // Placeholder characters the author typed are not ours: shown as U+FFFD.
  const md = markdown.replace(/\r\n?/g, '\n').replace(/[\uE000\uE001]/g, '\uFFFD');
  const code = codeRanges(md);
  let c = 0;
  const isCode = (i: number) => {
    while (c < code.length && code[c][1] <= i) c++;
    return c < code.length && code[c][0] <= i;
  };
  const tokens: Token[] = [];
  for (const m of md.matchAll(TOKENS)) if (!isCode(m.index)) tokens.push({ text: m[0], start: m.index, end: m.index + m[0].length });

  const found: { start: number; end: number; open: string }[] = [];
  let open: Token | undefined;
  let closer = '';
  let braces = 0;
  /** A closing delimiter met while braces were unbalanced: the fallback end at a blank line. */
  let candidate: Token | undefined;
  const close = (end: Token) => {
    found.push({ start: open!.start, end: end.end, open: open!.text });
    open = undefined;
    candidate = undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!open) {
      const cl = closerOf(t.text);
      if (cl) {
        open = t;
        closer = cl;
        braces = 0;
        candidate = undefined;
      }
      continue;
    }
    if (t.text === closer) {
      if (braces) candidate = t;
      else close(t);
    } else if (t.text[0] === '\n' && t.text.split('\n').length > 2) {
      // A blank line ends the paragraph, and with it any formula still open.
      if (candidate) {
        const back = tokens.indexOf(candidate);
        close(candidate);
        i = back;
      } else open = undefined;
    } else if (t.text === '{') braces++;
    else if (t.text === '}' && braces) braces--;
  }
  if (open && candidate) close(candidate);

  const math: MathSpan[] = [];
  let text = '';
  let at = 0;
  for (const f of found) {
    text += md.slice(at, f.start) + PLACEHOLDER_OPEN + String(math.length) + PLACEHOLDER_CLOSE;
    math.push(spanOf(md.slice(f.start, f.end), f.open));
    at = f.end;
  }
  return { text: text + md.slice(at), math };
}
