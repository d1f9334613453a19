/**
 * Pareto/NBD individual likelihood (Schmittlein, Morrison & Colombo 1987) in the form of
 * Fader, Hardie & Lee (2005), "A note on deriving the Pareto/NBD model and related expressions",
 * computed in log space so large T or frequency cannot overflow.
 *
 * With A(y) = -(r+x) ln(alpha+y) - s ln(beta+y) and k = s/(r+s+x) the likelihood is
 *   L = Γ(r+x) α^r β^s / Γ(r) · [ e^A(T) + k (e^A(tx) R(tx) - e^A(T) R(T)) ]
 * where e^A(y) R(y) is the note's 2F1(...)/(max(α,β)+y)^(r+s+x) term after Euler's transformation:
 *   alpha >= beta: R(y) = 2F1(1, r+x; r+s+x+1; z),           z = (alpha-beta)/(alpha+y)
 *   alpha <  beta: R(y) = (1-z) 2F1(1, s+1; r+s+x+1; z),     z = (beta-alpha)/(beta+y)
 * Every series term is then positive and the power terms stay as logarithms. Taking the branch
 * by the sign of alpha - beta keeps 0 <= z < 1 for every y >= 0.
 */
import { ModelError } from '../errors.js';
import { lbeta, lgamma } from '../math/gamma.js';
import { logHyp2f1, logHyp2f1Unit } from '../math/hyp2f1.js';
import { checkModelJSON, modelJSON, type Estimator, type FittedModel, type ModelJSON } from '../models/estimator.js';
import { checkHistories, checkRepeatData, risingLogs, type RepeatData } from './bgnbd.js';
import { collapseRows, fitMle, perRowSet, type Convergence, type MleSpec, type WeightedRows } from './fit.js';

/** Parameter order in every Float64Array of Pareto/NBD parameters. */
const R = 0;
const ALPHA = 1;
const S = 2;
const BETA = 3;

/**
 * [d/db, d/dc, d/dz, d/db at fixed c - b] of ln 2F1. Each of r and s moves one of b and c - b with
 * the other fixed, so the likelihood reads d/dc and the fourth entry, never d/db + d/dc (see
 * logHyp2f1Unit for why that sum is not good enough).
 */
const hypGrad = new Float64Array(4);

/** Scratch for one evaluation of ln R(y) and its gradient with respect to (r, alpha, s, beta). */
interface LogR {
  value: number;
  d: Float64Array;
}

function logRatio(r: number, alpha: number, s: number, beta: number, x: number, y: number, out: LogR, withGrad: boolean): void {
  const c = r + s + x + 1;
  const d = out.d;
  if (alpha >= beta) {
    const z = (alpha - beta) / (alpha + y);
    out.value = logHyp2f1Unit(r + x, c, z, withGrad ? hypGrad : undefined, (beta + y) / (alpha + y), s + 1);
    if (!withGrad) return;
    const gc = hypGrad[1];
    const gz = hypGrad[2];
    const ay = alpha + y;
    d[R] = hypGrad[3];
    d[S] = gc;
    d[ALPHA] = (gz * (beta + y)) / (ay * ay);
    d[BETA] = -gz / ay;
  } else {
    const z = (beta - alpha) / (beta + y);
    // 1 - z = (α+y)/(β+y) formed directly: as β → ∞ it is tiny and 1 - z would keep only its
    // first few digits.
    const w = (alpha + y) / (beta + y);
    out.value = Math.log(w) + logHyp2f1Unit(s + 1, c, z, withGrad ? hypGrad : undefined, w, r + x);
    if (!withGrad) return;
    const gc = hypGrad[1];
    const gz = hypGrad[2];
    const by = beta + y;
    // d ln(1-z)/dz = -1/(1-z); 1 - z = (alpha+y)/(beta+y).
    const gzAll = gz - by / (alpha + y);
    d[R] = gc;
    d[S] = hypGrad[3];
    d[BETA] = (gzAll * (alpha + y)) / (by * by);
    d[ALPHA] = -gzAll / by;
  }
}

