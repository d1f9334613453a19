import { InputError } from '../errors.js';
import { takeRows, type Matrix } from '../data/matrix.js';
import { Random } from '../random.js';
import { pairSumsKernel } from './kernels.js';
import { WasmArena } from './wasm-kernels.js';

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
 * Silhouettes of several labelings of the same rows at once. Each pairwise distance, the O(n^2 d) part,
 * is computed once for all labelings. Rows that every labeling puts together (a cell of the joint
 * partition; k-means for k = 2..10 leaves a few hundred) contribute alike to every sum, so the pairs are
 * taken cell against cell: a pair costs its distance and two additions, and each row's sums per cell are
 * spread to its clusters afterwards. When cells are nearly single rows that saves nothing, and the pairs
 * are summed into every labeling directly.
 */
export function silhouetteSamplesMany(x: Matrix, labelings: readonly ArrayLike<number>[]): Float64Array[] {
  const n = x.rows;
  const ks = labelings.map((labels) => checkLabels(labels, n));
  const labelsOf = labelings.map((l) => Int32Array.from(l as ArrayLike<number>));
  const cells = jointCells(labelsOf, ks, n);
  // sums[l][i * k_l + c]: total distance from row i to the rows of cluster c under labeling l.
  const sums = cells.count <= n / MIN_MEAN_CELL_ROWS ? sumsByCells(x, labelsOf, ks, cells) : sumsByPairs(x, labelsOf, ks);
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

/** Below this mean cell size the per-cell bookkeeping costs more than summing into each labeling. */
const MIN_MEAN_CELL_ROWS = 8;

interface Cells {
  count: number;
  /** Cell of each row. */
  of: Int32Array;
}

/** The joint partition: rows with the same cluster under every labeling share a cell. */
function jointCells(labelsOf: Int32Array[], ks: number[], n: number): Cells {
  const of = new Int32Array(n);
  const ids = new Map<number | string, number>();
  // A mixed-radix number identifies the tuple exactly while the product of the ks fits in 2^53.
  const numeric = ks.reduce((p, k) => p * k, 1) <= Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < n; i++) {
    let key: number | string = 0;
    if (numeric) {
      let v = 0;
      for (let l = 0; l < labelsOf.length; l++) v = v * ks[l] + labelsOf[l][i];
      key = v;
    } else {
      key = labelsOf.map((lab) => lab[i]).join(',');
    }
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    of[i] = id;
  }
  return { count: ids.size, of };
}

function sumsByCells(x: Matrix, labelsOf: Int32Array[], ks: number[], cells: Cells): Float64Array[] {
  const { rows: n, cols: d } = x;
  const L = labelsOf.length;
  const G = cells.count;
  // Rows in cell order, copied so each cell's rows are contiguous for the kernel.
  const start = new Int32Array(G + 1);
  for (let i = 0; i < n; i++) start[cells.of[i] + 1]++;
  for (let g = 0; g < G; g++) start[g + 1] += start[g];
  const fill = start.slice(0, G);
  const rowAt = new Int32Array(n);
  for (let i = 0; i < n; i++) rowAt[fill[cells.of[i]]++] = i;
  // The cluster of each cell under each labeling, as an offset into a row's slots for every labeling.
  const offset = new Int32Array(L + 1);
  for (let l = 0; l < L; l++) offset[l + 1] = offset[l] + ks[l];
  const S = offset[L];
  // The rows in cell order, the kernel's two sums, the slots and the per-cluster sums live in a Wasm arena when there
  // is one (the same arithmetic as the JavaScript loops, without their warm-up); the JavaScript reads the same arrays
  // otherwise.
  const wasm = WasmArena.acquire(d, 8 * (n * d + 2 * n + n * S) + 8 * Math.ceil((G * L) / 2));
  const data = wasm ? wasm.arena.f64(n * d) : new Float64Array(n * d);
  for (let p = 0; p < n; p++) {
    const r = rowAt[p] * d;
    for (let j = 0; j < d; j++) data[p * d + j] = x.data[r + j];
  }
  const slot = wasm ? wasm.arena.i32(G * L) : new Int32Array(G * L);
  for (let g = 0; g < G; g++) for (let l = 0; l < L; l++) slot[g * L + l] = offset[l] + labelsOf[l][rowAt[start[g]]];
  const acc = wasm ? wasm.arena.f64(n * S) : new Float64Array(n * S);
  acc.fill(0);
  const rowSum = wasm ? wasm.arena.f64(n) : new Float64Array(n);
  const colSum = wasm ? wasm.arena.f64(n) : new Float64Array(n);
  const js = wasm ? null : pairSumsKernel(d);
  const pointers = wasm ? [data.byteOffset, rowSum.byteOffset, colSum.byteOffset] : [];
  const kernel = (a0: number, a1: number, b0: number, b1: number, same: boolean): void => {
    if (js) js(data, a0, a1, b0, b1, same, rowSum, colSum);
    else wasm?.kernels.pairSums(pointers[0], a0, a1, b0, b1, same ? 1 : 0, pointers[1], pointers[2]);
  };
  const spread = (p0: number, p1: number, sums: Float64Array, cell: number) => {
    const so = cell * L;
    if (wasm) return wasm.kernels.spread(p0, p1, sums.byteOffset, slot.byteOffset + 4 * so, L, acc.byteOffset, S);
    for (let p = p0; p < p1; p++) {
      const v = sums[p];
      const base = p * S;
      for (let l = 0; l < L; l++) acc[base + slot[so + l]] += v;
    }
  };
  let result: Float64Array[];
  try {
    for (let A = 0; A < G; A++) {
      const a0 = start[A];
      const a1 = start[A + 1];
      for (let B = A; B < G; B++) {
        const b0 = start[B];
        const b1 = start[B + 1];
        colSum.fill(0, b0, b1);
        kernel(a0, a1, b0, b1, A === B);
        if (A === B) {
          for (let p = a0; p < a1; p++) rowSum[p] += colSum[p];
          spread(a0, a1, rowSum, A);
        } else {
          spread(a0, a1, rowSum, B);
          spread(b0, b1, colSum, A);
        }
      }
    }
    // Read out before the arena is released: its memory is the next user's.
    result = ks.map((k, l) => {
      const out = new Float64Array(n * k);
      for (let p = 0; p < n; p++) {
        const i = rowAt[p] * k;
        const from = p * S + offset[l];
        for (let c = 0; c < k; c++) out[i + c] = acc[from + c];
      }
      return out;
    });
  } finally {
    wasm?.arena.release();
  }
  return result;
}

function sumsByPairs(x: Matrix, labelsOf: Int32Array[], ks: number[]): Float64Array[] {
  const { rows: n, cols: d, data } = x;
  const L = labelsOf.length;
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
  return sums;
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
