/**
 * Pareto/NBD with time-invariant covariates, as CLVTools fits them and the Python libraries do not:
 * customer i's gamma scale parameters are
 *   alpha_i = alpha · exp(-γ₁ᵀ z_i)   (purchase process: E[λ_i] = r e^(γ₁ᵀz_i) / alpha)
 *   beta_i  = beta  · exp(-γ₂ᵀ z_i)   (dropout process:  E[μ_i] = s e^(γ₂ᵀz_i) / beta)
 * so a positive coefficient raises the purchase (dropout) rate; exp(γ) is the rate ratio.
 *
 * The shared harness optimises every parameter on the log scale, so each coefficient γ is
 * passed to it as the positive number e^γ: its log-scale step is then exactly a step in γ, and the
 * harness's standard error of e^γ divided by e^γ is the standard error of γ.
 */
import { InputError, ModelError } from '../errors.js';
import { column, type Matrix } from '../data/matrix.js';
import { checkModelJSON, modelJSON, type Estimator, type FittedModel, type ModelJSON } from '../models/estimator.js';
import { checkRepeatData, type RepeatData } from './bgnbd.js';
import { collapseRows, fitMle, type Convergence, type MleSpec, type WeightedRows } from './fit.js';
import {
  ParetoNbd,
  pnbdConditionalExpected,
  pnbdLogLikPerRow,
  pnbdPAlive,
  readConvergence,
  type ParetoNbdParams,
  type RowGradients,
} from './pnbd.js';

export interface CovariateRepeatData extends RepeatData {
  /** Covariates on the purchase process, one row per customer (e.g. one-hot country). */
  purchase?: Matrix;
  /** Covariates on the dropout process, one row per customer. */
  dropout?: Matrix;
}

export interface ParetoNbdCovariatesOptions {
  /** Names of the purchase-process covariate columns, for reports; default z1, z2, ... */
  purchaseNames?: string[];
  /** Names of the dropout-process covariate columns. */
  dropoutNames?: string[];
}

/** Fitted coefficients of one process, with standard errors. */
export interface CovariateEffects {
  names: string[];
  coefficients: Float64Array;
  standardErrors: Float64Array;
}

/** `new ParetoNbdCovariates({ purchaseNames: ['uk'] }).fit({ x, tx, T, purchase, dropout })`. */
export class ParetoNbdCovariates implements Estimator<CovariateRepeatData, ParetoNbdCovariatesModel> {
  constructor(readonly options: ParetoNbdCovariatesOptions = {}) {}

  fit(data: CovariateRepeatData): ParetoNbdCovariatesModel {
    checkRepeatData(data, 'Pareto/NBD with covariates');
    const n = data.x.length;
    const zp = checkCovariates(data.purchase, n, 'purchase');
    const zd = checkCovariates(data.dropout, n, 'dropout');
    const k1 = zp?.cols ?? 0;
    const k2 = zd?.cols ?? 0;
    const columns = [data.x, data.tx, data.T];
    for (let j = 0; j < k1; j++) columns.push(column(zp!, j));
    for (let j = 0; j < k2; j++) columns.push(column(zd!, j));
    const rows = collapseRows(columns);

    // Start from the plain Pareto/NBD optimum with no covariate effect, then from a generic point.
    const base = new ParetoNbd().fit(data).params;
    const start = (p: ParetoNbdParams) =>
      Float64Array.from([p.r, p.alpha, p.s, p.beta, ...new Array<number>(k1 + k2).fill(1)]);
    const spec: MleSpec = {
      names: ['r', 'alpha', 's', 'beta', ...names(this.options.purchaseNames, k1, 'purchase'), ...names(this.options.dropoutNames, k2, 'dropout')],
      logLik: (p, rs, grad) => covariateLogLik(p, rs, k1, k2, grad),
      starts: () => [start(base), start({ r: 1, alpha: base.alpha, s: 1, beta: base.beta })],
    };
    const fit = fitMle(spec, rows);
    const p = fit.params;
    const se = fit.standardErrors;
    const effects = (offset: number, k: number, label: string[]): CovariateEffects => ({
      names: label,
      coefficients: Float64Array.from({ length: k }, (_, j) => Math.log(p[offset + j])),
      standardErrors: Float64Array.from({ length: k }, (_, j) => se[offset + j] / p[offset + j]),
    });
    return new ParetoNbdCovariatesModel(
      { r: p[0], alpha: p[1], s: p[2], beta: p[3] },
      { r: se[0], alpha: se[1], s: se[2], beta: se[3] },
      effects(4, k1, names(this.options.purchaseNames, k1, 'purchase')),
      effects(4 + k1, k2, names(this.options.dropoutNames, k2, 'dropout')),
      fit.logLikelihood,
      fit.convergence,
      n,
    );
  }
}

