/**
 * Analysis of variance: one-way (classic F and Welch's unequal-variance F) and two-way with interaction
 * on unbalanced data, with Type II and Type III sums of squares from nested least-squares fits
 * (Type III uses sum-to-zero contrasts, as statsmodels' `C(x, Sum)` with `anova_lm(typ=3)`).
 */
import { InputError } from '../errors.js';
import { fSf } from './distributions.js';
import { etaSquared, omegaSquared, partialEtaSquared } from './effect-size.js';
import { leastSquaresRss } from './least-squares.js';
import { degenerate, type TestResult } from './result.js';
import { concat, dropMissing, mean, sumSquares } from './sample.js';

/** One-way ANOVA F test (scipy `f_oneway`). Effect: η², with ω² alongside. */
export function anovaOneWay(groups: readonly ArrayLike<number>[]): TestResult {
  const cleaned = groups.map(dropMissing);
  const missing = cleaned.reduce((s, g) => s + g.missing, 0);
  const kept = cleaned.map((g) => g.values).filter((g) => g.length > 0);
  const { values } = concat(kept);
  const n = values.length;
  const k = kept.length;
  if (k < 2) return degenerate('anova_oneway', n, missing, 'needs at least two non-empty groups');
  if (n <= k) return degenerate('anova_oneway', n, missing, 'every group has one value: no within-group variance');
  const grand = mean(values);
  const ssTotal = sumSquares(values, grand);
  let ssWithin = 0;
  for (const g of kept) ssWithin += sumSquares(g);
  const ssBetween = Math.max(0, ssTotal - ssWithin);
  const dfB = k - 1;
  const dfW = n - k;
  if (ssWithin === 0) {
    if (ssBetween === 0) return degenerate('anova_oneway', n, missing, 'all values are equal: no variance to test');
    return { test: 'anova_oneway', statistic: Infinity, df: [dfB, dfW], pValue: 0, n, missing, notes: ['zero variance within groups'] };
  }
  const msW = ssWithin / dfW;
  const f = ssBetween / dfB / msW;
  return {
    test: 'anova_oneway',
    statistic: f,
    df: [dfB, dfW],
    pValue: fSf(f, dfB, dfW),
    effect: { name: 'eta_squared', value: etaSquared(ssBetween, ssTotal) },
    effects: [{ name: 'omega_squared', value: omegaSquared(ssBetween, dfB, msW, ssTotal) }],
    n,
    missing,
  };
}

/** Welch's one-way ANOVA for unequal variances (statsmodels `anova_oneway(use_var='unequal')`). */
export function welchAnova(groups: readonly ArrayLike<number>[]): TestResult {
  const cleaned = groups.map(dropMissing);
  const missing = cleaned.reduce((s, g) => s + g.missing, 0);
  const kept = cleaned.map((g) => g.values).filter((g) => g.length > 0);
  const n = kept.reduce((s, g) => s + g.length, 0);
  const k = kept.length;
  if (k < 2) return degenerate('welch_anova', n, missing, 'needs at least two non-empty groups');
  if (kept.some((g) => g.length < 2)) return degenerate('welch_anova', n, missing, 'a group of size one has no variance estimate');
  const w = kept.map((g) => g.length / (sumSquares(g) / (g.length - 1)));
  if (w.some((x) => !Number.isFinite(x))) return degenerate('welch_anova', n, missing, 'a group has zero variance');
  const means = kept.map((g) => mean(g));
  const wSum = w.reduce((s, x) => s + x, 0);
  const wMean = w.reduce((s, x, i) => s + x * means[i], 0) / wSum;
  let a = 0;
  let tmp = 0;
  for (let i = 0; i < k; i++) {
    a += w[i] * (means[i] - wMean) ** 2;
    tmp += (1 - w[i] / wSum) ** 2 / (kept[i].length - 1);
  }
  a /= k - 1;
  const b = 1 + ((2 * (k - 2)) / (k * k - 1)) * tmp;
  const f = a / b;
  const df2 = (k * k - 1) / (3 * tmp);
  const all = concat(kept).values;
  const ssTotal = sumSquares(all);
  let ssWithin = 0;
  for (const g of kept) ssWithin += sumSquares(g);
  const effect = { name: 'eta_squared', value: etaSquared(ssTotal - ssWithin, ssTotal) };
  return { test: 'welch_anova', statistic: f, df: [k - 1, df2], pValue: fSf(f, k - 1, df2), effect, n, missing };
}

