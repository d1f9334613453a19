/**
 * Factors tied to the outcome by construction: copies and rescalings of it, its rank, score or band, and
 * components that together with one other column determine it (Unit Price × Quantity of a line total,
 * Profit + cost of Sales). Such a factor "explains" the outcome because the outcome is made of it, so the
 * drivers scan reports it apart instead of ranking it as a driver.
 *
 * Every check asks for a near-deterministic relationship; names only relax the check for scores and bands
 * (`Monetary_score` of `Monetary`), whose relationship is a step function rather than a line.
 */
import type { CategoryColumn, Column } from '../data/table.js';
import { pearson, spearman } from './correlation.js';

export interface Tautology {
  readonly factor: string;
  /** copy: a linear or monotone function of the outcome; band: a binning of it (or it of the factor); component: one of its parts. */
  readonly kind: 'copy' | 'band' | 'component';
  /** For a component: the other column it determines the outcome with, and whether as a sum (linear) or a product (log). */
  readonly partner?: string;
  readonly scale?: 'linear' | 'log';
  /** R², |ρ| or the share of rows a step function places correctly, as `measure` says. */
  readonly fit: number;
  readonly measure: 'R²' | '|ρ|' | 'share';
  readonly reason: string;
}

/** A relationship this close to exact is construction, not behaviour. */
export const TAUTOLOGY_FIT = 0.999;
/** A pair of parts must be nearly exact and leave almost none of what its better part alone leaves. */
const PAIR_FIT = 0.999;
const PAIR_GAIN = 0.01;
/** With a shared name stem, a score or band that is this consistent is taken as derived from the outcome. */
const NAMED_FIT = 0.95;
/** Numeric factors with at most this many values are also checked as scores or bands. */
const BAND_LEVELS = 20;
/** Categorical factors with more levels than this are not tried as parts of a pair. */
const PAIR_LEVELS = 60;
/** A step function must remove this much of the majority level's errors before it counts as a band. */
const MAJORITY_GAIN = 0.9;
/** Rows examined; above this a deterministic stride sample keeps the checks cheap on a large log. */
const CHECK_ROWS = 20_000;

/** Lower-case name words of three or more letters: "Monetary_score" → monetary, score; "TotalPrice" → total, price. */
function stems(name: string): Set<string> {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  return new Set(words.filter((w) => w.length >= 3));
}

function sharesStem(a: string, b: string): boolean {
  const sb = stems(b);
  return [...stems(a)].some((w) => sb.has(w));
}

/**
 * Share of rows a monotone step function of `values` assigns to their level, given the level order `rank`
 * (rank[level] = position): rows sorted by value (ties by rank, so a tie at a band edge is no error), the
 * longest non-decreasing run of ranks is what a step function gets right. −1 if no better than the majority level.
 */
function bandFit(levels: Int32Array, values: Float64Array, rank: readonly number[]): number {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j] || rank[levels[i]] - rank[levels[j]]);
  // Patience sort for the longest non-decreasing subsequence.
  const tails: number[] = [];
  for (const i of order) {
    const r = rank[levels[i]];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] <= r) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = r;
  }
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(levels[i], (counts.get(levels[i]) ?? 0) + 1);
  const majority = Math.max(...counts.values());
  const errors = n - tails.length;
  // A rare level is "placed" by any order: only count a fit that removes nearly all of the majority's errors.
  if (counts.size < 2 || errors > (1 - MAJORITY_GAIN) * (n - majority)) return -1;
  return tails.length / n;
}

/** Levels ordered by the mean of `values` within them. */
function rankByMean(levels: Int32Array, values: Float64Array, k: number): number[] {
  const sum = new Float64Array(k);
  const count = new Float64Array(k);
  for (let i = 0; i < levels.length; i++) {
    sum[levels[i]] += values[i];
    count[levels[i]]++;
  }
  const order = Array.from({ length: k }, (_, l) => l).sort((a, b) => sum[a] / (count[a] || 1) - sum[b] / (count[b] || 1));
  const rank = new Array<number>(k);
  order.forEach((l, r) => (rank[l] = r));
  return rank;
}

/** Distinct values of x as level codes in ascending order, or null when there are more than `max`. */
function asLevels(x: Float64Array, max: number): { codes: Int32Array; k: number } | null {
  const distinct = new Map<number, number>();
  for (const v of x) {
    if (!distinct.has(v)) {
      if (distinct.size >= max) return null;
      distinct.set(v, 0);
    }
  }
  const sorted = [...distinct.keys()].sort((a, b) => a - b);
  sorted.forEach((v, i) => distinct.set(v, i));
  return { codes: Int32Array.from(x, (v) => distinct.get(v)!), k: sorted.length };
}

