/**
 * Purchase models with time-invariant covariates, as CLVTools fits them and the Python libraries
 * do not. Customer i's linear predictors e1_i = γ₁ᵀz_i (purchase) and e2_i = γ₂ᵀz_i (dropout) act as
 *   Pareto/NBD: alpha_i = alpha e^(-e1_i), beta_i = beta e^(-e2_i)
 *     so E[λ_i] = r e^(e1_i)/alpha and E[μ_i] = s e^(e2_i)/beta: a positive γ raises the rate and
 *     exp(γ) is the rate ratio;
 *   BG/NBD (CLVTools' parameterisation): alpha_i = alpha e^(-e1_i), a_i = a e^(e2_i), b_i = b e^(e2_i)
 *     so the purchase effect reads as for Pareto/NBD, while the dropout covariates scale the
 *     concentration of the beta distribution of p (its mean a/(a+b) is shared).
 *
 * The shared harness optimises every parameter on the log scale, so each coefficient γ is
 * passed to it as the positive number e^γ: its log-scale step is then exactly a step in γ, and the
 * harness's standard error of e^γ divided by e^γ is the standard error of γ.
 */
import { InputError, ModelError } from '../errors.js';
import { column, type Matrix } from '../data/matrix.js';
import { digamma, lbeta, lgamma } from '../math/gamma.js';
import { checkModelJSON, modelJSON, type Estimator, type FittedModel, type ModelJSON } from '../models/estimator.js';
import { BgNbd, BgNbdModel, checkRepeatData, softplus, type RepeatData } from './bgnbd.js';
import { collapseRows, fitMle, type Convergence, type MleSpec, type WeightedRows } from './fit.js';
import {
  ParetoNbd,
  pnbdConditionalExpected,
  pnbdLogLikPerRow,
  pnbdPAlive,
  readConvergence,
  type RowGradients,
} from './pnbd.js';

export interface CovariateRepeatData extends RepeatData {
  /** Covariates on the purchase process, one row per customer (e.g. one-hot country). */
  purchase?: Matrix;
  /** Covariates on the dropout process, one row per customer. */
  dropout?: Matrix;
}

export interface CovariatesOptions {
  /** Names of the purchase-process covariate columns, for reports; default purchase1, purchase2, ... */
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

/** What differs between the models: parameter names, the likelihood and the per-customer predictions. */
interface CovariateFamily {
  kind: 'pnbd-covariates' | 'bgnbd-covariates';
  label: string;
  names: readonly [string, string, string, string];
  /** The model without covariates, as a starting point. */
  plainFit(data: RepeatData): Float64Array;
  /**
   * Σ w_i ln L_i given base parameters and per-row linear predictors e1, e2. With `grad`, writes
   * d/d base into grad.base and d/d e1_i, d/d e2_i (weighted) into grad.e1, grad.e2.
   */
  logLik(base: Float64Array, e1: Float64Array, e2: Float64Array, rows: WeightedRows, grad: LinearGradients | null): number;
  /** Customer parameters (in `names` order) from the base parameters and the two linear predictors. */
  customer(base: Float64Array, e1: number, e2: number): Float64Array;
  pAlive(p: Float64Array, x: number, tx: number, T: number): number;
  expected(p: Float64Array, t: number, x: number, tx: number, T: number): number;
}

export interface LinearGradients {
  base: Float64Array;
  e1: Float64Array;
  e2: Float64Array;
}

const PNBD_FAMILY: CovariateFamily = {
  kind: 'pnbd-covariates',
  label: 'Pareto/NBD with covariates',
  names: ['r', 'alpha', 's', 'beta'],
  plainFit(data) {
    const p = new ParetoNbd().fit(data).params;
    return Float64Array.from([p.r, p.alpha, p.s, p.beta]);
  },
  logLik(base, e1, e2, rows, grad) {
    const n = rows.length;
    const alpha = new Float64Array(n);
    const beta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      alpha[i] = base[1] * Math.exp(-e1[i]);
      beta[i] = base[3] * Math.exp(-e2[i]);
    }
    if (!grad) return pnbdLogLikPerRow(base[0], base[2], alpha, beta, rows, null);
    const g: RowGradients = { rs: new Float64Array(2), alpha: new Float64Array(n), beta: new Float64Array(n) };
    const ll = pnbdLogLikPerRow(base[0], base[2], alpha, beta, rows, g);
    grad.base.fill(0);
    grad.base[0] = g.rs[0];
    grad.base[2] = g.rs[1];
    for (let i = 0; i < n; i++) {
      // d alpha_i/d alpha = alpha_i/alpha, d alpha_i/d e1_i = -alpha_i; the same for beta.
      const da = g.alpha[i] * alpha[i];
      const db = g.beta[i] * beta[i];
      grad.base[1] += da / base[1];
      grad.base[3] += db / base[3];
      grad.e1[i] = -da;
      grad.e2[i] = -db;
    }
    return ll;
  },
  customer: (base, e1, e2) => Float64Array.from([base[0], base[1] * Math.exp(-e1), base[2], base[3] * Math.exp(-e2)]),
  pAlive: pnbdPAlive,
  expected: pnbdConditionalExpected,
};