/**
 * Weighted log-likelihood over rows whose columns are x, tx, T, then k1 purchase and k2 dropout
 * covariates; `p` holds r, alpha, s, beta, then e^γ₁, e^γ₂. The gradient is with respect to p.
 */
function covariateLogLik(p: Float64Array, rows: WeightedRows, k1: number, k2: number, grad: Float64Array | null): number {
  const n = rows.length;
  const alpha = new Float64Array(n);
  const beta = new Float64Array(n);
  const cols = rows.columns;
  for (let i = 0; i < n; i++) {
    let e1 = 0;
    for (let j = 0; j < k1; j++) e1 += Math.log(p[4 + j]) * cols[3 + j][i];
    let e2 = 0;
    for (let j = 0; j < k2; j++) e2 += Math.log(p[4 + k1 + j]) * cols[3 + k1 + j][i];
    alpha[i] = p[1] * Math.exp(-e1);
    beta[i] = p[3] * Math.exp(-e2);
  }
  if (!grad) return pnbdLogLikPerRow(p[0], p[2], alpha, beta, rows, null);
  const g: RowGradients = { rs: new Float64Array(2), alpha: new Float64Array(n), beta: new Float64Array(n) };
  const ll = pnbdLogLikPerRow(p[0], p[2], alpha, beta, rows, g);
  grad.fill(0);
  grad[0] = g.rs[0];
  grad[2] = g.rs[1];
  for (let i = 0; i < n; i++) {
    // d alpha_i / d alpha = alpha_i / alpha; d alpha_i / dγ₁ⱼ = -alpha_i z_ij; dγ/dp = 1/p.
    const da = g.alpha[i] * alpha[i];
    const db = g.beta[i] * beta[i];
    grad[1] += da / p[1];
    grad[3] += db / p[3];
    for (let j = 0; j < k1; j++) grad[4 + j] -= (da * cols[3 + j][i]) / p[4 + j];
    for (let j = 0; j < k2; j++) grad[4 + k1 + j] -= (db * cols[3 + k1 + j][i]) / p[4 + k1 + j];
  }
  return ll;
}

function checkCovariates(z: Matrix | undefined, n: number, process: string): Matrix | undefined {
  if (!z || z.cols === 0) return undefined;
  if (z.rows !== n) {
    throw new InputError('clv-covariate-rows', `The ${process} covariates have ${z.rows} rows for ${n} customers`, 'Give one covariate row per customer, in summary order');
  }
  for (let i = 0; i < z.data.length; i++) {
    if (!Number.isFinite(z.data[i])) {
      throw new InputError(
        'clv-covariate-value',
        `The ${process} covariates have a missing or infinite value for customer row ${Math.floor(i / z.cols)}`,
        'Impute or drop those customers before fitting',
      );
    }
  }
  for (let j = 0; j < z.cols; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = z.data[i * z.cols + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo === hi) {
      throw new InputError(
        'clv-covariate-constant',
        `The ${process} covariate in column ${j} is the same for every customer, so its effect cannot be told apart from the baseline`,
        'Drop constant columns (and one level of each one-hot group)',
      );
    }
  }
  return z;
}

function names(given: string[] | undefined, k: number, process: string): string[] {
  if (given && given.length !== k) {
    throw new InputError('clv-covariate-names', `${given.length} ${process} covariate names for ${k} columns`);
  }
  return given ?? Array.from({ length: k }, (_, j) => `${process}${j + 1}`);
}

/** Fitted Pareto/NBD with covariates; predictions take each customer's covariate rows. */
export class ParetoNbdCovariatesModel implements FittedModel {
  readonly kind = 'pnbd-covariates';

  constructor(
    /** Baseline parameters (all covariates zero). */
    readonly params: ParetoNbdParams,
    readonly standardErrors: ParetoNbdParams,
    readonly purchase: CovariateEffects,
    readonly dropout: CovariateEffects,
    readonly logLikelihood: number,
    readonly convergence: Convergence,
    readonly n: number,
  ) {}

