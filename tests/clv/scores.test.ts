import { describe, expect, it } from 'vitest';
import { simulateLog } from '../../src/clv/simulate.js';
import { runClv } from '../../src/clv/run.js';
import { pnbdPAlive } from '../../src/clv/pnbd.js';
import { churnRisk, customerScores, nextPurchaseMedian, pAliveAt, pBuyIfAlive, pEverBuyIfAlive, probabilityNoPurchase } from '../../src/clv/scores.js';
import type { ScoreModel } from '../../src/clv/score-model.js';
import { Random } from '../../src/random.js';
import { BG, modelOf, PN, posteriorDraws, type Draw } from './posterior-draws.js';

/** Time to the next purchase after T for one draw (Infinity when there is none). */
function nextTime(kind: ScoreModel['kind'], d: Draw, rng: Random): number {
  if (!d.alive) return Infinity;
  const e = rng.exponential(d.lambda);
  if (kind === 'pnbd') return e < rng.exponential(d.mu) ? e : Infinity;
  return e;
}

/** Alive at T + t: for BG-type, no dropout after any purchase in the window. */
function aliveAfter(kind: ScoreModel['kind'], d: Draw, t: number, rng: Random): boolean {
  if (!d.alive) return false;
  if (kind === 'pnbd') return rng.exponential(d.mu) > t;
  for (let u = rng.exponential(d.lambda); u <= t; u += rng.exponential(d.lambda)) if (rng.uniform() < d.p) return false;
  return true;
}

function weightedMedian(values: number[], w: number[]): number {
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const total = w.reduce((s, v) => s + v, 0);
  let acc = 0;
  for (const i of order) {
    acc += w[i];
    if (acc >= total / 2) return values[i];
  }
  return Infinity;
}

