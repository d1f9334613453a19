/**
 * 90% intervals of per-customer predictions from the fits' own uncertainty (parameter uncertainty
 * only, not the customer's future randomness), by the delta method on the log scale:
 * ln f(θ̂) ± z · sqrt(∇ln f' Σ ∇ln f), with Σ the inverse Hessian of the log-likelihood in the log
 * parameters, where the sampling distribution is closest to normal and the bounds stay positive.
 *
 * CLV is (discounted expected purchases) × (expected spend per purchase) from two separate fits.
 * Gamma-Gamma assumes spend independent of the purchase process and is fitted on other data
 * (the amounts), so the joint covariance is block diagonal and the log-variances add.
 */
import { hessianFromGradient, invertSymmetric } from '../optim/hessian.js';
import { normalQuantile } from '../stats/distributions.js';
import { betaGeometricLogLik } from './bgnbd.js';
import { collapseRows, groupRows } from './fit.js';
import { gammaGammaLogLik, type GammaGammaParams } from './gamma-gamma.js';
import { pnbdLogLik } from './pnbd.js';
import { aliveExpected, pAliveOf, paramVector, withVector, type ScoreModel } from './score-model.js';

export interface Interval {
  low: Float64Array;
  high: Float64Array;
}

/**
 * Inverse of the Hessian of the negative log-likelihood at θ = ln(params), from its analytic
 * gradient, as the fits' standard errors are; null when it is singular. An L2 penalizer, if the
 * fit had one, is left out: the interval describes the sampling uncertainty of the estimate.
 */
function logScaleCovariance(params: number[], logLik: (p: Float64Array, grad: Float64Array) => void): Float64Array | null {
  const k = params.length;
  const theta = Float64Array.from(params, Math.log);
  const p = new Float64Array(k);
  const gp = new Float64Array(k);
  const grad = (t: Float64Array, out: Float64Array) => {
    for (let j = 0; j < k; j++) p[j] = Math.exp(t[j]);
    gp.fill(0);
    logLik(p, gp);
    for (let j = 0; j < k; j++) out[j] = -gp[j] * p[j];
  };
  return invertSymmetric(hessianFromGradient(grad, theta), k);
}

/** Covariance of the purchase model's log parameters (order of paramVector) on the data it was fitted to. */
export function logParamCovariance(model: ScoreModel, data: { x: Float64Array; tx: Float64Array; T: Float64Array }): Float64Array | null {
  const rows = collapseRows([data.x, data.tx, data.T]);
  return logScaleCovariance(paramVector(model), (p, g) => {
    if (model.kind === 'pnbd') pnbdLogLik(p, rows, g);
    else betaGeometricLogLik(model.kind === 'mbgnbd' ? 1 : 0, p, rows, g);
  });
}

/** Covariance of Gamma-Gamma's log parameters (p, q, γ) on the repeat buyers (x > 0) it was fitted to. */
export function spendLogParamCovariance(params: GammaGammaParams, x: Float64Array, monetary: Float64Array): Float64Array | null {
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] > 0) keep.push(i);
  const rows = collapseRows([Float64Array.from(keep, (i) => x[i]), Float64Array.from(keep, (i) => monetary[i])]);
  return logScaleCovariance([params.p, params.q, params.gamma], (p, g) => void gammaGammaLogLik(p, rows, g));
}

/** The CLV horizon: `months` months of `monthUnits` model time units, each month's purchases discounted at its end. */
export interface Horizon {
  months: number;
  monthUnits: number;
  monthlyDiscountRate: number;
}

/** Delta-method variances, per customer, of ln E[purchases over the horizon] and ln E[discounted purchases]. */
export interface HorizonLogVariance {
  purchases: Float64Array;
  discounted: Float64Array;
}

/**
 * Forward differences in the log parameters: the gradient is wanted to a few digits (it sets an
 * interval's width), and four shifted models instead of eight halve the cost on whole files.
 */
const STEP = 1e-5;

/**
 * Both predictions are P(alive at T) (by x, tx, T) times what an alive customer does (by x, T
 * alone), so each part is evaluated once per distinct history it depends on, at the fitted
 * parameters and at one shift of each.
 */
