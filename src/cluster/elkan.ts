import type { Matrix } from '../data/matrix.js';
import { relocateEmpty, type KMeansRun } from './lloyd.js';

/**
 * Elkan's k-means (2003): the same iterations as Lloyd, but upper/lower distance bounds and the
 * triangle inequality skip most point-centre distances once clusters settle. Uses n x k lower bounds
 * of memory; worth it when clusters are well separated.
 */
export function elkan(x: Matrix, init: Float64Array, k: number, maxIterations: number, tolerance: number): KMeansRun {
  const { rows: n, cols: d, data } = x;
  let centers = Float64Array.from(init);
  let next = new Float64Array(k * d);
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const between = new Float64Array(k * k);
  const half = new Float64Array(k);
  const shift = new Float64Array(k);
  const counts = new Float64Array(k);

  const dist = (i: number, c: number): number => {
    let s = 0;
    const row = i * d;
    const off = c * d;
    for (let j = 0; j < d; j++) {
      const diff = data[row + j] - centers[off + j];
      s += diff * diff;
    }
    return Math.sqrt(s);
  };

  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDist = Infinity;
    for (let c = 0; c < k; c++) {
      const v = dist(i, c);
      lower[i * k + c] = v;
      if (v < bestDist) {
        bestDist = v;
        best = c;
      }
    }
    labels[i] = best;
    upper[i] = bestDist;
  }

  /** One assignment pass with bounds valid for the current `centers`. */
  const assign = (): void => {
    for (let a = 0; a < k; a++) {
      let m = Infinity;
      for (let b = 0; b < k; b++) {
        if (a === b) continue;
        let s = 0;
        for (let j = 0; j < d; j++) s += (centers[a * d + j] - centers[b * d + j]) ** 2;
        const v = Math.sqrt(s);
        between[a * k + b] = v;
        if (v < m) m = v;
      }
      half[a] = m / 2;
    }
    for (let i = 0; i < n; i++) {
      let label = labels[i];
      let u = upper[i];
      if (u <= half[label]) continue;
      let tight = false;
      const lo = i * k;
      for (let c = 0; c < k; c++) {
        if (c === label || u <= lower[lo + c] || u <= between[label * k + c] / 2) continue;
        if (!tight) {
          u = dist(i, label);
          lower[lo + label] = u;
          tight = true;
          if (u <= lower[lo + c] || u <= between[label * k + c] / 2) continue;
        }
        const v = dist(i, c);
        lower[lo + c] = v;
        if (v < u) {
          label = c;
          u = v;
        }
      }
      labels[i] = label;
      upper[i] = u;
    }
  };

  let iterations = 0;
  let converged = false;
  let first = true;
  for (let it = 0; it < maxIterations; it++) {
    if (!first) assign();
    first = false;
    next.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const off = labels[i] * d;
      for (let j = 0; j < d; j++) next[off + j] += data[i * d + j];
      counts[labels[i]] += 1;
    }
    if (counts.includes(0)) {
      relocateEmpty(data, n, d, centers, labels, next, counts);
      // Relocated points changed label, so their upper bounds no longer hold; lower bounds still do.
      upper.fill(Infinity);
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) next[c * d + j] /= counts[c];
    let total = 0;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (next[c * d + j] - centers[c * d + j]) ** 2;
      shift[c] = Math.sqrt(s);
      total += s;
    }
    [centers, next] = [next, centers];
    iterations = it + 1;
    for (let i = 0; i < n; i++) {
      upper[i] += shift[labels[i]];
      const lo = i * k;
      for (let c = 0; c < k; c++) {
        const v = lower[lo + c] - shift[c];
        lower[lo + c] = v > 0 ? v : 0;
      }
    }
    if (total <= tolerance) {
      converged = true;
      break;
    }
  }
  // Relabel against the final centres so labels, centres and inertia agree.
  assign();
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const v = dist(i, labels[i]);
    inertia += v * v;
  }
  return { centers, labels, inertia, iterations, converged };
}
