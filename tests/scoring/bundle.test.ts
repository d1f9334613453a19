import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, DATA, tempDir } from '../helpers/cli.js';
import { readCsvColumns } from '../../src/pipeline/checks.js';
import { analyze, type Analysis } from '../../src/pipeline/analyze.js';
import { customerInput } from '../../src/pipeline/customer-input.js';
import { recordsToInput } from '../../src/scoring/records.js';
import { loadScorer } from '../../src/models/registry.js';
import { findColumn } from '../../src/data/table.js';
import { numbers, strings } from '../../src/engine/engine.js';
import type { CustomerRecord } from '../../src/scoring/contract.js';
import { ANALYTIC_LINE } from '../../src/clean/lines.js';

/**
 * model.json is "everything needed to score a new customer exactly as the analysis did": scoring the very file
 * it was fitted on must give back customers.csv's RFM scores, RFM segment and k-means segments, customer by customer.
 */
const RETAIL = join(DATA, 'online-retail.csv.gz');
let out: string;
let csv: Record<string, string[]>;
let scored: Record<string, string[]>;
const parseCsv = (text: string) => Object.fromEntries(readCsvColumns(text));
let model: unknown;

beforeAll(async () => {
  out = join(tempDir('clientele-bundle-'), 'out');
  const r = await cli('analyze', RETAIL, '--out', out, '-q');
  expect(r.code, r.stderr).toBe(0);
  csv = parseCsv(readFileSync(join(out, 'customers.csv'), 'utf8'));
  model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
  const s = await cli('score', RETAIL, '--model', join(out, 'model.json'), '-q', '--output', join(out, 'scores.csv'));
  expect(s.code, s.stderr).toBe(0);
  scored = parseCsv(readFileSync(join(out, 'scores.csv'), 'utf8'));
}, 120_000);

describe('model.json scores the analysed customers exactly as customers.csv placed them', () => {
  it('is one versioned bundle with its parts, training stamp and fingerprint', () => {
    expect(model).toMatchObject({ format: 'clientele-model', version: 2, kind: 'bundle' });
    const m = model as { trainedAt: string; fingerprint: string; params: { components: Record<string, { kind: string }>; asOf: string } };
    expect(Date.parse(m.trainedAt)).toBeGreaterThan(Date.parse('2026-01-01'));
    expect(m.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Object.keys(m.params.components)).toEqual(expect.arrayContaining(['rfm', 'segmentation', 'rules']));
    expect(m.params.asOf).toBe('2011-12-09');
  });

  it('same customers, same RFM scores and segments, same k-means segment and sub-segment', () => {
    expect(scored.customer_id).toEqual(csv.customer_id);
    expect(scored.customer_id.length).toBe(4334);
    for (const [a, b] of [['r_score', 'r_score'], ['f_score', 'f_score'], ['m_score', 'm_score'], ['rfm_segment', 'rfm_segment'], ['segment', 'segment'], ['subsegment', 'subsegment']]) {
      const mismatches = scored[a].filter((v, i) => v !== csv[b][i]).length;
      expect(mismatches, a).toBe(0);
    }
  });

  it('the same CLV columns, value for value: expected purchases and interval, spend, CLV, churn risk, next order, DERT', () => {
    const clvColumns = Object.keys(scored).filter((k) => /^(p_|expected_|clv_|churn_|next_order|dert)/.test(k));
    expect(clvColumns).toEqual(expect.arrayContaining(['expected_purchases_12m_bgnbd', 'expected_purchases_12m_low90', 'clv_12m_bgnbd', 'p_no_purchase_90d', 'churn_risk_90d', 'next_order_date']));
    for (const k of clvColumns) expect(sameColumn(scored[k], csv[k]), k).toBe(0);
  });
});

/** Cells that differ, numbers compared to 1e-12 relative (both sides print the same doubles; this guards formatting only). */
function sameColumn(a: string[], b: string[]): number {
  expect(a.length).toBe(b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const [x, y] = [Number(a[i]), Number(b[i])];
    if (!(a[i] !== '' && b[i] !== '' && Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x)))) bad++;
  }
  return bad;
}

describe('CDNOW (no order id, Pareto/NBD-type dropout): model.json scores the file as analyze placed it', () => {
  it('RFM, segments and the CLV columns of every customer', async () => {
    const o = join(tempDir('clientele-bundle-cd-'), 'out');
    const file = join(DATA, 'cdnow-sample.txt.gz');
    const cols = ['--columns', 'customer,_,date,quantity,amount'];
    expect((await cli('analyze', file, ...cols, '--out', o, '-q')).code).toBe(0);
    expect((await cli('score', file, ...cols, '--model', join(o, 'model.json'), '-q', '--output', join(o, 'scores.csv'))).code).toBe(0);
    const want = parseCsv(readFileSync(join(o, 'customers.csv'), 'utf8'));
    const got = parseCsv(readFileSync(join(o, 'scores.csv'), 'utf8'));
    expect(got.customer_id).toEqual(want.customer_id);
    const shared = Object.keys(got).filter((k) => k in want && k !== 'customer_id');
    expect(shared).toEqual(expect.arrayContaining(['rfm_segment', 'segment', 'p_no_purchase_90d', 'next_order_date', 'p_alive_in_90d']));
    expect(shared.some((k) => k.startsWith('p_alive_'))).toBe(true);
    for (const k of shared) expect(sameColumn(got[k], want[k]), k).toBe(0);
  }, 120_000);

  it('every customer matches exactly one rule, and the rules agree with the segments as summary.json says', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(scored.rule.every((r) => r.startsWith('IF '))).toBe(true);
    const agree = scored.rule_prediction.filter((p, i) => p === csv.segment[i]).length / csv.segment.length;
    expect(agree).toBeCloseTo(summary.segments.rules.agreement, 12);
    expect(agree).toBeGreaterThan(0.8);
  });
});

