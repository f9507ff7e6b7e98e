/**
 * Self time per wasm kernel in a training step (nested kernels subtracted from the kernel that
 * called them), and the time spent outside kernels (tfjs engine, tape, tidy, JavaScript).
 *   npx tsx bench/self-time.ts [mlp-gan|dcgan|mlp-vae|conv-vae]      (GENLAB_WASM_THREADS applies)
 * Unlike bench/profile-step.ts (tf.profile), an override's inner kernels are not counted twice.
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/genlab/src/index';
import { trainingStep } from './training-step';
async function main() {
  await setupBackend('wasm');
  const model = process.argv[2] ?? 'mlp-vae';
  const self = new Map<string, { ms: number; n: number }>();
  const stack: number[] = [];
  let on = false;
  for (const k of tf.getKernelsForBackend('wasm')) {
    const f = k.kernelFunc;
    (k as { kernelFunc: tf.KernelFunc }).kernelFunc = (args: Parameters<tf.KernelFunc>[0]) => {
      if (!on) return f(args);
      const t0 = performance.now();
      stack.push(0);
      try {
        return f(args);
      } finally {
        const dt = performance.now() - t0;
        const child = stack.pop()!;
        if (stack.length) stack[stack.length - 1] += dt;
        const key =
          process.env.SHAPES && k.kernelName === process.env.SHAPES
            ? `${k.kernelName} ${Object.values(args.inputs)
                .map((t) => `[${t?.shape}]`)
                .join('x')} ${JSON.stringify(args.attrs ?? {})}`
            : k.kernelName;
        const e = self.get(key) ?? { ms: 0, n: 0 };
        e.ms += dt - child;
        e.n++;
        self.set(key, e);
      }
    };
  }
  const step = trainingStep(model);
  for (let i = 0; i < 3; i++) step();
  const n = 10;
  on = true;
  const t = performance.now();
  for (let i = 0; i < n; i++) step();
  const total = (performance.now() - t) / n;
  on = false;
  const rows = [...self].sort((a, b) => b[1].ms - a[1].ms);
  const ks = rows.reduce((s, r) => s + r[1].ms, 0) / n;
  console.log(
    `${model}: step ${total.toFixed(1)} ms; kernels (self) ${ks.toFixed(1)} ms in ${rows.reduce((s, r) => s + r[1].n, 0) / n} calls; outside kernels ${(total - ks).toFixed(1)} ms`,
  );
  for (const [k, v] of rows.slice(0, 14)) console.log(`${(v.ms / n).toFixed(2).padStart(7)} ms ${String(v.n / n).padStart(5)}x ${k}`);
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
