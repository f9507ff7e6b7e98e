import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import { usePluginData } from '@docusaurus/useGlobalData';
import { extractDeclaration } from '@site/src/plugins/extract-declaration';
import type { GenlabSourcesData } from '@site/src/plugins/genlab-sources';

/**
 * The source of one top-level declaration (function, const, interface, type, class) of the genlab
 * library, with its JSDoc, as it is in src/genlab/src/<file>: the tested file, read at build time.
 *   <LibrarySource file="losses/vae.ts" name="gaussianKl" />
 * Without `name`, the whole file. A missing file or name fails the build.
 */
export default function LibrarySource({ file, name, title }: { file: string; name?: string; title?: string }): React.JSX.Element {
  const data = usePluginData('genlab-sources') as GenlabSourcesData;
  const text = data.library[file];
  if (text === undefined) {
    throw new Error(
      `<LibrarySource file="${file}">: src/genlab/src/${file} was not collected; it must exist and the page must pass file (and name) as plain string attributes`,
    );
  }
  const code = name ? extractDeclaration(text, name, `src/genlab/src/${file}`) : text.trimEnd();
  return (
    <CodeBlock language="ts" title={title ?? `src/genlab/src/${file}`}>
      {code}
    </CodeBlock>
  );
}
