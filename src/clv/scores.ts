/**
 * Per-customer scores from a fitted buy-till-you-die model: the chance of no purchase in a window,
 * churn-risk bands, the median time to the next purchase and P(alive) at a future date.
 *
 * Every score conditions on "alive at T" through the model's own P(alive), then uses the posterior
 * of the latent rates given alive at T: purchase rate λ ~ Gamma(r + x, α + T) in all three models;
 * for Pareto/NBD also dropout rate μ ~ Gamma(s, β + T) (independent of λ given alive), for
 * BG/NBD p ~ Beta(a, b + x) and for MBG/NBD p ~ Beta(a, b + x + 1) (one more survived dropout
 * chance, at the first purchase). T, t and the results are in the model's time unit.
 */
import { logHyp2f1 } from '../math/hyp2f1.js';
import { dert } from './dert.js';
import { horizonLogVariance, logNormalInterval, logParamCovariance, spendLogParamCovariance, spendLogVariance, type Interval } from './intervals.js';
import { MONTH_DAYS } from './predict.js';
import type { ParetoNbdParams } from './pnbd.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import { spendInputs, type ClvModelKind, type ClvView } from './run.js';
import { scoreModelOf, type ScoreModel } from './score-model.js';
import { DAYS_PER_UNIT, isoDay } from './summary.js';

/**
 * Churn-risk cut-offs on P(no purchase in the window): low below 0.5 (a purchase is more likely
 * than not), high from 0.8 (at most a 1-in-5 chance of buying), medium between.
 */
export const CHURN_RISK_CUTOFFS = { medium: 0.5, high: 0.8 } as const;
export type ChurnRisk = 'low' | 'medium' | 'high';

export function churnRisk(pNoPurchase: number): ChurnRisk | null {
  if (!Number.isFinite(pNoPurchase)) return null;
  return pNoPurchase >= CHURN_RISK_CUTOFFS.high ? 'high' : pNoPurchase >= CHURN_RISK_CUTOFFS.medium ? 'medium' : 'low';
}

/**
 * P(a customer alive at T with x repeat purchases buys at least once in (T, T + t]).
 * BG-type models drop out only right after a purchase, so an alive customer's first purchase in
 * the window is never pre-empted: 1 - E[e^{-λt}]. Under Pareto/NBD the customer may die first:
 * E[∫_0^t λ e^{-λu} e^{-μu} du], which with y = ((α+T)/(α+T+u))^(r+x) becomes ∫_q^1 E[e^{-μ u(y)}] dy.
 */
export function pBuyIfAlive(model: ScoreModel, t: number, x: number, T: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha } = model.params;
  const ra = r + x;
  const al = alpha + T;
  if (model.kind !== 'pnbd') return -Math.expm1(-ra * Math.log1p(t / al));
  return pnbdBuyIntegral(model.params, ra, al, T, Math.exp(-ra * Math.log1p(t / al)));
}

/**
 * P(ever buys again | alive at T): 1 for BG-type models; for Pareto/NBD E[λ/(λ+μ)] over the two
 * independent Gamma posteriors, ∫ E[λ e^{-λu}] E[e^{-μu}] du, which is
 * (r+x)/(r+x+s) · 2F1(s, 1; r+x+s+1; 1 - (α+T)/(β+T)), taken by Pfaff's transformation to the
 * argument 1 - (β+T)/(α+T) when α > β so that it stays in [0, 1).
 */
export function pEverBuyIfAlive(model: ScoreModel, x: number, T: number): number {
  if (model.kind !== 'pnbd') return 1;
  const { r, alpha, s, beta } = model.params;
  const ra = r + x;
  const al = alpha + T;
  const be = beta + T;
  const c = ra + s + 1;
  const lead = ra / (ra + s);
  return al <= be ? lead * Math.exp(logHyp2f1(s, 1, c, 1 - al / be)) : lead * (be / al) * Math.exp(logHyp2f1(ra + 1, 1, c, 1 - be / al));
}

