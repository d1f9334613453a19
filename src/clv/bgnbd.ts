/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way") and the shared
 * beta-geometric machinery that MBG/NBD (Batislam et al. 2007) reuses: the two models differ only
 * in whether a customer may drop out right after the first purchase, which shifts b + x by one.
 */
import { InputError, ModelError } from '../errors.js';
import { digamma, lbeta, lgamma } from '../math/gamma.js';
import { logHyp2f1 } from '../math/hyp2f1.js';
import type { Estimator, FittedModel, ModelJSON } from '../models/estimator.js';
import { collapseRows, distinctIndex, fitMle, fittedModelJSON, readFittedModelJSON, weightedColumnMeans, type Convergence, type MleSpec, type WeightedRows } from './fit.js';

/** Frequency / recency / age per customer; a ClvSummary satisfies it. */
export interface RepeatData {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
}

export interface BetaGeometricParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdOptions {
  /** L2 penalty on the natural parameters (lifetimes' penalizer_coef). Default 0. */
  penalizer?: number;
}

const NAMES = ['r', 'alpha', 'a', 'b'] as const;

/** Per-dataset indexes, built once per rows object and reused by every likelihood evaluation. */
interface Prepared {
  xi: Int32Array;
  maxX: number;
  T: { values: Float64Array; index: Int32Array } | null;
  tx: { values: Float64Array; index: Int32Array } | null;
  /** Per-row scratch: ln(alpha + T), 1/(alpha + T), ln(alpha + tx), 1/(alpha + tx). */
  lT: Float64Array;
  iT: Float64Array;
  lTx: Float64Array;
  iTx: Float64Array;
}

const preparedCache = new WeakMap<WeightedRows, Prepared>();

function prepare(rows: WeightedRows): Prepared {
  let p = preparedCache.get(rows);
  if (!p) {
    const [X, TX, TT] = rows.columns;
    const xi = new Int32Array(rows.length);
    let maxX = 0;
    for (let i = 0; i < rows.length; i++) {
      xi[i] = X[i];
      if (xi[i] > maxX) maxX = xi[i];
    }
    const n = rows.length;
    p = {
      xi,
      maxX,
      T: distinctIndex(TT),
      tx: distinctIndex(TX),
      lT: new Float64Array(n),
      iT: new Float64Array(n),
      lTx: new Float64Array(n),
      iTx: new Float64Array(n),
    };
    preparedCache.set(rows, p);
  }
  return p;
}

/** ln(alpha + v) and 1 / (alpha + v) per row, through the distinct-value index when there is one. */
function logShift(alpha: number, col: Float64Array, distinct: Prepared['T'], log: Float64Array, inv: Float64Array): void {
  if (distinct) {
    const { values, index } = distinct;
    const lv = new Float64Array(values.length);
    const iv = new Float64Array(values.length);
    for (let u = 0; u < values.length; u++) {
      lv[u] = Math.log(alpha + values[u]);
      iv[u] = 1 / (alpha + values[u]);
    }
    for (let i = 0; i < index.length; i++) {
      log[i] = lv[index[i]];
      inv[i] = iv[index[i]];
    }
    return;
  }
  for (let i = 0; i < col.length; i++) {
    const v = alpha + col[i];
    log[i] = Math.log(v);
    inv[i] = 1 / v;
  }
}

/**
 * Weighted log-likelihood of the beta-geometric family. `o` = 0 for BG/NBD, 1 for MBG/NBD.
 * Columns are x, tx, T. Terms that depend only on x (lgamma, digamma) are computed once per
 * distinct x and logs of alpha + T, alpha + tx once per distinct value, so a repeat buyer's row
 * costs one exp and one log1p.
 */
