/**
 * Per-kernel time of one training step on a backend (default wasm), via tf.profile.
 *   npx tsx bench/profile-step.ts [mlp-gan|dcgan|mlp-vae|conv-vae] [backend]
 * Prints the kernels sorted by total time (ms), with call counts and the transpose flags of matmuls.
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/genlab/src/index';
import { trainingStep } from './training-step';

async function main() {
  const model = process.argv[2] ?? 'mlp-gan';
  await setupBackend(process.argv[3] ?? 'wasm');
  const step = trainingStep(model);
  step();
  step();
  const t0 = performance.now();
  step();
  console.log(`step ${(performance.now() - t0).toFixed(1)} ms`);
  const prof = await tf.profile(() => {
    step();
  });
  const agg = new Map<string, { ms: number; n: number }>();
  for (const k of prof.kernels) {
    let name = k.name;
    if (name === 'BatchMatMul' || name === '_FusedMatMul' || name === 'Tile' || name === 'Conv2D' || name === 'Conv2DBackpropInput') {
      const shapes = k.inputShapes.map((s) => `[${s}]`).join('x');
      name += ` ${shapes}`;
    }
    const e = agg.get(name) ?? { ms: 0, n: 0 };
    e.ms += Number(k.kernelTimeMs);
    e.n++;
    agg.set(name, e);
  }
  const rows = [...agg.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, r) => s + r[1].ms, 0);
  console.log(`kernel total ${total.toFixed(1)} ms`);
  for (const [k, v] of rows.slice(0, 30)) console.log(`${v.ms.toFixed(1).padStart(8)} ms ${String(v.n).padStart(4)}x  ${k}`);
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