function pnbdBuyIntegral(p: ParetoNbdParams, ra: number, al: number, T: number, q: number): number {
  const be = p.beta + T;
  const s = p.s;
  // E[e^{-μu}] at the u where the purchase-survival curve equals y; 0 at y = 0 (u = ∞).
  const g = (y: number) => {
    if (y <= 0) return 0;
    const u = al * Math.expm1(-Math.log(y) / ra);
    return Number.isFinite(u) ? Math.exp(-s * Math.log1p(u / be)) : 0;
  };
  return adaptiveSimpson(g, q, 1, 1e-10);
}

/** P(X(T, T + t) = 0 | history) = 1 - P(alive) + P(alive) · P(no purchase in t | alive), per customer. */
export function probabilityNoPurchase(model: ScoreModel, t: number, pAlive: ArrayLike<number>, x: ArrayLike<number>, T: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = 1 - pAlive[i] * pBuyIfAlive(model, t, x[i], T[i]);
  return out;
}

export interface NextPurchase {
  /** Median time from T to the next purchase; NaN where `reason` says why there is none. */
  median: Float64Array;
  reason: (string | null)[];
}

/**
 * The median of the time to the next purchase: the t with P(no purchase in t) = 0.5. It does not
 * exist when the customer buys again with probability <= 0.5 (the median is "never"), and is not
 * reported beyond `cap` time units, where the model is extrapolating far past the data.
 */
export function nextPurchaseMedian(
  model: ScoreModel,
  pAlive: ArrayLike<number>,
  x: ArrayLike<number>,
  T: ArrayLike<number>,
  cap: number,
  capText = `${cap} time units`,
): NextPurchase {
  const n = x.length;
  const median = new Float64Array(n).fill(NaN);
  const reason: (string | null)[] = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    const pa = pAlive[i];
    const ever = pa * pEverBuyIfAlive(model, x[i], T[i]);
    if (!(ever > 0.5)) {
      reason[i] = `unlikely to buy again: P(buys again) = ${ever.toFixed(3)} <= 0.5`;
      continue;
    }
    // Target P(buy in t | alive) = 0.5 / P(alive).
    const target = 0.5 / pa;
    let t: number;
    if (model.kind !== 'pnbd') {
      // Closed form of 1 - ((α+T)/(α+T+t))^(r+x) = target.
      const al = model.params.alpha + T[i];
      t = al * Math.expm1(-Math.log1p(-target) / (model.params.r + x[i]));
    } else {
      t = pnbdMedianIfAlive(model.params, target, cap, x[i], T[i]);
    }
    if (t > cap) reason[i] = `median time to next purchase is beyond ${capText}`;
    else median[i] = t;
  }
  return { median, reason };
}

/**
 * The t in [0, cap] with P(buy in t | alive) = target under Pareto/NBD, Infinity when even the cap
 * falls short. Each evaluation is an integral, so Newton steps use the closed-form density of the
 * first purchase time, E[λ e^{-(λ+μ)t}] = (r+x)/(α+T) · ((α+T)/(α+T+t))^(r+x+1) · ((β+T)/(β+T+t))^s,
 * inside a shrinking bracket: four or five integrals instead of sixty bisections.
 */
function pnbdMedianIfAlive(p: ParetoNbdParams, target: number, cap: number, x: number, T: number): number {
  const model: ScoreModel = { kind: 'pnbd', params: p };
  if (pBuyIfAlive(model, cap, x, T) < target) return Infinity;
  const ra = p.r + x;
  const al = p.alpha + T;
  const be = p.beta + T;
  const density = (t: number) => (ra / al) * Math.exp(-(ra + 1) * Math.log1p(t / al) - p.s * Math.log1p(t / be));
  // Without dropout the median would be the BG-type closed form, a start just below the answer.
  let t = Math.min(cap, al * Math.expm1(-Math.log1p(-target) / ra));
  let lo = 0;
  let hi = cap;
  for (let k = 0; k < 60; k++) {
    const f = pBuyIfAlive(model, t, x, T) - target;
    if (f < 0) lo = t;
    else hi = t;
    const newton = t - f / density(t);
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-9 * Math.max(t, 1e-3) || hi - lo <= 1e-9 * cap) return next;
    t = next;
  }
  return t;
}

