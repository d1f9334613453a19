import { describe, expect, it } from 'vitest';
import { BgNbd, BgNbdModel } from '../../src/clv/bgnbd.js';
import { simulateLog, simulateSummary } from '../../src/clv/simulate.js';
import { runClv } from '../../src/clv/run.js';
import { MbgNbdModel } from '../../src/clv/mbgnbd.js';
import { ParetoNbd, pnbdPAlive } from '../../src/clv/pnbd.js';
import { churnRisk, conditionalExpected, customerScores, dert, expectedPurchasesInterval, logParamCovariance, nextPurchaseMedian, pAliveAt, probabilityNoPurchase, type ScoreModel } from '../../src/clv/scores.js';
import { Random } from '../../src/random.js';

const conv = { converged: true, iterations: 0, gradientNorm: 0, message: '' } as never;
const BG = { r: 0.8, alpha: 5, a: 0.6, b: 2.5 };
const PN = { r: 0.6, alpha: 8, s: 0.7, beta: 12 };

/**
 * Importance sampling from the prior, weighted by each draw's likelihood of (x, tx, T) split into
 * its alive and dead parts: an estimate of the conditional future that shares no formula with the
 * closed forms under test (neither P(alive) nor the posterior).
 */
interface Draw { w: number; alive: boolean; lambda: number; p: number; mu: number }

function posteriorDraws(kind: ScoreModel['kind'], x: number, tx: number, T: number, n: number, seed: number): Draw[] {
  const rng = new Random(seed);
  const out: Draw[] = [];
  for (let k = 0; k < n; k++) {
    if (kind === 'pnbd') {
      const lambda = rng.gamma(PN.r, PN.alpha);
      const mu = rng.gamma(PN.s, PN.beta);
      const lx = Math.pow(lambda, x);
      const aliveW = lx * Math.exp(-(lambda + mu) * T);
      const deadW = lx * (mu / (lambda + mu)) * (Math.exp(-(lambda + mu) * tx) - Math.exp(-(lambda + mu) * T));
      out.push({ w: aliveW, alive: true, lambda, p: 0, mu }, { w: deadW, alive: false, lambda, p: 0, mu });
    } else {
      const lambda = rng.gamma(BG.r, BG.alpha);
      const p = rng.beta(BG.a, BG.b);
      const o = kind === 'mbgnbd' ? 1 : 0;
      const lx = Math.pow(lambda, x);
      const aliveW = lx * Math.exp(-lambda * T) * Math.pow(1 - p, x + o);
      const deadW = x + o > 0 ? lx * Math.exp(-lambda * tx) * p * Math.pow(1 - p, x + o - 1) : 0;
      out.push({ w: aliveW, alive: true, lambda, p, mu: 0 }, { w: deadW, alive: false, lambda, p, mu: 0 });
    }
  }
  return out;
}

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

function modelOf(kind: ScoreModel['kind']): { score: ScoreModel; pAlive: (x: number, tx: number, T: number) => number } {
  if (kind === 'pnbd') return { score: { kind, params: PN }, pAlive: (x, tx, T) => pnbdPAlive([PN.r, PN.alpha, PN.s, PN.beta], x, tx, T) };
  const m = kind === 'bgnbd' ? new BgNbdModel(BG, 0, BG, conv, 0) : new MbgNbdModel(BG, 0, BG, conv, 0);
  return { score: { kind, params: BG }, pAlive: (x, tx, T) => m.pAlive(Float64Array.of(x), Float64Array.of(tx), Float64Array.of(T))[0] };
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

describe('90% intervals for expected purchases', () => {
  // Fixed customer histories whose expected purchases over a year are compared with the truth;
  // one customer per dataset keeps the replications independent.
  const hx = [0, 1, 3, 6];
  const htx = [0, 10, 30, 45];
  const hT = [52, 52, 52, 52];
  for (const kind of ['bgnbd', 'pnbd'] as const) {
    it(`${kind}: cover the true conditional expectation 85–95% of the time across 150 simulated datasets`, () => {
      const truth = modelOf(kind).score;
      const trueE = hx.map((x, i) => conditionalExpected(truth, 52, x, htx[i], hT[i]));
      let covered = 0;
      let total = 0;
      for (let rep = 0; rep < 150; rep++) {
        const spec = kind === 'pnbd' ? { model: kind, params: PN } : { model: kind, params: BG };
        const sim = simulateSummary(spec, { customers: 400, T: 52, seed: 1000 + rep });
        const fit = kind === 'pnbd' ? new ParetoNbd().fit(sim) : new BgNbd().fit(sim);
        const score = { kind, params: fit.params } as ScoreModel;
        const cov = logParamCovariance(score, sim);
        const i = rep % hx.length;
        total++;
        // A singular Hessian gives no interval, which counts as a miss.
        if (!cov) continue;
        const iv = expectedPurchasesInterval(score, cov, 52, hx, htx, hT);
        if (iv.low[i] <= trueE[i] && trueE[i] <= iv.high[i]) covered++;
      }
      const rate = covered / total;
      expect(rate).toBeGreaterThanOrEqual(0.85);
      expect(rate).toBeLessThanOrEqual(0.95);
    }, 60_000);
  }
});

describe('DERT', () => {
  for (const kind of ['bgnbd', 'mbgnbd', 'pnbd'] as const) {
    it(`${kind}: matches the Monte-Carlo mean of the discounted future purchases`, () => {
      const { score, pAlive } = modelOf(kind);
      const delta = 0.01;
      for (const [x, tx, T] of [[0, 0, 30], [2, 15, 30], [5, 28, 30]] as const) {
        const draws = posteriorDraws(kind, x, tx, T, 100_000, 11 + x);
        let num = 0;
        let den = 0;
        for (const d of draws) {
          den += d.w;
          // Given alive: Pareto/NBD λ/(μ+δ); BG-type Σ_k (1-p)^(k-1) (λ/(λ+δ))^k = λ/(λp+δ).
          if (d.alive) num += d.w * (kind === 'pnbd' ? d.lambda / (d.mu + delta) : d.lambda / (d.lambda * d.p + delta));
        }
        const got = dert(score, delta, [pAlive(x, tx, T)], [x], [tx], [T])[0];
        expect(Math.abs(got / (num / den) - 1)).toBeLessThan(0.02);
      }
    });
  }
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
    expect(s.dertWithheld).toBe(s.withheld);
  });

  it('scores a healthy fit from its calibration end, consistently with the fitted expectation', () => {
    const log = simulateLog({ model: 'pnbd', params: PN }, { customers: 600, T: 60, unitDays: 7, calibrationEnd: 10_000, seed: 4 });
    const result = runClv(log, { timeUnit: 'weeks', observationEnd: 10_000, models: ['pnbd'] });
    expect(result.best).toBe('pnbd');
    const s = customerScores(result);
    const pred = result.predictions.pnbd!;
    for (let i = 0; i < result.summary.n; i++) {
      expect(s.purchasesInterval!.low[i]).toBeLessThanOrEqual(pred.expectedPurchases[i] * (1 + 1e-9));
      expect(s.purchasesInterval!.high[i]).toBeGreaterThanOrEqual(pred.expectedPurchases[i] * (1 - 1e-9));
      expect(s.pNoPurchase[i]).toBeGreaterThanOrEqual(1 - pred.pAlive[i] - 1e-12);
      if (s.nextOrderDate[i]) expect(s.nextOrderDate[i]! > '1997-05-19').toBe(true);
    }
  });
});
