import { InputError } from '../errors.js';
import { seededSample } from '../data/sample.js';
import { takeRows, type Matrix } from '../data/matrix.js';
import type { Table } from '../data/table.js';
import { quantileSorted, type DesignTransform } from '../features/design.js';
import { chooseK, type ChooseKOptions, type KChoice } from './choose-k.js';
import { profileSegments, type SegmentProfile } from './profile.js';
import { featureBlocks, numericColumns, screenColumns, selectBlocks, type FeatureBlock } from './separation.js';

/**
 * Two-stage segmentation: recluster one segment (by default the top spenders) to isolate its most
 * loyal customers. The segment's rows are re-standardised within the segment first, so differences
 * among top customers are not swamped by the larger differences between segments.
 */
export interface Recluster {
  /** Segment that was reclustered. */
  parent: number;
  parentName: string;
  /** Column whose highest segment mean picked the parent (null when the user named the segment). */
  rankedBy: string | null;
  /** Column whose highest sub-segment mean marks the most loyal sub-segment. */
  loyaltyBy: string;
  k: number;
  choice: KChoice;
  /** Sub-segment per row; -1 for rows outside the parent. */
  labels: Int32Array;
  profiles: SegmentProfile[];
  /** Sub-segment with the highest mean of `loyaltyBy`. */
  loyal: number;
  /** Within-parent standardisation applied to the design matrix before stage two. */
  center: Float64Array;
  scale: Float64Array;
  /** Design columns stage two clusters on (the others separate nothing inside the parent). */
  columns: number[];
  /** Input columns left out of stage two. */
  dropped: string[];
  /** Stage-two centres in the re-standardised space of `columns`, k x columns. */
  centers: Matrix;
  /** Parent rows stage two was fitted on: all, or a seeded sample of `sampleSize` (every parent row is assigned). */
  fitRows: number;
}

export const MIN_RECLUSTER_ROWS = 20;

const SPEND = /spend|revenue|monetary|sales|amount/i;
const FREQUENCY = /count|frequency|purchases|orders|items|transactions/i;
const ENGAGEMENT = /engagement|session|visits/i;

export function reclusterSegment(
  t: Table,
  x: Matrix,
  transform: DesignTransform,
  labels: Int32Array,
  profiles: readonly SegmentProfile[],
  target: true | string,
  options: ChooseKOptions = {},
  sampleSize = Infinity,
): Recluster {
  const numeric = transform.steps.filter((s) => s.kind === 'number').map((s) => s.column);
  const byPattern = (...patterns: RegExp[]): string | undefined => {
    for (const p of patterns) {
      const hit = numeric.find((c) => p.test(c));
      if (hit) return hit;
    }
    return undefined;
  };
  let parent: number;
  let rankedBy: string | null = null;
  const named = typeof target === 'string' ? profiles.find((p) => p.name.toLowerCase() === target.toLowerCase() || String(p.id) === target) : undefined;
  if (named) {
    parent = named.id;
  } else {
    if (typeof target === 'string' && !numeric.includes(target)) {
      throw new InputError(
        'recluster-target',
        `"${target}" is neither a segment nor a numeric feature`,
        `Name a segment (${profiles.map((p) => p.name).join('; ')}) or a feature (${numeric.join(', ')})`,
      );
    }
    rankedBy = typeof target === 'string' ? target : byPattern(SPEND, FREQUENCY, ENGAGEMENT) ?? numeric[0];
    if (!rankedBy) throw new InputError('recluster-target', 'No numeric feature to rank segments by', 'Name the segment to recluster');
    parent = argmaxMean(profiles, rankedBy);
  }
  const loyaltyBy = byPattern(FREQUENCY) ?? rankedBy ?? byPattern(SPEND, ENGAGEMENT) ?? numeric[0];

  const index: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === parent) index.push(i);
  if (index.length < MIN_RECLUSTER_ROWS) {
    throw new InputError('recluster-too-small', `Segment "${profiles[parent].name}" has ${index.length} customers, too few to recluster (need ${MIN_RECLUSTER_ROWS})`, 'Pick a larger segment');
  }
  const sub = takeRows(x, index);
  const blocks = featureBlocks(transform);
  const { center, scale } = standardiseInPlace(sub, blocks);
  // Inside one segment most columns hold no further structure, and after re-standardising each
  // weighs as much as the one that splits the segment; only columns the others agree on stay.
  // A large parent is screened and clustered on a seeded sample, as the first stage is; the
  // standardisation above used every parent row, and every parent row is assigned below.
  const sampled = sub.rows > sampleSize;
  const fitOn = sampled ? takeRows(sub, seededSample(sub.rows, sampleSize, options.seed ?? 42)) : sub;
  const screen = screenColumns(fitOn, blocks);
  const columns = screen.kept.flatMap((b) => Array.from({ length: b.width }, (_, j) => b.start + j));
  const numbers = numericColumns(screen.kept);
  const { choice, models } = chooseK(selectBlocks(fitOn, screen.kept), { ...options, kMax: Math.min(options.kMax ?? 6, fitOn.rows - 1), dequantise: numbers });
  const model = models.get(choice.k)!;
  const assigned = sampled ? model.predict(selectBlocks(sub, screen.kept)) : model.labels;
  const subLabels = new Int32Array(labels.length).fill(-1);
  index.forEach((row, r) => (subLabels[row] = assigned[r]));
  const subProfiles = profileSegments(t, transform, subLabels, choice.k);
  return {
    parent,
    parentName: profiles[parent].name,
    rankedBy,
    loyaltyBy,
    k: choice.k,
    choice,
    labels: subLabels,
    profiles: subProfiles,
    loyal: argmaxMean(subProfiles, loyaltyBy),
    center,
    scale,
    columns,
    dropped: screen.dropped.map((d) => d.column),
    centers: model.centers,
    fitRows: fitOn.rows,
  };
}


