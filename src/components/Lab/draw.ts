// Canvas drawing for the lab's views. Plain functions of numbers: no TensorFlow.js here.
import { PLANE } from './config';

export const VIEW_SIZE = 480;
export const COLORS = {
  real: '#2b2b2b',
  fake: '#7b3294',
  nonSaturating: '#e66101',
  minimax: '#0571b0',
  lattice: 'rgba(123, 50, 148, 0.55)',
  d: '#7b3294',
  g: '#e66101',
  value: '#1a9641',
  valueAtOptimum: '#d7191c',
  reconstruction: '#0571b0',
  kl: '#e66101',
};

/** Plane coordinate → canvas pixel. */
export const toPx = (v: number, size = VIEW_SIZE): number => ((v + PLANE) / (2 * PLANE)) * size;
export const toPy = (v: number, size = VIEW_SIZE): number => ((PLANE - v) / (2 * PLANE)) * size;
/** Canvas pixel → plane coordinate. */
export const fromPx = (px: number, size = VIEW_SIZE): number => (px / size) * 2 * PLANE - PLANE;
export const fromPy = (py: number, size = VIEW_SIZE): number => PLANE - (py / size) * 2 * PLANE;

/** Probability → colour: 0 purple (judged fake), ½ white, 1 green (judged real), as GAN Lab does. */
function probabilityColor(p: number): [number, number, number] {
  const fake = [123, 50, 148];
  const real = [0, 136, 55];
  const t = Math.min(1, Math.max(0, p));
  const [a, w] = t < 0.5 ? [fake, 1 - 2 * (0.5 - t)] : [real, 1 - 2 * (t - 0.5)];
  return [0, 1, 2].map((i) => Math.round(a[i] + (255 - a[i]) * w)) as [number, number, number];
}

let scratch: HTMLCanvasElement | undefined;

/** A size × size grid of probabilities (row-major from the top) as a smooth heat map filling the canvas. */
export function drawHeatMap(ctx: CanvasRenderingContext2D, values: ArrayLike<number>, size: number): void {
  scratch ??= document.createElement('canvas');
  scratch.width = size;
  scratch.height = size;
  const sctx = scratch.getContext('2d')!;
  const img = sctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const [r, g, b] = probabilityColor(values[i]);
    img.data.set([r, g, b, 255], 4 * i);
  }
  sctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(scratch, 0, 0, ctx.canvas.width, ctx.canvas.height);
}

export function clear(ctx: CanvasRenderingContext2D): void {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
}

export function drawAxes(ctx: CanvasRenderingContext2D): void {
  ctx.strokeStyle = 'rgba(0,0,0,0.15)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(toPx(0), 0);
  ctx.lineTo(toPx(0), VIEW_SIZE);
  ctx.moveTo(0, toPy(0));
  ctx.lineTo(VIEW_SIZE, toPy(0));
  ctx.stroke();
}

