import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, type Analysis } from '../../src/pipeline/analyze.js';
import { analyzeTable } from '../../src/pipeline/warehouse.js';
import { connectEngine } from '../../src/engine/connect.js';
import { numbers, rowObjects, strings } from '../../src/engine/engine.js';
import { caseVariantIdsAggregation, repeatedTotalsAggregation, sharedOrdersAggregation } from '../../src/sql/definitions.js';
import { ShardedLines } from '../../src/sql/lines.js';
import { clvStage, transactionLog } from '../../src/pipeline/stages.js';
import { postgresAvailable, startPostgres, type PgServer } from '../helpers/postgres.js';
import { clickhouseAvailable, startClickHouse, type ChCluster } from '../helpers/clickhouse.js';
import { loadClickHouse, loadPostgres, ONLINE_RETAIL, tempDir, typedExtract } from '../helpers/warehouse-data.js';

/**
 * The same analysis three ways: the embedded run on the Online Retail file, and the pushed-down run on the same
 * rows in a real PostgreSQL server and a real two-shard ClickHouse cluster. Customer tables, RFM segments and
 * cohort matrices must be identical, money to the cent.
 */
const pgOk = postgresAvailable();
const chOk = clickhouseAvailable();
if (!pgOk.ok) console.warn(`PostgreSQL engine tests skipped: ${pgOk.reason}`);
if (!chOk.ok) console.warn(`ClickHouse engine tests skipped: ${chOk.reason}`);

let embedded: Analysis;
let pg: PgServer | undefined;
let ch: ChCluster | undefined;
const tmp = tempDir('clientele-extract-');

beforeAll(async () => {
  const extract = await typedExtract(tmp.dir);
  // Servers are kept as soon as they run, so a failing load still stops them in afterAll.
  [pg, ch] = await Promise.all([pgOk.ok ? startPostgres(pgOk.bin) : undefined, chOk.ok ? startClickHouse(chOk.bin) : undefined]);
  [embedded] = await Promise.all([analyze(ONLINE_RETAIL), pg && loadPostgres(pg, extract.csv), ch && loadClickHouse(ch, extract.json)]);
}, 300_000);

afterAll(async () => {
  await embedded?.engine.close();
  await pg?.stop();
  await ch?.stop();
  tmp.remove();
}, 60_000);

const MONEY = new Set(['monetary', 'gross_sales', 'returns_value', 'avg_order_value']);

function expectSameCustomers(got: Analysis, want: Analysis): void {
  expect(got.customers.names).toEqual(want.customers.names);
  expect(got.customers.rows).toBe(want.customers.rows);
  for (const name of want.customers.names) {
    const w = want.customers.columns[want.customers.names.indexOf(name)];
    const g = got.customers.columns[got.customers.names.indexOf(name)];
    if (typeof w.find((v) => v !== null) === 'number') {
      const gn = numbers(got.customers, name);
      const wn = numbers(want.customers, name);
      let worst = 0;
      for (let i = 0; i < wn.length; i++) worst = Math.max(worst, Number.isNaN(wn[i]) && Number.isNaN(gn[i]) ? 0 : Math.abs(gn[i] - wn[i]) / (MONEY.has(name) ? 1 : Math.max(1, Math.abs(wn[i]))));
      expect(worst, name).toBeLessThan(MONEY.has(name) ? 0.005 : 1e-9);
    } else {
      expect(strings(got.customers, name), name).toEqual(w.map((v) => (v === null ? null : String(v))));
      expect(g.length).toBe(w.length);
    }
  }
}

function expectSameRfmAndCohorts(got: Analysis, want: Analysis): void {
  expect(got.rfm!.segment).toEqual(want.rfm!.segment);
  expect(Array.from(got.rfm!.r)).toEqual(Array.from(want.rfm!.r));
  expect(Array.from(got.rfm!.f)).toEqual(Array.from(want.rfm!.f));
  expect(Array.from(got.rfm!.m)).toEqual(Array.from(want.rfm!.m));
  expect(got.rfm!.segments.map((s) => [s.segment, s.customers])).toEqual(want.rfm!.segments.map((s) => [s.segment, s.customers]));
  for (let i = 0; i < want.rfm!.segments.length; i++) expect(Math.abs(got.rfm!.segments[i].revenue - want.rfm!.segments[i].revenue)).toBeLessThan(0.005);
  const gc = got.cohorts!;
  const wc = want.cohorts!;
  expect(gc.cohorts).toEqual(wc.cohorts);
  expect(gc.sizes).toEqual(wc.sizes);
  expect(gc.retention).toEqual(wc.retention);
  for (let c = 0; c < wc.revenue.length; c++)
    for (let k = 0; k < wc.revenue[c].length; k++) expect(Math.abs((gc.revenue[c][k] as number) - (wc.revenue[c][k] as number))).toBeLessThan(0.005);
  expect(got.cleaning!.steps.map((s) => [s.step, s.rows])).toEqual(want.cleaning!.steps.map((s) => [s.step, s.rows]));
}

