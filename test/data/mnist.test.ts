import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { binarize, epochBatches, imagesToTensor, IMAGE_SIZE, PIXELS, range, sliceSplit, type MnistSplit } from '../../src/genlab/src/data/mnist';
import { Rng } from '../../src/genlab/src/random';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Three crafted images: all 0, all 255, and a ramp where pixel p is p mod 256. */
function craftedSplit(): MnistSplit {
  const images = new Uint8Array(3 * PIXELS);
  images.fill(255, PIXELS, 2 * PIXELS);
  for (let p = 0; p < PIXELS; p++) images[2 * PIXELS + p] = p % 256;
  return { images, labels: Uint8Array.from([0, 1, 2]), size: 3 };
}

describe('imagesToTensor', () => {
  test("'unit' scales 0..255 to [0,1] with exact endpoints", () => {
    const split = craftedSplit();
    const t = imagesToTensor(split, [0, 1, 2], 'unit');
    assert.deepEqual(t.shape, [3, 784]);
    assert.equal(t.dtype, 'float32');
    const v = t.dataSync();
    t.dispose();
    for (let p = 0; p < PIXELS; p++) {
      assert.equal(v[p], 0);
      assert.equal(v[PIXELS + p], 1);
      assert.ok(Math.abs(v[2 * PIXELS + p] - (p % 256) / 255) < 1e-7);
    }
    assert.ok(Math.abs(v[2 * PIXELS + 51] - 0.2) < 1e-7);
  });

  test("'tanh' scales 0..255 to [-1,1] with exact endpoints", () => {
    const split = craftedSplit();
    const t = imagesToTensor(split, [1, 0, 2], 'tanh');
    const v = t.dataSync();
    t.dispose();
    for (let p = 0; p < PIXELS; p++) {
      assert.equal(v[p], 1);
      assert.equal(v[PIXELS + p], -1);
      assert.ok(Math.abs(v[2 * PIXELS + p] - ((2 * (p % 256)) / 255 - 1)) < 1e-6);
    }
    // 51 → 2·51/255 − 1 = −0.6
    assert.ok(Math.abs(v[2 * PIXELS + 51] + 0.6) < 1e-6);
  });

  test('row order follows the indices, repeats allowed', () => {
    const t = imagesToTensor(craftedSplit(), [2, 2, 1], 'unit');
    const v = t.dataSync();
    t.dispose();
    assert.equal(v[10], Math.fround(10 / 255));
    assert.equal(v[PIXELS + 10], Math.fround(10 / 255));
    assert.equal(v[2 * PIXELS + 10], 1);
  });

  test("shapes: 'flat' is [n,784], 'image' is [n,28,28,1] with the same values", () => {
    const split = craftedSplit();
    const flat = imagesToTensor(split, [2, 0], 'unit', 'flat');
    const image = imagesToTensor(split, [2, 0], 'unit', 'image');
    assert.deepEqual(flat.shape, [2, 784]);
    assert.deepEqual(image.shape, [2, IMAGE_SIZE, IMAGE_SIZE, 1]);
    assert.deepEqual(image.dataSync(), flat.dataSync());
    // row 1, column 3 of image 0 is pixel 28 + 3 = 31
    const px = image.slice([0, 1, 3, 0], [1, 1, 1, 1]);
    assert.ok(Math.abs(px.dataSync()[0] - 31 / 255) < 1e-7);
    tf.dispose([flat, image, px]);
  });

  test('an index outside the split is a RangeError', () => {
    const before = tf.memory().numTensors;
    assert.throws(
      () => imagesToTensor(craftedSplit(), [0, 3], 'unit'),
      (e: Error) => e instanceof RangeError && /index 3 outside a split of 3/.test(e.message),
    );
    assert.throws(() => imagesToTensor(craftedSplit(), [-1], 'unit'), RangeError);
    assert.equal(tf.memory().numTensors, before);
  });

  test('a count takes the first images; a count past the split or not a whole number is a RangeError', async () => {
    const split = craftedSplit();
    const byCount = imagesToTensor(split, 2, 'unit');
    const byIndex = imagesToTensor(split, [0, 1], 'unit');
    assert.deepEqual(byCount.shape, [2, PIXELS]);
    assert.deepEqual(await byCount.data(), await byIndex.data());
    tf.dispose([byCount, byIndex]);
    const before = tf.memory().numTensors;
    assert.throws(() => imagesToTensor(split, 4, 'unit'), /index 3 outside a split of 3/);
    assert.throws(() => imagesToTensor(split, 1.5, 'unit'), /a count must be a non-negative integer, got 1.5/);
    assert.equal(tf.memory().numTensors, before);
  });

  test('sliceSplit shares memory and clamps the end', () => {
    const split = craftedSplit();
    const s = sliceSplit(split, 1, 10);
    assert.equal(s.size, 2);
    assert.equal(s.images.length, 2 * PIXELS);
    assert.deepEqual([...s.labels], [1, 2]);
    assert.equal(s.images.buffer, split.images.buffer);
    assert.equal(s.images[0], 255);
    assert.deepEqual([...range(4)], [0, 1, 2, 3]);
  });
});

