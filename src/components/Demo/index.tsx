// The interactive page's pieces: sample grids, the 2-D latent plane, interpolation and a drawing
// pad. Each is a small component so docs/demo.mdx can put the explanation between them. All
// sampling goes through genlab's own sampleLatent / interpolateLatent / centerDigit / encode /
// decode (the browser entry of the library), so the page computes what the notebooks compute.
import React, { useCallback, useEffect, useRef, useState } from 'react';
import Translate, { translate } from '@docusaurus/Translate';
import type * as TF from '@tensorflow/tfjs';
import type { InterpolationKind } from 'genlab/browser';
import ganMeta from '@site/static/models/gan-mlp/metadata.json';
import ganMetrics from '@site/static/models/gan-mlp/metrics.json';
import dcganMeta from '@site/static/models/gan-dcgan/metadata.json';
import dcganMetrics from '@site/static/models/gan-dcgan/metrics.json';
import vaeMeta from '@site/static/models/vae-mlp-z2/metadata.json';
import { drawImageGrid, parseSeed, randomSeed, setDrawnLatent, subscribeDrawnLatent, type DemoRuntime } from './runtime';
import { analyseDrawing, drawReported, FrameScheduler } from './tasks';
import { useRuntime } from './useRuntime';
import { DIFFUSION_NOTES } from './DiffusionSection';
import styles from './styles.module.css';

/** `gan` is the DCGAN (the page's default GAN), `gan-mlp` the MLP GAN, `vae` the 2-D VAE. */
type ModelName = 'gan' | 'gan-mlp' | 'vae';

/**
 * The GAN shown first and interpolated by default: the one whose samples score better (lower
 * classifier Fréchet distance in its metrics.json), so the page leads with the better model as
 * training goes on.
 */
const LEADING_GAN: ModelName = dcganMetrics.classifier.generated.frechet <= ganMetrics.classifier.generated.frechet ? 'gan' : 'gan-mlp';
const OTHER_GAN: ModelName = LEADING_GAN === 'gan' ? 'gan-mlp' : 'gan';

/** What the page downloads for its models, in MB, from the weights' sizes in their metadata. */
const DOWNLOAD_MB = Math.round((dcganMeta.weights.bytes + ganMeta.weights.bytes + vaeMeta.weights.bytes) / 1e6);

const ganOf = (runtime: DemoRuntime, model: ModelName) => runtime.gans[model === 'gan' ? 'dcgan' : 'mlp'];

/**
 * Images in [0, 1], [n, 784], for latent points z: (G(z) + 1) / 2 for a GAN (the DCGAN's [n, 28, 28, 1]
 * flattened), sigmoid(logits) for the VAE.
 */
function imagesFor(runtime: DemoRuntime, model: ModelName, z: TF.Tensor): TF.Tensor2D {
  const { tf, genlab } = runtime;
  return tf.tidy(() =>
    model === 'vae'
      ? tf.sigmoid(genlab.decode(runtime.vae, z))
      : (ganOf(runtime, model).generator.predict(z) as TF.Tensor).add(1).div(2).reshape([z.shape[0], 784]),
  ) as TF.Tensor2D;
}

/**
 * For an effect: computes images and a tensor of numbers to report in one tidy, draws the images
 * into `canvas` as a grid of `cols` columns, then reports the numbers and marks the canvas ready
 * (data-state, which the browser tests wait on); a failure marks it 'error' and goes to `onError`.
 * Returns the cleanup that drops a stale report.
 */
function drawInto(
  runtime: DemoRuntime,
  canvas: HTMLCanvasElement,
  cols: number,
  make: () => [TF.Tensor2D, TF.Tensor],
  report: (values: number[]) => void,
  onError: (e: Error) => void,
): () => void {
  return drawReported(runtime.tf, make, {
    draw: (images) => drawImageGrid(runtime.tf, images, cols, canvas),
    report,
    setState: (state) => {
      canvas.dataset.state = state;
    },
    onError,
  }).cancel;
}