const BGNBD_FAMILY: CovariateFamily = {
  kind: 'bgnbd-covariates',
  label: 'BG/NBD with covariates',
  names: ['r', 'alpha', 'a', 'b'],
  plainFit(data) {
    const p = new BgNbd().fit(data).params;
    return Float64Array.from([p.r, p.alpha, p.a, p.b]);
  },
  logLik: bgnbdCovariateLogLik,
  customer: (base, e1, e2) => Float64Array.from([base[0], base[1] * Math.exp(-e1), base[2] * Math.exp(e2), base[3] * Math.exp(e2)]),
  pAlive: (p, x, tx, T) => bgnbdCustomer(p).pAlive(Float64Array.of(x), Float64Array.of(tx), Float64Array.of(T))[0],
  expected: (p, t, x, tx, T) => bgnbdCustomer(p).expectedPurchases(t, Float64Array.of(x), Float64Array.of(tx), Float64Array.of(T))[0],
};

/** A BG/NBD model object carrying one customer's parameters, to reuse its prediction formulas. */
function bgnbdCustomer(p: Float64Array): BgNbdModel {
  const params = { r: p[0], alpha: p[1], a: p[2], b: p[3] };
  const none = { r: NaN, alpha: NaN, a: NaN, b: NaN };
  return new BgNbdModel(params, NaN, none, readConvergence(undefined), 1);
}

/**
 * BG/NBD (Fader, Hardie & Lee 2005) per row with alpha_i = alpha e^(-e1_i), a_i = a e^(e2_i),
 * b_i = b e^(e2_i):
 *   ln L = lnΓ(r+x) - lnΓ(r) + r ln α_i + ln B(a_i, b_i+x) - ln B(a_i, b_i) - (r+x) ln(α_i+T)
 *          + [x > 0] softplus(D),  D = ln(a_i/(b_i+x-1)) + (r+x) ln((α_i+T)/(α_i+tx)).
 */
export function bgnbdCovariateLogLik(base: Float64Array, e1: Float64Array, e2: Float64Array, rows: WeightedRows, grad: LinearGradients | null): number {
  const [r, alpha0, a0, b0] = base;
  const [X, TX, TT] = rows.columns;
  const w = rows.weight;
  const lgR = lgamma(r);
  const dgR = grad ? digamma(r) : 0;
  if (grad) grad.base.fill(0);
  let ll = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = X[i];
    const wi = w[i];
    const alpha = alpha0 * Math.exp(-e1[i]);
    const scale = Math.exp(e2[i]);
    const a = a0 * scale;
    const b = b0 * scale;
    const rx = r + x;
    const lT = Math.log(alpha + TT[i]);
    let li = lgamma(rx) - lgR + r * Math.log(alpha) + lbeta(a, b + x) - lbeta(a, b) - rx * lT;
    let sig = 0;
    let lTx = lT;
    if (x > 0) {
      lTx = Math.log(alpha + TX[i]);
      const D = Math.log(a / (b + x - 1)) + rx * (lT - lTx);
      li += softplus(D);
      sig = 1 / (1 + Math.exp(-D));
    }
    ll += wi * li;
    if (!grad) continue;
    const dAlpha = r / alpha - rx / (alpha + TT[i]) + (x > 0 ? sig * rx * (1 / (alpha + TT[i]) - 1 / (alpha + TX[i])) : 0);
    const psiAB = digamma(a + b);
    const psiABx = digamma(a + b + x);
    const dA = psiAB - psiABx + sig / a;
    const dB = digamma(b + x) - psiABx - digamma(b) + psiAB - (x > 0 ? sig / (b + x - 1) : 0);
    grad.base[0] += wi * (digamma(rx) - dgR + Math.log(alpha) - lT + sig * (lT - lTx));
    grad.base[1] += (wi * dAlpha * alpha) / alpha0;
    grad.base[2] += (wi * dA * a) / a0;
    grad.base[3] += (wi * dB * b) / b0;
    grad.e1[i] = -wi * dAlpha * alpha;
    grad.e2[i] = wi * (dA * a + dB * b);
  }
  return ll;
}

