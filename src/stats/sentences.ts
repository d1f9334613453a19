/**
 * Plain-language findings written from the numbers of a drivers scan. Every claim of a difference is
 * gated on the multiple-comparison-adjusted p-value, so a null factor is never described as a driver.
 */
import type { Correction } from './multiple.js';

export const TEST_LABELS: Record<string, string> = {
  student_t: 'Student t test',
  welch_t: 'Welch t test',
  paired_t: 'paired t test',
  mann_whitney_u: 'Mann-Whitney U test',
  anova_oneway: 'one-way ANOVA',
  welch_anova: 'Welch ANOVA',
  kruskal_wallis: 'Kruskal-Wallis test',
  pearson: 'Pearson correlation',
  spearman: 'Spearman correlation',
  chi_square: 'chi-square test',
  fisher_exact: "Fisher's exact test",
  anova_twoway: 'two-way ANOVA',
};

const CORRECTION_LABELS: Record<Correction, string> = { holm: 'Holm', bh: 'Benjamini-Hochberg' };

const numberFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** "p < 1e-300", "p < 0.001", "p = 0.012", "p = 0.43" (two significant digits); `adjusted` prefixes "adjusted ". */
export function formatP(p: number, adjusted = false): string {
  const name = adjusted ? 'adjusted p' : 'p';
  if (Number.isNaN(p)) return `${name} not available`;
  if (p < 1e-300) return `${name} < 1e-300`;
  if (p < 0.001) return `${name} < 0.001`;
  return `${name} = ${p.toPrecision(2)}`;
}

/** A 0..1 share as a percentage: "31%", "2.4%", "0.3%", "< 0.1%". */
export function formatShare(x: number): string {
  const pct = x * 100;
  if (!(pct >= 0.05)) return '< 0.1%';
  if (pct < 10) return `${pct.toFixed(1)}%`;
  // Never round a share that is not total up to "100%": 99.5% must not read as "explains all of it".
  if (pct >= 99.5 && pct < 100) return `${Math.min(pct, 99.9).toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

export function formatNumber(x: number): string {
  return numberFormat.format(x);
}

export interface SentenceContext {
  readonly outcome: string;
  readonly alpha: number;
  readonly correction: Correction;
  /** How many tests were corrected together. */
  readonly family: number;
}

export interface GroupExtremes {
  readonly high: { readonly level: string; readonly value: number };
  readonly low: { readonly level: string; readonly value: number };
  /** "mean", "median" or "rate". */
  readonly statistic: 'mean' | 'median' | 'rate';
}

export interface FindingNumbers {
  readonly factor: string;
  readonly test: string;
  readonly pValue: number;
  readonly pAdjusted: number;
  /** Share of variance explained (η², r² or V²), 0..1. */
  readonly strength: number;
  readonly significant: boolean;
  readonly extremes?: GroupExtremes;
  /** A numeric factor compared across the levels of a grouped outcome (roles swapped in the wording). */
  readonly acrossOutcome?: boolean;
  /** Correlation coefficient for numeric × numeric findings. */
  readonly r?: number;
  /** Cramér's V for contingency findings. */
  readonly cramerV?: number;
  /** For a binary outcome, the level whose share is described. */
  readonly positive?: string;
  /** Factors whose interaction with this one is significant. */
  readonly dependsOn: readonly string[];
}

function pPart(f: { pValue: number; pAdjusted: number }, ctx: SentenceContext): string {
  return ctx.family > 1 ? formatP(f.pAdjusted, true) : formatP(f.pValue);
}

function valueText(v: number, statistic: GroupExtremes['statistic']): string {
  return statistic === 'rate' ? formatShare(v) : formatNumber(v);
}

function dependsText(f: FindingNumbers): string {
  if (f.dependsOn.length === 0) return '';
  return `; the effect depends on ${f.dependsOn.join(' and ')}`;
}

/** One sentence for one factor. */
export function driverSentence(f: FindingNumbers, ctx: SentenceContext): string {
  const label = TEST_LABELS[f.test] ?? f.test;
  const y = ctx.outcome;
  if (!f.significant) {
    if (f.pValue < ctx.alpha && ctx.family > 1) {
      return `${f.factor} looked related to ${y} (${label}, ${formatP(f.pValue)}), but not after ${CORRECTION_LABELS[ctx.correction]} correction for ${ctx.family} tests (${formatP(f.pAdjusted, true)}).`;
    }
    return `No evidence that ${f.factor} changes ${y} (${label}, ${pPart(f, ctx)}).`;
  }
  const p = pPart(f, ctx);
  if (f.r !== undefined) {
    const symbol = f.test === 'spearman' ? 'ρ' : 'r';
    const dir = f.r > 0 ? 'higher' : 'lower';
    return `Higher ${f.factor} goes with ${dir} ${y} (${label}, ${symbol} = ${f.r.toFixed(2)}, ${p}; ${formatShare(f.strength)} of the variance)${dependsText(f)}.`;
  }
  const e = f.extremes;
  const tail = e
    ? `: ${e.statistic} ${e.statistic === 'rate' ? '' : `${y} `}is highest for ${e.high.level} (${valueText(e.high.value, e.statistic)}) and lowest for ${e.low.level} (${valueText(e.low.value, e.statistic)})`
    : '';
  if (f.acrossOutcome && e) {
    const stat = e.statistic === 'median' ? 'median' : 'mean';
    return `${f.factor} differs between ${y} groups (${label}, ${p}): ${stat} ${f.factor} is ${formatNumber(e.high.value)} for ${y} = ${e.high.level} and ${formatNumber(e.low.value)} for ${y} = ${e.low.level}${dependsText(f)}.`;
  }
  if (f.cramerV !== undefined) {
    const what = f.positive ? `The share of ${y} = ${f.positive}` : `The distribution of ${y}`;
    return `${what} differs by ${f.factor} (${label}, ${p}, Cramér's V = ${f.cramerV.toFixed(2)})${tail.replace(`rate is`, 'share is')}${dependsText(f)}.`;
  }
  if (f.test === 'mann_whitney_u' || f.test === 'kruskal_wallis') {
    return `${y} differs by ${f.factor} (${label}, ${p}; ${f.factor} explains ${formatShare(f.strength)} of the variance)${tail}${dependsText(f)}.`;
  }
  return `${f.factor} explains ${formatShare(f.strength)} of the variance in ${y} (${label}, ${p})${tail}${dependsText(f)}.`;
}

export interface InteractionNumbers {
  readonly a: string;
  readonly b: string;
  readonly pValue: number;
  readonly pAdjusted: number;
  readonly significant: boolean;
  /** η² of the interaction term. */
  readonly strength: number;
  /** η² of factor a's main effect (Type II). */
  readonly mainStrength: number;
}

export function interactionSentence(f: InteractionNumbers, ctx: SentenceContext): string {
  const p = pPart(f, ctx);
  if (!f.significant) {
    return `No evidence that the effect of ${f.a} on ${ctx.outcome} depends on ${f.b} (two-way ANOVA interaction, ${p}).`;
  }
  return `${f.a} explains ${formatShare(f.mainStrength)} of the variance in ${ctx.outcome} and the effect depends on ${f.b} (two-way ANOVA interaction, ${p}; the ${f.a} × ${f.b} interaction explains ${formatShare(f.strength)}).`;
}