const rTxScratch: LogR = { value: 0, d: new Float64Array(4) };
const rTScratch: LogR = { value: 0, d: new Float64Array(4) };

/** Result of one row: ln L and ln P(alive), with the gradient of ln L in `grad` when asked. */
export interface RowResult {
  logLik: number;
  logPAlive: number;
}

const row: RowResult = { logLik: 0, logPAlive: 0 };

/**
 * ln L for one customer and ln P(alive | x, tx, T). When `grad` is given, adds
 * weight · d ln L / d(r, alpha, s, beta) into it. The returned object is reused between calls.
 */
export function pnbdRow(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  tx: number,
  T: number,
  grad?: Float64Array,
  weight = 1,
): RowResult {
  const rl = risingLogs(r, x, grad !== undefined);
  return rowTerms(r, alpha, s, beta, x, tx, T, rl.log[x], grad ? rl.inv[x] : 0, grad, weight);
}

/** pnbdRow with lnΓ(r+x) - lnΓ(r) and ψ(r+x) - ψ(r) supplied, so sums can compute them once per x. */
function rowTerms(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  tx: number,
  T: number,
  lgx: number,
  dgx: number,
  grad: Float64Array | undefined,
  weight: number,
  known?: { tx: LogR; T: LogR },
): RowResult {
  const withGrad = grad !== undefined;
  const lnAtx = Math.log(alpha + tx);
  // ΔA = A(T) - A(tx) <= 0, with each log ratio as one log1p: (r + x) may be in the hundreds of thousands.
  const gapA = Math.log1p((T - tx) / (alpha + tx));
  const gapB = Math.log1p((T - tx) / (beta + tx));
  const dA = -(r + x) * gapA - s * gapB;
  const eDA = Math.exp(dA);
  const k = s / (r + s + x);
  // tx = T makes the two 2F1 terms identical: skip the second and the cancellation with it.
  const same = tx === T;
  const rTx = known ? known.tx : rTxScratch;
  const rT = known ? known.T : rTScratch;
  if (!known) {
    logRatio(r, alpha, s, beta, x, tx, rTx, withGrad);
    if (!same) logRatio(r, alpha, s, beta, x, T, rT, withGrad);
  }
  const kRT = same ? k * Math.exp(rTx.value) : k * Math.exp(rT.value);
  const u = eDA * (1 - kRT); // survives to T
  const v = eDA * kRT;
  const w = k * Math.exp(rTx.value); // dies between tx and T, relative to e^A(tx)
  const q = same ? 1 : u + w;
  const lnQ = Math.log(q);
  // r ln α - (r+x) ln(α+tx) and s ln β - s ln(β+tx) as log1p: two large logarithms cancel in
  // the Poisson limit (r, α → ∞) and as dropout vanishes (β → ∞).
  row.logLik = lgx - r * Math.log1p(tx / alpha) - x * lnAtx - s * Math.log1p(tx / beta) + lnQ;
  row.logPAlive = Math.min(0, dA - lnQ);
  if (grad === undefined) return row;

  const lnkR = -1 / (r + s + x);
  const lnkS = (r + x) / (s * (r + s + x));
  // d ln L = d(prefactor) + dA(tx) + dQ/Q, dQ = u dΔA - v (dln k + dln R(T)) + w (dln k + dln R(tx)).
  // Differences such as ln β - ln(β+tx) or s/β - s/(β+tx) are formed as one quotient or log1p:
  // on the log scale they are multiplied by β or s, which run to 1e8 and beyond when dropout is
  // homogeneous (s, β → ∞), and the rounding of two nearly equal terms would swamp the gradient.
  const dTx = rTx.d;
  const dT = same ? rTx.d : rT.d;
  const atx = alpha + tx;
  const btx = beta + tx;
  const gr =
    dgx - Math.log1p(tx / alpha) +
    (same ? 0 : (u * -gapA - v * (lnkR + dT[R]) + w * (lnkR + dTx[R])) / q);
  const ga =
    (r * tx) / (alpha * atx) - x / atx +
    (same ? 0 : (u * (r + x) * ((T - tx) / ((alpha + T) * atx)) - v * dT[ALPHA] + w * dTx[ALPHA]) / q);
  const gs =
    -Math.log1p(tx / beta) +
    (same ? 0 : (u * -gapB - v * (lnkS + dT[S]) + w * (lnkS + dTx[S])) / q);
  const gb =
    (s * tx) / (beta * btx) +
    (same ? 0 : (u * s * ((T - tx) / ((beta + T) * btx)) - v * dT[BETA] + w * dTx[BETA]) / q);
  grad[R] += weight * gr;
  grad[ALPHA] += weight * ga;
  grad[S] += weight * gs;
  grad[BETA] += weight * gb;
  return row;
}

