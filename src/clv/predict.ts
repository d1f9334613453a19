/**
 * Customer lifetime value from a purchase model and expected spend: the discounted sum, month by
 * month, of expected purchases × expected spend × margin. A month is 365.25 / 12 days, stated
 * once here so no hidden 30-day month creeps in.
 */
import { InputError } from '../errors.js';
import type { FittedModel } from '../models/estimator.js';
import { groupRows, type Convergence } from './fit.js';
import { DAYS_PER_UNIT, type TimeUnit } from './summary.js';

/** Days in a month: the Julian year over twelve. */
export const MONTH_DAYS = 365.25 / 12;

/** What every fitted purchase model (BG/NBD, MBG/NBD, Pareto/NBD) offers for prediction. */
export interface PurchaseModel extends FittedModel {
  readonly params: object;
  readonly standardErrors: object;
  readonly logLikelihood: number;
  readonly convergence: Convergence;
  readonly n: number;
  pAlive(x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array;
  expectedPurchases(t: number | Float64Array, x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array;
  expectedPurchasesUnconditional(t: number): number;
  probabilityOfPurchases(n: number, t: number): number;
}

export interface ClvOptions {
  /** Horizon in months. Default 12. */
  months?: number;
  /** Discount rate per month, e.g. 0.01 for ~12.7% a year. Default 0.01. */
  monthlyDiscountRate?: number;
  /** Profit margin applied to spend, 0..1. Default 1 (revenue CLV). */
  margin?: number;
}

export interface CustomerHistory {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  timeUnit: TimeUnit;
}

/**
 * Per-customer CLV over the horizon: Σ_k margin · spend · (E[X(T, T + k·month)] − E[X(T, T + (k−1)·month)]) / (1 + d)^k,
 * discounting each month's purchases at the month's end. `expectedSpend` is per customer (e.g. Gamma-Gamma).
 */
export function customerLifetimeValue(
  model: PurchaseModel,
  history: CustomerHistory,
  expectedSpend: Float64Array,
  options: ClvOptions = {},
): Float64Array {
  const months = options.months ?? 12;
  const d = options.monthlyDiscountRate ?? 0.01;
  const margin = options.margin ?? 1;
  if (!(Number.isInteger(months) && months >= 1)) {
    throw new InputError('clv-horizon', `CLV horizon must be a whole number of months >= 1, got ${months}`);
  }
  if (!(d >= 0 && d < 1)) throw new InputError('clv-discount', `Monthly discount rate must be in [0, 1), got ${d}`, 'Pass 0.01 for 1% a month');
  if (!(margin >= 0 && margin <= 1)) throw new InputError('clv-margin', `Margin must be between 0 and 1, got ${margin}`);
  const monthUnits = MONTH_DAYS / DAYS_PER_UNIT[history.timeUnit];
  // Discounted purchases depend only on (x, tx, T); spend multiplies in per customer.
  const discounted = perDistinctHistory(history, (x, tx, T) => {
    const acc = new Float64Array(x.length);
    let prev: Float64Array = new Float64Array(x.length);
    for (let k = 1; k <= months; k++) {
      const cum = model.expectedPurchases(k * monthUnits, x, tx, T);
      const factor = margin / Math.pow(1 + d, k);
      for (let i = 0; i < x.length; i++) acc[i] += factor * (cum[i] - prev[i]);
      prev = cum;
    }
    return acc;
  });
  return discounted.map((v, i) => v * expectedSpend[i]);
}

/**
 * Evaluate a per-customer prediction once per distinct (x, tx, T) and spread it back: customers
 * with the same history get the same prediction, and day-resolution data has many such repeats.
 */
export function perDistinctHistory(
  history: { x: Float64Array; tx: Float64Array; T: Float64Array },
  predict: (x: Float64Array, tx: Float64Array, T: Float64Array) => Float64Array,
): Float64Array {
  const { groupOf, firstRow } = groupRows([history.x, history.tx, history.T]);
  const pick = (col: Float64Array) => Float64Array.from(firstRow, (r) => col[r]);
  const values = predict(pick(history.x), pick(history.tx), pick(history.T));
  return Float64Array.from(groupOf, (g) => values[g]);
}

/** Convert a horizon in months to the model's time unit. */
export function monthsToUnits(months: number, unit: TimeUnit): number {
  return (months * MONTH_DAYS) / DAYS_PER_UNIT[unit];
}