/** Same shape and values; numbers (counts and money alike) within half a cent. */
function expectClose(got: unknown, want: unknown, path = ''): void {
  if (typeof want === 'number') {
    expect(typeof got, path).toBe('number');
    expect(Math.abs((got as number) - want), path).toBeLessThan(0.005);
  } else if (Array.isArray(want)) {
    expect((got as unknown[]).length, path).toBe(want.length);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w, `${path}[${i}]`));
  } else if (want && typeof want === 'object') {
    expect(Object.keys(got as object).sort(), path).toEqual(Object.keys(want).sort());
    for (const [k, w] of Object.entries(want)) expectClose((got as Record<string, unknown>)[k], w, `${path}.${k}`);
  } else expect(got, path).toEqual(want);
}

/** CLV's input: the same purchase days per customer, spend to the cent. */
async function expectSameTransactions(got: Analysis, want: Analysis): Promise<void> {
  const [g, w] = await Promise.all([transactionLog(got.lines!), transactionLog(want.lines!)]);
  expect(g.ids).toEqual(w.ids);
  expect(Array.from(g.customer)).toEqual(Array.from(w.customer));
  expect(Array.from(g.days)).toEqual(Array.from(w.days));
  let worst = 0;
  for (let i = 0; i < w.amount.length; i++) worst = Math.max(worst, Number.isNaN(w.amount[i]) && Number.isNaN(g.amount[i]) ? 0 : Math.abs(g.amount[i] - w.amount[i]));
  expect(worst).toBeLessThan(0.005);
}

/** CLV runs in clientele on the per-customer purchase days: the same fits and per-customer CLV. */
async function expectSameClv(got: Analysis, want: Analysis): Promise<void> {
  const [g, w] = await Promise.all([clvStage(got, { observationEnd: got.asOf! }), clvStage(want, { observationEnd: want.asOf! })]);
  expect(g.result.models.map((m) => m.params)).toEqual(w.result.models.map((m) => m.params));
  expect(g.result.spend?.params).toEqual(w.result.spend?.params);
  expect(g.rows.ids).toEqual(w.rows.ids);
  expect(g.rows.columns).toEqual(w.rows.columns);
}

const servers = [
  { name: 'PostgreSQL engine on Online Retail', ok: pgOk.ok, url: () => pg!.url, sharded: false },
  { name: 'two-shard ClickHouse engine on Online Retail', ok: chOk.ok, url: () => ch!.url, sharded: true },
];

for (const server of servers) {
  describe.runIf(server.ok)(server.name, () => {
    let a: Analysis;
    beforeAll(async () => {
      a = await analyzeTable(await connectEngine(server.url()), 'orders');
    }, 300_000);
    afterAll(async () => a?.engine.close());

    if (server.sharded) {
      it('runs the per-customer aggregation on both shards (the table is sharded by customer)', async () => {
        expect(a.lines).toBeInstanceOf(ShardedLines);
        const counts = await Promise.all(ch!.shards.map((s) => s.sql('SELECT count() FROM shop.orders_local')));
        expect(counts.map(Number).every((n) => n > 100_000)).toBe(true);
      });
    }
    it('gives the embedded run’s customer table, money to the cent', () => expectSameCustomers(a, embedded));
    it('gives the same RFM scores and segments, cohort matrix and cleaning counts', () => expectSameRfmAndCohorts(a, embedded));
    it('gives the same populations and revenue patterns (by country, weekday × hour, month)', () => {
      expectClose(a.populations, embedded.populations, 'populations');
      expectClose(a.revenue, embedded.revenue, 'revenue');
    });
    it('counts the same orders for the repeated-order-total and shared-order checks, and the same case-variant ids', async () => {
      const count = async (x: Analysis) => ({
        ...rowObjects(await x.lines!.aggregate(repeatedTotalsAggregation(x.lines!.d)))[0],
        ...rowObjects(await x.lines!.aggregate(sharedOrdersAggregation(x.lines!.d)))[0],
        ...rowObjects(await x.lines!.aggregate(caseVariantIdsAggregation(x.lines!.d)))[0],
      });
      const [got, want] = await Promise.all([count(a), count(embedded)]);
      expect(Number(want.varied_orders)).toBeGreaterThan(10_000);
      const counts = (r: Record<string, unknown>) => [Number(r.varied_orders), Number(r.one_amount), Number(r.shared_orders), Number(r.case_groups)];
      expect(counts(got)).toEqual(counts(want));
    });
    it('gives the same transaction log for CLV', () => expectSameTransactions(a, embedded));
    it('gives the same CLV fits and per-customer scores', () => expectSameClv(a, embedded));
  });
}
