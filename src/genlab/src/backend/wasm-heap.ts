/**
 * What genlab's JavaScript kernels for the wasm backend share: the part of tfjs's BackendWasm they
 * use, and a tiny assembler for wasm SIMD functions that work in place on its heap. The modules are
 * written out as bytes, so no toolchain is needed; each imports tfjs's memory and exports one
 * function taking byte offsets into it.
 */
import * as tf from '@tensorflow/tfjs';

/** The subset of BackendWasm the kernels use. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
}

export type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: tf.KernelBackend };

/** Runs the displaced built-in kernel (provided by wasm-kernels.ts). */
export type Builtin = (kernelName: string, args: KernelArgs) => tf.TensorInfo;

/** Unsigned LEB128, wasm's integer encoding. */
export function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const name = (s: string) => [...leb128(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...leb128(body.length), ...body];

/** Instructions the kernels' loops are made of. */
export const wasmOp = {
  get: (i: number) => [0x20, i], // local.get
  set: (i: number) => [0x21, i], // local.set
  simd: (op: number) => [0xfd, ...leb128(op)],
  load: [0xfd, 0x00, 0x00, 0x00], // v128.load align=0 offset=0
  store: [0xfd, 0x0b, 0x00, 0x00], // v128.store
  /** `block loop; br_if (i >= end)`: opens a loop over byte offsets i < end. */
  loopWhileBelow: (i: number, end: number) => [0x02, 0x40, 0x03, 0x40, 0x20, i, 0x20, end, 0x4f, 0x0d, 0x01],
  /** `i += 16; br 0; end end end`: the next four float32 lanes, closing the loop and the function. */
  nextLanesAndEnd: (i: number) => [0x20, i, 0x41, 0x10, 0x6a, 0x21, i, 0x0c, 0x00, 0x0b, 0x0b, 0x0b],
  /** `end = n << 2` (elements to bytes). */
  bytesOf: (n: number, end: number) => [0x20, n, 0x41, 0x02, 0x74, 0x21, end],
};

export interface SimdFunction {
  /** Export name. */
  name: string;
  /** Parameter value types (0x7f i32, 0x7d f32). */
  params: number[];
  /** Local declarations as [count, type] (0x7f i32, 0x7b v128). */
  locals: [number, number][];
  code: number[];
  /** The threaded build's memory is shared, with a 4 GiB maximum; the import must say so. */
  sharedMemory: boolean;
}

/** A module importing `env.memory` and exporting one function with no results. */
export function simdModuleBytes(f: SimdFunction): Uint8Array {
  const body = [...leb128(f.locals.length), ...f.locals.flatMap(([count, type]) => [...leb128(count), type]), ...f.code];
  const limits = f.sharedMemory ? [0x03, 0x00, ...leb128(65536)] : [0x00, 0x00];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [0x01, 0x60, ...leb128(f.params.length), ...f.params, 0x00]),
    ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, ...limits]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name(f.name), 0x00, 0x00]),
    ...section(10, [0x01, ...leb128(body.length), ...body]),
  ]);
}

/**
 * The function of `moduleBytes(shared)` bound to the backend's heap, compiled once per heap, or
 * `null` where the heap is not reachable or this runtime has no wasm SIMD (the caller falls back).
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the type of the wasm export it looks up
export function heapFunction<F>(exportName: string, moduleBytes: (sharedMemory: boolean) => Uint8Array): (backend: WasmHeapBackend) => F | null {
  const byMemory = new WeakMap<WebAssembly.Memory, F | null>();
  return (backend) => {
    const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
    if (!(memory instanceof WebAssembly.Memory)) return null;
    let fn = byMemory.get(memory);
    if (fn === undefined) {
      try {
        const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
        fn = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(shared)), { env: { memory } }).exports[exportName] as unknown as F;
      } catch {
        fn = null;
      }
      byMemory.set(memory, fn);
    }
    return fn;
  };
}

/**
 * An elementwise float32 kernel's output for x: `simd` (byte offsets into the heap and a count)
 * on the first n − n mod 4 elements, `scalar`, its bit-identical twin, on the rest.
 */
export function mapOnHeap(
  backend: WasmHeapBackend,
  x: tf.TensorInfo,
  simd: (src: number, dst: number, n: number) => void,
  scalar: (v: number) => number,
): tf.TensorInfo {
  const out = backend.makeOutput(x.shape, 'float32');
  // Views after the allocation: a heap that grows detaches older ones.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const n = dst.length;
  const n4 = n - (n % 4);
  if (n4 > 0) simd(src.byteOffset, dst.byteOffset, n4);
  for (let i = n4; i < n; i++) dst[i] = scalar(src[i]);
  return out;
}
