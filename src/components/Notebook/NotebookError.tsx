import React from 'react';
import styles from './styles.module.css';

/** An error output of a notebook cell: "ename: evalue" and the traceback (ANSI codes already stripped). */
export default function NotebookError({ ename, evalue, traceback }: { ename: string; evalue: string; traceback?: string }): React.JSX.Element {
  return (
    <div className={styles.error} role="alert">
      <strong>
        {ename}
        {evalue ? `: ${evalue}` : ''}
      </strong>
      {traceback ? <pre>{traceback}</pre> : null}
    </div>
  );
}
