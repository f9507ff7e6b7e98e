// The brace-matching extraction behind <LibrarySource>, on the real library files, checked against
// the TypeScript compiler's own view of where each top-level declaration starts and ends.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { DeclarationNotFound, extractDeclaration } from '../../src/plugins/extract-declaration';
import { collectSources, findUsages } from '../../src/plugins/genlab-sources';

const LIB = join(__dirname, '..', '..', 'src', 'genlab', 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** name → expected text (JSDoc + declaration) of each exported top-level declaration, by the TS compiler. */
function expectedDeclarations(file: string): Map<string, string> {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out = new Map<string, string>();
  for (const st of sf.statements) {
    const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    let names: string[] = [];
    if (
      ts.isFunctionDeclaration(st) ||
      ts.isInterfaceDeclaration(st) ||
      ts.isTypeAliasDeclaration(st) ||
      ts.isClassDeclaration(st) ||
      ts.isEnumDeclaration(st)
    ) {
      if (st.name) names = [st.name.text];
    } else if (ts.isVariableStatement(st)) {
      names = st.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
    }
    const docs = ts.getJSDocCommentsAndTags(st).filter(ts.isJSDoc);
    const start = docs.length ? docs[docs.length - 1].getStart(sf) : st.getStart(sf);
    for (const n of names) {
      if (out.has(n)) continue; // overloads: the first one is compared
      out.set(n, text.slice(start, st.getEnd()));
    }
  }
  return out;
}

test('extractDeclaration agrees with the TypeScript compiler on every exported declaration of the library', () => {
  let checked = 0;
  for (const file of walk(LIB)) {
    const text = readFileSync(file, 'utf8');
    for (const [name, expected] of expectedDeclarations(file)) {
      const got = extractDeclaration(text, name, relative(LIB, file));
      // Overloads and merged declarations may add more after the first one.
      assert.ok(got.startsWith(expected), `${relative(LIB, file)} ${name}:\n--- got\n${got}\n--- expected\n${expected}`);
      checked++;
    }
  }
  assert.ok(checked > 40, `only ${checked} declarations checked`);
});

test('extractDeclaration returns the JSDoc and the whole body of gaussianKl and an interface', () => {
  const vae = readFileSync(join(LIB, 'losses', 'vae.ts'), 'utf8');
  const kl = extractDeclaration(vae, 'gaussianKl');
  assert.match(kl, /^\/\*\*\n \* KL\(N\(μ, diag σ²\) ‖ N\(0, I\)\)/);
  assert.match(kl, /export function gaussianKl\(/);
  assert.match(kl, /\n}$/);
  assert.doesNotMatch(kl, /bernoulliLogLikelihood/);
  const terms = extractDeclaration(vae, 'ElboTerms');
  assert.match(terms, /^export interface ElboTerms \{[\s\S]*\n}$/);
});

test('extractDeclaration is not fooled by braces in strings, templates, regexes and comments', () => {
  const src = [
    "const a = '}';",
    '/** Doc of f. */',
    'export function f(x: { a: number }): { b: string } {',
    '  const t = `${x.a} } ${`nested ${"}"}`}`;',
    '  const re = /[}]\\}/g; // }',
    '  /* } */',
    '  return { b: t + re.source };',
    '}',
    '',
    'export const g = (y: number) =>',
    '  y + 1;',
    'export type T = { f: typeof f };',
  ].join('\n');
  assert.equal(extractDeclaration(src, 'f'), src.split('\n').slice(1, 8).join('\n'));
  assert.equal(extractDeclaration(src, 'g'), 'export const g = (y: number) =>\n  y + 1;');
  assert.equal(extractDeclaration(src, 'T'), 'export type T = { f: typeof f };');
  assert.throws(() => extractDeclaration(src, 'missing', 'x.ts'), DeclarationNotFound);
  assert.throws(() => extractDeclaration(src, 'fg'), /no top-level declaration named 'fg'/);
});

test('the genlab-sources plugin finds usages and fails on a missing file or name', () => {
  assert.deepEqual(findUsages('x <LibrarySource file="losses/vae.ts" name="elbo" /> <RecipeSource file={"a.ts"}/>', 'p.md'), [
    { page: 'p.md', component: 'LibrarySource', file: 'losses/vae.ts', name: 'elbo' },
    { page: 'p.md', component: 'RecipeSource', file: 'a.ts', name: undefined },
  ]);
  const data = collectSources(join(__dirname, '..', '..'));
  assert.ok(data.library['losses/vae.ts'], 'docs/index.md shows losses/vae.ts');

  const site = mkdtempSync(join(tmpdir(), 'genlab-sources-'));
  mkdirSync(join(site, 'src', 'genlab', 'src'), { recursive: true });
  mkdirSync(join(site, 'docs'));
  mkdirSync(join(site, 'recipes'));
  writeFileSync(join(site, 'src', 'genlab', 'src', 'a.ts'), 'export const one = 1;\n');
  writeFileSync(join(site, 'recipes', 'r.ts'), 'console.log(1);\n');
  const page = (body: string) => writeFileSync(join(site, 'docs', 'p.mdx'), body);
  page('<LibrarySource file="a.ts" name="one" />\n<RecipeSource file="r.ts" />\n');
  assert.deepEqual(collectSources(site), { library: { 'a.ts': 'export const one = 1;\n' }, recipes: { 'r.ts': 'console.log(1);\n' } });
  page('<LibrarySource file="a.ts" name="two" />');
  assert.throws(() => collectSources(site), /docs\/p\.mdx: <LibrarySource file="a\.ts" name="two" \/>: a\.ts has no top-level declaration named 'two'/);
  page('<LibrarySource file="b.ts" name="one" />');
  assert.throws(() => collectSources(site), /src\/genlab\/src\/b\.ts does not exist/);
  page('<RecipeSource file="../src/genlab/src/a.ts" />');
  assert.throws(() => collectSources(site), /does not exist/, 'no reading outside recipes/');
});
