import { renameSync, writeFileSync } from 'node:fs';

/** Writes `data` to `file` atomically: a reader (or a crash) sees the old file or the new one, never half. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
