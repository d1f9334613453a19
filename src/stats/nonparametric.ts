/**
 * Rank tests: Mann-Whitney U (exact or normal approximation with tie and continuity correction, chosen
 * as scipy's `method='auto'` does) and Kruskal-Wallis H with tie correction.
 */
import { chi2Sf, normalSf } from './distributions.js';
import { rankBiserial } from './effect-size.js';
import { degenerate, type TestResult } from './result.js';
import { concat, dropMissing, isConstant, rank } from './sample.js';

/**
 * P(U ≥ u) under H0 for sample sizes m, n without ties. The counts of U are the coefficients of the
 * Gaussian binomial [m+n choose m]_q = Π_{i=1..m} (1 − q^{n+i}) / (1 − q^i), built one factor at a time.
 */
export function mannWhitneyExactSf(u: number, m: number, n: number): number {
  if (m > n) [m, n] = [n, m];
  const size = m * n + 1;
  const c = new Float64Array(size);
  c[0] = 1;
  for (let i = 1; i <= m; i++) {
    const up = n + i;
    for (let k = size - 1; k >= up; k--) c[k] -= c[k - up];
    for (let k = i; k < size; k++) c[k] += c[k - i];
  }
  let total = 0;
  let tail = 0;
  const from = Math.max(0, Math.ceil(u));
  for (let k = 0; k < size; k++) {
    total += c[k];
    if (k >= from) tail += c[k];
  }
  return tail / total;
}

export interface MannWhitneyOptions {
  /** 'auto' (exact when a sample has ≤ 8 values and there are no ties), 'exact' or 'asymptotic'. */
  readonly method?: 'auto' | 'exact' | 'asymptotic';
}

/** Two-sided Mann-Whitney U test (scipy `mannwhitneyu`); the statistic is U of the first sample. */
export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>, options: MannWhitneyOptions = {}): TestResult {
  const a = dropMissing(x);
  const b = dropMissing(y);
  const n1 = a.values.length;
  const n2 = b.values.length;
  const missing = a.missing + b.missing;
  if (n1 === 0 || n2 === 0) return degenerate('mann_whitney_u', n1 + n2, missing, 'each group needs at least one value');
  const { values } = concat([a.values, b.values]);
  const { ranks, tieTerm } = rank(values);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u = Math.max(u1, n1 * n2 - u1);
  const n = n1 + n2;
  let method = options.method ?? 'auto';
  if (method === 'auto') method = (n1 > 8 && n2 > 8) || tieTerm > 0 ? 'asymptotic' : 'exact';
  const effect = { name: 'rank_biserial', value: rankBiserial(u1, n1, n2) };
  if (isConstant(values)) {
    return { ...degenerate('mann_whitney_u', n, missing, 'all values are equal: ranks carry no information'), statistic: u1 };
  }
  let p: number;
  if (method === 'exact') {
    p = mannWhitneyExactSf(u, n1, n2);
  } else {
    const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    p = normalSf((u - (n1 * n2) / 2 - 0.5) / s);
  }
  return { test: 'mann_whitney_u', statistic: u1, pValue: Math.min(1, 2 * p), effect, n, missing, notes: [method] };
}

/** Kruskal-Wallis H test with tie correction (scipy `kruskal`). Effect: η²_H = (H − k + 1) / (N − k). */
export function kruskalWallis(groups: readonly ArrayLike<number>[]): TestResult {
  const cleaned = groups.map(dropMissing);
  const missing = cleaned.reduce((s, g) => s + g.missing, 0);
  const kept = cleaned.map((g) => g.values).filter((g) => g.length > 0);
  const { values, offsets } = concat(kept);
  const n = values.length;
  const k = kept.length;
  if (k < 2) return degenerate('kruskal_wallis', n, missing, 'needs at least two non-empty groups');
  const { ranks, tieTerm } = rank(values);
  const ties = 1 - tieTerm / (n * n * n - n);
  if (ties === 0) return degenerate('kruskal_wallis', n, missing, 'all values are equal: ranks carry no information');
  let s = 0;
  for (let g = 0; g < k; g++) {
    let r = 0;
    for (let i = offsets[g]; i < offsets[g + 1]; i++) r += ranks[i];
    s += (r * r) / (offsets[g + 1] - offsets[g]);
  }
  const h = ((12 / (n * (n + 1))) * s - 3 * (n + 1)) / ties;
  const effect = { name: 'eta_squared_h', value: (h - k + 1) / (n - k) };
  return { test: 'kruskal_wallis', statistic: h, df: k - 1, pValue: chi2Sf(h, k - 1), effect, n, missing };
}