/**
 * P(alive at T + t | history), with nothing observed after T. Pareto/NBD: exponential lifetime,
 * survival E[e^{-μt}] = ((β+T)/(β+T+t))^s. BG-type models: a customer alive at T stays alive to
 * T + t unless they drop out right after one of the purchases in between, so survival is
 * E[(1-p)^N] with N ~ Poisson(λt), i.e. E[e^{-λpt}] = ((α+T)/(α+T+t))^(r+x) · 2F1(b', r+x; a+b'; t/(α+T+t)).
 */
export function pAliveAt(model: ScoreModel, t: number, pAlive: ArrayLike<number>, x: ArrayLike<number>, T: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let logSurv: number;
    if (model.kind === 'pnbd') {
      logSurv = -model.params.s * Math.log1p(t / (model.params.beta + T[i]));
    } else {
      const { r, alpha, a, b } = model.params;
      const ra = r + x[i];
      const al = alpha + T[i];
      const bb = b + x[i] + (model.kind === 'mbgnbd' ? 1 : 0);
      logSurv = t > 0 ? -ra * Math.log1p(t / al) + logHyp2f1(bb, ra, a + bb, t / (al + t)) : 0;
    }
    out[i] = pAlive[i] * Math.min(1, Math.exp(logSurv));
  }
  return out;
}

/** Adaptive Simpson; the integrands here are bounded and monotone, so absolute tolerance suffices. */
export function adaptiveSimpson(f: (x: number) => number, a: number, b: number, tol: number): number {
  const fa = f(a);
  const fb = f(b);
  const m = (a + b) / 2;
  const fm = f(m);
  const whole = ((b - a) / 6) * (fa + 4 * fm + fb);
  return simpsonStep(f, a, b, fa, fm, fb, whole, tol, 40);
}

function simpsonStep(f: (x: number) => number, a: number, b: number, fa: number, fm: number, fb: number, whole: number, tol: number, depth: number): number {
  const m = (a + b) / 2;
  const lm = (a + m) / 2;
  const rm = (m + b) / 2;
  const flm = f(lm);
  const frm = f(rm);
  const left = ((m - a) / 6) * (fa + 4 * flm + fm);
  const right = ((b - m) / 6) * (fm + 4 * frm + fb);
  const diff = left + right - whole;
  if (depth <= 0 || Math.abs(diff) <= 15 * tol) return left + right + diff / 15;
  return simpsonStep(f, a, m, fa, flm, fm, left, tol / 2, depth - 1) + simpsonStep(f, m, b, fm, frm, fb, right, tol / 2, depth - 1);
}

export interface CustomerScoreOptions {
  /** Window of P(no purchase) and of P(alive) later, in days. Default 90. */
  days?: number;
  /** Longest reported median time to the next purchase, in days. Default 5 years. */
  capDays?: number;
  /**
   * Covariance of the chosen model's log parameters, from the data it was fitted on. Default: computed from the
   * view's own histories, which are the fitting data for a fresh run; a saved model scoring new customers brings its own.
   */
  covariance?: Float64Array | null;
  /** Covariance of Gamma-Gamma's log parameters on the data it was fitted on; defaults as `covariance` does. */
  spendCovariance?: Float64Array | null;
}

export interface CustomerScores {
  days: number;
  /** The model the scores come from, or null with `withheld` saying why. */
  model: ClvModelKind | null;
  withheld: string | null;
  /** Rows follow summary.customerIndex; empty when withheld. */
  pNoPurchase: Float64Array;
  churnRisk: (ChurnRisk | null)[];
  /** Calendar day of the median next purchase, YYYY-MM-DD, or null (see nextOrderReason). */
  nextOrderDate: (string | null)[];
  nextOrderReason: (string | null)[];
  /** P(alive) `days` after the calibration end, from the model chosen for P(alive); null when that is withheld. */
  pAliveLater: Float64Array | null;
  pAliveLaterWithheld: string | null;
  /** 90% delta-method interval of expected purchases over the CLV horizon; null with the reason. */
  purchasesInterval: Interval | null;
  purchasesIntervalWithheld: string | null;
  /** 90% delta-method interval of CLV over the horizon, from both fits' uncertainty; null with the reason. */
  clvInterval: Interval | null;
  clvIntervalWithheld: string | null;
  /** Discounted expected residual transactions at the CLV discount rate; null with the reason. */
  dert: Float64Array | null;
  dertWithheld: string | null;
  cutoffs: typeof CHURN_RISK_CUTOFFS;
}

