import { describe, expect, it } from 'vitest';
import { runClv } from '../../src/clv/run.js';
import { customerScores } from '../../src/clv/scores.js';
import { simulateLog } from '../../src/clv/simulate.js';
import { Random } from '../../src/random.js';

// Planted BG/NBD and Gamma-Gamma truth; ages spread over a year and a half, in weeks.
const BG = { r: 0.9, alpha: 2, a: 0.7, b: 3.5 };
const SPEND = { p: 4.5, q: 4, gamma: 100 };
const customers = 6000;
const rng = new Random(5);
const T = Float64Array.from({ length: customers }, () => 4 + Math.floor(rng.uniform() * 74));
const log = simulateLog({ model: 'bgnbd', params: BG }, { customers, T, unitDays: 7, calibrationEnd: 20_000, spend: SPEND, seed: 9 });
const options = { timeUnit: 'weeks' as const, observationEnd: 20_000, models: ['bgnbd', 'pnbd'] as const };

describe('runClv fitted on a seeded sample of a large population', () => {
  const full = runClv(log, options);
  const sampled = runClv(log, { ...options, fitRows: 2000 });

  it('fits on the sample, says so, and still predicts and scores every customer', () => {
    expect(full.fitRows).toBe(customers);
    expect(sampled.fitRows).toBe(2000);
    expect(sampled.warnings.some((w) => /fitted and checked on a random sample of 2,000 of the 6,000 customers/.test(w))).toBe(true);
    expect(sampled.best).not.toBeNull();
    const pred = sampled.predictions[sampled.best!]!;
    expect(pred.expectedPurchases).toHaveLength(customers);
    expect(pred.expectedPurchases.every(Number.isFinite)).toBe(true);
    expect(pred.clv.every(Number.isFinite)).toBe(true);
    expect(sampled.expectedSpend.filter(Number.isFinite).length).toBe(full.expectedSpend.filter(Number.isFinite).length);
  });

  it('the sample recovers the planted parameters about as the full fit does', () => {
    const bg = (r: typeof full) => r.models.find((m) => m.kind === 'bgnbd')!.params;
    for (const key of ['r', 'alpha'] as const) expect(Math.abs(bg(sampled)[key] - BG[key]) / BG[key]).toBeLessThan(0.25);
    expect(Math.abs(sampled.spend!.params.p - SPEND.p) / SPEND.p).toBeLessThan(0.25);
    // Per-customer predictions from the sample's fit agree with the full fit's to a few percent in total.
    const total = (r: typeof full) => r.predictions.bgnbd?.expectedPurchases.reduce((a, v) => a + v, 0) ?? NaN;
    if (sampled.best === 'bgnbd' && full.predictions.bgnbd) expect(Math.abs(total(sampled) / total(full) - 1)).toBeLessThan(0.05);
  });

  it("the 90% intervals carry the sample fit's uncertainty, not the full data's: about sqrt(6000 / 2000) wider", () => {
    const width = (r: typeof full) => {
      const s = customerScores(r);
      const iv = s.purchasesInterval!;
      let w = 0;
      for (let i = 0; i < iv.low.length; i++) w += Math.log(iv.high[i] / iv.low[i]);
      return w / iv.low.length;
    };
    expect(sampled.best).toBe(full.best);
    const ratio = width(sampled) / width(full);
    expect(ratio).toBeGreaterThan(1.4);
    expect(ratio).toBeLessThan(2.2);
  });

  it('the same seed gives the same sample and fit; below the sample size nothing changes', () => {
    const again = runClv(log, { ...options, fitRows: 2000 });
    expect(again.models.map((m) => m.params)).toEqual(sampled.models.map((m) => m.params));
    const unsampled = runClv(log, { ...options, fitRows: customers });
    expect(unsampled.models.map((m) => m.params)).toEqual(full.models.map((m) => m.params));
    expect(Object.keys(unsampled.predictions).sort()).toEqual(Object.keys(full.predictions).sort());
  });
});
