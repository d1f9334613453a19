import type { Matrix } from '../data/matrix.js';

export interface Projection {
  /** n x 2 scores on the first two principal components. */
  scores: Matrix;
  /** 2 x d loadings (unit vectors), row-major. */
  components: Float64Array;
  /** Share of total variance on each of the two components. */
  explained: [number, number];
}

/**
 * 2-D principal-component projection for the segment scatter: eigenvectors of the d x d covariance
 * by cyclic Jacobi rotations (exact enough for d up to a few dozen, no dependencies).
 * Component signs are fixed so each loading's largest-magnitude entry is positive, for reproducible plots.
 */
export function pca2(x: Matrix): Projection {
  const { rows: n, cols: d, data } = x;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      for (let b = a; b < d; b++) cov[a * d + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a * d + b] /= Math.max(1, n - 1);
      cov[b * d + a] = cov[a * d + b];
    }
  }
  const { values, vectors } = jacobiEigen(cov, d);
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  const components = new Float64Array(2 * d);
  for (let c = 0; c < Math.min(2, d); c++) {
    const e = order[c];
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(vectors[j * d + e]) > Math.abs(vectors[big * d + e])) big = j;
    const sign = vectors[big * d + e] < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) components[c * d + j] = sign * vectors[j * d + e];
  }
  const scores = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (data[i * d + j] - mean[j]) * components[c * d + j];
      scores[i * 2 + c] = s;
    }
  }
  const share = (c: number): number => (total > 0 && c < d ? Math.max(0, values[order[c]]) / total : 0);
  return { scores: { rows: n, cols: 2, data: scores }, components, explained: [share(0), share(1)] };
}

/** Eigen-decomposition of a symmetric d x d matrix; vectors are columns of the returned row-major matrix. */
function jacobiEigen(symmetric: Float64Array, d: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(symmetric);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: d }, (_, i) => a[i * d + i]), vectors: v };
}
