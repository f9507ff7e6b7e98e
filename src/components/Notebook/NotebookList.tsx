import React from 'react';
import Link from '@docusaurus/Link';
import Translate from '@docusaurus/Translate';
import type { NotebookListItem } from './data';

/** The list of notebook pages on /notebooks, from the data scripts/notebook-pages/ wrote. */
export default function NotebookList({ items }: { items: NotebookListItem[] }): React.JSX.Element {
  if (!items.length) {
    return (
      <p>
        <Translate id="notebook.list.empty">No notebooks yet.</Translate>
      </p>
    );
  }
  return (
    <ul>
      {items.map((item) => (
        <li key={item.name}>
          <Link to={item.route}>{item.title}</Link>
          {item.executed ? (
            <Translate id="notebook.list.executed" values={{ date: item.executed, profile: item.profile ?? '?' }}>
              {' — executed {date}, profile {profile}'}
            </Translate>
          ) : (
            <Translate id="notebook.list.notExecuted">{' — not executed yet'}</Translate>
          )}
        </li>
      ))}
    </ul>
  );
}