/** A factor as the scan sees it: numbers, or category codes. */
type Factor = { name: string; kind: 'number'; values: Float64Array } | { name: string; kind: 'category'; codes: Int32Array; levels: number };

/** The outcome as the scan sees it: numeric values, or group codes. */
export type TautologyOutcome = { kind: 'numeric'; name: string; values: Float64Array } | { kind: 'grouped'; name: string; groups: CategoryColumn };

function factorOf(c: Column): Factor | null {
  if (c.kind === 'date') return null;
  if (c.kind === 'number') return { name: c.name, kind: 'number', values: c.values };
  return { name: c.name, kind: 'category', codes: c.codes, levels: c.levels.length };
}

/** Row indices where `present` holds, stride-sampled to CHECK_ROWS. */
function completeRows(n: number, present: (i: number) => boolean): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (present(i)) rows.push(i);
  const stride = Math.ceil(rows.length / CHECK_ROWS);
  return stride > 1 ? rows.filter((_, k) => k % stride === 0) : rows;
}

const has = (f: Factor, i: number) => (f.kind === 'number' ? Number.isFinite(f.values[i]) : f.codes[i] >= 0);

/**
 * R² of y on both factors together and the better of the two alone, by sums accumulated in one pass over
 * the rows where all three are usable (a category enters as one mean per level). NaN in a series marks an
 * unusable row (missing, or not positive on the log scale).
 */
function pairFit(a: Series, b: Series, y: Float64Array, rows: readonly number[]): { both: number; alone: number } {
  const [cat, num] = a.codes ? [a, b] : b.codes ? [b, a] : [null, null];
  if (cat && num) return categoryPairFit(cat.codes as Int32Array, cat.levels, num.values, y, rows);
  let n = 0, sa = 0, sb = 0, sy = 0, saa = 0, sbb = 0, syy = 0, sab = 0, say = 0, sby = 0;
  const xa = a.values;
  const xb = b.values;
  for (const i of rows) {
    const u = xa[i], v = xb[i], w = y[i];
    if (Number.isNaN(u + v + w)) continue;
    n++; sa += u; sb += v; sy += w; saa += u * u; sbb += v * v; syy += w * w; sab += u * v; say += u * w; sby += v * w;
  }
  if (n < 10) return { both: 0, alone: 0 };
  const caa = saa - (sa * sa) / n, cbb = sbb - (sb * sb) / n, cyy = syy - (sy * sy) / n;
  const cab = sab - (sa * sb) / n, cay = say - (sa * sy) / n, cby = sby - (sb * sy) / n;
  if (!(cyy > 0 && caa > 0 && cbb > 0)) return { both: 0, alone: 0 };
  const alone = Math.max((cay * cay) / (caa * cyy), (cby * cby) / (cbb * cyy));
  const det = caa * cbb - cab * cab;
  // Collinear parts: the pair explains no more than either alone.
  if (!(det > 1e-12 * caa * cbb)) return { both: alone, alone };
  const explained = (cbb * cay * cay - 2 * cab * cay * cby + caa * cby * cby) / det;
  return { both: explained / cyy, alone };
}

function categoryPairFit(codes: Int32Array, k: number, x: Float64Array, y: Float64Array, rows: readonly number[]): { both: number; alone: number } {
  const n = new Float64Array(k), sx = new Float64Array(k), sy = new Float64Array(k), sxx = new Float64Array(k), syy = new Float64Array(k), sxy = new Float64Array(k);
  for (const i of rows) {
    const c = codes[i], u = x[i], w = y[i];
    if (c < 0 || Number.isNaN(u + w)) continue;
    n[c]++; sx[c] += u; sy[c] += w; sxx[c] += u * u; syy[c] += w * w; sxy[c] += u * w;
  }
  let N = 0, Sx = 0, Sy = 0, Sxx = 0, Syy = 0, Sxy = 0, wxx = 0, wyy = 0, wxy = 0;
  for (let c = 0; c < k; c++) {
    if (n[c] === 0) continue;
    N += n[c]; Sx += sx[c]; Sy += sy[c]; Sxx += sxx[c]; Syy += syy[c]; Sxy += sxy[c];
    // Within-level (co)variation: what is left once each level's mean is removed.
    wxx += sxx[c] - (sx[c] * sx[c]) / n[c];
    wyy += syy[c] - (sy[c] * sy[c]) / n[c];
    wxy += sxy[c] - (sx[c] * sy[c]) / n[c];
  }
  if (N < 10) return { both: 0, alone: 0 };
  const tyy = Syy - (Sy * Sy) / N, txx = Sxx - (Sx * Sx) / N, txy = Sxy - (Sx * Sy) / N;
  if (!(tyy > 0)) return { both: 0, alone: 0 };
  const rss = wxx > 1e-12 * txx ? wyy - (wxy * wxy) / wxx : wyy;
  return { both: 1 - rss / tyy, alone: Math.max(1 - wyy / tyy, txx > 0 ? (txy * txy) / (txx * tyy) : 0) };
}