/**
 * Within the parent, a number more than this many robust SDs from the parent's median is clipped
 * there. Outliers of the whole table are ordinary at the first stage's scale but sit far outside
 * one segment; unclipped, they draw clusters of their own instead of the split inside the segment.
 */
export const PARENT_CLIP = 4;

/**
 * Apply a fitted within-parent standardisation (used when scoring), keeping `columns` (all when
 * absent, as in models saved before stage two chose its columns) and clipping at ±`clip`.
 */
export function restandardise(x: Matrix, center: ArrayLike<number>, scale: ArrayLike<number>, columns?: readonly number[], clip?: ArrayLike<number>): Matrix {
  const keep = columns ?? Array.from({ length: x.cols }, (_, j) => j);
  const p = keep.length;
  const out = new Float64Array(x.rows * p);
  for (let i = 0; i < x.rows; i++) {
    for (let q = 0; q < p; q++) {
      const j = keep[q];
      const bound = clip ? clip[j] : Infinity;
      out[i * p + q] = Math.max(-bound, Math.min(bound, (x.data[i * x.cols + j] - center[j]) / scale[j]));
    }
  }
  return { rows: x.rows, cols: p, data: out };
}

/** Per design column, the bound stage two clips at: `clip` for numbers, none for indicators. */
export function clipBounds(blocks: readonly FeatureBlock[], clip: number): Float64Array {
  const bounds = new Float64Array(blocks.reduce((a, b) => a + b.width, 0));
  for (const b of blocks) bounds.fill(b.kind === 'number' ? clip : Infinity, b.start, b.start + b.width);
  return bounds;
}

/**
 * Re-standardise the parent's rows: a number by its winsorised mean and SD, clipped at ±PARENT_CLIP;
 * a category's indicators centred and sharing one scale so the column's total variance is 1, as in
 * the first stage's design.
 */
function standardiseInPlace(m: Matrix, blocks: readonly FeatureBlock[]): { center: Float64Array; scale: Float64Array } {
  const { rows: n, cols: d, data } = m;
  const center = new Float64Array(d);
  const scale = new Float64Array(d);
  const column = new Float64Array(n);
  for (const b of blocks) {
    let total = 0;
    for (let j = b.start; j < b.start + b.width; j++) {
      for (let i = 0; i < n; i++) column[i] = data[i * d + j];
      const mean = column.reduce((a, v) => a + v, 0) / n;
      const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
      total += variance;
      if (b.kind === 'number') {
        // Winsorised mean and SD: the median and IQR / 1.349 (the SD, for normal data) set where
        // outliers start, and the moments of the values clipped there keep the SD's weighting
        // between columns without letting the outliers inflate it.
        const sorted = Float64Array.from(column).sort();
        const robust = (quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)) / 1.349;
        if (robust > 0) {
          const lo = quantileSorted(sorted, 0.5) - PARENT_CLIP * robust;
          const hi = quantileSorted(sorted, 0.5) + PARENT_CLIP * robust;
          for (let i = 0; i < n; i++) column[i] = Math.min(hi, Math.max(lo, column[i]));
          const m = column.reduce((a, v) => a + v, 0) / n;
          center[j] = m;
          scale[j] = Math.sqrt(column.reduce((a, v) => a + (v - m) ** 2, 0) / n);
        } else {
          center[j] = mean;
          scale[j] = Math.sqrt(variance);
        }
      } else {
        center[j] = mean;
      }
    }
    if (b.kind === 'category') for (let j = b.start; j < b.start + b.width; j++) scale[j] = Math.sqrt(total);
    for (let j = b.start; j < b.start + b.width; j++) if (!(scale[j] > 0)) scale[j] = 1;
  }
  const clipOf = clipBounds(blocks, PARENT_CLIP);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const z = (data[i * d + j] - center[j]) / scale[j];
      data[i * d + j] = Math.max(-clipOf[j], Math.min(clipOf[j], z));
    }
  }
  return { center, scale };
}

function argmaxMean(profiles: readonly SegmentProfile[], feature: string): number {
  let best = 0;
  let bestMean = -Infinity;
  for (const p of profiles) {
    const f = p.features.find((q) => q.feature === feature);
    if (f && f.mean > bestMean) {
      bestMean = f.mean;
      best = p.id;
    }
  }
  return best;
}
