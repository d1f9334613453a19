import type { QueryResult } from '../engine/engine.js';
import { customerFeatures as featureRows, CUSTOMER_FEATURES, customerFeaturesSql } from '../sql/definitions.js';
import { MaterialisedLines, type LineSet } from '../sql/lines.js';

/**
 * The per-customer feature table built from cleaned order lines: one SQL aggregation (src/sql/definitions.ts),
 * run by whichever engine holds the lines; only the per-customer rows come back.
 */
export { CUSTOMER_FEATURES, customerFeaturesSql };

/** Money features a minimal log (ids and dates only) cannot have: blank, never zero. */
const MONEY_FEATURES = ['monetary', 'gross_sales', 'returns_value', 'avg_order_value', 'return_rate'];

/** `asOf` is a SQL DATE expression; recency and tenure are whole days to it. */
export async function customerFeatures(lines: LineSet, asOf: string, hasAmounts = true): Promise<QueryResult> {
  const q = await featureRows(lines, asOf);
  if (hasAmounts) return q;
  if (lines instanceof MaterialisedLines) await lines.engine.exec(`UPDATE customers SET ${MONEY_FEATURES.map((c) => `${lines.d.ident(c)} = NULL`).join(', ')}`);
  const columns = q.columns.map((c, j) => (MONEY_FEATURES.includes(q.names[j]) ? c.map(() => null) : c));
  return { names: q.names, columns, rows: q.rows };
}