/**
 * Fit through the shared harness. Parameters: the four base parameters, then e^γ₁ (k1), e^γ₂ (k2);
 * rows are x, tx, T, then the purchase and the dropout covariate columns.
 */
function fitCovariates(family: CovariateFamily, data: CovariateRepeatData, options: CovariatesOptions): CovariatesModel {
  checkRepeatData(data, family.label);
  const n = data.x.length;
  const zp = checkCovariates(data.purchase, n, 'purchase');
  const zd = checkCovariates(data.dropout, n, 'dropout');
  const k1 = zp?.cols ?? 0;
  const k2 = zd?.cols ?? 0;
  const purchaseNames = names(options.purchaseNames, k1, 'purchase');
  const dropoutNames = names(options.dropoutNames, k2, 'dropout');
  const columns = [data.x, data.tx, data.T];
  for (let j = 0; j < k1; j++) columns.push(column(zp!, j));
  for (let j = 0; j < k2; j++) columns.push(column(zd!, j));
  const rows = collapseRows(columns);

  const logLik = (p: Float64Array, rs: WeightedRows, grad: Float64Array | null): number => {
    const m = rs.length;
    const cols = rs.columns;
    const e1 = new Float64Array(m);
    const e2 = new Float64Array(m);
    for (let j = 0; j < k1; j++) {
      const g = Math.log(p[4 + j]);
      const z = cols[3 + j];
      for (let i = 0; i < m; i++) e1[i] += g * z[i];
    }
    for (let j = 0; j < k2; j++) {
      const g = Math.log(p[4 + k1 + j]);
      const z = cols[3 + k1 + j];
      for (let i = 0; i < m; i++) e2[i] += g * z[i];
    }
    const base = p.subarray(0, 4);
    if (!grad) return family.logLik(base, e1, e2, rs, null);
    const lg: LinearGradients = { base: new Float64Array(4), e1: new Float64Array(m), e2: new Float64Array(m) };
    const ll = family.logLik(base, e1, e2, rs, lg);
    grad.set(lg.base);
    // dLL/dγ_j = Σ_i dLL/de_i z_ij, and dγ/d(e^γ) = 1/e^γ.
    for (let j = 0; j < k1 + k2; j++) {
      const z = cols[3 + j];
      const de = j < k1 ? lg.e1 : lg.e2;
      let sum = 0;
      for (let i = 0; i < m; i++) sum += de[i] * z[i];
      grad[4 + j] = sum / p[4 + j];
    }
    return ll;
  };

  // Start from the model without covariates and no covariate effect, then from a generic point.
  const plain = family.plainFit(data);
  const ones = new Array<number>(k1 + k2).fill(1);
  const spec: MleSpec = {
    names: [...family.names, ...purchaseNames, ...dropoutNames],
    logLik,
    starts: () => [Float64Array.from([...plain, ...ones]), Float64Array.from([1, plain[1], 1, plain[3], ...ones])],
  };
  const fit = fitMle(spec, rows);
  const p = fit.params;
  const se = fit.standardErrors;
  const effects = (offset: number, k: number, label: string[]): CovariateEffects => ({
    names: label,
    coefficients: Float64Array.from({ length: k }, (_, j) => Math.log(p[offset + j])),
    standardErrors: Float64Array.from({ length: k }, (_, j) => se[offset + j] / p[offset + j]),
  });
  return new CovariatesModel(
    family,
    p.slice(0, 4),
    se.slice(0, 4),
    effects(4, k1, purchaseNames),
    effects(4 + k1, k2, dropoutNames),
    fit.logLikelihood,
    fit.convergence,
    n,
  );
}

/** `new ParetoNbdCovariates({ purchaseNames: ['uk'] }).fit({ x, tx, T, purchase, dropout })`. */
export class ParetoNbdCovariates implements Estimator<CovariateRepeatData, CovariatesModel> {
  constructor(readonly options: CovariatesOptions = {}) {}

  fit(data: CovariateRepeatData): CovariatesModel {
    return fitCovariates(PNBD_FAMILY, data, this.options);
  }
}

/** `new BgNbdCovariates().fit({ x, tx, T, purchase, dropout })`, CLVTools' BG/NBD static-covariate model. */
export class BgNbdCovariates implements Estimator<CovariateRepeatData, CovariatesModel> {
  constructor(readonly options: CovariatesOptions = {}) {}

