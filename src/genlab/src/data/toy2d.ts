import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { DEFAULT_RING, ringCenters } from './toy';

/**
 * The 2-D data sets of the site's lab. Each is an equal-weight mixture of isotropic Gaussians,
 * p_data(x) = (1/K) Σ_k N(x; c_k, σ² I): eight modes for the ring of Gaussians of notebook 03, and a
 * few hundred closely spaced centres (spacing below σ) tracing the ring, the two moons and the line.
 * Written that way, p_data is known in closed form everywhere, which the optimal discriminator
 * D* = p_data / (p_data + p_g) needs, and sampling from it is exact.
 */
export type Toy2dKind = 'ring8' | 'ring' | 'moons' | 'line' | 'drawn';
export const TOY_2D_KINDS: readonly Toy2dKind[] = ['ring8', 'ring', 'moons', 'line', 'drawn'];

export interface Mixture2d {
  /** Centres c_k, flat [x0, y0, x1, y1, …]. */
  centers: Float64Array;
  /** σ of every component. */
  std: number;
}

/** Fewest centres for a curve: their spacing stays below σ, so the mixture is a smooth band. */
const CURVE_CENTERS = 256;
/** σ of a drawn point: wide enough that a few clicks already make a visible blob. */
export const DRAWN_STD = 0.1;

function curve(n: number, f: (t: number) => [number, number]): number[][] {
  return Array.from({ length: n }, (_, i) => f(n === 1 ? 0.5 : i / (n - 1)));
}

/**
 * The mixture for a data set. `drawn` takes the reader's points (at least one, each [x, y]).
 * ring8 is {@link DEFAULT_RING} (8 modes, radius 2, σ 0.05); the others fit in [−2, 2]².
 */
export function toy2dMixture(kind: Toy2dKind, drawnPoints: readonly (readonly number[])[] = []): Mixture2d {
  let centers: number[][];
  let std = 0.05;
  switch (kind) {
    case 'ring8':
      centers = ringCenters(DEFAULT_RING);
      std = DEFAULT_RING.std;
      break;
    case 'ring':
      centers = curve(CURVE_CENTERS, (t) => [1.5 * Math.cos(2 * Math.PI * t), 1.5 * Math.sin(2 * Math.PI * t)]);
      break;
    case 'moons': {
      // scikit-learn's make_moons (upper arc (cos t, sin t), lower arc (1 − cos t, ½ − sin t)), centred and scaled by 1.2.
      const half = CURVE_CENTERS / 2;
      const upper = curve(half, (t) => [Math.cos(Math.PI * t), Math.sin(Math.PI * t)]);
      const lower = curve(half, (t) => [1 - Math.cos(Math.PI * t), 0.5 - Math.sin(Math.PI * t)]);
      centers = [...upper, ...lower].map(([x, y]) => [1.2 * (x - 0.5), 1.2 * (y - 0.25)]);
      std = 0.06;
      break;
    }
    case 'line':
      centers = curve(CURVE_CENTERS, (t) => [-1.5 + 3 * t, -1 + 2 * t]);
      break;
    case 'drawn':
      if (!drawnPoints.length) throw new Error('toy2dMixture: the drawn data set needs at least one point');
      if (drawnPoints.some((p) => p.length !== 2 || !p.every(Number.isFinite))) throw new Error('toy2dMixture: drawn points must be finite [x, y] pairs');
      centers = drawnPoints.map((p) => [p[0], p[1]]);
      std = DRAWN_STD;
      break;
    default:
      throw new Error(`unknown 2-D data set '${kind as string}' (expected ${TOY_2D_KINDS.join(', ')})`);
  }
  return { centers: Float64Array.from(centers.flat()), std };
}

/** n samples from a mixture as a [n, 2] tensor: a centre uniformly at random plus N(0, σ² I) noise. */
export function sampleMixture2d(mixture: Mixture2d, n: number, seed: number): tf.Tensor2D {
  const rng = new Rng(`toy2d-${seed}`);
  const k = mixture.centers.length / 2;
  const values = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng.next() * k);
    // Box–Muller: two independent standard normals from two uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const t = 2 * Math.PI * rng.next();
    values[2 * i] = mixture.centers[2 * c] + mixture.std * r * Math.cos(t);
    values[2 * i + 1] = mixture.centers[2 * c + 1] + mixture.std * r * Math.sin(t);
  }
  return tf.tensor2d(values, [n, 2]);
}

