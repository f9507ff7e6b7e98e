import React from 'react';
import Link from '@docusaurus/Link';
import Translate from '@docusaurus/Translate';
import { findFirstSidebarItemLink, useDocsSidebar } from '@docusaurus/plugin-content-docs/client';
import useBaseUrl from '@docusaurus/useBaseUrl';
import styles from './SectionLinks.module.css';

type Section = { key: string; title: React.ReactNode; text: React.ReactNode };

const SECTIONS: Section[] = [
  {
    key: 'formulas',
    title: <Translate id="home.section.formulas.title">Formulas</Translate>,
    text: <Translate id="home.section.formulas.text">Each loss and bound, derived, with the library function that computes it.</Translate>,
  },
  {
    key: 'notebooks',
    title: <Translate id="home.section.notebooks.title">Notebooks</Translate>,
    text: <Translate id="home.section.notebooks.text">Executed TypeScript notebooks: real training runs, with their outputs and provenance.</Translate>,
  },
  {
    key: 'article',
    title: <Translate id="home.section.article.title">Article</Translate>,
    text: <Translate id="home.section.article.text">The source article on GANs and VAEs, corrected and annotated.</Translate>,
  },
  {
    key: 'demo',
    title: <Translate id="home.section.demo.title">Try the models</Translate>,
    text: (
      <Translate id="home.section.demo.text">
        Sample, explore the latent space, interpolate and draw digits with the trained GAN and VAE, in your browser.
      </Translate>
    ),
  },
  {
    key: 'recipes',
    title: <Translate id="home.section.recipes.title">Recipes</Translate>,
    text: <Translate id="home.section.recipes.text">Short, tested programs to copy into your own project.</Translate>,
  },
  {
    key: 'errata',
    title: <Translate id="home.section.errata.title">Errata</Translate>,
    text: <Translate id="home.section.errata.text">What the source article gets wrong, and the fix.</Translate>,
  },
];

/**
 * Links to the site's sections, found in the docs sidebar (generated from the docs/ folders), so a
 * section shows up here as soon as its folder has a page, in every locale, and never as a broken link.
 */
export default function SectionLinks(): React.JSX.Element {
  const sidebar = useDocsSidebar();
  const base = useBaseUrl('/');
  const hrefOf = (key: string): string | undefined => {
    for (const item of sidebar?.items ?? []) {
      const href = findFirstSidebarItemLink(item);
      if (!href) continue;
      const path = href.startsWith(base) ? href.slice(base.length) : href.replace(/^\//, '');
      if (path === key || path.startsWith(`${key}/`)) return item.type === 'category' && item.href ? item.href : href;
    }
    return undefined;
  };
  return (
    <div className={styles.grid}>
      {SECTIONS.map((s) => {
        const href = hrefOf(s.key);
        return (
          <div key={s.key} className={styles.card} data-section={s.key}>
            <h3>{href ? <Link to={href}>{s.title}</Link> : s.title}</h3>
            <p>{s.text}</p>
            {!href && (
              <p className={styles.soon}>
                <Translate id="home.section.soon">Not published yet.</Translate>
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}
