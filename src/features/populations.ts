import { rowObjects, type Engine } from '../engine/engine.js';
import { ANALYTIC_LINE } from '../clean/lines.js';

/**
 * The two populations every figure belongs to (docs/cleaning.md §6). A sentence or tile uses one and says which:
 * mixing them ("4,334 customers placed 19,773 orders") puts anonymous orders on identified customers.
 */
export interface Populations {
  /** Lines in the window that earn revenue (not bad price, non-product or cancelled), with or without a customer. */
  readonly allLines: { lines: number; orders: number; revenue: number | null };
  /** Customers with at least one sale line, their lines, orders and net revenue (what customers.csv sums to). */
  readonly identified: { customers: number; lines: number; orders: number; revenue: number | null };
  /** Lines without a customer id, in all-lines figures only. */
  readonly anonymous: { lines: number; revenue: number | null };
  /** Returns by ids with no sale in the window: in all-lines revenue, attributed to no customer. */
  readonly orphanReturns: { lines: number; revenue: number | null };
}

export function populationsSql(): string {
  return `
    WITH buyers AS (SELECT DISTINCT customer_id FROM lines WHERE ${ANALYTIC_LINE} AND NOT is_cancel),
    l AS (SELECT *, customer_id IN (SELECT customer_id FROM buyers) AS identified FROM lines)
    SELECT
      count(*) FILTER (WHERE NOT bad_price AND NOT non_product AND NOT status_cancel)::DOUBLE AS all_lines,
      count(DISTINCT order_id) FILTER (WHERE NOT bad_price AND NOT non_product AND NOT is_cancel)::DOUBLE AS all_orders,
      sum(amount::DECIMAL(38, 8)) FILTER (WHERE NOT bad_price AND NOT non_product AND NOT status_cancel) AS all_revenue,
      (SELECT count(*) FROM buyers)::DOUBLE AS customers,
      count(*) FILTER (WHERE ${ANALYTIC_LINE} AND identified)::DOUBLE AS id_lines,
      count(DISTINCT order_id) FILTER (WHERE ${ANALYTIC_LINE} AND NOT is_cancel)::DOUBLE AS id_orders,
      sum(amount::DECIMAL(38, 8)) FILTER (WHERE ${ANALYTIC_LINE} AND NOT status_cancel AND identified) AS id_revenue,
      count(*) FILTER (WHERE customer_id IS NULL AND NOT bad_price AND NOT non_product AND NOT status_cancel)::DOUBLE AS anon_lines,
      sum(amount::DECIMAL(38, 8)) FILTER (WHERE customer_id IS NULL AND NOT bad_price AND NOT non_product AND NOT status_cancel) AS anon_revenue,
      count(*) FILTER (WHERE ${ANALYTIC_LINE} AND return_line AND NOT identified)::DOUBLE AS orphan_lines,
      sum(amount::DECIMAL(38, 8)) FILTER (WHERE ${ANALYTIC_LINE} AND return_line AND NOT identified) AS orphan_revenue
    FROM l`;
}

export async function populations(engine: Engine, hasAmounts = true): Promise<Populations> {
  const r = rowObjects(await engine.query(populationsSql()))[0];
  const n = (k: string) => Number(r[k] ?? 0);
  const money = (k: string) => (hasAmounts ? Number(r[k] ?? 0) : null);
  return {
    allLines: { lines: n('all_lines'), orders: n('all_orders'), revenue: money('all_revenue') },
    identified: { customers: n('customers'), lines: n('id_lines'), orders: n('id_orders'), revenue: money('id_revenue') },
    anonymous: { lines: n('anon_lines'), revenue: money('anon_revenue') },
    orphanReturns: { lines: n('orphan_lines'), revenue: money('orphan_revenue') },
  };
}