/**
 * Σ weight_i ln L_i over weighted rows with columns (x, tx, T); the gradient with respect to
 * (r, alpha, s, beta) is written to `grad` when given. This is the `logLik` of the fit harness.
 */
export function pnbdLogLik(params: ArrayLike<number>, rows: WeightedRows, grad: Float64Array | null): number {
  const r = params[R];
  const alpha = params[ALPHA];
  const s = params[S];
  const beta = params[BETA];
  const [X, TX, TT] = rows.columns;
  const w = rows.weight;
  const plan = ratioPlan(rows);
  const withGrad = grad !== null;
  // ln R(y) depends on the row only through (x, y): computed once per distinct pair (in order, so each
  // value is the one a row-by-row evaluation gives), then read by every row that has it. The buffers are the
  // row set's, reused by every evaluation of a fit.
  const P = plan.x.length;
  const value = plan.value;
  const d = withGrad ? plan.d : null;
  const scratch = plan.scratch;
  for (let p = 0; p < P; p++) {
    logRatio(r, alpha, s, beta, plan.x[p], plan.y[p], scratch, withGrad);
    value[p] = scratch.value;
    if (d) for (let j = 0; j < 4; j++) d[4 * p + j] = scratch.d[j];
  }
  let maxX = 0;
  for (let i = 0; i < rows.length; i++) if (X[i] > maxX) maxX = X[i];
  const rl = risingLogs(r, maxX, withGrad);
  const known = plan.known;
  const dTx = known.tx.d;
  const dT = known.T.d;
  const g = withGrad ? rowGrad : undefined;
  if (grad) grad.fill(0, 0, 4);
  let ll = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = X[i];
    const a = plan.tx[i];
    const b = plan.T[i];
    known.tx.value = value[a];
    known.T.value = value[b];
    if (d) {
      // Element by element: a subarray per row and evaluation was 67 MB of garbage over Online Retail's fits.
      for (let j = 0; j < 4; j++) {
        dTx[j] = d[4 * a + j];
        dT[j] = d[4 * b + j];
      }
    }
    if (g) g.fill(0);
    ll += w[i] * rowTerms(r, alpha, s, beta, x, TX[i], TT[i], rl.log[x], withGrad ? rl.inv[x] : 0, g, w[i], known).logLik;
    if (grad) for (let j = 0; j < 4; j++) grad[j] += rowGrad[j];
  }
  return ll;
}

/**
 * The distinct (x, y) pairs of a row set (y being tx or T) as columns x and y, and for each row the
 * index of its (x, tx) pair and of its (x, T) pair.
 */
const ratioPlan = perRowSet((rows) => {
  const [X, TX, TT] = rows.columns;
  const index = new Map<number, Map<number, number>>();
  const xs: number[] = [];
  const ys: number[] = [];
  const pair = (x: number, y: number): number => {
    let byY = index.get(x);
    if (!byY) index.set(x, (byY = new Map()));
    let p = byY.get(y);
    if (p === undefined) {
      byY.set(y, (p = xs.length));
      xs.push(x);
      ys.push(y);
    }
    return p;
  };
  const tx = new Int32Array(rows.length);
  const T = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    tx[i] = pair(X[i], TX[i]);
    T[i] = pair(X[i], TT[i]);
  }
  const P = xs.length;
  const known: { tx: LogR; T: LogR } = { tx: { value: 0, d: new Float64Array(4) }, T: { value: 0, d: new Float64Array(4) } };
  // Per-pair values and gradients, and the scratch of one pair and of one row's two pairs, for every evaluation.
  return { x: Float64Array.from(xs), y: Float64Array.from(ys), tx, T, value: new Float64Array(P), d: new Float64Array(4 * P), scratch: { value: 0, d: new Float64Array(4) } as LogR, known };
});

