import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configToSearch, DEFAULT_CONFIG, parseConfig, sameRun, type LabConfig } from '../../src/components/Lab/config';

test('a configuration survives the round trip through the address', () => {
  const configs: LabConfig[] = [
    DEFAULT_CONFIG,
    {
      ...DEFAULT_CONFIG,
      data: 'moons',
      seed: 42,
      loss: 'minimax',
      dSteps: 3,
      lrD: 2e-4,
      lrG: 5e-3,
      hidden: [16, 32, 8],
      latent: 1,
      batch: 64,
      stopAt: 250,
      backend: 'cpu',
    },
    {
      ...DEFAULT_CONFIG,
      model: 'vae',
      data: 'drawn',
      drawn: [
        [0.5, -1.25],
        [2.99, 0],
      ],
      lrV: 1e-3,
      decoderStd: 0.2,
    },
    { ...DEFAULT_CONFIG, model: 'diffusion', hidden: [64, 64, 64], lrV: 2e-3, diffusionSteps: 200, sampler: 'ddim', samplerSteps: 50, stopAt: 800 },
    { ...DEFAULT_CONFIG, model: 'diffusion', data: 'moons', hidden: [32, 32], diffusionSteps: 50, seed: 9 },
  ];
  for (const c of configs) {
    const { config, problems } = parseConfig(configToSearch(c));
    assert.deepEqual(problems, []);
    assert.equal(configToSearch(config), configToSearch(c));
    assert.ok(sameRun(config, c));
  }
});

test('bad values keep the default and are named; unknown keys are ignored', () => {
  const { config, problems } = parseConfig('?m=gan&seed=-1&k=0&h=64-x&z=3&loss=hinge&lrd=1&data=spiral&pts=9,9&extra=1');
  assert.deepEqual(problems.sort(), ['data=spiral', 'h=64-x', 'k=0', 'loss=hinge', 'lrd=1', 'pts=9,9', 'seed=-1', 'z=3']);
  assert.equal(configToSearch(config), configToSearch(DEFAULT_CONFIG));
});

test('a drawn data set without points starts from the origin; stopAt and the backend do not change the run', () => {
  assert.deepEqual(parseConfig('?data=drawn').config.drawn, [[0, 0]]);
  assert.ok(sameRun({ ...DEFAULT_CONFIG, stopAt: 100 }, DEFAULT_CONFIG));
  assert.ok(!sameRun({ ...DEFAULT_CONFIG, seed: 2 }, DEFAULT_CONFIG));
});

test('m=diffusion: the denoiser defaults to 64 × 3, the address keeps T and the sampler, and DDIM steps above T are refused', () => {
  const { config, problems } = parseConfig('?m=diffusion&data=ring8&seed=1');
  assert.deepEqual(problems, []);
  assert.deepEqual([config.model, config.hidden, config.diffusionSteps, config.sampler], ['diffusion', [64, 64, 64], 100, 'ancestral']);
  assert.match(configToSearch(config), /^\?m=diffusion&data=ring8&seed=1&lrv=0\.003&T=100&smp=anc&h=64-64-64&b=128$/);
  assert.deepEqual(parseConfig('?m=diffusion&h=16-16').config.hidden, [16, 16]);
  const bad = parseConfig('?m=diffusion&T=50&smp=ddim&ss=80');
  assert.deepEqual(bad.problems, ['ss=80']);
  assert.equal(bad.config.samplerSteps, 50);
  // The sampler only draws the views: changing it keeps the run.
  assert.ok(sameRun({ ...config, sampler: 'ddim', samplerSteps: 10 }, config));
  assert.ok(!sameRun({ ...config, diffusionSteps: 200 }, config));
});
