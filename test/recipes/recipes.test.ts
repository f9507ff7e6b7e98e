import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

// Each recipe is run as a reader would run it: its own process, importing the built package
// (`genlab` → src/genlab/dist; `npm test` builds it first), on the wasm backend.
const RECIPES = 'recipes';

function run(file: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(RECIPES, file)], {
    encoding: 'utf8',
    env: { ...process.env, GENLAB_BACKEND: 'wasm', ...env },
    timeout: 300_000,
  });
  assert.equal(r.status, 0, `${file} exited with ${r.status}\n${r.stderr}`);
  return r.stdout;
}

const numbers = (s: string) => (s.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);

describe('recipes', () => {
  test('every recipe imports only from genlab and has a test below', () => {
    const files = readdirSync(RECIPES)
      .filter((f) => f.endsWith('.ts'))
      .sort();
    assert.deepEqual(files, ['choose-backend.ts', 'elbo.ts', 'gan-training-step.ts', 'load-mnist.ts']);
    for (const f of files) {
      const imports = [...readFileSync(join(RECIPES, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(imports)], ['genlab'], `${f} imports ${imports.join(', ')}`);
    }
  });

  test('choose-backend: obeys GENLAB_BACKEND and refuses an unavailable backend by name', () => {
    const out = run('choose-backend.ts');
    assert.match(out, /^genlab backend: wasm \[WebAssembly, (SIMD|no SIMD), /m);
    assert.match(out, /as expected: backend 'node-gpu' is not usable here: .*Available names: node-gpu, node, webgpu, wasm, cpu\./);
    const cpu = run('choose-backend.ts', { GENLAB_BACKEND: 'cpu' });
    assert.match(cpu, /^genlab backend: cpu \[plain JavaScript\]/m);
  });

  test('load-mnist: the papers’ splits, a seeded batch, three scalings', () => {
    const out = run('load-mnist.ts');
    assert.match(out, /^train 50000, validation 10000, test 10000$/m);
    assert.match(out, /^781 batches of 64; first labels( \d){8}$/m);
    assert.match(out, /^unit \[64,784\] in \[0, 1\]$/m);
    assert.match(out, /^tanh \[64,28,28,1\] in \[-1, 1\]$/m);
    assert.match(out, /^binarized \[64,784\] in \[0, 1\]$/m);
    // the seeded shuffle gives the same batch every time
    assert.equal(run('load-mnist.ts').match(/first labels.*/)![0], out.match(/first labels.*/)![0]);
  });

  test('gan-training-step: five finite, positive losses, identical on a second run', () => {
    const out = run('gan-training-step.ts');
    const lines = out.split('\n').filter((l) => l.startsWith('step '));
    assert.equal(lines.length, 5, out);
    for (const [i, l] of lines.entries()) {
      const m = l.match(/^step (\d): L_D = (\d+\.\d{4}), L_G = (\d+\.\d{4})$/);
      assert.ok(m, l);
      assert.equal(Number(m[1]), i + 1);
      // L_D = −E log D − E log(1 − D) > 0, L_G = −E log D(G(z)) > 0; both far from overflow
      for (const v of [Number(m[2]), Number(m[3])]) assert.ok(v > 0 && v < 20, l);
    }
    assert.equal(run('gan-training-step.ts'), out, 'same seed, same backend → same numbers');
  });

  test('elbo: ELBO = reconstruction − KL, KL ≥ 0, loss = −ELBO', () => {
    const out = run('elbo.ts');
    const m = out.match(/^ELBO (-?\d+\.\d{3}) = reconstruction (-?\d+\.\d{3}) − KL (\d+\.\d{3}) nats per image$/m);
    assert.ok(m, out);
    const [e, r, k] = [Number(m[1]), Number(m[2]), Number(m[3])];
    assert.ok(Math.abs(e - (r - k)) <= 0.002, `${e} vs ${r} − ${k}`);
    assert.ok(k >= 0);
    // An untrained decoder predicts about ½ per pixel: about 784 log 2 = 543.4 nats per image.
    assert.ok(r < -500 && r > -600, `reconstruction ${r}`);
    const loss = numbers(out.match(/^training loss.*$/m)![0])[0];
    assert.equal(loss, Number((-e).toFixed(3)));
  });
});