/** Gradient of a weighted sum: d/d(r, s) in `rs`, and weight_i · d ln L_i / d alpha_i (beta_i) per row. */
export interface RowGradients {
  rs: Float64Array;
  alpha: Float64Array;
  beta: Float64Array;
}

const rowGrad = new Float64Array(4);

/**
 * Σ weight_i ln L_i when each row has its own alpha_i and beta_i (covariate models). When `grad`
 * is given, fills it with the derivatives the caller chains to its own parameters.
 */
export function pnbdLogLikPerRow(
  r: number,
  s: number,
  alpha: Float64Array,
  beta: Float64Array,
  rows: WeightedRows,
  grad: RowGradients | null,
): number {
  const [X, TX, TT] = rows.columns;
  const w = rows.weight;
  if (grad) grad.rs.fill(0);
  // Frequencies are integers: Σ ln(r+j) and Σ 1/(r+j) as prefix sums up to the largest.
  let maxX = 0;
  for (let i = 0; i < rows.length; i++) if (X[i] > maxX) maxX = X[i];
  const rl = risingLogs(r, maxX, grad !== null);
  const g = grad ? rowGrad : undefined;
  let ll = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = X[i];
    if (g) g.fill(0);
    ll += w[i] * rowTerms(r, alpha[i], s, beta[i], x, TX[i], TT[i], rl.log[x], grad ? rl.inv[x] : 0, g, w[i]).logLik;
    if (grad) {
      grad.rs[0] += rowGrad[R];
      grad.rs[1] += rowGrad[S];
      grad.alpha[i] = rowGrad[ALPHA];
      grad.beta[i] = rowGrad[BETA];
    }
  }
  return ll;
}

/** P(alive at T | x, tx, T). */
export function pnbdPAlive(params: ArrayLike<number>, x: number, tx: number, T: number): number {
  return Math.exp(pnbdRow(params[R], params[ALPHA], params[S], params[BETA], x, tx, T).logPAlive);
}

/**
 * E[purchases in (T, T + t] | x, tx, T] = P(alive) · (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)]
 * (Fader, Hardie & Lee 2005, eq. 22), with the bracket written so s = 1 needs no special case.
 */
export function pnbdConditionalExpected(params: ArrayLike<number>, t: number, x: number, tx: number, T: number): number {
  return pnbdPAlive(params, x, tx, T) * pnbdAliveExpected(params, t, x, T);
}

/** E[purchases in (T, T + t] | alive at T] = (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)]. */
export function pnbdAliveExpected(params: ArrayLike<number>, t: number, x: number, T: number): number {
  const beta = params[BETA];
  return ((params[R] + x) * (beta + T) * dropoutHorizon(params[S], beta + T, t)) / (params[ALPHA] + T);
}

/** E[X(t)] for a new customer: r β / (α (s-1)) · [1 - (β/(β+t))^(s-1)]. */
export function pnbdUnconditionalExpected(params: ArrayLike<number>, t: number): number {
  const beta = params[BETA];
  return ((params[R] * beta) / params[ALPHA]) * dropoutHorizon(params[S], beta, t);
}

/** [1 - (b/(b+t))^(s-1)] / (s-1), which tends to ln(1 + t/b) as s → 1. */
function dropoutHorizon(s: number, b: number, t: number): number {
  const l = Math.log1p(t / b);
  const e = s - 1;
  return Math.abs(e * l) < 1e-10 ? l * (1 - (e * l) / 2) : -Math.expm1(-e * l) / e;
}

/**
 * P(X(t) = n) for a randomly chosen new customer (Fader, Hardie & Lee 2005, eq. 21):
 * the customer is still alive at t and made n purchases, or died at some τ < t after n purchases.
 */
