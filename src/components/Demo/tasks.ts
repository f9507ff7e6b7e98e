// The demo's asynchronous work without React or a DOM: each piece disposes its tensors on every
// path and turns a failure into a state and a message instead of an unhandled rejection, so the
// page never sits in a busy state. test/demo/tasks.test.ts runs them in Node.
import type * as TF from '@tensorflow/tfjs';
import type * as Genlab from 'genlab/browser';

type Tf = typeof TF;

/** What a canvas's data-state says (the browser tests wait on it). */
export type DrawState = 'drawing' | 'ready' | 'error';

export interface ReportedDraw {
  /** Draw the images (e.g. into a canvas). */
  draw: (images: TF.Tensor2D) => Promise<void>;
  /** Receives the numbers once the images are drawn, unless the draw was cancelled. */
  report: (values: number[]) => void;
  setState: (state: DrawState) => void;
  /** A failed draw, for the page to show; the state is already 'error'. */
  onError: (error: Error) => void;
}

/**
 * Computes images and a tensor of numbers in one tidy, draws the images, then reports the
 * numbers and sets the state 'ready'. Both tensors are disposed however it ends. Returns the
 * cleanup that drops a stale report and `done`, which never rejects.
 */
export function drawReported(tf: Tf, make: () => [TF.Tensor2D, TF.Tensor], io: ReportedDraw): { cancel: () => void; done: Promise<void> } {
  let live = true;
  io.setState('drawing');
  const done = (async () => {
    const [images, numbers] = tf.tidy(make);
    try {
      await io.draw(images);
      const values = Array.from(await numbers.data());
      if (!live) return;
      io.report(values);
      io.setState('ready');
    } finally {
      tf.dispose([images, numbers]);
    }
  })().catch((e: unknown) => {
    if (!live) return;
    io.setState('error');
    io.onError(e instanceof Error ? e : new Error(String(e)));
  });
  return {
    cancel: () => {
      live = false;
    },
    done,
  };
}

export interface DrawingAnalysis {
  /** The posterior mean E[z|x] of the drawn digit. */
  z: number[];
}

/**
 * The drawing pad's analysis: centres the ink like an MNIST digit, encodes it with the VAE and
 * decodes the posterior mean; `draw` shows the encoder's input and the reconstruction. Returns
 * null when there is no ink. Every tensor is disposed, also when `draw` throws.
 */
export async function analyseDrawing(
  tf: Tf,
  genlab: Pick<typeof Genlab, 'centerDigit' | 'encode' | 'decode'>,
  vae: Genlab.Vae,
  ink: Float32Array,
  size: number,
  draw: (input: TF.Tensor2D, reconstruction: TF.Tensor2D) => Promise<void>,
): Promise<DrawingAnalysis | null> {
  const prepared = genlab.centerDigit(ink, size, size);
  if (!prepared) return null;
  const [x, images, mean] = tf.tidy(() => {
    const x = tf.tensor2d(prepared, [1, 784]);
    const { mean } = genlab.encode(vae, x);
    return [x, tf.sigmoid(genlab.decode(vae, mean)) as TF.Tensor2D, mean];
  });
  try {
    await draw(x, images);
    return { z: Array.from(await mean.data()) };
  } finally {
    tf.dispose([x, images, mean]);
  }
}

/**
 * At most one pending call of `run` per animation frame, cancelled by `dispose` (a component's
 * unmount), after which nothing more is scheduled.
 */
export class FrameScheduler<Handle = number> {
  private pending: Handle | null = null;
  private disposed = false;
  /** `request` and `cancel` default to the browser's requestAnimationFrame and cancelAnimationFrame. */
  constructor(
    private readonly run: () => void,
    private readonly request: (callback: () => void) => Handle = (cb) => requestAnimationFrame(cb) as Handle,
    private readonly cancel: (handle: Handle) => void = (h) => cancelAnimationFrame(h as number),
  ) {}

  schedule(): void {
    if (this.disposed || this.pending !== null) return;
    this.pending = this.request(() => {
      this.pending = null;
      this.run();
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.pending !== null) this.cancel(this.pending);
    this.pending = null;
  }
}
