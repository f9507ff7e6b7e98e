import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';

/** The shipped models this test scores: one per family, so every branch of the script runs. */
const MODELS = ['gan-mlp', 'vae-mlp-z2', 'diffusion-unet-conditional', 'mnist-classifier'];
let modelsDir: string;
let work: string;

function evaluateModels(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/evaluate-models.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GENLAB_BACKEND: 'wasm' },
    timeout: 600_000,
  });
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'genlab-evaluate-models-'));
  modelsDir = join(work, 'models');
  for (const name of MODELS) cpSync(join('static', 'models', name), join(modelsDir, name), { recursive: true });
});

test('every shipped family and every reference generator is scored, on small subsets', () => {
  const out = join(work, 'evaluation.json');
  const figures = join(work, 'figures');
  const r = evaluateModels([
    '--models',
    modelsDir,
    '--samples',
    '20',
    '--memorization',
    '20',
    '--likelihood-images',
    '2',
    '--parzen-centres',
    '40',
    '--steps',
    '3',
    '--out',
    out,
    '--figures',
    figures,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /diffusion-unet-conditional: 20 samples \(seed 0, DDIM 3 steps\)/);
  const ev = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(Object.keys(ev.models).sort(), ['diffusion-unet-conditional', 'gan-mlp', 'vae-mlp-z2']);
  assert.equal(ev.settings.diffusionSampler.steps, 3);
  for (const [name, m] of Object.entries<{ count: number; frechet: number; classHistogram: number[]; nearestFigure: string }>(ev.models)) {
    assert.equal(m.count, 20, name);
    assert.ok(Number.isFinite(m.frechet) && m.frechet > 0, `${name} Fréchet ${m.frechet}`);
    assert.equal(
      m.classHistogram.reduce((a, b) => a + b, 0),
      20,
      name,
    );
    const png = readFileSync(join(figures, `${name}-nearest.png`));
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')], name);
  }
  // The reference generators fail the way they were built to: exact copies are all caught,
  // new real images almost never.
  assert.equal(ev.baselines.memorizer.memorization.flagged, 1);
  assert.ok(ev.baselines.heldOut.memorization.flagged <= 0.1, `held-out flagged ${ev.baselines.heldOut.memorization.flagged}`);
  assert.ok(ev.baselines.collapsed.classHistogram[1] >= 18, 'the "only 1s" set reads as 1s');
  // Likelihood only for the 2-D VAE: three grid resolutions and four importance-weighted bounds.
  assert.deepEqual(Object.keys(ev.likelihood), ['vae-mlp-z2']);
  assert.equal(ev.likelihood['vae-mlp-z2'].exact.length, 3);
  assert.deepEqual(
    ev.likelihood['vae-mlp-z2'].bounds.map((b: { k: number }) => b.k),
    [1, 10, 100, 1000],
  );
  assert.deepEqual(
    ev.parzen.map((p: { centres: string }) => p.centres),
    ['diffusion-unet-conditional', 'gan-mlp', 'vae-mlp-z2', 'memorizer'],
  );
});

test('bad options are usage errors (exit 2) that name the option', () => {
  const steps = evaluateModels(['--models', modelsDir, '--steps', '0']);
  assert.equal(steps.status, 2);
  assert.match(steps.stderr, /--steps must be an integer ≥ 1, got '0'/);
  const missing = evaluateModels(['--models', join(work, 'nowhere')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nowhere: no such folder/);
});
