import { describe, expect, it } from 'vitest';
import { BgNbd, BgNbdModel } from '../../src/clv/bgnbd.js';
import { GammaGamma, GammaGammaModel, type GammaGammaParams } from '../../src/clv/gamma-gamma.js';
import { expectedPurchasesInterval, horizonLogVariance, logNormalInterval, logParamCovariance, spendLogParamCovariance, spendLogVariance } from '../../src/clv/intervals.js';
import { ParetoNbd, ParetoNbdModel } from '../../src/clv/pnbd.js';
import { customerLifetimeValue, MONTH_DAYS, type PurchaseModel } from '../../src/clv/predict.js';
import { conditionalExpected, type ScoreModel } from '../../src/clv/score-model.js';
import { simulateSummary } from '../../src/clv/simulate.js';
import { BG, conv, modelOf, PN } from './posterior-draws.js';

// Fixed customer histories (a year of weekly data) whose predictions are compared with the truth;
// one customer per simulated dataset keeps the replications independent.
const hx = Float64Array.of(0, 1, 3, 6);
const htx = Float64Array.of(0, 10, 30, 45);
const hT = Float64Array.of(52, 52, 52, 52);
const hm = Float64Array.of(NaN, 20, 35, 50);
// CDNOW's Gamma-Gamma fit (Fader, Hardie & Lee 2005).
const GG: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
const horizon = { months: 12, monthUnits: MONTH_DAYS / 7, monthlyDiscountRate: 0.01 };

const spendModel = (params: GammaGammaParams) => new GammaGammaModel(params, 0, params, conv, { correlation: 0, pValue: 1, n: 0, plausible: true }, 0);
const fitPurchases = (kind: 'bgnbd' | 'pnbd', sim: { x: Float64Array; tx: Float64Array; T: Float64Array }): PurchaseModel => (kind === 'pnbd' ? new ParetoNbd().fit(sim) : new BgNbd().fit(sim));
const simulated = (kind: 'bgnbd' | 'pnbd', rep: number) =>
  simulateSummary(kind === 'pnbd' ? { model: kind, params: PN } : { model: kind, params: BG }, { customers: 400, T: 52, spend: GG, seed: 1000 + rep });

function coverageRate(reps: number, covers: (rep: number, i: number) => boolean): number {
  let covered = 0;
  for (let rep = 0; rep < reps; rep++) if (covers(rep, rep % hx.length)) covered++;
  return covered / reps;
}

describe('90% intervals for expected purchases', () => {
  for (const kind of ['bgnbd', 'pnbd'] as const) {
    it(`${kind}: cover the true conditional expectation 85–95% of the time across 150 simulated datasets`, () => {
      const truth = modelOf(kind).score;
      const trueE = Array.from(hx, (x, i) => conditionalExpected(truth, 52, x, htx[i], hT[i]));
      const rate = coverageRate(150, (rep, i) => {
        const sim = simulated(kind, rep);
        const score = { kind, params: fitPurchases(kind, sim).params } as ScoreModel;
        const cov = logParamCovariance(score, sim);
        // A singular Hessian gives no interval, which counts as a miss.
        if (!cov) return false;
        const iv = expectedPurchasesInterval(score, cov, 52, hx.subarray(i, i + 1), htx.subarray(i, i + 1), hT.subarray(i, i + 1));
        return iv.low[0] <= trueE[i] && trueE[i] <= iv.high[0];
      });
      expect(rate).toBeGreaterThanOrEqual(0.85);
      expect(rate).toBeLessThanOrEqual(0.95);
    }, 60_000);
  }
});

