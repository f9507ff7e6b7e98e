// Local Docusaurus plugin: the site bundles the library's compiled output as it is.
//
// The workspace links node_modules/genlab to src/genlab, so webpack sees src/genlab/dist/*.js by its
// real path, outside node_modules, and Docusaurus runs Babel over it like site source. Babel parses
// files as ES modules and adds imports of its runtime helpers (for-of, spread); a CommonJS file of
// tsc's output that gains such an import becomes an ES module in webpack's eyes, where `exports` is
// not defined, and the page fails at load ("exports is not defined"). The dist is finished
// JavaScript for the library's own targets, as an app installing the package would get it, so the
// loader leaves it alone.
import { join, sep } from 'node:path';
import type { LoadContext, Plugin } from '@docusaurus/types';

export default function libraryDistAsBuilt(context: LoadContext): Plugin {
  const dist = join(context.siteDir, 'src', 'genlab', 'dist') + sep;
  return {
    name: 'library-dist-as-built',
    configureWebpack(config) {
      for (const rule of config.module?.rules ?? []) {
        if (!rule || typeof rule !== 'object' || typeof rule.exclude !== 'function' || !(rule.test instanceof RegExp) || !rule.test.test('x.js')) continue;
        const exclude = rule.exclude;
        rule.exclude = (path: string) => path.startsWith(dist) || exclude(path);
      }
      return {};
    },
  };
}
