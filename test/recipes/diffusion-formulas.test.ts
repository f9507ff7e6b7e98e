import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as g from '../../src/genlab/src/index';

// The numbers quoted on docs/formulas/diffusion.mdx (and its Chinese page), as printed there (7
// significant digits). Schedules are float64 arithmetic on the JS side: no backend involved.

const near = (actual: number, printed: number, what: string) =>
  assert.ok(Math.abs(actual - printed) <= 5e-7 * Math.max(Math.abs(printed), 1e-3), `${what}: ${actual} vs printed ${printed}`);

describe('formulas/diffusion', () => {
  test('schedule table', () => {
    const L = g.linearSchedule(1000);
    const C = g.cosineSchedule(1000);
    near(L.betas[0], 0.0001, 'linear β_1');
    near(L.betas[999], 0.02, 'linear β_T');
    [0.5240854, 0.07858724, 0.00335055, 0.0000403583].forEach((p, i) => near(g.alphaBarAt(L, 250 * (i + 1)), p, `linear ᾱ_${250 * (i + 1)}`));
    [0.8470122, 0.4938436, 0.1442721, 2.428767e-9].forEach((p, i) => near(g.alphaBarAt(C, 250 * (i + 1)), p, `cosine ᾱ_${250 * (i + 1)}`));
    near(C.betas[0], 0.00004128422, 'cosine β_1');
    assert.equal(C.betas[999], 0.999);
  });

  test('closed form = iterated chain moments for x_0 = 1.5', () => {
    const L = g.linearSchedule(1000);
    const printed: Record<number, [number, number]> = {
      1: [1.499925, 0.0001],
      10: [1.498578, 0.001894795],
      100: [1.420666, 0.1029819],
      1000: [0.009529227, 0.9999596],
    };
    let [m, v] = [1.5, 0];
    for (let t = 1; t <= 1000; t++) {
      m *= Math.sqrt(L.alphas[t - 1]);
      v = L.alphas[t - 1] * v + L.betas[t - 1];
      const closedMean = Math.sqrt(g.alphaBarAt(L, t)) * 1.5;
      const closedVar = 1 - g.alphaBarAt(L, t);
      assert.ok(Math.abs(m - closedMean) < 1e-12 && Math.abs(v - closedVar) < 1e-12, `t=${t}`);
      if (printed[t]) {
        near(m, printed[t][0], `mean t=${t}`);
        near(v, printed[t][1], `variance t=${t}`);
      }
    }
  });

  test('the bound’s weights λ_t and DDIM’s steps', () => {
    const L = g.linearSchedule(1000);
    [0.50005, 0.07371702, 0.01008126, 0.005503432, 0.01020449].forEach((p, i) => near(g.vlbWeight(L, [1, 10, 100, 500, 1000][i]), p, `λ (σ² = β)`));
    [0.5996715, 0.08643656, 0.01026695].forEach((p, i) => {
      const t = [2, 10, 100][i];
      near(g.vlbWeight(L, t, g.posteriorVariance(L, t)), p, `λ (σ² = β̃) t=${t}`);
    });
    assert.deepEqual(g.samplingTimesteps(1000, 10), [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]);
  });
});
