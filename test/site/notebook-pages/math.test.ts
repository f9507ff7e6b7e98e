// Math found as Jupyter finds it (scripts/notebook-pages/math.ts), and typeset in markdown cells.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toText } from 'hast-util-to-text';
import type { Element, Root } from 'hast';
import { visit } from 'unist-util-visit';
import { hideMath } from '../../../scripts/notebook-pages/math.js';
import { markdownToHast } from '../../../scripts/notebook-pages/markdown.js';
import { AssetStore } from '../../../scripts/notebook-pages/assets.js';

const spans = (md: string) => hideMath(md).math.map((m) => [m.tex, m.display]);
const render = (md: string) => markdownToHast(md, { assets: new AssetStore(), assetUrl: '/notebook-assets', where: 'test.ipynb, cell 1' });
/** Each KaTeX formula of a tree: its TeX and whether it is displayed. */
function formulas(tree: Root): [string, boolean][] {
  const out: [string, boolean][] = [];
  visit(tree, 'element', (el: Element) => {
    if (el.tagName !== 'math') return;
    let tex = '';
    visit(el, 'element', (a: Element) => {
      if (a.tagName === 'annotation') tex = toText(a);
    });
    out.push([tex.trim(), el.properties.display === 'block']);
  });
  return out;
}

test('delimiters: $ and \\\\( inline; $$, \\\\[ and environments displayed, wherever they stand', () => {
  assert.deepEqual(spans('a $x$ b $$y$$ c \\\\(z\\\\) d \\\\[w\\\\]'), [
    ['x', false],
    ['y', true],
    ['z', false],
    ['w', true],
  ]);
  assert.deepEqual(spans('\\begin{align}a&=b\\end{align}'), [['\\begin{align}a&=b\\end{align}', true]]);
  // $$ spanning lines inside a list item is one formula, not markdown.
  assert.deepEqual(spans('- M-step:\n  $$\n  \\theta = \\arg\\max_\\theta\n  $$\n'), [['\n  \\theta = \\arg\\max_\\theta\n  ', true]]);
});

test('not math: escaped dollars, code spans, fenced code, a formula left open, one crossing a blank line', () => {
  assert.deepEqual(spans('costs \\$5 and \\$6'), []);
  assert.deepEqual(spans('`$x$` and ``a $b$ c``'), []);
  assert.deepEqual(spans('```\n$$x$$\n```\n\n~~~\n$y$\n~~~'), []);
  assert.deepEqual(spans('only $ one'), []);
  assert.deepEqual(spans('$a\n\nb$'), []);
  assert.deepEqual(spans('$a$ `$b$` $c$'), [
    ['a', false],
    ['c', false],
  ]);
});

test('braces must balance before a formula closes', () => {
  assert.deepEqual(spans('$\\text{a $b$ c}$'), [['\\text{a $b$ c}', false]]);
  // Unbalanced to the end of the paragraph: the last closing delimiter seen is used.
  assert.deepEqual(spans('$a { $ b\n\nnext'), [['a { ', false]]);
});

test('markdown never reads inside a formula: underscores, asterisks, pipes in tables', () => {
  const tree = render('the weights $w_1$ and $w_2$, $a*b*c$\n\n| q | f |\n|---|---|\n| KL | $\\mathrm{KL}(q \\,\\|\\, p)$ |');
  assert.deepEqual(formulas(tree), [
    ['w_1', false],
    ['w_2', false],
    ['a*b*c', false],
    ['\\mathrm{KL}(q \\,\\|\\, p)', false],
  ]);
  let emphasis = 0;
  visit(tree, 'element', (el: Element) => {
    if (el.tagName === 'em') emphasis++;
  });
  assert.equal(emphasis, 0);
});

test("notebook 02's EM steps: display math in list items, as Jupyter shows it", () => {
  const tree = render('1. **E-step**: $$q(z) = p(z \\mid x)$$\n2. **M-step**:\n   $$\n   \\theta = \\arg\\max_\\theta Q\n   $$\n');
  assert.deepEqual(formulas(tree), [
    ['q(z) = p(z \\mid x)', true],
    ['\\theta = \\arg\\max_\\theta Q', true],
  ]);
  let items = 0;
  visit(tree, 'element', (el: Element) => {
    if (el.tagName === 'li') items++;
  });
  assert.equal(items, 2);
  assert.doesNotMatch(JSON.stringify(tree), /katex-error/);
});

test('a formula KaTeX cannot typeset fails the render, naming the cell and the formula', () => {
  assert.throws(() => render('fine $x$ and broken $\\frac{1}{$ here'), /test\.ipynb, cell 1: KaTeX cannot typeset this formula:\n {2}"\\\\frac\{1\}\{": /);
});

test('code and math stay apart: math delimiters inside code are shown as written', () => {
  const tree = render('`$x$` and\n\n```\n$$ y $$\n```');
  assert.deepEqual(formulas(tree), []);
  assert.match(toText(tree), /\$x\$[\s\S]*\$\$ y \$\$/);
});