/**
 * The scores of the healthy model chosen for prediction, counted from the calibration end (the
 * observation end without a holdout), which is where the models' T ends.
 */
export function customerScores(result: ClvView, options: CustomerScoreOptions = {}): CustomerScores {
  const days = options.days ?? 90;
  const capDays = options.capDays ?? 5 * 365.25;
  const unitDays = DAYS_PER_UNIT[result.timeUnit];
  const empty = (withheld: string): CustomerScores => ({
    days, model: null, withheld, pNoPurchase: new Float64Array(0), churnRisk: [], nextOrderDate: [], nextOrderReason: [],
    pAliveLater: null, pAliveLaterWithheld: withheld, purchasesInterval: null, purchasesIntervalWithheld: withheld, clvInterval: null, clvIntervalWithheld: withheld, dert: null, dertWithheld: withheld, cutoffs: CHURN_RISK_CUTOFFS,
  });
  const best = result.best;
  const pred = best ? result.predictions[best] : undefined;
  if (!best || !pred) return empty(result.fitSkipped ?? `no healthy purchase model: ${result.selection.reason}`);
  const score = scoreModelOf(result, best);
  const { x, tx, T, calibrationEnd } = result.summary;
  const t = days / unitDays;
  const pNoPurchase = probabilityNoPurchase(score, t, pred.pAlive, x, T);
  const next = nextPurchaseMedian(score, pred.pAlive, x, T, capDays / unitDays, `${Math.round(capDays)} days`);
  // A next purchase falls on a day after the calibration end, whose purchases are already counted.
  const nextOrderDate = Array.from(next.median, (m) => (Number.isFinite(m) ? isoDay(calibrationEnd + Math.max(1, Math.ceil(m * unitDays))) : null));
  const aliveKind = result.pAlive.model;
  const alivePred = aliveKind ? result.predictions[aliveKind] : undefined;
  const pAliveLater = aliveKind && alivePred ? pAliveAt(scoreModelOf(result, aliveKind), t, alivePred.pAlive, x, T) : null;
  const intervals = scoreIntervals(result, score, pred, options);
  // The CLV's monthly discount as a continuous rate per time unit; without discounting the residual sum can be infinite.
  const delta = (Math.log1p(result.horizon.monthlyDiscountRate) * unitDays) / MONTH_DAYS;
  const dertValues = delta > 0 ? dert(score, delta, pred.pAlive, x, T) : null;
  return {
    days,
    model: best,
    dert: dertValues,
    dertWithheld: dertValues ? null : 'no discounting (discount rate 0): the residual expected transactions may be unbounded',
    ...intervals,
    withheld: null,
    pNoPurchase,
    churnRisk: Array.from(pNoPurchase, churnRisk),
    nextOrderDate,
    nextOrderReason: next.reason,
    pAliveLater,
    pAliveLaterWithheld: pAliveLater ? null : (result.pAlive.note ?? 'P(alive) is withheld'),
    cutoffs: CHURN_RISK_CUTOFFS,
  };
}

type ScoreIntervals = Pick<CustomerScores, 'purchasesInterval' | 'purchasesIntervalWithheld' | 'clvInterval' | 'clvIntervalWithheld'>;

/**
 * 90% intervals of expected purchases and CLV over the horizon, centred on the point predictions.
 * Each needs its fits' curvature: none at a parameter boundary (no dropout found, the likelihood
 * flat towards the NBD limit) or where the fit's standard errors are missing (a singular Hessian).
 */
