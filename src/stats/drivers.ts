/**
 * The drivers scan: for one outcome, test every candidate factor with a test chosen from the data, correct
 * the p-values across the scan, rank by effect size, test requested two-way interactions, run Tukey HSD on
 * significant multi-level factors, and describe each finding in one sentence.
 *
 *   1. classify the outcome (numeric, binary, categorical) and each factor (categorical, numeric; dates → season)
 *   2. pick and run a test per factor (see chooseGroupTest and the contingency/correlation branches)
 *   3. run requested interactions (two-way ANOVA, Type II and III)
 *   4. correct all p-values together (Holm or Benjamini-Hochberg)
 *   5. post-hoc Tukey HSD for significant factors with three or more levels
 *   6. rank by strength (share of variance explained) and write the sentences
 */
import { InputError } from '../errors.js';
import type { CategoryColumn, Column, NumberColumn, Table } from '../data/table.js';
import { anovaOneWay, anovaTwoWay, welchAnova, type TwoWayAnova } from './anova.js';
import { chiSquareIndependence, crossTab, fisherExact } from './chisq.js';
import { pearson, spearman } from './correlation.js';
import { seasonColumn } from './derive.js';
import { levene } from './levene.js';
import { adjustPValues, type Correction } from './multiple.js';
import { kruskalWallis, mannWhitneyU } from './nonparametric.js';
import { shapiroWilk } from './normality.js';
import type { TestResult } from './result.js';
import { mean, sumSquares } from './sample.js';
import { driverSentence, interactionSentence, type GroupExtremes, type SentenceContext } from './sentences.js';
import { welchT } from './ttest.js';
import { tukeyHsd } from './tukey.js';

export interface DriversOptions {
  readonly outcome: string;
  /** Candidate factors; default: every other column. */
  readonly factors?: readonly string[];
  readonly interactions?: readonly (readonly [string, string])[];
  readonly alpha?: number;
  readonly correction?: Correction;
  /** Categorical factors with more levels than this are skipped (default 30). */
  readonly maxLevels?: number;
}

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

export interface PostHocPair {
  readonly a: string;
  readonly b: string;
  readonly diff: number;
  readonly pValue: number;
}

export interface Driver {
  readonly factor: string;
  readonly factorKind: 'categorical' | 'numeric';
  readonly test: TestResult;
  /** Why this test was chosen, in words. */
  readonly choice: string;
  /** Share of the outcome's variance explained (η², r² or Cramér's V²), used for ranking. */
  readonly strength: number;
  readonly pAdjusted: number;
  readonly significant: boolean;
  readonly groups?: readonly GroupSummary[];
  readonly postHoc?: readonly PostHocPair[];
  /** Factors whose interaction with this one is significant. */
  readonly dependsOn: readonly string[];
  readonly sentence: string;
}

export interface CellMean {
  readonly a: string;
  readonly b: string;
  readonly n: number;
  readonly mean: number;
}

export interface Interaction {
  readonly factors: readonly [string, string];
  readonly anova: TwoWayAnova;
  readonly pValue: number;
  readonly pAdjusted: number;
  readonly significant: boolean;
  readonly cells: readonly CellMean[];
  readonly sentence: string;
}

export interface DriversResult {
  readonly outcome: string;
  readonly outcomeKind: 'numeric' | 'binary' | 'categorical';
  /** The outcome level whose share is described, for a binary outcome. */
  readonly positive?: string;
  readonly alpha: number;
  readonly correction: Correction;
  /** Number of tests corrected together. */
  readonly family: number;
  /** Ranked by strength, strongest first. */
  readonly drivers: readonly Driver[];
  readonly interactions: readonly Interaction[];
  readonly skipped: readonly { readonly factor: string; readonly reason: string }[];
  /** One sentence per finding: ranked drivers, then interactions. */
  readonly findings: readonly string[];
}

const LARGE_GROUP = 30;
/** Columns skipped from the default factor list: "id", "Customer ID", "order_id"... */
const ID_NAME = /(^|[\s_-])id$/i;
/** Tukey HSD costs one numerical integral per pair; beyond 8 levels (28 pairs) the table is unreadable anyway. */
const MAX_POSTHOC_LEVELS = 8;