export function drawPoints(ctx: CanvasRenderingContext2D, pts: ArrayLike<number>, color: string, radius = 2, limit = Infinity): void {
  ctx.fillStyle = color;
  const n = Math.min(pts.length / 2, limit);
  for (let i = 0; i < n; i++) {
    ctx.beginPath();
    ctx.arc(toPx(pts[2 * i]), toPy(pts[2 * i + 1]), radius, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** An arrow from each point along −gradient (where the update pushes it), length `scale` × |gradient|, capped. */
export function drawArrows(ctx: CanvasRenderingContext2D, pts: ArrayLike<number>, grad: ArrayLike<number>, color: string, scale: number): void {
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1.5;
  for (let i = 0; i < grad.length / 2; i++) {
    const x0 = toPx(pts[2 * i]);
    const y0 = toPy(pts[2 * i + 1]);
    let dx = -grad[2 * i] * scale;
    let dy = grad[2 * i + 1] * scale; // canvas y runs down
    const len = Math.hypot(dx, dy);
    const cap = 60;
    if (len > cap) [dx, dy] = [(dx * cap) / len, (dy * cap) / len];
    if (Math.hypot(dx, dy) < 0.5) continue;
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x0 + dx, y0 + dy);
    ctx.stroke();
    const a = Math.atan2(dy, dx);
    ctx.beginPath();
    ctx.moveTo(x0 + dx, y0 + dy);
    ctx.lineTo(x0 + dx - 5 * Math.cos(a - 0.4), y0 + dy - 5 * Math.sin(a - 0.4));
    ctx.lineTo(x0 + dx - 5 * Math.cos(a + 0.4), y0 + dy - 5 * Math.sin(a + 0.4));
    ctx.fill();
  }
}

export function drawLines(ctx: CanvasRenderingContext2D, lines: ArrayLike<number>[], color: string): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  for (const l of lines) {
    ctx.beginPath();
    for (let i = 0; i < l.length / 2; i++) {
      const x = toPx(l[2 * i]);
      const y = toPy(l[2 * i + 1]);
      if (i) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
    }
    ctx.stroke();
  }
}

/** Axis-aligned ellipses μ ± 2σ of diagonal Gaussians in a 2-D latent space (or bars on rows for a 1-D one). */
export function drawPosteriors(ctx: CanvasRenderingContext2D, mean: ArrayLike<number>, logVar: ArrayLike<number>, latent: 1 | 2, colors: string[]): void {
  // The prior N(0, I): its 1σ and 2σ circles (or bands).
  ctx.strokeStyle = 'rgba(0,0,0,0.35)';
  ctx.setLineDash([4, 4]);
  for (const r of [1, 2]) {
    ctx.beginPath();
    if (latent === 2) ctx.ellipse(toPx(0), toPy(0), (r / (2 * PLANE)) * VIEW_SIZE, (r / (2 * PLANE)) * VIEW_SIZE, 0, 0, 2 * Math.PI);
    else {
      ctx.moveTo(toPx(-r), 0);
      ctx.lineTo(toPx(-r), VIEW_SIZE);
      ctx.moveTo(toPx(r), 0);
      ctx.lineTo(toPx(r), VIEW_SIZE);
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const n = mean.length / latent;
  for (let i = 0; i < n; i++) {
    ctx.strokeStyle = colors[i % colors.length];
    ctx.fillStyle = colors[i % colors.length];
    ctx.lineWidth = 1.5;
    if (latent === 2) {
      const sx = 2 * Math.exp(0.5 * logVar[2 * i]);
      const sy = 2 * Math.exp(0.5 * logVar[2 * i + 1]);
      ctx.beginPath();
      ctx.ellipse(
        toPx(mean[2 * i]),
        toPy(mean[2 * i + 1]),
        Math.min(VIEW_SIZE, (sx / (2 * PLANE)) * VIEW_SIZE),
        Math.min(VIEW_SIZE, (sy / (2 * PLANE)) * VIEW_SIZE),
        0,
        0,
        2 * Math.PI,
      );
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(toPx(mean[2 * i]), toPy(mean[2 * i + 1]), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      const y = ((i + 1) / (n + 1)) * VIEW_SIZE;
      const s = 2 * Math.exp(0.5 * logVar[i]);
      ctx.beginPath();
      ctx.moveTo(toPx(mean[i] - s), y);
      ctx.lineTo(toPx(mean[i] + s), y);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(toPx(mean[i]), y, 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}

export const PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];

export interface Series {
  label: string;
  color: string;
  /** [x, y] pairs. */
  points: [number, number][];
  dashed?: boolean;
}

/** Bucket means, so a curve of any length draws as at most `max` points. */
export function downsample(values: readonly number[], max = 300, xScale = 1): [number, number][] {
  const out: [number, number][] = [];
  const per = Math.max(1, Math.ceil(values.length / max));
  for (let i = 0; i < values.length; i += per) {
    const chunk = values.slice(i, i + per);
    out.push([(i + chunk.length) * xScale, chunk.reduce((s, v) => s + v, 0) / chunk.length]);
  }
  return out;
}

/** Line chart of several series with a legend; the y range fits the data (and `include`). */
export function drawCurves(ctx: CanvasRenderingContext2D, series: Series[], include: number[] = []): void {
  const { width, height } = ctx.canvas;
  clear(ctx);
  const pad = { l: 44, r: 8, t: 8 + 16 * Math.ceil(series.length / 2), b: 20 };
  const all = series.flatMap((s) => s.points);
  if (!all.length) return;
  const xs = all.map((p) => p[0]);
  const ys = [...all.map((p) => p[1]), ...include].filter(Number.isFinite);
  const [x0, x1] = [Math.min(0, ...xs), Math.max(1, ...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 < 1e-6) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const X = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const Y = (y: number) => height - pad.b - ((y - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#444';
  ctx.strokeStyle = '#ccc';
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.l, pad.t, width - pad.l - pad.r, height - pad.t - pad.b);
  for (const y of [y0, (y0 + y1) / 2, y1]) ctx.fillText(y.toFixed(2), 2, Y(y) + 4);
  ctx.fillText(String(Math.round(x1)), width - pad.r - 30, height - 6);
  ctx.fillText('0', pad.l, height - 6);
  series.forEach((s, k) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(s.dashed ? [5, 4] : []);
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y))));
    ctx.stroke();
    const lx = pad.l + (k % 2) * ((width - pad.l) / 2);
    const ly = 12 + 16 * Math.floor(k / 2);
    ctx.beginPath();
    ctx.moveTo(lx, ly - 4);
    ctx.lineTo(lx + 18, ly - 4);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#222';
    ctx.fillText(s.label, lx + 22, ly);
  });
  ctx.setLineDash([]);
}
