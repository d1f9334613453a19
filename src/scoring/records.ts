import { InputError } from '../errors.js';
import { calendarDay } from '../ingest/dates.js';
import { categoryColumn, dateColumn, numberColumn, type Column } from '../data/table.js';
import type { TransactionLog } from '../clv/summary.js';
import type { CustomerInput, CustomerRecord, FeatureSpec, PurchaseRecord, ScorerInputs } from './contract.js';

const DAY_MS = 86_400_000;

/**
 * Customer records (what `score` and the service receive) as columns to score. A feature missing from a
 * record's `features` is derived from its purchases where the order-log definition allows it
 * (features/customers.ts, one order per purchase record); anything else missing is an InputError naming the field.
 * `asOf` is the last observed day (inclusive): recency and tenure count to the day after it.
 */
export function recordsToInput(records: readonly CustomerRecord[], inputs: ScorerInputs, asOf: string, path: (i: number) => string = (i) => `customers[${i}]`): CustomerInput {
  const end = parseDay(asOf, 'as_of');
  const n = records.length;
  const ids: string[] = new Array(n);
  const derived: (DerivedFeatures | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (r === null || typeof r !== 'object') throw bad(`${path(i)} must be an object`);
    if (typeof r.customer_id !== 'string' || r.customer_id === '') throw bad(`${path(i)}.customer_id must be a non-empty string`);
    ids[i] = r.customer_id;
    derived[i] = r.purchases === undefined ? null : deriveFeatures(r.purchases, end, `${path(i)}.purchases`);
    if (inputs.purchases === 'required' && (!r.purchases || r.purchases.length === 0)) {
      throw bad(`${path(i)}.purchases is required: the CLV scores need the customer's purchase history`);
    }
  }
  const columns: Column[] = inputs.features.map((f) => featureColumn(f, records, derived, path));
  const log = inputs.purchases === 'unused' ? null : purchaseLog(records, end);
  return { ids, features: { rows: n, columns }, log, observationEnd: end };
}

/**
 * The order-log features a purchase history defines, as features/customers.ts computes them from lines;
 * null where the log's value is missing too (no gap with one order), absent where the history cannot tell.
 */
export type DerivedFeatures = Record<string, number | string | null>;

/** Purchases with a negative amount are returns: netted into monetary, never orders. */
export function deriveFeatures(purchases: readonly PurchaseRecord[], end: number, where: string): DerivedFeatures {
  if (!Array.isArray(purchases)) throw bad(`${where} must be an array`);
  const orders = new Set<string>();
  const weekendOrders = new Set<string>();
  const products = new Set<string>();
  const countries = new Set<string>();
  let first = Infinity;
  let last = -Infinity;
  let gross = 0;
  let returns = 0;
  let items = 0;
  let itemsKnown = true;
  let productsKnown = true;
  for (let j = 0; j < purchases.length; j++) {
    const p = purchases[j];
    const at = `${where}[${j}]`;
    if (p === null || typeof p !== 'object') throw bad(`${at} must be an object`);
    const ts = parseTime(p.date, `${at}.date`);
    if (Math.floor(ts / DAY_MS) > end) throw bad(`${at}.date is after as_of`);
    const amount = p.amount ?? NaN;
    if (p.amount !== undefined && (typeof p.amount !== 'number' || !Number.isFinite(p.amount))) throw bad(`${at}.amount must be a finite number`);
    if (amount < 0) {
      returns += amount;
      continue;
    }
    const order = p.order_id === undefined ? `#${j}` : String(p.order_id);
    orders.add(order);
    const dow = new Date(ts).getUTCDay();
    if (dow === 0 || dow === 6) weekendOrders.add(order);
    first = Math.min(first, ts);
    last = Math.max(last, ts);
    gross += amount;
    if (p.items === undefined) itemsKnown = false;
    else if (typeof p.items !== 'number' || !Number.isFinite(p.items)) throw bad(`${at}.items must be a finite number`);
    else items += p.items;
    if (p.products === undefined) productsKnown = false;
    else if (!Array.isArray(p.products) || p.products.some((x: unknown) => typeof x !== 'string')) throw bad(`${at}.products must be an array of strings`);
    else for (const x of p.products as string[]) products.add(x);
    if (p.country !== undefined) {
      if (typeof p.country !== 'string') throw bad(`${at}.country must be a string`);
      countries.add(p.country);
    }
  }
  const frequency = orders.size;
  if (frequency === 0) throw bad(`${where} has no purchase (only returns, or none)`);
  // Day counts run to the day after the last observed day, as analyze's recency does.
  const dayAfter = end + 1;
  const out: DerivedFeatures = {
    recency_days: dayAfter - Math.floor(last / DAY_MS),
    frequency,
    monetary: gross + returns,
    gross_sales: gross,
    returns_value: -returns,
    avg_order_value: gross / frequency,
    tenure_days: dayAfter - Math.floor(first / DAY_MS),
    mean_days_between_orders: frequency > 1 ? (last - first) / DAY_MS / (frequency - 1) : null,
    return_rate: gross > 0 ? -returns / gross : null,
    weekend_share: weekendOrders.size / frequency,
  };
  if (itemsKnown) out.items = items;
  if (productsKnown) out.distinct_products = products.size;
  // The log's main country is the most frequent over lines, which orders alone cannot tell unless they agree.
  if (countries.size === 1) out.main_country = [...countries][0];
  return out;
}

