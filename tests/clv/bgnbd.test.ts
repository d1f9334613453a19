import { describe, expect, it } from 'vitest';
import { BgNbd, BgNbdModel } from '../../src/clv/bgnbd.js';
import { simulateSummary } from '../../src/clv/simulate.js';
import { ModelError } from '../../src/errors.js';
import reference from '../fixtures/clv/reference.json' with { type: 'json' };
import { CALIBRATION_END, cdnowSummary, readCdnow } from './cdnow.js';
import { expectedByQuadrature } from './integrate.js';

const sample = cdnowSummary('cdnow-sample.txt.gz');
const fitted = new BgNbd().fit(sample);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('BG/NBD on CDNOW', () => {
  it('reproduces the published CDNOW sample estimates (Fader, Hardie & Lee 2005)', () => {
    const { r, alpha, a, b } = fitted.params;
    expect(rel(r, 0.243)).toBeLessThan(0.01);
    expect(rel(alpha, 4.414)).toBeLessThan(0.01);
    expect(rel(a, 0.793)).toBeLessThan(0.01);
    expect(rel(b, 2.426)).toBeLessThan(0.01);
    expect(Math.abs(fitted.logLikelihood - -9582.4)).toBeLessThan(0.1);
    expect(fitted.convergence.converged).toBe(true);
    expect(fitted.n).toBe(2357);
  });

  it('needs same-day purchases merged to reproduce the published figures', () => {
    // Counting each of the 177 same-day duplicate lines as its own transaction gives a different fit.
    const log = readCdnow('cdnow-sample.txt.gz');
    const n = log.customers;
    const first = new Float64Array(n).fill(Infinity);
    const last = new Float64Array(n).fill(-Infinity);
    const lines = new Float64Array(n);
    for (let i = 0; i < log.customer.length; i++) {
      const c = log.customer[i];
      if (log.days[i] > CALIBRATION_END) continue;
      lines[c]++;
      first[c] = Math.min(first[c], log.days[i]);
      last[c] = Math.max(last[c], log.days[i]);
    }
    const unmerged = new BgNbd().fit({
      x: lines.map((v) => v - 1),
      tx: last.map((l, i) => (l - first[i]) / 7),
      T: first.map((f) => (CALIBRATION_END - f) / 7),
    });
    expect(Math.abs(unmerged.logLikelihood - -9582.4)).toBeGreaterThan(100);
    expect(rel(unmerged.params.alpha, 4.414)).toBeGreaterThan(0.1);
  });

  it('matches the SciPy reference fit on sample and master (LL to 1e-6 relative)', () => {
    for (const [model, ref] of [
      [fitted, reference.cdnowSample.bgnbd],
      [new BgNbd().fit(cdnowSummary('cdnow-master.txt.gz')), reference.cdnowMaster.bgnbd],
    ] as const) {
      expect(rel(model.logLikelihood, ref.logLikelihood)).toBeLessThan(1e-6);
      for (const k of ['r', 'alpha', 'a', 'b'] as const) {
        expect(rel(model.params[k], ref.params[k])).toBeLessThan(1e-4);
        // Delta-method SEs from the log scale equal natural-scale SEs at the optimum.
        expect(rel(model.standardErrors[k], ref.standardErrors[k])).toBeLessThan(1e-3);
      }
    }
  });

  it('predictions match scipy.special.hyp2f1 values at the reference parameters', () => {
    const ref = reference.cdnowSample.bgnbd;
    const m = new BgNbdModel(ref.params, ref.logLikelihood, ref.params, fitted.convergence, 2357);
    for (const p of ref.probes) {
      const one = (v: number) => new Float64Array([v]);
      expect(rel(m.expectedPurchases(p.t, one(p.x), one(p.tx), one(p.T))[0], p.expected)).toBeLessThan(1e-9);
      expect(rel(m.pAlive(one(p.x), one(p.tx), one(p.T))[0], p.pAlive)).toBeLessThan(1e-12);
    }
    expect(rel(m.expectedPurchasesUnconditional(39), ref.unconditional39)).toBeLessThan(1e-9);
    ref.probN39.forEach((p, n) => expect(rel(m.probabilityOfPurchases(n, 39), p)).toBeLessThan(1e-9));
  });

  it('standard errors are finite and positive', () => {
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(fitted.standardErrors[k]).toBeGreaterThan(0);
      expect(fitted.standardErrors[k]).toBeLessThan(fitted.params[k]);
    }
  });
});

