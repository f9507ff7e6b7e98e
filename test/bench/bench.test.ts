/**
 * `npm run bench -- --quick` writes a well-formed report (structure and positive, finite values;
 * no timing thresholds). Run: node --import tsx --test test/bench/bench.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const positive = (x: unknown, what: string) => assert.ok(typeof x === 'number' && Number.isFinite(x) && x > 0, `${what}: ${String(x)}`);

test('bench --quick reports every model on wasm (and PyTorch when present) with sane values', { timeout: 85_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-bench-test-'));
  try {
    const out = join(dir, 'tmp.json');
    const r = spawnSync('npm', ['run', 'bench', '--', '--quick', '--out', out], { encoding: 'utf8', timeout: 80_000 });
    assert.equal(r.status, 0, `bench exited ${r.status}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /ms\/step/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(report.quick, true);
    const models = ['mlp-gan', 'dcgan', 'mlp-vae', 'conv-vae'];
    for (const m of models) positive(report.flopsPerStep[m], `flopsPerStep.${m}`);
    // The DCGAN step does the most arithmetic, the MLP VAE the least.
    assert.ok(report.flopsPerStep.dcgan > report.flopsPerStep['mlp-gan']);
    assert.ok(report.flopsPerStep['mlp-vae'] < report.flopsPerStep['mlp-gan']);

    const wasm = report.engines.find((e: { engine: string }) => e.engine === 'tfjs-wasm');
    assert.ok(wasm, 'a tfjs-wasm engine');
    assert.equal(wasm.error, undefined);
    for (const m of models) {
      const t = wasm.models[m];
      assert.ok(t, `wasm ${m} measured`);
      assert.equal(t.batch, m.endsWith('gan') ? 64 : 100);
      assert.equal(t.samplesMs.length, 2, 'quick: 2 timed steps');
      t.samplesMs.forEach((x: number, i: number) => positive(x, `wasm ${m} sample ${i}`));
      positive(t.msPerStep, `wasm ${m} msPerStep`);
      assert.ok(Math.abs(t.imagesPerSecond - (t.batch / t.msPerStep) * 1000) < 1e-6 * t.imagesPerSecond);
    }
    const rows = report.rows.filter((r: { engine: string }) => r.engine === 'tfjs-wasm');
    assert.equal(rows.length, models.length);
    for (const row of report.rows) {
      positive(row.msPerStep, `${row.model}/${row.engine} ms`);
      positive(row.imagesPerSecond, `${row.model}/${row.engine} images/s`);
      positive(row.gflops, `${row.model}/${row.engine} GFLOP/s`);
      if (row.ratioToPytorch !== null) positive(row.ratioToPytorch, `${row.model}/${row.engine} ratio`);
      if (row.peakShare !== null) positive(row.peakShare, `${row.model}/${row.engine} peak share`);
    }

    // Memory: 20 MLP-GAN steps on wasm in --quick, tensor count unchanged.
    const mem = report.memory;
    assert.equal(mem.backend, 'wasm');
    assert.equal(mem.steps, 20);
    assert.equal(mem.tensorsAfter, mem.tensorsBefore);
    positive(mem.rssBeforeMiB, 'rss before');
    positive(mem.rssAfterMiB, 'rss after');
    assert.equal(mem.flat, true);
    assert.match(r.stdout, /memory \(mlp-gan on wasm, 20 steps, --quick/);

    const torch = report.engines.find((e: { engine: string }) => e.engine.startsWith('pytorch'));
    assert.ok(torch, 'a PyTorch entry (measured or with the reason it was not)');
    if (!torch.error) {
      for (const m of models) positive(torch.models[m]?.msPerStep, `pytorch ${m}`);
      positive(torch.sgemm.gflops, 'sgemm GFLOP/s');
      positive(report.peak.gflops, 'peak');
      for (const row of rows) positive(row.ratioToPytorch, `${row.model} wasm ratio`);
    } else {
      assert.match(torch.error, /torch/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
