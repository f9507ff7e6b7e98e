// Finds one top-level declaration (function, const, interface, type, class, enum) in a TypeScript
// source file and returns its text with the JSDoc comment right above it. Pure and dependency-free:
// the site's <LibrarySource> component runs it in the browser and during the build, and the
// genlab-sources plugin runs it in Node to fail the build early on a missing name.
//
// How: a small lexer walks the file once, skipping strings, template literals (with nested ${…}),
// comments and regular-expression literals, and counts (, [ and { depth. A line that starts at
// depth 0, in column 0 and outside any string or comment begins a new top-level statement (or
// the comment above one). The declaration runs from its own such line to the last non-blank line
// before the next one; so its closing brace (at depth 1 when its line starts) and indented
// continuation lines belong to it.

export class DeclarationNotFound extends Error {}

interface LineInfo {
  /** The line starts a top-level statement: depth 0, column 0, not inside a string or comment, not blank. */
  boundary: boolean;
  text: string;
}

const REGEX_PREFIX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/** Splits `source` into lines and marks which begin a top-level statement. */
export function scanLines(source: string): LineInfo[] {
  const src = source.replace(/\r\n?/g, '\n');
  const lines = src.split('\n');
  const info: LineInfo[] = lines.map((text) => ({ boundary: false, text }));
  // Modes: 'code' (with the depth of braces opened inside a template's ${…}), 'template'.
  const stack: ({ kind: 'code'; braces: number } | { kind: 'template' })[] = [{ kind: 'code', braces: 0 }];
  let depth = 0; // ( [ { nesting in code, all levels together
  let inBlockComment = false;
  let lastSignificant = ''; // last non-space code token character or word, for the regex test
  let line = 0;
  let i = 0;
  const n = src.length;
  const markLine = () => {
    const top = stack[stack.length - 1];
    const text = lines[line];
    info[line].boundary = !inBlockComment && top.kind === 'code' && stack.length === 1 && depth === 0 && /^\S/.test(text);
  };
  markLine();
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
      if (line < lines.length) markLine();
      continue;
    }
    if (inBlockComment) {
      if (c === '*' && src[i + 1] === '/') {
        inBlockComment = false;
        i += 2;
      } else i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top.kind === 'template') {
      if (c === '\\') i += src[i + 1] === '\n' ? 1 : 2;
      else if (c === '`') {
        stack.pop();
        lastSignificant = ')';
        i++;
      } else if (c === '$' && src[i + 1] === '{') {
        stack.push({ kind: 'code', braces: 0 });
        lastSignificant = '{';
        i += 2;
      } else i++;
      continue;
    }
    // code
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      inBlockComment = true;
      i += 2;
      continue;
    }
    if (c === "'" || c === '"') {
      i++;
      while (i < n && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
      lastSignificant = ')';
      continue;
    }
    if (c === '`') {
      stack.push({ kind: 'template' });
      i++;
      continue;
    }
    if (c === '/') {
      const regexAllowed = lastSignificant === '' || /^[(,=:[!&|?{};+\-*%<>~^]$/.test(lastSignificant) || REGEX_PREFIX_KEYWORDS.has(lastSignificant);
      if (regexAllowed) {
        i++;
        let inClass = false;
        while (i < n && src[i] !== '\n') {
          const d = src[i];
          if (d === '\\') i += 2;
          else {
            if (d === '[') inClass = true;
            else if (d === ']') inClass = false;
            else if (d === '/' && !inClass) break;
            i++;
          }
        }
        i++;
        while (i < n && /[a-z]/i.test(src[i])) i++; // flags
        lastSignificant = ')';
        continue;
      }
    }
    if (/[A-Za-z_$0-9]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z_$0-9]/.test(src[j])) j++;
      lastSignificant = /^[0-9]/.test(c) ? ')' : src.slice(i, j);
      i = j;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      depth++;
      if (c === '{') top.braces++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (c === '}' && top.braces === 0 && stack.length > 1) {
        stack.pop(); // end of a template's ${…}
        i++;
        continue;
      }
      depth = Math.max(0, depth - 1);
      if (c === '}') top.braces--;
    }
    if (!/\s/.test(c)) lastSignificant = c;
    i++;
  }
  return info;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The declaration keywords recognised, in front of the name. */
function declarationRe(name: string): RegExp {
  return new RegExp(
    `^(?:export\\s+)?(?:default\\s+)?(?:declare\\s+)?(?:abstract\\s+)?(?:async\\s+)?` +
      `(?:function\\s*\\*?|const|let|var|class|interface|type|enum|namespace)\\s+${escapeRe(name)}(?![A-Za-z0-9_$])`,
  );
}

/**
 * The text of the top-level declaration `name` in `source`, with the `/** … *\/` comment directly
 * above it (no blank line between). Consecutive declarations of the same name (overloads, an
 * interface merged with a const) come out together. Throws DeclarationNotFound when there is none.
 */
export function extractDeclaration(source: string, name: string, fileLabel = 'source'): string {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) throw new DeclarationNotFound(`'${name}' is not an identifier`);
  const lines = scanLines(source);
  const re = declarationRe(name);
  const boundaries = lines.flatMap((l, k) => (l.boundary ? [k] : []));
  const hits = boundaries.filter((k) => re.test(lines[k].text));
  if (!hits.length) throw new DeclarationNotFound(`${fileLabel} has no top-level declaration named '${name}'`);
  const endOf = (start: number) => {
    const next = boundaries.find((k) => k > start) ?? lines.length;
    let end = next - 1;
    while (end > start && !lines[end].text.trim()) end--;
    return end;
  };
  // The first hit, plus the ones that follow it directly (only its JSDoc or nothing in between).
  let start = hits[0];
  let end = endOf(start);
  for (const h of hits.slice(1)) {
    const between = boundaries.filter((k) => k > end && k < h);
    if (between.some((k) => !lines[k].text.startsWith('/**'))) break;
    end = endOf(h);
  }
  // The JSDoc directly above: lines from a column-0 "/**" to a line ending in "*/", just before
  // start, or before "//" comment lines (lint directives) that sit between it and the declaration.
  let docEnd = start - 1;
  while (docEnd >= 0 && lines[docEnd].boundary && lines[docEnd].text.startsWith('//')) docEnd--;
  if (docEnd >= 0 && lines[docEnd].text.trimEnd().endsWith('*/')) {
    let k = docEnd;
    while (k >= 0 && !(lines[k].boundary && lines[k].text.startsWith('/**'))) {
      if (k < docEnd && lines[k].text.trimEnd().endsWith('*/')) {
        k = -1; // another comment ended first: the one above is not a single JSDoc block
        break;
      }
      k--;
    }
    if (k >= 0) start = k;
  }
  return lines
    .slice(start, end + 1)
    .map((l) => l.text)
    .join('\n');
}
