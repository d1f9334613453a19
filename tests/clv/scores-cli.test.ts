import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, DATA, tempDir } from '../helpers/cli.js';
import { CHURN_RISK_CUTOFFS } from '../../src/clv/scores.js';

let dir: string;
beforeAll(() => {
  dir = tempDir();
});

function parseCsv(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trim().split('\n');
  const names = head.split(',');
  // The note column holds commas only inside quotes; a minimal split suffices for this file.
  return rows.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

describe('clv --out', () => {
  it('writes one row per customer with P(no purchase in 90 days), its band and a next-order date consistent with it', async () => {
    const out = join(dir, 'scores.csv');
    const r = await cli('clv', join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--calibration-end', '1997-09-30', '--as-of', '1998-06-30', '--json', '-q', '--out', out);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.scores.withheld).toBeNull();
    expect(j.scores.churnRisk.high).toBe(`>= ${CHURN_RISK_CUTOFFS.high}`);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows.length).toBe(2_357);
    const bands = { low: 0, medium: 0, high: 0 };
    for (const row of rows) {
      const p = Number(row.p_no_purchase_90d);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      const band = row.churn_risk_90d as keyof typeof bands;
      bands[band]++;
      expect(band).toBe(p >= 0.8 ? 'high' : p >= 0.5 ? 'medium' : 'low');
      // The median next order is within 90 days exactly when buying in them is more likely than not.
      if (row.next_order_date) {
        expect(row.next_order_note).toBe('');
        const days = (Date.parse(row.next_order_date) - Date.parse('1997-09-30')) / 86_400_000;
        expect(days).toBeGreaterThan(0);
        if (p < 0.49) expect(days).toBeLessThanOrEqual(91);
        if (p > 0.51) expect(days).toBeGreaterThan(89);
      } else {
        expect(row.next_order_note).toMatch(/unlikely to buy again|beyond/);
      }
      expect(Number(row.p_alive_in_90d)).toBeLessThanOrEqual(Number(row.p_alive_paretonbd) + 1e-12);
      const e = Number(row.expected_purchases_12m_paretonbd);
      expect(Number(row.expected_purchases_12m_low90)).toBeLessThan(e * (1 + 1e-9));
      expect(Number(row.expected_purchases_12m_high90)).toBeGreaterThan(e * (1 - 1e-9));
      const clv = Number(row.clv_12m_paretonbd);
      expect(clv).toBeGreaterThan(0);
      expect(Number(row.clv_12m_low90)).toBeLessThan(clv * (1 + 1e-9));
      expect(Number(row.clv_12m_high90)).toBeGreaterThan(clv * (1 - 1e-9));
      // DERT counts every future purchase, each discounted by less than a year's 1% a month in its first year.
      expect(Number(row.dert)).toBeGreaterThan(e / 1.01 ** 12);
    }
    expect(bands).toEqual(j.scores.churnRisk.customers);
    expect(j.scores.expectedPurchasesInterval.withheld).toBeNull();
    expect(j.scores.clvInterval).toMatchObject({ level: 0.9, withheld: null });
    expect(j.scores.clvInterval.method).toMatch(/Gamma-Gamma/);
    expect(j.scores.dert.withheld).toBeNull();
  }, 60_000);

  it('analyze adds the score columns to customers.csv and their definitions to summary.json', async () => {
    const out = join(dir, 'analyze');
    const r = await cli('analyze', join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--out', out, '-q', '--no-segments');
    expect(r.code).toBe(0);
    const header = readFileSync(join(out, 'customers.csv'), 'utf8').split('\n')[0].split(',');
    for (const c of ['p_no_purchase_90d', 'churn_risk_90d', 'next_order_date', 'next_order_note', 'p_alive_in_90d', 'dert', 'clv_12m_low90', 'clv_12m_high90']) expect(header).toContain(c);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.clv.scores.model).toBe(summary.clv.best);
    expect(summary.clv.scores.churnRisk.low).toBe('< 0.5');
  }, 60_000);

  it('an unwritable --out is a one-line error', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await cli('clv', join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '-q', '--out', join(file, 'scores.csv'));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n').length).toBe(1);
  }, 60_000);
});
