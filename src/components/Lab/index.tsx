// The lab: train a small GAN, VAE or diffusion model on 2-D data in the page, and watch it. The
// training run is a LabSession (session.ts) or a DiffusionSession (diffusion-session.ts), both tested
// in Node; this file owns the loop, the canvases and the controls.
// Work happens only while playing (one requestAnimationFrame chain, none while paused), every
// tensor a frame makes is freed before the next, and leaving the page disposes the run.
import React, { useCallback, useEffect, useRef, useState } from 'react';
import Link from '@docusaurus/Link';
import Translate, { translate } from '@docusaurus/Translate';
import { configToSearch, DEFAULT_CONFIG, LAB_BATCHES, LAB_LEARNING_RATES, MAX_DRAWN, parseConfig, round2, type LabConfig } from './config';
import { ARROWS, LAB_GRID, LabSession } from './session';
import { createLabRun, DiffusionSession, type LabRun, type LabViews } from './diffusion-session';
import type {} from './hook';
import { loadLabRuntime, type LabRuntime } from './runtime';
import {
  clear,
  COLORS,
  downsample,
  drawArrows,
  drawAxes,
  drawCurves,
  drawHeatMap,
  drawLines,
  drawPoints,
  drawPosteriors,
  fromPx,
  fromPy,
  PALETTE,
  toPx,
  toPy,
  VIEW_SIZE,
  type Series,
} from './draw';
import { drawForward, drawTrajectories } from './draw-diffusion';
import styles from './styles.module.css';

type Views = LabViews;
type Arrows = 'both' | 'non-saturating' | 'minimax';

interface Readout {
  /** The step the views (and data-step) show. */
  step: number;
  /** Steps trained so far, updated between redraws (a diffusion redraw can take seconds on a slow backend). */
  trained: number;
  dSteps: number;
  gSteps: number;
  stepsPerSecond: number;
  tensors: number;
  gan?: { covered?: number; meanDFake: number; gradNs: number; gradMm: number; jsd: number; value: number; valueAtOptimum: number; lD?: number; lG?: number };
  vae?: { loss?: number; reconstruction?: number; kl?: number };
  diffusion?: { loss?: number; covered?: number };
}

const HIDDEN_CHOICES = ['16-16', '32-32', '64-64', '128-128', '32-32-32', '64-64-64'];
const DECODER_STDS = [0.05, 0.1, 0.2, 0.5];
const DIFFUSION_STEPS = [20, 50, 100, 200, 500];
const SAMPLER_STEPS = [5, 10, 20, 50, 100];
/**
 * Sampling costs T (or S) network calls: while playing, a diffusion run redraws its views at most
 * this often (ms), and at most a quarter of the time, so that on a slow backend training still gets most of it.
 */
const DIFFUSION_REDRAW_MS = 1000;
/** How often (ms) the step count and speed are refreshed between redraws. */
const COUNT_MS = 250;

/** Training steps per second over the recent frames. */
function stepsPerSecondNow(r: { t: number; step: number }[]): number {
  return r.length > 1 && r[r.length - 1].t > r[0].t ? ((r[r.length - 1].step - r[0].step) * 1000) / (r[r.length - 1].t - r[0].t) : 0;
}

function FormulaLink({ to, children }: { to: string; children: React.ReactNode }): React.ReactElement {
  return (
    <Link to={to} className={styles.formulaLink}>
      {children} →
    </Link>
  );
}

function View({
  title,
  formula,
  children,
  testId,
}: {
  title: React.ReactNode;
  formula: React.ReactNode;
  children: React.ReactNode;
  testId: string;
}): React.ReactElement {
  return (
    <figure className={styles.view} data-testid={testId}>
      <figcaption className={styles.viewTitle}>{title}</figcaption>
      {children}
      <div className={styles.caption}>{formula}</div>
    </figure>
  );
}

