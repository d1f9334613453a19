/** Levene's test for equal variances, median-centred (Brown-Forsythe; scipy `levene(center='median')`). */
import { anovaOneWay } from './anova.js';
import { degenerate, type TestResult } from './result.js';
import { dropMissing, median } from './sample.js';

export function levene(groups: readonly ArrayLike<number>[]): TestResult {
  const cleaned = groups.map(dropMissing);
  const missing = cleaned.reduce((s, g) => s + g.missing, 0);
  const kept = cleaned.map((g) => g.values).filter((g) => g.length > 0);
  const n = kept.reduce((s, g) => s + g.length, 0);
  if (kept.length < 2) return degenerate('levene', n, missing, 'needs at least two non-empty groups');
  const deviations = kept.map((g) => {
    const m = median(g);
    return g.map((v) => Math.abs(v - m));
  });
  const f = anovaOneWay(deviations);
  return { test: 'levene', statistic: f.statistic, df: f.df, pValue: f.pValue, n, missing, notes: f.notes };
}
