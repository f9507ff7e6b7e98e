import React from 'react';
import styles from './styles.module.css';

/**
 * A text/html output of a notebook. The string was sanitized at build time by
 * scripts/render-notebooks.ts (allow-listed tags and attributes only: no scripts, event handlers,
 * javascript: URLs or frames), which is why it may be set as inner HTML here.
 */
export default function NotebookHtml({ html }: { html: string }): JSX.Element {
  return <div className={styles.html} dangerouslySetInnerHTML={{ __html: html }} />;
}
