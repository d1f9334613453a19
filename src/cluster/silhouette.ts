import { InputError } from '../errors.js';
import { takeRows, type Matrix } from '../data/matrix.js';
import { Random } from '../random.js';

/** Above this many rows the mean silhouette is computed on a seeded random sample of this size (O(n^2) otherwise). */
export const EXACT_SILHOUETTE_LIMIT = 10_000;

/**
 * Silhouette of each row (Rousseeuw 1987, as scikit-learn's `silhouette_samples`): (b - a) / max(a, b),
 * a = mean Euclidean distance to the other members of its cluster, b = lowest mean distance to
 * another cluster; 0 for a row alone in its cluster. Exact, O(n^2 d).
 */
export function silhouetteSamples(x: Matrix, labels: ArrayLike<number>): Float64Array {
  return silhouetteSamplesMany(x, [labels])[0];
}

/**
 * Silhouettes of several labelings of the same rows at once: each pairwise distance, the O(n^2 d) part,
 * is computed once and added to every labeling's sums, so scoring k = 2..10 costs little more than one k.
 */
export function silhouetteSamplesMany(x: Matrix, labelings: readonly ArrayLike<number>[]): Float64Array[] {
  const { rows: n, cols: d, data } = x;
  const L = labelings.length;
  const ks = labelings.map((labels) => checkLabels(labels, n));
  const labelsOf = labelings.map((l) => Int32Array.from(l as ArrayLike<number>));
  // sums[l][i * k_l + c]: total distance from row i to the rows of cluster c under labeling l.
  const sums = ks.map((k) => new Float64Array(n * k));
  for (let i = 0; i < n; i++) {
    const ri = i * d;
    for (let j = i + 1; j < n; j++) {
      const rj = j * d;
      let s = 0;
      for (let q = 0; q < d; q++) {
        const diff = data[ri + q] - data[rj + q];
        s += diff * diff;
      }
      const dist = Math.sqrt(s);
      for (let l = 0; l < L; l++) {
        const k = ks[l];
        const lab = labelsOf[l];
        const sl = sums[l];
        sl[i * k + lab[j]] += dist;
        sl[j * k + lab[i]] += dist;
      }
    }
  }
  return labelsOf.map((labels, l) => {
    const k = ks[l];
    const sl = sums[l];
    const sizes = new Float64Array(k);
    for (let i = 0; i < n; i++) sizes[labels[i]]++;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const own = labels[i];
      if (sizes[own] <= 1) continue;
      const a = sl[i * k + own] / (sizes[own] - 1);
      let b = Infinity;
      for (let c = 0; c < k; c++) {
        if (c !== own && sizes[c] > 0) b = Math.min(b, sl[i * k + c] / sizes[c]);
      }
      const m = Math.max(a, b);
      out[i] = m > 0 ? (b - a) / m : 0;
    }
    return out;
  });
}

export interface SilhouetteScore {
  score: number;
  /** Rows the score was computed on (all rows, or the sample). */
  rows: number;
  sampled: boolean;
}

/** Mean silhouette: exact up to `sampleSize` rows, else on a seeded sample of that many rows without replacement. */
export function silhouetteScore(x: Matrix, labels: Int32Array, options: { sampleSize?: number; seed?: number } = {}): SilhouetteScore {
  return silhouetteScores(x, [labels], options)[0];
}

/** Mean silhouettes of several labelings, on one shared sample when the rows exceed `sampleSize`. */
export function silhouetteScores(x: Matrix, labelings: readonly Int32Array[], options: { sampleSize?: number; seed?: number } = {}): SilhouetteScore[] {
  const { sampleSize = EXACT_SILHOUETTE_LIMIT, seed = 42 } = options;
  let m = x;
  let ls: ArrayLike<number>[] = [...labelings];
  const sampled = x.rows > sampleSize;
  if (sampled) {
    const index = new Int32Array(x.rows);
    for (let i = 0; i < x.rows; i++) index[i] = i;
    const rng = new Random(seed);
    // Partial Fisher-Yates: the first sampleSize slots become a uniform sample.
    for (let i = 0; i < sampleSize; i++) {
      const j = i + rng.int(x.rows - i);
      const t = index[i];
      index[i] = index[j];
      index[j] = t;
    }
    const pick = index.subarray(0, sampleSize);
    m = takeRows(x, pick);
    ls = labelings.map((labels) => Int32Array.from(pick, (i) => labels[i]));
  }
  return silhouetteSamplesMany(m, ls).map((s) => {
    let total = 0;
    for (let i = 0; i < s.length; i++) total += s[i];
    return { score: total / s.length, rows: s.length, sampled };
  });
}

/** Validates labels are 0..k-1 with 2 <= distinct clusters <= n - 1; returns k = max label + 1. */
function checkLabels(labels: ArrayLike<number>, n: number): number {
  if (labels.length !== n) throw new InputError('silhouette-labels', `Got ${labels.length} labels for ${n} rows`);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0) throw new InputError('silhouette-labels', `Label ${v} in row ${i + 1} is not a cluster index (0, 1, ...)`);
    if (v + 1 > k) k = v + 1;
  }
  const used = new Set<number>();
  for (let i = 0; i < n; i++) used.add(labels[i]);
  if (used.size < 2 || used.size > n - 1) {
    throw new InputError('silhouette-clusters', `Silhouette needs between 2 and ${n - 1} clusters, got ${used.size}`);
  }
  return k;
}
