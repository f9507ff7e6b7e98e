import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

function build(outDir: string) {
  return spawnSync(process.execPath, ['node_modules/@docusaurus/core/bin/docusaurus.mjs', 'build', '--out-dir', outDir], {
    encoding: 'utf8',
    timeout: 600_000,
  });
}

test('the site builds and its home page is the getting-started doc', () => {
  const out = mkdtempSync(join(tmpdir(), 'genlab-site-'));
  const r = build(out);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /\[WARNING\]/);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(html, /<title[^>]*>Getting started \| genlab<\/title>/);
  assert.match(html, /npm run train -- vae/);
});
