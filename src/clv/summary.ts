/**
 * Per-customer frequency / recency / age summary (the "RFM for CLV" table) from a transaction log.
 * Times are calendar days: purchases on the same calendar day are one transaction (their amounts
 * summed), the convention of the BG/NBD and Pareto/NBD literature and of the published CDNOW figures.
 */
import { InputError } from '../errors.js';
import { isoDay } from '../ingest/dates.js';

export { isoDay };

export type TimeUnit = 'days' | 'weeks';

/** Columnar transaction log. `customer` is a dense index 0..customers-1. */
export interface TransactionLog {
  customer: Int32Array;
  /** Purchase time in days since the Unix epoch (UTC); the fractional part (time of day) is ignored. */
  days: Float64Array;
  /** Order value; absent for a log of dates only, when spend and monetary CLV are not modelled. */
  amount?: Float64Array;
  customers: number;
}

export interface SummaryOptions {
  timeUnit: TimeUnit;
  /** Last day of the observation window, in days since the epoch (inclusive). */
  observationEnd: number;
  /** Last day of the calibration period (inclusive); later purchases form the holdout. Defaults to observationEnd. */
  calibrationEnd?: number;
}

/** One row per customer whose first purchase is on or before the calibration end. */
export interface ClvSummary {
  n: number;
  timeUnit: TimeUnit;
  /** Repeat purchases in the calibration period (distinct purchase days after the first). */
  x: Float64Array;
  /** Time of the last calibration purchase, measured from the first purchase. */
  tx: Float64Array;
  /** Age: time from the first purchase to the calibration end. */
  T: Float64Array;
  /** Mean value of the repeat transactions (first purchase excluded); NaN when x = 0. */
  monetary: Float64Array;
  /** Purchases (distinct days) after the calibration end, up to the observation end. */
  holdoutX?: Float64Array;
  /** Length of the holdout period for each customer. */
  holdoutT?: Float64Array;
  /** Row i describes log customer customerIndex[i]. */
  customerIndex: Int32Array;
  /** First purchase day (days since epoch) for each row, for cohort tracking. */
  firstDay: Float64Array;
  /** Last calibration day and last observed day (days since epoch). */
  calibrationEnd: number;
  observationEnd: number;
}

export const DAYS_PER_UNIT: Record<TimeUnit, number> = { days: 1, weeks: 7 };