describe('90% intervals for expected spend (Gamma-Gamma)', () => {
  it('cover the true E[spend | x, m] 85–95% of the time across 200 simulated datasets', () => {
    const truth = spendModel(GG).expectedSpend(hx, hm);
    const rate = coverageRate(200, (rep, i) => {
      const sim = simulated('bgnbd', rep);
      const gg = new GammaGamma().fit({ x: sim.x, monetary: sim.monetary! });
      const cov = spendLogParamCovariance(gg.params, sim.x, sim.monetary!);
      if (!cov) return false;
      const x = hx.subarray(i, i + 1);
      const m = hm.subarray(i, i + 1);
      const iv = logNormalInterval(gg.expectedSpend(x, m), spendLogVariance(gg.params, cov, x, m));
      return iv.low[0] <= truth[i] && truth[i] <= iv.high[0];
    });
    expect(rate).toBeGreaterThanOrEqual(0.85);
    expect(rate).toBeLessThanOrEqual(0.95);
  }, 60_000);

  it('has the variance of a numerical delta method on the model’s own expected spend', () => {
    const cov = Float64Array.of(0.04, 0.01, -0.02, 0.01, 0.09, 0.03, -0.02, 0.03, 0.05);
    const ln = [GG.p, GG.q, GG.gamma].map(Math.log);
    const h = 1e-6;
    const got = spendLogVariance(GG, cov, hx, hm);
    for (let i = 0; i < hx.length; i++) {
      const at = (v: number[]) => Math.log(spendModel({ p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) }).expectedSpend(hx.subarray(i, i + 1), hm.subarray(i, i + 1))[0]);
      const g = ln.map((_, j) => (at(ln.map((v, k) => (k === j ? v + h : v))) - at(ln.map((v, k) => (k === j ? v - h : v)))) / (2 * h));
      let v = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) v += g[a] * cov[a * 3 + b] * g[b];
      expect(got[i]).toBeCloseTo(v, 8);
    }
  });
});

describe('90% intervals for CLV', () => {
  for (const kind of ['bgnbd', 'pnbd'] as const) {
    it(`${kind} + Gamma-Gamma: cover the true CLV 85–95% of the time across 200 simulated datasets`, () => {
      // The true CLV: the production formula at the planted parameters.
      const truth = kind === 'pnbd' ? new ParetoNbdModel(PN, 0, PN, conv, 0) : new BgNbdModel(BG, 0, BG, conv, 0);
      const trueClv = customerLifetimeValue(truth, { x: hx, tx: htx, T: hT, timeUnit: 'weeks' }, spendModel(GG).expectedSpend(hx, hm));
      const rate = coverageRate(200, (rep, i) => {
        const sim = simulated(kind, rep);
        const fit = fitPurchases(kind, sim);
        const gg = new GammaGamma().fit({ x: sim.x, monetary: sim.monetary! });
        const score = { kind, params: fit.params } as ScoreModel;
        const cov = logParamCovariance(score, sim);
        const spendCov = spendLogParamCovariance(gg.params, sim.x, sim.monetary!);
        if (!cov || !spendCov) return false;
        const one = { x: hx.subarray(i, i + 1), tx: htx.subarray(i, i + 1), T: hT.subarray(i, i + 1), timeUnit: 'weeks' as const };
        const m = hm.subarray(i, i + 1);
        const point = customerLifetimeValue(fit, one, gg.expectedSpend(one.x, m));
        const purchases = horizonLogVariance(score, cov, horizon, one.x, one.tx, one.T);
        const iv = logNormalInterval(point, [purchases.discounted[0] + spendLogVariance(gg.params, spendCov, one.x, m)[0]]);
        return iv.low[0] <= trueClv[i] && trueClv[i] <= iv.high[0];
      });
      expect(rate).toBeGreaterThanOrEqual(0.85);
      expect(rate).toBeLessThanOrEqual(0.95);
    }, 60_000);
  }

  it('with one undiscounted month, the discounted-purchases variance is the purchases variance', () => {
    const score = modelOf('bgnbd').score;
    const cov = Float64Array.of(0.02, 0.01, 0, 0, 0.01, 0.03, 0, 0, 0, 0, 0.05, 0.02, 0, 0, 0.02, 0.04);
    const v = horizonLogVariance(score, cov, { months: 1, monthUnits: 26, monthlyDiscountRate: 0 }, hx, htx, hT);
    for (let i = 0; i < hx.length; i++) expect(v.discounted[i]).toBeCloseTo(v.purchases[i], 12);
    expect(v.purchases.every((p) => p > 0)).toBe(true);
  });
});