export function horizonLogVariance(
  model: ScoreModel,
  cov: Float64Array,
  horizon: Horizon,
  x: Float64Array,
  tx: Float64Array,
  T: Float64Array,
): HorizonLogVariance {
  const n = x.length;
  const theta = paramVector(model).map(Math.log);
  const k = theta.length;
  const models = [model, ...theta.map((_, j) => withVector(model, theta.map((v, i) => Math.exp(i === j ? v + STEP : v))))];
  const byXT = groupRows([x, T]);
  const byHistory = groupRows([x, tx, T]);
  const pick = (col: Float64Array, rows: Int32Array) => Float64Array.from(rows, (r) => col[r]);
  const hx = pick(x, byHistory.firstRow);
  const htx = pick(tx, byHistory.firstRow);
  const hT = pick(T, byHistory.firstRow);
  const { months, monthUnits, monthlyDiscountRate } = horizon;
  // ln P(alive), ln E[X | alive] over the horizon and ln of its discounted sum, per model and group.
  const lnAlive = models.map((m) => pAliveOf(m, hx, htx, hT).map(Math.log));
  const lnAll = models.map(() => new Float64Array(byXT.count));
  const lnDiscounted = models.map(() => new Float64Array(byXT.count));
  for (let s = 0; s < models.length; s++) {
    for (let g = 0; g < byXT.count; g++) {
      const xi = x[byXT.firstRow[g]];
      const Ti = T[byXT.firstRow[g]];
      let prev = 0;
      let discounted = 0;
      for (let month = 1; month <= months; month++) {
        const cum = aliveExpected(models[s], month * monthUnits, xi, Ti);
        discounted += (cum - prev) / Math.pow(1 + monthlyDiscountRate, month);
        prev = cum;
      }
      lnAll[s][g] = Math.log(prev);
      lnDiscounted[s][g] = Math.log(discounted);
    }
  }
  const purchases = new Float64Array(n);
  const discounted = new Float64Array(n);
  const gE = new Float64Array(k);
  const gD = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const h = byHistory.groupOf[i];
    const g = byXT.groupOf[i];
    for (let j = 0; j < k; j++) {
      const dAlive = lnAlive[j + 1][h] - lnAlive[0][h];
      gE[j] = (dAlive + lnAll[j + 1][g] - lnAll[0][g]) / STEP;
      gD[j] = (dAlive + lnDiscounted[j + 1][g] - lnDiscounted[0][g]) / STEP;
    }
    purchases[i] = quadraticForm(gE, cov);
    discounted[i] = quadraticForm(gD, cov);
  }
  return { purchases, discounted };
}

/** g' Σ g, NaN unless finite and non-negative. */
function quadraticForm(g: Float64Array, cov: Float64Array): number {
  const k = g.length;
  let v = 0;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) v += g[a] * cov[a * k + b] * g[b];
  return v >= 0 && Number.isFinite(v) ? v : NaN;
}

/**
 * Variance of ln E[spend per purchase | x, m] per customer under Gamma-Gamma, from its analytic
 * gradient in (ln p, ln q, ln γ). E = (1-w) P + w m with population mean P = pγ/(q-1) and weight
 * w = px/(px+q-1) on the customer's own mean m; x = 0 gets P alone.
 */
export function spendLogVariance(params: GammaGammaParams, cov: Float64Array, x: ArrayLike<number>, monetary: ArrayLike<number>): Float64Array {
  const { p, q, gamma } = params;
  const P = (p * gamma) / (q - 1);
  const out = new Float64Array(x.length);
  const g = new Float64Array(3);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] > 0 ? x[i] : 0;
    const m = xi > 0 ? monetary[i] : P;
    const w = (p * xi) / (p * xi + q - 1);
    const S = (1 - w) * P + w * m;
    // dP/dln p = dP/dln γ = P, dP/dln q = -Pq/(q-1); dw/dln p = w(1-w), dw/dln q = -wq/(px+q-1).
    g[0] = (P * (1 - w) + w * (1 - w) * (m - P)) / S;
    g[1] = ((-P * q) / (q - 1) * (1 - w) - ((w * q) / (p * xi + q - 1)) * (m - P)) / S;
    g[2] = (P * (1 - w)) / S;
    out[i] = quadraticForm(g, cov);
  }
  return out;
}

/** point · exp(±z sd) with sd² the variance of ln point; NaN where either is missing. */
export function logNormalInterval(point: ArrayLike<number>, logVariance: ArrayLike<number>, level = 0.9): Interval {
  const z = normalQuantile(0.5 + level / 2);
  const n = point.length;
  const low = new Float64Array(n).fill(NaN);
  const high = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const v = logVariance[i];
    const e = point[i];
    if (!(e > 0 && Number.isFinite(e) && v >= 0)) continue;
    const half = z * Math.sqrt(v);
    low[i] = e * Math.exp(-half);
    high[i] = e * Math.exp(half);
  }
  return { low, high };
}

/** A 90% (by default) interval for E[X(T, T + t) | x, tx, T] from the covariance of the log parameters. */
export function expectedPurchasesInterval(
  model: ScoreModel,
  cov: Float64Array,
  t: number,
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  level = 0.9,
): Interval {
  const [fx, ftx, fT] = [x, tx, T].map((c) => Float64Array.from(c));
  const v = horizonLogVariance(model, cov, { months: 1, monthUnits: t, monthlyDiscountRate: 0 }, fx, ftx, fT);
  const pAlive = pAliveOf(model, fx, ftx, fT);
  return logNormalInterval(Float64Array.from(fx, (xi, i) => pAlive[i] * aliveExpected(model, t, xi, fT[i])), v.purchases, level);
}
