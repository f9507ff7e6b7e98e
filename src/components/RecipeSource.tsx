import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import { usePluginData } from '@docusaurus/useGlobalData';
import type { GenlabSourcesData } from '@site/src/plugins/genlab-sources';

/** A whole file of recipes/, as committed (and tested): <RecipeSource file="gan-training-step.ts" />. */
export default function RecipeSource({ file, title }: { file: string; title?: string }): JSX.Element {
  const data = usePluginData('genlab-sources') as GenlabSourcesData;
  const text = data.recipes[file];
  if (text === undefined) {
    throw new Error(`<RecipeSource file="${file}">: recipes/${file} was not collected; it must exist and the page must pass file as a plain string attribute`);
  }
  const language = /\.(m?[jt]sx?)$/.test(file) ? 'ts' : file.endsWith('.json') ? 'json' : 'text';
  return (
    <CodeBlock language={language} title={title ?? `recipes/${file}`}>
      {text.trimEnd()}
    </CodeBlock>
  );
}
