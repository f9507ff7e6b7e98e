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