function featureColumn(f: FeatureSpec, records: readonly CustomerRecord[], derived: readonly (DerivedFeatures | null)[], path: (i: number) => string): Column {
  const n = records.length;
  const value = (i: number): unknown => {
    const given = records[i].features;
    if (given !== undefined && (given === null || typeof given !== 'object')) throw bad(`${path(i)}.features must be an object`);
    if (given && Object.hasOwn(given, f.name)) return given[f.name];
    const d = derived[i];
    if (d && Object.hasOwn(d, f.name)) return d[f.name];
    throw bad(`${path(i)}.features.${f.name} is required (${f.type}${f.unit ? `, ${f.unit}` : ''})`);
  };
  if (f.type === 'category') {
    const out: (string | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = value(i);
      if (v !== null && typeof v !== 'string') throw bad(`${path(i)}.features.${f.name} must be a string or null`);
      out[i] = v as string | null;
    }
    return categoryColumn(f.name, out);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = value(i);
    if (f.type === 'date') out[i] = v === null ? NaN : parseTime(v, `${path(i)}.features.${f.name}`);
    else if (v === null) out[i] = NaN;
    else if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${path(i)}.features.${f.name} must be a finite number or null`);
    else out[i] = v;
  }
  return f.type === 'date' ? dateColumn(f.name, out) : numberColumn(f.name, out);
}

/**
 * The purchase days of every customer, as the order log's transaction log has them: a day with a purchase is
 * one transaction worth the day's net value, never below zero; a day of returns only is no transaction.
 */
function purchaseLog(records: readonly CustomerRecord[], end: number): TransactionLog | null {
  if (!records.some((r) => r.purchases && r.purchases.length)) return null;
  const customer: number[] = [];
  const days: number[] = [];
  const amount: number[] = [];
  let anyAmount = false;
  records.forEach((r, i) => {
    const byDay = new Map<number, { sum: number; buys: boolean; priced: boolean }>();
    for (const p of r.purchases ?? []) {
      const d = Math.floor(parseTime(p.date, 'date') / DAY_MS);
      if (d > end) continue;
      const e = byDay.get(d) ?? { sum: 0, buys: false, priced: false };
      if (typeof p.amount === 'number') {
        e.sum += p.amount;
        e.priced = true;
      }
      if (!(typeof p.amount === 'number' && p.amount < 0)) e.buys = true;
      byDay.set(d, e);
    }
    for (const [d, e] of [...byDay].sort((a, b) => a[0] - b[0])) {
      if (!e.buys) continue;
      customer.push(i);
      days.push(d);
      amount.push(e.priced ? Math.max(e.sum, 0) : NaN);
      anyAmount ||= e.priced;
    }
  });
  return { customer: Int32Array.from(customer), days: Float64Array.from(days), ...(anyAmount ? { amount: Float64Array.from(amount, (v) => (Number.isNaN(v) ? 0 : v)) } : {}), customers: records.length };
}

/** 'YYYY-MM-DD' → days since the epoch; InputError naming the field otherwise. */
export function parseDay(value: unknown, field: string): number {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw bad(`${field} must be a date YYYY-MM-DD`);
  const day = calendarDay(value);
  if (day === null) throw bad(`${field} is not a calendar date (${value})`);
  return day;
}

/** A date or ISO timestamp, read as wall-clock time (as the order log stores local times as UTC). */
function parseTime(value: unknown, field: string): number {
  if (typeof value !== 'string') throw bad(`${field} must be a date string (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)`);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?(Z)?$/.exec(value);
  if (!m) throw bad(`${field} must be a date string (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS), got ${JSON.stringify(value.slice(0, 40))}`);
  const day = parseDay(m[1], field);
  const secs = (Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0);
  if (Number(m[2] ?? 0) > 23 || Number(m[3] ?? 0) > 59 || secs % 60 >= 60) throw bad(`${field} has an impossible time (${value})`);
  return day * DAY_MS + secs * 1000;
}

function bad(message: string): InputError {
  return new InputError('score-input', message);
}
