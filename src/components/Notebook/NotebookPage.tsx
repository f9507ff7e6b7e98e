import React from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';
import { toJsxRuntime, type Components } from 'hast-util-to-jsx-runtime';
import type { Root } from 'hast';
import Admonition from '@theme/Admonition';
import CodeBlock from '@theme/CodeBlock';
import Heading from '@theme/Heading';
import Link from '@docusaurus/Link';
import Translate from '@docusaurus/Translate';
import useBaseUrl from '@docusaurus/useBaseUrl';
import NotebookError from './NotebookError';
import Provenance from './Provenance';
import type { NotebookBlock, NotebookPageData } from './data';
import styles from './styles.module.css';

/**
 * A notebook's page, rendered from the data scripts/notebook-pages/ wrote (see data.ts): markdown
 * and HTML outputs are sanitized hast trees, turned into React elements node by node (never set as
 * inner HTML); code, streams and errors are text. Everything is a direct child of the page's
 * markdown container, so the search index sees each heading followed by its section.
 */
export default function NotebookPage({ page }: { page: NotebookPageData }): React.JSX.Element {
  return (
    <>
      {page.blocks.map((block, i) => (
        <React.Fragment key={i}>
          <Block block={block} page={page} />
        </React.Fragment>
      ))}
      <Provenance {...page.provenance} />
    </>
  );
}

function heading(level: 1 | 2 | 3 | 4 | 5 | 6) {
  const As = `h${level}` as const;
  return (props: React.ComponentProps<'h1'>) => <Heading as={As} {...props} />;
}

/** Site paths go through <Link> (locale prefix, broken-link check); others are plain links. */
function Anchor({ href, children, ...rest }: React.ComponentProps<'a'>): React.JSX.Element {
  if (typeof href === 'string' && href.startsWith('/') && !href.startsWith('//')) {
    return (
      <Link to={href} {...rest}>
        {children}
      </Link>
    );
  }
  const external = typeof href === 'string' && !href.startsWith('#');
  return (
    <a href={href} {...rest} {...(external ? { rel: 'noopener noreferrer nofollow' } : {})}>
      {children}
    </a>
  );
}

/** A picture from the asset folder (the only pictures sanitizing lets through), under the locale's base URL. */
function AssetImage({ src, ...rest }: React.ComponentProps<'img'>): React.JSX.Element {
  return <img src={useBaseUrl(src ?? '')} loading="lazy" {...rest} />;
}

const components: Partial<Components> = {
  h1: heading(1),
  h2: heading(2),
  h3: heading(3),
  h4: heading(4),
  h5: heading(5),
  h6: heading(6),
  a: Anchor,
  img: AssetImage,
};

function Hast({ tree }: { tree: Root }): React.JSX.Element {
  return toJsxRuntime(tree, { Fragment, jsx, jsxs, components, passKeys: true, ignoreInvalidStyle: true }) as React.JSX.Element;
}

function Tip({ name, assetUrl }: { name: string; assetUrl: string }): React.JSX.Element {
  const file = `${name}.ipynb`;
  const download = useBaseUrl(`${assetUrl}/${file}`);
  return (
    <Admonition type="tip" title={<Translate id="notebook.tip.title">Run it yourself</Translate>}>
      <p>
        <Translate
          id="notebook.tip.body"
          values={{
            file: <code>notebooks/{file}</code>,
            download: (
              <a href={download} download={file}>
                <Translate id="notebook.tip.download" values={{ file }}>
                  {'Download {file}'}
                </Translate>
              </a>
            ),
            install: <code>npm install</code>,
            lab: <code>npm run lab</code>,
            rerun: <code>npm run notebooks -- {name.split('-')[0]}</code>,
          }}
        >
          {
            'This page is the notebook {file}, executed and committed with its outputs. {download}, or run it in a checkout of genlab: {install}, then {lab} (Jupyter with the TypeScript kernel, tslab) and open it there; {rerun} re-executes it headless.'
          }
        </Translate>
      </p>
    </Admonition>
  );
}

function Block({ block, page }: { block: NotebookBlock; page: NotebookPageData }): React.JSX.Element | null {
  switch (block.kind) {
    case 'markdown':
      return <Hast tree={block.hast} />;
    case 'html':
      return (
        <div className={styles.html}>
          <Hast tree={block.hast} />
        </div>
      );
    case 'code':
      return <CodeBlock language={block.language}>{block.text}</CodeBlock>;
    case 'stream':
      return (
        <CodeBlock language="text" title={block.name === 'stderr' ? 'stderr' : undefined}>
          {block.text.replace(/\n+$/, '')}
        </CodeBlock>
      );
    case 'image':
      return (
        <p>
          <AssetImage src={`${page.assetUrl}/${block.file}`} alt={block.alt} />
        </p>
      );
    case 'error':
      return <NotebookError ename={block.ename} evalue={block.evalue} traceback={block.traceback} />;
    case 'tip':
      return <Tip name={page.name} assetUrl={page.assetUrl} />;
    default:
      return null;
  }
}
