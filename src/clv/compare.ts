/**
 * Model comparison and the diagnostics the BTYD literature uses to judge a fit: information
 * criteria, holdout error, mean holdout purchases by calibration frequency, and tracking of
 * repeat transactions through calendar time against the model's expectation.
 */
import { InputError } from '../errors.js';
import type { PurchaseModel } from './predict.js';
import { DAYS_PER_UNIT, type ClvSummary, type TransactionLog } from './summary.js';

export interface ModelComparison {
  kind: string;
  logLikelihood: number;
  parameters: number;
  aic: number;
  bic: number;
  /** Per-customer holdout error of expected vs actual purchases (NaN without a holdout). */
  holdoutMae: number;
  holdoutRmse: number;
  /** Total predicted vs actual holdout purchases. */
  holdoutPredicted: number;
  holdoutActual: number;
}

export function compareModels(models: readonly PurchaseModel[], summary: ClvSummary): ModelComparison[] {
  return models.map((m) => {
    const k = Object.keys(m.params).length;
    const ll = m.logLikelihood;
    let mae = NaN;
    let rmse = NaN;
    let predicted = NaN;
    let actual = NaN;
    if (summary.holdoutX && summary.holdoutT) {
      const e = m.expectedPurchases(summary.holdoutT, summary.x, summary.tx, summary.T);
      let sa = 0;
      let ss = 0;
      predicted = 0;
      actual = 0;
      for (let i = 0; i < summary.n; i++) {
        const r = summary.holdoutX[i] - e[i];
        sa += Math.abs(r);
        ss += r * r;
        predicted += e[i];
        actual += summary.holdoutX[i];
      }
      mae = sa / summary.n;
      rmse = Math.sqrt(ss / summary.n);
    }
    return {
      kind: m.kind,
      logLikelihood: ll,
      parameters: k,
      aic: 2 * k - 2 * ll,
      bic: k * Math.log(summary.n) - 2 * ll,
      holdoutMae: mae,
      holdoutRmse: rmse,
      holdoutPredicted: predicted,
      holdoutActual: actual,
    };
  });
}

export interface CalibrationHoldoutTable {
  /** Calibration frequency bins 0..maxFrequency, the last meaning "maxFrequency or more". */
  frequency: Int32Array;
  customers: Float64Array;
  actual: Float64Array;
  /** Mean predicted holdout purchases per bin, by model kind. */
  predicted: Record<string, Float64Array>;
}

/** Mean holdout purchases by calibration frequency, actual vs each model (Fader, Hardie & Lee 2005, fig. 4). */
export function calibrationHoldout(models: readonly PurchaseModel[], summary: ClvSummary, maxFrequency = 7): CalibrationHoldoutTable {
  const { holdoutX, holdoutT } = summary;
  if (!holdoutX || !holdoutT) {
    throw new InputError('clv-no-holdout', 'The calibration vs holdout table needs a holdout period', 'Pass --calibration-end before --as-of');
  }
  const bins = maxFrequency + 1;
  const customers = new Float64Array(bins);
  const actual = new Float64Array(bins);
  const binOf = new Int32Array(summary.n);
  for (let i = 0; i < summary.n; i++) {
    const b = Math.min(summary.x[i], maxFrequency);
    binOf[i] = b;
    customers[b]++;
    actual[b] += holdoutX[i];
  }
  const predicted: Record<string, Float64Array> = {};
  for (const m of models) {
    const e = m.expectedPurchases(holdoutT, summary.x, summary.tx, summary.T);
    const p = new Float64Array(bins);
    for (let i = 0; i < summary.n; i++) p[binOf[i]] += e[i];
    for (let b = 0; b < bins; b++) p[b] = customers[b] > 0 ? p[b] / customers[b] : NaN;
    predicted[m.kind] = p;
  }
  for (let b = 0; b < bins; b++) actual[b] = customers[b] > 0 ? actual[b] / customers[b] : NaN;
  return { frequency: Int32Array.from({ length: bins }, (_, b) => b), customers, actual, predicted };
}