export interface AnovaRow {
  /** "A", "B", "A:B", "Intercept" (Type III only) or "Residual". */
  readonly term: string;
  readonly sumSq: number;
  readonly df: number;
  readonly F: number;
  readonly pValue: number;
  readonly etaSquared: number;
  readonly partialEtaSquared: number;
}

export interface TwoWayAnova {
  readonly test: 'anova_twoway';
  readonly factors: readonly [string, string];
  readonly typeII: readonly AnovaRow[];
  readonly typeIII: readonly AnovaRow[];
  readonly n: number;
  readonly missing: number;
  /** Cells (level pairs) with no observations; Type III with empty cells is not unique. */
  readonly emptyCells: number;
  readonly notes?: readonly string[];
}

/** Dummy columns for a factor: treatment coding drops level 0; sum coding sets level L−1 to −1. */
function coding(codes: Int32Array, levels: number, sum: boolean): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let l = sum ? 0 : 1; l < (sum ? levels - 1 : levels); l++) {
    const c = new Float64Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      c[i] = codes[i] === l ? 1 : sum && codes[i] === levels - 1 ? -1 : 0;
    }
    cols.push(c);
  }
  return cols;
}

function products(a: Float64Array[], b: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const x of a) {
    for (const y of b) {
      const c = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) c[i] = x[i] * y[i];
      out.push(c);
    }
  }
  return out;
}

/** Re-code to 0..L−1 over the levels actually present, so absent levels do not become empty columns. */
function compact(codes: Int32Array): { codes: Int32Array; levels: number[] } {
  const present = [...new Set(codes)].sort((x, y) => x - y);
  const map = new Map(present.map((c, i) => [c, i]));
  return { codes: codes.map((c) => map.get(c) as number), levels: present };
}

/**
 * Two-way ANOVA with interaction. `a` and `b` are level codes per observation (−1 = missing), `y` the outcome
 * (NaN = missing); rows with any missing value are dropped.
 */
