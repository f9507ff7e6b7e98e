import type { Config } from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';

// The site publishes the library's docs, the executed notebooks and the formula pages.
// It renders; it never computes: numbers come from notebook outputs and tested sources.
const config: Config = {
  title: 'genlab',
  tagline: 'Generative models in TypeScript, from the math to real training',
  url: 'https://genlab.example',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  markdown: { hooks: { onBrokenMarkdownLinks: 'throw' } },
  i18n: { defaultLocale: 'en', locales: ['en'] },
  presets: [
    [
      'classic',
      {
        docs: { routeBasePath: '/', sidebarPath: './sidebars.ts' },
        blog: false,
        theme: {},
      } satisfies Preset.Options,
    ],
  ],
  themeConfig: {
    navbar: { title: 'genlab' },
  } satisfies Preset.ThemeConfig,
};

export default config;
