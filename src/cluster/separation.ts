import type { Matrix } from '../data/matrix.js';
import type { DesignTransform } from '../features/design.js';
import { argsortFloat64 } from '../data/argsort.js';

/** The design columns of one input column: one for a number, the indicator block for a category. */
export interface FeatureBlock {
  readonly column: string;
  readonly kind: 'number' | 'category';
  readonly start: number;
  readonly width: number;
}

export function featureBlocks(transform: DesignTransform): FeatureBlock[] {
  const blocks: FeatureBlock[] = [];
  let start = 0;
  for (const s of transform.steps) {
    const width = s.kind === 'number' ? 1 : s.levels.length;
    blocks.push({ column: s.column, kind: s.kind, start, width });
    start += width;
  }
  return blocks;
}

/** Positions of the numeric columns when `blocks` are laid side by side (as selectBlocks does). */
export function numericColumns(blocks: readonly FeatureBlock[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const b of blocks) {
    if (b.kind === 'number') out.push(at);
    at += b.width;
  }
  return out;
}

/** How much of the between-segment separation one input column carries. */
export interface Separation {
  column: string;
  /** Between-segment sum of squares of the column over that of all columns (sums to 1). */
  share: number;
  /** Between-segment over total sum of squares of the column: how well the segments split it (eta squared). */
  eta2: number;
}

/**
 * Between and total sums of squares per block, in one pass over the rows. The loop takes only typed arrays and
 * numbers: called with matrices and block lists made in different places (different hidden classes), it was
 * deoptimised at entry ('wrong map', 32 times a run) and compiled four times.
 */
function sumsOfSquares(x: Matrix, labels: ArrayLike<number>, k: number, blocks: readonly FeatureBlock[]): { between: Float64Array; total: Float64Array } {
  const d = x.cols;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const grand = new Float64Array(d);
  const total = new Float64Array(d);
  accumulateSquares(x.data, x.rows, d, labels instanceof Int32Array ? labels : Int32Array.from(labels), sums, counts, grand, total);
  const n = x.rows;
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

/** Per-cluster column sums and counts, and each column's sum and sum of squares, over the n rows of `data`. */
function accumulateSquares(data: Float64Array, n: number, d: number, labels: Int32Array, sums: Float64Array, counts: Float64Array, grand: Float64Array, total: Float64Array): void {
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
}

/** Each column's share of the separation between the segments `labels` (between-segment SS over the total of it). */
export function separationShares(x: Matrix, labels: ArrayLike<number>, k: number, blocks: readonly FeatureBlock[]): Separation[] {
  const { between, total } = sumsOfSquares(x, labels, k, blocks);
  const all = between.reduce((a, b) => a + b, 0);
  return blocks.map((b, q) => ({ column: b.column, share: all > 0 ? between[q] / all : 0, eta2: total[q] > 0 ? between[q] / total[q] : 0 }));
}

/**
 * A column for which no other column's groups hold at least this share of its variance separates
 * nothing: 5% is a "small" effect by Cohen's (1988) eta-squared conventions.
 */
export const NO_SEPARATION_ETA2 = 0.05;
/** Groups a partner column is cut into: quintiles for a number, its levels for a category. */
export const SCREEN_BINS = 5;

export interface Screened {
  column: string;
  /** Largest share of the column's variance between the groups of any other column. */
  eta2: number;
  /** The column that agreed most. */
  partner: string | null;
}

/**
 * Columns that no other column agrees with separate nothing and are dropped. Segments are groups of
 * customers that differ in several respects at once, so a column that takes part in them varies with
 * at least one other column. For each pair, cut the partner into groups (quintiles, or its levels)
 * and measure the share of the column's variance between those groups (eta squared, which also sees
 * non-linear links). A column independent of all others (a random device, an age unrelated to
 * behaviour) scores about (groups - 1) / rows, whatever structure it has by itself, so it cannot make
 * segments of its own, and other noise columns do not change any pair's score. At least two columns are kept.
 */
export function screenColumns(x: Matrix, blocks: readonly FeatureBlock[], options: { threshold?: number } = {}): { kept: FeatureBlock[]; dropped: Screened[]; scores: Screened[] } {
  const n = x.rows;
  const threshold = options.threshold ?? Math.max(NO_SEPARATION_ETA2, (5 * (SCREEN_BINS - 1)) / n);
  const groups = blocks.map((b) => partnerGroups(x, b));
  const scores: Screened[] = blocks.map((block, q) => {
    let best = 0;
    let partner: string | null = null;
    const own = selectBlocks(x, [block]);
    const ownBlock = [{ ...block, start: 0 }];
    blocks.forEach((other, r) => {
      if (r === q) return;
      const e = separationShares(own, groups[r].labels, groups[r].k, ownBlock)[0].eta2;
      if (e > best) {
        best = e;
        partner = other.column;
      }
    });
    return { column: block.column, eta2: best, partner };
  });
  const order = scores.map((_, q) => q).sort((a, b) => scores[b].eta2 - scores[a].eta2);
  const keep = new Set(order.filter((q, rank) => scores[q].eta2 >= threshold || rank < 2));
  return {
    kept: blocks.filter((_, q) => keep.has(q)),
    dropped: scores.filter((_, q) => !keep.has(q)),
    scores,
  };
}

/** A column cut into groups: quintiles of a number (tied values share a group), levels of a category. */
function partnerGroups(x: Matrix, block: FeatureBlock): { labels: Int32Array; k: number } {
  const n = x.rows;
  const labels = new Int32Array(n);
  if (block.kind === 'category') {
    // The level whose indicator is largest; rows with no level (missing) form one more group.
    for (let i = 0; i < n; i++) {
      let best = block.width;
      let top = 0;
      for (let j = 0; j < block.width; j++) {
        const v = x.data[i * x.cols + block.start + j];
        if (v > top) {
          top = v;
          best = j;
        }
      }
      labels[i] = best;
    }
    return { labels, k: block.width + 1 };
  }
  const values = Float64Array.from({ length: n }, (_, i) => x.data[i * x.cols + block.start]);
  // Radix, not a comparator sort of indices (20 ms for Online Retail's columns, the design's largest cost).
  const order = argsortFloat64(values);
  let group = 0;
  for (let r = 0; r < n; r++) {
    if (r > 0 && values[order[r]] !== values[order[r - 1]]) group = Math.floor((SCREEN_BINS * r) / n);
    labels[order[r]] = group;
  }
  return { labels, k: SCREEN_BINS };
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
