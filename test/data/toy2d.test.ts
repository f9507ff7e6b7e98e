import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  gridCellSize,
  gridPoints,
  jensenShannonDivergence,
  kernelDensityOnGrid,
  mixtureDensityOnGrid,
  modeCoverage,
  normalizeOnGrid,
  sampleMixture2d,
  setupBackend,
  toy2dMixture,
  TOY_2D_KINDS,
  type PlaneGrid,
} from '../../src/genlab/src/index';

before(async () => {
  await setupBackend('cpu');
});

const GRID: PlaneGrid = { min: -3, max: 3, size: 60 };

test('every 2-D data set is a mixture whose density integrates to about 1 on [-3, 3]²', () => {
  const area = gridCellSize(GRID) ** 2;
  for (const kind of TOY_2D_KINDS) {
    const m = toy2dMixture(kind, [
      [0.5, -0.5],
      [1, 1],
    ]);
    const smoothed = { centers: m.centers, std: Math.hypot(m.std, 0.1) };
    const p = mixtureDensityOnGrid(smoothed, GRID);
    const mass = p.reduce((s, v) => s + v * area, 0);
    assert.ok(Math.abs(mass - 1) < 0.02, `${kind}: mass on the grid ${mass}`);
  }
});

test('the ring of 8 Gaussians is the notebook ring: samples cover all 8 modes', () => {
  const s = sampleMixture2d(toy2dMixture('ring8'), 4000, 3);
  const { covered, offMode } = modeCoverage(s.dataSync());
  s.dispose();
  assert.equal(covered, 8);
  assert.ok(offMode / 4000 < 0.02);
});

test('samples are seeded, and moons / line / drawn points land where their centres are', () => {
  const a = sampleMixture2d(toy2dMixture('moons'), 100, 5).dataSync();
  const b = sampleMixture2d(toy2dMixture('moons'), 100, 5).dataSync();
  const c = sampleMixture2d(toy2dMixture('moons'), 100, 6).dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
  const line = sampleMixture2d(toy2dMixture('line'), 500, 1).dataSync();
  // The line runs from (-1.5, -1) to (1.5, 1): y ≈ 2x/3, off by the noise only.
  for (let i = 0; i < 500; i++) assert.ok(Math.abs(line[2 * i + 1] - (2 / 3) * line[2 * i]) < 0.4);
  const drawn = sampleMixture2d(toy2dMixture('drawn', [[1, 2]]), 200, 1).dataSync();
  for (let i = 0; i < 200; i++) assert.ok(Math.hypot(drawn[2 * i] - 1, drawn[2 * i + 1] - 2) < 0.6);
});

test('bad input is refused with a message', () => {
  assert.throws(() => toy2dMixture('drawn', []), /at least one point/);
  assert.throws(() => toy2dMixture('drawn', [[1, Number.NaN]]), /finite/);
  assert.throws(() => toy2dMixture('spiral' as never), /unknown 2-D data set 'spiral'/);
  assert.throws(() => kernelDensityOnGrid([0, 0], GRID, 0), /bandwidth must be positive/);
});

test('grid cells run row-major from the top-left corner', () => {
  const pts = gridPoints({ min: -1, max: 1, size: 2 });
  assert.deepEqual(Array.from(pts), [-0.5, 0.5, 0.5, 0.5, -0.5, -0.5, 0.5, -0.5]);
});

test('a kernel estimate from many data samples approaches the smoothed data density (JSD near 0); a shifted sample does not', () => {
  const m = toy2dMixture('ring8');
  const b = 0.1;
  const pData = normalizeOnGrid(mixtureDensityOnGrid({ centers: m.centers, std: Math.hypot(m.std, b) }, GRID), GRID);
  const area = gridCellSize(GRID) ** 2;
  const s = sampleMixture2d(m, 20000, 9);
  const pts = s.dataSync();
  s.dispose();
  const pG = normalizeOnGrid(kernelDensityOnGrid(pts, GRID, b), GRID);
  const close = jensenShannonDivergence(pData, pG, area);
  const shifted = normalizeOnGrid(
    kernelDensityOnGrid(
      pts.map((v, i) => (i % 2 ? v : v + 0.5)),
      GRID,
      b,
    ),
    GRID,
  );
  const far = jensenShannonDivergence(pData, shifted, area);
  assert.ok(close < 0.01, `JSD(p_data, KDE of its own samples) = ${close}`);
  assert.ok(far > 0.5, `JSD after shifting every point by 0.5: ${far}`);
  assert.ok(far <= Math.LN2 + 1e-9);
});
