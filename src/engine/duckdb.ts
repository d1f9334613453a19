import { DuckDBInstance, DuckDBTypeId, JSDuckDBValueConverter, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import { endianness } from 'node:os';
import type { ColumnValues, Engine, QueryResult } from './engine.js';
import { duckdb } from '../sql/dialect.js';
import { TRACE, trace, traceStart } from './trace.js';
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
  private closed = false;
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
    const t0 = TRACE ? traceStart() : undefined;
    await this.conn.run(sql);
    if (t0) trace(t0, sql);
  }

  async query(sql: string, params?: (string | number)[]): Promise<QueryResult> {
    const t0 = TRACE ? traceStart() : undefined;
    const result = params === undefined ? await this.conn.run(sql) : await this.conn.run(sql, params);
    const chunks: DuckDBDataChunk[] = [];
    let rows = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      chunks.push(chunk);
      rows += chunk.rowCount;
    }
    if (t0) trace(t0, sql);
    const names = result.columnNames();
    const types = result.columnTypes();
    // Every engine returns one array per column, empty for an empty result. Values as JS numbers, strings,
    // booleans and nulls: BIGINT, DECIMAL and dates through the client's JS conversion, then to plain values.
    const columns: ColumnValues[] = names.map((_, j) => {
      const out: ColumnValues = new Array(rows);
      let k = 0;
      const id = types[j].typeId;
      const plain = PLAIN.has(id);
      for (const chunk of chunks) {
        const vector = chunk.getColumnVector(j);
        const n = chunk.rowCount;
        if (id === DuckDBTypeId.DOUBLE && doublesInto(vector, n, out, k)) {
          k += n;
          continue;
        }
        for (let i = 0; i < n; i++) {
          const v = vector.getItem(i);
          out[k++] = plain ? (v as string | number | boolean | null) : toPlain(JSDuckDBValueConverter(v, types[j], JSDuckDBValueConverter));
        }
      }
      return out;
    });
    return { names, columns, rows };
  }

  /** Releases the database; a second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/**
 * A DOUBLE vector's values copied straight from its buffer and validity mask. The client's own getItem tests each
 * row's validity with BigInt arithmetic, a few hundred nanoseconds a value: most of the time of reading a million
 * customers' rows. Uses the vector's buffer and mask as @duckdb/node-api 1.5 lays them out (the version is pinned);
 * anything else, or a big-endian machine, returns false and the caller reads item by item.
 */
function doublesInto(vector: unknown, n: number, out: ColumnValues, at: number): boolean {
  const v = vector as { items?: unknown; validity?: { data?: unknown; offset?: unknown } };
  const items = v.items;
  const validity = v.validity;
  if (!LITTLE_ENDIAN || !(items instanceof Float64Array) || items.length !== n || !validity || typeof validity.offset !== 'number') return false;
  if (validity.data === null) {
    for (let i = 0; i < n; i++) out[at + i] = items[i];
    return true;
  }
  if (!(validity.data instanceof BigUint64Array)) return false;
  const mask = new Uint32Array(validity.data.buffer, validity.data.byteOffset, validity.data.length * 2);
  const offset = validity.offset;
  for (let i = 0; i < n; i++) {
    const bit = offset + i;
    out[at + i] = (mask[bit >>> 5] >>> (bit & 31)) & 1 ? items[i] : null;
  }
  return true;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Types whose JS values need no conversion. */
const PLAIN = new Set<DuckDBTypeId>([DuckDBTypeId.DOUBLE, DuckDBTypeId.VARCHAR, DuckDBTypeId.BOOLEAN, DuckDBTypeId.FLOAT, DuckDBTypeId.INTEGER, DuckDBTypeId.SMALLINT, DuckDBTypeId.TINYINT]);

function toPlain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.getTime();
  return String(v);
}
