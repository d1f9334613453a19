import { takeRows, type Matrix } from '../data/matrix.js';
import { Random } from '../random.js';
import { regressionMetrics } from './metrics.js';
import type { Predictor } from './model.js';

/**
 * Permutation importance (Breiman 2001; scikit-learn's permutation_importance): the drop in the score
 * (accuracy, or R² for regression) when one feature's column is shuffled, averaged over repeats.
 * Unlike impurity importance it is measured on held-out rows and is not biased toward many-valued features.
 */
export interface PermutationImportance {
  /** Mean score drop per feature. */
  mean: Float64Array;
  std: Float64Array;
  baseline: number;
}

/** Rows scored per permutation by default: enough for stable importances, and bounded cost on large data. */
export const IMPORTANCE_ROWS = 20_000;

export function permutationImportance(
  model: Predictor,
  X0: Matrix,
  y0: ArrayLike<number>,
  options: { repeats?: number; seed?: number; maxRows?: number } = {},
): PermutationImportance {
  const repeats = options.repeats ?? 5;
  const rng = new Random(options.seed ?? 0);
  // Every repeat re-scores all rows for every feature; above maxRows an evenly spread subset stands in.
  const maxRows = options.maxRows ?? IMPORTANCE_ROWS;
  const rows = X0.rows <= maxRows ? null : Int32Array.from({ length: maxRows }, (_, k) => Math.floor((k * X0.rows) / maxRows));
  const X = rows ? takeRows(X0, rows) : X0;
  const y = rows ? Float64Array.from(rows, (i) => y0[i]) : y0;
  const score = (m: Matrix): number => {
    const pred = model.predict(m);
    if (model.task === 'regression') return regressionMetrics(y, pred).r2;
    let c = 0;
    for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) c++;
    return c / y.length;
  };
  const baseline = score(X);
  const p = X.cols;
  const n = X.rows;
  const work = { rows: n, cols: p, data: Float64Array.from(X.data) };
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      rng.shuffle(perm);
      for (let i = 0; i < n; i++) work.data[i * p + j] = X.data[perm[i] * p + j];
      drops.push(baseline - score(work));
    }
    for (let i = 0; i < n; i++) work.data[i * p + j] = X.data[i * p + j];
    const m = drops.reduce((s, v) => s + v, 0) / repeats;
    mean[j] = m;
    std[j] = Math.sqrt(drops.reduce((s, v) => s + (v - m) * (v - m), 0) / repeats);
  }
  return { mean, std, baseline };
}

