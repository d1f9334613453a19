import type { Matrix } from '../data/matrix.js';
import type { DesignTransform } from '../features/design.js';
import { KMeans, type KMeansOptions } from './kmeans.js';

/** The design columns of one input column: one for a number, the indicator block for a category. */
export interface FeatureBlock {
  readonly column: string;
  readonly start: number;
  readonly width: number;
}

export function featureBlocks(transform: DesignTransform): FeatureBlock[] {
  const blocks: FeatureBlock[] = [];
  let start = 0;
  for (const s of transform.steps) {
    const width = s.kind === 'number' ? 1 : s.levels.length;
    blocks.push({ column: s.column, start, width });
    start += width;
  }
  return blocks;
}

/** How much of the between-segment separation one input column carries. */
export interface Separation {
  column: string;
  /** Between-segment sum of squares of the column over that of all columns (sums to 1). */
  share: number;
  /** Between-segment over total sum of squares of the column: how well the segments split it (eta squared). */
  eta2: number;
}

/** Between and total sums of squares per block, in one pass over the rows. */
function sumsOfSquares(x: Matrix, labels: ArrayLike<number>, k: number, blocks: readonly FeatureBlock[]): { between: Float64Array; total: Float64Array } {
  const { rows: n, cols: d, data } = x;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const grand = new Float64Array(d);
  const total = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j];
      sums[c * d + j] += v;
      grand[j] += v;
      total[j] += v * v;
    }
  }
  const between = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const mean = grand[j] / n;
    total[j] -= n * mean * mean;
    for (let c = 0; c < k; c++) if (counts[c] > 0) between[j] += (sums[c * d + j] * sums[c * d + j]) / counts[c];
    between[j] -= n * mean * mean;
  }
  const b = new Float64Array(blocks.length);
  const t = new Float64Array(blocks.length);
  blocks.forEach((block, q) => {
    for (let j = block.start; j < block.start + block.width; j++) {
      b[q] += Math.max(0, between[j]);
      t[q] += Math.max(0, total[j]);
    }
  });
  return { between: b, total: t };
}

/** Each column's share of the separation between the segments `labels` (between-segment SS over the total of it). */
export function separationShares(x: Matrix, labels: ArrayLike<number>, k: number, blocks: readonly FeatureBlock[]): Separation[] {
  const { between, total } = sumsOfSquares(x, labels, k, blocks);
  const all = between.reduce((a, b) => a + b, 0);
  return blocks.map((b, q) => ({ column: b.column, share: all > 0 ? between[q] / all : 0, eta2: total[q] > 0 ? between[q] / total[q] : 0 }));
}

/**
 * A column whose segments, found from the other columns, hold less than this share of its variance
 * separates nothing: 5% is a "small" effect by Cohen's (1988) eta-squared conventions.
 */
export const NO_SEPARATION_ETA2 = 0.05;
/** Segments the screen clusters into: any k works, since segments of the other columns are independent of a noise column. */
export const SCREEN_K = 4;
/** Rows the screen runs on (a seeded sample above this): eta squared of noise is about (k - 1) / rows, already tiny. */
export const SCREEN_ROWS = 2000;

export interface Screened {
  column: string;
  eta2: number;
}

/**
 * Backward elimination of columns that no other column agrees with. For each column, cluster the
 * rows on all other columns and measure how much of that column's variance lies between those
 * segments. A column independent of the rest (a random device, an age unrelated to behaviour)
 * gets about nothing, whatever structure it has by itself, so it cannot make segments of its own; a
 * behaviour shared by several columns is kept. The weakest column goes first, then the rest are
 * re-checked without it, so one strong noise column cannot hide the agreement of the others.
 * At least two columns are always kept.
 */
export function screenColumns(x: Matrix, blocks: readonly FeatureBlock[], options: Omit<KMeansOptions, 'k'> & { k?: number; threshold?: number } = {}): { kept: FeatureBlock[]; dropped: Screened[]; eta2: Map<string, number> } {
  const { k: kOption = SCREEN_K, threshold: thresholdOption, ...kmeans } = options;
  const k = Math.min(kOption, x.rows - 1);
  const threshold = thresholdOption ?? Math.max(NO_SEPARATION_ETA2, (5 * (k - 1)) / x.rows);
  let kept = [...blocks];
  const dropped: Screened[] = [];
  const eta2 = new Map<string, number>();
  while (kept.length > 2 && k >= 2) {
    let worst = -1;
    let worstEta = Infinity;
    kept.forEach((block, q) => {
      const others = kept.filter((_, r) => r !== q);
      const labels = new KMeans({ ...kmeans, k }).fit(selectBlocks(x, others)).labels;
      const e = separationShares(selectBlocks(x, [block]), labels, k, [{ column: block.column, start: 0, width: block.width }])[0].eta2;
      eta2.set(block.column, e);
      if (e < worstEta) {
        worstEta = e;
        worst = q;
      }
    });
    if (worstEta >= threshold) break;
    dropped.push({ column: kept[worst].column, eta2: worstEta });
    kept = kept.filter((_, q) => q !== worst);
  }
  return { kept, dropped, eta2 };
}

/** The design columns of `blocks`, in their order, as a new matrix. */
export function selectBlocks(x: Matrix, blocks: readonly FeatureBlock[]): Matrix {
  const cols = blocks.reduce((a, b) => a + b.width, 0);
  const out = new Float64Array(x.rows * cols);
  for (let i = 0; i < x.rows; i++) {
    let o = i * cols;
    for (const b of blocks) {
      const from = i * x.cols + b.start;
      for (let j = 0; j < b.width; j++) out[o++] = x.data[from + j];
    }
  }
  return { rows: x.rows, cols, data: out };
}
