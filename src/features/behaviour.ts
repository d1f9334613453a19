/**
 * Behavioural customer features from an order log's own columns, one row per customer: the mix of lines
 * over product categories (share per category), the customer's most frequent level of every other
 * low-cardinality column (shipping, payment...), the mean of each numeric column (rating...), items per line of
 * comma-list columns (add-ons), and the season mix of purchases.
 * Built from whatever columns the log has, from the lines that were sales (cancelled and returned lines
 * are left out, as everywhere else), so a model can describe customers by what they do and not only by
 * how much they spend.
 *
 * Every feature records the raw columns it is computed from, so a target defined by some column (spend
 * by the amount) can be predicted without the features computed from that same column.
 */
import { ident, literal, type Engine, type QueryResult } from '../engine/engine.js';
import { CANCEL_STATUS, RETURN_INVOICE } from '../clean/lines.js';
import { customerIdSql } from '../ingest/roles.js';
import { categoryColumn, numberColumn, type Column } from '../data/table.js';
import type { SchemaColumn } from '../ingest/load.js';
import { numericSql, type Role, type RoleMap } from '../ingest/roles.js';
import { SEASONS } from '../stats/derive.js';

/** Categories with more levels than this are not described (unless they are comma lists, which are counted). */
export const MIX_LEVELS = 12;

/** The log roles each order-log customer feature (CUSTOMER_FEATURES) is computed from. */
const CORE_SOURCES: Record<string, readonly Role[]> = {
  recency_days: ['timestamp'],
  frequency: ['order'],
  monetary: ['amount'],
  gross_sales: ['amount'],
  returns_value: ['amount'],
  avg_order_value: ['amount', 'order'],
  items: ['quantity'],
  distinct_products: ['product'],
  tenure_days: ['timestamp'],
  mean_days_between_orders: ['timestamp', 'order'],
  return_rate: ['amount'],
  weekend_share: ['timestamp', 'order'],
  main_country: ['country'],
};

/** Raw columns behind each order-log customer feature; a log without an amount column computes it from quantity × price. */
export function coreFeatureSources(roles: RoleMap): Map<string, string[]> {
  const columnsOf = (role: Role): string[] => {
    if (role === 'amount' && !roles.amount) return [roles.quantity, roles.price].filter((c): c is string => Boolean(c));
    if (role === 'order' && !roles.order) return [roles.timestamp as string];
    const c = roles[role];
    return c ? [c] : [];
  };
  return new Map(Object.entries(CORE_SOURCES).map(([f, rs]) => [f, [...new Set(rs.flatMap(columnsOf))]]));
}

/**
 * SQL flags of a raw line that earned nothing: a cancelled/returned status, a 'C' invoice, a negative quantity or amount
 * (the amount column, else quantity × unit price, as the lines table computes it).
 */
export function cancelMarkersSql(roles: RoleMap, type: (column: string) => string): [status: string, invoice: string, negative: string] {
  const text = (c: string) => `trim(CAST(${ident(c)} AS VARCHAR))`;
  const flag = (sql: string) => `coalesce(${sql}, false)`;
  return [
    roles.status ? flag(`regexp_matches(${text(roles.status)}, '${CANCEL_STATUS}', 'i')`) : 'false',
    roles.order ? flag(`regexp_matches(${text(roles.order)}, '${RETURN_INVOICE}')`) : 'false',
    negativeSql(roles, type),
  ];
}

function negativeSql(roles: RoleMap, type: (column: string) => string): string {
  const num = (c: string) => numericSql(c, type(c));
  const amount = roles.amount ? num(roles.amount) : roles.price ? `${num(roles.price)} * ${roles.quantity ? num(roles.quantity) : '1'}` : null;
  const tests = [roles.quantity ? `${num(roles.quantity)} < 0` : null, amount ? `${amount} < 0` : null].filter(Boolean);
  return tests.length ? tests.map((t) => `coalesce(${t}, false)`).join(' OR ') : 'false';
}

export interface BehaviourInput {
  readonly engine: Engine;
  /** The raw rows (view name). */
  readonly raw: string;
  readonly schema: readonly SchemaColumn[];
  readonly roles: RoleMap;
  /** SQL turning the raw timestamp column into a TIMESTAMP. */
  readonly timestampSql: string;
  /** Customer ids in the order the feature rows must follow. */
  readonly customers: readonly string[];
  /** Features a saved model expects: a share of a level this log does not have is 0, not a missing column. */
  readonly expected?: readonly string[];
}

export interface Behaviour {
  /** Aligned with `customers`; missing for a customer without sale lines. */
  readonly columns: Column[];
  /** Raw columns each feature is computed from. */
  readonly sources: Map<string, string[]>;
}

const rowsOf = (q: QueryResult, name: string) => q.columns[q.names.indexOf(name)];

/** Roles whose columns are keys or flags rather than behaviour. */
const NOT_BEHAVIOUR: readonly Role[] = ['customer', 'order', 'timestamp', 'status', 'description'];

