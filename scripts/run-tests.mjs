// Runs every test file under test/ with Node's own test runner (TypeScript through tsx).
// Node 20's --test does not expand globs or pick up .ts files, so the list is built here.
// Usage: node scripts/run-tests.mjs [substring filter…] [--exclude substring …]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

// Arguments are substrings a test file's path must contain; `--exclude S` drops the files containing S.
const args = process.argv.slice(2);
const excludes = args.flatMap((a, i) => (args[i - 1] === '--exclude' ? [a] : []));
const filters = args.filter((a, i) => a !== '--exclude' && args[i - 1] !== '--exclude');
const files = walk('test')
  .sort()
  .filter((f) => !filters.length || filters.some((s) => f.includes(s)))
  .filter((f) => !excludes.some((s) => f.includes(s)));
if (!files.length) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