function DrawError({ error }: { error?: string }): React.ReactElement | null {
  if (!error) return null;
  return (
    <p className="alert alert--danger" role="alert" data-testid="draw-error">
      <Translate id="demo.drawFailed" values={{ error }}>
        {'Drawing failed: {error}'}
      </Translate>
    </p>
  );
}

function latentDim(runtime: DemoRuntime, model: ModelName): number {
  return model === 'vae' ? runtime.vae.latentDim : ganOf(runtime, model).latentDim;
}

/** Where the models run: WebGL, or the CPU backend when WebGL is unavailable (said plainly). */
export function DemoStatus(): React.ReactElement {
  const { runtime, error } = useRuntime();
  const [tensors, setTensors] = useState<number | undefined>();
  // Every tensor the page makes is disposed: after any click this number comes back to the weights' count.
  useEffect(() => {
    if (!runtime) return;
    const tick = () => setTensors(runtime.tf.memory().numTensors);
    tick();
    const id = window.setInterval(tick, 500);
    return () => window.clearInterval(id);
  }, [runtime]);
  const memory =
    tensors === undefined ? null : (
      <div className={styles.caption} data-testid="demo-tensors" data-count={tensors}>
        <Translate id="demo.status.tensors" values={{ count: tensors }}>
          {'Tensors in memory: {count}'}
        </Translate>
      </div>
    );
  if (error) {
    return (
      <div className="alert alert--danger" role="alert" data-testid="demo-status" data-state="error">
        <Translate id="demo.status.error" values={{ error }}>
          {'The models could not be loaded: {error}'}
        </Translate>
      </div>
    );
  }
  if (!runtime) {
    return (
      <div className="alert alert--secondary" data-testid="demo-status" data-state="loading">
        <Translate id="demo.status.loading" values={{ size: DOWNLOAD_MB }}>
          {'Loading TensorFlow.js and the trained models (about {size} MB)…'}
        </Translate>
      </div>
    );
  }
  if (runtime.backend === 'webgl') {
    return (
      <div className="alert alert--success" data-testid="demo-status" data-state="ready" data-backend="webgl">
        <Translate id="demo.status.webgl">The models run in your browser on TensorFlow.js's WebGL backend (your GPU).</Translate>
        {memory}
      </div>
    );
  }
  return (
    <div className="alert alert--warning" data-testid="demo-status" data-state="ready" data-backend={runtime.backend}>
      <Translate id="demo.status.cpu" values={{ backend: <code>{runtime.backend}</code> }}>
        {'WebGL is not available in this browser, so the models run on the {backend} backend of TensorFlow.js instead: the same numbers, only slower.'}
      </Translate>
      {memory}
    </div>
  );
}

function useSeedFromUrl(param: string, fallback: number): [number, (seed: number) => void] {
  const [seed, setSeedState] = useState(fallback);
  useEffect(() => {
    const fromUrl = parseSeed(new URLSearchParams(window.location.search).get(param));
    if (fromUrl !== undefined) setSeedState(fromUrl);
  }, [param]);
  const setSeed = useCallback(
    (s: number) => {
      setSeedState(s);
      const url = new URL(window.location.href);
      url.searchParams.set(param, String(s));
      window.history.replaceState(window.history.state, '', url);
    },
    [param],
  );
  return [seed, setSeed];
}

const GRID = 16;

