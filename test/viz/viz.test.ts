import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { decodePng, encodeGrayPng, gridPixels, imageGridPng } from '../../src/genlab/src/viz/png';
import { lineChartSpec, lineChartSvg, pointsFromLog, type ChartPoint } from '../../src/genlab/src/viz/charts';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

// Three 2x2 images in [0, 1], row-major.
const IMAGES = [
  [0, 1, 0.5, 0.25], // → 255, 0, 128 (round(127.5)), 191 (round(191.25))
  [1, 1, 0, 0], //      → 0, 0, 255, 255
  [0.75, 0.125, 2, -1], // → 64 (round(63.75)), 223 (round(223.125)), 0 (clamped), 255 (clamped)
];
const W = 255;
// columns 2, padding 1, scale 1: cell 3, width 2·3 + 1 = 7, height 2·3 + 1 = 7
const EXPECTED_GRID = [
  [W, W, W, W, W, W, W],
  [W, 255, 0, W, 0, 0, W],
  [W, 128, 191, W, 255, 255, W],
  [W, W, W, W, W, W, W],
  [W, 64, 223, W, W, W, W],
  [W, 0, 255, W, W, W, W],
  [W, W, W, W, W, W, W],
];

function rows(pixels: ArrayLike<number>, width: number, height: number, stride = 1): number[][] {
  return Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => pixels[(y * width + x) * stride]));
}

describe('image grids', () => {
  test('gridPixels: layout, ink dark on white, exact values', () => {
    const { width, height, pixels } = gridPixels(IMAGES.flat(), 3, { columns: 2, padding: 1, scale: 1 });
    assert.equal(width, 7);
    assert.equal(height, 7);
    assert.equal(pixels.length, 49);
    assert.deepEqual(rows(pixels, 7, 7), EXPECTED_GRID);
  });

  test('gridPixels: default columns (ceil √n), padding 2, and integer scale', () => {
    const { width, height, pixels } = gridPixels(new Float32Array(IMAGES.flat()), 3, { scale: 2 });
    // 2 columns, 2 rows, cell 2·2 + 2 = 6, size 2·6 + 2 = 14
    assert.equal(width, 14);
    assert.equal(height, 14);
    const r = rows(pixels, 14, 14);
    // image 0 occupies x, y in [2, 6): each source pixel is a 2x2 block
    assert.deepEqual(r[2].slice(0, 8), [W, W, 255, 255, 0, 0, W, W]);
    assert.deepEqual(r[3].slice(0, 8), [W, W, 255, 255, 0, 0, W, W]);
    assert.deepEqual(r[4].slice(0, 8), [W, W, 128, 128, 191, 191, W, W]);
    // image 1 at x in [8, 12)
    assert.deepEqual(r[5].slice(6, 14), [W, W, 255, 255, 255, 255, W, W]);
    // image 2 at y in [8, 12), x in [2, 6)
    assert.deepEqual(r[8].slice(0, 7), [W, W, 64, 64, 223, 223, W]);
    assert.deepEqual(r[11].slice(0, 7), [W, W, 0, 0, 255, 255, W]);
    // the padding row between the grid rows and the empty fourth cell stay white
    assert.ok(r[6].every((v) => v === W) && r[7].every((v) => v === W));
    assert.ok(r.slice(8, 12).every((row) => row.slice(8).every((v) => v === W)));
  });

  test('range [-1, 1]: −1 is white, 1 is black, 0 is mid grey', () => {
    const { pixels } = gridPixels([-1, 1, 0, 0.5], 1, { range: [-1, 1], padding: 0 });
    assert.deepEqual([...pixels], [255, 0, 128, 64]);
  });

  test('non-square input is an error', () => {
    assert.throws(() => gridPixels(new Array(15).fill(0), 3), /cannot split 15 values into 3 square images/);
    assert.throws(() => gridPixels(new Array(8).fill(0), 1), /cannot split 8 values into 1 square images/);
  });

  test('imageGridPng round-trips through decodePng with the exact pixels', async () => {
    const images = tf.tensor4d(IMAGES.flat(), [3, 2, 2, 1]);
    const png = await imageGridPng(images, { columns: 2, padding: 1, scale: 1 });
    images.dispose();
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { width, height, data } = decodePng(png);
    assert.equal(width, 7);
    assert.equal(height, 7);
    assert.equal(data.length, 7 * 7 * 4); // pngjs decodes to RGBA
    assert.deepEqual(rows(data, 7, 7, 4), EXPECTED_GRID);
    for (let i = 0; i < 49; i++) {
      assert.equal(data[4 * i + 1], data[4 * i]);
      assert.equal(data[4 * i + 2], data[4 * i]);
      assert.equal(data[4 * i + 3], 255);
    }
  });

  test('imageGridPng with range [-1, 1] on a tanh-style batch', async () => {
    const images = tf.tensor4d([-1, 1, 0, -0.5, 1, 1, 1, 1], [2, 2, 2, 1]);
    const { width, height, data } = decodePng(await imageGridPng(images, { range: [-1, 1], padding: 0, columns: 2 }));
    images.dispose();
    assert.equal(width, 4);
    assert.equal(height, 2);
    assert.deepEqual(rows(data, 4, 2, 4), [
      [255, 0, 0, 0],
      [128, 191, 0, 0],
    ]);
  });

  test('encodeGrayPng of a non-square raster', () => {
    const pixels = Uint8Array.from([0, 50, 100, 150, 200, 250]);
    const { width, height, data } = decodePng(encodeGrayPng(3, 2, pixels));
    assert.equal(width, 3);
    assert.equal(height, 2);
    assert.deepEqual(rows(data, 3, 2, 4), [
      [0, 50, 100],
      [150, 200, 250],
    ]);
  });
});

