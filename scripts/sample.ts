/**
 * Draws samples from a trained model so that anyone can look at them or score them with their own
 * tools:
 *
 *   npm run sample -- <model dir or run dir> [--n N] [--seed S] [--out FILE] [--backend NAME]
 *
 * FILE ending in .idx or .idx.gz: an MNIST-format images file (unsigned bytes, [N, 28, 28]);
 * ending in .png: a grid of the N samples. Same model, seed and N → the same bytes.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BackendUnavailableError,
  disposeTrainedModel,
  imageGridPng,
  loadTrainedModel,
  ModelFolderError,
  setupBackend,
  trainedModelSamples,
  writeIdxFile,
} from 'genlab';
// Internal to the library (not its business to export); scripts may import it by path.
import { writeFileAtomic } from '../src/genlab/src/train/write-atomic';
import { runCli, UsageError } from './cli-main';

const USAGE = `usage: npm run sample -- <model dir or run dir> [options]

  --n N            how many samples (default 64; at most 100,000)
  --seed S         seed of z ~ N(0, I) (default 0)
  --steps N        diffusion: DDIM steps (default 50)
  --class K        conditional diffusion: draw digit K (0–9; default: no class)
  --guidance W     conditional diffusion: classifier-free guidance weight (default 0)
  --out FILE       .png (a grid), .idx or .idx.gz (MNIST images format) (default samples.png)
  --backend NAME   node-gpu | node | webgpu | wasm | cpu (default: first that works)
  -h, --help       this text

The folder is a published model (static/models/<name>, with metadata.json) or a training run
(runs/<name>, with config.json; its newest checkpoint is used).`;

const FORMATS = ['.png', '.idx', '.idx.gz'] as const;
const MAX_SAMPLES = 100_000;

function nonNegativeInt(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${value}'`);
  return Number(value);
}

function parse(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        n: { type: 'string' },
        seed: { type: 'string' },
        steps: { type: 'string' },
        class: { type: 'string' },
        guidance: { type: 'string' },
        out: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return undefined;
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? `name one model folder, got ${positionals.length}` : 'name the model folder to sample from');
  if (!existsSync(positionals[0])) throw new UsageError(`${positionals[0]}: no such folder`);
  const n = nonNegativeInt('n', v.n, 64, 1);
  if (n > MAX_SAMPLES) throw new UsageError(`--n must be at most ${MAX_SAMPLES}, got ${n}`);
  const out = v.out ?? 'samples.png';
  const format = FORMATS.find((f) => out.endsWith(f));
  if (!format) throw new UsageError(`--out must end in ${FORMATS.join(', ')}, got '${out}'`);
  const folder = dirname(resolve(out));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`--out: the folder ${folder} does not exist`);
  const digit = v.class === undefined ? undefined : nonNegativeInt('class', v.class, 0, 0);
  if (digit !== undefined && digit > 9) throw new UsageError(`--class must be a digit 0–9, got '${v.class}'`);
  const guidance = v.guidance === undefined ? 0 : Number(v.guidance);
  if (!(guidance >= 0)) throw new UsageError(`--guidance must be a number ≥ 0, got '${v.guidance}'`);
  const diffusion = { steps: nonNegativeInt('steps', v.steps, 50, 1), labels: digit === undefined ? undefined : new Array(n).fill(digit), guidance };
  return { dir: positionals[0], n, seed: nonNegativeInt('seed', v.seed, 0, 0), out, format, backend: v.backend, diffusion };
}

/** [0, 1] floats → bytes the way MNIST stores ink (0 background, 255 full ink). */
function toBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.round(255 * Math.min(1, Math.max(0, values[i])));
  return bytes;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  const backend = await setupBackend(args.backend);
  console.log(backend.line);
  const model = await loadTrainedModel(args.dir);
  try {
    if (model.family !== 'diffusion' && process.argv.some((a) => ['--steps', '--class', '--guidance'].includes(a)))
      throw new UsageError('--steps, --class and --guidance apply to diffusion models only');
    if (args.diffusion.labels && !model.denoiser?.numClasses) throw new UsageError('--class needs a class-conditional diffusion model');
    const x = await trainedModelSamples(model, args.n, args.seed, args.diffusion);
    if (args.format === '.png') {
      writeFileAtomic(args.out, await imageGridPng(x, { scale: 2 }));
    } else {
      writeIdxFile(args.out, [args.n, 28, 28], toBytes((await x.data()) as Float32Array));
    }
    x.dispose();
  } finally {
    disposeTrainedModel(model);
  }
  console.log(`${args.out}: ${args.n} samples of the ${model.family.toUpperCase()} in ${model.weights} (seed ${args.seed})`);
  return 0;
}

runCli(main, { usage: USAGE, blankLineBeforeUsage: true, expected: [ModelFolderError, BackendUnavailableError] });