function SampleGrid({ model }: { model: ModelName }): React.ReactElement {
  const { runtime } = useRuntime();
  const [seed, setSeed] = useSeedFromUrl(model, model === 'vae' ? 2 : 1);
  const [typed, setTyped] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [link, setLink] = useState('');
  const [failed, setFailed] = useState<string>();

  useEffect(() => {
    if (!runtime || !canvas.current) return;
    const el = canvas.current;
    setFailed(undefined);
    return drawInto(
      runtime,
      el,
      4,
      () => {
        const z = runtime.genlab.sampleLatent(GRID, latentDim(runtime, model), seed);
        return [imagesFor(runtime, model, z), z.sum()];
      },
      ([sum]) => {
        el.dataset.seed = String(seed);
        el.dataset.zSum = sum.toFixed(4);
        setLink(window.location.href);
      },
      (e) => setFailed(e.message),
    );
  }, [runtime, model, seed]);

  const typedSeed = typed === null ? undefined : parseSeed(typed);
  const title = {
    gan: translate({ id: 'demo.sample.dcgan', message: 'DCGAN generator (100-D latent)' }),
    'gan-mlp': translate({ id: 'demo.sample.gan', message: 'MLP GAN generator (100-D latent)' }),
    vae: translate({ id: 'demo.sample.vae', message: 'VAE decoder (2-D latent)' }),
  }[model];
  return (
    <div className={styles.column}>
      <h4>{title}</h4>
      <canvas
        ref={canvas}
        className={`${styles.pixels} ${styles.grid}`}
        width={112}
        height={112}
        data-testid={`${model}-samples`}
        aria-label={translate({ id: 'demo.sample.canvas', message: '16 sampled digits' })}
      />
      <DrawError error={failed} />
      <div className={styles.controls}>
        <button
          type="button"
          className="button button--primary button--sm"
          disabled={!runtime}
          onClick={() => {
            setTyped(null);
            setSeed(randomSeed());
          }}
          data-testid={`${model}-sample-button`}
        >
          <Translate id="demo.sample.button">New sample</Translate>
        </button>
        <label>
          <Translate id="demo.sample.seed">seed</Translate>{' '}
          <input
            type="number"
            min={0}
            value={typed ?? String(seed)}
            aria-invalid={typed !== null && typedSeed === undefined}
            onChange={(e) => {
              setTyped(e.target.value);
              const s = parseSeed(e.target.value);
              if (s !== undefined) setSeed(s);
            }}
          />
        </label>
      </div>
      {typed !== null && typedSeed === undefined ? (
        <p className={styles.caption} role="alert">
          <Translate id="demo.sample.badSeed">A seed is a whole number from 0 to 2147483647.</Translate>
        </p>
      ) : null}
      {link ? (
        <p className={styles.caption}>
          <a href={link} data-testid={`${model}-link`}>
            <Translate id="demo.sample.link">Link to this grid</Translate>
          </a>
        </p>
      ) : null}
    </div>
  );
}

export function SampleSection(): React.ReactElement {
  return (
    <div className={styles.panel}>
      <div className={styles.row}>
        <SampleGrid model={LEADING_GAN} />
        <SampleGrid model={OTHER_GAN} />
        <SampleGrid model="vae" />
      </div>
    </div>
  );
}

/** Tableau 10: ten colours told apart by most readers, one per digit. */
const DIGIT_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const RANGE = 4; // the plane shows z in [-4, 4]²: the prior's 3σ and 99% of the encoded test digits
const PLANE = 600; // canvas pixels per side

const toPlane = (v: number) => ((v + RANGE) / (2 * RANGE)) * PLANE;
const clamp = (v: number) => Math.max(-RANGE, Math.min(RANGE, v));

