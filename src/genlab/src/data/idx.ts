import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

/** IDX magic numbers for unsigned-byte data: 0x00000803 (3-D images) and 0x00000801 (1-D labels). */
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

/** A parsed IDX file: its dimensions and the raw unsigned bytes, row-major. */
export interface IdxArray {
  magic: number;
  dims: number[];
  data: Uint8Array;
}

/**
 * Bad data on disk. The message always names the file, what was expected and what was found,
 * because the person reading it has to go and fix that file.
 */
export class DataFormatError extends Error {
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: expected ${expected}, found ${found}`);
    this.name = 'DataFormatError';
  }
}

/**
 * Parses the IDX format of LeCun's MNIST files: a 4-byte magic number (two zero bytes, a type
 * code, the number of dimensions), one big-endian uint32 per dimension, then the data.
 * Only unsigned bytes (type 0x08) are accepted: that is all MNIST uses.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic?: number): IdxArray {
  if (bytes.length < 4) {
    throw new DataFormatError(file, 'an IDX header of at least 4 bytes', `${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new DataFormatError(file, `IDX magic number ${expectedMagic}`, `${magic}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    throw new DataFormatError(file, 'an unsigned-byte IDX file (magic 0x000008nn)', `magic number ${magic}`);
  }
  const rank = bytes[3];
  const headerLength = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerLength) {
    throw new DataFormatError(file, `a header of ${headerLength} bytes for ${rank} dimensions`, `${bytes.length} bytes`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerLength;
  if (found !== count) {
    const what = found < count ? 'truncated file' : 'trailing bytes';
    throw new DataFormatError(file, `${count} data bytes for dimensions [${dims.join(', ')}]`, `${found} (${what})`);
  }
  return { magic, dims, data: bytes.subarray(headerLength) };
}

/** Reads and parses one IDX file, gunzipping it when its name ends in `.gz`. */
export function readIdxFile(file: string, expectedMagic?: number): IdxArray {
  if (!existsSync(file)) {
    throw new DataFormatError(file, 'an IDX file', 'no such file');
  }
  let bytes: Uint8Array = readFileSync(file);
  if (file.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DataFormatError(file, 'gzip-compressed data', `a broken gzip stream (${(e as Error).message})`);
    }
  }
  return parseIdx(bytes, file, expectedMagic);
}

/**
 * Encodes unsigned bytes as an IDX file, the inverse of `parseIdx`: so that samples can be read by
 * any tool that reads MNIST (`[n, 28, 28]` images are exactly an MNIST images file).
 */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  if (!dims.length || dims.length > 255 || dims.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) {
    throw new RangeError(`encodeIdx: dimensions must be 1 to 255 unsigned 32-bit integers, got [${dims.join(', ')}]`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`encodeIdx: [${dims.join(', ')}] holds ${count} bytes, got ${data.length}`);
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + count);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x0800 + dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  bytes.set(data, header);
  return bytes;
}

/** Writes an IDX file (gzip-compressed when the name ends in `.gz`), atomically. */
export function writeIdxFile(file: string, dims: number[], data: Uint8Array): void {
  const raw = encodeIdx(dims, data);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, file.endsWith('.gz') ? gzipSync(raw) : raw);
  renameSync(tmp, file);
}
