import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { lgamma } from '../../src/math/gamma.js';
import {
  ParetoNbd,
  ParetoNbdModel,
  pnbdConditionalExpected,
  pnbdLogLik,
  pnbdPAlive,
  pnbdProbabilityOfPurchases,
  pnbdRow,
  pnbdUnconditionalExpected,
} from '../../src/clv/pnbd.js';
import { cdnowSummary } from '../fixtures/clv-pnbd/cdnow.js';
import { clvSummary } from '../../src/clv/summary.js';
import { CALIBRATION_END, OBSERVATION_END, cdnowSummary as librarySummary, readCdnow } from './cdnow.js';
import { integrate, quadratureRow } from '../fixtures/clv-pnbd/quadrature.js';
import ref from '../fixtures/clv-pnbd/reference.json' with { type: 'json' };

const CDNOW = [0.553, 10.578, 0.606, 11.669];
const cdnow = cdnowSummary(new URL('../../data/cdnow-sample.txt.gz', import.meta.url));

function rows(x: number[], tx: number[], T: number[]) {
  return {
    columns: [Float64Array.from(x), Float64Array.from(tx), Float64Array.from(T)],
    weight: new Float64Array(x.length).fill(1),
    length: x.length,
  };
}

describe('Pareto/NBD known answer on the CDNOW sample', () => {
  const model = new ParetoNbd().fit(cdnow);

  it('summary matches the published calibration data', () => {
    expect(cdnow.x.length).toBe(2357);
    expect(cdnow.x.reduce((a, b) => a + b, 0)).toBe(2457);
  });

  it('gives the same fit from the library summary of the order log', () => {
    const lib = librarySummary('cdnow-sample.txt.gz');
    expect(lib.n).toBe(2357);
    const fromLib = new ParetoNbd().fit(lib);
    expect(Math.abs(fromLib.logLikelihood - model.logLikelihood)).toBeLessThan(1e-6);
  });

  it('reproduces r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0', () => {
    const { r, alpha, s, beta } = model.params;
    expect(Math.abs(r / 0.553 - 1)).toBeLessThan(0.01);
    expect(Math.abs(alpha / 10.578 - 1)).toBeLessThan(0.01);
    expect(Math.abs(s / 0.606 - 1)).toBeLessThan(0.01);
    expect(Math.abs(beta / 11.669 - 1)).toBeLessThan(0.01);
    expect(Math.abs(model.logLikelihood - -9595.0)).toBeLessThan(0.1);
    expect(model.convergence.converged).toBe(true);
  });

  it('is invariant to the time unit: in days, alpha and beta scale by 7 and r, s stay', () => {
    const days = clvSummary(readCdnow('cdnow-sample.txt.gz'), {
      timeUnit: 'days',
      observationEnd: OBSERVATION_END,
      calibrationEnd: CALIBRATION_END,
    });
    const m = new ParetoNbd().fit(days);
    expect(m.params.r).toBeCloseTo(model.params.r, 5);
    expect(m.params.s).toBeCloseTo(model.params.s, 5);
    expect(m.params.alpha / 7).toBeCloseTo(model.params.alpha, 3);
    expect(m.params.beta / 7).toBeCloseTo(model.params.beta, 3);
    // tx is a density: each repeat purchase's recency contributes ln 7 when measured in days.
    expect(m.logLikelihood + 2457 * Math.log(7)).toBeCloseTo(model.logLikelihood, 5);
  });

  it('shrinks the parameters under an L2 penalizer, at a cost in likelihood', () => {
    const pen = new ParetoNbd({ penalizer: 0.01 }).fit(cdnow);
    const norm = (p: { r: number; alpha: number; s: number; beta: number }) => p.r ** 2 + p.alpha ** 2 + p.s ** 2 + p.beta ** 2;
    expect(norm(pen.params)).toBeLessThan(0.9 * norm(model.params));
    expect(pen.logLikelihood).toBeLessThan(model.logLikelihood);
  });

  it('has finite positive standard errors', () => {
    for (const v of Object.values(model.standardErrors)) {
      expect(Number.isFinite(v) && v > 0).toBe(true);
    }
    // The fitted parameters are far from zero relative to their uncertainty.
    expect(model.params.r / model.standardErrors.r).toBeGreaterThan(5);
  });

  it('round-trips through JSON and predicts identically', () => {
    const back = ParetoNbdModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(back.params).toEqual(model.params);
    expect(back.logLikelihood).toBe(model.logLikelihood);
    expect(Array.from(back.pAlive(cdnow.x, cdnow.tx, cdnow.T))).toEqual(Array.from(model.pAlive(cdnow.x, cdnow.tx, cdnow.T)));
  });

  it('rejects a saved model of another kind', () => {
    const json = { ...model.toJSON(), kind: 'bgnbd' };
    expect(() => ParetoNbdModel.fromJSON(json)).toThrow(ModelError);
  });

  it('predicts total holdout-length purchases of the right order (39 weeks)', () => {
    const e = model.expectedPurchases(39, cdnow.x, cdnow.tx, cdnow.T);
    const total = e.reduce((a, b) => a + b, 0);
    // Published Pareto/NBD forecast for the 39-week holdout is close to the 1,788 actual repeat purchases.
    expect(total).toBeGreaterThan(1500);
    expect(total).toBeLessThan(2000);
  });
});

