/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way") and the shared
 * beta-geometric machinery that MBG/NBD (Batislam et al. 2007) reuses: the two models differ only
 * in whether a customer may drop out right after the first purchase, which shifts b + x by one.
 */
import { InputError, ModelError } from '../errors.js';
import { lgamma } from '../math/gamma.js';
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
  /** Per-row scratch: ln(1 + T/alpha), ln(alpha + T), 1/(alpha + T), and the same for tx. */
  pT: Float64Array;
  lT: Float64Array;
  iT: Float64Array;
  pTx: Float64Array;
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
    const scratch = () => new Float64Array(n);
    p = {
      xi,
      maxX,
      T: distinctIndex(TT),
      tx: distinctIndex(TX),
      pT: scratch(),
      lT: scratch(),
      iT: scratch(),
      pTx: scratch(),
      lTx: scratch(),
      iTx: scratch(),
    };
    preparedCache.set(rows, p);
  }
  return p;
}

/**
 * ln(1 + v/alpha), ln(alpha + v) and 1/(alpha + v) per row, through the distinct-value index when
 * there is one. The first is what r multiplies: r ln(alpha) - r ln(alpha + v) as two logarithms
 * cancels catastrophically once alpha and r are both large (the Poisson limit).
 */
function logShift(alpha: number, col: Float64Array, distinct: Prepared['T'], rel: Float64Array, log: Float64Array, inv: Float64Array): void {
  const one = (v: number, i: number, pr: Float64Array, lg: Float64Array, iv: Float64Array) => {
    pr[i] = Math.log1p(v / alpha);
    lg[i] = Math.log(alpha + v);
    iv[i] = 1 / (alpha + v);
  };
  if (distinct) {
    const { values, index } = distinct;
    const m = values.length;
    const pv = new Float64Array(m);
    const lv = new Float64Array(m);
    const iv = new Float64Array(m);
    for (let u = 0; u < m; u++) one(values[u], u, pv, lv, iv);
    for (let i = 0; i < index.length; i++) {
      rel[i] = pv[index[i]];
      log[i] = lv[index[i]];
      inv[i] = iv[index[i]];
    }
    return;
  }
  for (let i = 0; i < col.length; i++) one(col[i], i, rel, log, inv);
}

/**
 * Σ_{j<x} ln(r+j) and Σ_{j<x} 1/(r+j) for x = 0..maxX: lnΓ(r+x) - lnΓ(r) and ψ(r+x) - ψ(r) without
 * subtracting two huge lgammas (r in the millions is the Poisson limit, not an error).
 */
export function risingLogs(r: number, maxX: number, withInverse: boolean): { log: Float64Array; inv: Float64Array } {
  const log = new Float64Array(maxX + 1);
  const inv = new Float64Array(withInverse ? maxX + 1 : 0);
  for (let j = 0; j < maxX; j++) {
    log[j + 1] = log[j] + Math.log(r + j);
    if (withInverse) inv[j + 1] = inv[j] + 1 / (r + j);
  }
  return { log, inv };
}

/**
 * ln B(a, b+m) - ln B(a, b) = -Σ_{j<m} ln(1 + a/(b+j)) for m = 0..maxM, and its derivatives in a
 * and b. As dropout vanishes (a → 0 or b → ∞) each term tends to zero smoothly, where the lgamma
 * form subtracts numbers near b ln b and is left with rounding noise of order b·1e-16.
 */
function betaRatio(a: number, b: number, maxM: number, withGrad: boolean): { log: Float64Array; da: Float64Array; db: Float64Array } {
  const log = new Float64Array(maxM + 1);
  const da = new Float64Array(withGrad ? maxM + 1 : 0);
  const db = new Float64Array(withGrad ? maxM + 1 : 0);
  for (let j = 0; j < maxM; j++) {
    const bj = b + j;
    log[j + 1] = log[j] - Math.log1p(a / bj);
    if (withGrad) {
      const abj = a + bj;
      da[j + 1] = da[j] - 1 / abj;
      db[j + 1] = db[j] + a / (bj * abj);
    }
  }
  return { log, da, db };
}