describe('binarize', () => {
  test('gives only 0 and 1; 0 stays 0 and 1 stays 1', () => {
    const x = tf.concat([tf.zeros([1, 100]), tf.ones([1, 100]), tf.fill([1, 100], 0.5)]);
    const b = binarize(x, 7);
    const v = b.dataSync() as Float32Array;
    assert.deepEqual(b.shape, [3, 100]);
    assert.equal(b.dtype, 'float32');
    for (let i = 0; i < 300; i++) assert.ok(v[i] === 0 || v[i] === 1);
    for (let i = 0; i < 100; i++) {
      assert.equal(v[i], 0);
      assert.equal(v[100 + i], 1);
    }
    const halves = v.slice(200).reduce((a, c) => a + c, 0);
    assert.ok(halves > 20 && halves < 80, `${halves} of 100 half-grey pixels on`);
    tf.dispose([x, b]);
  });

  test('same seed gives the same draw, different seeds differ', () => {
    const x = tf.fill([4, 784], 0.5);
    const a = binarize(x, 123).dataSync();
    const b = binarize(x, 123).dataSync();
    const c = binarize(x, 124).dataSync();
    assert.deepEqual(a, b);
    let differ = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) differ++;
    // two independent fair coin flips disagree half the time: 1568 ± 3σ(≈31)
    assert.ok(differ > 1400 && differ < 1736, `${differ} pixels differ`);
    x.dispose();
  });

  test('the mean over many draws equals the intensity', () => {
    const x = tf.fill([1, 784], 0.3);
    let sum = 0;
    const draws = 100;
    for (let s = 1; s <= draws; s++) {
      const b = binarize(x, s);
      sum += b.sum().dataSync()[0];
      b.dispose();
    }
    const mean = sum / (draws * 784);
    // σ of the mean = sqrt(0.21 / 78400) ≈ 0.0016
    assert.ok(Math.abs(mean - 0.3) < 0.02, `mean ${mean}`);
    assert.ok(Math.abs(mean - 0.3) < 0.006, `mean ${mean} more than ~4σ from 0.3`);
    x.dispose();
  });

  test('leaks no tensors', () => {
    const x = tf.fill([2, 784], 0.5);
    const before = tf.memory().numTensors;
    const b = binarize(x, 5);
    assert.equal(tf.memory().numTensors, before + 1);
    b.dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});

describe('epochBatches', () => {
  test('covers each index at most once and drops the last partial batch', () => {
    const batches = epochBatches(10, 3, new Rng(1));
    assert.equal(batches.length, 3);
    for (const b of batches) assert.equal(b.length, 3);
    const seen = new Set<number>();
    for (const b of batches) {
      for (const i of b) {
        assert.ok(Number.isInteger(i) && i >= 0 && i < 10);
        assert.ok(!seen.has(i), `index ${i} twice`);
        seen.add(i);
      }
    }
    assert.equal(seen.size, 9);
  });

  test('an exact multiple covers every index once', () => {
    const batches = epochBatches(12, 4, new Rng('x'));
    assert.equal(batches.length, 3);
    const all = batches.flatMap((b) => [...b]).sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 12 }, (_, i) => i),
    );
  });

  test('same seed repeats the order, different seeds differ, successive epochs differ', () => {
    const flat = (bs: Int32Array[]) => bs.flatMap((b) => [...b]);
    const a = flat(epochBatches(100, 10, new Rng(5)));
    const b = flat(epochBatches(100, 10, new Rng(5)));
    const c = flat(epochBatches(100, 10, new Rng(6)));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const rng = new Rng(5);
    const e1 = flat(epochBatches(100, 10, rng));
    const e2 = flat(epochBatches(100, 10, rng));
    assert.deepEqual(e1, a);
    assert.notDeepEqual(e1, e2);
    // not the identity order
    assert.notDeepEqual(
      a,
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  test('a batch larger than the data is a RangeError', () => {
    assert.throws(() => epochBatches(5, 6, new Rng(0)), RangeError);
    assert.equal(epochBatches(5, 5, new Rng(0)).length, 1);
  });
});

describe('Rng', () => {
  test('permutation is a permutation', () => {
    const p = new Rng(3).permutation(1000);
    const sorted = [...p].sort((a, b) => a - b);
    assert.deepEqual(
      sorted,
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  test('next() is uniform in [0,1) and seed() is a uint32', () => {
    const r = new Rng(11);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const u = r.next();
      assert.ok(u >= 0 && u < 1);
      sum += u;
    }
    // σ of the mean of 10000 uniforms ≈ 0.0029
    assert.ok(Math.abs(sum / 10000 - 0.5) < 0.012);
    for (let i = 0; i < 100; i++) {
      const s = r.seed();
      assert.ok(Number.isInteger(s) && s >= 0 && s <= 0xffffffff);
    }
  });

  test('saving and restoring the state continues the exact same stream', () => {
    const r = new Rng(42);
    for (let i = 0; i < 17; i++) r.next();
    r.permutation(13);
    const state = JSON.parse(JSON.stringify(r.state()));
    const expected = [r.next(), r.seed(), ...r.permutation(20), r.next()];
    const resumed = new Rng(42, state);
    const got = [resumed.next(), resumed.seed(), ...resumed.permutation(20), resumed.next()];
    assert.deepEqual(got, expected);
    // the state, not the seed, decides where the stream continues
    const other = new Rng(7, state);
    assert.equal(other.next(), expected[0]);
    // and it is not the start of a fresh stream
    assert.notEqual(new Rng(42).next(), expected[0]);
  });

  test('a restored Rng does not alias the saved state', () => {
    const r = new Rng('alias');
    r.next();
    const state = r.state();
    const snapshot = JSON.stringify(state);
    const a = new Rng('alias', state);
    for (let i = 0; i < 50; i++) a.next();
    assert.equal(JSON.stringify(state), snapshot);
    const b = new Rng('alias', state);
    const c = new Rng('alias', state);
    assert.equal(b.next(), c.next());
  });
});
