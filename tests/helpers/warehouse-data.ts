import { chownSync, createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { literal } from '../../src/engine/engine.js';
import { isRoot } from './servers.js';
import { CLUSTER, type ChCluster } from './clickhouse.js';
import type { PgServer } from './postgres.js';

/**
 * Online Retail as a warehouse holds it: typed columns (quantity an integer, prices and ids doubles, the invoice
 * date a timestamp), every row of the file (duplicates included), written by DuckDB from the same CSV with the same
 * null markers clientele's reader uses.
 */
export const ONLINE_RETAIL = join(import.meta.dirname, '../../data/online-retail.csv.gz');

const COLUMNS = `{'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Description': 'VARCHAR', 'Quantity': 'BIGINT', 'InvoiceDate': 'TIMESTAMP', 'UnitPrice': 'DOUBLE', 'CustomerID': 'DOUBLE', 'Country': 'VARCHAR'}`;
const NULLS = "nullstr=['', '#N/A', 'N/A', '#NA', 'NULL', 'null', '#VALUE!', '#DIV/0!']";

/** Write the typed extract as CSV (for PostgreSQL's COPY) and JSON lines (for ClickHouse) into `dir`. */
export async function typedExtract(dir: string, csvFile = ONLINE_RETAIL): Promise<{ csv: string; json: string }> {
  const db = await DuckDbEngine.open({ threads: 2 });
  try {
    const csv = join(dir, 'orders.csv');
    const json = join(dir, 'orders.json');
    const select = `SELECT * FROM read_csv(${literal(csvFile)}, header=true, columns=${COLUMNS}, ${NULLS})`;
    await db.exec(`COPY (${select}) TO ${literal(csv)} (HEADER, DELIMITER ',')`);
    await db.exec(`COPY (${select}) TO ${literal(json)} (FORMAT json)`);
    return { csv, json };
  } finally {
    await db.close();
  }
}

export const PG_TABLE_SQL = (name: string) => `CREATE TABLE ${name} (
  "InvoiceNo" text, "StockCode" text, "Description" text, "Quantity" integer, "InvoiceDate" timestamp,
  "UnitPrice" double precision, "CustomerID" double precision, "Country" text)`;

/** Load the extract into PostgreSQL as `orders` (server-side COPY: the server reads the file, so it owns it). */
export async function loadPostgres(server: PgServer, csv: string): Promise<void> {
  const c = await server.admin();
  try {
    await c.query(PG_TABLE_SQL('orders'));
    const copy = join(server.dir, 'orders.csv');
    const { copyFileSync } = await import('node:fs');
    copyFileSync(csv, copy);
    if (isRoot) chownSync(copy, 65534, 65534);
    await c.query(`COPY orders FROM ${literal(copy)} WITH (FORMAT csv, HEADER true)`);
    await c.query('ANALYZE orders');
  } finally {
    await c.end();
  }
}

export const CH_COLUMNS = `(InvoiceNo Nullable(String), StockCode Nullable(String), Description Nullable(String), Quantity Nullable(Int64),
  InvoiceDate Nullable(DateTime), UnitPrice Nullable(Float64), CustomerID Nullable(Float64), Country Nullable(String))`;

/**
 * Load the extract into the two-shard cluster: a MergeTree `orders_local` on each shard and a Distributed `orders`
 * over them sharded by the customer id, inserted through the Distributed table synchronously.
 */
export async function loadClickHouse(cluster: ChCluster, json: string): Promise<void> {
  for (const s of cluster.shards) {
    await s.sql(`CREATE TABLE shop.orders_local ${CH_COLUMNS} ENGINE = MergeTree ORDER BY tuple()`);
    await s.sql(`CREATE TABLE shop.orders AS shop.orders_local ENGINE = Distributed(${CLUSTER}, shop, orders_local, cityHash64(ifNull(CustomerID, 0)))`);
  }
  await postFile(cluster, cluster.shards[0].httpPort, 'INSERT INTO shop.orders FORMAT JSONEachRow', json, { insert_distributed_sync: 1 });
}

/** Stream a file as the body of one ClickHouse HTTP request. */
export function postFile(cluster: ChCluster, port: number, query: string, file: string, settings: Record<string, string | number> = {}): Promise<void> {
  const params = new URLSearchParams({ user: cluster.user, password: cluster.password, query, ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])) });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/?${params}` }, (res) => {
      let body = '';
      res.on('data', (b) => (body += b));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`ClickHouse insert failed: ${body.trim()}`))));
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