describe('a purchase history gives the features analyze computes from the order lines', () => {
  let a: Analysis;
  beforeAll(async () => {
    a = await analyze(RETAIL);
  }, 60_000);

  it('for all 4,334 customers: recency, frequency, monetary, gross, returns, order value, items, products, tenure, gaps, return rate, weekend share', async () => {
    // Purchase records from the cleaned lines in SQL: one per order and line time (an order's lines can carry
    // different minutes), with the order id so they count as one order; a 'C' invoice is a return.
    const q = await a.engine.query(`
      SELECT customer_id, order_id, strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, sum(amount)::DOUBLE AS amount,
        sum(quantity)::DOUBLE AS items, string_agg(DISTINCT product, chr(31)) AS products, bool_or(is_cancel) AS ret
      FROM lines WHERE ${ANALYTIC_LINE} AND NOT status_cancel
      GROUP BY customer_id, order_id, ts ORDER BY customer_id, ts`);
    const ids = strings(q, 'customer_id');
    const orders = strings(q, 'order_id');
    const ts = strings(q, 'ts');
    const amount = numbers(q, 'amount');
    const items = numbers(q, 'items');
    const productsCol = q.columns[q.names.indexOf('products')];
    const byCustomer = new Map<string, CustomerRecord>();
    for (let i = 0; i < q.rows; i++) {
      const id = ids[i]!;
      const rec = byCustomer.get(id) ?? { customer_id: id, purchases: [] };
      rec.purchases!.push({ date: ts[i]!, amount: amount[i], order_id: orders[i]!, items: items[i], products: String(productsCol[i]).split(String.fromCharCode(31)) });
      byCustomer.set(id, rec);
    }
    const tableIds = strings(a.customers, 'customer_id');
    const records = tableIds.map((id) => byCustomer.get(id!)!);
    const names = ['recency_days', 'frequency', 'monetary', 'gross_sales', 'returns_value', 'avg_order_value', 'items', 'distinct_products', 'tenure_days', 'mean_days_between_orders', 'return_rate', 'weekend_share'];
    const input = recordsToInput(records, { features: names.map((name) => ({ name, type: 'number' as const })), purchases: 'optional' }, a.asOf!);
    for (const name of names) {
      const want = numbers(a.customers, name);
      const got = (findColumn(input.features, name) as { values: Float64Array }).values;
      let worst = 0;
      for (let i = 0; i < want.length; i++) {
        if (Number.isNaN(want[i]) || Number.isNaN(got[i])) expect(Number.isNaN(got[i]), `${name} ${tableIds[i]}`).toBe(Number.isNaN(want[i]));
        else worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
      }
      expect(worst, name).toBeLessThan(1e-9);
    }
  }, 60_000);

  it('and the bundle scores those records (features and purchase days) as `score` scores the file, CLV included', async () => {
    const scorer = loadScorer(model);
    const fromFile = scorer.score(await customerInput(a, scorer.inputs));
    const input = await customerInput(a, scorer.inputs);
    const purchases = new Map<number, { date: string; amount: number }[]>();
    const log = input.log!;
    for (let k = 0; k < log.customer.length; k++) {
      const list = purchases.get(log.customer[k]) ?? [];
      list.push({ date: new Date(log.days[k] * 86_400_000).toISOString().slice(0, 10), amount: log.amount![k] });
      purchases.set(log.customer[k], list);
    }
    const records: CustomerRecord[] = input.ids.map((id, i) => ({
      customer_id: id,
      features: Object.fromEntries(input.features.columns.map((c) => [c.name, c.kind === 'category' ? (c.codes[i] < 0 ? null : c.levels[c.codes[i]]) : Number.isNaN(c.values[i]) ? null : c.values[i]])),
      purchases: purchases.get(i) ?? [],
    }));
    const fromRecords = scorer.score(recordsToInput(records, scorer.inputs, a.asOf!));
    expect(fromRecords.names).toEqual(fromFile.names);
    expect(fromRecords.names).toContain('clv_12m_bgnbd');
    expect(fromRecords.columns).toEqual(fromFile.columns);
  }, 60_000);
});

describe('a log without amounts (date,id): model.json scores it as analyze placed it', () => {
  it('RFM and the purchase-count CLV columns of every customer; no spend is asked for', async () => {
    const o = join(tempDir('clientele-bundle-dates-'), 'out');
    const file = new URL('../fixtures/shapes/date-id.csv', import.meta.url).pathname;
    expect((await cli('analyze', file, '--out', o, '-q')).code).toBe(0);
    const s = await cli('score', file, '--model', join(o, 'model.json'), '-q', '--output', join(o, 'scores.csv'));
    expect(s.code, s.stderr).toBe(0);
    const want = parseCsv(readFileSync(join(o, 'customers.csv'), 'utf8'));
    const got = parseCsv(readFileSync(join(o, 'scores.csv'), 'utf8'));
    const shared = Object.keys(got).filter((k) => k in want && k !== 'customer_id');
    expect(shared).toEqual(expect.arrayContaining(['p_no_purchase_90d', 'next_order_date']));
    expect(shared.some((k) => k.startsWith('expected_purchases_12m_'))).toBe(true);
    for (const k of shared) expect(sameColumn(got[k], want[k]), k).toBe(0);
  }, 60_000);
});
