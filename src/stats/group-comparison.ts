/**
 * Comparing a numeric variable across groups with the test chosen from the data: Welch t or Mann-Whitney
 * for two groups; one-way ANOVA, Welch ANOVA or Kruskal-Wallis for more, by group size, Shapiro-Wilk and
 * Levene. Also the per-group summaries (quartiles, whiskers) the report draws as box plots.
 */
import type { CategoryColumn } from '../data/table.js';
import { anovaOneWay, welchAnova } from './anova.js';
import { levene } from './levene.js';
import { kruskalWallis, mannWhitneyU } from './nonparametric.js';
import { shapiroWilk } from './normality.js';
import type { TestResult } from './result.js';
import { mean, sumSquares } from './sample.js';
import { formatP, type GroupExtremes } from './sentences.js';
import { welchT } from './ttest.js';

/** Groups at least this large are treated as having near-normal means (central limit theorem). */
const LARGE_GROUP = 30;

/** Per-level summary for tables and box plots (whiskers at the most extreme values within 1.5 IQR). */
export interface GroupSummary {
  readonly level: string;
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly whiskerLow: number;
  readonly whiskerHigh: number;
  /** Share of the positive outcome level, for a binary outcome. */
  readonly rate?: number;
}

export interface GroupComparison {
  readonly test: TestResult;
  /** Why this test was chosen, in words. */
  readonly choice: string;
  /** η²: the share of variance between groups, whatever the test. */
  readonly strength: number;
  readonly levels: readonly string[];
  readonly groups: readonly Float64Array[];
  readonly summaries: readonly GroupSummary[];
  /** Highest and lowest group by mean (parametric tests) or median (rank tests). */
  readonly extremes?: GroupExtremes;
}

/** Split finite `y` by category code; levels without values are dropped. */
export function splitGroups(y: Float64Array, f: CategoryColumn): { levels: string[]; groups: Float64Array[] } {
  const counts = new Int32Array(f.levels.length);
  for (let i = 0; i < y.length; i++) if (f.codes[i] >= 0 && Number.isFinite(y[i])) counts[f.codes[i]]++;
  const groups = f.levels.map((_, l) => new Float64Array(counts[l]));
  const fill = new Int32Array(f.levels.length);
  for (let i = 0; i < y.length; i++) {
    const c = f.codes[i];
    if (c >= 0 && Number.isFinite(y[i])) groups[c][fill[c]++] = y[i];
  }
  const keep = f.levels.map((_, l) => l).filter((l) => counts[l] > 0);
  return { levels: keep.map((l) => f.levels[l]), groups: keep.map((l) => groups[l]) };
}

function quantileSorted(s: Float64Array, p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

export function summariseGroup(level: string, values: Float64Array): GroupSummary {
  const s = Float64Array.from(values).sort();
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const fence = 1.5 * (q3 - q1);
  let lo = 0;
  while (s[lo] < q1 - fence) lo++;
  let hi = s.length - 1;
  while (s[hi] > q3 + fence) hi--;
  const m = mean(s);
  return {
    level, n: s.length, mean: m, sd: Math.sqrt(sumSquares(s, m) / (s.length - 1)), median: quantileSorted(s, 0.5),
    q1, q3, whiskerLow: s[lo], whiskerHigh: s[hi],
  };
}

/** η² = 1 − SS_within / SS_total. */
function etaSquaredOf(groups: readonly Float64Array[]): number {
  let total = 0;
  let n = 0;
  for (const g of groups) {
    for (const v of g) total += v;
    n += g.length;
  }
  const grand = total / n;
  let ssT = 0;
  let ssW = 0;
  for (const g of groups) {
    const m = mean(g);
    for (const v of g) {
      ssT += (v - grand) ** 2;
      ssW += (v - m) ** 2;
    }
  }
  return ssT > 0 ? Math.max(0, 1 - ssW / ssT) : 0;
}

export function extremesOf(groups: readonly GroupSummary[], statistic: GroupExtremes['statistic']): GroupExtremes | undefined {
  if (groups.length < 2) return undefined;
  const value = (g: GroupSummary) => (statistic === 'rate' ? (g.rate as number) : statistic === 'median' ? g.median : g.mean);
  let hi = groups[0];
  let lo = groups[0];
  for (const g of groups) {
    if (value(g) > value(hi)) hi = g;
    if (value(g) < value(lo)) lo = g;
  }
  return { high: { level: hi.level, value: value(hi) }, low: { level: lo.level, value: value(lo) }, statistic };
}

/**
 * Parametric when every group has ≥ 30 values (means are near normal) or passes Shapiro-Wilk; otherwise a
 * rank test. With three or more groups, Levene's test picks Welch's ANOVA over the classic F.
 */
function chooseTest(groups: readonly Float64Array[], alpha: number): { test: TestResult; choice: string } {
  const large = groups.every((g) => g.length >= LARGE_GROUP);
  const normal = large || groups.every((g) => g.length >= 3 && shapiroWilk(g).pValue >= alpha);
  const why = large
    ? `every group has at least ${LARGE_GROUP} values`
    : normal
      ? 'every group passes Shapiro-Wilk'
      : 'a small group is not normal (Shapiro-Wilk) or too small to check';
  if (groups.length === 2) {
    return normal
      ? { test: welchT(groups[0], groups[1]), choice: `${why}: Welch t test` }
      : { test: mannWhitneyU(groups[0], groups[1]), choice: `${why}: Mann-Whitney U test` };
  }
  if (!normal) return { test: kruskalWallis(groups), choice: `${why}: Kruskal-Wallis test` };
  const lv = levene(groups);
  const p = formatP(lv.pValue);
  return lv.pValue < alpha
    ? { test: welchAnova(groups), choice: `${why}; variances differ (Levene ${p}): Welch ANOVA` }
    : { test: anovaOneWay(groups), choice: `${why}; variances similar (Levene ${p}): one-way ANOVA` };
}

/** Compare `y` across the levels of `by`; null when fewer than two levels have values. */
export function compareGroups(y: Float64Array, by: CategoryColumn, alpha: number): GroupComparison | null {
  const { levels, groups } = splitGroups(y, by);
  if (groups.length < 2) return null;
  const { test, choice } = chooseTest(groups, alpha);
  const summaries = groups.map((g, i) => summariseGroup(levels[i], g));
  const rank = test.test === 'mann_whitney_u' || test.test === 'kruskal_wallis';
  return { test, choice, strength: etaSquaredOf(groups), levels, groups, summaries, extremes: extremesOf(summaries, rank ? 'median' : 'mean') };
}