export interface TrackingTable {
  /** Day number (days since epoch) at the end of each period. */
  periodEnd: Float64Array;
  /** Period length in days (7 for weekly tracking). */
  periodDays: number;
  /** Repeat transactions (distinct purchase days after the first) in each period. */
  actual: Float64Array;
  expected: Record<string, Float64Array>;
  cumulativeActual: Float64Array;
  cumulativeExpected: Record<string, Float64Array>;
  /** Index of the period containing the calibration end. */
  calibrationPeriod: number;
}

/**
 * Repeat transactions per period through calendar time, actual vs expected, for the customers in
 * the summary. Expected cumulative repeats at time τ are Σ_i E[X(τ − first_i)], grouped by first
 * purchase day so the cost is per cohort, not per customer.
 */
export function trackRepeatTransactions(
  models: readonly PurchaseModel[],
  summary: ClvSummary,
  log: TransactionLog,
  periodDays = 7,
): TrackingTable {
  const unit = DAYS_PER_UNIT[summary.timeUnit];
  let start = Infinity;
  for (let i = 0; i < summary.n; i++) start = Math.min(start, summary.firstDay[i]);
  const end = summary.observationEnd;
  const periods = Math.max(1, Math.ceil((end + 1 - start) / periodDays));
  const periodEnd = Float64Array.from({ length: periods }, (_, k) => Math.min(start + (k + 1) * periodDays, end + 1));

  // Actual: distinct purchase days after the first, per customer in the summary.
  const rowOf = new Int32Array(log.customers).fill(-1);
  for (let i = 0; i < summary.n; i++) rowOf[summary.customerIndex[i]] = i;
  const seen = new Map<number, Set<number>>();
  const actual = new Float64Array(periods);
  for (let j = 0; j < log.customer.length; j++) {
    const row = rowOf[log.customer[j]];
    if (row < 0) continue;
    const day = Math.floor(log.days[j]);
    if (day === summary.firstDay[row] || day > end) continue;
    let days = seen.get(row);
    if (!days) seen.set(row, (days = new Set()));
    if (days.has(day)) continue;
    days.add(day);
    actual[Math.min(periods - 1, Math.floor((day - start) / periodDays))]++;
  }

  // Cohorts by first purchase day.
  const cohort = new Map<number, number>();
  for (let i = 0; i < summary.n; i++) cohort.set(summary.firstDay[i], (cohort.get(summary.firstDay[i]) ?? 0) + 1);
  const expected: Record<string, Float64Array> = {};
  const cumulativeExpected: Record<string, Float64Array> = {};
  for (const m of models) {
    const cum = new Float64Array(periods);
    // Ages are whole days apart, so cohorts × periods (thousands) repeat a few hundred distinct ages.
    const atAge = new Map<number, number>();
    for (const [first, count] of cohort) {
      for (let k = 0; k < periods; k++) {
        // Purchases counted through the end of day periodEnd - 1.
        const age = (periodEnd[k] - 1 - first) / unit;
        if (!(age > 0)) continue;
        let e = atAge.get(age);
        if (e === undefined) atAge.set(age, (e = m.expectedPurchasesUnconditional(age)));
        cum[k] += count * e;
      }
    }
    cumulativeExpected[m.kind] = cum;
    expected[m.kind] = cum.map((v, k) => (k === 0 ? v : v - cum[k - 1]));
  }
  const cumulativeActual = new Float64Array(periods);
  for (let k = 0, s = 0; k < periods; k++) cumulativeActual[k] = s += actual[k];
  const calibrationPeriod = Math.min(periods - 1, Math.floor((summary.calibrationEnd - start) / periodDays));
  return { periodEnd, periodDays, actual, expected, cumulativeActual, cumulativeExpected, calibrationPeriod };
}
