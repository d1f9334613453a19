import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, expectOneLine, tempDir } from '../helpers/cli.js';
import { freePorts } from '../helpers/servers.js';
import { postgresAvailable, startPostgres, type PgServer } from '../helpers/postgres.js';
import { CLUSTER, clickhouseAvailable, startClickHouse, type ChCluster } from '../helpers/clickhouse.js';

/**
 * Bad input on the warehouse engines, through the CLI's run(): each is one line on stderr and exit code 2. And
 * hostile table and column names (quotes of every kind, backslashes, semicolons, SQL keywords) on all three
 * engines: the analysis reads them as names, every engine gives the same customers, and nothing else is touched.
 */
const pgOk = postgresAvailable();
const chOk = clickhouseAvailable();
if (!pgOk.ok) console.warn(`PostgreSQL engine tests skipped: ${pgOk.reason}`);
if (!chOk.ok) console.warn(`ClickHouse engine tests skipped: ${chOk.reason}`);

let pg: PgServer | undefined;
let ch: ChCluster | undefined;
let closedPort: number;
const out = tempDir('clientele-engine-out-');

/** A small order log with planted truth: 30 customers, each with (1 + id % 4) orders of 2 lines. */
function rows(): { invoice: string; code: string; qty: number; date: string; price: number; customer: number; country: string }[] {
  const r = [];
  for (let c = 1; c <= 30; c++)
    for (let o = 0; o <= c % 4; o++)
      for (let l = 0; l < 2; l++) {
        const day = 1 + ((c * 7 + o * 11) % 28);
        r.push({ invoice: `${500000 + c * 10 + o}`, code: `8500${l}${c % 3}`, qty: 1 + ((c + l) % 5), date: `2011-0${1 + (o % 9)}-${String(day).padStart(2, '0')} 10:${String(l * 5).padStart(2, '0')}:00`, price: 1.25 + ((c * 3 + l) % 7) * 0.5, customer: 12000 + c, country: c % 5 === 0 ? 'France' : 'United Kingdom' });
      }
  return r;
}

// Each name closes a quote of some engine, ends a statement and starts another, or is a keyword.
const HOSTILE_TABLE = `orders"; DROP TABLE sentinel; --'\`\\`;
const COL = {
  invoice: `Invoice"No'; DROP TABLE sentinel; --`,
  code: 'select',
  qty: `Qty\`) FROM x; --`,
  date: 'from',
  price: `Price\\'`,
  customer: `Customer "ID"; DELETE FROM sentinel`,
  country: 'where',
};
const MAP = ['--map', `order=${COL.invoice}`, '--map', `product=${COL.code}`, '--map', `quantity=${COL.qty}`, '--map', `timestamp=${COL.date}`, '--map', `price=${COL.price}`, '--map', `customer=${COL.customer}`, '--map', `country=${COL.country}`];
const pgIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const pgLit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const chIdent = (s: string) => `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
const chLit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const cols = Object.values(COL);

beforeAll(async () => {
  [closedPort] = await freePorts(1);
  const data = rows();
  // Servers are kept as soon as they run, so a failing setup still stops them in afterAll.
  [pg, ch] = await Promise.all([pgOk.ok ? startPostgres(pgOk.bin) : undefined, chOk.ok ? startClickHouse(chOk.bin) : undefined]);
  await Promise.all([
    pg
      ? (async (s: PgServer) => {
          const c = await s.admin();
          await c.query('CREATE TABLE sentinel (x integer)');
          await c.query('INSERT INTO sentinel VALUES (1)');
          await c.query(`CREATE TABLE ${pgIdent(HOSTILE_TABLE)} (${pgIdent(COL.invoice)} text, ${pgIdent(COL.code)} text, ${pgIdent(COL.qty)} integer, ${pgIdent(COL.date)} timestamp, ${pgIdent(COL.price)} double precision, ${pgIdent(COL.customer)} double precision, ${pgIdent(COL.country)} text)`);
          await c.query(`INSERT INTO ${pgIdent(HOSTILE_TABLE)} VALUES ${data.map((r) => `(${pgLit(r.invoice)}, ${pgLit(r.code)}, ${r.qty}, ${pgLit(r.date)}, ${r.price}, ${r.customer}, ${pgLit(r.country)})`).join(', ')}`);
          await c.query(`CREATE VIEW text_dates AS SELECT ${pgIdent(COL.invoice)} AS "InvoiceNo", ${pgIdent(COL.customer)} AS "CustomerID", CAST(${pgIdent(COL.date)} AS text) AS "InvoiceDate", ${pgIdent(COL.qty)} AS "Quantity", ${pgIdent(COL.price)} AS "UnitPrice" FROM ${pgIdent(HOSTILE_TABLE)}`);
          await c.end();
        })(pg)
      : undefined,
    ch
      ? (async (s: ChCluster) => {
          const local = `${HOSTILE_TABLE}_local`;
          const def = `(${chIdent(COL.invoice)} Nullable(String), ${chIdent(COL.code)} Nullable(String), ${chIdent(COL.qty)} Nullable(Int64), ${chIdent(COL.date)} Nullable(DateTime), ${chIdent(COL.price)} Nullable(Float64), ${chIdent(COL.customer)} Nullable(Float64), ${chIdent(COL.country)} Nullable(String))`;
          for (const shard of s.shards) {
            await shard.sql('CREATE TABLE shop.sentinel (x UInt8) ENGINE = MergeTree ORDER BY tuple()');
            await shard.sql('INSERT INTO shop.sentinel VALUES (1)');
            await shard.sql(`CREATE TABLE shop.${chIdent(local)} ${def} ENGINE = MergeTree ORDER BY tuple()`);
            await shard.sql(`CREATE TABLE shop.${chIdent(HOSTILE_TABLE)} AS shop.${chIdent(local)} ENGINE = Distributed(${CLUSTER}, shop, ${chIdent(local)}, cityHash64(ifNull(${chIdent(COL.customer)}, 0)))`);
          }
          await s.shards[0].sql(`INSERT INTO shop.${chIdent(HOSTILE_TABLE)} VALUES ${data.map((r) => `(${chLit(r.invoice)}, ${chLit(r.code)}, ${r.qty}, ${chLit(r.date)}, ${r.price}, ${r.customer}, ${chLit(r.country)})`).join(', ')}`, undefined, { insert_distributed_sync: 1 });
          await s.shards[0].sql('CREATE TABLE shop.string_qty (InvoiceNo String, CustomerID Float64, InvoiceDate DateTime, Quantity String, UnitPrice Float64) ENGINE = MergeTree ORDER BY tuple()');
        })(ch)
      : undefined,
  ]);
  const csv = [cols.map((c) => `"${c.replace(/"/g, '""')}"`).join(','), ...data.map((r) => [r.invoice, r.code, r.qty, r.date, r.price, r.customer, r.country].join(','))].join('\n');
  writeFileSync(join(out, 'hostile.csv'), csv + '\n');
}, 180_000);

