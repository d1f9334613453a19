/** Student, Welch and paired t tests (two-sided), with Cohen's d, Hedges' g and a CI for the mean difference. */
import { tTwoSided } from './distributions.js';
import { cohensD, hedgesG, meanDifference } from './effect-size.js';
import { degenerate, type EffectSize, type TestResult } from './result.js';
import { dropMissing, dropMissingPairs, mean, sumSquares } from './sample.js';

/** t = diff / se, with the conventions scipy uses when se is zero. */
function tResult(
  test: string,
  diff: number,
  se: number,
  df: number,
  n: number,
  missing: number,
  effect: EffectSize | undefined,
  effects: EffectSize[],
): TestResult {
  if (se === 0) {
    if (diff === 0) return degenerate(test, n, missing, 'all values are equal: no variance to test against');
    const statistic = diff > 0 ? Infinity : -Infinity;
    return { test, statistic, df, pValue: 0, n, missing, notes: ['zero variance within groups but different means'] };
  }
  const statistic = diff / se;
  return { test, statistic, df, pValue: tTwoSided(statistic, df), effect, effects, n, missing };
}

function twoSamples(x: ArrayLike<number>, y: ArrayLike<number>) {
  const a = dropMissing(x);
  const b = dropMissing(y);
  const n1 = a.values.length;
  const n2 = b.values.length;
  const m1 = mean(a.values);
  const m2 = mean(b.values);
  return { n1, n2, m1, m2, ss1: sumSquares(a.values, m1), ss2: sumSquares(b.values, m2), missing: a.missing + b.missing };
}

type TwoSamples = ReturnType<typeof twoSamples>;

/** Both independent-sample tests report Cohen's d (pooled SD), Hedges' g and the mean difference CI. */
function independentResult(test: string, s: TwoSamples, se: number, df: number): TestResult {
  const diff = s.m1 - s.m2;
  const d = cohensD(s.m1, s.m2, s.ss1, s.ss2, s.n1, s.n2);
  const effects = [{ name: 'hedges_g', value: hedgesG(d, s.n1, s.n2) }, meanDifference(diff, se, df)];
  return tResult(test, diff, se, df, s.n1 + s.n2, s.missing, { name: 'cohen_d', value: d }, effects);
}

/** Student's t test with pooled variance (scipy `ttest_ind(equal_var=True)`). */
export function studentT(x: ArrayLike<number>, y: ArrayLike<number>): TestResult {
  const s = twoSamples(x, y);
  const n = s.n1 + s.n2;
  const df = n - 2;
  if (s.n1 < 1 || s.n2 < 1 || df < 1) {
    return degenerate('student_t', n, s.missing, 'needs at least one value per group and three in all');
  }
  const pooled = (s.ss1 + s.ss2) / df;
  return independentResult('student_t', s, Math.sqrt(pooled * (1 / s.n1 + 1 / s.n2)), df);
}

/** Welch's t test with Satterthwaite degrees of freedom (scipy `ttest_ind(equal_var=False)`). */
export function welchT(x: ArrayLike<number>, y: ArrayLike<number>): TestResult {
  const s = twoSamples(x, y);
  const n = s.n1 + s.n2;
  if (s.n1 < 2 || s.n2 < 2) {
    return degenerate('welch_t', n, s.missing, 'a group of size one has no variance estimate; Welch needs two values per group');
  }
  const v1 = s.ss1 / (s.n1 - 1) / s.n1;
  const v2 = s.ss2 / (s.n2 - 1) / s.n2;
  const se = Math.sqrt(v1 + v2);
  const df = (v1 + v2) ** 2 / ((v1 * v1) / (s.n1 - 1) + (v2 * v2) / (s.n2 - 1));
  return independentResult('welch_t', s, se, df);
}

/** Paired t test on x − y (scipy `ttest_rel`); pairs with a missing side are dropped. Effect: d_z. */
export function pairedT(x: ArrayLike<number>, y: ArrayLike<number>): TestResult {
  const p = dropMissingPairs(x, y);
  const n = p.x.length;
  if (n < 2) return degenerate('paired_t', n, p.missing, 'needs at least two complete pairs');
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = p.x[i] - p.y[i];
  const m = mean(d);
  const sd = Math.sqrt(sumSquares(d, m) / (n - 1));
  const se = sd / Math.sqrt(n);
  return tResult('paired_t', m, se, n - 1, n, p.missing, { name: 'cohen_dz', value: m / sd }, [meanDifference(m, se, n - 1)]);
}
