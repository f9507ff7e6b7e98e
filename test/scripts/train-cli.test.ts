import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodePng, mnistDirectory } from '../../src/genlab/src/index';

// The CLI imports the built package (`genlab` → src/genlab/dist), as a reader's project would;
// `npm test` builds it first.
function train(args: string[], env: Record<string, string> = {}) {
  const { GENLAB_WASM_THREADS: _threads, ...inherited } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/train.ts', ...args], {
    encoding: 'utf8',
    env: { ...inherited, GENLAB_BACKEND: 'wasm', ...env },
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'genlab-cli-'));
const readLog = (dir: string) =>
  readFileSync(join(dir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('bad input gets a usage message and exit code 2', () => {
  for (const [args, pattern] of [
    [['gan', '--frob'], /Unknown option '--frob'/],
    [['gab'], /unknown model family 'gab'/],
    [[], /say what to train: gan, vae or diffusion/],
    [['vae', '--epochs', '0'], /--epochs must be a positive integer, got '0'/],
    [['vae', '--batch-size', 'ten'], /--batch-size must be a positive integer, got 'ten'/],
    [['gan', '--model', 'conv'], /--model for gan must be one of mlp, dcgan, got 'conv'/],
    [['vae', '--loss', 'minimax'], /--loss applies to gan only/],
    [['gan', '--threads', '0'], /--threads must be a positive integer, got '0'/],
    [['gan', '--hidden', '200'], /--hidden applies to vae --model mlp only/],
    [['vae', '--hidden', '200,x'], /--hidden must be a positive integer, got 'x'/],
    [['vae', '--classifier', 'none'], /--classifier applies to gan and diffusion only/],
    [['diffusion', '--init-from', 'static/models/gan-mlp'], /--init-from applies to gan and vae only/],
    [['vae', '--parzen-every', '2'], /--parzen-every applies to gan only/],
    [['gan', '--parzen-every=x'], /--parzen-every must be a non-negative integer, got 'x'/],
    [['gan', '--learning-rate', '0'], /--learning-rate must be a positive number, got '0'/],
    [['vae', '--ema-decay', '0.99'], /--ema-decay applies to gan and diffusion only/],
    [['gan', '--ema-decay', '1'], /--ema-decay must be a number between 0 and 1, got '1'/],
    [['vae', '--learning-rate=fast'], /--learning-rate must be a positive number, got 'fast'/],
    [['gan', '--discriminator-batch-norm'], /--discriminator-batch-norm applies to gan --model dcgan only/],
  ] as const) {
    test(args.join(' ') || '(no arguments)', () => {
      const r = train([...args]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.match(r.stderr, /usage: npm run train -- <gan\|vae\|diffusion>/);
    });
  }
  test('--help prints the usage and exits 0', () => {
    const r = train(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--resume/);
  });
});

describe('bad data is one clear error and exit code 1, never a stack trace', () => {
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['missing files', () => {}, /train-images-idx3-ubyte: expected an IDX file \(plain or \.gz\), found no such file/],
    [
      'a truncated image file',
      (dir) => {
        const src = mnistDirectory();
        const bytes = readFileSync(join(src, 'train-images-idx3-ubyte'));
        writeFileSync(join(dir, 'train-images-idx3-ubyte'), bytes.subarray(0, 1000));
        copyFileSync(join(src, 'train-labels-idx1-ubyte'), join(dir, 'train-labels-idx1-ubyte'));
      },
      /train-images-idx3-ubyte: expected 47040000 data bytes for dimensions \[60000, 28, 28\], found 984 \(truncated file\)/,
    ],
    [
      'labels swapped for images',
      (dir) => {
        const src = mnistDirectory();
        copyFileSync(join(src, 'train-labels-idx1-ubyte'), join(dir, 'train-images-idx3-ubyte'));
        copyFileSync(join(src, 'train-labels-idx1-ubyte'), join(dir, 'train-labels-idx1-ubyte'));
      },
      /train-images-idx3-ubyte: expected IDX magic number 2051, found 2049/,
    ],
  ];
  for (const [name, prepare, pattern] of cases) {
    test(name, () => {
      const dir = tmp();
      prepare(dir);
      const r = train(['vae', '--data-dir', dir, '--out', join(dir, 'run')]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});

describe('a real run on a slice of MNIST', () => {
  const out = join(tmp(), 'run');
  const base = ['vae', '--train-limit', '300', '--batch-size', '100', '--seed', '3', '--out', out, '--log-every', '1'];

  test('writes config, log, a sample grid per epoch, checkpoints and a loss chart', () => {
    const r = train([...base, '--epochs', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /genlab backend: wasm/);
    // A dedicated training run takes every CPU unless told otherwise, and the backend line says so.
    const cpus = availableParallelism();
    assert.match(r.stdout, cpus > 1 ? new RegExp(`${cpus} threads`) : /single-threaded/);
    assert.match(r.stdout, /epoch 1\/1 .*validationElbo -\d+/);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    assert.equal(config.seed, 3);
    assert.equal(config.trainSize, 300);
    assert.equal(config.backend, 'wasm');
    const log = readLog(out);
    assert.equal(log.filter((l) => l.type === 'batch').length, 3);
    assert.equal(log.filter((l) => l.type === 'epoch').length, 1);
    const png = decodePng(readFileSync(join(out, 'samples', 'epoch-001.png')));
    assert.ok(png.width > 200 && png.height > 200);
    assert.ok(existsSync(join(out, 'checkpoints', 'epoch-001', 'state.json')));
    assert.match(readFileSync(join(out, 'losses.svg'), 'utf8'), /^<svg[\s\S]*<path/);
  });

  test('refuses to overwrite a run, and --resume continues it at the next epoch', () => {
    const again = train([...base, '--epochs', '2']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already holds a training run; resume it \(--resume\)/);
    const r = train([...base, '--epochs', '2', '--resume']);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /epoch 1\/2/);
    assert.match(r.stdout, /epoch 2\/2/);
    assert.match(r.stdout, /resumed from epoch 1/);
    assert.deepEqual(
      readLog(out)
        .filter((l) => l.type === 'epoch')
        .map((l) => l.epoch),
      [1, 2],
    );
    assert.ok(existsSync(join(out, 'samples', 'epoch-002.png')));
  });

  test('same seed, same backend → the same logged numbers', () => {
    const other = join(tmp(), 'run');
    const r = train([...base.slice(0, -4), '--out', other, '--log-every', '1', '--epochs', '1']);
    assert.equal(r.status, 0, r.stderr);
    const pick = (dir: string) =>
      readLog(dir)
        .filter((l) => l.type === 'batch' && l.epoch === 1)
        .map((l) => [l.loss, l.kl]);
    assert.deepEqual(pick(other), pick(out));
  });

  test('--learning-rate is the step size used (the first update differs) and the config records it', () => {
    const other = join(tmp(), 'run');
    const r = train([...base.slice(0, -4), '--out', other, '--log-every', '1', '--epochs', '1', '--learning-rate', '1e-5']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(readFileSync(join(other, 'config.json'), 'utf8')).learningRate, 1e-5);
    assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).learningRate, undefined);
    const losses = (dir: string) =>
      readLog(dir)
        .filter((l) => l.type === 'batch' && l.epoch === 1)
        .map((l) => l.loss as number);
    const [slow, usual] = [losses(other), losses(out)];
    // Batch 1 is scored before any update; from batch 2 on, the weights differ.
    assert.equal(slow[0], usual[0]);
    assert.notEqual(slow[1], usual[1]);
  });
});

describe('a GAN run scores its samples every epoch', () => {
  test('classifier Fréchet distance and Inception-style score each epoch, Parzen every N', () => {
    const out = join(tmp(), 'run');
    const r = train(['gan', '--train-limit', '128', '--epochs', '2', '--parzen-every', '2', '--out', out, '--threads', '1']);
    assert.equal(r.status, 0, r.stderr);
    const epochs = readLog(out).filter((l) => l.type === 'epoch') as { epoch: number; metrics: Record<string, number> }[];
    assert.equal(epochs.length, 2);
    for (const e of epochs) {
      // An untrained generator is far from MNIST: a large distance and a score near 1 (one class).
      assert.ok(e.metrics.frechet1000 > 10, `frechet ${e.metrics.frechet1000}`);
      assert.ok(e.metrics.inceptionScore1000 >= 1 && e.metrics.inceptionScore1000 < 5, `IS ${e.metrics.inceptionScore1000}`);
    }
    assert.equal(epochs[0].metrics.parzen1000, undefined, 'no Parzen on epoch 1');
    assert.ok(Number.isFinite(epochs[1].metrics.parzen1000));
    assert.match(r.stdout, /epoch 2\/2 .*frechet1000 [\d.]+ .*parzen1000 -?[\d.]+/);
  });

  test('--classifier none skips the classifier scores', () => {
    const out = join(tmp(), 'run');
    const r = train(['gan', '--train-limit', '64', '--epochs', '1', '--classifier', 'none', '--parzen-every', '0', '--out', out, '--threads', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((readLog(out).find((l) => l.type === 'epoch') as { metrics: object }).metrics, {});
    assert.doesNotMatch(r.stderr, /no classifier/);
  });
});

describe('Ctrl-C', () => {
  test('before the first logged batch: a clean stop (exit 130, no stack trace), no log to chart', async () => {
    const out = join(tmp(), 'run');
    const { GENLAB_WASM_THREADS: _threads, ...inherited } = process.env;
    // --classifier names a missing folder: its warning is printed after the SIGINT handler is in place.
    const args = [
      'gan',
      '--train-limit',
      '2000',
      '--batch-size',
      '50',
      '--log-every',
      '1000',
      '--classifier',
      join(out, 'none'),
      '--out',
      out,
      '--threads',
      '1',
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/train.ts', ...args], { env: { ...inherited, GENLAB_BACKEND: 'wasm' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/no classifier at/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.match(stderr, /stopping after this batch/);
    assert.doesNotMatch(stderr, /ENOENT|\n\s+at /, 'no stack trace');
    assert.match(stdout, /stopped after epoch 0; run folder: /);
    assert.equal(status, 130, stderr);
  });
});

describe('--init-from: a new run starts from a published model', () => {
  test("the published 2-D VAE's weights are loaded: one short epoch scores far above a fresh start", () => {
    const out = join(tmp(), 'run');
    const r = train([
      'vae',
      '--latent-dim',
      '2',
      '--train-limit',
      '200',
      '--epochs',
      '1',
      '--init-from',
      'static/models/vae-mlp-z2',
      '--out',
      out,
      '--threads',
      '1',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /initialized encoder and decoder from static\/models\/vae-mlp-z2/);
    const epoch = readLog(out).find((l) => l.type === 'epoch') as { metrics: { validationElbo: number } };
    // Two batches from random weights leave the ELBO near −540 (784·log 2); the trained model is near −150.
    assert.ok(epoch.metrics.validationElbo > -180, `validation ELBO ${epoch.metrics.validationElbo}`);
    assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).initFrom, 'static/models/vae-mlp-z2');
  });

  test('another architecture, or a folder that is not a published model: one clear error, exit 1', () => {
    const wrong = train(['vae', '--train-limit', '200', '--epochs', '1', '--init-from', 'static/models/vae-mlp-z2', '--out', join(tmp(), 'run')]);
    assert.equal(wrong.status, 1, wrong.stderr);
    assert.match(wrong.stderr, /its encoder has weights \[784×500, 500, 500×4, 4\], this model \[784×500, 500, 500×40, 40\]/);
    const none = train(['gan', '--train-limit', '64', '--epochs', '1', '--init-from', tmp(), '--out', join(tmp(), 'run')]);
    assert.equal(none.status, 1, none.stderr);
    assert.match(none.stderr, /expected a published model folder \(metadata\.json, from npm run export:model\)/);
    assert.doesNotMatch(none.stderr + wrong.stderr, /\n\s+at /, 'no stack trace');
  });
});

test("--discriminator-batch-norm trains Radford et al.'s discriminator, is recorded, and a resume must say it again", () => {
  const out = join(tmp(), 'dcgan-bn');
  const args = ['gan', '--model', 'dcgan', '--train-limit', '64', '--batch-size', '32', '--classifier', 'none', '--parzen-every', '0', '--threads', '1'];
  const r = train([...args, '--discriminator-batch-norm', '--epochs', '1', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).discriminatorBatchNorm, true);
  const saved = JSON.parse(readFileSync(join(out, 'checkpoints', 'epoch-001', 'discriminator', 'model.json'), 'utf8'));
  const layers = saved.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name);
  assert.ok(layers.includes('BatchNormalization'), layers.join());
  const forgot = train([...args, '--epochs', '2', '--out', out, '--resume']);
  assert.equal(forgot.status, 2);
  assert.match(forgot.stderr, /was trained with --discriminator-batch-norm; resume it the same way/);
  const resumed = train([...args, '--discriminator-batch-norm', '--epochs', '2', '--out', out, '--resume']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, /resumed from epoch 1/);
  const published = join(tmp(), 'published');
  const e = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/export-model.ts', out, '--out', published], {
    encoding: 'utf8',
    env: { ...process.env, GENLAB_BACKEND: 'wasm' },
  });
  assert.equal(e.status, 0, e.stderr);
  const meta = JSON.parse(readFileSync(join(published, 'metadata.json'), 'utf8'));
  assert.match(meta.model, /discriminatorBatchNorm: true/);
  assert.match(meta.discriminator.use, /--model dcgan --discriminator-batch-norm --init-from/);
});
