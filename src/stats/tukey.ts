/** Tukey's HSD post-hoc comparisons of every pair of group means (scipy `tukey_hsd`). */
import { degenerate, type TestResult } from './result.js';
import { dropMissing, mean, sumSquares } from './sample.js';
import { studentizedRangeSf } from './studentized-range.js';

export interface TukeyPair {
  /** Indices of the two groups compared (as passed in). */
  readonly a: number;
  readonly b: number;
  /** mean(a) − mean(b). */
  readonly diff: number;
  /** The studentized range statistic |diff| / √(MSE/2 · (1/n_a + 1/n_b)). */
  readonly q: number;
  readonly pValue: number;
}

export interface TukeyHsd {
  readonly test: 'tukey_hsd';
  readonly groups: number;
  readonly df: number;
  readonly mse: number;
  readonly pairs: readonly TukeyPair[];
  readonly n: number;
  readonly missing: number;
  readonly notes?: readonly string[];
}

export function tukeyHsd(groups: readonly ArrayLike<number>[]): TukeyHsd {
  const cleaned = groups.map(dropMissing);
  const missing = cleaned.reduce((s, g) => s + g.missing, 0);
  const values = cleaned.map((g) => g.values);
  const k = values.length;
  const n = values.reduce((s, g) => s + g.length, 0);
  const df = n - k;
  const base = { test: 'tukey_hsd' as const, groups: k, n, missing };
  if (k < 2 || values.some((g) => g.length === 0) || df < 1) {
    const d: TestResult = degenerate('tukey_hsd', n, missing, 'needs two or more non-empty groups and more values than groups');
    return { ...base, df, mse: NaN, pairs: [], notes: d.notes };
  }
  const means = values.map((g) => mean(g));
  const mse = values.reduce((s, g, i) => s + sumSquares(g, means[i]), 0) / df;
  const pairs: TukeyPair[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const diff = means[i] - means[j];
      const se = Math.sqrt((mse / 2) * (1 / values[i].length + 1 / values[j].length));
      const q = Math.abs(diff) / se;
      const pValue = se === 0 ? (diff === 0 ? 1 : 0) : studentizedRangeSf(q, k, df);
      pairs.push({ a: i, b: j, diff, q, pValue });
    }
  }
  return { ...base, df, mse, pairs };
}
