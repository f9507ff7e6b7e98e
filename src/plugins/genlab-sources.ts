// Local Docusaurus plugin behind <LibrarySource> and <RecipeSource>.
//
// loadContent scans every Markdown/MDX page (docs/, src/pages/, i18n/) for
//   <LibrarySource file="losses/vae.ts" name="gaussianKl" />   and   <RecipeSource file="x.ts" />
// with literal attributes, checks that each file exists (under src/genlab/src/ or recipes/) and that
// each name is a top-level declaration there (throwing, so the build fails and names the page),
// and publishes the text of the files that pages use as global data. The components read it with
// usePluginData('genlab-sources') and cut the declaration out with the same extractDeclaration.
// Only the referenced files travel to the browser, not the whole library.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { LoadContext, Plugin } from '@docusaurus/types';
import { extractDeclaration } from './extract-declaration';

export interface GenlabSourcesData {
  /** Path relative to src/genlab/src → file text. */
  library: Record<string, string>;
  /** Path relative to recipes/ → file text. */
  recipes: Record<string, string>;
}

export interface SourceUsage {
  page: string;
  component: 'LibrarySource' | 'RecipeSource';
  file?: string;
  name?: string;
}

function walk(dir: string, keep: (p: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (name === 'node_modules' || name.startsWith('.')) return [];
      return statSync(p).isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
    });
}

/** Every <LibrarySource …/> and <RecipeSource …/> with its literal string attributes. */
export function findUsages(text: string, page: string): SourceUsage[] {
  const out: SourceUsage[] = [];
  const tag = /<(LibrarySource|RecipeSource)\b([^>]*?)\/?>/g;
  for (const m of text.matchAll(tag)) {
    const attrs: Record<string, string> = {};
    for (const a of m[2].matchAll(/([A-Za-z]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*["']([^"']*)["']\s*\})/g)) attrs[a[1]] = a[2] ?? a[3] ?? a[4];
    out.push({ page, component: m[1] as SourceUsage['component'], file: attrs.file, name: attrs.name });
  }
  return out;
}

/** Reads `file` from `root`, refusing paths that leave it. */
export function readInside(root: string, file: string): string | undefined {
  const p = resolve(root, file);
  if (!p.startsWith(resolve(root) + sep) || !existsSync(p) || !statSync(p).isFile()) return undefined;
  return readFileSync(p, 'utf8');
}

export function collectSources(siteDir: string): GenlabSourcesData {
  const libRoot = join(siteDir, 'src', 'genlab', 'src');
  const recipeRoot = join(siteDir, 'recipes');
  const pages = [join(siteDir, 'docs'), join(siteDir, 'src', 'pages'), join(siteDir, 'i18n')].flatMap((d) => walk(d, (p) => /\.mdx?$/.test(p)));
  const data: GenlabSourcesData = { library: {}, recipes: {} };
  const problems: string[] = [];
  for (const page of pages) {
    const rel = relative(siteDir, page);
    for (const u of findUsages(readFileSync(page, 'utf8'), rel)) {
      const where = `${rel}: <${u.component} file="${u.file ?? ''}"${u.name ? ` name="${u.name}"` : ''} />`;
      if (!u.file) {
        problems.push(`${where}: needs a literal file="…" attribute`);
        continue;
      }
      const isLib = u.component === 'LibrarySource';
      const root = isLib ? libRoot : recipeRoot;
      const text = readInside(root, u.file);
      if (text === undefined) {
        problems.push(`${where}: ${relative(siteDir, join(root, u.file))} does not exist`);
        continue;
      }
      if (u.name) {
        try {
          extractDeclaration(text, u.name, u.file);
        } catch (e) {
          problems.push(`${where}: ${(e as Error).message}`);
          continue;
        }
      }
      (isLib ? data.library : data.recipes)[u.file] = text;
    }
  }
  if (problems.length) throw new Error(`genlab-sources: ${problems.length} broken source reference(s):\n  ${problems.join('\n  ')}`);
  return data;
}

export default function genlabSources(context: LoadContext): Plugin {
  return {
    name: 'genlab-sources',
    async loadContent() {
      return collectSources(context.siteDir);
    },
    async contentLoaded({ content, actions }) {
      actions.setGlobalData(content);
    },
    getPathsToWatch() {
      const d = context.siteDir;
      return [
        join(d, 'src/genlab/src/**/*.ts'),
        join(d, 'recipes/**/*'),
        join(d, 'docs/**/*.{md,mdx}'),
        join(d, 'i18n/**/*.{md,mdx}'),
        join(d, 'src/pages/**/*.{md,mdx}'),
      ];
    },
  };
}
