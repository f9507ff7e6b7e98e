// centerDigit: a free-hand drawing prepared the way MNIST's digits were (crop, 20×20 box, centre of mass).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centerDigit, DIGIT_BOX } from '../../src/genlab/src/data/drawing';

function canvas(w: number, h: number, paint: (x: number, y: number) => number): Float32Array {
  const a = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) a[y * w + x] = paint(x, y);
  return a;
}

function stats(img: Float32Array) {
  let mass = 0,
    mx = 0,
    my = 0,
    x0 = 28,
    x1 = -1,
    y0 = 28,
    y1 = -1;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = img[y * 28 + x];
      mass += v;
      mx += v * x;
      my += v * y;
      if (v > 0.01) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { mass, cx: mx / mass, cy: my / mass, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

test('an off-centre blob in a corner of a 280×280 canvas ends up centred and 20 px tall', () => {
  // A ring (a drawn "0"), 60 wide and 90 tall, in the top-left corner.
  const ink = canvas(280, 280, (x, y) => {
    const r = ((x - 40) / 30) ** 2 + ((y - 55) / 45) ** 2;
    return r < 1 && r > 0.55 ? 1 : 0;
  });
  const img = centerDigit(ink, 280, 280)!;
  assert.equal(img.length, 784);
  const s = stats(img);
  assert.ok(Math.abs(s.cx - 13.5) <= 0.5 && Math.abs(s.cy - 13.5) <= 0.5, `centre of mass (${s.cx}, ${s.cy})`);
  assert.equal(s.h, DIGIT_BOX);
  assert.ok(Math.abs(s.w - 14) <= 1, `aspect kept: width ${s.w} for 60:90`);
  assert.ok(img.every((v) => v >= 0 && v <= 1));
});

test('area averaging keeps the share of ink: a solid square fills its box, a half-density one half of it', () => {
  const solid = centerDigit(
    canvas(100, 100, (x, y) => (x >= 10 && x < 90 && y >= 10 && y < 90 ? 1 : 0)),
    100,
    100,
  )!;
  assert.ok(Math.abs(stats(solid).mass - 400) < 1e-3, `mass ${stats(solid).mass}`);
  const checker = centerDigit(
    canvas(100, 100, (x, y) => (x >= 10 && x < 90 && y >= 10 && y < 90 && (x + y) % 2 === 0 ? 1 : 0)),
    100,
    100,
  )!;
  assert.ok(Math.abs(stats(checker).mass - 200) < 10, `mass ${stats(checker).mass}`);
});

test('a tiny drawing is scaled up, not left as a speck', () => {
  const img = centerDigit(
    canvas(50, 50, (x, y) => (x === 25 && y >= 20 && y < 30 ? 1 : 0)),
    50,
    50,
  )!;
  assert.equal(stats(img).h, DIGIT_BOX);
});

test('an empty canvas gives null; wrong sizes are refused with the numbers', () => {
  assert.equal(centerDigit(new Float32Array(400), 20, 20), null);
  assert.equal(centerDigit(new Float32Array(400).fill(0.01), 20, 20), null);
  assert.throws(() => centerDigit(new Float32Array(10), 4, 4), /expected 4×4 = 16 values, got 10/);
  assert.throws(() => centerDigit(new Float32Array(0), 0, 0), /positive integers/);
});