  fit(data: CovariateRepeatData): CovariatesModel {
    return fitCovariates(BGNBD_FAMILY, data, this.options);
  }
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

const FAMILIES = { 'pnbd-covariates': PNBD_FAMILY, 'bgnbd-covariates': BGNBD_FAMILY } as const;

/** A fitted purchase model with covariates; predictions take each customer's covariate rows. */
export class CovariatesModel implements FittedModel {
  readonly kind: 'pnbd-covariates' | 'bgnbd-covariates';
  /** Baseline parameters (all covariates zero) by name: r, alpha, s, beta or r, alpha, a, b. */
  readonly params: Record<string, number>;
  readonly standardErrors: Record<string, number>;

  constructor(
    private readonly family: CovariateFamily,
    private readonly base: Float64Array,
    baseSE: Float64Array,
    readonly purchase: CovariateEffects,
    readonly dropout: CovariateEffects,
    readonly logLikelihood: number,
    readonly convergence: Convergence,
    readonly n: number,
  ) {
    this.kind = family.kind;
    this.params = Object.fromEntries(family.names.map((k, j) => [k, base[j]]));
    this.standardErrors = Object.fromEntries(family.names.map((k, j) => [k, baseSE[j]]));
  }

  private customer(i: number, data: CovariateRepeatData): Float64Array {
    const lin = (z: Matrix | undefined, e: CovariateEffects) => {
      let v = 0;
      for (let j = 0; j < e.coefficients.length; j++) v += e.coefficients[j] * z!.data[i * z!.cols + j];
      return v;
    };
    return this.family.customer(this.base, lin(data.purchase, this.purchase), lin(data.dropout, this.dropout));
  }

  private check(data: CovariateRepeatData): void {
    const n = data.x.length;
    const want = (z: Matrix | undefined, e: CovariateEffects, process: string) => {
      const k = e.coefficients.length;
      if (k > 0 && (!z || z.cols !== k || z.rows !== n)) {
        throw new InputError('clv-covariate-shape', `Predictions need ${n} x ${k} ${process} covariates (${e.names.join(', ')})`);
      }
    };
    want(data.purchase, this.purchase, 'purchase');
    want(data.dropout, this.dropout, 'dropout');
  }

  /** P(alive at T | x, tx, T, covariates). */
  pAlive(data: CovariateRepeatData): Float64Array {
    this.check(data);
    const out = new Float64Array(data.x.length);
    for (let i = 0; i < out.length; i++) out[i] = this.family.pAlive(this.customer(i, data), data.x[i], data.tx[i], data.T[i]);
    return out;
  }

  /** Expected purchases in the next t periods for each customer. */
  expectedPurchases(t: number, data: CovariateRepeatData): Float64Array {
    this.check(data);
    const out = new Float64Array(data.x.length);
    for (let i = 0; i < out.length; i++) {
      out[i] = this.family.expected(this.customer(i, data), t, data.x[i], data.tx[i], data.T[i]);
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

  /** Load a saved Pareto/NBD or BG/NBD covariate model. */
  static fromJSON(json: unknown): CovariatesModel {
    const kind = (json as { kind?: unknown } | null)?.kind === 'bgnbd-covariates' ? 'bgnbd-covariates' : 'pnbd-covariates';
    const family = FAMILIES[kind];
    const j = checkModelJSON(json, kind);
    const p = j.params as Record<string, unknown>;
    for (const name of family.names) {
      if (typeof p[name] !== 'number' || !((p[name] as number) > 0)) {
        throw new ModelError('model-params', `Saved ${kind} model has no valid parameter ${name}`);
      }
    }
    const d = (j.diagnostics ?? {}) as Record<string, unknown>;
    const se = (d.standardErrors ?? {}) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : NaN);
    const eff = (v: unknown, ses: unknown, process: string): CovariateEffects => {
      const e = v as { names?: unknown; coefficients?: unknown } | undefined;
      if (!e || !Array.isArray(e.names) || !Array.isArray(e.coefficients) || e.names.length !== e.coefficients.length) {
        throw new ModelError('model-params', `Saved ${kind} model has no valid ${process} coefficients`);
      }
      const s = Array.isArray(ses) ? ses : [];
      return {
        names: e.names.map(String),
        coefficients: Float64Array.from(e.coefficients.map(num)),
        standardErrors: Float64Array.from(e.coefficients.map((_, k) => num(s[k]))),
      };
    };
    return new CovariatesModel(
      family,
      Float64Array.from(family.names.map((k) => p[k] as number)),
      Float64Array.from(family.names.map((k) => num(se[k]))),
      eff(p.purchase, se.purchase, 'purchase'),
      eff(p.dropout, se.dropout, 'dropout'),
      num(d.logLikelihood),
      readConvergence(d.convergence),
      num(d.n),
    );
  }
}
