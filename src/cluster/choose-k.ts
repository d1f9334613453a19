import { InputError } from '../errors.js';
import { Random } from '../random.js';
import type { Matrix } from '../data/matrix.js';
import { FittedKMeans, KMeans, type KMeansOptions } from './kmeans.js';
import { silhouetteScores, EXACT_SILHOUETTE_LIMIT } from './silhouette.js';

export interface KCandidate {
  k: number;
  inertia: number;
  silhouette: number;
  /** Rows in the smallest cluster. */
  smallest: number;
}

export interface KChoice {
  k: number;
  /** One sentence saying why. */
  reason: string;
  /** Knee of the inertia curve (maximum distance below the chord), or null when the curve has none. */
  elbowK: number | null;
  /** k with the highest mean silhouette. */
  silhouetteK: number;
  candidates: KCandidate[];
  /** Clusters smaller than this were outliers, absorbed into the nearest segment before scoring. */
  minSegmentRows: number;
  /** Rows the silhouettes were computed on; fewer than the data when sampled. */
  silhouetteRows: number;
  silhouetteSampled: boolean;
}

export interface ChooseKOptions extends Omit<KMeansOptions, 'k'> {
  kMin?: number;
  kMax?: number;
  silhouetteSampleSize?: number;
  /**
   * Columns of measured numbers (not indicators) to dequantise for the silhouettes: a count's grid
   * (1, 2, 3 purchases) is a gap between values, not between customers, yet silhouettes reward it.
   */
  dequantise?: readonly number[];
}

/**
 * Silhouettes closer than this were once a tie broken towards the smaller k. That rule chose k = 2 on
 * tables with four planted groups, so the choice no longer uses it; kept for callers that import it.
 */
export const SILHOUETTE_TIE = 0.01;

/**
 * Automatic k: fit k-means for every k in kMin..kMax (default 2..10); clusters under MIN_SEGMENT_SHARE
 * of the rows are outliers and join their nearest segment, so a fit counts as the number of real
 * segments it found. The k with the highest mean silhouette (Rousseeuw 1987) wins. The inertia elbow
 * is reported but does not vote: on the planted benchmark (docs/segmentation.md) it lands early
 * whenever groups differ in size, and breaking silhouette ties towards it or towards the smaller k
 * lost planted groups. Returns the choice and every fitted model so the caller need not refit.
 */
export function chooseK(x: Matrix, options: ChooseKOptions = {}): { choice: KChoice; models: Map<number, FittedKMeans> } {
  const { kMin = 2, silhouetteSampleSize = EXACT_SILHOUETTE_LIMIT, ...kmeans } = options;
  const kMax = Math.min(options.kMax ?? 10, x.rows - 1);
  if (!Number.isInteger(kMin) || kMin < 2 || kMax < kMin) {
    throw new InputError('choose-k-range', `Cannot search k from ${kMin} to ${kMax} on ${x.rows} rows`, 'Use kMin >= 2 and at least kMin + 1 rows');
  }
  const minRows = Math.max(MIN_SEGMENT_ROWS, Math.ceil(MIN_SEGMENT_SHARE * x.rows));
  const fits: FittedKMeans[] = [];
  for (let k = kMin; k <= kMax; k++) fits.push(absorbOutliers(x, new KMeans({ ...kmeans, k }).fit(x), minRows));
  // A fit whose tiny clusters were absorbed competes as the smaller k it really found, the lower
  // inertia winning; one left with a tiny cluster (it found one segment and outliers) competes only
  // when every fit is like that, as on very small tables.
  const real = fits.filter((m) => m.k >= kMin && smallestCluster(m.labels, m.k) >= minRows);
  const models = new Map<number, FittedKMeans>();
  for (const m of real.length > 0 ? real : fits) {
    const held = models.get(m.k);
    if (!held || m.inertia < held.inertia) models.set(m.k, m);
  }
  const ks = [...models.keys()].sort((a, b) => a - b);
  const candidates: KCandidate[] = ks.map((k) => {
    const m = models.get(k) as FittedKMeans;
    return { k, inertia: m.inertia, silhouette: -1, smallest: smallestCluster(m.labels, k) };
  });
  let rows = 0;
  let sampled = false;
  const scored = ks.filter((k) => new Set((models.get(k) as FittedKMeans).labels).size >= 2);
  // All ks' silhouettes in one pass over the row pairs.
  const scoredOn = options.dequantise && options.dequantise.length > 0 ? dequantised(x, options.dequantise, kmeans.seed ?? 42) : x;
  const scores = silhouetteScores(scoredOn, scored.map((k) => (models.get(k) as FittedKMeans).labels), { sampleSize: silhouetteSampleSize, seed: kmeans.seed });
  scored.forEach((k, i) => {
    (candidates.find((c) => c.k === k) as KCandidate).silhouette = scores[i].score;
    rows = scores[i].rows;
    sampled = scores[i].sampled;
  });
  const elbowK = elbow(candidates.map((c) => c.k), candidates.map((c) => c.inertia));
  const best = candidates.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
  return {
    choice: { k: best.k, reason: explain(best, elbowK, candidates, minRows), elbowK, silhouetteK: best.k, candidates, silhouetteRows: rows, silhouetteSampled: sampled, minSegmentRows: minRows },
    models,
  };
}

/**
 * A cluster smaller than this share of the rows (or MIN_SEGMENT_ROWS) is a handful of outliers, not a
 * segment: its few far points earn a high silhouette, so without this floor k grows with the outliers.
 */
