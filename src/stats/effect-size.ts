/**
 * Effect sizes: how large a difference or association is, independent of sample size, so findings
 * can be ranked by importance rather than by p-value.
 */
import { lgamma } from '../math/gamma.js';
import { tQuantile } from './distributions.js';
import type { EffectSize } from './result.js';

/** Cohen's d with the pooled standard deviation (ddof = 1 in each group). */
export function cohensD(mean1: number, mean2: number, ss1: number, ss2: number, n1: number, n2: number): number {
  return (mean1 - mean2) / Math.sqrt((ss1 + ss2) / (n1 + n2 - 2));
}

/** Hedges' g: d times the exact small-sample bias correction J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν−1)/2)). */
export function hedgesG(d: number, n1: number, n2: number): number {
  const df = n1 + n2 - 2;
  const j = Math.exp(lgamma(df / 2) - lgamma((df - 1) / 2) - 0.5 * Math.log(df / 2));
  return d * j;
}

/** Share of the total variation explained by an effect: SS_effect / SS_total. */
export function etaSquared(ssEffect: number, ssTotal: number): number {
  return ssEffect / ssTotal;
}

/** SS_effect / (SS_effect + SS_error): the effect with the other terms partialled out. */
export function partialEtaSquared(ssEffect: number, ssError: number): number {
  return ssEffect / (ssEffect + ssError);
}

/** ω², the less biased variance share: (SS_effect − df_effect·MS_error) / (SS_total + MS_error). */
export function omegaSquared(ssEffect: number, dfEffect: number, msError: number, ssTotal: number): number {
  return (ssEffect - dfEffect * msError) / (ssTotal + msError);
}

/** Rank-biserial correlation from U of the first sample: +1 when every x exceeds every y. */
export function rankBiserial(u1: number, n1: number, n2: number): number {
  return (2 * u1) / (n1 * n2) - 1;
}

/** Cramér's V from an uncorrected chi-square statistic. */
export function cramersV(chi2: number, n: number, rows: number, cols: number): number {
  return Math.sqrt(chi2 / (n * (Math.min(rows, cols) - 1)));
}

/** A mean difference with its two-sided (1 − alpha) t interval. */
export function meanDifference(diff: number, se: number, df: number, alpha = 0.05): EffectSize {
  const h = tQuantile(1 - alpha / 2, df) * se;
  return { name: 'mean_difference', value: diff, ci: [diff - h, diff + h] };
}
