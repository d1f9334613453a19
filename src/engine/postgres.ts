import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { ColumnValues, Engine, QueryResult } from './engine.js';
import { postgres } from '../sql/dialect.js';
import { TRACE, trace, traceStart } from './trace.js';
import { InputError } from '../errors.js';

/**
 * PostgreSQL through `pg`. Aggregations run in the server; results come back column-wise like DuckDB's. Numbers
 * arrive as JS numbers (bigint counts and numerics included: clientele's figures are doubles everywhere), dates and
 * timestamps as the server prints them.
 */
export class PostgresEngine implements Engine {
  readonly dialect = 'postgres' as const;
  readonly sql = postgres;
  private constructor(
    private readonly client: pg.Client,
    readonly where: string,
  ) {}

  static async open(url: URL): Promise<PostgresEngine> {
    const where = `${url.hostname}:${url.port || 5432}`;
    const tls = tlsOptions(url);
    const client = new pg.Client({
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username) || undefined,
      password: decodeURIComponent(url.password),
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
      connectionTimeoutMillis: 10_000,
      types: { getTypeParser: typeParser },
      ssl: tls.options,
    });
    // A dropped connection must surface as the query's error, not as an unhandled 'error' event.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (err) {
      throw connectError(err, where, 'PostgreSQL', tls.mode);
    }
    return new PostgresEngine(client, where);
  }

  async exec(sql: string): Promise<void> {
    await this.run(sql);
  }

  async query(sql: string, params?: (string | number)[]): Promise<QueryResult> {
    const r = await this.run(sql, params);
    const names = r.fields.map((f) => f.name);
    const rows = r.rows as unknown[][];
    const columns: ColumnValues[] = names.map((_, j) => rows.map((row) => plain(row[j])));
    return { names, columns, rows: rows.length };
  }

  /** The statement before this one: a connection runs one at a time, and stages may send several together. */
  private last: Promise<unknown> = Promise.resolve();

  private run(sql: string, values?: (string | number)[]): Promise<pg.QueryArrayResult> {
    // Queued here, not in pg, whose own queue of a busy client is deprecated (and warns on stderr).
    const next = this.last.then(async () => {
      const t0 = TRACE ? traceStart() : undefined;
      try {
        return await this.client.query({ text: sql, values, rowMode: 'array' });
      } finally {
        if (t0) trace(t0, sql, 'postgres');
      }
    });
    this.last = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}

const NUMERIC_OIDS = new Set([20, 21, 23, 700, 701, 1700]);
const TEXT_OIDS = new Set([1082, 1114, 1184]);

function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (NUMERIC_OIDS.has(oid)) return (v: string) => Number(v);
  if (TEXT_OIDS.has(oid)) return (v: string) => v;
  return pg.types.getTypeParser(oid, format as 'text');
}

function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** libpq's sslmode values clientele follows; `prefer` and `allow` (TLS if the server offers it) are not among them. */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/**
 * TLS as libpq's URL parameters ask for it: `sslmode` (default disable) and `sslrootcert`, a PEM file of the
 * certificate authorities to trust (the system's when absent). require encrypts without checking the certificate,
 * verify-ca checks it was issued by a trusted authority, verify-full also that it names the host.
 */
export function tlsOptions(url: URL): { mode: SslMode; options: false | ConnectionOptions } {
  const given = url.searchParams.get('sslmode') ?? 'disable';
  if (!(SSL_MODES as readonly string[]).includes(given)) {
    throw new InputError('engine-sslmode', `--engine sslmode=${given} is not one clientele knows`, `Use sslmode=${SSL_MODES.join(', sslmode=')}`);
  }
  const mode = given as SslMode;
  const rootCert = url.searchParams.get('sslrootcert');
  if (mode === 'disable') {
    if (rootCert !== null) throw new InputError('engine-sslmode', '--engine gives sslrootcert without TLS (sslmode is disable)', 'Add sslmode=verify-full (or verify-ca) to use it');
    return { mode, options: false };
  }
  if (mode === 'require') return { mode, options: { rejectUnauthorized: false } };
  let ca: string | undefined;
  if (rootCert !== null) {
    try {
      ca = readFileSync(rootCert, 'utf8');
    } catch {
      throw new InputError('engine-sslrootcert', `--engine sslrootcert=${rootCert} cannot be read`, 'Give the path of a PEM file with the server\'s certificate authority');
    }
  }
  // verify-ca checks the chain only: a certificate issued for another name is accepted, as libpq does.
  return { mode, options: { rejectUnauthorized: true, ca, ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}) } };
}

const UNTRUSTED = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE']);

/** Connection failures, in one line naming the server and what to check. */
export function connectError(err: unknown, where: string, server: string, sslmode: SslMode = 'disable'): Error {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  const msg = e.message ?? String(err);
  if (/does not support SSL/i.test(msg)) {
    return new InputError('engine-tls', `${server} at ${where} does not accept TLS connections (sslmode=${sslmode})`, 'Enable ssl on the server, or leave sslmode out of --engine to connect unencrypted');
  }
  if (UNTRUSTED.has(code)) {
    return new InputError('engine-tls', `${server} at ${where} presented a certificate clientele does not trust (${msg.split('\n')[0]})`, 'Pass its certificate authority with sslrootcert=/path/ca.pem, or use sslmode=require to encrypt without checking it');
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new InputError('engine-tls', `${server} at ${where} presented a certificate for another name (${msg.split('\n')[0]})`, 'Connect by the name the certificate gives, or use sslmode=verify-ca to check only who issued it');
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new InputError('engine-tls', `${server} at ${where} presented a certificate that is not valid now (${msg.split('\n')[0]})`, 'Renew the server\'s certificate');
  }
  if (/no encryption/i.test(msg) && sslmode === 'disable') {
    return new InputError('engine-tls', `${server} at ${where} accepts only encrypted connections (${msg.split('\n')[0]})`, 'Add ?sslmode=verify-full (with sslrootcert=/path/ca.pem if its authority is private) or ?sslmode=require to --engine');
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code) || /timeout|ECONNREFUSED|ENOTFOUND/i.test(msg)) {
    return new InputError('engine-unreachable', `Cannot reach ${server} at ${where} (${code || msg.split('\n')[0]})`, 'Check the host and port in --engine and that the server is running');
  }
  if (code === '28P01' || code === '28000' || /password|authentication/i.test(msg)) {
    return new InputError('engine-auth', `${server} at ${where} refused the login (${msg.split('\n')[0]})`, 'Check the user name and password in --engine');
  }
  if (code === '3D000') {
    return new InputError('engine-database', `${server} at ${where}: ${msg.split('\n')[0]}`, 'Check the database name at the end of --engine');
  }
  return err instanceof Error ? err : new Error(msg);
}
