/** Pearson and Spearman correlation with two-sided p-values (t with n − 2 df) and a Fisher-z CI for r. */
import { normalQuantile, tTwoSided } from './distributions.js';
import { degenerate, type TestResult } from './result.js';
import { dropMissingPairs, isConstant, mean, rank } from './sample.js';

function pearsonR(x: Float64Array, y: Float64Array): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

function correlationResult(test: string, r: number, n: number, missing: number): TestResult {
  const df = n - 2;
  const t = r * Math.sqrt(df / ((1 - r) * (1 + r)));
  const pValue = Math.abs(r) === 1 ? 0 : tTwoSided(t, df);
  const z = Math.atanh(r);
  const h = normalQuantile(0.975) / Math.sqrt(n - 3);
  const ci: [number, number] | undefined = n > 3 ? [Math.tanh(z - h), Math.tanh(z + h)] : undefined;
  return { test, statistic: r, df, pValue, effect: { name: 'r', value: r, ci }, n, missing };
}

/** Pearson's r (scipy `pearsonr`); pairs with a missing side are dropped. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): TestResult {
  const p = dropMissingPairs(x, y);
  const n = p.x.length;
  if (n < 3) return degenerate('pearson', n, p.missing, 'needs at least three complete pairs');
  if (isConstant(p.x) || isConstant(p.y)) return degenerate('pearson', n, p.missing, 'a variable is constant: correlation is undefined');
  return correlationResult('pearson', pearsonR(p.x, p.y), n, p.missing);
}

/** Spearman's rank correlation (scipy `spearmanr`): Pearson's r on mid-ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): TestResult {
  const p = dropMissingPairs(x, y);
  const n = p.x.length;
  if (n < 3) return degenerate('spearman', n, p.missing, 'needs at least three complete pairs');
  if (isConstant(p.x) || isConstant(p.y)) return degenerate('spearman', n, p.missing, 'a variable is constant: correlation is undefined');
  return correlationResult('spearman', pearsonR(rank(p.x).ranks, rank(p.y).ranks), n, p.missing);
}
