/**
 * The drivers scan: for one outcome, test every candidate factor with a test chosen from the data, correct
 * the p-values across the scan, rank by effect size, test requested two-way interactions, run Tukey HSD on
 * significant multi-level factors, and describe each finding in one sentence.
 *
 *   1. classify the outcome (numeric, binary, categorical) and each factor (categorical, numeric; dates → season)
 *   2. run one test per factor: numeric outcome × categorical → compareGroups; numeric × numeric → Pearson or
 *      Spearman; grouped outcome × categorical → chi-square or Fisher; grouped outcome × numeric → compareGroups
 *   3. run requested interactions (two-way ANOVA, Type II and III)
 *   4. correct all p-values together (Holm or Benjamini-Hochberg)
 *   5. post-hoc Tukey HSD for significant factors with 3 to 8 levels
 *   6. rank (significant first, then by share of variance explained) and write the sentences
 *
 * Before step 2, factors tied to the outcome by construction (its copies, scores, bands and components)
 * are set apart as tautologies: they would top the ranking while saying nothing about what drives it.
 */
import { InputError } from '../errors.js';
import { assertColumns, type CategoryColumn, type Column, type NumberColumn, type Table } from '../data/table.js';
import { anovaTwoWay, type TwoWayAnova } from './anova.js';
import { chiSquareIndependence, crossTab, fisherExact } from './chisq.js';
import { pearson, spearman } from './correlation.js';
import { seasonColumn, seasonName } from './derive.js';
import { compareGroups, extremesOf, type GroupSummary } from './group-comparison.js';
import { adjustPValues, type Correction } from './multiple.js';
import { shapiroWilk } from './normality.js';
import { findTautologies, type Tautology } from './tautology.js';
import type { TestResult } from './result.js';
import { driverSentence, interactionSentence, type FindingNumbers, type SentenceContext } from './sentences.js';
import { tukeyHsd } from './tukey.js';

export type { GroupSummary } from './group-comparison.js';

export interface DriversOptions {
  readonly outcome: string;
  /** Candidate factors; default: every other column except identifiers ("id", "Customer ID"...). */
  readonly factors?: readonly string[];
  readonly interactions?: readonly (readonly [string, string])[];
  readonly alpha?: number;
  readonly correction?: Correction;
  /** Categorical factors with more levels than this are skipped (default 30). */
  readonly maxLevels?: number;
  /** Columns never tested (e.g. ones known to be recorded after the outcome); each must exist. */
  readonly exclude?: readonly string[];
  /** Test factors tied to the outcome by construction as if they were drivers (default: report them apart). */
  readonly keepTautologies?: boolean;
}

export interface TautologyFinding extends Tautology {
  readonly sentence: string;
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
  /** Significant factors first, each group ranked by strength. */
  readonly drivers: readonly Driver[];
  readonly interactions: readonly Interaction[];
  readonly skipped: readonly { readonly factor: string; readonly reason: string }[];
  /** Rows left out of the outcome before the scan (cancelled orders of a spend outcome), when any were considered. */
  readonly excluded?: { readonly rows: number; readonly of: number; readonly why: string };
  /** Factors tied to the outcome by construction, not tested as drivers. */
  readonly tautologies: readonly TautologyFinding[];
  /** One sentence per finding: ranked drivers, then interactions. */
  readonly findings: readonly string[];
}

/** Columns left out of the default factor list: "id", "Customer ID", "order_id"... */
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

function isBinaryNumber(c: NumberColumn): boolean {
  let seen = false;
  for (const v of c.values) {
    if (Number.isNaN(v)) continue;
    if (v !== 0 && v !== 1) return false;
    seen = true;
  }
  return seen;
}

interface Outcome {
  readonly kind: DriversResult['outcomeKind'];
  readonly values?: Float64Array;
  readonly groups?: CategoryColumn;
  /** Index of the described level of a binary outcome, else −1. */
  readonly positive: number;
}