/** "A*B" (as typed on the command line) → ["A", "B"]. */
export function parseInteraction(spec: string): [string, string] {
  const parts = spec.split('*').map((p) => p.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new InputError('BAD_INTERACTION', `interaction "${spec}" is not of the form A*B`, 'write two factor names joined by *, e.g. "Product Type*season"');
  }
  return [parts[0], parts[1]];
}

function column(t: Table, name: string): Column {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new InputError('NO_COLUMN', `column "${name}" not found`, `available: ${t.columns.map((x) => x.name).join(', ')}`);
  return c;
}

/** Dates become seasons, so purchase dates can be tested as a factor. */
function asFactor(c: Column): CategoryColumn | NumberColumn {
  return c.kind === 'date' ? seasonColumn(c) : c;
}

/** Numbers holding only 0/1 are a binary outcome. */
function isBinaryNumber(c: NumberColumn): boolean {
  let seen = false;
  for (const v of c.values) {
    if (Number.isNaN(v)) continue;
    if (v !== 0 && v !== 1) return false;
    seen = true;
  }
  return seen;
}

function toCategory(c: NumberColumn): CategoryColumn {
  const codes = new Int32Array(c.values.length);
  for (let i = 0; i < codes.length; i++) codes[i] = Number.isNaN(c.values[i]) ? -1 : c.values[i];
  return { kind: 'category', name: c.name, codes, levels: ['0', '1'] };
}

/** The level described for a binary outcome: yes/true/1 if present, else the second level. */
function positiveLevel(levels: readonly string[]): number {
  const i = levels.findIndex((l) => /^(yes|true|1|y)$/i.test(l.trim()));
  return i >= 0 ? i : 1;
}