describe('charts', () => {
  const points: ChartPoint[] = [
    { x: 0, y: 1, series: 'discriminator' },
    { x: 10, y: 2, series: 'discriminator' },
    { x: 0, y: 3, series: 'generator' },
    { x: 10, y: 0.5, series: 'generator' },
  ];

  test('lineChartSpec: data, axes and the series as colour field', () => {
    const spec = lineChartSpec(points, { title: 'Losses', yTitle: 'nats', width: 300 }) as {
      title: string;
      width: number;
      height: number;
      data: { values: ChartPoint[] };
      mark: { type: string };
      encoding: Record<string, { field: string; type: string; title: string | null }>;
    };
    assert.equal(spec.title, 'Losses');
    assert.equal(spec.width, 300);
    assert.equal(spec.height, 240);
    assert.equal(spec.mark.type, 'line');
    assert.equal(spec.data.values, points);
    assert.deepEqual({ field: spec.encoding.color.field, type: spec.encoding.color.type }, { field: 'series', type: 'nominal' });
    assert.equal(spec.encoding.x.field, 'x');
    assert.equal(spec.encoding.x.title, 'step');
    assert.equal(spec.encoding.y.field, 'y');
    assert.equal(spec.encoding.y.title, 'nats');
  });

  test('lineChartSvg: an SVG with one line path per series and the title', async () => {
    const svg = await lineChartSvg(points, { title: 'GAN <losses> & more', xTitle: 'epoch' });
    assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    const lines = [...svg.matchAll(/<path [^>]*aria-roledescription="line mark"[^>]*>/g)].map((m) => m[0]);
    assert.equal(lines.length, 2);
    assert.ok(lines[0].includes('series: discriminator'));
    assert.ok(lines[1].includes('series: generator'));
    // both lines run across the full 480-pixel-wide plot, from x = 0 to x = 10
    for (const l of lines) assert.match(l, /d="M0,[\d.]+L480,[\d.]+"/);
    const strokes = lines.map((l) => /stroke="(#[0-9a-f]{6})"/.exec(l)?.[1]);
    assert.ok(strokes[0] && strokes[1] && strokes[0] !== strokes[1], `strokes ${strokes}`);
    assert.ok(svg.includes('>GAN &lt;losses&gt; &amp; more</text>'));
    assert.ok(svg.includes('>epoch</text>'));
    assert.ok(svg.includes('>discriminator</text>') && svg.includes('>generator</text>'));
  });

  test('lineChartSvg with three series draws three lines', async () => {
    const three = [...points, { x: 0, y: 1, series: 'elbo' }, { x: 5, y: 2, series: 'elbo' }];
    const svg = await lineChartSvg(three);
    assert.equal([...svg.matchAll(/aria-roledescription="line mark"/g)].length, 3);
    assert.ok(svg.startsWith('<svg'));
  });

  test('pointsFromLog picks only numeric fields, with the step as x', () => {
    const records = [
      { step: 0, discriminatorLoss: 1.2, generatorLoss: 0.7, note: 'warm-up' },
      { step: 1, discriminatorLoss: '1.1', generatorLoss: 0.8 },
      { step: 2, discriminatorLoss: 1.0, generatorLoss: null },
      { discriminatorLoss: 9, generatorLoss: 9 },
      { step: 3, discriminatorLoss: NaN, generatorLoss: 0.6 },
    ];
    const pts = pointsFromLog(records, ['discriminatorLoss', 'generatorLoss', 'note']);
    assert.deepEqual(pts, [
      { x: 0, y: 1.2, series: 'discriminatorLoss' },
      { x: 0, y: 0.7, series: 'generatorLoss' },
      { x: 1, y: 0.8, series: 'generatorLoss' },
      { x: 2, y: 1.0, series: 'discriminatorLoss' },
      { x: 3, y: NaN, series: 'discriminatorLoss' },
      { x: 3, y: 0.6, series: 'generatorLoss' },
    ]);
    const byEpoch = pointsFromLog([{ epoch: 4, elbo: -100 }], ['elbo'], 'epoch');
    assert.deepEqual(byEpoch, [{ x: 4, y: -100, series: 'elbo' }]);
  });
});
