// The public API is what src/genlab/api/genlab.api.md says it is. API Extractor compares the built
// declarations (src/genlab/dist/index.d.ts) with that checked-in report and fails on any
// difference, so a change to the public surface shows in review; `npm run api:report` updates it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const LIB = resolve(__dirname, '../../src/genlab');
const extractor = resolve(__dirname, '../../node_modules/@microsoft/api-extractor/bin/api-extractor');

function runExtractor(config = join(LIB, 'api-extractor.json')) {
  const r = spawnSync(process.execPath, [extractor, 'run', '--config', config], { cwd: LIB, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test('the built public API matches the checked-in API report (npm run api:report updates it)', () => {
  const r = runExtractor();
  assert.equal(r.status, 0, `the public API differs from src/genlab/api/genlab.api.md: run npm run api:report, review and commit\n${r.out.slice(-3000)}`);
});

test('a report that no longer matches the API fails the check', () => {
  // The same configuration against an edited copy of the report: one export missing from it.
  const dir = mkdtempSync(join(tmpdir(), 'genlab-api-'));
  const report = readFileSync(join(LIB, 'api/genlab.api.md'), 'utf8');
  const edited = report.replace(/^export const version: string;\n/m, '');
  assert.notEqual(edited, report, 'the report lists `version`');
  writeFileSync(join(dir, 'genlab.api.md'), edited);
  const config = JSON.parse(readFileSync(join(LIB, 'api-extractor.json'), 'utf8'));
  config.projectFolder = LIB;
  config.apiReport.reportFolder = dir;
  config.apiReport.reportTempFolder = join(dir, 'temp');
  const configFile = join(dir, 'api-extractor.json');
  writeFileSync(configFile, JSON.stringify(config));
  copyFileSync(join(LIB, 'package.json'), join(dir, 'package.json'));
  const r = runExtractor(configFile);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /API signature|API report|changed/i);
});