function quantileSorted(s: Float64Array, p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

function summarise(level: string, values: Float64Array): GroupSummary {
  const s = Float64Array.from(values).sort();
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const fence = 1.5 * (q3 - q1);
  let whiskerLow = s[0];
  let whiskerHigh = s[s.length - 1];
  for (const v of s) if (v >= q1 - fence) { whiskerLow = v; break; }
  for (let i = s.length - 1; i >= 0; i--) if (s[i] <= q3 + fence) { whiskerHigh = s[i]; break; }
  const m = mean(s);
  return { level, n: s.length, mean: m, sd: Math.sqrt(sumSquares(s, m) / (s.length - 1)), median: quantileSorted(s, 0.5), q1, q3, whiskerLow, whiskerHigh };
}

/** Split finite `y` by category code; levels without values are dropped. */
function splitGroups(y: Float64Array, f: CategoryColumn): { levels: string[]; groups: Float64Array[] } {
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

/** η² from group sums of squares: the share of the outcome's variance between groups. */
function etaSquaredOf(groups: Float64Array[]): number {
  let total = 0;
  let n = 0;
  for (const g of groups) for (const v of g) { total += v; n++; }
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

/**
 * Parametric when every group has ≥ 30 values (means are near normal) or passes Shapiro-Wilk; otherwise a
 * rank test. With three or more groups, Levene's test picks Welch's ANOVA over the classic F.
 */
function chooseGroupTest(groups: Float64Array[], alpha: number): { test: TestResult; choice: string } {
  const large = groups.every((g) => g.length >= LARGE_GROUP);
  let normal = large;
  if (!large) {
    normal = groups.every((g) => g.length >= 3 && g.length <= 5000 && shapiroWilk(g).pValue >= alpha);
  }
  const why = large ? `every group has at least ${LARGE_GROUP} values` : normal ? 'every group passes Shapiro-Wilk' : 'a small group is not normal (Shapiro-Wilk) or too small to check';
  if (groups.length === 2) {
    return normal ? { test: welchT(groups[0], groups[1]), choice: `${why}: Welch t test` } : { test: mannWhitneyU(groups[0], groups[1]), choice: `${why}: Mann-Whitney U test` };
  }
  if (!normal) return { test: kruskalWallis(groups), choice: `${why}: Kruskal-Wallis test` };
  const lv = levene(groups);
  return lv.pValue < alpha
    ? { test: welchAnova(groups), choice: `${why}; variances differ (Levene p = ${lv.pValue.toPrecision(2)}): Welch ANOVA` }
    : { test: anovaOneWay(groups), choice: `${why}; variances similar (Levene p = ${lv.pValue.toPrecision(2)}): one-way ANOVA` };
}

interface Pending {
  factor: string;
  factorKind: 'categorical' | 'numeric';
  test: TestResult;
  choice: string;
  strength: number;
  groups?: GroupSummary[];
  rawGroups?: Float64Array[];
  extremes?: GroupExtremes;
  r?: number;
  cramerV?: number;
  acrossOutcome?: boolean;
}

function extremesOf(groups: GroupSummary[], statistic: GroupExtremes['statistic']): GroupExtremes | undefined {
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

export function driversScan(t: Table, options: DriversOptions): DriversResult {
  const alpha = options.alpha ?? 0.05;
  const correction = options.correction ?? 'holm';
  const maxLevels = options.maxLevels ?? 30;
  if (!(alpha > 0 && alpha < 1)) throw new InputError('BAD_ALPHA', `alpha must be between 0 and 1, got ${alpha}`, 'use e.g. 0.05');

  // 1. Outcome.
  const outRaw = column(t, options.outcome);
  if (outRaw.kind === 'date') throw new InputError('DATE_OUTCOME', `outcome "${options.outcome}" is a date`, 'choose a numeric or yes/no outcome, e.g. spend or a premium flag');
  let outcomeKind: DriversResult['outcomeKind'];
  let outCat: CategoryColumn | undefined;
  let outNum: Float64Array | undefined;
  if (outRaw.kind === 'number' && !isBinaryNumber(outRaw)) {
    outcomeKind = 'numeric';
    outNum = outRaw.values;
  } else {
    outCat = outRaw.kind === 'number' ? toCategory(outRaw) : outRaw;
    const present = new Set(outCat.codes.filter((c) => c >= 0));
    if (present.size < 2) throw new InputError('ONE_LEVEL', `outcome "${options.outcome}" has only one value`, 'choose an outcome that varies');
    outcomeKind = outCat.levels.length === 2 ? 'binary' : 'categorical';
  }
  const positiveIndex = outCat && outcomeKind === 'binary' ? positiveLevel(outCat.levels) : -1;
  const positive = positiveIndex >= 0 ? outCat?.levels[positiveIndex] : undefined;

  const factorNames = options.factors ?? t.columns.map((c) => c.name).filter((n) => n !== options.outcome);
  const skipped: { factor: string; reason: string }[] = [];
  const pending: Pending[] = [];

  // 2. One test per factor.
  for (const name of factorNames) {
    if (name === options.outcome) {
      skipped.push({ factor: name, reason: 'is the outcome' });
      continue;
    }
    if (!options.factors && ID_NAME.test(name)) {
      skipped.push({ factor: name, reason: 'looks like an identifier; list it in factors to test it anyway' });
      continue;
    }
    const f = asFactor(column(t, name));
    if (f.kind === 'category') {
      const present = new Set(f.codes.filter((c) => c >= 0)).size;
      if (present < 2) {
        skipped.push({ factor: name, reason: 'has only one level' });
        continue;
      }
      if (present > maxLevels) {
        skipped.push({ factor: name, reason: `has ${present} levels (more than ${maxLevels}); group rare levels first` });
        continue;
      }
    }
    if (outNum && f.kind === 'category') {
      const { levels, groups } = splitGroups(outNum, f);
      if (groups.length < 2) {
        skipped.push({ factor: name, reason: 'fewer than two levels have outcome values' });
        continue;
      }
      const { test, choice } = chooseGroupTest(groups, alpha);
      const summaries = groups.map((g, i) => summarise(levels[i], g));
      const rank = test.test === 'mann_whitney_u' || test.test === 'kruskal_wallis';
      pending.push({
        factor: name, factorKind: 'categorical', test, choice, strength: etaSquaredOf(groups), groups: summaries, rawGroups: groups,
        extremes: extremesOf(summaries, rank ? 'median' : 'mean'),
      });
    } else if (outNum && f.kind === 'number') {
      const pr = pearson(f.values, outNum);
      const bothNormal = pr.n <= 5000 && pr.n >= 3 && [f.values, outNum].every((v) => { const s = shapiroWilk(v); return s.pValue >= alpha; });
      const test = bothNormal ? pr : spearman(f.values, outNum);
      const choice = bothNormal ? 'both variables pass Shapiro-Wilk: Pearson correlation' : 'not both normal (or n > 5000): Spearman rank correlation';
      const r = test.statistic;
      pending.push({ factor: name, factorKind: 'numeric', test, choice, strength: Number.isFinite(r) ? r * r : 0, r: Number.isFinite(r) ? r : undefined });
    } else if (outCat && f.kind === 'category') {
      const { table: tab } = crossTab(f.codes, outCat.codes, f.levels.length, outCat.levels.length);
      const rows = tab.map((row, i) => ({ level: f.levels[i], row })).filter((x) => x.row.some((v) => v > 0));
      const counts = rows.map((x) => x.row);
      const chi = chiSquareIndependence(counts);
      const n = counts.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
      const colSums = outCat.levels.map((_, j) => counts.reduce((s, r) => s + r[j], 0));
      const minExpected = Math.min(...counts.flatMap((r) => r.map((_, j) => (r.reduce((a, b) => a + b, 0) * colSums[j]) / n)));
      const twoByTwo = counts.length === 2 && colSums.filter((c) => c > 0).length === 2 && outCat.levels.length === 2;
      const useFisher = twoByTwo && minExpected < 5;
      const test = useFisher ? fisherExact(counts) : chi;
      const v = chi.effect?.value ?? NaN;
      const summaries: GroupSummary[] | undefined =
        positiveIndex >= 0
          ? rows.map((x) => {
              const total = x.row.reduce((a, b) => a + b, 0);
              const rate = x.row[positiveIndex] / total;
              return { level: x.level, n: total, mean: rate, sd: NaN, median: NaN, q1: NaN, q3: NaN, whiskerLow: NaN, whiskerHigh: NaN, rate };
            })
          : undefined;
      pending.push({
        factor: name, factorKind: 'categorical', test,
        choice: useFisher ? `2x2 table with an expected count of ${minExpected.toFixed(1)} (< 5): Fisher's exact test` : 'contingency table: chi-square test of independence',
        strength: Number.isFinite(v) ? v * v : 0, groups: summaries, cramerV: Number.isFinite(v) ? v : undefined,
        extremes: summaries ? extremesOf(summaries, 'rate') : undefined,
      });
    } else if (outCat && f.kind === 'number') {
      // A numeric factor against a grouped outcome: compare the factor between outcome groups.
      const { levels, groups } = splitGroups(f.values, outCat);
      if (groups.length < 2) {
        skipped.push({ factor: name, reason: 'values present for only one outcome level' });
        continue;
      }
      const { test, choice } = chooseGroupTest(groups, alpha);
      const summaries = groups.map((g, i) => summarise(levels[i], g));
      const rank = test.test === 'mann_whitney_u' || test.test === 'kruskal_wallis';
      pending.push({
        factor: name, factorKind: 'numeric', test, choice, strength: etaSquaredOf(groups), groups: summaries,
        extremes: extremesOf(summaries, rank ? 'median' : 'mean'), acrossOutcome: true,
      });
    }
  }

  // 3. Interactions.
  interface PendingInteraction { factors: [string, string]; anova: TwoWayAnova; pValue: number; cells: CellMean[]; strength: number; mainStrength: number }
  const pendingInteractions: PendingInteraction[] = [];
  for (const [aName, bName] of options.interactions ?? []) {
    const label = `${aName} × ${bName}`;
    if (!outNum) {
      skipped.push({ factor: label, reason: 'interactions need a numeric outcome' });
      continue;
    }
    const a = asFactor(column(t, aName));
    const b = asFactor(column(t, bName));
    if (a.kind !== 'category' || b.kind !== 'category') {
      skipped.push({ factor: label, reason: 'interactions need two categorical factors' });
      continue;
    }
    let anova: TwoWayAnova;
    try {
      anova = anovaTwoWay(outNum, a.codes, b.codes, [aName, bName]);
    } catch (err) {
      if (err instanceof InputError) {
        skipped.push({ factor: label, reason: err.message });
        continue;
      }
      throw err;
    }
    const row = anova.typeII.find((r) => r.term === `${aName}:${bName}`);
    const main = anova.typeII.find((r) => r.term === aName);
    const sums = new Map<string, { s: number; n: number }>();
    for (let i = 0; i < outNum.length; i++) {
      if (a.codes[i] < 0 || b.codes[i] < 0 || !Number.isFinite(outNum[i])) continue;
      const key = `${a.codes[i]}|${b.codes[i]}`;
      const cell = sums.get(key) ?? { s: 0, n: 0 };
      cell.s += outNum[i];
      cell.n++;
      sums.set(key, cell);
    }
    const cells: CellMean[] = [...sums.entries()]
      .map(([key, v]) => {
        const [ia, ib] = key.split('|').map(Number);
        return { ia, ib, a: a.levels[ia], b: b.levels[ib], n: v.n, mean: v.s / v.n };
      })
      .sort((x, y) => x.ia - y.ia || x.ib - y.ib)
      .map(({ a: la, b: lb, n, mean: m }) => ({ a: la, b: lb, n, mean: m }));
    pendingInteractions.push({
      factors: [aName, bName], anova, pValue: row ? row.pValue : 1, cells,
      strength: row ? row.etaSquared : 0, mainStrength: main ? main.etaSquared : 0,
    });
  }

  // 4. One correction across the whole scan.
  const allP = [...pending.map((p) => p.test.pValue), ...pendingInteractions.map((p) => p.pValue)];
  const adjusted = adjustPValues(allP, correction);
  const family = allP.filter((p) => !Number.isNaN(p)).length;
  const ctx: SentenceContext = { outcome: options.outcome, alpha, correction, family };
  const interactionAdjusted = pendingInteractions.map((_, i) => adjusted[pending.length + i]);
  const dependsOn = (factor: string) =>
    pendingInteractions.flatMap((x, i) => (interactionAdjusted[i] < alpha && x.factors.includes(factor) ? [x.factors[0] === factor ? x.factors[1] : x.factors[0]] : []));

  // 5-6. Post-hoc, ranking, sentences.
  const drivers: Driver[] = pending.map((p, i) => {
    const pAdjusted = adjusted[i];
    const significant = pAdjusted < alpha;
    let postHoc: PostHocPair[] | undefined;
    if (significant && p.rawGroups && p.rawGroups.length >= 3 && p.rawGroups.length <= MAX_POSTHOC_LEVELS && outNum) {
      const levels = (p.groups as GroupSummary[]).map((g) => g.level);
      postHoc = tukeyHsd(p.rawGroups).pairs.map((x) => ({ a: levels[x.a], b: levels[x.b], diff: x.diff, pValue: x.pValue }));
    }
    const deps = dependsOn(p.factor);
    const sentence = driverSentence(
      { factor: p.factor, test: p.test.test, pValue: p.test.pValue, pAdjusted, strength: p.strength, significant, extremes: p.extremes, r: p.r, cramerV: p.cramerV, positive, dependsOn: deps, acrossOutcome: p.acrossOutcome },
      ctx,
    );
    return {
      factor: p.factor, factorKind: p.factorKind, test: { ...p.test, missing: t.rows - p.test.n }, choice: p.choice, strength: p.strength,
      pAdjusted, significant, groups: p.groups, postHoc, dependsOn: deps, sentence,
    };
  });
  drivers.sort((x, y) => Number(y.significant) - Number(x.significant) || y.strength - x.strength);
  const interactions: Interaction[] = pendingInteractions.map((x, i) => {
    const pAdjusted = interactionAdjusted[i];
    const significant = pAdjusted < alpha;
    const sentence = interactionSentence(
      { a: x.factors[0], b: x.factors[1], pValue: x.pValue, pAdjusted, significant, strength: x.strength, mainStrength: x.mainStrength },
      ctx,
    );
    return { factors: x.factors, anova: x.anova, pValue: x.pValue, pAdjusted, significant, cells: x.cells, sentence };
  });
  const findings = [...drivers.map((d) => d.sentence), ...interactions.map((x) => x.sentence)];
  return { outcome: options.outcome, outcomeKind, positive, alpha, correction, family, drivers, interactions, skipped, findings };
}