/**
 * Weighted log-likelihood of the beta-geometric family. `o` = 0 for BG/NBD, 1 for MBG/NBD.
 * Columns are x, tx, T. Per customer (Fader, Hardie & Lee 2005, eq. 3)
 *   ln L = Σ_{j<x} ln(r+j) - r ln(1 + T/α) - x ln(α+T) + ln B(a, b+x+o)/B(a, b) + [x+o>0] softplus(d),
 *   d = ln a - ln(b+x+o-1) + (r+x) ln(1 + (T-tx)/(α+tx)),
 * every piece of which stays finite and accurate as dropout vanishes, for hundreds of purchases
 * and for ages in thousands of days. Terms in x alone are prefix sums over 0..maxX.
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
  const { xi, maxX, pT, lT, iT, pTx, lTx, iTx } = prep;
  logShift(alpha, TT, prep.T, pT, lT, iT);
  logShift(alpha, TX, prep.tx, pTx, lTx, iTx);
  const withGrad = grad !== null;

  const W = new Float64Array(maxX + 1); // total weight per x
  const W4 = new Float64Array(maxX + 1); // weight of the "dropped out after last purchase" branch per x
  const logC4 = new Float64Array(maxX + 1);
  const logA = Math.log(a);
  // b + (x + o - 1), integer part first: with b below 1e-16, (b + 1) - 1 would be 0.
  for (let x = 0; x <= maxX; x++) logC4[x] = x + o > 0 ? logA - Math.log(b + (x + o - 1)) : -Infinity;

  let ll = 0;
  let gR = 0;
  let gAlpha = 0;
  for (let i = 0; i < n; i++) {
    const x = xi[i];
    const wi = w[i];
    W[x] += wi;
    ll -= wi * (r * pT[i] + x * lT[i]);
    if (withGrad) {
      gR -= wi * pT[i];
      // d/dα [-r ln(1 + T/α) - x ln(α+T)] = r T / (α (α+T)) - x / (α+T).
      gAlpha += wi * ((r * (1 / alpha - iT[i])) - x * iT[i]);
    }
    if (x + o === 0) continue;
    const g = TT[i] === TX[i] ? 0 : Math.log1p((TT[i] - TX[i]) * iTx[i]);
    const d = logC4[x] + (r + x) * g;
    // softplus(d) and its derivative, the logistic of d, from one exponential of -|d|.
    const e = Math.exp(-Math.abs(d));
    ll += wi * ((d > 0 ? d : 0) + Math.log1p(e));
    if (withGrad) {
      const w4 = d < 0 ? e / (1 + e) : 1 / (1 + e);
      gR += wi * w4 * g;
      gAlpha += wi * w4 * (r + x) * (iT[i] - iTx[i]);
      W4[x] += wi * w4;
    }
  }
  const rl = risingLogs(r, maxX, withGrad);
  const br = betaRatio(a, b, maxX + o, withGrad);
  let gA = 0;
  let gB = 0;
  for (let x = 0; x <= maxX; x++) {
    const wx = W[x];
    if (wx === 0) continue;
    ll += wx * (rl.log[x] + br.log[x + o]);
    if (withGrad) {
      gR += wx * rl.inv[x];
      gA += wx * br.da[x + o] + W4[x] / a;
      gB += wx * br.db[x + o];
      if (x + o > 0) gB -= W4[x] / (b + (x + o - 1));
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

/**
 * What a prediction needs of the histories it is given: one (x, tx, T) per customer and a horizon t >= 0.
 * Unlike a fit, any single customer can be scored, and x need not be whole (covariate tools pass expectations).
 */