  /** Customer i's (r, alpha_i, s, beta_i). */
  private customerParams(i: number, zp?: Matrix, zd?: Matrix): number[] {
    const lin = (z: Matrix | undefined, e: CovariateEffects) => {
      let v = 0;
      for (let j = 0; j < e.coefficients.length; j++) v += e.coefficients[j] * z!.data[i * z!.cols + j];
      return v;
    };
    return [this.params.r, this.params.alpha * Math.exp(-lin(zp, this.purchase)), this.params.s, this.params.beta * Math.exp(-lin(zd, this.dropout))];
  }

  private check(n: number, zp?: Matrix, zd?: Matrix): void {
    const want = (z: Matrix | undefined, e: CovariateEffects, process: string) => {
      const k = e.coefficients.length;
      if (k > 0 && (!z || z.cols !== k || z.rows !== n)) {
        throw new InputError('clv-covariate-shape', `Predictions need ${n} x ${k} ${process} covariates (${e.names.join(', ')})`);
      }
    };
    want(zp, this.purchase, 'purchase');
    want(zd, this.dropout, 'dropout');
  }

  /** P(alive at T | x, tx, T, covariates). */
  pAlive(data: CovariateRepeatData): Float64Array {
    const n = data.x.length;
    this.check(n, data.purchase, data.dropout);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = pnbdPAlive(this.customerParams(i, data.purchase, data.dropout), data.x[i], data.tx[i], data.T[i]);
    return out;
  }

  /** Expected purchases in the next t periods for each customer. */
  expectedPurchases(t: number, data: CovariateRepeatData): Float64Array {
    const n = data.x.length;
    this.check(n, data.purchase, data.dropout);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = pnbdConditionalExpected(this.customerParams(i, data.purchase, data.dropout), t, data.x[i], data.tx[i], data.T[i]);
    }
    return out;
  }

  toJSON(): ModelJSON {
    const eff = (e: CovariateEffects) => ({ names: e.names, coefficients: Array.from(e.coefficients) });
    return modelJSON(this.kind, { ...this.params, purchase: eff(this.purchase), dropout: eff(this.dropout) }, {
      features: ['x', 'tx', 'T', ...this.purchase.names, ...this.dropout.names],
      diagnostics: {
        logLikelihood: this.logLikelihood,
        standardErrors: {
          ...this.standardErrors,
          purchase: Array.from(this.purchase.standardErrors),
          dropout: Array.from(this.dropout.standardErrors),
        },
        convergence: { ...this.convergence },
        n: this.n,
      },
    });
  }

  static fromJSON(json: unknown): ParetoNbdCovariatesModel {
    const j = checkModelJSON(json, 'pnbd-covariates');
    const p = j.params as Record<string, unknown>;
    for (const name of ['r', 'alpha', 's', 'beta']) {
      if (typeof p[name] !== 'number' || !((p[name] as number) > 0)) {
        throw new ModelError('model-params', `Saved pnbd-covariates model has no valid parameter ${name}`);
      }
    }
    const d = (j.diagnostics ?? {}) as Record<string, unknown>;
    const se = (d.standardErrors ?? {}) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : NaN);
    const eff = (v: unknown, ses: unknown, process: string): CovariateEffects => {
      const e = v as { names?: unknown; coefficients?: unknown } | undefined;
      if (!e || !Array.isArray(e.names) || !Array.isArray(e.coefficients) || e.names.length !== e.coefficients.length) {
        throw new ModelError('model-params', `Saved pnbd-covariates model has no valid ${process} coefficients`);
      }
      const s = Array.isArray(ses) ? ses : [];
      return {
        names: e.names.map(String),
        coefficients: Float64Array.from(e.coefficients.map(num)),
        standardErrors: Float64Array.from(e.coefficients.map((_, k) => num(s[k]))),
      };
    };
    return new ParetoNbdCovariatesModel(
      { r: p.r as number, alpha: p.alpha as number, s: p.s as number, beta: p.beta as number },
      { r: num(se.r), alpha: num(se.alpha), s: num(se.s), beta: num(se.beta) },
      eff(p.purchase, se.purchase, 'purchase'),
      eff(p.dropout, se.dropout, 'dropout'),
      num(d.logLikelihood),
      readConvergence(d.convergence),
      num(d.n),
    );
  }
}