/** Build the CLV summary. Holdout purchases are read only into holdoutX, never into calibration values. */
export function clvSummary(log: TransactionLog, options: SummaryOptions): ClvSummary {
  const { customer, days, customers } = log;
  // A log whose amount column holds no value at all (an export without prices) is a log of dates.
  const amount = log.amount && log.amount.some(Number.isFinite) ? log.amount : undefined;
  const m = customer.length;
  if (days.length !== m || (amount && amount.length !== m)) {
    throw new InputError('clv-columns', `Transaction log columns differ in length (${m}, ${days.length}, ${amount?.length})`);
  }
  const unit = DAYS_PER_UNIT[options.timeUnit];
  if (unit === undefined) {
    throw new InputError('clv-time-unit', `Unknown time unit "${String(options.timeUnit)}"`, 'Use days or weeks');
  }
  const obsEnd = Math.floor(options.observationEnd);
  const calEnd = Math.floor(options.calibrationEnd ?? options.observationEnd);
  if (!Number.isFinite(obsEnd) || !Number.isFinite(calEnd)) {
    throw new InputError('clv-dates', 'Observation and calibration end must be finite day numbers');
  }
  if (calEnd > obsEnd) {
    throw new InputError('clv-calibration-end', 'The calibration end is after the observation end', 'Choose a calibration end on or before --as-of');
  }
  const hasHoldout = options.calibrationEnd !== undefined && calEnd < obsEnd;

  // Counting sort by customer, then sort each customer's days.
  const start = new Int32Array(customers + 1);
  for (let i = 0; i < m; i++) {
    const c = customer[i];
    if (!(c >= 0 && c < customers)) {
      throw new InputError('clv-customer-index', `Customer index ${c} at row ${i} is outside 0..${customers - 1}`);
    }
    const d = days[i];
    if (!Number.isFinite(d)) throw new InputError('clv-date', `Missing or invalid purchase date at row ${i}`, 'Drop rows without a date');
    if (Math.floor(d) > obsEnd) {
      throw new InputError(
        'clv-future-purchase',
        `A purchase at row ${i} is dated ${isoDay(Math.floor(d))}, after the observation end ${isoDay(obsEnd)}`,
        'Set --as-of on or after the last purchase date, or drop later rows',
      );
    }
    if (amount && !Number.isFinite(amount[i])) throw new InputError('clv-amount', `Missing or invalid amount at row ${i}`);
    start[c + 1]++;
  }
  for (let c = 0; c < customers; c++) start[c + 1] += start[c];
  const fill = start.slice(0, customers);
  const sDay = new Float64Array(m);
  const sAmt = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const k = fill[customer[i]]++;
    sDay[k] = Math.floor(days[i]);
    sAmt[k] = amount ? amount[i] : NaN;
  }

  const rowOf = new Int32Array(customers).fill(-1);
  let n = 0;
  for (let c = 0; c < customers; c++) {
    sortSegment(sDay, sAmt, start[c], start[c + 1]);
    if (start[c + 1] > start[c] && sDay[start[c]] <= calEnd) rowOf[c] = n++;
  }

  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const monetary = new Float64Array(n);
  const firstDay = new Float64Array(n);
  const customerIndex = new Int32Array(n);
  const holdoutX = hasHoldout ? new Float64Array(n) : undefined;
  const holdoutT = hasHoldout ? new Float64Array(n).fill((obsEnd - calEnd) / unit) : undefined;
  for (let c = 0; c < customers; c++) {
    const row = rowOf[c];
    if (row < 0) continue;
    const lo = start[c];
    const hi = start[c + 1];
    const first = sDay[lo];
    let lastDay = first;
    let repeats = 0;
    let repeatSpend = 0;
    let holdout = 0;
    let k = lo;
    // Skip the first day's purchases: the first transaction is not a repeat.
    while (k < hi && sDay[k] === first) k++;
    while (k < hi) {
      const d = sDay[k];
      let spend = 0;
      while (k < hi && sDay[k] === d) spend += sAmt[k++];
      if (d <= calEnd) {
        repeats++;
        repeatSpend += spend;
        lastDay = d;
      } else {
        holdout++;
      }
    }
    customerIndex[row] = c;
    firstDay[row] = first;
    x[row] = repeats;
    tx[row] = (lastDay - first) / unit;
    T[row] = (calEnd - first) / unit;
    monetary[row] = repeats > 0 ? repeatSpend / repeats : NaN;
    if (holdoutX) holdoutX[row] = holdout;
  }
  return {
    n,
    timeUnit: options.timeUnit,
    x,
    tx,
    T,
    monetary,
    holdoutX,
    holdoutT,
    customerIndex,
    firstDay,
    calibrationEnd: calEnd,
    observationEnd: obsEnd,
  };
}

/** Days since the Unix epoch for a UTC calendar date. */
export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

/** Sort days (carrying amounts) in [lo, hi): insertion sort for the usual short runs, index sort otherwise. */
function sortSegment(day: Float64Array, amt: Float64Array, lo: number, hi: number): void {
  const len = hi - lo;
  if (len < 2) return;
  if (len <= 32) {
    for (let i = lo + 1; i < hi; i++) {
      const d = day[i];
      const a = amt[i];
      let j = i - 1;
      while (j >= lo && day[j] > d) {
        day[j + 1] = day[j];
        amt[j + 1] = amt[j];
        j--;
      }
      day[j + 1] = d;
      amt[j + 1] = a;
    }
    return;
  }
  const idx = Array.from({ length: len }, (_, i) => lo + i);
  idx.sort((p, q) => day[p] - day[q]);
  const d2 = idx.map((i) => day[i]);
  const a2 = idx.map((i) => amt[i]);
  for (let i = 0; i < len; i++) {
    day[lo + i] = d2[i];
    amt[lo + i] = a2[i];
  }
}
