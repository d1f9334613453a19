/** The CLV section's fit diagnostics on CDNOW: customers by repeat purchases, tracking with the calibration end, frequency × recency grids. */
import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { runClv, type ClvResult } from '../../src/clv/run.js';
import { clvSection, frequencyRecencyGrid, repeatCountTable } from '../../src/report/sections/clv.js';
import type { ChartBlock } from '../../src/report/section.js';
import { CALIBRATION_END, OBSERVATION_END, readCdnow } from './cdnow.js';

const log = readCdnow('cdnow-sample.txt.gz');
const result = runClv(log, { timeUnit: 'weeks', observationEnd: OBSERVATION_END, calibrationEnd: CALIBRATION_END });
const section = clvSection(result);
const chart = (start: string) => section.blocks.find((b): b is ChartBlock => b.kind === 'chart' && b.title.startsWith(start));
const rows = (c: ChartBlock) => (c.spec.data as { values: Record<string, unknown>[] }).values;

describe('customers by number of repeat purchases in calibration', () => {
  const table = repeatCountTable(result)!;
  const series = new Map<string, number[]>();
  for (const v of table.values) series.set(v.series, [...(series.get(v.series) ?? []), v.customers]);

  it('has the actual counts 0..6+ summing to the customers, and each healthy model expects about as many', () => {
    expect([...series.keys()]).toEqual(['actual', 'BG/NBD', 'Pareto/NBD', 'MBG/NBD']);
    expect(table.values.slice(0, 7).map((v) => v.repeats)).toEqual(['0', '1', '2', '3', '4', '5', '6+']);
    const total = (a: number[]) => a.reduce((s, v) => s + v, 0);
    expect(total(series.get('actual')!)).toBe(result.summary.n);
    for (const [name, counts] of series) {
      expect(counts).toHaveLength(7);
      for (const c of counts) expect(c).toBeGreaterThanOrEqual(0);
      expect(Math.abs(total(counts) - result.summary.n) / result.summary.n, name).toBeLessThan(0.01);
    }
    // 1,411 of 2,357 made no repeat purchase; every model puts about that many at 0 (within 2%).
    expect(series.get('actual')![0]).toBe(1411);
    for (const name of ['BG/NBD', 'Pareto/NBD', 'MBG/NBD']) expect(Math.abs(series.get(name)![0] - 1411) / 1411).toBeLessThan(0.02);
  });

  it('is a chart in the section with titled axes and a caption', () => {
    const c = chart('Customers by number of repeat purchases in calibration')!;
    expect(c).toBeDefined();
    expect(rows(c)).toHaveLength(28);
    expect(c.caption).toMatch(/P\(X\(T\) = x\)/);
    expect(JSON.stringify(c.spec)).toContain('repeat purchases in the calibration period');
    expect(() => compile(c.spec as never)).not.toThrow();
  });
});

describe('tracking charts', () => {
  it('mark the calibration end with a labelled rule when there is a holdout', () => {
    for (const start of ['Cumulative repeat transactions by week', 'Repeat transactions per week']) {
      const c = chart(start)!;
      const layers = c.spec.layer as { mark: { type: string }; data?: { values: { at: number; label: string }[] } }[];
      const rule = layers.find((l) => l.mark.type === 'rule')!;
      expect(rule.data!.values[0]).toEqual({ at: result.tracking.calibrationPeriod + 1, label: 'calibration end' });
      expect(c.caption).toMatch(/end of the calibration period/);
      expect(() => compile(c.spec as never)).not.toThrow();
    }
  });

  it('draw no rule without a holdout', () => {
    const noSplit = runClv(log, { timeUnit: 'weeks', observationEnd: OBSERVATION_END, models: ['bgnbd'] });
    expect(noSplit.summary.holdoutX).toBeUndefined();
    const c = clvSection(noSplit).blocks.find((b): b is ChartBlock => b.kind === 'chart' && b.title.startsWith('Cumulative repeat'))!;
    expect((c.spec.layer as { mark: { type: string } }[]).some((l) => l.mark.type === 'rule')).toBe(false);
  });
});

describe('frequency × recency grids', () => {
  const grid = frequencyRecencyGrid(result)!;

  it('span frequency 0..max in at most 30 rows and recency 0..T in 20 columns at the median T', () => {
    let maxX = 0;
    for (const x of result.summary.x) maxX = Math.max(maxX, x);
    expect(grid.frequency.length).toBeLessThanOrEqual(30);
    expect(grid.frequency[0].x).toBe(0);
    expect(grid.frequency.at(-1)!.label).toMatch(new RegExp(`${maxX}$`));
    expect(grid.recency).toHaveLength(20);
    expect(grid.recency.at(-1)!.tx).toBeLessThan(grid.T);
    const Ts = Float64Array.from(result.summary.T).sort();
    expect(grid.T).toBe(Ts[Math.floor((Ts.length - 1) / 2)]);
  });

  it('give finite expected purchases and P(alive) in [0, 1], from the prediction and P(alive) models', () => {
    const next = chart('Expected purchases in the next 12 months by frequency and recency (Pareto/NBD)')!;
    const alive = chart('Probability a customer is still active by frequency and recency (Pareto/NBD)')!;
    const cells = 1 + (grid.frequency.length - 1) * 20;
    for (const c of [next, alive]) {
      expect(rows(c)).toHaveLength(cells);
      for (const r of rows(c)) expect(Number.isFinite(r.value)).toBe(true);
      expect(c.caption).toMatch(/median customer/);
      expect(() => compile(c.spec as never)).not.toThrow();
    }
    for (const r of rows(next)) expect(r.value as number).toBeGreaterThanOrEqual(0);
    for (const r of rows(alive)) {
      expect(r.value as number).toBeGreaterThanOrEqual(0);
      expect(r.value as number).toBeLessThanOrEqual(1);
    }
    // More recent last purchases mean more expected purchases for a frequent buyer.
    const row = rows(next).filter((r) => r.frequency === '10');
    expect(row.at(-1)!.value as number).toBeGreaterThan(row[0].value as number);
  });

  it('skip the P(alive) grid with one line when P(alive) is withheld', () => {
    const withheld: ClvResult = { ...result, pAlive: { model: null, note: 'The data show no detectable dropout (test).' } };
    const s = clvSection(withheld);
    expect(s.findings).toContain('The data show no detectable dropout (test).');
    expect(s.blocks.some((b) => b.kind === 'chart' && b.title.startsWith('Probability a customer is still active'))).toBe(false);
    expect(s.blocks.some((b) => b.kind === 'chart' && b.title.startsWith('Expected purchases in the next'))).toBe(true);
    expect(s.blocks).toContainEqual({ kind: 'text', text: 'No P(alive) by frequency and recency: The data show no detectable dropout (test).' });
  });
});
