import React from 'react';
import Translate from '@docusaurus/Translate';
import styles from './styles.module.css';

import type { ProvenanceProps } from './data';

export type { ProvenanceProps };

function duration(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - 60 * m)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "wasm" and "WebAssembly, SIMD, single-threaded" out of the printed backend line. */
export function parseBackend(line: string | null | undefined): { name?: string; detail?: string } {
  if (!line) return {};
  const m = /^(?:genlab backend:\s*)?([\w-]+)(?:\s*\[([^\]]*)\])?/.exec(line.trim());
  return m ? { name: m[1], detail: m[2] } : { name: line };
}

export default function Provenance(props: ProvenanceProps): React.JSX.Element {
  const executed = Boolean(props.started);
  const backend = parseBackend(props.backend);
  const device = props.device ?? backend.detail;
  const rows: [React.ReactNode, React.ReactNode][] = [];
  if (props.profile) rows.push([<Translate id="notebook.provenance.profile">Profile</Translate>, props.profile]);
  if (backend.name) rows.push([<Translate id="notebook.provenance.backend">Backend</Translate>, backend.name]);
  if (device) rows.push([<Translate id="notebook.provenance.device">Device</Translate>, device]);
  if (props.started)
    rows.push([
      <Translate id="notebook.provenance.date">Started</Translate>,
      props.started
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
        .replace(/Z$/, ' UTC'),
    ]);
  if (typeof props.seconds === 'number') rows.push([<Translate id="notebook.provenance.duration">Duration</Translate>, duration(props.seconds)]);
  if (props.genlabVersion) rows.push(['genlab', props.genlabVersion]);
  if (props.gitCommit)
    rows.push([<Translate id="notebook.provenance.commit">Commit</Translate>, <code title={props.gitCommit}>{props.gitCommit.slice(0, 12)}</code>]);
  const tools = [props.tslab && `tslab ${props.tslab}`, props.node && `Node ${props.node.replace(/^v/, '')}`].filter(Boolean).join(', ');
  if (tools) rows.push([<Translate id="notebook.provenance.tools">Tools</Translate>, tools]);
  return (
    <aside className={styles.provenance} data-testid="provenance">
      <strong>
        {executed ? (
          <Translate id="notebook.provenance.title">How these outputs were made</Translate>
        ) : (
          <Translate id="notebook.provenance.notExecuted">This notebook has not been executed yet: it has no recorded run.</Translate>
        )}
      </strong>
      {rows.length > 0 && (
        <dl>
          {rows.map(([k, v], i) => (
            <React.Fragment key={i}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </React.Fragment>
          ))}
        </dl>
      )}
    </aside>
  );
}
