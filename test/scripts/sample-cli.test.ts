import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodePng, readIdxFile } from '../../src/genlab/src/index';
import { IDX_IMAGES_MAGIC } from '../../src/genlab/src/data/idx';

const out = mkdtempSync(join(tmpdir(), 'genlab-sample-'));

function sample(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/sample.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GENLAB_BACKEND: 'wasm' },
    timeout: 120_000,
  });
}

test('an .idx.gz of GAN samples reads back through the MNIST parser: [n, 28, 28], ink and background, reproducible', () => {
  for (const name of ['a.idx.gz', 'b.idx.gz']) {
    const r = sample(['static/models/gan-mlp', '--n', '12', '--seed', '3', '--out', join(out, name)]);
    assert.equal(r.status, 0, r.stderr);
  }
  const a = readIdxFile(join(out, 'a.idx.gz'), IDX_IMAGES_MAGIC);
  assert.deepEqual(a.dims, [12, 28, 28]);
  const ink = a.data.filter((v) => v > 128).length / a.data.length;
  assert.ok(ink > 0.05 && ink < 0.4, `share of inked pixels ${ink}: digits, not blank or saturated`);
  assert.deepEqual(readIdxFile(join(out, 'b.idx.gz')).data, a.data, 'same seed, same bytes');
});

test('a plain .idx of VAE samples, and another seed gives other images', () => {
  for (const [name, seed] of [
    ['v1.idx', '1'],
    ['v2.idx', '2'],
  ]) {
    const r = sample(['static/models/vae-mlp-z2', '--n', '5', '--seed', seed, '--out', join(out, name)]);
    assert.equal(r.status, 0, r.stderr);
  }
  const [v1, v2] = ['v1.idx', 'v2.idx'].map((f) => readIdxFile(join(out, f), IDX_IMAGES_MAGIC));
  assert.deepEqual(v1.dims, [5, 28, 28]);
  assert.notDeepEqual(v1.data, v2.data);
});

test('a .png is a PNG grid of the samples', () => {
  const r = sample(['static/models/gan-mlp', '--n', '16', '--out', join(out, 'grid.png')]);
  assert.equal(r.status, 0, r.stderr);
  const bytes = readFileSync(join(out, 'grid.png'));
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const png = decodePng(bytes);
  // 4 × 4 digits of 28 px at scale 2, 2 px padding.
  assert.equal(png.width, 4 * (56 + 2) + 2);
  assert.equal(png.height, png.width);
});

test('bad input: a clear error, exit 2 for usage', () => {
  const cases: [string[], RegExp][] = [
    [[], /name the model folder/],
    [['static/models/no-such-model'], /no such folder/],
    [['static/models/gan-mlp', '--n', '0'], /--n must be an integer ≥ 1/],
    [['static/models/gan-mlp', '--n', 'ten'], /--n must be an integer/],
    [['static/models/gan-mlp', '--seed', '-1'], /--seed/],
    [['static/models/gan-mlp', '--out', join(out, 'x.jpg')], /--out must end in \.png, \.idx, \.idx\.gz/],
    [['static/models/gan-mlp', '--out', join(out, 'missing', 'x.png')], /does not exist/],
    [['static/models/gan-mlp', '--frobnicate'], /Unknown option/],
  ];
  for (const [args, message] of cases) {
    const r = sample(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const notAModel = sample(['static/models', '--out', join(out, 'y.png')]);
  assert.equal(notAModel.status, 1);
  assert.match(notAModel.stderr, /expected a training run folder .* or a published model folder/);
});
