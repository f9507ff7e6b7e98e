// Every package the library's source names (imports, optional imports, require.resolve, type
// references) is declared in src/genlab/package.json, so an install from the tarball has it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

const LIB = 'src/genlab';
const manifest = JSON.parse(readFileSync(join(LIB, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** 'pkg/sub/path' → 'pkg', '@scope/pkg/x' → '@scope/pkg'. */
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

const PATTERNS = [
  /\bfrom\s+'([^'.][^']*)'/g,
  /\bimport\(\s*'([^'.][^']*)'/g,
  /\bimportOptional\(\s*'([^'.][^']*)'/g,
  /\brequire(?:\.resolve)?\(\s*'([^'.][^']*)'/g,
  /\btryNative\(\s*'([^'.][^']*)'/g,
  /reference types="([^"]+)"/g,
];

test('every package the library names is declared in its package.json', () => {
  const declared = new Set(['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'].flatMap((k) => Object.keys(manifest[k] ?? {})));
  const named = new Map<string, string>();
  for (const file of sources(join(LIB, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const re of PATTERNS) for (const m of text.matchAll(re)) named.set(packageOf(m[1]), file);
  }
  assert.ok(named.has('@tensorflow/tfjs') && named.has('@webgpu/types'), 'the scan finds imports and type references');
  const builtin = (p: string) => p.startsWith('node:') || builtinModules.includes(p);
  const undeclared = [...named].filter(([p]) => !builtin(p) && !declared.has(p)).map(([p, f]) => `${p} (${f})`);
  assert.deepEqual(undeclared, []);
});
