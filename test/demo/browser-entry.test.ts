// genlab/browser as the site's bundler sees it. The library is compiled to CommonJS (dist/), and
// Docusaurus runs every file outside node_modules through its Babel preset, whose runtime plugin
// inserts `import` statements for helpers (regenerator for generator functions, for…of and class
// helpers for old browsers). A CommonJS module with such an import becomes an ES module to webpack,
// `exports` is undefined in it, and the page's models fail to load ("exports is not defined").
// This checks every module the browser entry reaches, without a site build.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';

const DIST = join(__dirname, '..', '..', 'src', 'genlab', 'dist');
const require = createRequire(__filename);

/** The dist files reachable from dist/browser.js through relative require() calls. */
function browserModules(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g))
      visit(resolve(dirname(file), spec.endsWith('.js') ? spec : `${spec}.js`));
  };
  visit(join(DIST, 'browser.js'));
  return [...seen].sort();
}

test("no module behind genlab/browser gets an ES import from the site's Babel preset (it would break its CommonJS exports)", () => {
  // @babel/core ships no types; this is the one call used.
  const babel = require('@babel/core') as { transformSync: (code: string, options: object) => { code?: string | null } | null };
  const preset = require.resolve('@docusaurus/babel/preset');
  const modules = browserModules();
  assert.ok(
    modules.some((f) => f.endsWith(join('models', 'diffusion', 'samplers.js'))),
    `the diffusion samplers are reached: ${modules.length} modules`,
  );
  const offenders = modules.flatMap((file) => {
    const out = babel.transformSync(readFileSync(file, 'utf8'), {
      filename: file,
      babelrc: false,
      configFile: false,
      presets: [preset],
      caller: { name: 'client' },
    });
    const imports = out?.code?.match(/import [^;]*?from"[^"]*"/g) ?? [];
    return imports.map((i: string) => `${file.slice(DIST.length + 1)}: ${i.replace(/.*\/helpers\/esm\//, 'helper ')}`);
  });
  assert.deepEqual(offenders, []);
});