afterAll(async () => {
  await pg?.stop();
  await ch?.stop();
  rmSync(out, { recursive: true, force: true });
}, 60_000);


const analyzeTable = (url: string, table: string, ...rest: string[]) => cli('analyze', '--engine', url, '--table', table, '--out', join(out, 'run'), '--quiet', '--no-clv', '--no-segments', '--no-drivers', ...rest);

describe('bad --engine input', () => {
  it('an unreachable PostgreSQL or ClickHouse server is one line naming host and port', async () => {
    expectOneLine(await analyzeTable(`postgres://u:p@127.0.0.1:${closedPort}/shop`, 'orders'), new RegExp(`Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${closedPort} .*Check the host and port`));
    expectOneLine(await analyzeTable(`clickhouse://u:p@127.0.0.1:${closedPort}/shop`, 'orders'), new RegExp(`Cannot reach ClickHouse at 127\\.0\\.0\\.1:${closedPort} .*Check the host and port`));
  });
  it('a URL of another scheme, or --engine without --table, says what to pass', async () => {
    expectOneLine(await analyzeTable('mysql://u:p@127.0.0.1:3306/shop', 'orders'), /names no engine clientele speaks \(mysql\)/);
    expectOneLine(await cli('analyze', '--engine', 'postgres://u:p@127.0.0.1:1/x'), /--engine needs --table/);
  });
  const servers = [
    { name: 'PostgreSQL', ok: pgOk.ok, url: () => pg!.url, password: () => pg!.password, table: 'text_dates', wrong: /Column InvoiceDate \(timestamp\) is varchar in the table, not a date or timestamp\. Cast it in a view/ },
    { name: 'ClickHouse', ok: chOk.ok, url: () => ch!.url, password: () => ch!.password, table: 'string_qty', wrong: /Column Quantity \(quantity\) is varchar in the table, not a number\. Cast it in a view/ },
  ];
  for (const s of servers) {
    it.runIf(s.ok)(`${s.name}: wrong password, missing table, a column of the wrong type`, async () => {
      const r = await analyzeTable(s.url().replace(s.password(), 'not-the-password'), 'orders');
      expectOneLine(r, new RegExp(`${s.name} at 127\\.0\\.0\\.1:\\d+ refused the login .*Check the user name and password`));
      expect(r.stderr).not.toContain('not-the-password');
      expectOneLine(await analyzeTable(s.url(), 'no_such_table'), /Table no_such_table does not exist\. Check --table; tables here include /);
      expectOneLine(await analyzeTable(s.url(), s.table), s.wrong);
    });
  }
});

