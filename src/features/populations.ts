import { rowObjects } from '../engine/engine.js';
import { populationsAggregation } from '../sql/definitions.js';
import { duckdb, type Dialect } from '../sql/dialect.js';
import { aggregationOver, type LineSet } from '../sql/lines.js';

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

/** The populations' one SQL definition, as DuckDB runs it (other engines: `populationsAggregation` in src/sql). */
export function populationsSql(d: Dialect = duckdb): string {
  return aggregationOver(d, populationsAggregation(d));
}

export async function populations(lines: LineSet, hasAmounts = true): Promise<Populations> {
  const r = rowObjects(await lines.aggregate(populationsAggregation(lines.d)))[0];
  const n = (k: string) => Number(r[k] ?? 0);
  const money = (k: string) => (hasAmounts ? Number(r[k] ?? 0) : null);
  return {
    allLines: { lines: n('all_lines'), orders: n('all_orders'), revenue: money('all_revenue') },
    identified: { customers: n('customers'), lines: n('id_lines'), orders: n('id_orders'), revenue: money('id_revenue') },
    anonymous: { lines: n('anon_lines'), revenue: money('anon_revenue') },
    orphanReturns: { lines: n('orphan_lines'), revenue: money('orphan_revenue') },
  };
}
