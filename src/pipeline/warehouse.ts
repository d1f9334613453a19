import type { Engine } from '../engine/engine.js';
import { InputError } from '../errors.js';
import type { LoadedTable, SchemaColumn } from '../ingest/load.js';
import { wrongType, type RoleMap } from '../ingest/roles.js';
import type { Dialect } from '../sql/dialect.js';
import { roleFields, type LineFields } from '../sql/definitions.js';
import { InlineLines, MaterialisedLines, ShardedLines, type LineSet } from '../sql/lines.js';
import type { Analysis, AnalyzeOptions } from './analyze.js';
import { cleanMessage } from '../engine/messages.js';

/**
 * The core analysis of an order log that lives in a warehouse table or view: cleaning, per-customer features, RFM
 * inputs and the cohort matrix run as SQL in the server (the same definitions as the embedded run); only
 * per-customer rows and small aggregates come back, and scoring (RFM quantiles here, CLV and clusters in the later
 * stages) runs in clientele. The table's column types are taken as they are: a numeric role needs a numeric
 * column and the order date a date or timestamp column (cast in a view otherwise).
 */
export async function analyzeTable(engine: Engine, table: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const { runPipeline } = await import('./run.js');
  const r = await runPipeline(engine, { kind: 'table', name: table }, { ...options, clv: false, segments: false, drivers: false, checks: false });
  return r.analysis;
}

/** Line fields from typed warehouse columns: ids as trimmed text, numbers as doubles, dates as timestamps. */
export function tableLineFields(d: Dialect, roles: RoleMap, type: (c: string) => string): LineFields {
  const id = (c: string) => d.nullIf(d.trim(d.toText(d.ident(c))), "''");
  const c = d.ident(roles.customer as string);
  const ts = d.ident(roles.timestamp as string);
  return roleFields(roles, {
    // Spreadsheet-style float ids ("17850.0") are the id "17850", as in a file.
    customer: /^(BIGINT|DOUBLE)$/.test(type(roles.customer as string)) ? `CASE WHEN ${c} = floor(${c}) THEN ${d.toBigintText(c)} ELSE ${d.toText(c)} END` : id(roles.customer as string),
    ts: d.toTimestamp(ts),
    tsRaw: d.toText(ts),
    num: (x) => d.toDouble(d.ident(x)),
    id,
    text: (x) => d.toText(d.ident(x)),
  });
}

/**
 * A warehouse table's order-date column, which must be a date or timestamp: the SQL layer takes the table's types
 * as they are, so a text date is refused with one line (cast it in a view). None when no order date was detected.
 */
export function orderDateColumn(schema: readonly SchemaColumn[], roles: RoleMap): SchemaColumn | undefined {
  const ts = schema.find((c) => c.name === roles.timestamp);
  if (ts && !/^(DATE|TIMESTAMP)/.test(ts.type)) throw wrongType(ts, 'timestamp', 'a date or timestamp');
  return ts;
}

/** A warehouse table as the stages after the load see it: its own relation and schema, row counts not yet known. */
export function tableLoad(t: ResolvedTable, name: string): LoadedTable {
  return {
    table: t.relation,
    grouped: t.relation,
    rows: NaN,
    distinctRows: NaN,
    schema: t.schema,
    sniff: { path: name, format: 'table', gzip: false, encoding: 'utf-8', sampleLines: [], bytes: 0 },
    skippedRows: 0,
    warnings: [],
    numberFormats: [],
  };
}

export interface ResolvedTable {
  /** The table as a FROM item, quoted. */
  readonly relation: string;
  readonly schema: SchemaColumn[];
  /** ClickHouse Distributed: the shard-local table as a FROM item, its cluster and sharding key. */
  readonly local?: string;
  readonly cluster?: string;
  readonly shardingKey?: string;
}

/** Find the table (or view): `name`, else `schema.name` split at the first dot. Missing: one line listing some tables. */
export async function resolveTable(engine: Engine, name: string): Promise<ResolvedTable> {
  const candidates: [string | null, string][] = [[null, name]];
  const dot = name.indexOf('.');
  if (dot > 0) candidates.push([name.slice(0, dot), name.slice(dot + 1)]);
  for (const [schema, table] of candidates) {
    const found = engine.dialect === 'clickhouse' ? await clickhouseTable(engine, schema, table) : await postgresTable(engine, schema, table);
    if (found) return found;
  }
  const known = await listTables(engine);
  throw new InputError(
    'missing-table',
    `Table ${name} does not exist${known.length ? '' : ' (the database has no tables)'}`,
    known.length ? `Check --table; tables here include ${known.slice(0, 10).join(', ')}` : 'Check --table and the database in --engine',
  );
}

async function postgresTable(engine: Engine, schema: string | null, table: string): Promise<ResolvedTable | null> {
  const d = engine.sql;
  // The names come from the command line: bound as parameters, never spliced into the statement.
  const r = await engine.query(
    `SELECT table_schema, column_name, data_type FROM information_schema.columns
      WHERE table_schema = coalesce($1, current_schema()) AND table_name = $2 ORDER BY ordinal_position`,
    [schema as string, table],
  );
  if (r.rows === 0) return null;
  const s = String(r.columns[0][0]);
  return { relation: `${d.ident(s)}.${d.ident(table)}`, schema: r.columns[1].map((n, i) => ({ name: String(n), type: canonicalType(String(r.columns[2][i])) })) };
}

