/**
 * Fit health: whether a fitted purchase model may be trusted with predictions. A likelihood that
 * "converged" can still be numerical garbage (a positive log-likelihood, a parameter at 1e18) or a
 * legitimate fit at the edge of the parameter space; this record tells them apart and says why.
 */
import type { PurchaseModel } from './predict.js';
import type { NbdFit } from './nbd.js';
import { FLAT_RELATIVE_SE } from './fit.js';

/** Which parameters carry dropout in each model: they run to the NBD limit when there is none. */
export const DROPOUT_PARAMS: Record<string, readonly string[]> = { bgnbd: ['a', 'b'], mbgnbd: ['a', 'b'], pnbd: ['s', 'beta'] };

/**
 * 5% critical value of the likelihood-ratio test for dropout. The null (no dropout) sits on the
 * boundary of the parameter space, so the statistic is a 50:50 mixture of χ²₀ and χ²₁ (Self &
 * Liang 1987), whose 5% point is the χ²₁ 10% point.
 */
export const DROPOUT_LR_CRITICAL = 2.706;

/** Largest per-customer gradient (log-scale parameters) accepted as a stationary point. */
const GRADIENT_TOLERANCE = 1e-4;

export interface FitHealth {
  healthy: boolean;
  /** Sentences saying why the model is not healthy; empty when healthy. */
  problems: string[];
  /** Sanity checks that failed without making the fit unusable. */
  flags: string[];
  converged: boolean;
  gradientNorm: number;
  /** Log-likelihood of the nested no-dropout (NBD) model on the same data. */
  nbdLogLikelihood: number;
  /** 2 (LL - LL_NBD), the likelihood-ratio statistic for any dropout at all. */
  dropoutLr: number;
  dropoutDetected: boolean;
  /** Parameters without a standard error and why (edge of the parameter space, flat likelihood). */
  boundary: { params: string[]; reason: string } | null;
  /** In-sample expected repeat purchases Σ E[X(T_i)] against the actual total. */
  inSample: { expected: number; actual: number; gap: number };
  /** Forecast for the next window against the actual repeat purchases of the last one. */
  forecast: { windowDays: number; forecast: number; actual: number; ratio: number };
}

export interface HealthInputs {
  kind: string;
  name: string;
  model: PurchaseModel;
  nbd: NbdFit;
  /** Actual calibration repeat purchases. */
  actualRepeats: number;
  /** Σ_i E[X(T_i)] under the model. */
  expectedRepeats: number;
  forecast: FitHealth['forecast'];
  /** The L2 penalty the model was fitted with (0 = maximum likelihood). */
  penalizer?: number;
}

export function fitHealth(h: HealthInputs): FitHealth {
  const { model: m, name } = h;
  const problems: string[] = [];
  const flags: string[] = [];
  const ll = m.logLikelihood;
  const params = m.params as Record<string, number>;
  const se = m.standardErrors as Record<string, number>;
  const gradientNorm = m.convergence.gradientNorm;
  // On the log scale the bounds of the parameter space lie at ±∞, where the gradient vanishes, so
  // the KKT conditions at a boundary reduce to the same small-gradient test.
  // The optimiser's own verdict is not enough: a function-tolerance stop while drifting along a
  // flat ridge towards the edge is not a maximum.
  const converged = gradientNorm <= GRADIENT_TOLERANCE;
  if (!Number.isFinite(ll)) problems.push(`${name}: the log-likelihood is not finite`);
  if (!converged) problems.push(`${name}: the optimiser stopped away from a maximum (gradient ${gradientNorm.toPrecision(2)}: ${m.convergence.message})`);
  const nbdLl = h.nbd.logLikelihood;
  const dropoutLr = 2 * (ll - nbdLl);
  // Every dropout model contains the NBD as a limit, so its maximum cannot be lower.
  if (Number.isFinite(ll) && ll < nbdLl - 1e-3 - 1e-7 * Math.abs(nbdLl)) {
    const why = h.penalizer ? `the penalty (${h.penalizer}) costs more fit than dropout explains` : 'so the optimiser missed the maximum';
    problems.push(`${name}: its log-likelihood ${ll.toFixed(2)} is below the no-dropout NBD model's ${nbdLl.toFixed(2)}, ${why}`);
  }
  const dropoutDetected = dropoutLr >= DROPOUT_LR_CRITICAL;

  const relSe = (v: number, p: number) => (v / p <= FLAT_RELATIVE_SE ? v / p : NaN);
  const flat = Object.keys(params).filter((k) => Number.isNaN(relSe(se[k], params[k])));
  const dropoutParams = DROPOUT_PARAMS[h.kind] ?? [];
  const direction = (k: string) => `${k} → ${params[k] < 1 ? '0' : '∞'}`;
  let boundary: FitHealth['boundary'] = null;
  if (!dropoutDetected) {
    // At the NBD limit the full Hessian is singular by construction; the purchase rate is judged
    // by the limit model's own Hessian instead.
    const rateFlat = (['r', 'alpha'] as const).filter((k) => Number.isNaN(relSe(h.nbd.standardErrors[k], h.nbd.params[k])));
    if (rateFlat.length > 0) problems.push(`${name}: the purchase rate (${rateFlat.join(', ')}) is not identified even in the no-dropout model`);
    if (flat.length > 0) {
      boundary = {
        params: [...dropoutParams],
        reason: `no detectable dropout (likelihood ratio ${Math.max(0, dropoutLr).toFixed(2)} against the NBD model, below ${DROPOUT_LR_CRITICAL}): ${dropoutParams.join(' and ')} have no standard errors; r and alpha are given with the NBD limit's`,
      };
    }
  } else if (flat.some((k) => !dropoutParams.includes(k))) {
    boundary = { params: flat, reason: `the likelihood is flat in ${flat.join(', ')}, so the purchase rate is not identified` };
    problems.push(`${name}: no standard errors for ${flat.join(', ')}: the Hessian is singular in the purchase-rate parameters`);
  } else if (flat.length > 0) {
    boundary = { params: flat, reason: `${flat.map(direction).join(', ')}: the fit is at the edge of the parameter space, where the likelihood is flat` };
  }

  const gap = (h.expectedRepeats - h.actualRepeats) / Math.max(h.actualRepeats, 1);
  if (!Number.isFinite(gap) || Math.abs(gap) > 0.25) {
    problems.push(`${name}: it expects ${fmt(h.expectedRepeats)} repeat purchases in the calibration period against ${fmt(h.actualRepeats)} actual`);
  } else if (Math.abs(gap) > 0.02) {
    flags.push(`${name}: in-sample expected repeat purchases differ from the actual ${fmt(h.actualRepeats)} by ${(gap * 100).toFixed(1)}% (a maximum-likelihood fit should match closely)`);
  }
  const { ratio, windowDays } = h.forecast;
  if (!(ratio >= 0.2 && ratio <= 5)) {
    flags.push(`${name}: the forecast for the next ${Math.round(windowDays)} days is ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'undefined'} × the repeat purchases of the last ${Math.round(windowDays)} days, outside 0.2–5`);
  }
  return {
    healthy: problems.length === 0,
    problems,
    flags,
    converged,
    gradientNorm,
    nbdLogLikelihood: nbdLl,
    dropoutLr,
    dropoutDetected,
    boundary,
    inSample: { expected: h.expectedRepeats, actual: h.actualRepeats, gap },
    forecast: h.forecast,
  };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : String(v);
}