function scoreIntervals(result: ClvView, score: ScoreModel, pred: NonNullable<ClvView['predictions'][ClvModelKind]>, options: CustomerScoreOptions): ScoreIntervals {
  const fitted = result.models.find((m) => m.kind === score.kind)!;
  const { summary, horizon } = result;
  const seMissing = Object.values(fitted.standardErrors).some((v) => !Number.isFinite(v));
  const cov = fitted.health.boundary || seMissing ? null : options.covariance !== undefined ? options.covariance : purchaseCovariance(result, score);
  if (!cov) {
    const why = fitted.health.boundary
      ? `the ${fitted.name} fit is at a parameter boundary (${fitted.health.boundary.reason}), where the Hessian gives no interval`
      : `the Hessian of the ${fitted.name} log-likelihood is singular at the fit`;
    return { purchasesInterval: null, purchasesIntervalWithheld: why, clvInterval: null, clvIntervalWithheld: result.clvWithheld ?? why };
  }
  const monthUnits = MONTH_DAYS / DAYS_PER_UNIT[result.timeUnit];
  const v = horizonLogVariance(score, cov, { months: horizon.months, monthUnits, monthlyDiscountRate: horizon.monthlyDiscountRate }, summary.x, summary.tx, summary.T);
  const purchasesInterval = logNormalInterval(pred.expectedPurchases, v.purchases);
  const spend = result.spend;
  if (result.clvWithheld || !spend) {
    return { purchasesInterval, purchasesIntervalWithheld: null, clvInterval: null, clvIntervalWithheld: result.clvWithheld ?? 'spend is not modelled' };
  }
  const gg = { p: spend.params.p, q: spend.params.q, gamma: spend.params.gamma };
  const xSpend = spendInputs(summary).x;
  const spendSeMissing = Object.values(spend.standardErrors).some((s) => !Number.isFinite(s));
  const spendCov = spendSeMissing ? null : options.spendCovariance !== undefined ? options.spendCovariance : spendCovariance(result, gg);
  if (!spendCov) {
    const why = spendSeMissing || options.spendCovariance === undefined
      ? 'the Hessian of the Gamma-Gamma log-likelihood is singular at the fit, so spend has no standard errors'
      : 'the saved model carries no covariance of the Gamma-Gamma fit (singular at the fit, or saved before it was kept: re-run analyze)';
    return { purchasesInterval, purchasesIntervalWithheld: null, clvInterval: null, clvIntervalWithheld: why };
  }
  const spendVar = spendLogVariance(gg, spendCov, xSpend, summary.monetary);
  const clvInterval = logNormalInterval(pred.clv, Float64Array.from(v.discounted, (d, i) => d + spendVar[i]));
  return { purchasesInterval, purchasesIntervalWithheld: null, clvInterval, clvIntervalWithheld: null };
}

/** Log-parameter covariance of a purchase model on the customers it was fitted on (the sample, on a sampled run). */
function purchaseCovariance(result: ClvView, score: ScoreModel): Float64Array | null {
  return logParamCovariance(score, result.fitSummary ?? result.summary);
}

/** Gamma-Gamma's log-parameter covariance on the customers it was fitted on. */
function spendCovariance(result: ClvView, gg: GammaGammaParams): Float64Array | null {
  const fitted = result.fitSummary ?? result.summary;
  return spendLogParamCovariance(gg, spendInputs(fitted).x, fitted.monetary);
}

/**
 * The covariances the intervals of the chosen model and of Gamma-Gamma need, computed once: null where there is
 * none to use (no chosen model, a boundary fit, missing standard errors, no spend). A fresh run passes them to
 * customerScores and saves them in the CLV scorer, so the Hessians are not evaluated twice.
 */
export function fitCovariances(result: ClvView): { covariance: Float64Array | null; spendCovariance: Float64Array | null } {
  const best = result.best ? result.models.find((m) => m.kind === result.best) : undefined;
  const seMissing = !best || Object.values(best.standardErrors).some((v) => !Number.isFinite(v));
  const covariance = best && !best.health.boundary && !seMissing ? purchaseCovariance(result, scoreModelOf(result, best.kind)) : null;
  const spend = result.spend && !result.clvWithheld ? result.spend : null;
  const spendSeMissing = !spend || Object.values(spend.standardErrors).some((v) => !Number.isFinite(v));
  const spendCov = spend && !spendSeMissing ? spendCovariance(result, { p: spend.params.p, q: spend.params.q, gamma: spend.params.gamma }) : null;
  return { covariance, spendCovariance: spendCov };
}
