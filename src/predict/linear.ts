import { InputError, ModelError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { leastSquares } from './linalg.js';
import { checkFitInput, checkPredictInput, savedNumber, savedNumbers, type Predictor } from './model.js';
import { fSf, tTwoSided } from '../stats/distributions.js';

/**
 * Ordinary least squares with an intercept and the classical inference table of statsmodels' OLS:
 * standard errors from σ̂²(XᵀX)⁻¹, t statistics, two-sided p-values, R², adjusted R² and the overall F test.
 * Weights, when given, make it weighted least squares (as statsmodels WLS).
 */
export const LINEAR_KIND = 'linear-regression';

export interface LinearInference {
  /** Per coefficient, intercept first. */
  standardErrors: number[];
  tValues: number[];
  pValues: number[];
  rSquared: number;
  adjRSquared: number;
  /** Residual degrees of freedom n − p − 1. */
  dfResid: number;
  /** Residual standard error σ̂. */
  sigma: number;
  fStatistic: number;
  fPValue: number;
  /** Feature indices left out as exact linear combinations of earlier features (coefficient 0). */
  aliased: number[];
}

export class LinearRegression {
  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): FittedLinearRegression {
    checkFitInput('Linear regression', X, y, weights, 'regression');
    const n = X.rows;
    const p = X.cols;
    const k = p + 1;
    const a = new Float64Array(n * k);
    const b = new Float64Array(n);
    let wsum = 0;
    for (let i = 0; i < n; i++) {
      const sw = Math.sqrt(weights ? weights[i] : 1);
      wsum += weights ? weights[i] : 1;
      a[i * k] = sw;
      for (let j = 0; j < p; j++) a[i * k + j + 1] = sw * X.data[i * p + j];
      b[i] = sw * y[i];
    }
    const ls = leastSquares(a, n, k, b);
    if (ls.aliased.includes(0)) throw new InputError('ols-no-rows', 'Linear regression has no rows with positive weight', 'Check the weights');
    // Centred total sum of squares around the (weighted) mean, as statsmodels with a constant.
    let ybar = 0;
    for (let i = 0; i < n; i++) ybar += (weights ? weights[i] : 1) * y[i];
    ybar /= wsum;
    let tss = 0;
    for (let i = 0; i < n; i++) tss += (weights ? weights[i] : 1) * (y[i] - ybar) * (y[i] - ybar);
    // Aliased columns (exact linear combinations of earlier ones) get coefficient 0 and no inference, as NA in R.
    const rank = k - ls.aliased.length;
    const dfResid = n - rank;
    if (dfResid <= 0) throw new InputError('ols-too-few', `Linear regression needs more rows (${n}) than independent coefficients (${rank})`, 'Use fewer features or more customers');
    const s2 = ls.rss / dfResid;
    const standardErrors: number[] = [];
    const tValues: number[] = [];
    const pValues: number[] = [];
    for (let j = 0; j < k; j++) {
      const se = Math.sqrt(s2 * ls.inverseGram[j * k + j]);
      standardErrors.push(se);
      tValues.push(ls.x[j] / se);
      pValues.push(tTwoSided(ls.x[j] / se, dfResid));
    }
    const rSquared = 1 - ls.rss / tss;
    const fStatistic = rank > 1 ? ((tss - ls.rss) / (rank - 1)) / s2 : NaN;
    const inference: LinearInference = {
      standardErrors,
      tValues,
      pValues,
      rSquared,
      adjRSquared: 1 - ((1 - rSquared) * (n - 1)) / dfResid,
      dfResid,
      sigma: Math.sqrt(s2),
      fStatistic,
      fPValue: rank > 1 ? fSf(fStatistic, rank - 1, dfResid) : NaN,
      aliased: ls.aliased.map((j) => j - 1),
    };
    return new FittedLinearRegression(p, ls.x[0], ls.x.slice(1), inference);
  }
}

export class FittedLinearRegression implements Predictor {
  readonly kind = LINEAR_KIND;
  readonly task = 'regression' as const;
  readonly nClasses = 1;

  constructor(
    readonly nFeatures: number,
    readonly intercept: number,
    readonly coef: Float64Array,
    /** Absent on a model loaded from JSON without diagnostics. */
    readonly inference?: LinearInference,
  ) {}

  predict(X: Matrix): Float64Array {
    checkPredictInput('Linear regression', X, this.nFeatures);
    const p = this.nFeatures;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = this.intercept;
      for (let j = 0; j < p; j++) s += this.coef[j] * X.data[i * p + j];
      out[i] = s;
    }
    return out;
  }

  toJSON(): ModelJSON {
    return modelJSON(
      LINEAR_KIND,
      { nFeatures: this.nFeatures, intercept: this.intercept, coef: Array.from(this.coef) },
      this.inference ? { diagnostics: { ...this.inference } } : {},
    );
  }

  static fromJSON(json: unknown): FittedLinearRegression {
    const j = checkModelJSON(json, LINEAR_KIND);
    const p = savedNumber(j.params, 'nFeatures', LINEAR_KIND);
    const coef = savedNumbers(j.params, 'coef', LINEAR_KIND);
    if (coef.length !== p) throw new ModelError('model-corrupt', `Saved ${LINEAR_KIND} has ${coef.length} coefficients for ${p} features`, 'Re-fit and save the model again');
    return new FittedLinearRegression(p, savedNumber(j.params, 'intercept', LINEAR_KIND), coef, j.diagnostics as LinearInference | undefined);
  }
}