export function LatentPlaneSection(): React.ReactElement {
  const { runtime } = useRuntime();
  const [z, setZ] = useState<[number, number]>([0, 0]);
  const [drawn, setDrawn] = useState<[number, number] | null>(null);
  const scatter = useRef<HTMLCanvasElement>(null);
  const decoded = useRef<HTMLCanvasElement>(null);
  const dragging = useRef(false);
  const pending = useRef<[number, number] | null>(null);
  const busy = useRef(false);

  useEffect(() => subscribeDrawnLatent(setDrawn), []);

  useEffect(() => {
    if (!runtime || !scatter.current) return;
    const ctx = scatter.current.getContext('2d')!;
    ctx.clearRect(0, 0, PLANE, PLANE);
    ctx.globalAlpha = 0.55;
    for (const [z1, z2, label] of runtime.testLatents) {
      ctx.fillStyle = DIGIT_COLORS[label];
      ctx.beginPath();
      ctx.arc(toPlane(z1), PLANE - toPlane(z2), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }, [runtime]);

  // Decodes the newest point only: while one decode runs, later drags overwrite `pending`.
  const decodeLatest = useCallback(async () => {
    if (!runtime || !decoded.current || busy.current) return;
    busy.current = true;
    try {
      while (pending.current) {
        const point = pending.current;
        pending.current = null;
        const images = runtime.tf.tidy(() => imagesFor(runtime, 'vae', runtime.tf.tensor2d([point], [1, 2])));
        await drawImageGrid(runtime.tf, images, 1, decoded.current);
        images.dispose();
        decoded.current.dataset.z = point.map((v) => v.toFixed(3)).join(',');
        decoded.current.dataset.state = 'ready';
      }
    } finally {
      busy.current = false;
    }
  }, [runtime]);

  useEffect(() => {
    pending.current = z;
    void decodeLatest();
  }, [z, decodeLatest]);

  const moveTo = (e: React.PointerEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = (e.clientX - r.left) / r.width;
    const y = (e.clientY - r.top) / r.height;
    setZ([clamp(-RANGE + 2 * RANGE * x), clamp(RANGE - 2 * RANGE * y)]);
  };
  const onKey = (e: React.KeyboardEvent) => {
    const step = e.shiftKey ? 0.5 : 0.1;
    const d: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (!d[e.key]) return;
    e.preventDefault();
    setZ(([a, b]) => [clamp(a + d[e.key][0]), clamp(b + d[e.key][1])]);
  };

  const ticks = [-RANGE, -RANGE / 2, 0, RANGE / 2, RANGE];
  return (
    <div className={styles.panel}>
      <div className={styles.row}>
        <div className={styles.column} style={{ flexBasis: 300 }}>
          <div className={styles.plane}>
            <canvas ref={scatter} width={PLANE} height={PLANE} data-testid="latent-scatter" />
            <svg
              viewBox={`0 0 ${PLANE} ${PLANE}`}
              tabIndex={0}
              role="slider"
              data-testid="latent-plane"
              aria-label={translate({ id: 'demo.plane.aria', message: 'Latent point z; drag, or use the arrow keys' })}
              aria-valuemin={-RANGE}
              aria-valuemax={RANGE}
              aria-valuenow={Number(z[0].toFixed(2))}
              aria-valuetext={`z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`}
              onPointerDown={(e) => {
                e.currentTarget.setPointerCapture(e.pointerId);
                dragging.current = true;
                moveTo(e);
              }}
              onPointerMove={(e) => dragging.current && moveTo(e)}
              onPointerUp={() => (dragging.current = false)}
              onPointerCancel={() => (dragging.current = false)}
              onKeyDown={onKey}
            >
              <rect x={0} y={0} width={PLANE} height={PLANE} fill="none" stroke="var(--ifm-color-emphasis-400)" />
              {ticks.map((t) => (
                <g key={t} stroke="var(--ifm-color-emphasis-300)" strokeDasharray={t === 0 ? undefined : '4 6'}>
                  <line x1={toPlane(t)} y1={0} x2={toPlane(t)} y2={PLANE} />
                  <line x1={0} y1={toPlane(t)} x2={PLANE} y2={toPlane(t)} />
                </g>
              ))}
              <text x={PLANE - 8} y={PLANE / 2 - 8} textAnchor="end" fontSize={20} fill="var(--ifm-color-emphasis-700)">
                z₁
              </text>
              <text x={PLANE / 2 + 8} y={24} fontSize={20} fill="var(--ifm-color-emphasis-700)">
                z₂
              </text>
              {drawn ? (
                <g data-testid="drawn-marker" transform={`translate(${toPlane(clamp(drawn[0]))} ${PLANE - toPlane(clamp(drawn[1]))})`}>
                  <path d="M-12 -12 L12 12 M-12 12 L12 -12" stroke="#000" strokeWidth={7} />
                  <path d="M-12 -12 L12 12 M-12 12 L12 -12" stroke="#fff" strokeWidth={3} />
                </g>
              ) : null}
              <circle
                cx={toPlane(z[0])}
                cy={PLANE - toPlane(z[1])}
                r={13}
                fill="var(--ifm-color-primary)"
                stroke="#fff"
                strokeWidth={4}
                data-testid="latent-handle"
              />
            </svg>
          </div>
          <div className={styles.legend}>
            {DIGIT_COLORS.map((c, d) => (
              <span key={d}>
                <span className={styles.swatch} style={{ background: c }} />
                {d}
              </span>
            ))}
          </div>
        </div>
        <div className={styles.column}>
          <canvas
            ref={decoded}
            className={`${styles.pixels} ${styles.single}`}
            width={28}
            height={28}
            data-testid="latent-decoded"
            aria-label={translate({ id: 'demo.plane.decoded', message: 'The digit decoded at z' })}
          />
          <p className={`${styles.caption} ${styles.mono}`} data-testid="latent-z">
            z = ({z[0].toFixed(2)}, {z[1].toFixed(2)})
          </p>
          <p className={styles.caption}>
            <Translate id="demo.plane.caption">
              Each dot is the encoder's mean for one test digit, coloured by its label. Drag the blue point (or focus the plane and use the arrow keys): the
              image is sigmoid(decoder(z)).
            </Translate>
          </p>
          {drawn ? (
            <p className={styles.caption}>
              <Translate id="demo.plane.drawn">The white cross marks the digit you drew below.</Translate>
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}

const STEPS = 10;

export function InterpolationSection(): React.ReactElement {
  const { runtime } = useRuntime();
  const [model, setModel] = useState<ModelName>(LEADING_GAN);
  const [kind, setKind] = useState<InterpolationKind>('spherical');
  const [ends, setEnds] = useState<[number, number]>([11, 12]);
  const [norms, setNorms] = useState<number[]>([]);
  const strip = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState<string>();

  useEffect(() => {
    if (!runtime || !strip.current) return;
    const el = strip.current;
    const { tf, genlab } = runtime;
    const d = latentDim(runtime, model);
    setFailed(undefined);
    return drawInto(
      runtime,
      el,
      STEPS,
      () => {
        const z = genlab.interpolateLatent(genlab.sampleLatent(1, d, ends[0]), genlab.sampleLatent(1, d, ends[1]), STEPS, kind);
        return [imagesFor(runtime, model, z), tf.norm(z, 'euclidean', 1)];
      },
      (n) => {
        setNorms(n);
        el.dataset.key = `${model}:${kind}:${ends.join(',')}`;
      },
      (e) => setFailed(e.message),
    );
  }, [runtime, model, kind, ends]);

  return (
    <div className={styles.panel}>
      <div className={styles.controls}>
        <label>
          <Translate id="demo.interp.model">Model</Translate>{' '}
          <select value={model} onChange={(e) => setModel(e.target.value as ModelName)} data-testid="interp-model">
            <option value="gan">{translate({ id: 'demo.interp.dcgan', message: 'DCGAN (100-D)' })}</option>
            <option value="gan-mlp">{translate({ id: 'demo.interp.gan', message: 'MLP GAN (100-D)' })}</option>
            <option value="vae">{translate({ id: 'demo.interp.vae', message: 'VAE (2-D)' })}</option>
          </select>
        </label>
        <label>
          <Translate id="demo.interp.kind">Path</Translate>{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as InterpolationKind)} data-testid="interp-kind">
            <option value="linear">{translate({ id: 'demo.interp.linear', message: 'linear' })}</option>
            <option value="spherical">{translate({ id: 'demo.interp.spherical', message: 'spherical (slerp)' })}</option>
          </select>
        </label>
        <button
          type="button"
          className="button button--primary button--sm"
          disabled={!runtime}
          data-testid="interp-new"
          onClick={() => setEnds([randomSeed(), randomSeed()])}
        >
          <Translate id="demo.interp.new">New endpoints</Translate>
        </button>
        <span className={styles.mono}>{translate({ id: 'demo.interp.seeds', message: 'seeds {a} → {b}' }, { a: String(ends[0]), b: String(ends[1]) })}</span>
      </div>
      <canvas
        ref={strip}
        className={`${styles.pixels} ${styles.strip}`}
        width={STEPS * 28}
        height={28}
        data-testid="interpolation-strip"
        aria-label={translate({ id: 'demo.interp.aria', message: 'Ten images along the path between two latent points' })}
      />
      <DrawError error={failed} />
      <div className={styles.norms} style={{ gridTemplateColumns: `repeat(${STEPS}, 1fr)` }} data-testid="interp-norms">
        {norms.map((n, i) => (
          <span key={i}>{n.toFixed(1)}</span>
        ))}
      </div>
      <p className={styles.caption}>
        <Translate id="demo.interp.caption">
          The numbers are the length of each latent point, |z|. Under a 100-D Gaussian prior samples lie near |z| ≈ 10; a linear path sags to about 7 in the
          middle, where the generator was never trained. The spherical path stays near the shell.
        </Translate>
      </p>
    </div>
  );
}

const PAD = 280;

export function DrawSection(): React.ReactElement {
  const { runtime } = useRuntime();
  const pad = useRef<HTMLCanvasElement>(null);
  const input = useRef<HTMLCanvasElement>(null);
  const recon = useRef<HTMLCanvasElement>(null);
  const last = useRef<[number, number] | null>(null);
  const [z, setZ] = useState<[number, number] | null>(null);

  const clear = useCallback(() => {
    const ctx = pad.current?.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, PAD, PAD);
    for (const c of [input.current, recon.current]) c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    if (recon.current) recon.current.dataset.state = 'empty';
    setZ(null);
    setDrawnLatent(null);
  }, []);

  useEffect(clear, [clear]);

  const [failed, setFailed] = useState<string>();
  const mounted = useRef(true);

  const analyse = useCallback(async () => {
    if (!runtime || !pad.current) return;
    const { data } = pad.current.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, PAD, PAD);
    const ink = new Float32Array(PAD * PAD);
    for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i] / 255; // white ink on black, like MNIST
    try {
      const result = await analyseDrawing(runtime.tf, runtime.genlab, runtime.vae, ink, PAD, async (x, images) => {
        await drawImageGrid(runtime.tf, x, 1, input.current!);
        await drawImageGrid(runtime.tf, images, 1, recon.current!);
      });
      if (!result || !mounted.current) return;
      const [z1, z2] = result.z;
      recon.current!.dataset.state = 'ready';
      recon.current!.dataset.z = `${z1.toFixed(3)},${z2.toFixed(3)}`;
      setFailed(undefined);
      setZ([z1, z2]);
      setDrawnLatent([z1, z2]);
    } catch (e) {
      if (!mounted.current) return;
      if (recon.current) recon.current.dataset.state = 'error';
      setFailed((e as Error).message);
    }
  }, [runtime]);

  // One analysis per animation frame while drawing; the pending frame is cancelled on unmount.
  const scheduler = useRef<FrameScheduler | undefined>(undefined);
  useEffect(() => {
    mounted.current = true;
    const s = new FrameScheduler(() => void analyse());
    scheduler.current = s;
    return () => {
      mounted.current = false;
      s.dispose();
    };
  }, [analyse]);
  const schedule = () => scheduler.current?.schedule();
  const point = (e: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * PAD, ((e.clientY - r.top) / r.height) * PAD];
  };
  const stroke = (to: [number, number]) => {
    const ctx = pad.current!.getContext('2d', { willReadFrequently: true })!;
    const from = last.current ?? to;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 18;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
    last.current = to;
  };

  return (
    <div className={styles.panel}>
      <div className={styles.row}>
        <div className={styles.column}>
          <canvas
            ref={pad}
            className={styles.pad}
            width={PAD}
            height={PAD}
            data-testid="draw-pad"
            aria-label={translate({ id: 'demo.draw.aria', message: 'Drawing pad: draw a digit with the mouse, a pen or a finger' })}
            onPointerDown={(e) => {
              e.currentTarget.setPointerCapture(e.pointerId);
              last.current = null;
              stroke(point(e));
              schedule();
            }}
            onPointerMove={(e) => {
              if (last.current === null || e.buttons === 0) return;
              stroke(point(e));
              schedule();
            }}
            onPointerUp={() => {
              last.current = null;
              void analyse();
            }}
          />
          <div className={styles.controls}>
            <button type="button" className="button button--secondary button--sm" onClick={clear} data-testid="draw-clear">
              <Translate id="demo.draw.clear">Clear</Translate>
            </button>
          </div>
        </div>
        <div className={styles.column}>
          <div className={styles.row}>
            <figure style={{ margin: 0 }}>
              <canvas ref={input} className={`${styles.pixels} ${styles.small}`} width={28} height={28} data-testid="draw-input" />
              <figcaption className={styles.caption}>
                <Translate id="demo.draw.input">What the encoder sees</Translate>
              </figcaption>
            </figure>
            <figure style={{ margin: 0 }}>
              <canvas ref={recon} className={`${styles.pixels} ${styles.small}`} width={28} height={28} data-testid="draw-reconstruction" />
              <figcaption className={styles.caption}>
                <Translate id="demo.draw.recon">Reconstruction</Translate>
              </figcaption>
            </figure>
          </div>
          <DrawError error={failed} />
          <p className={`${styles.caption} ${styles.mono}`} data-testid="draw-z">
            {z ? `E[z|x] = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})` : translate({ id: 'demo.draw.empty', message: 'Draw a digit on the black pad.' })}
          </p>
        </div>
      </div>
    </div>
  );
}

function formatDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

/** A run's wall-clock training time (all its epochs, resumed ones included), when its metadata has it. */
function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  return seconds < 3600 ? `${Math.max(1, Math.round(seconds / 60))} min` : `${(seconds / 3600).toFixed(1)} h`;
}

/** How and when the published models were trained, from the metadata.json (and metrics.json) next to them. */
export function ModelNotes(): React.ReactElement {
  const frechet = (m: { classifier: { generated: { frechet: number } } }) =>
    translate({ id: 'demo.notes.frechet', message: 'classifier Fréchet distance {value}' }, { value: m.classifier.generated.frechet.toFixed(2) });
  type Training = { command: string; epochs: number; resumedFrom?: number; backend: string; device: string; finishedAt?: string; wallSeconds?: number };
  const models: [string, Training, { bytes: number }][] = [
    ['DCGAN', dcganMeta.training, dcganMeta.weights],
    ['MLP GAN', ganMeta.training, ganMeta.weights],
    ['VAE', vaeMeta.training, vaeMeta.weights],
    [translate({ id: 'demo.notes.diffusion', message: 'Diffusion (U-Net)' }), DIFFUSION_NOTES.training, DIFFUSION_NOTES.weights],
  ];
  const epochs = (t: Training) =>
    t.resumedFrom
      ? translate({ id: 'demo.notes.resumed', message: '{epochs} (resumed after epoch {from})' }, { epochs: t.epochs, from: t.resumedFrom })
      : String(t.epochs);
  const rows: [React.ReactNode, ...React.ReactNode[]][] = [
    [<Translate id="demo.notes.command">Command</Translate>, ...models.map(([, t]) => <code>{t.command}</code>)],
    [<Translate id="demo.notes.epochs">Epochs</Translate>, ...models.map(([, t]) => epochs(t))],
    [<Translate id="demo.notes.engine">Engine</Translate>, ...models.map(([, t]) => `${t.backend} (${t.device})`)],
    [<Translate id="demo.notes.date">Trained</Translate>, ...models.map(([, t]) => formatDate(t.finishedAt))],
    [<Translate id="demo.notes.time">Training time</Translate>, ...models.map(([, t]) => formatDuration(t.wallSeconds))],
    [
      <Translate id="demo.notes.quality">Quality</Translate>,
      frechet(dcganMetrics),
      frechet(ganMetrics),
      translate({ id: 'demo.notes.elbo', message: 'validation ELBO {value} nats' }, { value: vaeMeta.training.lastEpoch.metrics.validationElbo.toFixed(1) }),
      DIFFUSION_NOTES.quality(),
    ],
    [<Translate id="demo.notes.download">Download</Translate>, ...models.map(([, , w]) => `${(w.bytes / 2 ** 20).toFixed(1)} MiB, float16`)],
  ];
  return (
    <table data-testid="model-notes">
      <thead>
        <tr>
          <th />
          {models.map(([name]) => (
            <th key={name}>{name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, ...cells], i) => (
          <tr key={i}>
            <th scope="row">{label}</th>
            {cells.map((c, j) => (
              <td key={j}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
