import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import type { ColumnValues, Engine, QueryResult } from './engine.js';
import { clickhouse } from '../sql/dialect.js';
import { TRACE, trace, traceStart } from './trace.js';
import { connectError } from './postgres.js';
import { InputError } from '../errors.js';
import { cleanMessage } from './messages.js';

/**
 * ClickHouse through the official `@clickhouse/client`, over HTTP. Checked against Debian's 18.16 as well as
 * current servers; for 18.16 the client is configured as follows: results are read as `JSONCompact` (18.16 has no
 * `JSONCompactEachRow`), response compression stays off, and the client's own error log is off (clientele reports
 * each failure once, as one line). `join_use_nulls` makes an unmatched LEFT JOIN row NULL as in SQL.
 */
export class ClickHouseEngine implements Engine {
  readonly dialect = 'clickhouse' as const;
  readonly sql = clickhouse;
  private constructor(
    private readonly client: ClickHouseClient,
    readonly where: string,
    readonly database: string,
  ) {}

  static async open(url: URL): Promise<ClickHouseEngine> {
    const where = `${url.hostname}:${url.port || 8123}`;
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'default';
    const client = createClient({
      url: `${url.protocol === 'clickhouses:' ? 'https' : 'http'}://${url.hostname}:${url.port || 8123}`,
      username: decodeURIComponent(url.username) || 'default',
      password: decodeURIComponent(url.password),
      database,
      compression: { response: false, request: false },
      log: { level: ClickHouseLogLevel.OFF },
      request_timeout: 600_000,
      clickhouse_settings: { join_use_nulls: 1 },
    });
    const engine = new ClickHouseEngine(client, where, database);
    try {
      await engine.query('SELECT 1');
    } catch (err) {
      await client.close().catch(() => {});
      throw chConnectError(err, where);
    }
    return engine;
  }

  async exec(sql: string): Promise<void> {
    const t0 = TRACE ? traceStart() : undefined;
    try {
      await this.client.command({ query: sql });
    } finally {
      if (t0) trace(t0, sql, 'clickhouse');
    }
  }

  async query(sql: string, params?: (string | number)[]): Promise<QueryResult> {
    if (params?.length) throw new Error('ClickHouse 18.16 has no bound parameters: quote values with sql.literal');
    const t0 = TRACE ? traceStart() : undefined;
    try {
      const rs = await this.client.query({ query: sql, format: 'JSONCompact' });
      const json = (await rs.json()) as { meta: { name: string; type: string }[]; data: unknown[][] };
      const names = json.meta.map((m) => m.name);
      // 64-bit integers arrive quoted (JSON cannot hold them); clientele's figures are doubles.
      const numeric = json.meta.map((m) => /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/.test(m.type));
      const columns: ColumnValues[] = names.map((_, j) => json.data.map((row) => plain(row[j], numeric[j])));
      return { names, columns, rows: json.data.length };
    } finally {
      if (t0) trace(t0, sql, 'clickhouse');
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => {});
  }
}

function plain(v: unknown, numeric: boolean): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (numeric && typeof v === 'string') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** ClickHouse's login failures are server exceptions (192-194, 516); anything else is the network. */
function chConnectError(err: unknown, where: string): Error {
  const e = err as { code?: string; message?: string };
  const msg = (e.message ?? String(err)).split('\n')[0];
  if (['192', '193', '194', '516'].includes(String(e.code)) || /password|authentication/i.test(msg)) {
    return new InputError('engine-auth', `ClickHouse at ${where} refused the login (${cleanMessage(msg)})`, 'Check the user name and password in --engine');
  }
  if (String(e.code) === '81') {
    return new InputError('engine-database', `ClickHouse at ${where}: ${cleanMessage(msg)}`, 'Check the database name at the end of --engine');
  }
  return connectError(err, where, 'ClickHouse');
}
