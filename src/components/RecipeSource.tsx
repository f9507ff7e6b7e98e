import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import Translate from '@docusaurus/Translate';
import { usePluginData } from '@docusaurus/useGlobalData';
import type { GenlabSourcesData } from '@site/src/plugins/genlab-sources';

/** The install line of a reader's own project: genlab and its one peer that npm does not add by itself. */
export const INSTALL_LINE = 'npm install genlab @tensorflow/tfjs';

/**
 * A whole file of recipes/, as committed (and tested): <RecipeSource file="gan-training-step.ts" />,
 * after the lines that install genlab in a project of one's own and run the file.
 */
export default function RecipeSource({ file, title }: { file: string; title?: string }): React.JSX.Element {
  const data = usePluginData('genlab-sources') as GenlabSourcesData;
  const text = data.recipes[file];
  if (text === undefined) {
    throw new Error(`<RecipeSource file="${file}">: recipes/${file} was not collected; it must exist and the page must pass file as a plain string attribute`);
  }
  const language = /\.(m?[jt]sx?)$/.test(file) ? 'ts' : file.endsWith('.json') ? 'json' : 'text';
  return (
    <>
      <p>
        <Translate id="recipe.install">In a project of your own: install genlab and TensorFlow.js, save the file, run it.</Translate>
      </p>
      <CodeBlock language="bash" className="recipe-install">{`${INSTALL_LINE}\nnpx tsx ${file}`}</CodeBlock>
      <CodeBlock language={language} title={title ?? `recipes/${file}`}>
        {text.trimEnd()}
      </CodeBlock>
    </>
  );
}
