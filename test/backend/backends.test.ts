import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  assertKernels,
  BackendUnavailableError,
  CONV_TRAINING_KERNELS,
  createGan,
  createVae,
  decode,
  discriminatorLoss,
  elbo,
  encode,
  generatorLoss,
  parseBackendName,
  reparameterize,
  setupBackend,
  trainableVariables,
} from '../../src/genlab/src/index';

test('backend names: canonical names, aliases, and a clear error for unknown ones', () => {
  assert.equal(parseBackendName('WASM'), 'wasm');
  assert.equal(parseBackendName('tfjs-node-gpu'), 'node-gpu');
  assert.equal(parseBackendName('tensorflow'), 'node');
  assert.throws(
    () => parseBackendName('tpu'),
    (e: Error) => e instanceof BackendUnavailableError && /'tpu'.*unknown backend name.*node-gpu, node, webgpu, wasm, cpu/.test(e.message),
  );
});

test('a requested native backend that is not installed is an error saying why, not a fallback', async () => {
  let installed = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    installed = false;
  }
  if (installed) return; // On a machine where libtensorflow could be downloaded there is nothing to refuse.
  await assert.rejects(setupBackend('node'), (e: Error) => e instanceof BackendUnavailableError && /'node' is not usable here: not installed/.test(e.message));
});

/**
 * Loss and gradients of a small DCGAN and a small conv VAE, on fixed inputs. Values are read with
 * `await data()`: WebGPU in Node cannot read synchronously (its dataSync needs OffscreenCanvas).
 */
async function lossesAndGradients(): Promise<number[][]> {
  const gan = createGan('dcgan', { seed: 1, latentDim: 8 });
  const vae = createVae('conv', { seed: 1, latentDim: 2 });
  const x = tf.tidy(() => tf.tanh(tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 5)));
  const z = tf.randomNormal([4, 8], 0, 1, 'float32', 6);
  const pending: tf.Tensor[] = [];
  const d = tf.variableGrads(() => {
    const fake = gan.generator.apply(z, { training: true }) as tf.Tensor;
    return discriminatorLoss(gan.discriminator.apply(x) as tf.Tensor, gan.discriminator.apply(fake) as tf.Tensor);
  }, trainableVariables(gan.discriminator));
  pending.push(d.value, ...Object.values(d.grads));
  const g = tf.variableGrads(
    () => generatorLoss(gan.discriminator.apply(gan.generator.apply(z, { training: true })) as tf.Tensor),
    trainableVariables(gan.generator),
  );
  pending.push(g.value, ...Object.values(g.grads));
  const unit = tf.tidy(() => tf.div(tf.add(x, 1), 2));
  const v = tf.variableGrads(() => {
    const { mean, logVar } = encode(vae, unit, true);
    const eps = tf.ones(mean.shape);
    return tf.neg(tf.mean(elbo(unit, decode(vae, reparameterize(mean, logVar, undefined, eps), true), mean, logVar).elbo)) as tf.Scalar;
  }, [...trainableVariables(vae.encoder), ...trainableVariables(vae.decoder)]);
  pending.push(v.value, ...Object.values(v.grads));
  const out = await Promise.all(pending.map(async (t) => Array.from(await t.data())));
  tf.dispose([x, z, unit, ...pending]);
  gan.generator.dispose();
  gan.discriminator.dispose();
  vae.encoder.dispose();
  vae.decoder.dispose();
  return out;
}

function maxRelativeError(a: number[][], b: number[][]): number {
  let worst = 0;
  a.forEach((row, i) => {
    const scale = row.reduce((m, x) => Math.max(m, Math.abs(x)), 1e-3);
    row.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[i][j]) / scale)));
  });
  return worst;
}

test('every backend present agrees with cpu on conv-model losses and gradients', async (t) => {
  await setupBackend('cpu');
  const reference = await lossesAndGradients();
  for (const name of ['wasm', 'webgpu'] as const) {
    try {
      await setupBackend(name);
    } catch (e) {
      // webgpu needs a Vulkan driver; `npm test` installs Mesa's lavapipe first, so this is rare.
      t.diagnostic(`${name} not present: ${(e as Error).message}`);
      if (name === 'webgpu' && process.env.GENLAB_REQUIRE_WEBGPU === '1') throw e;
      continue;
    }
    assertKernels(CONV_TRAINING_KERNELS, 'train convolutions');
    const got = await lossesAndGradients();
    const err = maxRelativeError(got, reference);
    t.diagnostic(`${name}: max relative difference from cpu ${err.toExponential(2)}`);
    assert.ok(err < 1e-3, `${name} differs from cpu by ${err}`);
  }
});

test('a missing kernel fails before training with the backend named', async () => {
  await setupBackend('cpu');
  assert.throws(
    () => assertKernels(['Conv2D', 'NoSuchKernel'], 'train this model'),
    /backend 'cpu' cannot train this model: it has no NoSuchKernel kernel.*--backend/,
  );
});

