import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from './write-atomic';

function toUint8(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * A `tf.io` handler that saves and loads a model as `model.json` + `weights.bin` in a folder, the
 * layout `tf.loadLayersModel` reads over HTTP too. TensorFlow.js only ships a `file://` handler
 * with tfjs-node, which is optional here, so genlab brings its own. Both files are written
 * atomically, weights first, so `model.json` never points at missing weights.
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      mkdirSync(dir, { recursive: true });
      const weights = artifacts.weightData ? toUint8(artifacts.weightData) : new Uint8Array(0);
      writeFileAtomic(join(dir, 'weights.bin'), weights);
      const modelJson = {
        modelTopology: artifacts.modelTopology ?? null,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weights.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelFile = join(dir, 'model.json');
      if (!existsSync(modelFile)) throw new Error(`${modelFile}: expected a saved model, found no such file`);
      const json = JSON.parse(readFileSync(modelFile, 'utf8')) as tf.io.ModelJSON;
      const manifest = json.weightsManifest;
      const bytes = readFileSync(join(dir, 'weights.bin'));
      const specs = manifest.flatMap((group) => group.weights);
      const bytesPer = (s: tf.io.WeightsManifestEntry) => (s.quantization ? (s.quantization.dtype === 'uint8' ? 1 : 2) : 4);
      const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPer(s), 0);
      if (bytes.byteLength !== expected) {
        throw new Error(`${join(dir, 'weights.bin')}: expected ${expected} bytes of weights, found ${bytes.byteLength}`);
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: specs,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

/** Everything that, restored, lets training continue as if it had never stopped. */
export interface CheckpointContent<S> {
  epoch: number;
  models: Record<string, tf.LayersModel>;
  optimizers: Record<string, tf.Optimizer>;
  /** JSON state: RNG state, history, … */
  state: S;
}

const CHECKPOINT_DIR = /^epoch-(\d{3,})$/;

/**
 * Saves a checkpoint as `dir/epoch-NNN/`: one folder per model (via {@link fileSystemHandler}),
 * one per optimizer's slots, then `state.json`. Everything goes into a temporary folder that is
 * renamed into place last, so a crash mid-save leaves the previous checkpoint as the latest
 * complete one. Keeps the newest `keep` checkpoints.
 */
export async function saveCheckpoint<S>(dir: string, content: CheckpointContent<S>, keep = 2): Promise<string> {
  const name = `epoch-${String(content.epoch).padStart(3, '0')}`;
  const tmp = join(dir, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const [key, model] of Object.entries(content.models)) {
    await model.save(fileSystemHandler(join(tmp, key)));
  }
  for (const [key, optimizer] of Object.entries(content.optimizers)) {
    const named = await optimizer.getWeights();
    const { data, specs } = await tf.io.encodeWeights(named);
    // getWeights() makes a fresh scalar for the iteration count; the rest are the live slots.
    tf.dispose(named.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
    await fileSystemHandler(join(tmp, `${key}.optimizer`)).save!({ weightSpecs: specs, weightData: data, format: 'optimizer-slots' });
  }
  writeFileSync(join(tmp, 'state.json'), JSON.stringify({ epoch: content.epoch, state: content.state }));
  const final = join(dir, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  for (const old of listCheckpoints(dir).slice(0, -keep)) rmSync(join(dir, old), { recursive: true, force: true });
  return final;
}

/** Complete checkpoint folders in `dir`, oldest first. Temporary folders never match. */
export function listCheckpoints(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => CHECKPOINT_DIR.test(n) && existsSync(join(dir, n, 'state.json')))
    .sort((a, b) => Number(CHECKPOINT_DIR.exec(a)![1]) - Number(CHECKPOINT_DIR.exec(b)![1]));
}

/** Reads the saved weights of one model folder, in the model's own weight order. */
async function readWeights(folder: string): Promise<tf.Tensor[]> {
  const artifacts = await fileSystemHandler(folder).load!();
  const named = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  return artifacts.weightSpecs!.map((s) => named[s.name]);
}

/**
 * Adam's bias corrections use β₁ᵗ and β₂ᵗ, which training builds by one float32 multiplication per
 * step while tfjs's `setWeights` recomputes them as `pow(β, t)`: a last-bit difference that makes
 * a resumed run drift from an uninterrupted one (by ~1e-8 per weight after one step). Rebuilding
 * them the way training does (a float32 product is the exact product rounded once, as
 * `Math.fround` does) keeps resumed runs bit-identical.
 */
function restoreAdamPowers(optimizer: tf.AdamOptimizer): void {
  // Protected in the typings; these are the fields Adam reads on every step.
  const adam = optimizer as unknown as { beta1: number; beta2: number; iterations_: number; accBeta1: tf.Variable; accBeta2: tf.Variable };
  const power = (beta: number) => {
    const b = Math.fround(beta);
    let acc = b;
    for (let t = 0; t < adam.iterations_; t++) acc = Math.fround(acc * b);
    return acc;
  };
  tf.tidy(() => {
    adam.accBeta1.assign(tf.scalar(power(adam.beta1)));
    adam.accBeta2.assign(tf.scalar(power(adam.beta2)));
  });
}

/**
 * Restores the newest complete checkpoint into existing models and optimizers and returns its
 * epoch and state, or `undefined` when there is none. Weights are matched by position, not name:
 * TensorFlow.js numbers layer names per process, so names differ between two runs of the same
 * architecture while the order never does.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- public signature (api report): the caller names the type it expects
export async function restoreLatestCheckpoint<S>(
  dir: string,
  models: Record<string, tf.LayersModel>,
  optimizers: Record<string, tf.Optimizer>,
): Promise<{ epoch: number; state: S; path: string } | undefined> {
  const names = listCheckpoints(dir);
  if (!names.length) return undefined;
  const path = join(dir, names[names.length - 1]);
  for (const [key, model] of Object.entries(models)) {
    const weights = await readWeights(join(path, key));
    if (weights.length !== model.weights.length) {
      throw new Error(`${join(path, key)}: expected ${model.weights.length} weight tensors for this architecture, found ${weights.length}`);
    }
    model.setWeights(weights);
    tf.dispose(weights);
  }
  for (const [key, optimizer] of Object.entries(optimizers)) {
    const artifacts = await fileSystemHandler(join(path, `${key}.optimizer`)).load!();
    const named = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
    // setWeights keeps these tensors as the optimizer's slot variables' initial values.
    await optimizer.setWeights(artifacts.weightSpecs!.map((s) => ({ name: s.name, tensor: named[s.name] })));
    tf.dispose(Object.values(named));
    if (optimizer instanceof tf.AdamOptimizer) restoreAdamPowers(optimizer);
  }
  const saved = JSON.parse(readFileSync(join(path, 'state.json'), 'utf8')) as { epoch: number; state: S };
  return { epoch: saved.epoch, state: saved.state, path };
}