describe('per-customer scores vs Monte-Carlo from the model', () => {
  const cases: [number, number, number][] = [
    [0, 0, 30],
    [2, 15, 30],
    [5, 28, 30],
  ];
  for (const kind of ['bgnbd', 'mbgnbd', 'pnbd'] as const) {
    it(`${kind}: P(no purchase in 13), its median time to next purchase and P(alive at T + 13)`, () => {
      const { score, pAlive } = modelOf(kind);
      const t = 90 / 7;
      for (const [x, tx, T] of cases) {
        const pa = pAlive(x, tx, T);
        const draws = posteriorDraws(kind, x, tx, T, 100_000, 7 + x);
        const rng = new Random(99 + x);
        const w = draws.map((d) => d.w);
        const total = w.reduce((s, v) => s + v, 0);
        const times = draws.map((d) => nextTime(kind, d, rng));
        const mcNoBuy = draws.reduce((s, d, i) => s + (times[i] > t ? d.w : 0), 0) / total;
        const mcAliveLater = draws.reduce((s, d) => s + (aliveAfter(kind, d, t, rng) ? d.w : 0), 0) / total;
        const mcAlive = draws.reduce((s, d) => s + (d.alive ? d.w : 0), 0) / total;
        expect(pa).toBeCloseTo(mcAlive, 2);
        const pNo = probabilityNoPurchase(score, t, [pa], [x], [T])[0];
        expect(Math.abs(pNo - mcNoBuy)).toBeLessThan(0.01);
        expect(Math.abs(pAliveAt(score, t, [pa], [x], [T])[0] - mcAliveLater)).toBeLessThan(0.01);
        const med = nextPurchaseMedian(score, [pa], [x], [T], 1e4);
        const mcMed = weightedMedian(times, w);
        if (Number.isFinite(mcMed)) {
          expect(med.reason[0]).toBeNull();
          // The MC median's sampling error grows where the time density is thin.
          expect(Math.abs(med.median[0] - mcMed) / mcMed).toBeLessThan(0.05);
        } else {
          expect(med.median[0]).toBeNaN();
          expect(med.reason[0]).toMatch(/unlikely to buy again/);
        }
      }
    });
  }

  it('Pareto/NBD: P(ever buys again | alive) in closed form is the limit of P(buys within t | alive)', () => {
    for (const params of [PN, { r: 0.05, alpha: 300, s: 5, beta: 0.3 }, { r: 3, alpha: 0.5, s: 1e-6, beta: 1e4 }]) {
      const model: ScoreModel = { kind: 'pnbd', params };
      for (const [x, T] of [[0, 1], [3, 40], [50, 100]]) expect(Math.abs(pEverBuyIfAlive(model, x, T) - pBuyIfAlive(model, 1e15, x, T))).toBeLessThan(1e-8);
    }
  });

  it('bands follow the stated cut-offs', () => {
    expect([0.1, 0.49, 0.5, 0.79, 0.8, 1, NaN].map(churnRisk)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', null]);
  });

  it('P(no purchase) falls with the window, P(alive later) is at most P(alive) now, and a tiny cap gives a reason', () => {
    const s: ScoreModel = { kind: 'pnbd', params: PN };
    const pa = [pnbdPAlive([PN.r, PN.alpha, PN.s, PN.beta], 4, 20, 30)];
    const a = probabilityNoPurchase(s, 4, pa, [4], [30])[0];
    const b = probabilityNoPurchase(s, 40, pa, [4], [30])[0];
    expect(b).toBeLessThan(a);
    expect(pAliveAt(s, 10, pa, [4], [30])[0]).toBeLessThan(pa[0]);
    expect(pAliveAt(s, 0, pa, [4], [30])[0]).toBeCloseTo(pa[0], 12);
    const m = nextPurchaseMedian(s, pa, [4], [30], 0.01);
    expect(m.median[0]).toBeNaN();
    expect(m.reason[0]).toMatch(/beyond/);
  });
});

describe('customerScores', () => {
  it('withholds every score with the reason when no model is fitted', () => {
    const log = simulateLog({ model: 'bgnbd', params: BG }, { customers: 20, T: 40, unitDays: 7, calibrationEnd: 10_000, seed: 3 });
    const result = runClv(log, { timeUnit: 'weeks', observationEnd: 10_000 });
    const s = customerScores(result);
    expect(s.model).toBeNull();
    expect(s.withheld).toBe(result.fitSkipped);
    expect(s.pNoPurchase.length).toBe(0);
    expect(s.purchasesIntervalWithheld).toBe(s.withheld);
    expect(s.clvIntervalWithheld).toBe(s.withheld);
    expect(s.dertWithheld).toBe(s.withheld);
  });

  const GG = { p: 6, q: 4, gamma: 15 };

  it('withholds both intervals, with the reason, for a fit at the no-dropout boundary, but still scores DERT', () => {
    const log = simulateLog({ model: 'bgnbd', params: { r: 2, alpha: 10, a: 1e-4, b: 1e5 } }, { customers: 400, T: 50, unitDays: 7, calibrationEnd: 10_000, seed: 5, spend: GG });
    const result = runClv(log, { timeUnit: 'weeks', observationEnd: 10_000, models: ['bgnbd'] });
    expect(result.models[0].health.boundary).not.toBeNull();
    const s = customerScores(result);
    expect(s.purchasesInterval).toBeNull();
    expect(s.clvInterval).toBeNull();
    expect(s.purchasesIntervalWithheld).toMatch(/^the BG\/NBD fit is at a parameter boundary \(no detectable dropout/);
    expect(s.clvIntervalWithheld).toBe(s.purchasesIntervalWithheld);
    expect(s.dert!.every((d) => d > 0 && Number.isFinite(d))).toBe(true);
  });

  it('withholds the CLV interval alone when spend has no standard errors or is not modelled', () => {
    const log = simulateLog({ model: 'bgnbd', params: BG }, { customers: 500, T: 50, unitDays: 7, calibrationEnd: 10_000, seed: 6, spend: GG });
    const result = runClv(log, { timeUnit: 'weeks', observationEnd: 10_000, models: ['bgnbd'] });
    const flat = { ...result, spend: { ...result.spend!, standardErrors: { ...result.spend!.standardErrors, q: NaN } } };
    const s = customerScores(flat);
    expect(s.purchasesInterval).not.toBeNull();
    expect(s.clvInterval).toBeNull();
    expect(s.clvIntervalWithheld).toMatch(/Gamma-Gamma log-likelihood is singular/);
    const noAmounts = runClv({ ...log, amount: undefined }, { timeUnit: 'weeks', observationEnd: 10_000, models: ['bgnbd'] });
    const t = customerScores(noAmounts);
    expect(t.purchasesInterval).not.toBeNull();
    expect(t.clvIntervalWithheld).toBe(noAmounts.clvWithheld);
  });

  it('scores a healthy fit from its calibration end, consistently with the fitted expectation', () => {
    const log = simulateLog({ model: 'pnbd', params: PN }, { customers: 600, T: 60, unitDays: 7, calibrationEnd: 10_000, seed: 4, spend: GG });
    const result = runClv(log, { timeUnit: 'weeks', observationEnd: 10_000, models: ['pnbd'] });
    expect(result.best).toBe('pnbd');
    const s = customerScores(result);
    const pred = result.predictions.pnbd!;
    for (let i = 0; i < result.summary.n; i++) {
      expect(s.purchasesInterval!.low[i]).toBeLessThanOrEqual(pred.expectedPurchases[i] * (1 + 1e-9));
      expect(s.purchasesInterval!.high[i]).toBeGreaterThanOrEqual(pred.expectedPurchases[i] * (1 - 1e-9));
      expect(s.clvInterval!.low[i]).toBeLessThan(pred.clv[i]);
      expect(s.clvInterval!.high[i]).toBeGreaterThan(pred.clv[i]);
      expect(s.pNoPurchase[i]).toBeGreaterThanOrEqual(1 - pred.pAlive[i] - 1e-12);
      if (s.nextOrderDate[i]) expect(s.nextOrderDate[i]! > '1997-05-19').toBe(true);
    }
  });
});
