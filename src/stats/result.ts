/**
 * Every test returns the same plain, JSON-serialisable shape, so the drivers scan, the report and the
 * CLI can rank, correct and describe results without knowing which test produced them.
 */
export interface EffectSize {
  /** e.g. "cohen_d", "hedges_g", "eta_squared", "omega_squared", "rank_biserial", "cramer_v", "r". */
  readonly name: string;
  readonly value: number;
  /** A 95% confidence interval when one is computed. */
  readonly ci?: readonly [number, number];
}

export interface TestResult {
  /** Machine name of the test, e.g. "welch_t", "mann_whitney_u", "anova_oneway". */
  readonly test: string;
  readonly statistic: number;
  /** Degrees of freedom: one number, or [numerator, denominator] for F tests. */
  readonly df?: number | readonly [number, number];
  readonly pValue: number;
  /** The headline effect size used for ranking. */
  readonly effect?: EffectSize;
  /** Further effect sizes and intervals (Hedges' g, mean difference CI, partial eta²...). */
  readonly effects?: readonly EffectSize[];
  /** Observations used, after dropping missing values. */
  readonly n: number;
  /** Observations dropped because a value was missing. */
  readonly missing: number;
  /** Why a result is degenerate, or which variant of the test was used. */
  readonly notes?: readonly string[];
}

/** The outcome for input no test can be computed on: statistic NaN, p = 1, and the reason. */
export function degenerate(test: string, n: number, missing: number, note: string): TestResult {
  return { test, statistic: NaN, pValue: 1, n, missing, notes: [note] };
}
