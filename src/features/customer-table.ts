import { ident, rowObjects, type Engine } from '../engine/engine.js';
import type { SchemaColumn } from '../ingest/load.js';
import { customerIdSql, numericSql, type Role, type RoleMap } from '../ingest/roles.js';

export interface ColumnProfile {
  readonly column: string;
  readonly role?: Role;
  readonly kind: 'number' | 'category';
  readonly missing: number;
  readonly distinct: number;
  readonly mean?: number;
  readonly median?: number;
  readonly min?: number;
  readonly max?: number;
  /** For categories: each level's customers and mean spend (when a spend column exists). */
  readonly levels?: { level: string; customers: number; meanSpend: number | null }[];
  /** For numbers: a 20-bin histogram. */
  readonly histogram?: { from: number; to: number; customers: number }[];
}

export interface CustomerTableResult {
  readonly customers: number;
  readonly profiles: ColumnProfile[];
  /** True when recency, spend and a purchase count exist, so RFM can be scored from the table. */
  readonly rfmAvailable: boolean;
  readonly frequencyProxy?: string;
  readonly unavailable: string[];
}

/**
 * A table with one row per customer: normalise it into the same `customers` table an order log produces
 * (customer_id, recency_days, frequency, monetary where the table has them) and profile every column.
 */
export async function customerTable(engine: Engine, raw: string, schema: SchemaColumn[], roles: RoleMap): Promise<CustomerTableResult> {
  const type = (c: string) => schema.find((s) => s.name === c)?.type ?? 'VARCHAR';
  const spend = roles.spend ?? roles.amount;
  const count = roles.orders ?? roles.items;
  const std: string[] = [`${customerIdSql(roles.customer as string, type(roles.customer as string))} AS customer_id`];
  if (roles.recency) std.push(`${numericSql(roles.recency, type(roles.recency))} AS recency_days`);
  if (count) std.push(`${numericSql(count, type(count))} AS frequency`);
  if (spend) std.push(`${numericSql(spend, type(spend))} AS monetary`);
  const others = schema.filter((c) => c.name !== roles.customer).map((c) => ident(c.name));
  // Ordered by id like an order log's customers table, so per-customer columns from every stage line up.
  await engine.exec(`CREATE OR REPLACE TABLE customers AS SELECT ${[...std, ...others].join(', ')} FROM ${raw} ORDER BY customer_id`);
  const n = Number((await engine.query(`SELECT count(*)::DOUBLE FROM customers`)).columns[0][0]);

  const roleOf = new Map(Object.entries(roles).map(([r, c]) => [c, r as Role]));
  const profiles: ColumnProfile[] = [];
  for (const c of schema) {
    if (c.name === roles.customer) continue;
    const col = ident(c.name);
    const numeric = /INT|DOUBLE|DECIMAL|FLOAT|REAL/.test(c.type);
    if (numeric) {
      const s = rowObjects(
        await engine.query(`SELECT count(*) FILTER (WHERE ${col} IS NULL)::DOUBLE AS missing, count(DISTINCT ${col})::DOUBLE AS distinct,
          avg(${col}) AS mean, median(${col})::DOUBLE AS median, min(${col})::DOUBLE AS min, max(${col})::DOUBLE AS max FROM ${raw}`),
      )[0];
      const lo = Number(s.min);
      const hi = Number(s.max);
      const width = hi > lo ? (hi - lo) / 20 : 1;
      const h = rowObjects(
        await engine.query(`SELECT least(floor((${col} - ${lo}) / ${width}), 19)::DOUBLE AS bin, count(*)::DOUBLE AS n FROM ${raw} WHERE ${col} IS NOT NULL GROUP BY ALL ORDER BY bin`),
      );
      profiles.push({
        column: c.name,
        role: roleOf.get(c.name),
        kind: 'number',
        missing: Number(s.missing),
        distinct: Number(s.distinct),
        mean: Number(s.mean),
        median: Number(s.median),
        min: lo,
        max: hi,
        histogram: h.map((b) => ({ from: lo + Number(b.bin) * width, to: lo + (Number(b.bin) + 1) * width, customers: Number(b.n) })),
      });
    } else {
      const spendExpr = spend ? `avg(${numericSql(spend, type(spend))})` : 'NULL';
      const levels = rowObjects(
        await engine.query(`SELECT coalesce(CAST(${col} AS VARCHAR), '(missing)') AS level, count(*)::DOUBLE AS customers, ${spendExpr} AS "meanSpend"
          FROM ${raw} GROUP BY ALL ORDER BY customers DESC LIMIT 30`),
      ) as { level: string; customers: number; meanSpend: number | null }[];
      const s = rowObjects(await engine.query(`SELECT count(*) FILTER (WHERE ${col} IS NULL)::DOUBLE AS missing, count(DISTINCT ${col})::DOUBLE AS distinct FROM ${raw}`))[0];
      profiles.push({ column: c.name, role: roleOf.get(c.name), kind: 'category', missing: Number(s.missing), distinct: Number(s.distinct), levels });
    }
  }
  return {
    customers: n,
    profiles,
    rfmAvailable: Boolean(roles.recency && count && spend),
    frequencyProxy: count && !roles.orders ? count : undefined,
    unavailable: [
      'monthly cohort retention',
      'revenue by month and new vs returning customers',
      'weekday and hour patterns',
      'customer lifetime value (BG/NBD, Pareto/NBD), which needs each customer’s purchase dates',
    ],
  };
}