/** A factor on one scale for the pair search: numbers (NaN where unusable) or level codes. */
interface Series {
  readonly name: string;
  readonly values: Float64Array;
  readonly codes?: Int32Array;
  readonly levels: number;
}

function seriesOf(f: Factor, log: boolean): Series | null {
  if (f.kind === 'category') return f.levels <= PAIR_LEVELS ? { name: f.name, values: new Float64Array(f.codes.length), codes: f.codes, levels: f.levels } : null;
  return { name: f.name, values: log ? Float64Array.from(f.values, (v) => (v > 0 ? Math.log(v) : NaN)) : f.values, levels: 0 };
}

function fmt(x: number): string {
  return x >= 0.9995 && x < 1 ? '> 0.999' : x.toFixed(3);
}

function pct(share: number): string {
  return `${(100 * share).toFixed(share < 1 && share >= 0.9995 ? 2 : 1)}%`;
}

/** "a product or ratio of Unit Price and Quantity"; with a category, "a value per SKU times Quantity". */
function partsOf(a: string, b: string, log: boolean, category?: string): string {
  if (category) {
    const other = category === a ? b : a;
    return `a value per ${category} ${log ? 'times' : 'plus'} ${other}`;
  }
  return `${log ? 'a product or ratio' : 'a sum or difference'} of ${a} and ${b}`;
}

/** A factor's own relationship with a numeric outcome: copy, monotone map, or band. */
function singleNumeric(f: Factor, y: Float64Array, yName: string): Tautology | null {
  const named = sharesStem(f.name, yName);
  const rows = completeRows(y.length, (i) => Number.isFinite(y[i]) && has(f, i));
  if (rows.length < 3) return null;
  const ys = Float64Array.from(rows, (i) => y[i]);
  if (f.kind === 'number') {
    const x = Float64Array.from(rows, (i) => f.values[i]);
    const r = pearson(x, ys).statistic;
    if (r * r >= TAUTOLOGY_FIT) return { factor: f.name, kind: 'copy', fit: r * r, measure: 'R²', reason: `${yName} is a linear function of ${f.name} (R² ${fmt(r * r)})` };
    // Ordered codes (1..5 scores, bands coded as numbers): the band order must be the codes' own order.
    const lv = asLevels(x, BAND_LEVELS);
    if (lv && lv.k >= 2) {
      const up = Array.from({ length: lv.k }, (_, l) => l);
      const fit = Math.max(bandFit(lv.codes, ys, up), bandFit(lv.codes, ys, up.map((l) => lv.k - 1 - l)));
      if (fit >= TAUTOLOGY_FIT || (named && fit >= NAMED_FIT)) return { factor: f.name, kind: 'band', fit, measure: 'share', reason: `${f.name} is a score or band of ${yName}: its values cut ${yName} into ranges (${pct(fit)} of rows fall in their band)` };
    }
    const rho = Math.abs(spearman(x, ys).statistic);
    if (rho >= TAUTOLOGY_FIT || (named && rho >= NAMED_FIT)) {
      return { factor: f.name, kind: 'copy', fit: rho, measure: '|ρ|', reason: `${f.name} moves in lockstep with ${yName}, like a rank or rescaling of it (|ρ| ${fmt(rho)})` };
    }
    return null;
  }
  // Named categories only: unnamed levels that happen to separate the outcome (tiers, regions) may be real drivers.
  if (!named) return null;
  const codes = Int32Array.from(rows, (i) => f.codes[i]);
  const fit = bandFit(codes, ys, rankByMean(codes, ys, f.levels));
  return fit >= NAMED_FIT ? { factor: f.name, kind: 'band', fit, measure: 'share', reason: `${f.name} is a band of ${yName}: its levels cut ${yName} into ranges (${pct(fit)} of rows fall in their band)` } : null;
}