/** Numbers → numeric outcome, unless they are all 0/1; categories with two levels → binary. */
function classifyOutcome(c: Column): Outcome {
  if (c.kind === 'date') throw new InputError('DATE_OUTCOME', `outcome "${c.name}" is a date`, 'choose a numeric or yes/no outcome, e.g. spend or a premium flag');
  if (c.kind === 'number' && !isBinaryNumber(c)) return { kind: 'numeric', values: c.values, positive: -1 };
  const groups: CategoryColumn =
    c.kind === 'number' ? { kind: 'category', name: c.name, codes: Int32Array.from(c.values, (v) => (Number.isNaN(v) ? -1 : v)), levels: ['0', '1'] } : c;
  if (new Set(groups.codes.filter((x) => x >= 0)).size < 2) {
    throw new InputError('ONE_LEVEL', `outcome "${c.name}" has only one value`, 'choose an outcome that varies');
  }
  if (groups.levels.length !== 2) return { kind: 'categorical', groups, positive: -1 };
  const yes = groups.levels.findIndex((l) => /^(yes|true|1|y)$/i.test(l.trim()));
  return { kind: 'binary', groups, positive: yes >= 0 ? yes : 1 };
}

/** What a factor test produced, before correction. */
interface Tested extends Omit<FindingNumbers, 'pValue' | 'pAdjusted' | 'significant' | 'dependsOn' | 'positive'> {
  readonly factorKind: Driver['factorKind'];
  readonly result: TestResult;
  readonly choice: string;
  readonly groups?: readonly GroupSummary[];
  readonly rawGroups?: readonly Float64Array[];
}

function correlate(name: string, x: Float64Array, y: Float64Array, alpha: number): Tested {
  const pr = pearson(x, y);
  const bothNormal = pr.n >= 3 && pr.n <= 5000 && shapiroWilk(x).pValue >= alpha && shapiroWilk(y).pValue >= alpha;
  const result = bothNormal ? pr : spearman(x, y);
  const r = result.statistic;
  return {
    factor: name, factorKind: 'numeric', test: result.test, result,
    choice: bothNormal ? 'both variables pass Shapiro-Wilk: Pearson correlation' : 'not both normal (or n > 5000): Spearman rank correlation',
    strength: Number.isFinite(r) ? r * r : 0, r: Number.isFinite(r) ? r : undefined,
  };
}

function contingency(name: string, f: CategoryColumn, outcome: Outcome): Tested {
  const out = outcome.groups as CategoryColumn;
  const { table: full } = crossTab(f.codes, out.codes, f.levels.length, out.levels.length);
  const rows = full.map((row, i) => ({ level: f.levels[i], row })).filter((x) => x.row.some((v) => v > 0));
  const counts = rows.map((x) => x.row);
  const rowSums = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const n = rowSums.reduce((a, b) => a + b, 0);
  const colSums = out.levels.map((_, j) => counts.reduce((s, r) => s + r[j], 0));
  let minExpected = Infinity;
  rowSums.forEach((rs) => colSums.forEach((cs) => (minExpected = Math.min(minExpected, (rs * cs) / n))));
  const chi = chiSquareIndependence(counts);
  const useFisher = counts.length === 2 && out.levels.length === 2 && colSums.every((c) => c > 0) && minExpected < 5;
  const v = chi.effect?.value ?? NaN;
  const groups: GroupSummary[] | undefined =
    outcome.positive >= 0
      ? rows.map((x, i) => {
          const rate = x.row[outcome.positive] / rowSums[i];
          return { level: x.level, n: rowSums[i], mean: rate, sd: NaN, median: NaN, q1: NaN, q3: NaN, whiskerLow: NaN, whiskerHigh: NaN, rate };
        })
      : undefined;
  const result = useFisher ? fisherExact(counts) : chi;
  return {
    factor: name, factorKind: 'categorical', test: result.test, result,
    choice: useFisher ? `2x2 table with an expected count of ${minExpected.toFixed(1)} (< 5): Fisher's exact test` : 'contingency table: chi-square test of independence',
    strength: Number.isFinite(v) ? v * v : 0, cramerV: Number.isFinite(v) ? v : undefined, groups,
    extremes: groups ? extremesOf(groups, 'rate') : undefined,
  };
}

