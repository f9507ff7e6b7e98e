// zh-Hans pages: notebooks/i18n/zh-Hans/<name>.json maps each markdown cell's id to its Chinese
// markdown, and `__source:<id>` to the hash of the English cell it was translated from. A cell with
// no translation, a translation of a cell that no longer exists, or an English cell edited since it
// was translated is an error naming the notebook and the cell.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinText, type Notebook } from './model.js';

/**
 * A notebook's translation: markdown cell id → translated markdown, and `__source:<id>` → the
 * {@link sourceHash} of the English cell it was translated from.
 */
export type NotebookTranslation = Record<string, string>;

/** Short hash of a cell's English source, kept beside its translation to notice later edits. */
export function sourceHash(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 12);
}

export const SOURCE_KEY = '__source:';

/**
 * The notebook with each markdown cell's source replaced by its translation. Throws, naming the
 * notebook and the cell, when a non-empty markdown cell has no id or no translation, when the
 * English cell changed since it was translated (its `__source:<id>` hash differs), or when the
 * translation has an entry for a cell the notebook does not have (a stale translation).
 */
export function translateNotebook(nb: Notebook, translation: NotebookTranslation, name: string, locale: string = 'zh-Hans'): Notebook {
  const where = `render-notebooks: ${name}.ipynb (${locale})`;
  const used = new Set<string>();
  const cells = (nb.cells ?? []).map((cell, i) => {
    if (cell.cell_type !== 'markdown' || !joinText(cell.source).trim()) return cell;
    if (!cell.id) throw new Error(`${where}: markdown cell ${i + 1} has no id, so it cannot be translated (nbformat 4.5 gives every cell an id)`);
    const t = translation[cell.id];
    if (typeof t !== 'string' || !t.trim()) {
      throw new Error(`${where}: markdown cell ${cell.id} has no translation; add "${cell.id}" to notebooks/i18n/${locale}/${name}.json`);
    }
    const recorded = translation[SOURCE_KEY + cell.id];
    const actual = sourceHash(joinText(cell.source));
    if (recorded !== actual) {
      const fix = `update the translation, then record the new source with npm run render-notebooks -- --stamp-translations`;
      throw new Error(
        recorded
          ? `${where}: markdown cell ${cell.id} changed since it was translated (source ${recorded}, now ${actual}): ${fix}`
          : `${where}: markdown cell ${cell.id} has no "${SOURCE_KEY}${cell.id}" entry, so a later change to it would go unnoticed: ${fix}`,
      );
    }
    used.add(cell.id);
    return { ...cell, source: t };
  });
  const stale = Object.keys(translation).filter((k) => {
    const id = k.startsWith(SOURCE_KEY) ? k.slice(SOURCE_KEY.length) : k;
    return (!k.startsWith('__') || k.startsWith(SOURCE_KEY)) && !used.has(id);
  });
  if (stale.length)
    throw new Error(`${where}: notebooks/i18n/${locale}/${name}.json translates cells the notebook has no markdown cell for: ${stale.join(', ')}`);
  return { ...nb, cells };
}

/** Reads notebooks/i18n/<locale>/<name>.json; an absent file is an empty translation. */
export function readTranslation(path: string): NotebookTranslation {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as NotebookTranslation;
  } catch (e) {
    throw new Error(`render-notebooks: ${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Records, in each translation file, the hash of the English source of every translated markdown
 * cell: run after updating translations, so the render can tell when an English cell changes later.
 */
export function stampTranslations(notebookDir: string, translationDir = join(notebookDir, 'i18n', 'zh-Hans')): string[] {
  const stamped: string[] = [];
  for (const f of readdirSync(notebookDir)
    .filter((n) => n.endsWith('.ipynb') && !n.startsWith('.'))
    .sort()) {
    const tPath = join(translationDir, f.replace(/\.ipynb$/, '.json'));
    if (!existsSync(tPath)) continue;
    const nb = JSON.parse(readFileSync(join(notebookDir, f), 'utf8')) as Notebook;
    const translation = readTranslation(tPath);
    for (const cell of nb.cells ?? []) {
      if (cell.cell_type === 'markdown' && cell.id && typeof translation[cell.id] === 'string')
        translation[SOURCE_KEY + cell.id] = sourceHash(joinText(cell.source));
    }
    writeFileSync(tPath, JSON.stringify(translation, null, 2) + '\n');
    stamped.push(tPath);
  }
  return stamped;
}