function runChooser(env: Record<string, string>): { status: number | null; out: string; stderr: string } {
  const code = `require('./src/genlab/src/backend').setupBackend().then((c) => { console.log(c.line); process.exit(0); }, (e) => { console.error(e.message); process.exit(3); });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: r.stdout + r.stderr, stderr: r.stderr };
}

test('the automatic chain reports its choice and why each earlier backend was skipped', () => {
  const env: Record<string, string> = {};
  delete process.env.GENLAB_BACKEND;
  const r = runChooser(env);
  assert.equal(r.status, 0, r.out);
  const line = r.out.split('\n').find((l) => l.startsWith('genlab backend:'));
  assert.ok(line, r.out);
  assert.match(line, /skipped node-gpu \(.+\)/);
  assert.match(line, /genlab backend: (node-gpu|node|webgpu|wasm|cpu) \[.+\]/);
});

test('probing WebGPU prints nothing when WebGPU is not chosen (Dawn warns on stderr while it enumerates devices)', () => {
  delete process.env.GENLAB_BACKEND;
  const r = runChooser({});
  assert.equal(r.status, 0, r.out);
  assert.doesNotMatch(r.out, /genlab backend: webgpu/, 'this test needs a machine where WebGPU is skipped (no adapter, or a software one)');
  assert.equal(r.stderr, '');
});

test('GENLAB_BACKEND picks the backend, and a bad value is an error', () => {
  const cpu = runChooser({ GENLAB_BACKEND: 'cpu' });
  assert.equal(cpu.status, 0, cpu.out);
  assert.match(cpu.out, /genlab backend: cpu \[plain JavaScript\]/);
  const bad = runChooser({ GENLAB_BACKEND: 'quantum' });
  assert.equal(bad.status, 3);
  assert.match(bad.out, /backend 'quantum' is not usable here: unknown backend name/);
});

test('the wasm speed-ups: GENLAB_WASM_ACCEL=0 leaves them out and says so; the conv filter gradient stays', () => {
  const code = `
    const tf = require('@tensorflow/tfjs');
    require('./src/genlab/src/backend').setupBackend('wasm').then(async (c) => {
      const x = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 1);
      const w = tf.randomNormal([3, 3, 1, 2], 0, 1, 'float32', 2);
      const g = tf.grad((w) => tf.conv2d(x, w, 1, 'same').sum())(w);
      console.log(JSON.stringify({ line: c.line, fusedMatMul: tf.getKernel('_FusedMatMul', 'wasm').kernelFunc.name, gradFinite: (await g.data()).every(Number.isFinite) }));
    });`;
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
      env: { ...process.env, GENLAB_WASM_THREADS: '1', ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { line: string; fusedMatMul: string; gradFinite: boolean };
  };
  const off = run({ GENLAB_WASM_ACCEL: '0' });
  assert.match(off.line, /^genlab backend: wasm \[WebAssembly, .*, genlab speed-ups off \(GENLAB_WASM_ACCEL=0\)\]$/);
  assert.notEqual(off.fusedMatMul, 'fusedMatMul', 'the built-in fused matmul');
  assert.ok(off.gradFinite, 'a conv model still trains: Conv2DBackpropFilter is core');
  const on = run({});
  assert.doesNotMatch(on.line, /speed-ups off/);
  assert.equal(on.fusedMatMul, 'fusedMatMul');
});

test('the wasm speed-ups are left out on a tfjs version they were not tested with', async () => {
  const { wasmAccelDecision, WASM_ACCEL_TFJS_VERSION } = await import('../../src/genlab/src/backend/wasm-accel.js');
  assert.equal(WASM_ACCEL_TFJS_VERSION, tf.version_core, 'the installed tfjs is the tested one');
  assert.deepEqual(wasmAccelDecision({}, { core: WASM_ACCEL_TFJS_VERSION, wasm: WASM_ACCEL_TFJS_VERSION }), { enabled: true });
  assert.deepEqual(wasmAccelDecision({}, { core: '4.23.0', wasm: '4.23.0' }), {
    enabled: false,
    reason: `tfjs 4.23.0, tested with ${WASM_ACCEL_TFJS_VERSION}`,
  });
  assert.deepEqual(wasmAccelDecision({}, { core: WASM_ACCEL_TFJS_VERSION, wasm: '5.0.0' }), {
    enabled: false,
    reason: `tfjs-backend-wasm 5.0.0, tested with ${WASM_ACCEL_TFJS_VERSION}`,
  });
  assert.equal(wasmAccelDecision({ GENLAB_WASM_ACCEL: 'off' }, { core: WASM_ACCEL_TFJS_VERSION }).enabled, false);
});