describe('BG/NBD formulas against independent computations', () => {
  const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const m = new BgNbdModel(params, NaN, params, fitted.convergence, 0);
  it('conditional expectation equals numerical integration over the posterior', () => {
    for (const [x, tx, T, t] of [
      [0, 0, 38.86, 39],
      [2, 30.43, 38.86, 39],
      [7, 10, 35, 52],
      [1, 1, 20, 200],
    ]) {
      const formula = m.expectedPurchases(t, new Float64Array([x]), new Float64Array([tx]), new Float64Array([T]))[0];
      expect(rel(formula, expectedByQuadrature(params, 0, t, x, tx, T))).toBeLessThan(1e-7);
    }
  });

  it('conditional expectations match simulated holdout purchases (Monte Carlo)', () => {
    const sim = simulateSummary({ model: 'bgnbd', params }, { customers: 200_000, T: 39, holdout: 39, seed: 12 });
    const e = m.expectedPurchases(39, sim.x, sim.tx, sim.T);
    // Totals by calibration frequency: the model's conditional mean must match what simulated customers did next.
    for (const [lo, hi] of [
      [0, 0],
      [1, 1],
      [2, 3],
      [4, 1e9],
    ]) {
      let actual = 0;
      let predicted = 0;
      let count = 0;
      for (let i = 0; i < sim.n; i++) {
        if (sim.x[i] < lo || sim.x[i] > hi) continue;
        actual += sim.holdoutX![i];
        predicted += e[i];
        count++;
      }
      expect(count).toBeGreaterThan(1000);
      expect(rel(predicted, actual)).toBeLessThan(0.03);
    }
  });

  it('unconditional expectation and P(X(t) = n) match a 200,000-customer simulation', () => {
    const sim = simulateSummary({ model: 'bgnbd', params }, { customers: 200_000, T: 39, seed: 7 });
    let mean = 0;
    const counts = new Float64Array(4);
    for (const v of sim.x) {
      mean += v;
      if (v < 4) counts[v]++;
    }
    mean /= sim.n;
    expect(Math.abs(mean - m.expectedPurchasesUnconditional(39))).toBeLessThan(0.02);
    for (let k = 0; k < 4; k++) expect(Math.abs(counts[k] / sim.n - m.probabilityOfPurchases(k, 39))).toBeLessThan(0.004);
    let total = 0;
    for (let k = 0; k < 400; k++) total += m.probabilityOfPurchases(k, 39);
    expect(total).toBeCloseTo(1, 6);
  });
});

describe('BG/NBD model lifecycle', () => {
  it('round-trips through JSON', () => {
    const back = BgNbdModel.fromJSON(JSON.parse(JSON.stringify(fitted)));
    expect(back.params).toEqual(fitted.params);
    expect(back.logLikelihood).toBe(fitted.logLikelihood);
    expect(back.standardErrors).toEqual(fitted.standardErrors);
    expect(back.convergence).toEqual(fitted.convergence);
    expect(back.expectedPurchases(10, sample.x, sample.tx, sample.T)).toEqual(fitted.expectedPurchases(10, sample.x, sample.tx, sample.T));
    expect(() => BgNbdModel.fromJSON({ ...fitted.toJSON(), kind: 'mbgnbd' })).toThrow('Saved model is a mbgnbd, not a bgnbd');
    const json = fitted.toJSON();
    expect(() => BgNbdModel.fromJSON({ ...json, params: { ...json.params, b: -1 } })).toThrow('Saved bgnbd model has no valid parameter b');
  });

  it('says why when every customer bought once', () => {
    const n = 50;
    const data = { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n).fill(30) };
    expect(() => new BgNbd().fit(data)).toThrow(ModelError);
    expect(() => new BgNbd().fit(data)).toThrow('BG/NBD: all customers made one purchase: no repeat behaviour to fit');
  });

  it('refuses a single customer but scores one with a fitted model', () => {
    const one = { x: new Float64Array([3]), tx: new Float64Array([20]), T: new Float64Array([30]) };
    expect(() => new BgNbd().fit(one)).toThrow('BG/NBD needs at least 2 customers to fit, got 1');
    const e = fitted.expectedPurchases(39, one.x, one.tx, one.T);
    expect(e[0]).toBeGreaterThan(0);
  });

  it('rejects recency after age', () => {
    const bad = { x: new Float64Array([1, 0]), tx: new Float64Array([40, 0]), T: new Float64Array([30, 3]) };
    expect(() => new BgNbd().fit(bad)).toThrow('BG/NBD: row 0 needs 0 <= tx <= T, has tx = 40, T = 30');
  });

  it('penalizer matches lifetimes (mean negative LL + c · Σ params²) and shrinks the parameters', () => {
    const ref = reference.cdnowSample.bgnbdPenalized;
    const pen = new BgNbd({ penalizer: ref.penalizer }).fit(sample);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(rel(pen.params[k], ref.params[k])).toBeLessThan(1e-4);
      expect(pen.params[k]).toBeLessThan(fitted.params[k]);
    }
    expect(rel(pen.logLikelihood, ref.logLikelihood)).toBeLessThan(1e-6);
  });
});