export function anovaTwoWay(
  y: ArrayLike<number>,
  a: Int32Array,
  b: Int32Array,
  names: readonly [string, string] = ['A', 'B'],
): TwoWayAnova {
  let keep = 0;
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]) && a[i] >= 0 && b[i] >= 0) keep++;
  const yy = new Float64Array(keep);
  const aa = new Int32Array(keep);
  const bb = new Int32Array(keep);
  for (let i = 0, j = 0; i < y.length; i++) {
    if (Number.isFinite(y[i]) && a[i] >= 0 && b[i] >= 0) {
      yy[j] = y[i];
      aa[j] = a[i];
      bb[j++] = b[i];
    }
  }
  const A = compact(aa);
  const B = compact(bb);
  const la = A.levels.length;
  const lb = B.levels.length;
  if (la < 2 || lb < 2) {
    const which = la < 2 ? names[0] : names[1];
    throw new InputError('ONE_LEVEL', `factor ${which} has only one level among complete rows`, 'choose a factor with at least two levels, or test the other factor alone');
  }
  // Every model below is constant within cells, so it is fitted on cell means weighted by cell counts:
  // RSS over rows = SS within cells + weighted RSS over cells. One pass over the rows, then tiny fits.
  const count = new Float64Array(la * lb);
  const sum = new Float64Array(la * lb);
  for (let i = 0; i < keep; i++) {
    const k = A.codes[i] * lb + B.codes[i];
    count[k]++;
    sum[k] += yy[i];
  }
  let ssWithin = 0;
  for (let i = 0; i < keep; i++) {
    const k = A.codes[i] * lb + B.codes[i];
    ssWithin += (yy[i] - sum[k] / count[k]) ** 2;
  }
  const present = [...count.keys()].filter((k) => count[k] > 0);
  const emptyCells = la * lb - present.length;
  const cellA = Int32Array.from(present, (k) => Math.floor(k / lb));
  const cellB = Int32Array.from(present, (k) => k % lb);
  const weight = Float64Array.from(present, (k) => Math.sqrt(count[k]));
  const cellY = Float64Array.from(present, (k, j) => weight[j] * (sum[k] / count[k]));
  const fit = (cols: Float64Array[]) => {
    const f = leastSquaresRss(cols.map((c) => c.map((v, j) => v * weight[j])), cellY);
    return { rss: ssWithin + f.rss, rank: f.rank };
  };
  const ones = new Float64Array(present.length).fill(1);
  const ssTotal = sumSquares(yy);

  const anovaRows = (terms: [string, number, number][], rssFull: number, dfResid: number): AnovaRow[] => {
    const ms = rssFull / dfResid;
    const rows: AnovaRow[] = terms.map(([term, ss, df]) => {
      const F = ss / df / ms;
      return { term, sumSq: ss, df, F, pValue: fSf(F, df, dfResid), etaSquared: ss / ssTotal, partialEtaSquared: partialEtaSquared(ss, rssFull) };
    });
    rows.push({ term: 'Residual', sumSq: rssFull, df: dfResid, F: NaN, pValue: NaN, etaSquared: rssFull / ssTotal, partialEtaSquared: NaN });
    return rows;
  };

  // Type II: each main effect adjusted for the other, the interaction for both.
  const ta = coding(cellA, la, false);
  const tb = coding(cellB, lb, false);
  const tab = products(ta, tb);
  const fitA = fit([ones, ...ta]);
  const fitB = fit([ones, ...tb]);
  const fitAB = fit([ones, ...ta, ...tb]);
  const full = fit([ones, ...ta, ...tb, ...tab]);
  const dfResid = keep - full.rank;
  if (dfResid < 1) throw new InputError('NO_RESIDUAL_DF', 'every cell has a single observation: no residual degrees of freedom', 'drop the interaction or collect more rows per cell');
  const dfI = full.rank - fitAB.rank;
  const interaction = `${names[0]}:${names[1]}`;
  const typeIITerms: [string, number, number][] = [
    [names[0], fitB.rss - fitAB.rss, fitAB.rank - fitB.rank],
    [names[1], fitA.rss - fitAB.rss, fitAB.rank - fitA.rank],
  ];
  if (dfI > 0) typeIITerms.push([interaction, fitAB.rss - full.rss, dfI]);
  const typeII = anovaRows(typeIITerms, full.rss, dfResid);

  // Type III: drop each term from the full sum-coded model; df is the rank it loses.
  const sa = coding(cellA, la, true);
  const sb = coding(cellB, lb, true);
  const sab = products(sa, sb);
  const fullS = fit([ones, ...sa, ...sb, ...sab]);
  const drop = (term: string, cols: Float64Array[]): [string, number, number] => {
    const reduced = fit(cols);
    return [term, reduced.rss - fullS.rss, fullS.rank - reduced.rank];
  };
  const typeIIITerms = [
    drop('Intercept', [...sa, ...sb, ...sab]),
    drop(names[0], [ones, ...sb, ...sab]),
    drop(names[1], [ones, ...sa, ...sab]),
  ];
  if (dfI > 0) typeIIITerms.push(drop(interaction, [ones, ...sa, ...sb]));
  const typeIII = anovaRows(typeIIITerms, fullS.rss, dfResid);
  const notes = emptyCells > 0 ? [`${emptyCells} empty cell(s): Type III hypotheses depend on the coding`] : undefined;
  return { test: 'anova_twoway', factors: names, typeII, typeIII, n: keep, missing: y.length - keep, emptyCells, notes };
}
