/**
 * A/B of genlab's wasm kernel overrides inside one process: alternates "all overrides" with "all but
 * the named ones" every few steps, several rounds, and prints the median and minimum wall and CPU
 * time per step of each. CPU time (process.cpuUsage) is much less disturbed by other processes on
 * a shared machine than wall time.
 *   npx tsx bench/ab-overrides.ts [mlp-gan|dcgan|mlp-vae|conv-vae] [Kernel,Kernel...] [rounds]
 * e.g. `npx tsx bench/ab-overrides.ts mlp-vae _FusedMatMul 6`; the name `Adam` drops the fused Adam update,
 * `PhaseSplit` runs the transposed conv's sub-pixel phases as one conv instead of one conv each,
 * `Col2im` sends one-channel dx back to tfjs's built-in Conv2DBackpropInput loop.
 */
import { setupBackend } from '../src/genlab/src/index';
import { trainingStep } from './training-step';
import { registerWasmKernels, unregisterWasmKernels, OVERRIDDEN_KERNELS } from '../src/genlab/src/backend/wasm-kernels';
import { subPixelOptions } from '../src/genlab/src/backend/wasm-conv-input';
async function main() {
  await setupBackend('wasm');
  const model = process.argv[2] ?? 'mlp-vae';
  const drop = (process.argv[3] ?? '_FusedMatMul').split(',');
  const step = trainingStep(model);
  const configs: Record<string, () => void> = {
    all: () => {
      unregisterWasmKernels();
      registerWasmKernels();
      subPixelOptions.splitPhases = true;
      subPixelOptions.col2imOneChannel = true;
    },
    [`without ${drop}`]: () => {
      unregisterWasmKernels();
      subPixelOptions.splitPhases = !drop.includes('PhaseSplit');
      subPixelOptions.col2imOneChannel = !drop.includes('Col2im');
      registerWasmKernels({ kernels: OVERRIDDEN_KERNELS.filter((k) => !drop.includes(k)), fusedAdam: !drop.includes('Adam') });
    },
  };
  const res: Record<string, { wall: number[]; cpu: number[] }> = {};
  const rounds = Number(process.argv[4] ?? 6),
    per = model === 'dcgan' ? 2 : 5;
  for (let r = 0; r < rounds; r++)
    for (const [name, setup] of Object.entries(configs)) {
      setup();
      step();
      for (let i = 0; i < per; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        step();
        const c = process.cpuUsage(c0);
        (res[name] ??= { wall: [], cpu: [] }).wall.push(performance.now() - t0);
        res[name].cpu.push((c.user + c.system) / 1000);
      }
    }
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  for (const [name, v] of Object.entries(res))
    console.log(
      `${model} ${name.padEnd(28)} wall median ${med(v.wall).toFixed(1)} min ${Math.min(...v.wall).toFixed(1)} | cpu median ${med(v.cpu).toFixed(1)} min ${Math.min(...v.cpu).toFixed(1)} ms`,
    );
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
