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

/** What the log can tell: without a quantity column a line is one unit of nothing known, without products no product count. */
export interface KnownInputs {
  readonly amounts: boolean;
  readonly quantities: boolean;
  readonly products: boolean;
}

/**
 * Features the log cannot give, blank rather than a confident number: money without amounts; items without
 * quantities (the lines would be counted as if each were one unit); distinct products without a product column
 * (every customer would have 0).
 */
export function unknownFeatures(known: KnownInputs): string[] {
  return [...(known.amounts ? [] : MONEY_FEATURES), ...(known.quantities ? [] : ['items']), ...(known.products ? [] : ['distinct_products'])];
}

/** `asOf` is a SQL DATE expression; recency and tenure are whole days to it. */
export async function customerFeatures(lines: LineSet, asOf: string, known: KnownInputs = { amounts: true, quantities: true, products: true }): Promise<QueryResult> {
  const q = await featureRows(lines, asOf);
  const blank = unknownFeatures(known);
  if (blank.length === 0) return q;
  if (lines instanceof MaterialisedLines) await lines.engine.exec(`UPDATE customers SET ${blank.map((c) => `${lines.d.ident(c)} = NULL`).join(', ')}`);
  const columns = q.columns.map((c, j) => (blank.includes(q.names[j]) ? c.map(() => null) : c));
  return { names: q.names, columns, rows: q.rows };
}
