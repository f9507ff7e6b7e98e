// Local Docusaurus plugin: one webpack cache per base URL.
//
// Docusaurus 3 keeps a persistent webpack cache (node_modules/.cache/webpack) named by bundler,
// mode and locale only. Stylesheet modules in it carry absolute asset URLs made with the build's
// publicPath (its baseUrl), so after a build for /genlab/ a build for / reuses CSS whose KaTeX font
// URLs still start with /genlab/, and every formula falls back to system fonts (404s in the
// browser). Naming the cache after the base URL keeps the two builds apart.
import type { LoadContext, Plugin } from '@docusaurus/types';

export default function cachePerBaseUrl(context: LoadContext): Plugin {
  return {
    name: 'cache-per-base-url',
    configureWebpack(config) {
      const cache = config.cache;
      if (cache && typeof cache === 'object' && cache.type === 'filesystem') {
        const base = context.baseUrl === '/' ? 'root' : context.baseUrl.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
        cache.name = `${cache.name ?? 'default'}-base-${base}`;
      }
      return {};
    },
  };
}