describe('Pareto/NBD formulas against references', () => {
  it('matches the mpmath closed form (FHL 2005, no Euler transformation) per customer', () => {
    for (const c of ref.rows) {
      const [r, alpha, s, beta] = c.params;
      const row = pnbdRow(r, alpha, s, beta, c.x, c.tx, c.T);
      expect(Math.abs(row.logLik - c.logLik)).toBeLessThan(1e-10 * Math.max(1, Math.abs(c.logLik)));
      expect(Math.abs(pnbdPAlive(c.params, c.x, c.tx, c.T) - c.pAlive)).toBeLessThan(1e-12);
      const e = pnbdConditionalExpected(c.params, c.t, c.x, c.tx, c.T);
      expect(Math.abs(e - c.expected)).toBeLessThan(1e-10 * Math.max(1e-30, c.expected) + 1e-300);
    }
  });

  it('matches numerical integration over the dropout time and the posterior', () => {
    const cases: [number[], number, number, number, number][] = [
      [CDNOW, 0, 0, 38.86, 39],
      [CDNOW, 3, 20.5, 38.86, 52],
      [CDNOW, 14, 36, 38, 10],
      [[0.8, 40, 1.4, 2.5], 2, 5, 30, 20],
      [[2.5, 3, 0.3, 80], 6, 11, 60, 26],
      [[0.2, 0.5, 5, 0.05], 1, 0.5, 12, 5],
      // z = |alpha - beta| / (max + tx) close to 1, including integer c - a - b (s = 1; r + x = 2).
      [[0.5, 200, 0.7, 0.05], 0, 0, 30, 10],
      [[0.5, 200, 1, 0.05], 1, 0.5, 30, 10],
      [[1, 0.02, 0.7, 300], 1, 0.001, 30, 10],
      [[1, 0.02, 0.7, 300], 0, 0, 30, 10],
    ];
    for (const [p, x, tx, T, t] of cases) {
      const q = quadratureRow(p, x, tx, T, t);
      const row = pnbdRow(p[0], p[1], p[2], p[3], x, tx, T);
      expect(Math.abs(row.logLik - q.logLik)).toBeLessThan(1e-9);
      expect(Math.abs(pnbdPAlive(p, x, tx, T) - q.pAlive)).toBeLessThan(1e-9);
      expect(Math.abs(pnbdConditionalExpected(p, t, x, tx, T) / q.expected - 1)).toBeLessThan(1e-8);
    }
  });

  it('unconditional expectation equals the integral of the purchase rate while alive', () => {
    const [r, alpha, s, beta] = CDNOW;
    // E[X(t)] = (r/α) ∫_0^t P(alive at u) du = (r/α) ∫_0^t (β/(β+u))^s du.
    for (const t of [1, 39, 78, 500]) {
      const direct = (r / alpha) * integrate((u) => Math.pow(beta / (beta + u), s), 0, t, beta);
      expect(pnbdUnconditionalExpected(CDNOW, t) / direct - 1).toBeLessThan(1e-9);
    }
    // s = 1 exactly takes the logarithmic limit.
    const p1 = [1, 2, 1, 3];
    expect(pnbdUnconditionalExpected(p1, 10)).toBeCloseTo(((1 * 3) / 2) * Math.log(13 / 3), 12);
  });

  it('probability of purchases matches the mpmath closed form and sums to one', () => {
    for (const c of ref.probabilityOfPurchases) {
      expect(Math.abs(pnbdProbabilityOfPurchases(c.params, c.n, c.t) / c.p - 1)).toBeLessThan(1e-9);
    }
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 400; n++) {
      const p = pnbdProbabilityOfPurchases(CDNOW, n, 39);
      total += p;
      mean += n * p;
    }
    expect(Math.abs(total - 1)).toBeLessThan(1e-9);
    expect(Math.abs(mean / pnbdUnconditionalExpected(CDNOW, 39) - 1)).toBeLessThan(1e-6);
  });

  it('probability of purchases sums to one when dropout is negligible (2F1 arguments near 1)', () => {
    // Parameters of the kind online-retail data gives: s/beta ~ 1e-12.
    const p = [0.8274, 69.078, 6.76e-6, 2861201];
    // Counts above 150 have probability below 1e-40 here (the NBD tail decays like 0.43^n).
    let total = 0;
    for (let n = 0; n < 150; n++) total += pnbdProbabilityOfPurchases(p, n, 52);
    expect(Math.abs(total - 1)).toBeLessThan(1e-9);
  });

  it('probability of purchases for heavy counts matches integration over the dropout time', () => {
    for (const p of [CDNOW, [0.8, 40, 1.4, 2.5], [2, 1, 0.5, 30]]) {
      const [r, a, s, b] = p;
      for (const [n, t] of [[20, 100], [100, 1000]]) {
        const nb = (tau: number) =>
          Math.exp(lgamma(r + n) - lgamma(r) - lgamma(n + 1) + r * Math.log(a / (a + tau)) + n * Math.log(tau / (a + tau)));
        const alive = nb(t) * Math.pow(b / (b + t), s);
        const dead = integrate((tau) => nb(tau) * s * Math.pow(b, s) * Math.pow(b + tau, -s - 1), 1e-300, t, 1e-3, 1e-12);
        expect(Math.abs(pnbdProbabilityOfPurchases(p, n, t) / (alive + dead) - 1)).toBeLessThan(1e-9);
      }
    }
  });
});

