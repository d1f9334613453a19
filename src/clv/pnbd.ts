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
import { digamma, lgamma } from '../math/gamma.js';
import { logHyp2f1Unit } from '../math/hyp2f1.js';

/** Parameter order in every Float64Array of Pareto/NBD parameters. */
export const R = 0;
export const ALPHA = 1;
export const S = 2;
export const BETA = 3;

const hypGrad = new Float64Array(3);

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
    out.value = logHyp2f1Unit(r + x, c, z, withGrad ? hypGrad : undefined);
    if (!withGrad) return;
    const [gb, gc, gz] = hypGrad;
    const ay = alpha + y;
    d[R] = gb + gc;
    d[S] = gc;
    d[ALPHA] = (gz * (beta + y)) / (ay * ay);
    d[BETA] = -gz / ay;
  } else {
    const z = (beta - alpha) / (beta + y);
    out.value = Math.log1p(-z) + logHyp2f1Unit(s + 1, c, z, withGrad ? hypGrad : undefined);
    if (!withGrad) return;
    const [gb, gc, gz] = hypGrad;
    const by = beta + y;
    // d ln(1-z)/dz = -1/(1-z); 1 - z = (alpha+y)/(beta+y).
    const gzAll = gz - by / (alpha + y);
    d[R] = gc;
    d[S] = gb + gc;
    d[BETA] = (gzAll * (alpha + y)) / (by * by);
    d[ALPHA] = -gzAll / by;
  }
}

const rTx: LogR = { value: 0, d: new Float64Array(4) };
const rT: LogR = { value: 0, d: new Float64Array(4) };

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
  const withGrad = grad !== undefined;
  const lnAtx = Math.log(alpha + tx);
  const lnBtx = Math.log(beta + tx);
  const lnAT = Math.log(alpha + T);
  const lnBT = Math.log(beta + T);
  // ΔA = A(T) - A(tx) <= 0.
  const dA = -(r + x) * (lnAT - lnAtx) - s * (lnBT - lnBtx);
  const eDA = Math.exp(dA);
  const k = s / (r + s + x);
  logRatio(r, alpha, s, beta, x, tx, rTx, withGrad);
  // tx = T makes the two 2F1 terms identical: skip the second and the cancellation with it.
  const same = tx === T;
  if (!same) logRatio(r, alpha, s, beta, x, T, rT, withGrad);
  const kRT = same ? k * Math.exp(rTx.value) : k * Math.exp(rT.value);
  const u = eDA * (1 - kRT); // survives to T
  const v = eDA * kRT;
  const w = k * Math.exp(rTx.value); // dies between tx and T, relative to e^A(tx)
  const q = same ? 1 : u + w;
  const lnQ = Math.log(q);
  const A = -(r + x) * lnAtx - s * lnBtx;
  row.logLik = lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + s * Math.log(beta) + A + lnQ;
  row.logPAlive = Math.min(0, dA - lnQ);
  if (grad === undefined) return row;

  const lnkR = -1 / (r + s + x);
  const lnkS = 1 / s - 1 / (r + s + x);
  // d ln L = d(prefactor) + dA(tx) + dQ/Q, dQ = u dΔA - v (dln k + dln R(T)) + w (dln k + dln R(tx)).
  const dTx = rTx.d;
  const dT = same ? rTx.d : rT.d;
  const gr =
    digamma(r + x) - digamma(r) + Math.log(alpha) - lnAtx +
    (same ? 0 : (u * -(lnAT - lnAtx) - v * (lnkR + dT[R]) + w * (lnkR + dTx[R])) / q);
  const ga =
    r / alpha - (r + x) / (alpha + tx) +
    (same ? 0 : (u * -(r + x) * (1 / (alpha + T) - 1 / (alpha + tx)) - v * dT[ALPHA] + w * dTx[ALPHA]) / q);
  const gs =
    Math.log(beta) - lnBtx +
    (same ? 0 : (u * -(lnBT - lnBtx) - v * (lnkS + dT[S]) + w * (lnkS + dTx[S])) / q);
  const gb =
    s / beta - s / (beta + tx) +
    (same ? 0 : (u * -s * (1 / (beta + T) - 1 / (beta + tx)) - v * dT[BETA] + w * dTx[BETA]) / q);
  grad[R] += weight * gr;
  grad[ALPHA] += weight * ga;
  grad[S] += weight * gs;
  grad[BETA] += weight * gb;
  return row;
}

/**
 * Σ weight_i ln L_i over (possibly collapsed) rows; the gradient with respect to
 * (r, alpha, s, beta) is written to `grad` when given.
 */
export function pnbdLogLikelihood(
  params: ArrayLike<number>,
  x: Float64Array,
  tx: Float64Array,
  T: Float64Array,
  weights?: Float64Array,
  grad?: Float64Array,
): number {
  const r = params[R];
  const alpha = params[ALPHA];
  const s = params[S];
  const beta = params[BETA];
  if (grad) grad.fill(0);
  let ll = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weights ? weights[i] : 1;
    ll += w * pnbdRow(r, alpha, s, beta, x[i], tx[i], T[i], grad, w).logLik;
  }
  return ll;
}