export async function customerBehaviour(input: BehaviourInput): Promise<Behaviour> {
  const { engine, roles } = input;
  const type = (c: string) => input.schema.find((s) => s.name === c)?.type ?? 'VARCHAR';
  const cancelled = cancelMarkersSql(roles, type).join(' OR ');
  const customer = customerIdSql(roles.customer as string, type(roles.customer as string));
  const seasonSql = `[${SEASONS.map(literal).join(', ')}][CAST(floor((month(${input.timestampSql}) % 12) / 3) AS INTEGER) + 1]`;
  await engine.exec(`CREATE OR REPLACE TEMP VIEW behaviour_lines AS
    SELECT *, ${customer} AS __customer, ${seasonSql} AS __season FROM ${input.raw} WHERE NOT (${cancelled}) AND ${customer} IS NOT NULL`);

  const skip = new Set(NOT_BEHAVIOUR.map((r) => roles[r]).filter(Boolean));
  const select: string[] = [];
  /** Modes are computed apart: most lines first, ties to the first level in order, so a rerun gives the same model. */
  const modes: { name: string; expr: string }[] = [];
  const features: { name: string; kind: 'number' | 'category'; source: string }[] = [];
  const add = (name: string, sql: string, kind: 'number' | 'category', source: string) => {
    features.push({ name, kind, source });
    select.push(`${sql} AS ${ident(name)}`);
  };
  const shares = (name: string, expr: string, found: readonly string[], source: string) => {
    const wanted = (input.expected ?? []).filter((f) => f.startsWith(`${name}=`) && f.endsWith(' share')).map((f) => f.slice(name.length + 1, -' share'.length));
    const levels = [...found, ...wanted.filter((l) => !found.includes(l))];
    for (const l of levels) add(`${name}=${l} share`, `avg(coalesce(${expr} = ${literal(l)}, false)::INTEGER)::DOUBLE`, 'number', source);
  };
  for (const c of input.schema) {
    if (skip.has(c.name)) continue;
    const col = ident(c.name);
    if (/INT|DOUBLE|DECIMAL|FLOAT|REAL|HUGEINT/.test(c.type)) {
      add(`${c.name} mean`, `avg(${col})::DOUBLE`, 'number', c.name);
      continue;
    }
    const text = `CAST(${col} AS VARCHAR)`;
    const top = await engine.query(
      `SELECT ${text} AS v, count(*)::DOUBLE AS n, bool_or(contains(${text}, ',')) AS list FROM behaviour_lines WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY n DESC, v LIMIT ${MIX_LEVELS + 1}`,
    );
    const levels = rowsOf(top, 'v').map(String);
    if (levels.length >= 2 && levels.length <= MIX_LEVELS) {
      // The product category gets its full mix (what share of lines each category is); other categories, such as
      // shipping or payment, the customer's usual choice: one column each keeps the model small.
      if (c.name === roles.category) shares(c.name, text, [...levels].sort(), c.name);
      else {
        features.push({ name: `${c.name} mode`, kind: 'category', source: c.name });
        modes.push({ name: `${c.name} mode`, expr: text });
      }
    } else if (rowsOf(top, 'list').some(Boolean)) {
      // A list per line ("Accessory,Impulse Item"): items per line, counted as derive.addOnColumns counts them. Per
      // line rather than in total, so it describes the habit and not, again, how many lines the customer bought.
      add(`${c.name} per line`, `avg(coalesce(len(list_filter(string_split(${text}, ','), x -> trim(x) <> '')), 0))::DOUBLE`, 'number', c.name);
    }
  }
  if (roles.timestamp) shares(`${roles.timestamp} season`, '__season', SEASONS, roles.timestamp);
  if (features.length === 0) return { columns: [], sources: new Map() };

  const ctes = [`agg AS (SELECT __customer${select.map((x) => `, ${x}`).join('')} FROM behaviour_lines GROUP BY __customer)`];
  modes.forEach((m, i) => {
    ctes.push(`m${i} AS (SELECT __customer, first(v ORDER BY n DESC, v) AS ${ident(m.name)} FROM (
      SELECT __customer, ${m.expr} AS v, count(*) AS n FROM behaviour_lines WHERE ${m.expr} IS NOT NULL GROUP BY ALL) GROUP BY __customer)`);
  });
  const q = await engine.query(
    `WITH ${ctes.join(',\n')} SELECT agg.*${modes.map((m, i) => `, m${i}.${ident(m.name)}`).join('')} FROM agg${modes.map((_, i) => ` LEFT JOIN m${i} USING (__customer)`).join('')}`,
  );
  const rowOf = new Map(rowsOf(q, '__customer').map((id, i) => [String(id), i]));
  const at = input.customers.map((id) => rowOf.get(id) ?? -1);
  const columns = features.map((f): Column => {
    const values = rowsOf(q, f.name);
    if (f.kind === 'number') return numberColumn(f.name, at.map((i) => (i < 0 || values[i] === null ? NaN : Number(values[i]))));
    return categoryColumn(f.name, at.map((i) => (i < 0 || values[i] === null ? null : String(values[i]))));
  });
  return { columns, sources: new Map(features.map((f) => [f.name, [f.source]])) };
}
