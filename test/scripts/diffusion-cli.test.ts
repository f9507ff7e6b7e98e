// The published class-conditional diffusion model through the command line, as the results page
// uses it: `npm run sample` with a class, `npm run evaluate`'s guidance sweep, and the files
// `npm run collect-results` writes for the page. Small sample counts and few DDIM steps keep it quick;
// the assertions are on what the trained weights do, read by the published classifier.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { decodePng, fileSystemHandler, readIdxFile, setupBackend } from '../../src/genlab/src/index';
import { IDX_IMAGES_MAGIC } from '../../src/genlab/src/data/idx';

const MODEL = join('static', 'models', 'diffusion-unet-conditional');
const CLASSIFIER = join('static', 'models', 'mnist-classifier');
const out = mkdtempSync(join(tmpdir(), 'genlab-diffusion-cli-'));

function script(name: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GENLAB_BACKEND: 'wasm' },
    timeout: 600_000,
  });
}

before(async () => {
  await setupBackend('wasm');
});

test('npm run sample --class K --guidance W: guidance pulls the samples toward the asked-for digit, as the classifier reads them', async () => {
  const classifier = await tf.loadLayersModel(fileSystemHandler(CLASSIFIER));
  const digit = 1;
  /** Mean classifier probability of `digit` over 20 samples drawn with guidance weight w (same x_T for every w). */
  const readAs = async (w: number): Promise<{ p: number; hits: number }> => {
    const file = join(out, `digit-${digit}-w${w}.idx`);
    const r = script('sample', [MODEL, '--n', '20', '--class', String(digit), '--guidance', String(w), '--steps', '20', '--seed', '1', '--out', file]);
    assert.equal(r.status, 0, r.stderr);
    const idx = readIdxFile(file, IDX_IMAGES_MAGIC);
    assert.deepEqual(idx.dims, [20, 28, 28]);
    const probs = tf.tidy(
      () =>
        classifier.predict(
          tf.tensor4d(
            Float32Array.from(idx.data, (v) => v / 255),
            [20, 28, 28, 1],
          ),
        ) as tf.Tensor2D,
    );
    const rows = await probs.array();
    probs.dispose();
    return {
      p: rows.reduce((s, row) => s + row[digit], 0) / rows.length,
      hits: rows.filter((row) => row.indexOf(Math.max(...row)) === digit).length,
    };
  };
  const [w0, w4] = [await readAs(0), await readAs(4)];
  assert.ok(w4.p > w0.p + 0.1, `mean p(y = ${digit}): ${w0.p.toFixed(3)} at w = 0, ${w4.p.toFixed(3)} at w = 4`);
  assert.ok(w4.hits >= 6, `at w = 4, ${w4.hits} of 20 samples are read as ${digit}`);
  classifier.dispose();
});

test('npm run evaluate scores a diffusion model: unconditional samples, then a guidance sweep that raises fidelity to the class', () => {
  const metricsFile = join(out, 'metrics.json');
  const r = script('evaluate', [MODEL, '--samples', '100', '--steps', '10', '--guidance', '0,3', '--per-class', '5', '--out', metricsFile]);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(readFileSync(metricsFile, 'utf8'));
  assert.equal(m.model, 'diffusion');
  assert.equal(m.sampler.steps, 10);
  assert.equal(m.classifier.generated.samples, 100);
  assert.ok(m.classifier.generated.frechet > m.classifier.realBaseline.frechet, 'samples are further from the test set than real images');
  assert.equal(m.guidance.perClass, 5);
  assert.deepEqual(
    m.guidance.rows.map((row: { guidance: number }) => row.guidance),
    [0, 3],
  );
  const [w0, w3] = m.guidance.rows as { accuracy: number; perClassAccuracy: number[] }[];
  assert.equal(w0.perClassAccuracy.length, 10);
  assert.ok(w0.accuracy >= 0 && w0.accuracy <= 1);
  assert.ok(w3.accuracy > w0.accuracy, `guidance w = 3 reads the class in ${w3.accuracy}, w = 0 in ${w0.accuracy}`);
});

test('collect-results writes what the results page reads: the JSON, a grid, one row per digit, and the per-epoch curves', () => {
  const metricsFile = join(out, 'metrics.json');
  assert.ok(existsSync(metricsFile), 'runs after the evaluate test above');
  const model = join(out, 'diffusion-unet-conditional');
  cpSync(MODEL, model, { recursive: true });
  cpSync(metricsFile, join(model, 'metrics.json'));
  const root = mkdtempSync(join(tmpdir(), 'genlab-results-'));
  const r = script('collect-results', [model, '--root', root]);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(join(root, 'results', 'diffusion-unet-conditional.json'), 'utf8'));
  assert.equal(result.family, 'diffusion');
  assert.equal(result.metrics.guidance.rows.length, 2);
  assert.ok(result.charts.includes('diffusion-unet-conditional-frechet250.svg'), `charts: ${result.charts.join(', ')}`);
  const images = join(root, 'static', 'img', 'results');
  const byClass = decodePng(readFileSync(join(images, 'diffusion-unet-conditional-by-class.png')));
  const grid = decodePng(readFileSync(join(images, 'diffusion-unet-conditional.png')));
  assert.equal(byClass.width, grid.width, 'eight columns, like the 8 × 8 grid');
  assert.ok(byClass.height > grid.height, `ten rows, one per digit: ${byClass.width}×${byClass.height}`);
});
