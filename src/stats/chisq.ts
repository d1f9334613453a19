/** Chi-square test of independence (with Cramér's V) and Fisher's exact test for 2x2 tables. */
import { InputError } from '../errors.js';
import { lgamma } from '../math/gamma.js';
import { chi2Sf } from './distributions.js';
import { cramersV } from './effect-size.js';
import { degenerate, type TestResult } from './result.js';

/** A contingency table of counts, rows × columns. */
export type Counts = readonly (readonly number[])[];

/** Cross-tabulate two code arrays (−1 = missing, dropped). */
export function crossTab(a: Int32Array, b: Int32Array, rows: number, cols: number): { table: number[][]; missing: number } {
  const table = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  let missing = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < 0 || b[i] < 0) missing++;
    else table[a[i]][b[i]]++;
  }
  return { table, missing };
}

/**
 * Pearson chi-square test of independence (scipy `chi2_contingency`): Yates' continuity correction when
 * there is one degree of freedom. Rows or columns that sum to zero are dropped first. Effect: Cramér's V
 * from the uncorrected statistic.
 */
export function chiSquareIndependence(observed: Counts, missing = 0): TestResult {
  const rowsKept = observed.filter((r) => r.reduce((s, x) => s + x, 0) > 0);
  const colSums0 = observed[0]?.map((_, j) => observed.reduce((s, r) => s + r[j], 0)) ?? [];
  const colIdx = colSums0.map((s, j) => (s > 0 ? j : -1)).filter((j) => j >= 0);
  const t = rowsKept.map((r) => colIdx.map((j) => r[j]));
  const R = t.length;
  const C = colIdx.length;
  const n = t.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
  if (R < 2 || C < 2) return degenerate('chi_square', n, missing, 'needs at least two non-empty rows and columns');
  const rowSums = t.map((r) => r.reduce((a, b) => a + b, 0));
  const colSums = colIdx.map((_, j) => t.reduce((s, r) => s + r[j], 0));
  const df = (R - 1) * (C - 1);
  let chi2 = 0;
  let chi2Raw = 0;
  let minExpected = Infinity;
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      const e = (rowSums[i] * colSums[j]) / n;
      minExpected = Math.min(minExpected, e);
      const d = t[i][j] - e;
      chi2Raw += (d * d) / e;
      const dc = df === 1 ? Math.sign(d) * Math.max(0, Math.abs(d) - 0.5) : d;
      chi2 += (dc * dc) / e;
    }
  }
  const notes = minExpected < 5 ? [`smallest expected count is ${minExpected.toFixed(2)}: the chi-square approximation is rough`] : undefined;
  return {
    test: 'chi_square',
    statistic: chi2,
    df,
    pValue: chi2Sf(chi2, df),
    effect: { name: 'cramer_v', value: cramersV(chi2Raw, n, R, C) },
    n,
    missing,
    notes,
  };
}

function logHypergeom(x: number, total: number, success: number, draws: number): number {
  const lchoose = (n: number, k: number) => lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
  return lchoose(success, x) + lchoose(total - success, draws - x) - lchoose(total, draws);
}

/**
 * Fisher's exact test for a 2x2 table, two-sided by summing every table no more likely than the observed
 * one (scipy `fisher_exact`). The statistic is the sample odds ratio.
 */
export function fisherExact(table: Counts, missing = 0): TestResult {
  if (table.length !== 2 || table.some((r) => r.length !== 2)) {
    throw new InputError('NOT_2X2', 'Fisher exact test needs a 2x2 table', 'use the chi-square test for larger tables');
  }
  const [[a, b], [c, d]] = table;
  const n = a + b + c + d;
  if (a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0) {
    return degenerate('fisher_exact', n, missing, 'a row or column is empty');
  }
  const oddsRatio = b > 0 && c > 0 ? (a * d) / (b * c) : Infinity;
  const row1 = a + b;
  const col1 = a + c;
  const lo = Math.max(0, col1 - (c + d));
  const hi = Math.min(row1, col1);
  const logObs = logHypergeom(a, n, row1, col1);
  // Relative slack of 1e-7 counts tables tied with the observed one despite rounding in lgamma.
  const limit = logObs + 1e-7;
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const lp = logHypergeom(x, n, row1, col1);
    if (lp <= limit) p += Math.exp(lp);
  }
  return {
    test: 'fisher_exact',
    statistic: oddsRatio,
    pValue: Math.min(1, p),
    effect: { name: 'odds_ratio', value: oddsRatio },
    n,
    missing,
  };
}
