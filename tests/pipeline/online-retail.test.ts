import { rowObjects } from '../../src/engine/engine.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type Analysis } from '../../src/pipeline/analyze.js';
import { analysisArtifacts } from '../../src/pipeline/artifacts.js';
import { numbers } from '../../src/engine/engine.js';
import { DATA } from '../helpers/cli.js';

describe('Online Retail (541,909 order lines)', () => {
  let a: Analysis;
  let files: Record<string, string>;
  beforeAll(async () => {
    a = await analyze(join(DATA, 'online-retail.csv.gz'));
    files = analysisArtifacts(a);
  });
  afterAll(async () => {
    await a?.engine.close();
  });

  it('reads every line and finds the published facts', () => {
    expect(a.load.rows).toBe(541_909);
    expect(a.facts.invoices).toBe(25_900);
    expect(a.facts.rawCustomers).toBe(4_372);
    expect(a.detection.shape).toBe('order-log');
    expect(a.detection.roles).toMatchObject({ customer: 'CustomerID', order: 'InvoiceNo', timestamp: 'InvoiceDate', quantity: 'Quantity', price: 'UnitPrice', country: 'Country' });
  });

  it('removes exactly the 5,268 duplicate lines and logs every step with counts', () => {
    const steps = Object.fromEntries(a.cleaning!.steps.map((s) => [s.step, s.rows]));
    expect(steps.duplicates).toBe(5_268);
    // 135,080 lines lack a customer id in the raw file; 43 of those are among the duplicates.
    expect(steps['missing customer id']).toBe(135_037);
    expect(steps['cancellations and returns']).toBeGreaterThan(9_000);
    expect(a.cleaning!.dateFormat).toBe('YYYY-MM-DD');
    const log = JSON.parse(files['cleaning-log.json']);
    expect(log.steps.map((s: { step: string }) => s.step)).toContain('outlying amounts');
  });

  it('nets cancellations: a customer who bought and fully returned has zero net revenue', async () => {
    // Customer 12346 bought 74,215 units for 77,183.60 and cancelled the same order.
    const r = rowObjects(a.customers).find((c) => c.customer_id === '12346')!;
    expect(r.monetary).toBeCloseTo(0, 6);
    expect(r.gross_sales).toBeCloseTo(77_183.6, 2);
    expect(r.return_rate).toBeCloseTo(1, 6);
    expect(r.frequency).toBe(1);
  });

  it('scores RFM with every customer in exactly one segment', () => {
    const rfm = a.rfm!;
    const total = rfm.segments.reduce((s, x) => s + x.customers, 0);
    expect(total).toBe(a.customers.rows);
    expect(a.customers.rows).toBeGreaterThan(4_300);
    expect(rfm.segment.every((s) => s !== 'Others')).toBe(true);
    expect(rfm.segments.reduce((s, x) => s + x.revenueShare, 0)).toBeCloseTo(1, 9);
    expect(new Set(rfm.segment).size).toBe(11);
  });

  it('gives equal values equal scores', () => {
    const f = numbers(a.customers, 'frequency');
    const scoreOf = new Map<number, number>();
    for (let i = 0; i < f.length; i++) {
      const prev = scoreOf.get(f[i]);
      if (prev !== undefined) expect(a.rfm!.f[i]).toBe(prev);
      scoreOf.set(f[i], a.rfm!.f[i]);
    }
    expect(scoreOf.get(1)).toBe(1);
  });

  it('builds monthly cohorts whose month 0 is 100%', () => {
    const c = a.cohorts!;
    expect(c.cohorts[0]).toBe('2010-12');
    expect(c.cohorts).toHaveLength(13);
    for (const row of c.retention) expect(row[0]).toBe(1);
    expect(c.averageCurve[0].retention).toBe(1);
    expect(c.averageCurve[1].retention).toBeGreaterThan(0.1);
    expect(c.averageCurve[1].retention).toBeLessThan(0.4);
    expect(c.sizes.reduce((s, x) => s + x, 0)).toBe(a.customers.rows);
  });

  it('measures concentration, geography and timing', () => {
    const conc = a.concentration!;
    expect(conc.top1).toBeLessThan(conc.top10);
    expect(conc.top10).toBeLessThan(conc.top20);
    expect(conc.top10).toBeGreaterThan(0.5);
    const r = a.revenue!;
    expect(r.byCountry[0].country).toBe('United Kingdom');
    expect(r.byCountry[0].revenue / r.totalRevenue).toBeGreaterThan(0.8);
    expect(r.byWeekdayHour.every((x) => x.weekday >= 1 && x.weekday <= 7 && x.hour >= 0 && x.hour < 24)).toBe(true);
    // The shop is closed on Saturdays in this data set.
    expect(r.byWeekdayHour.some((x) => x.weekday === 6)).toBe(false);
    expect(r.byMonth[0].returningCustomers).toBe(0);
    expect(r.byMonth[1].returningCustomers).toBeGreaterThan(0);
  });

  it('writes the six outputs with consistent content', () => {
    expect(Object.keys(files).sort()).toEqual(['cleaning-log.json', 'customers.csv', 'model.json', 'report.html', 'summary.json', 'summary.md']);
    expect(files['summary.md']).toMatch(/^# Customer analysis: online-retail\.csv\.gz/);
    expect(files['summary.md']).toMatch(/## Recommendations/);
    const csv = files['customers.csv'].trimEnd().split('\n');
    expect(csv).toHaveLength(a.customers.rows + 1);
    expect(csv[0]).toContain('rfm_segment');
    const summary = JSON.parse(files['summary.json']);
    expect(summary.facts).toMatchObject({ invoices: 25_900, rawCustomers: 4_372 });
    expect(summary.findings.length).toBeGreaterThan(3);
    const html = files['report.html'];
    for (const id of ['summary', 'rfm', 'cohorts', 'revenue', 'data']) expect(html).toContain(`id="${id}"`);
    expect(html).not.toMatch(/<script[^>]+src=/);
    // Self-contained: nothing is fetched when the report opens.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });
});

describe('input is never modified', () => {
  it('leaves the file byte-identical', async () => {
    const path = join(DATA, 'ecommerce-customer-behavior.csv');
    const before = readFileSync(path);
    const a = await analyze(path);
    await a.engine.close();
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
