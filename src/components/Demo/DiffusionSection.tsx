// The demo's diffusion section: pick a digit (or none), set the DDIM steps and the guidance weight,
// and watch eight samples go from pure noise x_T to digits, one frame per sampler step. The steps
// are the library's ddimSteps (genlab/browser); the page draws each x_t and gives the browser a
// turn before the next, so it stays responsive, and a new run cancels the one in progress.
import React, { useCallback, useEffect, useRef, useState } from 'react';
import Translate, { translate } from '@docusaurus/Translate';
import useBaseUrl from '@docusaurus/useBaseUrl';
import diffusionMeta from '@site/static/models/diffusion-unet-conditional/metadata.json';
import { drawImageGrid, randomSeed } from './runtime';
import { animateDenoising, loadDiffusionModel, type DenoisingSettings } from './diffusion';
import { useRuntime } from './useRuntime';
import styles from './styles.module.css';

/** webpack's require.context: the files of a folder that match a pattern, found at build time. */
declare const require: { context(dir: string, deep: boolean, filter: RegExp): { keys(): string[]; (key: string): unknown } };

/** The model's scores (npm run evaluate), once they have been published next to the weights. */
const published = require.context('@site/static/models/diffusion-unet-conditional', false, /^\.\/metrics\.json$/);
interface DiffusionMetrics {
  classifier?: { generated: { frechet: number } };
  sampler?: { steps: number };
  guidance?: { rows: { guidance: number; accuracy: number; frechet: number }[] };
}
const diffusionMetrics: DiffusionMetrics | undefined = published.keys().length ? (published(published.keys()[0]) as DiffusionMetrics) : undefined;

const SAMPLES = 8;
const COLUMNS = 4;
const STEP_RANGE = [5, 50] as const;
const GUIDANCE_MAX = 6;
/** Shortest time a frame stays on screen, so that on a fast GPU the trajectory is still seen. */
const FRAME_MS = 60;

type Settings = Omit<DenoisingSettings, 'n'>;
type Phase = 'idle' | 'loading' | 'running' | 'done' | 'error';

/** Waits until the last frame has been up for FRAME_MS, then for the browser to paint. */
async function browserTurn(shownAt: number): Promise<void> {
  const wait = FRAME_MS - (performance.now() - shownAt);
  if (wait > 0) await new Promise((resolve) => window.setTimeout(resolve, wait));
  await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
}