describe('hostile table and column names', () => {
  async function customers(run: Promise<{ code: number; stderr: string }>): Promise<string> {
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(join(out, 'run', 'customers.csv'), 'utf8');
  }

  let embedded: string;
  beforeAll(async () => {
    embedded = await customers(cli('analyze', join(out, 'hostile.csv'), '--out', join(out, 'run'), '--quiet', '--no-clv', '--no-segments', '--no-drivers', ...MAP));
  });

  it('embedded DuckDB reads a file whose headers are hostile', () => {
    const lines = embedded.trim().split('\n');
    expect(lines).toHaveLength(31);
    expect(lines[1]).toMatch(/^12001,/);
  });
  it.runIf(pgOk.ok)('PostgreSQL analyses a hostile table with hostile columns, and the other tables are untouched', async () => {
    // Stages send queries together; the engine queues them itself, so pg never warns about a busy client.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      expect(await customers(analyzeTable(pg!.url, HOSTILE_TABLE, ...MAP))).toBe(embedded);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
    const c = await pg!.admin();
    expect((await c.query('SELECT count(*)::int AS n FROM sentinel')).rows[0].n).toBe(1);
    await c.end();
  });
  it.runIf(chOk.ok)('two-shard ClickHouse analyses a hostile Distributed table over hostile local tables, and the other tables are untouched', async () => {
    expect(await customers(analyzeTable(ch!.url, HOSTILE_TABLE, ...MAP))).toBe(embedded);
    for (const s of ch!.shards) expect((await s.sql('SELECT count() FROM shop.sentinel')).trim()).toBe('1');
  });
});

describe('profile --engine', () => {
  type Profile = { rows: number; duplicateRows: number; columns: { name: string; missing: number; distinct: number; role?: string }[]; dateRange?: { first: string; last: string }; detectionProblem?: string };
  async function profileOf(...args: string[]): Promise<Profile> {
    const r = await cli('profile', ...args, '--json', ...(args.includes('text_dates') ? [] : MAP));
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Profile;
  }
  const comparable = (p: Profile) => ({ rows: p.rows, duplicateRows: p.duplicateRows, columns: p.columns.map(({ name, missing, distinct, role }) => ({ name, missing, distinct, role })), dateRange: p.dateRange && { first: p.dateRange.first, last: p.dateRange.last }, problem: p.detectionProblem });

  let embedded: Profile;
  beforeAll(async () => {
    embedded = await profileOf(join(out, 'hostile.csv'));
  });
  it('the embedded profile of the exported rows is the planted truth', () => {
    const data = rows();
    expect(embedded.rows).toBe(data.length);
    expect(embedded.duplicateRows).toBe(0);
    expect(embedded.columns.find((c) => c.name === COL.customer)).toMatchObject({ role: 'customer', missing: 0, distinct: 30 });
    expect(embedded.columns.find((c) => c.name === COL.invoice)).toMatchObject({ role: 'order', distinct: new Set(data.map((r) => r.invoice)).size });
    const dates = data.map((r) => r.date.slice(0, 16)).sort();
    expect(embedded.dateRange).toMatchObject({ first: dates[0], last: dates[dates.length - 1] });
  });
  it.runIf(pgOk.ok)('PostgreSQL profiles the hostile table as the file is profiled', async () => {
    expect(comparable(await profileOf('--engine', pg!.url, '--table', HOSTILE_TABLE))).toEqual(comparable(embedded));
  });
  it.runIf(chOk.ok)('two-shard ClickHouse profiles the hostile Distributed table as the file is profiled', async () => {
    expect(comparable(await profileOf('--engine', ch!.url, '--table', HOSTILE_TABLE))).toEqual(comparable(embedded));
  });
  it.runIf(pgOk.ok)('a text order date is named as the problem, and a missing table is one line', async () => {
    const p = await profileOf('--engine', pg!.url, '--table', 'text_dates');
    expect(p.detectionProblem).toMatch(/InvoiceDate \(timestamp\) is varchar in the table, not a date or timestamp/);
    expectOneLine(await cli('profile', '--engine', pg!.url, '--table', 'no_such_table'), /Table no_such_table does not exist/);
    expectOneLine(await cli('profile', '--engine', pg!.url), /--engine needs --table/);
  });
});