export function checkHistories(model: string, t: number | Float64Array, x: Float64Array, tx: Float64Array, T: Float64Array): void {
  const n = x.length;
  if (tx.length !== n || T.length !== n || (typeof t !== 'number' && t.length !== n)) {
    throw new InputError('clv-summary-length', `${model}: x, tx, T${typeof t === 'number' ? '' : ' and t'} have different lengths (${n}, ${tx.length}, ${T.length}${typeof t === 'number' ? '' : `, ${t.length}`})`);
  }
  if (typeof t === 'number' ? !(t >= 0 && Number.isFinite(t)) : t.some((v) => !(v >= 0 && Number.isFinite(v)))) {
    throw new InputError('clv-horizon', `${model}: the prediction horizon must be a finite time >= 0`);
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
    checkHistories(this.kind, 0, x, tx, T);
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(this.logPAlive(x[i], tx[i], T[i]));
    return out;
  }

  /** E[X(T, T + t) | x, tx, T]: expected purchases in the next t periods for each customer. */
  expectedPurchases(t: number | Float64Array, x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
    checkHistories(this.kind, t, x, tx, T);
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
    const rl = risingLogs(r, n, false).log;
    const logq = -Math.log1p(t / alpha);
    const logz = Math.log(t / (alpha + t));
    // NB(j) = Γ(r+j)/(Γ(r) j!) q^r z^j, the gamma-Poisson count while alive.
    const logNB = (j: number) => rl[j] - lgamma(j + 1) + r * logq + (j > 0 ? j * logz : 0);
    let p = Math.exp(betaRatio(a, b, n + o, false).log[n + o] + logNB(n));
    if (n + o > 0) {
      let cdf = 0;
      for (let j = 0; j < n; j++) cdf += Math.exp(logNB(j));
      // B(a+1, b+n+o-1)/B(a, b) = a/(a+b) · B(a+1, b+n+o-1)/B(a+1, b).
      const logDrop = Math.log(a / (a + b)) + betaRatio(a + 1, b, n + o - 1, false).log[n + o - 1];
      p += Math.exp(logDrop) * Math.max(0, 1 - cdf);
    }
    return p;
  }

  protected logPAlive(x: number, tx: number, T: number): number {
    const { r, alpha, a, b } = this.params;
    if (x + this.o === 0) return 0;
    const logOdds = Math.log(a) - Math.log(b + (x + this.o - 1)) + (r + x) * Math.log1p((T - tx) / (alpha + tx));
    return -softplus(logOdds);
  }

  protected conditionalExpectation(t: number, x: number, tx: number, T: number): number {
    if (t <= 0) return 0;
    const { r, alpha, a, b } = this.params;
    return betaGeometricAliveExpectation(r + x, a, b, x + this.o, t / (alpha + T)) * Math.exp(this.logPAlive(x, tx, T));
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

/** Past this many series terms the horizon is long against α + T and the closed form takes over. */
const ALIVE_SERIES_TERMS = 20_000;

/**
 * E[purchases in the next t | alive at T] for a beta-geometric customer whose posterior is
 * λ ~ Gamma(R, α+T), p ~ Beta(a, B), B = b + m, with u = t/(α+T). Fader, Hardie & Lee's closed form
 *   c/(a-1) · [1 - (1-z)^R 2F1(R, B; c; z)],  c = a + B - 1, z = u/(1+u),
 * subtracts two numbers near 1 whose difference is O(R/B): with B = 1e9 every digit is lost.
 * Expanding (1-z)^{1-a} and the Euler-transformed 2F1 term by term gives the same value as
 *   c (1-z)^{a-1} Σ_{k≥1} (a)_{k-1}/k! z^k [1 - (c-R)_k/(c)_k],
 * where each bracket is formed as -expm1 of a sum of log1p, so the difference is taken exactly;
 * it tends to R u (the NBD expectation) as B → ∞ and has no pole at a = 1.
 */
export function betaGeometricAliveExpectation(R: number, a: number, b: number, m: number, u: number): number {
  if (!(u > 0)) return 0;
  const B = b + m;
  // a + b + (m - 1), small parts added last: a and b may be far below the rounding of 1.
  const c = a + b + (m - 1);
  const z = u / (1 + u);
  // With 0 < c < R the factors 1 - R/(c+j) start negative and the series alternates with terms
  // as large as (zR)^k/k!; but then B is small, dropout strong and the closed form has no
  // cancellation. With c <= 0 (a + B < 1) the closed form's 2F1 is out of reach and the series,
  // whose terms then exceed the sum by at most ~1/|c+j|, is used as it stands.
  if (c > 0 && c < R) return closedAliveExpectation(R, a, B, c, z);
  return concentratedAliveExpectation(R, a, B, u) ?? aliveExpectationSeries(R, a, b, m, u);
}

/** The series of betaGeometricAliveExpectation on its own (exported for bench/clv-homogeneous.ts, which times both). */
export function aliveExpectationSeries(R: number, a: number, b: number, m: number, u: number): number {
  const B = b + m;
  const c = a + b + (m - 1);
  const z = u / (1 + u);
  const log1mz = -Math.log1p(u);
  let coef = z; // (a)_{k-1} z^k / k!
  let q = 1; // (c-R)_k/(c)_k
  let bracket = 0; // 1 - q
  let direct = false;
  let sum = 0;
  for (let k = 1; k <= ALIVE_SERIES_TERMS; k++) {
    // c + k - 1 with the integer part first, as for c itself.
    const ck = a + b + (m + k - 2);
    const f = 1 - R / ck;
    if (!direct && !(f > 0)) direct = true;
    if (direct) {
      q *= f;
      bracket = 1 - q;
    } else {
      // 1 - q f = (1 - q) + q R/ck: while every factor is positive both parts are, so the bracket is
      // accumulated without the cancellation of 1 - q (B = 1e9 makes q = 1 - O(1e-9)), and without the
      // log1p and expm1 per term that forming it as -expm1(Σ log1p) cost.
      bracket += (q * R) / ck;
      q *= f;
    }
    const term = coef * bracket;
    sum += term;
    const ratio = ((a + (k - 1)) / (k + 1)) * z;
    // Bound the rest geometrically. The next bracket is 1 - q f_next, at most 1 + (1 + |bracket|)|f_next|;
    // it jumps when c + k is near 0 (c just above -1, a and b tiny), so a small coefficient alone
    // does not end the sum.
    const fNext = 1 - R / (a + b + (m + k - 1));
    const rho = ratio * Math.max(1, Math.abs(fNext));
    const nextBracket = 1 + (1 + Math.abs(bracket)) * Math.abs(fNext);
    if (rho < 1 && coef * ratio * nextBracket < 1e-16 * (1 - rho) * Math.abs(sum)) {
      return c * Math.exp((a - 1) * log1mz) * sum;
    }
    coef *= ratio;
  }
  return closedAliveExpectation(R, a, B, c, z);
}

/**
 * Squared coefficient of variation of the dropout probability below which its Beta posterior counts as a point
 * mass with a second-order correction: the neglected terms are of order CV⁴, 1e-14 relative.
 */
const CONCENTRATED_CV2 = 1e-7;

/**
 * The same expectation when p ~ Beta(a, B) is concentrated at p̄ = a/(a+B), as a, B → ∞ with homogeneous dropout: fits
 * reach a = 1e11 there, where the series needs more than a·z terms (20,000 and still unconverged took seconds per
 * thousand customers) and the closed form loses every digit. For a fixed p the expectation is
 * f(p) = (1 - (1 + p u)^(-R)) / p; over the posterior, E f(p) = f(p̄) + f''(p̄) Var(p) / 2 + O(CV⁴).
 * Returns null outside that regime.
 */
function concentratedAliveExpectation(R: number, a: number, B: number, u: number): number | null {
  const n = a + B;
  const cv2 = B / (a * (n + 1));
  if (!(cv2 <= CONCENTRATED_CV2)) return null;
  const p = a / n;
  const variance = (p * (1 - p)) / (n + 1);
  const lw = Math.log1p(p * u);
  const g = -Math.expm1(-R * lw); // 1 - w^-R, w = 1 + p u
  const g1 = R * u * Math.exp(-(R + 1) * lw);
  const g2 = -R * (R + 1) * u * u * Math.exp(-(R + 2) * lw);
  const f2 = g2 / p - (2 * g1) / (p * p) + (2 * g) / (p * p * p);
  return g / p + 0.5 * f2 * variance;
}

function closedAliveExpectation(R: number, a: number, B: number, c: number, z: number): number {
  return (c / (a - 1)) * -Math.expm1(R * Math.log1p(-z) + logHyp2f1(R, B, c, z));
}

/** ln(1 + e^v) without overflow. */
export function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}
