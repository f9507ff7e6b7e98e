import { matMul, sqrtPsd, symmetricEigen } from './linalg';

/** Mean vector and covariance matrix (divided by N − 1) of N feature rows of dimension d. */
export function featureStatistics(features: ArrayLike<number>, n: number, d: number): { mean: Float64Array; covariance: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += features[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const covariance = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = features[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      for (let b = a; b < d; b++) covariance[a * d + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      const v = covariance[a * d + b] / (n - 1);
      covariance[a * d + b] = v;
      covariance[b * d + a] = v;
    }
  return { mean, covariance };
}

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017):
 *   ‖μ_r − μ_g‖² + Tr(S_r + S_g − 2 (S_r S_g)^½).
 * Tr((S_r S_g)^½) is computed as Σ √λ over the eigenvalues λ of the symmetric matrix
 * S_r^½ S_g S_r^½, which has the same spectrum and avoids a non-symmetric square root.
 */
export function frechetDistance(a: { mean: Float64Array; covariance: Float64Array }, b: { mean: Float64Array; covariance: Float64Array }): number {
  const d = a.mean.length;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  let trace = 0;
  for (let j = 0; j < d; j++) trace += a.covariance[j * d + j] + b.covariance[j * d + j];
  const rootA = sqrtPsd(a.covariance, d);
  const inner = matMul(matMul(rootA, b.covariance, d), rootA, d);
  // Symmetrize away round-off before the eigen-solver.
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++) {
      const s = (inner[i * d + j] + inner[j * d + i]) / 2;
      inner[i * d + j] = s;
      inner[j * d + i] = s;
    }
  const { values } = symmetricEigen(inner, d);
  let traceRoot = 0;
  for (const v of values) traceRoot += Math.sqrt(Math.max(v, 0));
  return Math.max(0, meanTerm + trace - 2 * traceRoot);
}
