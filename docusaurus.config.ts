import type { Config } from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import cachePerBaseUrl from './src/plugins/cache-per-base-url';
import libraryDistAsBuilt from './src/plugins/library-dist-as-built';
import genlabSources from './src/plugins/genlab-sources';
import rehypeKatexErrors from './src/plugins/katex-errors';
import { darkCodeTheme, lightCodeTheme } from './src/plugins/prism-themes';

// The site publishes the library's docs, the executed notebooks and the formula pages.
// It renders; it never computes: numbers come from notebook outputs and tested sources.
//
// remark-math 6 and rehype-katex 7 are ESM-only, and this config is loaded as CommonJS (the
// root package.json must not say "type": "module"), so they are imported inside an async config
// function, the pattern Docusaurus documents for ESM-only plugins.
export default async function createConfig(): Promise<Config> {
  const remarkMath = (await import('remark-math')).default;
  const rehypeKatex = (await import('rehype-katex')).default;
  // A formula KaTeX cannot typeset fails the build, naming the page and the formula.
  const math = { remarkPlugins: [remarkMath], rehypePlugins: [rehypeKatex, rehypeKatexErrors] };

  return {
    title: 'genlab',
    tagline: 'Generative models in TypeScript, from the math to real training',
    // A deployment (.github/workflows/pages.yml) sets both, e.g. SITE_URL=https://owner.github.io
    // and SITE_BASE_URL=/genlab/; the base URL must start and end with '/'.
    url: process.env.SITE_URL || 'https://genlab.example',
    baseUrl: process.env.SITE_BASE_URL || '/',
    favicon: 'img/favicon.svg',
    onBrokenLinks: 'throw',
    onBrokenAnchors: 'throw',
    markdown: {
      mermaid: true,
      // Both are errors, not warnings: a page that links to a missing doc or shows a missing
      // picture does not build (onBrokenMarkdownImages is 'throw' by default in 3.10; said here anyway).
      hooks: { onBrokenMarkdownLinks: 'throw', onBrokenMarkdownImages: 'throw' },
    },
    i18n: {
      defaultLocale: 'en',
      locales: ['en', 'zh-Hans'],
      localeConfigs: {
        en: { label: 'English', htmlLang: 'en' },
        'zh-Hans': { label: '简体中文', htmlLang: 'zh-Hans' },
      },
    },
    presets: [
      [
        'classic',
        {
          docs: { routeBasePath: '/', sidebarPath: './sidebars.ts', ...math },
          blog: false,
          pages: { ...math },
          theme: {
            // KaTeX's stylesheet and fonts come from the installed katex package, the one
            // rehype-katex renders with, bundled by webpack: no CDN, and the versions always match.
            customCss: ['./src/css/custom.css', require.resolve('katex/dist/katex.min.css')],
          },
        } satisfies Preset.Options,
      ],
    ],
    themes: [
      '@docusaurus/theme-mermaid',
      [
        '@easyops-cn/docusaurus-search-local',
        {
          hashed: true,
          language: ['en', 'zh'],
          indexDocs: true,
          indexBlog: false,
          indexPages: true,
          docsRouteBasePath: '/',
          highlightSearchTermsOnTargetPage: false,
          explicitSearchResultPath: true,
          // KaTeX writes each formula twice (MathML for screen readers, HTML for the eye): index it once.
          ignoreCssSelectors: ['.katex-mathml'],
        },
      ],
    ],
    plugins: [genlabSources, cachePerBaseUrl, libraryDistAsBuilt],
    // Display formulas and tables that scroll sideways take keyboard focus (WCAG 2.1.1).
    clientModules: [require.resolve('./src/client/scrollable-regions.ts')],
    themeConfig: {
      navbar: {
        title: 'genlab',
        items: [
          { type: 'docSidebar', sidebarId: 'docs', position: 'left', label: 'Docs' },
          { to: '/notebooks', label: 'Notebooks', position: 'left' },
          { to: '/demo', label: 'Try it', position: 'left' },
          { to: '/lab', label: 'Lab', position: 'left' },
          { type: 'localeDropdown', position: 'right' },
          { type: 'search', position: 'right' },
        ],
      },
      footer: {
        style: 'dark',
        links: [
          {
            title: 'Learn',
            items: [
              { label: 'Getting started', to: '/' },
              { label: 'Notebooks', to: '/notebooks' },
            ],
          },
          {
            title: 'Run it yourself',
            items: [{ label: 'npm install && npm start', to: '/#run-it-yourself' }],
          },
        ],
        copyright: 'genlab — MIT licensed. Built with Docusaurus.',
      },
      mermaid: { theme: { light: 'neutral', dark: 'dark' } },
      // Themes whose token colours all reach 4.5:1 on their background (src/plugins/prism-themes.ts).
      prism: { additionalLanguages: ['bash'], theme: lightCodeTheme, darkTheme: darkCodeTheme },
    } satisfies Preset.ThemeConfig,
  };
}