async function clickhouseTable(engine: Engine, database: string | null, table: string): Promise<ResolvedTable | null> {
  const d = engine.sql;
  const db = database === null ? 'currentDatabase()' : d.literal(database);
  const t = await engine.query(`SELECT database, engine, engine_full FROM system.tables WHERE database = ${db} AND name = ${d.literal(table)}`);
  if (t.rows === 0) return null;
  const dbName = String(t.columns[0][0]);
  const cols = await engine.query(`SELECT name, type FROM system.columns WHERE database = ${d.literal(dbName)} AND table = ${d.literal(table)}`);
  const schema = cols.columns[0].map((n, i) => ({ name: String(n), type: canonicalType(String(cols.columns[1][i])) }));
  const out: ResolvedTable = { relation: `${d.ident(dbName)}.${d.ident(table)}`, schema };
  if (String(t.columns[1][0]) !== 'Distributed') return out;
  const args = splitArgs(String(t.columns[2][0]).replace(/^Distributed\(/, '').replace(/\)\s*$/, ''));
  const unquote = (a: string) => a.replace(/^['`"]|['`"]$/g, '').replace(/\\(.)/g, '$1');
  const localDb = unquote(args[1] ?? '');
  return { ...out, cluster: unquote(args[0] ?? ''), local: `${d.ident(localDb === '' ? dbName : localDb)}.${d.ident(unquote(args[2] ?? ''))}`, shardingKey: args[3] };
}

async function listTables(engine: Engine): Promise<string[]> {
  const r = engine.dialect === 'clickhouse'
    ? await engine.query('SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name LIMIT 20')
    : await engine.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name LIMIT 20");
  return r.columns[0].map(String);
}

/** Top-level comma split of an engine's argument list (quotes and parentheses respected). */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      cur += ch;
      if (ch === '\\') cur += s[++i] ?? '';
      else if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '`' || ch === '"') {
      quote = ch;
      cur += ch;
    } else if (ch === '(') {
      depth++;
      cur += ch;
    } else if (ch === ')') {
      depth--;
      cur += ch;
    } else if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** A server's column type as the DuckDB type name the rest of clientele reasons with. */
export function canonicalType(t: string): string {
  const x = t.replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2').replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2').toLowerCase();
  if (/^(u?int\d*|smallint|integer|bigint|int2|int4|int8)$/.test(x)) return 'BIGINT';
  if (/^(float\d*|double precision|real|numeric.*|decimal.*)$/.test(x)) return 'DOUBLE';
  if (/^(datetime.*|timestamp.*)$/.test(x)) return 'TIMESTAMP';
  if (/^date(32)?$/.test(x)) return 'DATE';
  if (/^(bool|boolean)$/.test(x)) return 'BOOLEAN';
  if (/^(string|fixedstring.*|text|character.*|varchar.*|uuid|enum.*)$/.test(x)) return 'VARCHAR';
  return x.toUpperCase();
}

/**
 * Where the lines live: PostgreSQL keeps a TEMP table; ClickHouse keeps a subquery, read on every shard in
 * parallel when the table is Distributed by a function of the customer id alone (identical rows and all of a
 * customer's lines then share a shard); any other sharding runs the same SQL over the Distributed table, correct
 * but gathered on the initiator.
 */
export async function placeLines(engine: Engine, t: ResolvedTable, customer: string): Promise<LineSet> {
  const d = engine.sql;
  if (engine.dialect !== 'clickhouse') return new MaterialisedLines(engine, d);
  if (t.local && t.cluster && t.shardingKey && keyUsesOnly(t.shardingKey, customer, t.schema)) {
    try {
      await engine.query(`SELECT count() FROM cluster(${d.literal(t.cluster)}, system, one)`);
      return new ShardedLines(engine, d, t.cluster);
    } catch (err) {
      throw new InputError('cluster-unreachable', `ClickHouse cannot reach every shard of cluster ${t.cluster} (${cleanMessage((err as Error).message)})`, 'Check the remote_servers config and that each shard is running');
    }
  }
  return new InlineLines(engine, d);
}

/** Whether a sharding-key expression reads no column but the customer id (function names and literals aside). */
function keyUsesOnly(key: string, customer: string, schema: SchemaColumn[]): boolean {
  const names = new Set(schema.map((c) => c.name));
  const used = new Set<string>();
  const re = /`((?:[^`\\]|\\.)*)`|"((?:[^"\\]|\\.)*)"|'(?:[^'\\]|\\.)*'|([A-Za-z_][A-Za-z0-9_]*)(\s*\()?/g;
  for (let m = re.exec(key); m; m = re.exec(key)) {
    const name = m[1] ?? m[2] ?? (m[4] ? undefined : m[3]);
    if (name !== undefined && names.has(name.replace(/\\(.)/g, '$1'))) used.add(name.replace(/\\(.)/g, '$1'));
  }
  return used.size === 1 && used.has(customer);
}