describe('Pareto/NBD gradient', () => {
  // Both branches of the 2F1 choice (alpha >= beta, alpha < beta), tx = T, tx = 0, and the near-z = 1 path.
  const paramSets = [
    CDNOW,
    [0.8, 40, 1.4, 2.5],
    [2.5, 3, 0.3, 80],
    [0.5, 200, 0.7, 0.05],
    [0.5, 0.02, 0.7, 300],
    [0.5, 200, 1, 0.05],
    [1, 0.02, 0.7, 300],
  ];
  const data = rows([0, 1, 4, 7, 25, 3], [0, 2.5, 30, 31, 37, 12], [38.86, 30, 30, 31, 52, 12]);

  it('matches central differences of the summed log-likelihood', () => {
    for (const p of paramSets) {
      const g = new Float64Array(4);
      pnbdLogLik(p, data, g);
      for (let j = 0; j < 4; j++) {
        const h = 1e-5 * p[j];
        const up = [...p];
        const dn = [...p];
        up[j] += h;
        dn[j] -= h;
        const fd = (pnbdLogLik(up, data, null) - pnbdLogLik(dn, data, null)) / (2 * h);
        expect(Math.abs(g[j] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});

describe('Pareto/NBD does not overflow', () => {
  it('gives a finite likelihood and P(alive) in [0, 1] for T = 5000 weeks and x = 500', () => {
    const cases = [
      [500, 4000, 5000],
      [500, 100, 5000],
      [500, 5000, 5000],
      [0, 0, 5000],
      [5000, 4999, 5000],
      [2000, 10, 1e5],
    ];
    for (const p of [CDNOW, [0.8, 40, 1.4, 2.5], [5, 0.01, 0.2, 1e4]]) {
      for (const [x, tx, T] of cases) {
        const row = pnbdRow(p[0], p[1], p[2], p[3], x, tx, T);
        expect(Number.isFinite(row.logLik)).toBe(true);
        const pa = pnbdPAlive(p, x, tx, T);
        expect(pa >= 0 && pa <= 1).toBe(true);
        const e = pnbdConditionalExpected(p, 52, x, tx, T);
        expect(Number.isFinite(e) && e >= 0).toBe(true);
      }
    }
  });

  it('fits a panel containing very long histories and heavy buyers', () => {
    const x = Float64Array.from([...cdnow.x, 500, 300, 0]);
    const tx = Float64Array.from([...cdnow.tx, 4900, 2000, 0]);
    const T = Float64Array.from([...cdnow.T, 5000, 5000, 5000]);
    const model = new ParetoNbd().fit({ x, tx, T });
    expect(Number.isFinite(model.logLikelihood)).toBe(true);
  });
});

describe('Pareto/NBD input checks', () => {
  it('says why when every customer bought once', () => {
    const n = 50;
    const data = { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n).fill(10) };
    expect(() => new ParetoNbd().fit(data)).toThrow(/one purchase/);
  });

  it('says a single customer cannot be fitted but can be scored', () => {
    const one = { x: Float64Array.from([3]), tx: Float64Array.from([20]), T: Float64Array.from([30]) };
    expect(() => new ParetoNbd().fit(one)).toThrow(ModelError);
    const model = new ParetoNbdModel({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, NaN, { r: NaN, alpha: NaN, s: NaN, beta: NaN }, { converged: true, iterations: 0, gradientNorm: 0, message: '', restarts: 0 }, 0);
    expect(model.expectedPurchases(39, one.x, one.tx, one.T)[0]).toBeCloseTo(pnbdConditionalExpected(CDNOW, 39, 3, 20, 30), 12);
  });

  it('rejects tx > T', () => {
    const data = { x: Float64Array.from([1, 2]), tx: Float64Array.from([5, 3]), T: Float64Array.from([4, 10]) };
    expect(() => new ParetoNbd().fit(data)).toThrow(/tx <= T/);
  });
});
