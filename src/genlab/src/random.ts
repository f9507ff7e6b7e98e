import seedrandom from 'seedrandom';

/** The saved state of an {@link Rng}, so a resumed run draws exactly what an uninterrupted one would. */
export type RngState = { i: number; j: number; S: number[] };

/** seedrandom's ARC4 generator as created with `{ state: true }` (its published types omit `state`). */
interface StatefulPrng {
  (): number;
  int32(): number;
  state(): RngState;
}

/**
 * One seeded random stream for everything a training run draws on the JS side: shuffles and the
 * per-call seeds handed to `tf.randomNormal` / `tf.randomUniform`. Routing every draw through a
 * single stream whose state is checkpointed is what makes "same seed, same backend → same numbers"
 * hold across `--resume`.
 */
export class Rng {
  private readonly prng: StatefulPrng;

  constructor(seed: number | string, state?: RngState) {
    // Copy the state: seedrandom keeps using the arrays it is given.
    const options = state ? { state: { i: state.i, j: state.j, S: state.S.slice() } } : { state: true };
    this.prng = seedrandom(String(seed), options as never);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** A fresh integer seed for a TensorFlow.js random op. */
  seed(): number {
    return this.prng.int32() >>> 0;
  }

  /** Fisher–Yates shuffle of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.prng() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  state(): RngState {
    return this.prng.state();
  }
}

/**
 * The seed to hand to `tf.randomNormal` (and the truncated-normal initializers) for `seed`.
 * TensorFlow.js treats a normal seed of 0 as "no seed" and draws from `Math.random`, so seed 0
 * would not reproduce; 2^32, which {@link Rng.seed} never returns, stands in for it.
 */
export function normalSeed(seed: number): number;
export function normalSeed(seed: number | undefined): number | undefined;
export function normalSeed(seed: number | undefined): number | undefined {
  return seed === 0 ? 2 ** 32 : seed;
}
