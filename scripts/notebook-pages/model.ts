// The notebook file (nbformat 4) as the renderer reads it, and display updates applied in place.

type Multiline = string | string[];
export interface NbOutput {
  output_type: string;
  name?: string;
  text?: Multiline;
  data?: Record<string, unknown>; // Multiline for text/* and image/svg+xml
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
export interface NbCell {
  /** nbformat 4.5 cell id: the key of the cell's translation. */
  id?: string;
  cell_type: string;
  source: Multiline;
  outputs?: NbOutput[];
  attachments?: Record<string, Record<string, Multiline>>;
  execution_count?: number | null;
}
export interface Notebook {
  cells: NbCell[];
  metadata?: { genlab?: Record<string, unknown>; [k: string]: unknown };
}

/** nbformat's multiline strings (a string or a list of lines) as one string; anything else as ''. */
export const joinText = (s: unknown): string => (Array.isArray(s) ? s.join('') : typeof s === 'string' ? s : '');

/** Notebook file names that may become page routes and file names: letters, digits, - _ . only. */
export const NOTEBOOK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Throws unless `name` (the file name without .ipynb) is a {@link NOTEBOOK_NAME}. */
export function checkName(name: string): string {
  if (!NOTEBOOK_NAME.test(name) || name.length > 100) {
    throw new Error(`render-notebooks: ${JSON.stringify(name)}.ipynb: a notebook's file name may hold only letters, digits, '-', '_' and '.'`);
  }
  return name;
}

/** Replaces each display's data with its last update_display_data (same display_id) and drops the updates. */
export function applyDisplayUpdates(cells: NbCell[]): NbCell[] {
  const idOf = (o: NbOutput) => o.transient?.display_id ?? (typeof o.metadata?.display_id === 'string' ? o.metadata.display_id : undefined);
  const displays = new Map<string, NbOutput[]>();
  const copy = cells.map((c) => ({ ...c, outputs: c.outputs?.map((o) => ({ ...o })) }));
  for (const c of copy) {
    if (!c.outputs) continue;
    const kept: NbOutput[] = [];
    for (const o of c.outputs) {
      const id = idOf(o);
      if (o.output_type === 'update_display_data') {
        for (const target of (id && displays.get(id)) || []) {
          target.data = o.data;
          target.metadata = { ...(o.metadata ?? {}) };
        }
        continue; // an update is never shown by itself
      }
      if (id && (o.output_type === 'display_data' || o.output_type === 'execute_result')) {
        displays.set(id, [...(displays.get(id) ?? []), o]);
      }
      kept.push(o);
    }
    c.outputs = kept;
  }
  return copy;
}

/** metadata.genlab of an executed notebook as the <Provenance> footer's fields (null where unknown). */
export function provenanceOf(nb: Notebook, name: string) {
  const g = nb.metadata?.genlab ?? {};
  const pick = (...keys: string[]) => keys.map((k) => g[k]).find((v) => v !== undefined && v !== null);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- notebook metadata values are JSON scalars, written as they print
  const str = (v: unknown) => (v === undefined || v === null ? null : String(v));
  const seconds = pick('seconds', 'duration');
  return {
    notebook: `${name}.ipynb`,
    profile: str(pick('profile')),
    backend: str(pick('backend')),
    device: str(pick('device')),
    started: str(pick('started', 'date', 'start')),
    seconds: typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : null,
    genlabVersion: str(pick('genlabVersion', 'version')),
    gitCommit: str(pick('gitCommit', 'commit')),
    tslab: str(pick('tslab')),
    node: str(pick('node')),
  };
}