export function DiffusionSection(): React.ReactElement {
  const { runtime } = useRuntime();
  const modelsUrl = useBaseUrl('/models');
  const [settings, setSettings] = useState<Settings>({ digit: 3, steps: 20, guidance: 2, seed: 1 });
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState<{ t: number; frame: number; steps: number } | null>(null);
  const [failed, setFailed] = useState<string>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const current = useRef<ReturnType<typeof animateDenoising> | undefined>(undefined);
  const generation = useRef(0);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      generation.current++;
      current.current?.cancel();
    };
  }, []);

  /** Starts a run with `next`; the run in progress (if any) is cancelled and its tensors freed first. */
  const run = useCallback(
    async (next: Settings) => {
      if (!runtime || !canvas.current) return;
      const id = ++generation.current;
      const el = canvas.current;
      el.dataset.state = 'drawing';
      current.current?.cancel();
      await current.current?.done;
      if (id !== generation.current || !mounted.current) return; // a newer click took over
      setFailed(undefined);
      setPhase('loading');
      let model;
      try {
        model = await loadDiffusionModel(runtime.tf, runtime.genlab, modelsUrl, diffusionMeta);
      } catch (e) {
        if (id !== generation.current || !mounted.current) return;
        el.dataset.state = 'error';
        setPhase('error');
        setFailed((e as Error).message);
        return;
      }
      if (id !== generation.current || !mounted.current) return;
      setPhase('running');
      el.dataset.run = String(id);
      delete el.dataset.frame; // the frame and t shown belong to the previous run until this one draws
      delete el.dataset.t;
      el.dataset.settings = `${next.digit ?? 'none'}:${next.steps}:${next.guidance}:${next.seed}`;
      let shownAt = 0;
      const handle = animateDenoising(
        runtime.tf,
        runtime.genlab,
        model,
        { ...next, n: SAMPLES },
        {
          draw: async (images, t, frame) => {
            await drawImageGrid(runtime.tf, images, COLUMNS, el);
            shownAt = performance.now();
            el.dataset.t = String(t);
            el.dataset.frame = String(frame);
            if (mounted.current) setProgress({ t, frame, steps: next.steps });
          },
          pause: (kind) => (kind === 'step' ? browserTurn(shownAt) : new Promise((resolve) => window.setTimeout(resolve, 0))),
          onError: (e) => mounted.current && setFailed(e.message),
        },
      );
      current.current = handle;
      const outcome = await handle.done;
      if (current.current === handle) current.current = undefined;
      if (outcome === 'cancelled' || !mounted.current) return;
      el.dataset.state = outcome === 'finished' ? 'ready' : 'error';
      setPhase(outcome === 'finished' ? 'done' : 'error');
    },
    [runtime, modelsUrl],
  );

  const start = (change: Partial<Settings>) => {
    const next = { ...settings, ...change };
    setSettings(next);
    void run(next);
  };

  const digitButton = (digit: number | null) => (
    <button
      key={digit ?? 'none'}
      type="button"
      disabled={!runtime}
      aria-pressed={settings.digit === digit}
      className={`button button--sm ${settings.digit === digit ? 'button--primary' : 'button--secondary'}`}
      data-testid={`diffusion-digit-${digit ?? 'none'}`}
      onClick={() => start({ digit })}
    >
      {digit ?? translate({ id: 'demo.diffusion.any', message: 'any digit (∅)' })}
    </button>
  );

  const T = diffusionMeta.diffusionSteps;
  const status =
    phase === 'loading'
      ? translate(
          { id: 'demo.diffusion.loading', message: 'Loading the diffusion model ({size} MB)…' },
          { size: (diffusionMeta.weights.bytes / 1e6).toFixed(1) },
        )
      : progress
        ? progress.frame === 0
          ? translate({ id: 'demo.diffusion.noise', message: 't = {t}: pure noise x_T' }, { t: String(progress.t) })
          : translate(
              { id: 'demo.diffusion.step', message: 't = {t} of {T} · step {step} of {steps}' },
              { t: String(progress.t), T: String(T), step: String(progress.frame), steps: String(progress.steps) },
            )
        : translate({ id: 'demo.diffusion.idle', message: 'Pick a digit, or press Generate.' });

  return (
    <div className={styles.panel} data-testid="diffusion-section">
      <div className={styles.controls} role="group" aria-label={translate({ id: 'demo.diffusion.digits', message: 'Digit to draw' })}>
        {Array.from({ length: 10 }, (_, d) => digitButton(d))}
        {digitButton(null)}
      </div>
      <div className={styles.row}>
        <div className={styles.column}>
          <canvas
            ref={canvas}
            className={`${styles.pixels} ${styles.denoising}`}
            width={COLUMNS * 28}
            height={(SAMPLES / COLUMNS) * 28}
            data-testid="diffusion-canvas"
            aria-label={translate({ id: 'demo.diffusion.canvas', message: 'Eight samples of the diffusion model, from noise to digits' })}
          />
          <p className={`${styles.caption} ${styles.mono}`} data-testid="diffusion-t" aria-live="polite">
            {status}
          </p>
          {failed ? (
            <p className="alert alert--danger" role="alert" data-testid="diffusion-error">
              <Translate id="demo.drawFailed" values={{ error: failed }}>
                {'Drawing failed: {error}'}
              </Translate>
            </p>
          ) : null}
        </div>
        <div className={styles.column}>
          <label className={styles.slider}>
            <span>
              <Translate id="demo.diffusion.steps" values={{ steps: <b>{settings.steps}</b> }}>
                {'DDIM steps S = {steps}'}
              </Translate>
            </span>
            <input
              type="range"
              min={STEP_RANGE[0]}
              max={STEP_RANGE[1]}
              step={1}
              value={settings.steps}
              data-testid="diffusion-steps"
              onChange={(e) => setSettings((s) => ({ ...s, steps: Number(e.target.value) }))}
            />
          </label>
          <label className={styles.slider}>
            <span>
              <Translate id="demo.diffusion.guidance" values={{ w: <b>{settings.guidance}</b> }}>
                {'guidance w = {w}'}
              </Translate>
            </span>
            <input
              type="range"
              min={0}
              max={GUIDANCE_MAX}
              step={0.5}
              value={settings.guidance}
              disabled={settings.digit === null}
              data-testid="diffusion-guidance"
              onChange={(e) => setSettings((s) => ({ ...s, guidance: Number(e.target.value) }))}
            />
          </label>
          {settings.digit === null ? (
            <p className={styles.caption}>
              <Translate id="demo.diffusion.noGuidance">Without a digit there is nothing to guide towards: w has no effect.</Translate>
            </p>
          ) : null}
          <div className={styles.controls}>
            <button type="button" className="button button--primary button--sm" disabled={!runtime} data-testid="diffusion-generate" onClick={() => start({})}>
              <Translate id="demo.diffusion.generate">Generate</Translate>
            </button>
            <button
              type="button"
              className="button button--secondary button--sm"
              disabled={!runtime}
              data-testid="diffusion-new-noise"
              onClick={() => start({ seed: randomSeed() })}
            >
              <Translate id="demo.diffusion.newNoise">New noise</Translate>
            </button>
            <span className={styles.mono} data-testid="diffusion-seed">
              {translate({ id: 'demo.diffusion.seed', message: 'seed {seed}' }, { seed: String(settings.seed) })}
            </span>
          </div>
        </div>
      </div>
    </div>
  );
}

/** The diffusion model's column in the table of published models (ModelNotes). */
export const DIFFUSION_NOTES = {
  name: 'Diffusion (U-Net)',
  training: diffusionMeta.training,
  weights: diffusionMeta.weights,
  /** Classifier Fréchet distance without a digit, and how often the classifier reads the digit asked for, per w; '—' before the model is scored. */
  quality: (): string => {
    const m = diffusionMetrics;
    if (!m?.classifier) return '—';
    const parts = [
      translate(
        { id: 'demo.notes.frechetSteps', message: 'classifier Fréchet distance {value} (no digit, {steps} DDIM steps)' },
        { value: m.classifier.generated.frechet.toFixed(2), steps: String(m.sampler?.steps ?? 50) },
      ),
      ...(m.guidance?.rows ?? []).map((r) =>
        translate(
          { id: 'demo.notes.guidanceRow', message: 'w = {w}: digit read as asked {accuracy} %' },
          { w: String(r.guidance), accuracy: (100 * r.accuracy).toFixed(0) },
        ),
      ),
    ];
    return parts.join('; ');
  },
};