/** A grouped outcome that is a cut-off or relabelling of the factor (a "high spender" flag of Spend). */
function singleGrouped(f: Factor, g: CategoryColumn, yName: string): Tautology | null {
  const rows = completeRows(g.codes.length, (i) => g.codes[i] >= 0 && has(f, i));
  if (rows.length < 3) return null;
  const codes = Int32Array.from(rows, (i) => g.codes[i]);
  let fit: number;
  if (f.kind === 'number') {
    const x = Float64Array.from(rows, (i) => f.values[i]);
    fit = bandFit(codes, x, rankByMean(codes, x, g.levels.length));
  } else {
    // Each factor level maps to one outcome level. Unnamed, that may be a real association (city → tier), as for bands.
    if (!sharesStem(f.name, yName)) return null;
    const k = g.levels.length;
    const table = new Float64Array(f.levels * k);
    rows.forEach((i) => table[f.codes[i] * k + g.codes[i]]++);
    let right = 0;
    for (let l = 0; l < f.levels; l++) right += Math.max(...table.subarray(l * k, (l + 1) * k));
    const counts = new Float64Array(k);
    for (const c of codes) counts[c]++;
    const majority = Math.max(...counts);
    fit = rows.length - right <= (1 - MAJORITY_GAIN) * (rows.length - majority) ? right / rows.length : -1;
  }
  const named = sharesStem(f.name, yName);
  if (fit >= TAUTOLOGY_FIT || (named && fit >= NAMED_FIT)) {
    return { factor: f.name, kind: 'band', fit, measure: 'share', reason: `${yName} is ${f.kind === 'number' ? 'a cut-off' : 'a relabelling'} of ${f.name} (one rule places ${pct(fit)} of rows)` };
  }
  return null;
}

/** Two parts that determine a numeric outcome together: a sum or difference, or (on the log scale) a product or ratio. */
function pairs(factors: Factor[], y: Float64Array, yName: string): Tautology[] {
  const out: Tautology[] = [];
  const flagged = new Set<string>();
  const rows = completeRows(y.length, (i) => Number.isFinite(y[i]));
  for (const log of [false, true]) {
    const ys = log ? Float64Array.from(y, (v) => (v > 0 ? Math.log(v) : NaN)) : y;
    const series = factors.map((f) => seriesOf(f, log)).filter((x): x is Series => x !== null);
    for (let a = 0; a < series.length; a++) {
      for (let b = a + 1; b < series.length; b++) {
        const [sa, sb] = [series[a], series[b]];
        if ((sa.codes && sb.codes) || (flagged.has(sa.name) && flagged.has(sb.name))) continue;
        const { both, alone } = pairFit(sa, sb, ys, rows);
        if (both < PAIR_FIT || 1 - both > PAIR_GAIN * (1 - alone)) continue;
        for (const [f, partner] of [[sa, sb], [sb, sa]] as const) {
          if (flagged.has(f.name)) continue;
          flagged.add(f.name);
          out.push({ factor: f.name, kind: 'component', partner: partner.name, scale: log ? 'log' : 'linear', fit: both, measure: 'R²', reason: `${yName} is ${partsOf(f.name, partner.name, log, [sa, sb].find((x) => x.codes)?.name)} (R² ${fmt(both)}${log ? ' on the log scale' : ''})` });
        }
      }
    }
  }
  return out;
}

/**
 * Factors tied to the outcome by construction, in the order given. A numeric outcome is checked for copies,
 * bands and pairs of components; columns that are copies of a component are components too (cost of goods
 * of Unit Price); `pairs: false` skips the pair search, the one check whose cost grows with the square of the
 * number of columns. A grouped outcome is checked for being a cut-off or relabelling of a single factor.
 */
export function findTautologies(outcome: TautologyOutcome, columns: readonly Column[], options: { pairs?: boolean } = {}): Tautology[] {
  const factors = columns.map(factorOf).filter((f): f is Factor => f !== null && f.name !== outcome.name);
  const found = new Map<string, Tautology>();
  if (outcome.kind === 'grouped') {
    for (const f of factors) {
      const t = singleGrouped(f, outcome.groups, outcome.name);
      if (t) found.set(f.name, t);
    }
  } else {
    // A constant outcome is "banded" by anything; nothing can be tied to what does not vary.
    const y = outcome.values;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of y) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    if (!(hi > lo)) return [];
    for (const f of factors) {
      const t = singleNumeric(f, outcome.values, outcome.name);
      if (t) found.set(f.name, t);
    }
    const rest = factors.filter((f) => !found.has(f.name));
    if (options.pairs !== false) for (const t of pairs(rest, outcome.values, outcome.name)) found.set(t.factor, t);
    for (const c of [...found.values()].filter((t) => t.kind === 'component')) {
      const part = factors.find((f) => f.name === c.factor)!;
      if (part.kind !== 'number') continue;
      for (const f of factors) {
        if (found.has(f.name) || f.kind !== 'number') continue;
        const alias = singleNumeric(f, part.values, part.name);
        if (alias?.kind !== 'copy') continue;
        found.set(f.name, {
          factor: f.name, kind: 'component', partner: c.partner, scale: c.scale, fit: alias.fit, measure: alias.measure,
          reason: `${f.name} tracks ${part.name} exactly (${alias.measure} ${fmt(alias.fit)}), and ${outcome.name} is ${partsOf(part.name, c.partner as string, c.scale === 'log', factors.find((x) => x.name === c.partner)?.kind === 'category' ? c.partner : undefined)}`,
        });
      }
    }
  }
  return factors.filter((f) => found.has(f.name)).map((f) => found.get(f.name)!);
}
