import * as tf from '@tensorflow/tfjs';
import { normalSeed, Rng } from '../random';

/**
 * Hands every layer its own seeded initializer, so a model built twice from the same seed has
 * identical weights (TensorFlow.js draws unseeded initial weights from `Math.random`).
 */
type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

export class SeededInit {
  private readonly rng: Rng;
  /** `stream` keeps networks apart: generator seed s+1 must not repeat discriminator seed s. */
  constructor(seed: number, stream: string) {
    this.rng = new Rng(`init-${stream}-${seed}`);
  }
  glorot(): Initializer {
    return tf.initializers.glorotUniform({ seed: this.rng.seed() });
  }
  /** N(0, 0.02²), the DCGAN initialization (Radford et al. 2015). */
  normal(stddev = 0.02): Initializer {
    return tf.initializers.randomNormal({ mean: 0, stddev, seed: normalSeed(this.rng.seed()) });
  }
}

/** Whether a model takes flat `[n, 784]` vectors or `[n, 28, 28, 1]` images. */
export function inputLayout(model: tf.LayersModel): 'flat' | 'image' {
  return model.inputs[0].shape.length === 2 ? 'flat' : 'image';
}

/** The trainable variables of a model, in a fixed order (the optimizer's saved slots follow it). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- tfjs types LayerVariable.read() as Tensor; it returns the layer's tf.Variable
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}
