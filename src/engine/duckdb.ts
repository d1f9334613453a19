import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnValues, Engine, QueryResult } from './engine.js';
import { duckdb } from '../sql/dialect.js';
import { TRACE, trace } from './trace.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** DuckDB's memory cap unless told otherwise: with Node's share, a 10M-line analysis stays under 4 GB. */
export const DEFAULT_MEMORY_LIMIT = '1536MB';

/**
 * Embedded DuckDB. Extensions are never installed or auto-loaded: the ones clientele needs (parquet, json, icu)
 * are built into the npm binary, and a run must never reach the network.
 */
export class DuckDbEngine implements Engine {
  readonly dialect = 'duckdb' as const;
  readonly sql = duckdb;
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(options: { threads?: number; memoryLimit?: string } = {}): Promise<DuckDbEngine> {
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
    };
    if (options.threads) config.threads = String(options.threads);
    // DuckDB's default (80% of RAM) lets its buffers grow beside Node's heap of a million customers; capped,
    // it spills to a private temporary directory instead (CLIENTELE_DUCKDB_MEMORY overrides, e.g. 4GB).
    config.memory_limit = options.memoryLimit ?? process.env.CLIENTELE_DUCKDB_MEMORY ?? DEFAULT_MEMORY_LIMIT;
    config.temp_directory = join(tmpdir(), `clientele-duckdb-${process.pid}`);
    const instance = await DuckDBInstance.create(':memory:', config);
    const conn = await instance.connect();
    return new DuckDbEngine(instance, conn);
  }

  async exec(sql: string): Promise<void> {
    const t0 = TRACE ? performance.now() : 0;
    await this.conn.run(sql);
    if (TRACE) trace(t0, sql);
  }

  async query(sql: string, params?: (string | number)[]): Promise<QueryResult> {
    const t0 = TRACE ? performance.now() : 0;
    const reader = await this.conn.runAndReadAll(sql, params);
    if (TRACE) trace(t0, sql);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const raw = reader.getColumnsJS() as unknown[][];
    // An empty result has no column arrays at all; every engine returns one (empty) array per column. DOUBLE,
    // VARCHAR and BOOLEAN values arrive as JS numbers, strings, booleans and nulls already: only other types
    // (BIGINT, DECIMAL, dates) are converted, which spares a copy of every million-row column.
    const columns: ColumnValues[] = names.map((_, j) => (raw[j] === undefined ? [] : PLAIN.has(types[j].typeId) ? (raw[j] as ColumnValues) : raw[j].map(toPlain)));
    return { names, columns, rows: reader.currentRowCount };
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** Types whose JS values need no conversion. */
const PLAIN = new Set<DuckDBTypeId>([DuckDBTypeId.DOUBLE, DuckDBTypeId.VARCHAR, DuckDBTypeId.BOOLEAN, DuckDBTypeId.FLOAT, DuckDBTypeId.INTEGER, DuckDBTypeId.SMALLINT, DuckDBTypeId.TINYINT]);

function toPlain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.getTime();
  return String(v);
}