export function pnbdProbabilityOfPurchases(params: ArrayLike<number>, n: number, t: number): number {
  const r = params[R];
  const alpha = params[ALPHA];
  const s = params[S];
  const beta = params[BETA];
  const logNbd = lgamma(r + n) - lgamma(r) - lgamma(n + 1);
  const aliveTerm = Math.exp(
    logNbd + r * Math.log(alpha / (alpha + t)) + (n > 0 ? n * Math.log(t / (alpha + t)) : 0) + s * Math.log(beta / (beta + t)),
  );
  // The dead part is B1 - Σ_i (...) B2_i, a difference of positive terms; each is formed in
  // log space and scaled by the common prefactor before subtracting.
  const c = r + s + n + 1;
  const hi = Math.max(alpha, beta);
  const bb = alpha >= beta ? s + 1 : r + n;
  const logPre = r * Math.log(alpha) + s * Math.log(beta) + lbeta(r + n, s + 1) - lbeta(r, s);
  const b1 = logPre + logHyp2f1(r + s, bb, c, Math.abs(alpha - beta) / hi) - (r + s) * Math.log(hi);
  let sum = 0;
  let logCoef = 0; // ln [Γ(r+s+i) / (Γ(r+s) i!) t^i]
  for (let i = 0; i <= n; i++) {
    if (i > 0) logCoef += Math.log(((r + s + i - 1) * t) / i);
    const b2 = logHyp2f1(r + s + i, bb, c, Math.abs(alpha - beta) / (hi + t)) - (r + s + i) * Math.log(hi + t);
    sum += Math.exp(logPre + logCoef + b2 - b1);
  }
  const deadTerm = Math.exp(b1) * (1 - sum);
  return aliveTerm + Math.max(0, deadTerm);
}

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export interface ParetoNbdOptions {
  /** L2 penalty on the natural parameters (lifetimes' penalizer_coef). Default 0. */
  penalizer?: number;
}

const NAMES = ['r', 'alpha', 's', 'beta'] as const;

/** Starting points: purchase rate from mean frequency over mean age, lifetime of the order of the mean age. */
export function pnbdStarts(rows: WeightedRows): Float64Array[] {
  const [X, , TT] = rows.columns;
  let sw = 0;
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < rows.length; i++) {
    sw += rows.weight[i];
    sx += rows.weight[i] * X[i];
    sT += rows.weight[i] * TT[i];
  }
  const meanT = Math.max(sT / sw, 1e-3);
  const rate = Math.max(sx / sw, 1e-3) / meanT;
  return [
    new Float64Array([1, 1 / rate, 1, meanT]),
    new Float64Array([0.5, 0.5 / rate, 0.5, meanT / 2]),
    new Float64Array([1, 1, 1, 1]),
    new Float64Array([2, 4 / rate, 2, 4 * meanT]),
  ];
}

/** Pareto/NBD estimator: `new ParetoNbd({ penalizer }).fit(summary)`. */
export class ParetoNbd implements Estimator<RepeatData, ParetoNbdModel> {
  constructor(readonly options: ParetoNbdOptions = {}) {}

  fit(data: RepeatData): ParetoNbdModel {
    checkRepeatData(data, 'Pareto/NBD');
    const rows = collapseRows([data.x, data.tx, data.T]);
    const spec: MleSpec = { names: NAMES, logLik: pnbdLogLik, starts: pnbdStarts };
    const fit = fitMle(spec, rows, { penalizer: this.options.penalizer });
    return new ParetoNbdModel(
      toParams(fit.params),
      fit.logLikelihood,
      toParams(fit.standardErrors),
      fit.convergence,
      data.x.length,
    );
  }
}

function toParams(v: ArrayLike<number>): ParetoNbdParams {
  return { r: v[R], alpha: v[ALPHA], s: v[S], beta: v[BETA] };
}

/** A fitted Pareto/NBD: per-customer P(alive) and expected purchases, population forecasts, JSON. */
export class ParetoNbdModel implements FittedModel {
  readonly kind = 'pnbd';
  private readonly p: Float64Array;

  constructor(
    readonly params: ParetoNbdParams,
    readonly logLikelihood: number,
    readonly standardErrors: ParetoNbdParams,
    readonly convergence: Convergence,
    /** Customers the model was fitted on. */
    readonly n: number,
  ) {
    this.p = new Float64Array([params.r, params.alpha, params.s, params.beta]);
  }

