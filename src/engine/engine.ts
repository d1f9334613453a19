import type { Dialect } from '../sql/dialect.js';

/**
 * The one interface every SQL engine implements (embedded DuckDB, PostgreSQL, ClickHouse), so aggregations are
 * written once in `src/sql/` and pushed down to whichever engine holds the data.
 */
export type ColumnValues = (string | number | boolean | null)[];

export interface QueryResult {
  readonly names: string[];
  /** One array per column; numbers come back as JS numbers (the SQL casts BIGINT/DECIMAL to DOUBLE). */
  readonly columns: ColumnValues[];
  readonly rows: number;
}

export interface Engine {
  readonly dialect: 'duckdb' | 'postgres' | 'clickhouse';
  /** How this engine spells what differs between engines (quoting, casts, dates, aggregates). */
  readonly sql: Dialect;
  /** Run statements that return nothing of interest. */
  exec(sql: string): Promise<void>;
  /**
   * Run one query and return its result column-wise. `params` bind `$1`, `$2`… where the engine has bound
   * parameters (DuckDB, PostgreSQL); ClickHouse 18.16 has none, so its callers quote values with `sql.literal`.
   */
  query(sql: string, params?: (string | number)[]): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Quote an identifier for DuckDB and PostgreSQL (`engine.sql.ident` quotes for any engine). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote a string literal for DuckDB and PostgreSQL (`engine.sql.literal` for any engine). */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Rows of a query result as objects (for small results: summaries, segment tables). */
export function rowObjects(r: QueryResult): Record<string, string | number | boolean | null>[] {
  const out: Record<string, string | number | boolean | null>[] = new Array(r.rows);
  for (let i = 0; i < r.rows; i++) {
    const o: Record<string, string | number | boolean | null> = {};
    for (let j = 0; j < r.names.length; j++) o[r.names[j]] = r.columns[j][i];
    out[i] = o;
  }
  return out;
}

export function numbers(r: QueryResult, name: string): Float64Array {
  const j = r.names.indexOf(name);
  if (j < 0) throw new Error(`query result has no column ${name}`);
  const col = r.columns[j];
  const out = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    out[i] = v === null ? NaN : Number(v);
  }
  return out;
}

export function strings(r: QueryResult, name: string): (string | null)[] {
  const j = r.names.indexOf(name);
  if (j < 0) throw new Error(`query result has no column ${name}`);
  return r.columns[j].map((v) => (v === null ? null : String(v)));
}