export const MIN_SEGMENT_SHARE = 0.01;
export const MIN_SEGMENT_ROWS = 10;

/**
 * The clusters of at least `minRows` rows, with every row assigned to the nearest of their centres:
 * a few outliers then join the segment they are closest to instead of posing as one. The centres are
 * the big clusters' means, so outliers do not pull them either. Unchanged when no cluster is tiny,
 * or when fewer than two big clusters remain.
 */
export function absorbOutliers(x: Matrix, model: FittedKMeans, minRows: number): FittedKMeans {
  const counts = new Int32Array(model.k);
  for (let i = 0; i < model.labels.length; i++) counts[model.labels[i]]++;
  const big: number[] = [];
  counts.forEach((c, j) => c >= minRows && big.push(j));
  if (big.length === model.k || big.length < 2) return model;
  const d = x.cols;
  const centers = new Float64Array(big.length * d);
  big.forEach((j, q) => centers.set(model.centers.data.subarray(j * d, (j + 1) * d), q * d));
  const reduced = new FittedKMeans({ rows: big.length, cols: d, data: centers }, new Int32Array(0), NaN, model.iterations);
  const labels = reduced.predict(x);
  let inertia = 0;
  for (let i = 0; i < x.rows; i++) {
    const c = labels[i] * d;
    for (let j = 0; j < d; j++) inertia += (x.data[i * d + j] - centers[c + j]) ** 2;
  }
  const absorbed = model.labels.length - big.reduce((a, j) => a + counts[j], 0);
  return new FittedKMeans(reduced.centers, labels, inertia, model.iterations, [
    ...model.warnings,
    `${absorbed} outlying customer${absorbed === 1 ? '' : 's'} in clusters under ${minRows} rows joined the nearest segment`,
  ]);
}

/**
 * Tied values of a discrete column (fewer distinct values than a tenth of the rows) spread uniformly
 * over their grid cell: half the median step between neighbouring values on each side, never past
 * halfway to a neighbour. Wide real gaps stay gaps; only the grid disappears. Continuous columns
 * are left as they are.
 */
export function dequantised(x: Matrix, columns: readonly number[], seed: number): Matrix {
  const { rows: n, cols: d } = x;
  const out = Float64Array.from(x.data);
  const rng = new Random(seed);
  const values = new Float64Array(n);
  const distinct = new Float64Array(n);
  for (const j of columns) {
    for (let i = 0; i < n; i++) values[i] = x.data[i * d + j];
    values.sort();
    let m = 0;
    for (let i = 0; i < n; i++) if (i === 0 || values[i] !== values[i - 1]) distinct[m++] = values[i];
    if (m < 2 || m > n / 10) continue;
    const gaps = new Float64Array(m - 1);
    for (let q = 0; q < m - 1; q++) gaps[q] = distinct[q + 1] - distinct[q];
    const step = Float64Array.from(gaps).sort()[Math.floor(gaps.length / 2)];
    for (let i = 0; i < n; i++) {
      const q = indexOf(distinct, m, x.data[i * d + j]);
      const below = Math.min(q > 0 ? gaps[q - 1] : step, step) / 2;
      const above = Math.min(q < gaps.length ? gaps[q] : step, step) / 2;
      out[i * d + j] += -below + (below + above) * rng.uniform();
    }
  }
  return { rows: n, cols: d, data: out };
}

/** Position of `v` among the first `m` sorted distinct values (it is one of them). */
function indexOf(sorted: Float64Array, m: number, v: number): number {
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function smallestCluster(labels: Int32Array, k: number): number {
  const counts = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return Math.min(...counts);
}

/**
 * Knee of a decreasing curve as the point farthest below the straight line joining its ends, after
 * scaling both axes to [0, 1] (the peak of Kneedle's difference curve, without its sensitivity
 * threshold). Null when no interior point lies below the chord.
 */
export function elbow(ks: number[], inertias: number[]): number | null {
  if (ks.length < 3) return null;
  const k0 = ks[0];
  const kSpan = ks[ks.length - 1] - k0;
  const hi = Math.max(...inertias);
  const lo = Math.min(...inertias);
  if (!(hi > lo)) return null;
  let best: number | null = null;
  let bestGap = 1e-9;
  for (let i = 1; i < ks.length - 1; i++) {
    const xn = (ks[i] - k0) / kSpan;
    const yn = (inertias[i] - lo) / (hi - lo);
    const chord = 1 + ((inertias[ks.length - 1] - lo) / (hi - lo) - 1) * xn;
    const gap = chord - yn;
    if (gap > bestGap) {
      bestGap = gap;
      best = ks[i];
    }
  }
  return best;
}

function explain(chosen: KCandidate, elbowK: number | null, all: KCandidate[], minRows: number): string {
  const s = chosen.silhouette.toFixed(2);
  const floor = `segments of at least ${minRows} customers`;
  if (elbowK === chosen.k) return `k = ${chosen.k} has the highest mean silhouette (${s}) of the ${floor}, and is where the inertia curve bends.`;
  const e = all.find((c) => c.k === elbowK);
  const elbowText = elbowK === null ? 'the inertia curve has no clear elbow' : `the inertia curve bends at k = ${elbowK}${e ? ` (silhouette ${e.silhouette.toFixed(2)})` : ''}`;
  return `k = ${chosen.k} has the highest mean silhouette (${s}) of the ${floor}; ${elbowText}.`;
}