interface PendingInteraction {
  readonly factors: readonly [string, string];
  readonly anova: TwoWayAnova;
  readonly pValue: number;
  readonly cells: CellMean[];
  readonly strength: number;
  readonly mainStrength: number;
}

function cellMeans(y: Float64Array, a: CategoryColumn, b: CategoryColumn): CellMean[] {
  const lb = b.levels.length;
  const sum = new Float64Array(a.levels.length * lb);
  const count = new Int32Array(a.levels.length * lb);
  for (let i = 0; i < y.length; i++) {
    if (a.codes[i] < 0 || b.codes[i] < 0 || !Number.isFinite(y[i])) continue;
    const k = a.codes[i] * lb + b.codes[i];
    sum[k] += y[i];
    count[k]++;
  }
  const cells: CellMean[] = [];
  for (let k = 0; k < sum.length; k++) {
    if (count[k] > 0) cells.push({ a: a.levels[Math.floor(k / lb)], b: b.levels[k % lb], n: count[k], mean: sum[k] / count[k] });
  }
  return cells;
}

function interaction(t: Table, y: Float64Array, aName: string, bName: string): PendingInteraction | string {
  const a = asFactor(column(t, aName));
  const b = asFactor(column(t, bName));
  if (a.kind !== 'category' || b.kind !== 'category') return 'interactions need two categorical factors';
  let anova: TwoWayAnova;
  try {
    anova = anovaTwoWay(y, a.codes, b.codes, [aName, bName]);
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  const row = anova.typeII.find((r) => r.term === `${aName}:${bName}`);
  const main = anova.typeII.find((r) => r.term === aName);
  return {
    factors: [aName, bName], anova, pValue: row ? row.pValue : 1, cells: cellMeans(y, a, b),
    strength: row ? row.etaSquared : 0, mainStrength: main ? main.etaSquared : 0,
  };
}

export function driversScan(t: Table, options: DriversOptions): DriversResult {
  const alpha = options.alpha ?? 0.05;
  const correction = options.correction ?? 'holm';
  const maxLevels = options.maxLevels ?? 30;
  if (!(alpha > 0 && alpha < 1)) throw new InputError('BAD_ALPHA', `alpha must be between 0 and 1, got ${alpha}`, 'use e.g. 0.05');

  // 1. Outcome and candidate factors.
  const outcome = classifyOutcome(column(t, options.outcome));
  const positive = outcome.positive >= 0 ? outcome.groups?.levels[outcome.positive] : undefined;
  assertColumns(t, options.exclude ?? [], '--exclude');
  const excluded = new Set(options.exclude);
  const factorNames = (options.factors ?? t.columns.map((c) => c.name).filter((n) => n !== options.outcome)).filter((n) => !excluded.has(n));
  const skipped: { factor: string; reason: string }[] = [];
  const tested: Tested[] = [];
  const present = new Set(t.columns.map((c) => c.name));
  const candidates = factorNames.filter((name) => {
    if (name === options.outcome) skipped.push({ factor: name, reason: 'is the outcome' });
    // A date is tested as its season; when the season is a column already, testing both counts one test twice.
    else if (!options.factors && column(t, name).kind === 'date' && present.has(seasonName(name))) skipped.push({ factor: name, reason: `tested as ${seasonName(name)}` });
    else if (!options.factors && ID_NAME.test(name)) skipped.push({ factor: name, reason: 'looks like an identifier; list it in factors to test it anyway' });
    else return true;
    return false;
  });
  const tautologies: TautologyFinding[] = options.keepTautologies
    ? []
    : findTautologies(
        outcome.values ? { kind: 'numeric', name: options.outcome, values: outcome.values } : { kind: 'grouped', name: options.outcome, groups: outcome.groups as CategoryColumn },
        candidates.map((name) => column(t, name)),
      ).map((x) => ({ ...x, sentence: `${x.factor} is not a driver of ${options.outcome}: ${x.reason}.` }));
  const tautological = new Set(tautologies.map((x) => x.factor));

  // 2. One test per factor.
  for (const name of candidates) {
    if (tautological.has(name)) continue;
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
    if (outcome.values && f.kind === 'number') {
      tested.push(correlate(name, f.values, outcome.values, alpha));
    } else if (outcome.groups && f.kind === 'category') {
      tested.push(contingency(name, f, outcome));
    } else {
      // Numeric outcome across factor levels, or a numeric factor across outcome groups.
      const across = outcome.groups !== undefined;
      const g = across ? compareGroups((f as NumberColumn).values, outcome.groups as CategoryColumn, alpha) : compareGroups(outcome.values as Float64Array, f as CategoryColumn, alpha);
      if (!g) {
        skipped.push({ factor: name, reason: 'fewer than two groups have values' });
        continue;
      }
      tested.push({
        factor: name, factorKind: across ? 'numeric' : 'categorical', test: g.test.test, result: g.test, choice: g.choice,
        strength: g.strength, groups: g.summaries, rawGroups: across ? undefined : g.groups, extremes: g.extremes, acrossOutcome: across,
      });
    }
  }

  // 3. Interactions.
  const pendingInteractions: PendingInteraction[] = [];
  for (const [aName, bName] of options.interactions ?? []) {
    const x = outcome.values ? interaction(t, outcome.values, aName, bName) : 'interactions need a numeric outcome';
    if (typeof x === 'string') skipped.push({ factor: `${aName} × ${bName}`, reason: x });
    else pendingInteractions.push(x);
  }

  // 4. One correction across the whole scan.
  const allP = [...tested.map((p) => p.result.pValue), ...pendingInteractions.map((p) => p.pValue)];
  const adjusted = adjustPValues(allP, correction);
  const family = allP.filter((p) => !Number.isNaN(p)).length;
  const ctx: SentenceContext = { outcome: options.outcome, alpha, correction, family };
  const interactionAdjusted = pendingInteractions.map((_, i) => adjusted[tested.length + i]);
  const dependsOn = (factor: string) =>
    pendingInteractions.flatMap((x, i) => (interactionAdjusted[i] < alpha && x.factors.includes(factor) ? [x.factors[0] === factor ? x.factors[1] : x.factors[0]] : []));

  // 5-6. Post-hoc, sentences, ranking.
  const drivers: Driver[] = tested.map((p, i) => {
    const pAdjusted = adjusted[i];
    const significant = pAdjusted < alpha;
    const levels = p.groups?.map((g) => g.level) ?? [];
    const postHoc =
      significant && p.rawGroups && p.rawGroups.length >= 3 && p.rawGroups.length <= MAX_POSTHOC_LEVELS
        ? tukeyHsd(p.rawGroups).pairs.map((x) => ({ a: levels[x.a], b: levels[x.b], diff: x.diff, pValue: x.pValue }))
        : undefined;
    const deps = dependsOn(p.factor);
    const sentence = driverSentence({ ...p, pValue: p.result.pValue, pAdjusted, significant, positive, dependsOn: deps }, ctx);
    return {
      factor: p.factor, factorKind: p.factorKind, test: { ...p.result, missing: t.rows - p.result.n }, choice: p.choice,
      strength: p.strength, pAdjusted, significant, groups: p.groups, postHoc, dependsOn: deps, sentence,
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
  return { outcome: options.outcome, outcomeKind: outcome.kind, positive, alpha, correction, family, drivers, interactions, skipped, tautologies, findings };
}