export function betaGeometricLogLik(o: 0 | 1, p: Float64Array, rows: WeightedRows, grad: Float64Array | null): number {
  const r = p[0];
  const alpha = p[1];
  const a = p[2];
  const b = p[3];
  const [, TX, TT] = rows.columns;
  const w = rows.weight;
  const n = rows.length;
  const prep = prepare(rows);
  const { xi, maxX, lT, iT, lTx, iTx } = prep;
  logShift(alpha, TT, prep.T, lT, iT);
  logShift(alpha, TX, prep.tx, lTx, iTx);

  const W = new Float64Array(maxX + 1); // total weight per x
  const W4 = new Float64Array(maxX + 1); // weight of the "dropped out after last purchase" branch per x
  const logC4 = new Float64Array(maxX + 1);
  const logA = Math.log(a);
  for (let x = 0; x <= maxX; x++) logC4[x] = x + o > 0 ? logA - Math.log(b + x + o - 1) : -Infinity;
  const logAlpha = Math.log(alpha);

  let ll = 0;
  let gR = 0;
  let gAlpha = 0;
  for (let i = 0; i < n; i++) {
    const x = xi[i];
    const wi = w[i];
    const rx = r + x;
    const l3 = -rx * lT[i];
    W[x] += wi;
    if (x + o === 0) {
      ll += wi * l3;
      if (grad) {
        gR -= wi * lT[i];
        gAlpha -= wi * rx * iT[i];
      }
      continue;
    }
    const d = logC4[x] - rx * lTx[i] - l3;
    let w4: number;
    if (d < 0) {
      const e = Math.exp(d);
      ll += wi * (l3 + Math.log1p(e));
      w4 = e / (1 + e);
    } else {
      const e = Math.exp(-d);
      ll += wi * (l3 + d + Math.log1p(e));
      w4 = 1 / (1 + e);
    }
    if (grad) {
      const w3 = 1 - w4;
      gR -= wi * (w3 * lT[i] + w4 * lTx[i]);
      gAlpha -= wi * rx * (w3 * iT[i] + w4 * iTx[i]);
      W4[x] += wi * w4;
    }
  }
  // Per-x terms: A1 = lnΓ(r+x) - lnΓ(r) + r ln α, A2 = ln B(a, b+x+o) - ln B(a, b).
  const lgR = lgamma(r);
  const lgB = lgamma(b);
  const lgAB = lgamma(a + b);
  const dgR = grad ? digamma(r) : 0;
  const dgB = grad ? digamma(b) : 0;
  const dgAB = grad ? digamma(a + b) : 0;
  let gA = 0;
  let gB = 0;
  for (let x = 0; x <= maxX; x++) {
    const wx = W[x];
    if (wx === 0) continue;
    const bx = b + x + o;
    ll += wx * (lgamma(r + x) - lgR + r * logAlpha + lgAB + lgamma(bx) - lgB - lgamma(a + bx));
    if (grad) {
      const dABx = digamma(a + bx);
      gR += wx * (digamma(r + x) - dgR + logAlpha);
      gAlpha += (wx * r) / alpha;
      gA += wx * (dgAB - dABx) + W4[x] / a;
      gB += wx * (dgAB + digamma(bx) - dgB - dABx);
      if (x + o > 0) gB -= W4[x] / (bx - 1);
    }
  }
  if (grad) {
    grad[0] = gR;
    grad[1] = gAlpha;
    grad[2] = gA;
    grad[3] = gB;
  }
  return ll;
}

/** Validate frequency/recency/age columns shared by every CLV model. */
export function checkRepeatData(data: RepeatData, model: string): void {
  const { x, tx, T } = data;
  const n = x.length;
  if (tx.length !== n || T.length !== n) {
    throw new InputError('clv-summary-length', `${model}: x, tx and T have different lengths (${n}, ${tx.length}, ${T.length})`);
  }
  if (n < 2) {
    throw new ModelError(
      'clv-too-few-customers',
      `${model} needs at least 2 customers to fit, got ${n}`,
      'Fit on the whole customer base, then score single customers with the fitted model',
    );
  }
  let repeaters = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    if (!(xi >= 0) || xi !== Math.floor(xi)) {
      throw new InputError('clv-frequency', `${model}: frequency x must be a non-negative integer, row ${i} has ${xi}`);
    }
    if (!(tx[i] >= 0 && tx[i] <= T[i]) || !Number.isFinite(T[i])) {
      throw new InputError('clv-recency', `${model}: row ${i} needs 0 <= tx <= T, has tx = ${tx[i]}, T = ${T[i]}`);
    }
    if (xi > 0) repeaters++;
  }
  if (repeaters === 0) {
    throw new ModelError(
      'clv-no-repeat',
      `${model}: all customers made one purchase: no repeat behaviour to fit`,
      'Use a longer calibration period or check that customer ids are stable across orders',
    );
  }
}

/** Moment-style starting points: rate from mean frequency over mean age, then alternatives. */
function betaGeometricStarts(rows: WeightedRows): Float64Array[] {
  const [meanX, , meanT] = weightedColumnMeans(rows);
  const rate = Math.max(meanX, 1e-3) / Math.max(meanT, 1e-3);
  return [
    new Float64Array([1, 1 / rate, 1, 3]),
    new Float64Array([0.5, 0.5 / rate, 0.5, 2]),
    new Float64Array([1, 1, 1, 1]),
    new Float64Array([2, 4 / rate, 2, 8]),
  ];
}

export interface BetaGeometricFitResult {
  params: BetaGeometricParams;
  logLikelihood: number;
  standardErrors: BetaGeometricParams;
  convergence: Convergence;
  n: number;
}

export function fitBetaGeometric(o: 0 | 1, data: RepeatData, options: BgNbdOptions, model: string): BetaGeometricFitResult {
  checkRepeatData(data, model);
  const rows = collapseRows([data.x, data.tx, data.T]);
  const spec: MleSpec = {
    names: NAMES,
    logLik: (p, rs, g) => betaGeometricLogLik(o, p, rs, g),
    starts: betaGeometricStarts,
  };
  const fit = fitMle(spec, rows, { penalizer: options.penalizer });
  return {
    params: toParams(fit.params),
    logLikelihood: fit.logLikelihood,
    standardErrors: toParams(fit.standardErrors),
    convergence: fit.convergence,
    n: data.x.length,
  };
}