  /** P(customer is still alive at T | x, tx, T). */
  pAlive(x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
    checkHistories('Pareto/NBD', 0, x, tx, T);
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = pnbdPAlive(this.p, x[i], tx[i], T[i]);
    return out;
  }

  /** E[X(T, T + t) | x, tx, T]: expected purchases in the next t periods for each customer. */
  expectedPurchases(t: number | Float64Array, x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
    checkHistories('Pareto/NBD', t, x, tx, T);
    const out = new Float64Array(x.length);
    const alive = this.pAliveOf(x, tx, T);
    for (let i = 0; i < x.length; i++) out[i] = alive[i] * pnbdAliveExpected(this.p, typeof t === 'number' ? t : t[i], x[i], T[i]);
    return out;
  }

  /**
   * P(alive) per customer, kept for the last histories asked about: CLV asks for twelve horizons of the
   * same customers, and P(alive) (two 2F1 series per customer) does not depend on the horizon. The
   * histories are compared by value, so a caller reusing its arrays with new values is never served stale.
   */
  private pAliveOf(x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
    const c = this.aliveCache;
    if (c && sameValues(c.x, x) && sameValues(c.tx, tx) && sameValues(c.T, T)) return c.values;
    const values = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) values[i] = pnbdPAlive(this.p, x[i], tx[i], T[i]);
    this.aliveCache = { x: Float64Array.from(x), tx: Float64Array.from(tx), T: Float64Array.from(T), values };
    return values;
  }

  private aliveCache: { x: Float64Array; tx: Float64Array; T: Float64Array; values: Float64Array } | null = null;

  /** E[X(t)] for a customer just acquired. */
  expectedPurchasesUnconditional(t: number): number {
    return pnbdUnconditionalExpected(this.p, t);
  }

  /** P(X(t) = n) for a customer just acquired. */
  probabilityOfPurchases(n: number, t: number): number {
    return pnbdProbabilityOfPurchases(this.p, n, t);
  }

  /** Per-customer log-likelihood at the fitted parameters (for model comparison on new data). */
  logLikelihoodOf(data: RepeatData): number {
    return pnbdLogLik(this.p, { columns: [data.x, data.tx, data.T], weight: new Float64Array(data.x.length).fill(1), length: data.x.length }, null);
  }

  toJSON(): ModelJSON {
    return modelJSON(this.kind, { ...this.params }, {
      features: ['x', 'tx', 'T'],
      diagnostics: {
        logLikelihood: this.logLikelihood,
        standardErrors: { ...this.standardErrors },
        convergence: { ...this.convergence },
        n: this.n,
      },
    });
  }

  static fromJSON(json: unknown): ParetoNbdModel {
    const j = checkModelJSON(json, 'pnbd');
    const p = j.params as Record<string, unknown>;
    for (const name of NAMES) {
      if (typeof p[name] !== 'number' || !((p[name] as number) > 0)) {
        throw new ModelError('model-params', `Saved pnbd model has no valid parameter ${name}`);
      }
    }
    const d = (j.diagnostics ?? {}) as Record<string, unknown>;
    const se = (d.standardErrors ?? {}) as Record<string, unknown>;
    return new ParetoNbdModel(
      { r: p.r as number, alpha: p.alpha as number, s: p.s as number, beta: p.beta as number },
      num(d.logLikelihood),
      { r: num(se.r), alpha: num(se.alpha), s: num(se.s), beta: num(se.beta) },
      readConvergence(d.convergence),
      num(d.n),
    );
  }
}

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** The convergence report saved in a model's diagnostics; missing fields read as NaN / false. */
export function readConvergence(value: unknown): Convergence {
  const conv = (value ?? {}) as Partial<Convergence>;
  return {
    converged: conv.converged === true,
    iterations: num(conv.iterations),
    gradientNorm: num(conv.gradientNorm),
    message: typeof conv.message === 'string' ? conv.message : '',
    restarts: num(conv.restarts),
  };
}
