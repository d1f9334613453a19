/** The CLV section's per-customer scores on CDNOW: the customers to win back, with their intervals. */
import { describe, expect, it } from 'vitest';
import { runClv } from '../../src/clv/run.js';
import { customerScores } from '../../src/clv/scores.js';
import { clvSection } from '../../src/report/sections/clv.js';
import type { TableBlock } from '../../src/report/section.js';
import { CALIBRATION_END, OBSERVATION_END, readCdnow } from './cdnow.js';

const log = readCdnow('cdnow-sample.txt.gz');
const result = runClv(log, { timeUnit: 'weeks', observationEnd: OBSERVATION_END, calibrationEnd: CALIBRATION_END });
const scores = customerScores(result);
const idOf = (c: number) => `id-${c}`;
const winBack = (section: ReturnType<typeof clvSection>) => section.blocks.find((b): b is TableBlock => b.kind === 'table' && b.title.startsWith('Customers to win back'));

describe('customers to win back', () => {
  const section = clvSection(result, { scores, idOf, segmentOf: (c) => (c % 2 ? 'odd' : 'even'), currency: 'USD' });
  const table = winBack(section)!;
  const col = (name: string) => table.columns.indexOf(name);
  const rowOf = new Map(Array.from(result.summary.customerIndex, (c, i) => [idOf(c), i]));
  const pred = result.predictions[result.best!]!;

  it('lists the high-risk customers with the highest CLV, in order, with their scores and 90% intervals', () => {
    expect(table.title).toBe('Customers to win back: high churn risk, highest predicted 12-month CLV');
    expect(table.columns).toEqual([
      'customer', 'segment', 'CLV', 'CLV low', 'CLV high', 'purchases', 'purchases low', 'purchases high', 'P(alive)', 'P(no purchase 90d)', 'next order', 'DERT',
    ]);
    const high = scores.churnRisk.flatMap((b, i) => (b === 'high' ? [i] : []));
    expect(table.rows.length).toBe(Math.min(50, high.length));
    const shown = table.rows.map((r) => rowOf.get(r[0] as string)!);
    // Top 50 by CLV among the high-risk customers: nobody left out has more.
    const cutoff = Math.min(...shown.map((i) => pred.clv[i]));
    for (const i of high) if (!shown.includes(i)) expect(pred.clv[i]).toBeLessThanOrEqual(cutoff);
    table.rows.forEach((r, k) => {
      const i = shown[k];
      expect(scores.churnRisk[i]).toBe('high');
      expect(r[col('P(no purchase 90d)')] as number).toBeGreaterThanOrEqual(0.8);
      expect(r[col('CLV')]).toBe(pred.clv[i]);
      if (k > 0) expect(r[col('CLV')] as number).toBeLessThanOrEqual(table.rows[k - 1][col('CLV')] as number);
      expect(r[col('CLV low')] as number).toBeLessThanOrEqual(pred.clv[i]);
      expect(r[col('CLV high')] as number).toBeGreaterThanOrEqual(pred.clv[i]);
      expect(r[col('purchases low')] as number).toBeLessThanOrEqual(pred.expectedPurchases[i]);
      expect(r[col('P(alive)')]).toBe(pred.pAlive[i]);
      expect(r[col('segment')]).toBe(result.summary.customerIndex[i] % 2 ? 'odd' : 'even');
      expect(r[col('next order')]).toBe(scores.nextOrderDate[i] ?? 'unlikely to buy again');
    });
    expect(table.caption).toMatch(/90% intervals from the fits' parameter uncertainty/);
  });

  it('says how much value the high-risk customers hold', () => {
    let all = 0;
    let high = 0;
    let n = 0;
    pred.clv.forEach((v, i) => {
      all += v;
      if (scores.churnRisk[i] === 'high') {
        high += v;
        n++;
      }
    });
    const finding = section.findings.find((f) => f.includes('Customers to win back'))!;
    expect(finding).toContain(`The ${n.toLocaleString('en-US')} customers at high churn risk hold`);
    expect(finding).toContain(`(${Math.round((100 * high) / all)}%)`);
  });

  it('falls back to medium risk when nobody is at high risk, and to expected purchases without spend', () => {
    const medium = { ...scores, churnRisk: scores.churnRisk.map((b) => (b === 'high' ? 'medium' : b)) };
    expect(winBack(clvSection(result, { scores: medium, idOf }))!.caption).toMatch(/^No customer is at high churn risk, so these are at medium risk/);
    const noAmounts = runClv({ ...log, amount: undefined }, { timeUnit: 'weeks', observationEnd: OBSERVATION_END, calibrationEnd: CALIBRATION_END });
    const t = winBack(clvSection(noAmounts, { scores: customerScores(noAmounts), idOf }))!;
    expect(t.title).toBe('Customers to win back: high churn risk, highest expected purchases over 12 months');
    expect(t.columns.some((c) => c.startsWith('CLV'))).toBe(false);
  });
});