function fmt(v: number | undefined, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

export function Lab(): React.ReactElement {
  const [config, setConfig] = useState<LabConfig | undefined>();
  const [problems, setProblems] = useState<string[]>([]);
  const [runtime, setRuntime] = useState<(LabRuntime & { wanted: LabConfig['backend'] }) | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [playing, setPlaying] = useState(false);
  const [slow, setSlow] = useState(false);
  const [arrows, setArrows] = useState<Arrows>('both');
  const [readout, setReadout] = useState<Readout | undefined>();
  const [link, setLink] = useState('');
  const [seedText, setSeedText] = useState<string | null>(null);
  const [cursor, setCursor] = useState<[number, number]>([0, 0]);
  const [noiseT, setNoiseT] = useState(50);

  const session = useRef<LabRun | null>(null);
  const views = useRef<Views | undefined>(undefined);
  const playingRef = useRef(false);
  const slowRef = useRef(false);
  const arrowsRef = useRef<Arrows>('both');
  const timer = useRef<{ raf: number; timeout: number }>({ raf: 0, timeout: 0 });
  const perFrame = useRef(4);
  const rate = useRef<{ t: number; step: number }[]>([]);
  const busy = useRef(false);
  const lastShown = useRef(0);
  const showCost = useRef(0);
  const lastCounted = useRef(0);
  const draft = useRef<[number, number][] | null>(null);
  const canvases = {
    main: useRef<HTMLCanvasElement>(null),
    dStar: useRef<HTMLCanvasElement>(null),
    latent: useRef<HTMLCanvasElement>(null),
    curves: useRef<HTMLCanvasElement>(null),
  };

  // The configuration comes from the address, once, in the browser.
  useEffect(() => {
    const parsed = parseConfig(window.location.search);
    setConfig(parsed.config);
    setProblems(parsed.problems);
  }, []);

  // The backend: loaded for the configuration's choice, again only when that choice changes.
  const wanted = config?.backend;
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    setRuntime(undefined);
    loadLabRuntime(wanted).then(
      (rt) => live && setRuntime({ ...rt, wanted }),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [wanted]);

  const stop = useCallback(() => {
    playingRef.current = false;
    setPlaying(false);
    cancelAnimationFrame(timer.current.raf);
    clearTimeout(timer.current.timeout);
    timer.current = { raf: 0, timeout: 0 };
  }, []);

  const draw = useCallback((s: LabRun, v: Views) => {
    const ctxs = Object.fromEntries(Object.entries(canvases).map(([k, r]) => [k, r.current?.getContext('2d') ?? null])) as Record<
      keyof typeof canvases,
      CanvasRenderingContext2D | null
    >;
    const { main, dStar, latent, curves } = ctxs;
    const drawn = s.config.data === 'drawn' ? (draft.current ?? s.config.drawn) : null;
    if (v.kind === 'gan') {
      if (main) {
        drawHeatMap(main, v.d, LAB_GRID.size);
        drawAxes(main);
        drawPoints(main, s.realShown, COLORS.real, 1.6);
        drawPoints(main, v.fake, COLORS.fake, 1.6, 512);
        const a = arrowsRef.current;
        const arrowPts = v.fake.subarray(0, 2 * ARROWS);
        if (a !== 'minimax') drawArrows(main, arrowPts, v.gradNonSaturating, COLORS.nonSaturating, 40);
        if (a !== 'non-saturating') drawArrows(main, arrowPts, v.gradMinimax, COLORS.minimax, 40);
      }
      if (dStar) {
        drawHeatMap(dStar, v.dStar, LAB_GRID.size);
        drawAxes(dStar);
        drawPoints(dStar, s.realShown, COLORS.real, 1.6);
        drawPoints(dStar, v.fake, COLORS.fake, 1.6, 512);
      }
      if (curves) {
        const k = Math.max(1, s.config.dSteps);
        const series: Series[] = [
          { label: 'L_D', color: COLORS.d, points: downsample(s.history.d, 300, 1 / k) },
          { label: 'L_G', color: COLORS.g, points: downsample(s.history.g) },
          { label: 'V(D, G)', color: COLORS.value, points: s.history.metrics.map((m) => [m.gStep, m.value]) },
          { label: '−log 4 + 2·JSD', color: COLORS.valueAtOptimum, points: s.history.metrics.map((m) => [m.gStep, m.valueAtOptimum]), dashed: true },
        ];
        drawCurves(curves, series, [-Math.log(4)]);
      }
    } else if (v.kind === 'diffusion') {
      if (main) drawTrajectories(main, s.realShown, v.fake, v.trajectories);
      if (curves) drawCurves(curves, [{ label: '‖ε − ε_θ(x_t, t)‖²', color: COLORS.d, points: downsample(s.history.loss) }], [0]);
    } else {
      if (main) {
        clear(main);
        drawAxes(main);
        drawPoints(main, s.realShown, 'rgba(0,0,0,0.35)', 1.6);
        drawPoints(main, v.fake, COLORS.fake, 1.6, 512);
        for (let i = 0; i < v.posteriorX.length / 2; i++) {
          main.strokeStyle = PALETTE[i % PALETTE.length];
          main.lineWidth = 1.5;
          main.beginPath();
          main.moveTo(toPx(v.posteriorX[2 * i]), toPy(v.posteriorX[2 * i + 1]));
          main.lineTo(toPx(v.reconstruction[2 * i]), toPy(v.reconstruction[2 * i + 1]));
          main.stroke();
          main.fillStyle = PALETTE[i % PALETTE.length];
          main.fillRect(toPx(v.posteriorX[2 * i]) - 3, toPy(v.posteriorX[2 * i + 1]) - 3, 6, 6);
        }
      }
      if (dStar) {
        clear(dStar);
        drawPosteriors(dStar, v.posteriorMean, v.posteriorLogVar, s.config.latent, PALETTE);
      }
      if (curves) {
        drawCurves(
          curves,
          [
            { label: 'E_q log p(x|z)', color: COLORS.reconstruction, points: downsample(s.history.reconstruction) },
            { label: 'KL(q ‖ p)', color: COLORS.kl, points: downsample(s.history.kl) },
          ],
          [0],
        );
      }
    }
    if (latent && v.kind !== 'diffusion') {
      clear(latent);
      drawAxes(latent);
      drawPoints(latent, s.realShown, 'rgba(0,0,0,0.25)', 1.4);
      drawLines(latent, v.warped, COLORS.lattice);
    }
    if (main && drawn) {
      main.fillStyle = '#000';
      for (const [x, y] of drawn) main.fillRect(toPx(x) - 2, toPy(y) - 2, 4, 4);
    }
  }, []);

  /** The forward view: the shown data noised to step t (the frames are computed once per run). */
  const showForward = useCallback(async (s: LabRun, t: number) => {
    if (!(s instanceof DiffusionSession)) return;
    const frames = await s.forward();
    const ctx = canvases.dStar.current?.getContext('2d');
    if (session.current !== s || !ctx) return;
    const step = Math.max(0, Math.min(s.schedule.steps, t));
    drawForward(ctx, frames[step], step === 0 ? 1 : s.schedule.alphaBars[step - 1]);
  }, []);
  const noiseTRef = useRef(noiseT);

  /** Reads the run's numbers into the page after any change of the weights. */
  const show = useCallback(
    async (s: LabRun, rt: LabRuntime) => {
      // A reset may free the run while this awaits: check before each use of its tensors.
      if (session.current !== s) return;
      await s.flush();
      if (session.current !== s) return;
      const v = await s.views();
      if (session.current !== s || !v) return;
      views.current = v;
      draw(s, v);
      await showForward(s, noiseTRef.current);
      if (session.current !== s) return;
      const h = s.history;
      setReadout({
        step: s.step,
        trained: s.step,
        dSteps: s.dSteps,
        gSteps: s.gSteps,
        stepsPerSecond: stepsPerSecondNow(rate.current),
        tensors: rt.tf.memory().numTensors,
        gan:
          v.kind === 'gan'
            ? {
                covered: v.covered,
                meanDFake: v.meanDFake,
                gradNs: v.meanGrad.nonSaturating,
                gradMm: v.meanGrad.minimax,
                jsd: v.jsd,
                value: v.value,
                valueAtOptimum: v.valueAtOptimum,
                lD: h.d[h.d.length - 1],
                lG: h.g[h.g.length - 1],
              }
            : undefined,
        vae:
          v.kind === 'vae'
            ? { loss: h.loss[h.loss.length - 1], reconstruction: h.reconstruction[h.reconstruction.length - 1], kl: h.kl[h.kl.length - 1] }
            : undefined,
        diffusion: v.kind === 'diffusion' ? { loss: h.loss[h.loss.length - 1], covered: v.covered } : undefined,
      });
    },
    [draw, showForward],
  );

  // A new run whenever the configuration (or the backend) changes; the old one is freed first.
  useEffect(() => {
    if (!config || !runtime || runtime.wanted !== config.backend) return;
    const url = new URL(window.location.href);
    url.search = configToSearch(config);
    window.history.replaceState(window.history.state, '', url);
    setLink(url.href);
    if (config.data === 'drawn' && !config.drawn.length) {
      setReadout(undefined);
      return;
    }
    const s = createLabRun(runtime, config);
    session.current = s;
    rate.current = [];
    window.__genlabLab = { config: () => s.config, history: () => s.history, views: () => views.current, weights: () => s.weights() };
    void show(s, runtime);
    return () => {
      stop();
      session.current = null;
      views.current = undefined;
      s.dispose();
      delete window.__genlabLab;
    };
  }, [config, runtime, show, stop]);

  const frame = useCallback(async () => {
    timer.current.raf = 0;
    const s = session.current;
    if (!s || !runtime || !playingRef.current) return;
    if (busy.current) {
      // A single step is still being shown: start on the next frame.
      timer.current.raf = requestAnimationFrame(() => void frame());
      return;
    }
    busy.current = true;
    try {
      const t0 = performance.now();
      const n = slowRef.current ? 1 : Math.ceil(perFrame.current);
      for (let i = 0; i < n && !(s.config.stopAt && s.step >= s.config.stopAt); i++) s.trainStep();
      await s.flush();
      if (session.current !== s) return;
      const spent = performance.now() - t0;
      // Aim at about 30 ms of training per frame, so the page stays responsive.
      if (!slowRef.current) perFrame.current = Math.min(500, Math.max(1, spent < 30 ? perFrame.current * 1.2 : perFrame.current / 1.2));
      const now = performance.now();
      rate.current.push({ t: now, step: s.step });
      while (rate.current.length > 2 && now - rate.current[0].t > 2000) rate.current.shift();
      // The views cost about as much as a few steps: redraw them a few times a second, not every frame.
      const done = Boolean(s.config.stopAt && s.step >= s.config.stopAt);
      const gap = s instanceof DiffusionSession ? Math.max(DIFFUSION_REDRAW_MS, 4 * showCost.current) : 150;
      if (slowRef.current || done || !playingRef.current || now - lastShown.current > gap) {
        lastShown.current = now;
        await show(s, runtime);
        showCost.current = performance.now() - now;
      } else if (now - lastCounted.current > COUNT_MS) {
        // Between redraws, only the step count and the speed: cheap, and the reader sees training go on.
        lastCounted.current = now;
        setReadout((r) => (r ? { ...r, trained: s.step, stepsPerSecond: stepsPerSecondNow(rate.current) } : r));
      }
    } finally {
      busy.current = false;
    }
    if (session.current !== s) return;
    if (s.config.stopAt && s.step >= s.config.stopAt) {
      stop();
      return;
    }
    if (!playingRef.current) return;
    if (slowRef.current) timer.current.timeout = window.setTimeout(() => (timer.current.raf = requestAnimationFrame(() => void frame())), 400);
    else timer.current.raf = requestAnimationFrame(() => void frame());
  }, [runtime, show, stop]);

  const play = useCallback(() => {
    if (!session.current || playingRef.current) return;
    playingRef.current = true;
    setPlaying(true);
    rate.current = [];
    timer.current.raf = requestAnimationFrame(() => void frame());
  }, [frame]);

  /** Pause, and show the steps the last frames trained but did not draw. */
  const pause = useCallback(() => {
    stop();
    const s = session.current;
    if (s && runtime && !busy.current) void show(s, runtime);
  }, [runtime, show, stop]);

  const manual = useCallback(
    async (what: 'd' | 'g' | 'step') => {
      const s = session.current;
      if (!s || !runtime || busy.current) return;
      stop();
      busy.current = true;
      try {
        if (what === 'd' && s instanceof LabSession) s.discriminatorStep();
        else if (what === 'g' && s instanceof LabSession) s.generatorStep();
        else s.trainStep();
        await show(s, runtime);
      } finally {
        busy.current = false;
      }
    },
    [runtime, show, stop],
  );

  const update = useCallback(
    (patch: Partial<LabConfig>) => {
      stop();
      setSeedText(null);
      setConfig((c) => (c ? { ...c, ...patch } : c));
    },
    [stop],
  );

  // Unmounting stops the loop (the run's effect frees the tensors).
  useEffect(() => stop, [stop]);

  useEffect(() => {
    noiseTRef.current = noiseT;
    const s = session.current;
    if (s) void showForward(s, noiseT);
  }, [noiseT, showForward]);

  useEffect(() => {
    arrowsRef.current = arrows;
    const s = session.current;
    if (s && views.current) draw(s, views.current);
  }, [arrows, draw]);

  const onKey = (e: React.KeyboardEvent) => {
    const tag = (e.target as HTMLElement).tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || e.altKey || e.ctrlKey || e.metaKey) return;
    const k = e.key.toLowerCase();
    if (k === 'p') (playingRef.current ? pause : play)();
    else if (k === 'd' && config?.model === 'gan') void manual('d');
    else if (k === 'g' && config?.model === 'gan') void manual('g');
    else if (k === 'n') void manual('step');
    else if (k === 's') {
      slowRef.current = !slowRef.current;
      setSlow(slowRef.current);
    } else if (k === 'r' && config) update({ seed: config.seed });
    else return;
    e.preventDefault();
  };

  // Drawing a data set with the pointer (mouse, pen or finger) or the keyboard (arrows move, Enter adds).
  const drawing = config?.data === 'drawn';
  const pointFromEvent = (e: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const box = e.currentTarget.getBoundingClientRect();
    return [round2(fromPx(((e.clientX - box.left) / box.width) * VIEW_SIZE)), round2(fromPy(((e.clientY - box.top) / box.height) * VIEW_SIZE))];
  };
  const addDraft = (p: [number, number]) => {
    const d = draft.current!;
    const last = d[d.length - 1];
    if (d.length < MAX_DRAWN && (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) > 0.08)) d.push(p);
    const ctx = canvases.main.current?.getContext('2d');
    if (ctx) {
      ctx.fillStyle = '#000';
      ctx.fillRect(toPx(p[0]) - 2, toPy(p[1]) - 2, 4, 4);
    }
  };
  const pointerHandlers = drawing
    ? {
        onPointerDown: (e: React.PointerEvent<HTMLCanvasElement>) => {
          stop();
          e.currentTarget.setPointerCapture(e.pointerId);
          draft.current = [...(config?.drawn ?? [])];
          addDraft(pointFromEvent(e));
        },
        onPointerMove: (e: React.PointerEvent<HTMLCanvasElement>) => draft.current && addDraft(pointFromEvent(e)),
        onPointerUp: () => {
          const d = draft.current;
          draft.current = null;
          if (d) update({ drawn: d });
        },
      }
    : {};
  const onCanvasKey = (e: React.KeyboardEvent<HTMLCanvasElement>) => {
    if (!drawing || !config) return;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, 0.1], ArrowDown: [0, -0.1] };
    if (moves[e.key]) {
      const [dx, dy] = moves[e.key];
      setCursor(([x, y]) => [round2(Math.max(-2.9, Math.min(2.9, x + dx))), round2(Math.max(-2.9, Math.min(2.9, y + dy)))]);
    } else if (e.key === 'Enter' && config.drawn.length < MAX_DRAWN) update({ drawn: [...config.drawn, cursor] });
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  if (error) {
    return (
      <div className="alert alert--danger" role="alert" data-testid="lab" data-state="error">
        <Translate id="lab.error" values={{ error }}>
          {'TensorFlow.js could not start: {error}'}
        </Translate>
      </div>
    );
  }
  const ready = Boolean(config && runtime && runtime.wanted === config.backend);
  const model = config?.model ?? 'gan';
  const gan = model === 'gan';
  const diffusion = model === 'diffusion';
  const r = readout;
  const select = <K extends keyof LabConfig>(
    key: K,
    label: React.ReactNode,
    options: { value: string; label: string }[],
    toValue: (s: string) => LabConfig[K],
    current: string,
  ) => (
    <label className={styles.field}>
      <span>{label}</span>
      <select value={current} disabled={!config} onChange={(e) => update({ [key]: toValue(e.target.value) })} data-testid={`lab-${key}`}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  const rates = LAB_LEARNING_RATES.map((v) => ({ value: String(v), label: String(v) }));
  const c = config ?? DEFAULT_CONFIG;
  const seedOk = seedText === null || /^\d{1,9}$/.test(seedText);

  return (
    <div
      className={styles.lab}
      onKeyDown={onKey}
      data-testid="lab"
      data-state={ready ? (r ? 'ready' : 'waiting') : 'loading'}
      data-backend={runtime?.backend}
      data-playing={playing}
      data-step={r?.step}
      data-trained={r?.trained}
      data-d-steps={r?.dSteps}
      data-g-steps={r?.gSteps}
      data-tensors={r?.tensors}
      data-covered={r?.gan?.covered ?? r?.diffusion?.covered}
      data-noise-t={diffusion ? Math.min(noiseT, c.diffusionSteps) : undefined}
      data-grad-ns={r?.gan?.gradNs}
      data-grad-mm={r?.gan?.gradMm}
      data-d-fake={r?.gan?.meanDFake}
    >
      <div className={styles.status} data-testid="lab-status">
        {runtime ? (
          <Translate id="lab.backend" values={{ backend: <code>{runtime.backend}</code>, adapter: runtime.adapter ? ` (${runtime.adapter})` : '' }}>
            {'Training runs in this page on TensorFlow.js, backend {backend}{adapter}.'}
          </Translate>
        ) : (
          <Translate id="lab.loading">Starting TensorFlow.js…</Translate>
        )}
        {runtime?.fallback ? (
          <>
            {' '}
            <Translate id="lab.fallback" values={{ wanted: runtime.fallback }}>
              {'({wanted} is not available in this browser.)'}
            </Translate>
          </>
        ) : null}
        {problems.length ? (
          <div role="alert">
            <Translate id="lab.problems" values={{ list: problems.join(', ') }}>
              {'Ignored from the address (kept the default): {list}'}
            </Translate>
          </div>
        ) : null}
      </div>

      <div className={styles.controls} role="toolbar" aria-label={translate({ id: 'lab.controls', message: 'Training controls' })}>
        <button
          type="button"
          className={`button button--primary button--sm ${styles.play}`}
          disabled={!r}
          onClick={playing ? pause : play}
          data-testid="lab-play"
          aria-pressed={playing}
        >
          {/* Both labels hold their place, the hidden one invisible: swapping them moves no text. */}
          <span className={styles.toggleLabels}>
            <span className={playing ? styles.hiddenLabel : undefined}>
              <Translate id="lab.play">Play</Translate>
            </span>
            <span className={playing ? undefined : styles.hiddenLabel}>
              <Translate id="lab.pause">Pause</Translate>
            </span>
          </span>
        </button>
        {gan ? (
          <>
            <button type="button" className="button button--secondary button--sm" disabled={!r} onClick={() => void manual('d')} data-testid="lab-d-step">
              <Translate id="lab.dStep">D step</Translate>
            </button>
            <button type="button" className="button button--secondary button--sm" disabled={!r} onClick={() => void manual('g')} data-testid="lab-g-step">
              <Translate id="lab.gStep">G step</Translate>
            </button>
          </>
        ) : (
          <button type="button" className="button button--secondary button--sm" disabled={!r} onClick={() => void manual('step')} data-testid="lab-one-step">
            <Translate id="lab.oneStep">One step</Translate>
          </button>
        )}
        <label className={styles.check}>
          <input
            type="checkbox"
            checked={slow}
            onChange={(e) => {
              slowRef.current = e.target.checked;
              setSlow(e.target.checked);
            }}
            data-testid="lab-slow"
          />
          <Translate id="lab.slow">slow motion</Translate>
        </label>
        <label className={styles.field}>
          <span>
            <Translate id="lab.seed">seed</Translate>
          </span>
          <input
            type="number"
            min={0}
            className={styles.seed}
            value={seedText ?? String(c.seed)}
            aria-invalid={!seedOk}
            data-testid="lab-seed"
            onChange={(e) => setSeedText(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && seedOk && update({ seed: Number(seedText ?? c.seed) })}
          />
        </label>
        <button
          type="button"
          className="button button--secondary button--sm"
          disabled={!config || !seedOk}
          onClick={() => update({ seed: Number(seedText ?? c.seed) })}
          data-testid="lab-reset"
        >
          <Translate id="lab.reset">Reset</Translate>
        </button>
        <span className={styles.keys} data-testid="lab-keys">
          {config?.model === 'gan' ? (
            <Translate id="lab.keys">Keys: P play/pause · D, G one step · N one iteration · S slow · R reset</Translate>
          ) : (
            <Translate id="lab.keys.single">Keys: P play/pause · N one step · S slow · R reset</Translate>
          )}
        </span>
      </div>

      <div className={styles.settings}>
        {select(
          'model',
          <Translate id="lab.model">model</Translate>,
          [
            { value: 'gan', label: 'GAN' },
            { value: 'vae', label: 'VAE' },
            { value: 'diffusion', label: translate({ id: 'lab.model.diffusion', message: 'diffusion' }) },
          ],
          (v) => v as LabConfig['model'],
          c.model,
        )}
        {select(
          'data',
          <Translate id="lab.data">data</Translate>,
          [
            { value: 'ring8', label: translate({ id: 'lab.data.ring8', message: '8 Gaussians on a ring' }) },
            { value: 'ring', label: translate({ id: 'lab.data.ring', message: 'ring' }) },
            { value: 'moons', label: translate({ id: 'lab.data.moons', message: 'two moons' }) },
            { value: 'line', label: translate({ id: 'lab.data.line', message: 'line' }) },
            { value: 'drawn', label: translate({ id: 'lab.data.drawn', message: 'draw your own' }) },
          ],
          (v) => v as LabConfig['data'],
          c.data,
        )}
        {gan ? (
          <>
            {select(
              'loss',
              <Translate id="lab.loss">generator loss</Translate>,
              [
                { value: 'non-saturating', label: translate({ id: 'lab.loss.ns', message: 'non-saturating: −log D(G(z))' }) },
                { value: 'minimax', label: translate({ id: 'lab.loss.mm', message: 'minimax: log(1 − D(G(z)))' }) },
              ],
              (v) => v as LabConfig['loss'],
              c.loss,
            )}
            {select(
              'dSteps',
              <Translate id="lab.k">D steps per G step</Translate>,
              [1, 2, 3, 5, 10].map((k) => ({ value: String(k), label: String(k) })),
              Number,
              String(c.dSteps),
            )}
            {select('lrD', <Translate id="lab.lrD">D learning rate</Translate>, rates, Number, String(c.lrD))}
            {select('lrG', <Translate id="lab.lrG">G learning rate</Translate>, rates, Number, String(c.lrG))}
          </>
        ) : diffusion ? (
          <>
            {select('lrV', <Translate id="lab.lrV">learning rate</Translate>, rates, Number, String(c.lrV))}
            {select(
              'diffusionSteps',
              <Translate id="lab.diffusionSteps">noising steps T</Translate>,
              Array.from(new Set([...DIFFUSION_STEPS, c.diffusionSteps])).map((v) => ({ value: String(v), label: String(v) })),
              Number,
              String(c.diffusionSteps),
            )}
            {select(
              'sampler',
              <Translate id="lab.sampler">sampler</Translate>,
              [
                { value: 'ancestral', label: translate({ id: 'lab.sampler.ancestral', message: 'ancestral (T steps)' }) },
                { value: 'ddim', label: translate({ id: 'lab.sampler.ddim', message: 'DDIM, deterministic' }) },
              ],
              (v) => v as LabConfig['sampler'],
              c.sampler,
            )}
            {c.sampler === 'ddim'
              ? select(
                  'samplerSteps',
                  <Translate id="lab.samplerSteps">DDIM steps</Translate>,
                  Array.from(new Set([...SAMPLER_STEPS, c.samplerSteps]))
                    .filter((v) => v <= c.diffusionSteps)
                    .map((v) => ({ value: String(v), label: String(v) })),
                  Number,
                  String(c.samplerSteps),
                )
              : null}
          </>
        ) : (
          <>
            {select('lrV', <Translate id="lab.lrV">learning rate</Translate>, rates, Number, String(c.lrV))}
            {select(
              'decoderStd',
              <Translate id="lab.decoderStd">decoder σ_x</Translate>,
              DECODER_STDS.map((v) => ({ value: String(v), label: String(v) })),
              Number,
              String(c.decoderStd),
            )}
          </>
        )}
        {select(
          'hidden',
          <Translate id="lab.hidden">hidden layers</Translate>,
          Array.from(new Set([...HIDDEN_CHOICES, c.hidden.join('-')])).map((h) => ({ value: h, label: h.replace(/-/g, ' × ') })),
          (v) => v.split('-').map(Number),
          c.hidden.join('-'),
        )}
        {diffusion
          ? null
          : select(
              'latent',
              <Translate id="lab.latent">latent size</Translate>,
              [
                { value: '1', label: '1' },
                { value: '2', label: '2' },
              ],
              (v) => (v === '1' ? 1 : 2),
              String(c.latent),
            )}
        {select(
          'batch',
          <Translate id="lab.batch">batch</Translate>,
          LAB_BATCHES.map((b) => ({ value: String(b), label: String(b) })),
          Number,
          String(c.batch),
        )}
        {select(
          'backend',
          <Translate id="lab.backendChoice">backend</Translate>,
          ['auto', 'webgpu', 'webgl', 'cpu'].map((b) => ({ value: b, label: b })),
          (v) => v as LabConfig['backend'],
          c.backend,
        )}
        {gan ? (
          <label className={styles.field}>
            <span>
              <Translate id="lab.arrows">arrows</Translate>
            </span>
            <select value={arrows} onChange={(e) => setArrows(e.target.value as Arrows)} data-testid="lab-arrows">
              <option value="both">{translate({ id: 'lab.arrows.both', message: 'both losses' })}</option>
              <option value="non-saturating">{translate({ id: 'lab.arrows.ns', message: 'non-saturating' })}</option>
              <option value="minimax">{translate({ id: 'lab.arrows.mm', message: 'minimax' })}</option>
            </select>
          </label>
        ) : null}
      </div>
      {drawing ? (
        <p className={styles.caption}>
          <Translate id="lab.drawHelp">
            Draw on the first picture with the mouse or a finger (or focus it and use the arrow keys and Enter). Each point becomes a small Gaussian.
          </Translate>{' '}
          <button type="button" className="button button--link button--sm" onClick={() => update({ drawn: [] })} data-testid="lab-clear">
            <Translate id="lab.clear">Clear</Translate>
          </button>
        </p>
      ) : null}

      <div className={styles.readout} data-testid="lab-readout" aria-live="off">
        <span>
          <Translate id="lab.step">step</Translate> <b>{r?.trained ?? 0}</b>
        </span>
        {diffusion ? (
          <span>
            <Translate id="lab.viewsStep">views from step</Translate> <b>{r?.step ?? 0}</b>
          </span>
        ) : null}
        {gan ? (
          <span>
            D <b>{r?.dSteps ?? 0}</b> · G <b>{r?.gSteps ?? 0}</b>
          </span>
        ) : null}
        <span>
          <b>{r ? r.stepsPerSecond.toFixed(0) : 0}</b> <Translate id="lab.stepsPerSecond">steps/s</Translate>
        </span>
        <span>
          <Translate id="lab.tensors">tensors</Translate> <b>{r?.tensors ?? '–'}</b>
        </span>
        {gan && r?.gan ? (
          <>
            <span>
              L_D <b>{fmt(r.gan.lD)}</b> · L_G <b>{fmt(r.gan.lG)}</b>
            </span>
            <span>
              JSD ≈ <b>{fmt(r.gan.jsd)}</b>
            </span>
            {r.gan.covered !== undefined ? (
              <span data-testid="lab-covered">
                <Translate id="lab.covered">modes covered</Translate> <b>{r.gan.covered}/8</b>
              </span>
            ) : null}
          </>
        ) : null}
        {!gan && r?.vae ? (
          <span>
            −ELBO <b>{fmt(r.vae.loss)}</b> · KL <b>{fmt(r.vae.kl)}</b>
          </span>
        ) : null}
        {diffusion && r?.diffusion ? (
          <>
            <span>
              ‖ε − ε_θ‖² <b>{fmt(r.diffusion.loss)}</b>
            </span>
            {r.diffusion.covered !== undefined ? (
              <span data-testid="lab-covered">
                <Translate id="lab.covered">modes covered</Translate> <b>{r.diffusion.covered}/8</b>
              </span>
            ) : null}
          </>
        ) : null}
        {c.stopAt ? (
          <span>
            <Translate id="lab.stopAt" values={{ step: c.stopAt }}>
              {'pauses at step {step}'}
            </Translate>
          </span>
        ) : null}
      </div>

      <div className={styles.views}>
        <View
          testId="lab-view-main"
          title={
            gan ? (
              <Translate id="lab.view.d">Discriminator D(x), data (black), generated points (purple) and the generator's pull</Translate>
            ) : diffusion ? (
              <Translate id="lab.view.reverse">
                Data (grey), samples (purple), and the way of a few points from x_T (open circle) to x_0 through the sampler's steps
              </Translate>
            ) : (
              <Translate id="lab.view.vaeData">Data (grey), decoded prior samples (purple), and x → reconstruction for a few points</Translate>
            )
          }
          formula={
            gan ? (
              <>
                <span className={styles.legend} style={{ borderColor: COLORS.nonSaturating }}>
                  → −∂(−log D)/∂x
                </span>{' '}
                <span className={styles.legend} style={{ borderColor: COLORS.minimax }}>
                  → −∂log(1 − D)/∂x
                </span>{' '}
                <FormulaLink to="/formulas/gan-losses">
                  <Translate id="lab.link.losses">the two generator losses</Translate>
                </FormulaLink>
              </>
            ) : diffusion ? (
              <FormulaLink to="/formulas/diffusion">
                <Translate id="lab.link.reverse">the reverse process</Translate>
              </FormulaLink>
            ) : (
              <FormulaLink to="/formulas/vae-model">
                <Translate id="lab.link.vaeModel">the VAE model</Translate>
              </FormulaLink>
            )
          }
        >
          <div className={styles.canvasBox}>
            <canvas
              ref={canvases.main}
              width={VIEW_SIZE}
              height={VIEW_SIZE}
              className={`${styles.canvas} ${drawing ? styles.drawing : ''}`}
              tabIndex={drawing ? 0 : -1}
              onKeyDown={onCanvasKey}
              {...pointerHandlers}
              data-testid="lab-canvas-main"
              aria-label={translate({ id: 'lab.canvas.main', message: 'the data plane' })}
            />
            {drawing ? (
              <div
                className={styles.cursor}
                style={{ left: `${(toPx(cursor[0]) / VIEW_SIZE) * 100}%`, top: `${(toPy(cursor[1]) / VIEW_SIZE) * 100}%` }}
                aria-hidden
              />
            ) : null}
          </div>
        </View>
        <View
          testId="lab-view-second"
          title={
            gan ? (
              <Translate id="lab.view.dStar">Optimal discriminator D* = p_data / (p_data + p_g) for the current generator</Translate>
            ) : diffusion ? (
              <Translate id="lab.view.forward">Forward noising: the data pushed to step t, dissolving into N(0, I) (1σ and 2σ dashed)</Translate>
            ) : (
              <Translate id="lab.view.posteriors">Posteriors q(z|x) in the latent space (2σ ellipses), prior N(0, I) dashed</Translate>
            )
          }
          formula={
            gan ? (
              <FormulaLink to="/formulas/optimal-discriminator">
                <Translate id="lab.link.dStar">the optimal discriminator</Translate>
              </FormulaLink>
            ) : diffusion ? (
              <>
                <label className={styles.field}>
                  <span>
                    t = <b>{Math.min(noiseT, c.diffusionSteps)}</b> / {c.diffusionSteps}
                  </span>
                  <input
                    type="range"
                    min={0}
                    max={c.diffusionSteps}
                    step={1}
                    value={Math.min(noiseT, c.diffusionSteps)}
                    onChange={(e) => setNoiseT(Number(e.target.value))}
                    data-testid="lab-noise-t"
                    aria-label={translate({ id: 'lab.noiseT', message: 'noising step t' })}
                  />
                </label>{' '}
                <FormulaLink to="/formulas/diffusion">
                  <Translate id="lab.link.forward">x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε</Translate>
                </FormulaLink>
              </>
            ) : (
              <FormulaLink to="/formulas/kl-divergence">
                <Translate id="lab.link.kl">the KL term</Translate>
              </FormulaLink>
            )
          }
        >
          <canvas ref={canvases.dStar} width={VIEW_SIZE} height={VIEW_SIZE} className={styles.canvas} data-testid="lab-canvas-second" />
        </View>
        {diffusion ? null : (
          <View
            testId="lab-view-latent"
            title={
              gan ? (
                <Translate id="lab.view.latent">The latent grid warped by G</Translate>
              ) : (
                <Translate id="lab.view.latentVae">The latent grid warped by the decoder</Translate>
              )
            }
            formula={
              <FormulaLink to={gan ? '/formulas/gan-objective' : '/formulas/reparameterization'}>
                {gan ? <Translate id="lab.link.objective">x = G(z), z ~ N(0, I)</Translate> : <Translate id="lab.link.reparam">z = μ + σ ⊙ ε</Translate>}
              </FormulaLink>
            }
          >
            <canvas ref={canvases.latent} width={VIEW_SIZE} height={VIEW_SIZE} className={styles.canvas} data-testid="lab-canvas-latent" />
          </View>
        )}
        <View
          testId="lab-view-curves"
          title={
            gan ? (
              <Translate id="lab.view.curves">Losses, and V(D, G) against −log 4 + 2·JSD on the grid</Translate>
            ) : diffusion ? (
              <Translate id="lab.view.curvesDiffusion">Training loss: the ε-prediction error of each batch</Translate>
            ) : (
              <Translate id="lab.view.curvesVae">Reconstruction term and KL term of the ELBO</Translate>
            )
          }
          formula={
            <FormulaLink to={gan ? '/formulas/gan-objective' : diffusion ? '/formulas/diffusion' : '/formulas/elbo'}>
              {gan ? (
                <Translate id="lab.link.value">the value function and the JSD</Translate>
              ) : diffusion ? (
                <Translate id="lab.link.lossDiffusion">the simplified objective L_simple</Translate>
              ) : (
                <Translate id="lab.link.elbo">the ELBO</Translate>
              )}
            </FormulaLink>
          }
        >
          <canvas ref={canvases.curves} width={VIEW_SIZE} height={VIEW_SIZE} className={styles.canvas} data-testid="lab-canvas-curves" />
        </View>
      </div>
      {gan && r?.gan ? (
        <p className={styles.caption} data-testid="lab-gradients">
          <Translate
            id="lab.gradients"
            values={{ d: fmt(r.gan.meanDFake), ns: fmt(r.gan.gradNs), mm: fmt(r.gan.gradMm), v: fmt(r.gan.value), vStar: fmt(r.gan.valueAtOptimum) }}
          >
            {
              'Mean D(G(z)) = {d}. Mean gradient size on a generated point: non-saturating {ns}, minimax {mm}. On the grid: V(D, G) = {v} ≤ V(D*, G) = −log 4 + 2·JSD = {vStar}.'
            }
          </Translate>
        </p>
      ) : null}
      <p className={styles.caption}>
        {link ? (
          <a href={link} data-testid="lab-link">
            <Translate id="lab.link">Link to this run</Translate>
          </a>
        ) : null}{' '}
        <Translate id="lab.linkNote">(the same link on the same backend repeats the run step for step)</Translate>
      </p>
    </div>
  );
}
