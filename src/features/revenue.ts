import { rowObjects, type Engine } from '../engine/engine.js';
import { ANALYTIC_LINE } from '../clean/lines.js';

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
 * counts use attributed lines only.
 */
export async function revenuePatterns(engine: Engine): Promise<RevenuePatterns> {
  // One scan for three tables: totals, by country, and by weekday × hour (grouping sets).
  const q = await engine.query(`
    WITH s AS (SELECT coalesce(country, '(unknown)') AS country, isodow(ts) AS weekday, hour(ts) AS hour,
        order_id, customer_id, amount, is_cancel, ts
      FROM lines WHERE NOT bad_price AND NOT non_product AND NOT status_cancel)
    SELECT GROUPING(country, weekday, hour)::DOUBLE AS level, country, weekday::DOUBLE AS weekday, hour::DOUBLE AS hour,
      sum(amount::DECIMAL(38, 8)) AS revenue,
      coalesce(sum(amount::DECIMAL(38, 8)) FILTER (WHERE NOT is_cancel), 0) AS sales,
      sum(amount::DECIMAL(38, 8)) FILTER (WHERE customer_id IS NOT NULL) AS attributed,
      count(DISTINCT customer_id)::DOUBLE AS customers,
      count(DISTINCT order_id) FILTER (WHERE NOT is_cancel)::DOUBLE AS orders,
      strftime(min(ts), '%Y-%m-%d') AS first, strftime(max(ts), '%Y-%m-%d') AS last
    FROM s GROUP BY GROUPING SETS ((country), (weekday, hour), ())`);
  const rows = rowObjects(q);
  const totals = rows.find((r) => r.level === 7) ?? {};
  const byCountry = rows
    .filter((r) => r.level === 3)
    .map((r) => ({ country: String(r.country), revenue: Number(r.revenue), customers: Number(r.customers), orders: Number(r.orders) }))
    .sort((x, y) => y.revenue - x.revenue);
  const byWeekdayHour = rows
    .filter((r) => r.level === 4 && Number(r.orders) > 0)
    .map((r) => ({ weekday: Number(r.weekday), hour: Number(r.hour), orders: Number(r.orders), revenue: Number(r.sales) }))
    .sort((x, y) => x.weekday - y.weekday || x.hour - y.hour);
  const byMonth = rowObjects(
    await engine.query(`WITH s AS (SELECT customer_id, ts, amount FROM lines WHERE ${ANALYTIC_LINE}),
      firsts AS (SELECT customer_id, date_trunc('month', min(ts)) AS first_month FROM lines WHERE ${ANALYTIC_LINE} AND NOT is_cancel GROUP BY ALL),
      m AS (SELECT customer_id, date_trunc('month', ts) AS month, sum(amount::DECIMAL(38, 8)) AS revenue FROM s GROUP BY ALL)
      SELECT strftime(month, '%Y-%m') AS month, sum(revenue) AS revenue,
        count(*) FILTER (WHERE month = first_month)::DOUBLE AS "newCustomers",
        count(*) FILTER (WHERE month > first_month)::DOUBLE AS "returningCustomers",
        coalesce(sum(revenue) FILTER (WHERE month = first_month), 0) AS "newRevenue",
        coalesce(sum(revenue) FILTER (WHERE month > first_month), 0) AS "returningRevenue"
      FROM m JOIN firsts USING (customer_id) GROUP BY ALL ORDER BY month`),
  ) as RevenuePatterns['byMonth'];
  return {
    totalRevenue: Number(totals.revenue ?? 0),
    attributedRevenue: Number(totals.attributed ?? 0),
    orders: Number(totals.orders ?? 0),
    byCountry,
    byWeekdayHour,
    byMonth,
    dateRange: { first: String(totals.first), last: String(totals.last) },
  };
}