/**
 * A square grid of `size` × `size` cells over [min, max]², row-major from the top: cell (i, j)
 * (column i, row j) has centre x = min + (i + ½)h, y = max − (j + ½)h, h = (max − min)/size, so
 * the cell index is also the pixel index of an image of the plane.
 */
export interface PlaneGrid {
  min: number;
  max: number;
  size: number;
}

export function gridCellSize(grid: PlaneGrid): number {
  return (grid.max - grid.min) / grid.size;
}

/** The cell centres of a grid, flat [x, y, …] in cell order (ready for `tf.tensor2d(…, [size², 2])`). */
export function gridPoints(grid: PlaneGrid): Float32Array {
  const h = gridCellSize(grid);
  const out = new Float32Array(2 * grid.size * grid.size);
  for (let j = 0; j < grid.size; j++) {
    for (let i = 0; i < grid.size; i++) {
      out[2 * (j * grid.size + i)] = grid.min + (i + 0.5) * h;
      out[2 * (j * grid.size + i) + 1] = grid.max - (j + 0.5) * h;
    }
  }
  return out;
}

/** Adds w·N(x; c, σ² I) to every cell within 4σ of c (further cells would add less than e⁻⁸ of the peak). */
function addKernel(out: Float64Array, grid: PlaneGrid, cx: number, cy: number, std: number, w: number): void {
  const h = gridCellSize(grid);
  const reach = 4 * std;
  const norm = w / (2 * Math.PI * std * std);
  const i0 = Math.max(0, Math.floor((cx - reach - grid.min) / h));
  const i1 = Math.min(grid.size - 1, Math.floor((cx + reach - grid.min) / h));
  const j0 = Math.max(0, Math.floor((grid.max - cy - reach) / h));
  const j1 = Math.min(grid.size - 1, Math.floor((grid.max - cy + reach) / h));
  for (let j = j0; j <= j1; j++) {
    const dy = grid.max - (j + 0.5) * h - cy;
    for (let i = i0; i <= i1; i++) {
      const dx = grid.min + (i + 0.5) * h - cx;
      out[j * grid.size + i] += norm * Math.exp(-(dx * dx + dy * dy) / (2 * std * std));
    }
  }
}

/** The mixture's density at every cell centre: p_data(x) = (1/K) Σ_k N(x; c_k, σ² I). */
export function mixtureDensityOnGrid(mixture: Mixture2d, grid: PlaneGrid): Float64Array {
  const out = new Float64Array(grid.size * grid.size);
  const k = mixture.centers.length / 2;
  for (let c = 0; c < k; c++) addKernel(out, grid, mixture.centers[2 * c], mixture.centers[2 * c + 1], mixture.std, 1 / k);
  return out;
}

/**
 * A Gaussian kernel density estimate of p_g from generated points, p̂_g(x) = (1/n) Σ_i N(x; x_i, b² I),
 * at every cell centre. With the bandwidth b about the data's σ, a generator that matches p_data
 * gets an estimate close to p_data (blurred by b), so the estimated D* sits near ½ there.
 */
export function kernelDensityOnGrid(points: ArrayLike<number>, grid: PlaneGrid, bandwidth: number): Float64Array {
  if (!(bandwidth > 0)) throw new Error(`kernelDensityOnGrid: bandwidth must be positive, got ${bandwidth}`);
  const out = new Float64Array(grid.size * grid.size);
  const n = points.length / 2;
  for (let i = 0; i < n; i++) addKernel(out, grid, points[2 * i], points[2 * i + 1], bandwidth, 1 / n);
  return out;
}

/**
 * Rescales a density on the grid so that Σ p·h² = 1: both p_data and p̂_g are compared on the same
 * window, and divergences between them (JSD ≤ log 2) need two distributions of mass 1. Mass outside
 * the window is dropped. A grid with no mass at all is returned as zeros.
 */
export function normalizeOnGrid(density: ArrayLike<number>, grid: PlaneGrid): Float64Array {
  const area = gridCellSize(grid) ** 2;
  let mass = 0;
  for (let i = 0; i < density.length; i++) mass += density[i] * area;
  const out = new Float64Array(density.length);
  if (mass > 0) for (let i = 0; i < density.length; i++) out[i] = density[i] / mass;
  return out;
}
