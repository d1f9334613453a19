import { rowObjects } from '../engine/engine.js';
import { revenueAggregations } from '../sql/definitions.js';
import type { LineSet } from '../sql/lines.js';

export interface Concentration {
  /** Share of net revenue from the top 1%, 10% and 20% of customers. */
  readonly top1: number;
  readonly top10: number;
  readonly top20: number;
  readonly gini: number;
  /** Lorenz-style curve: share of customers (best first) → share of revenue, at 1% steps. */
  readonly curve: { customers: number; revenue: number }[];
}

/** Revenue concentration over customers' net revenue (negative nets count as zero: they add no revenue). */
export function concentration(monetary: Float64Array): Concentration {
  const v = Float64Array.from(monetary, (x) => (x > 0 ? x : 0)).sort().reverse();
  const n = v.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += v[i];
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + v[i];
  const share = (p: number) => (n && total ? cum[Math.max(1, Math.round(p * n))] / total : 0);
  // Gini from the ascending-order formula G = (n + 1 - 2 Σ (n + 1 - i) x_(i) / Σx) / n: on the descending array
  // the i-th largest value has ascending rank n - i, so its weight is i + 1.
  let weighted = 0;
  for (let i = 0; i < n; i++) weighted += (i + 1) * v[i];
  const gini = n && total ? (n + 1 - (2 * weighted) / total) / n : 0;
  const curve = [];
  for (let p = 0; p <= 100; p++) curve.push({ customers: p / 100, revenue: p === 0 ? 0 : share(p / 100) });
  return { top1: share(0.01), top10: share(0.1), top20: share(0.2), gini, curve };
}

export interface RevenuePatterns {
  readonly totalRevenue: number;
  readonly attributedRevenue: number;
  readonly orders: number;
  readonly byCountry: { country: string; revenue: number; customers: number; orders: number }[];
  readonly byWeekdayHour: { weekday: number; hour: number; orders: number; revenue: number }[];
  readonly byMonth: { month: string; revenue: number; newCustomers: number; returningCustomers: number; newRevenue: number; returningRevenue: number }[];
  readonly dateRange: { first: string; last: string };
}

/**
 * Revenue totals include lines without a customer id (they are real sales); new-vs-returning and customer
 * counts use attributed lines only. `orders`, when given, is the count of revenue-earning orders computed elsewhere
 * (the populations' all-lines orders, the same filter), and the totals skip their own distinct count of it.
 */
export async function revenuePatterns(lines: LineSet, options: { orders?: Promise<number> } = {}): Promise<RevenuePatterns> {
  const a = revenueAggregations(lines.d, { totalOrders: options.orders === undefined });
  // Sent together: a connection still runs one statement at a time, but queued, they keep running while this
  // thread is busy elsewhere (the CLV fits) instead of each waiting for it to come back.
  const [t, c, w, m] = await Promise.all([lines.aggregate(a.totals), lines.aggregate(a.byCountry), lines.aggregate(a.byWeekdayHour), lines.aggregate(a.byMonth)]);
  const totals = rowObjects(t)[0] ?? {};
  const byCountry = rowObjects(c)
    .map((r) => ({ country: String(r.country_name), revenue: Number(r.revenue ?? 0), customers: Number(r.customers), orders: Number(r.orders) }))
    .sort((x, y) => y.revenue - x.revenue || (x.country < y.country ? -1 : x.country > y.country ? 1 : 0));
  const byWeekdayHour = rowObjects(w)
    .filter((r) => Number(r.orders) > 0)
    .map((r) => ({ weekday: Number(r.weekday), hour: Number(r.hour), orders: Number(r.orders), revenue: Number(r.sales ?? 0) }))
    .sort((x, y) => x.weekday - y.weekday || x.hour - y.hour);
  const byMonth = rowObjects(m).map((r) => ({
    month: String(r.month),
    revenue: Number(r.revenue ?? 0),
    newCustomers: Number(r.newCustomers),
    returningCustomers: Number(r.returningCustomers),
    newRevenue: Number(r.newRevenue ?? 0),
    returningRevenue: Number(r.returningRevenue ?? 0),
  }));
  return {
    totalRevenue: Number(totals.revenue ?? 0),
    attributedRevenue: Number(totals.attributed ?? 0),
    orders: options.orders === undefined ? Number(totals.orders ?? 0) : await options.orders,
    byCountry,
    byWeekdayHour,
    byMonth,
    dateRange: { first: String(totals.first), last: String(totals.last) },
  };
}
