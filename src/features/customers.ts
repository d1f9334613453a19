import type { Engine, QueryResult } from '../engine/engine.js';
import { ANALYTIC_LINE } from '../clean/lines.js';

/**
 * The per-customer feature table built from cleaned order lines, as one SQL aggregation
 * (written once, so the same definition can be pushed down to any engine).
 */
export const CUSTOMER_FEATURES = [
  'customer_id', 'first_purchase', 'last_purchase', 'recency_days', 'frequency', 'monetary', 'gross_sales', 'returns_value',
  'avg_order_value', 'items', 'distinct_products', 'tenure_days', 'mean_days_between_orders', 'return_rate', 'weekend_share', 'main_country',
] as const;

/** `asOf` is a SQL timestamp expression; recency and tenure are whole days to it. */
export function customerFeaturesSql(asOf: string): string {
  return `
    WITH l AS (SELECT * FROM lines WHERE ${ANALYTIC_LINE}),
    agg AS (
      SELECT customer_id,
        min(ts) FILTER (WHERE NOT is_cancel) AS first_ts,
        max(ts) FILTER (WHERE NOT is_cancel) AS last_ts,
        count(DISTINCT order_id) FILTER (WHERE NOT is_cancel)::DOUBLE AS frequency,
        -- Money is summed as decimals: a parallel sum of doubles depends on the order threads finish in, and a
        -- last-digit difference can move a customer across an RFM quintile cut between two runs.
        coalesce(sum(amount::DECIMAL(38, 8)) FILTER (WHERE NOT is_cancel), 0)::DOUBLE AS gross_sales,
        coalesce(sum(amount::DECIMAL(38, 8)) FILTER (WHERE return_line), 0)::DOUBLE AS returns_value,
        coalesce(sum(amount::DECIMAL(38, 8)) FILTER (WHERE status_cancel), 0)::DOUBLE AS cancelled_value,
        coalesce(sum(quantity) FILTER (WHERE NOT is_cancel), 0) AS items,
        count(DISTINCT product) FILTER (WHERE NOT is_cancel)::DOUBLE AS distinct_products,
        count(DISTINCT order_id) FILTER (WHERE NOT is_cancel AND dayofweek(ts) IN (0, 6))::DOUBLE AS weekend_orders,
        mode(country) FILTER (WHERE NOT is_cancel) AS main_country
      FROM l GROUP BY customer_id
    )
    SELECT customer_id,
      strftime(first_ts, '%Y-%m-%d %H:%M:%S') AS first_purchase,
      strftime(last_ts, '%Y-%m-%d %H:%M:%S') AS last_purchase,
      date_diff('day', CAST(last_ts AS DATE), CAST(${asOf} AS DATE))::DOUBLE AS recency_days,
      frequency,
      -- Cancelled-status orders never earned revenue (already outside gross_sales), so only return lines are netted.
      gross_sales + returns_value AS monetary,
      gross_sales,
      -returns_value AS returns_value,
      gross_sales / frequency AS avg_order_value,
      items,
      distinct_products,
      date_diff('day', CAST(first_ts AS DATE), CAST(${asOf} AS DATE))::DOUBLE AS tenure_days,
      CASE WHEN frequency > 1 THEN epoch(last_ts - first_ts) / 86400.0 / (frequency - 1) END AS mean_days_between_orders,
      (cancelled_value - returns_value) / (gross_sales + cancelled_value) AS return_rate,
      weekend_orders / frequency AS weekend_share,
      main_country
    FROM agg
    WHERE frequency > 0 AND first_ts IS NOT NULL
    ORDER BY customer_id`;
}

/** Money features a minimal log (ids and dates only) cannot have: blank, never zero. */
const MONEY_FEATURES = ['monetary', 'gross_sales', 'returns_value', 'avg_order_value', 'return_rate'];

export async function customerFeatures(engine: Engine, asOf: string, hasAmounts = true): Promise<QueryResult> {
  await engine.exec(`CREATE OR REPLACE TABLE customers AS ${customerFeaturesSql(asOf)}`);
  if (!hasAmounts) await engine.exec(`UPDATE customers SET ${MONEY_FEATURES.map((c) => `${c} = NULL`).join(', ')}`);
  return engine.query('SELECT * FROM customers');
}