function toParams(v: Float64Array): BetaGeometricParams {
  return { r: v[0], alpha: v[1], a: v[2], b: v[3] };
}

/** Predictions shared by BG/NBD (o = 0) and MBG/NBD (o = 1). */
export abstract class BetaGeometricModel implements FittedModel {
  abstract readonly kind: string;
  protected abstract readonly o: 0 | 1;

  constructor(
    readonly params: BetaGeometricParams,
    readonly logLikelihood: number,
    readonly standardErrors: BetaGeometricParams,
    readonly convergence: Convergence,
    /** Customers the model was fitted on. */
    readonly n: number,
  ) {}

  /** P(customer is still alive at T | x, tx, T). */
  pAlive(x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(this.logPAlive(x[i], tx[i], T[i]));
    return out;
  }

  /** E[X(T, T + t) | x, tx, T]: expected purchases in the next t periods for each customer. */
  expectedPurchases(t: number | Float64Array, x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      out[i] = this.conditionalExpectation(typeof t === 'number' ? t : t[i], x[i], tx[i], T[i]);
    }
    return out;
  }

  /** E[X(t)] for a customer just acquired. */
  expectedPurchasesUnconditional(t: number): number {
    return this.conditionalExpectation(t, 0, 0, 0);
  }

  /** P(X(t) = n) for a customer just acquired. */
  probabilityOfPurchases(n: number, t: number): number {
    const { r, alpha, a, b } = this.params;
    const o = this.o;
    const lbAB = lbeta(a, b);
    const logq = Math.log(alpha / (alpha + t));
    const logz = Math.log(t / (alpha + t));
    // NB(j) = Γ(r+j)/(Γ(r) j!) q^r z^j, the gamma-Poisson count while alive.
    const logNB = (j: number) => lgamma(r + j) - lgamma(r) - lgamma(j + 1) + r * logq + (j > 0 ? j * logz : 0);
    let p = Math.exp(lbeta(a, b + n + o) - lbAB + logNB(n));
    if (n + o > 0) {
      let cdf = 0;
      for (let j = 0; j < n; j++) cdf += Math.exp(logNB(j));
      p += Math.exp(lbeta(a + 1, b + n + o - 1) - lbAB) * Math.max(0, 1 - cdf);
    }
    return p;
  }

  protected logPAlive(x: number, tx: number, T: number): number {
    const { r, alpha, a, b } = this.params;
    if (x + this.o === 0) return 0;
    const logOdds = Math.log(a) - Math.log(b + x + this.o - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
    return -softplus(logOdds);
  }

  protected conditionalExpectation(t: number, x: number, tx: number, T: number): number {
    if (t <= 0) return 0;
    const { r, alpha, a, b } = this.params;
    const o = this.o;
    const c = a + b + x + o - 1;
    const z = t / (alpha + T + t);
    const logPow = (r + x) * Math.log((alpha + T) / (alpha + T + t));
    const bracket = -Math.expm1(logPow + logHyp2f1(r + x, b + x + o, c, z));
    return (c / (a - 1)) * bracket * Math.exp(this.logPAlive(x, tx, T));
  }

  toJSON(): ModelJSON {
    return fittedModelJSON(this.kind, { ...this.params }, this, ['x', 'tx', 'T']);
  }
}

export class BgNbdModel extends BetaGeometricModel {
  readonly kind = 'bgnbd';
  protected readonly o = 0 as const;

  static fromJSON(json: unknown): BgNbdModel {
    const parts = readBetaGeometricJSON(json, 'bgnbd');
    return new BgNbdModel(parts.params, parts.logLikelihood, parts.standardErrors, parts.convergence, parts.n);
  }
}

export class BgNbd implements Estimator<RepeatData, BgNbdModel> {
  constructor(readonly options: BgNbdOptions = {}) {}

  fit(data: RepeatData): BgNbdModel {
    const f = fitBetaGeometric(0, data, this.options, 'BG/NBD');
    return new BgNbdModel(f.params, f.logLikelihood, f.standardErrors, f.convergence, f.n);
  }
}

export function readBetaGeometricJSON(json: unknown, kind: string): BetaGeometricFitResult {
  const { params, diagnostics: d } = readFittedModelJSON(json, kind, NAMES);
  return {
    params: params as unknown as BetaGeometricParams,
    logLikelihood: d.logLikelihood,
    standardErrors: d.standardErrors as unknown as BetaGeometricParams,
    convergence: d.convergence,
    n: d.n,
  };
}

/** ln(1 + e^v) without overflow. */
export function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}
