import { describe, expect, it } from 'vitest';
import { MbgNbd, MbgNbdModel } from '../../src/clv/mbgnbd.js';
import { simulateSummary } from '../../src/clv/simulate.js';
import reference from '../fixtures/clv/reference.json' with { type: 'json' };
import { cdnowSummary } from './cdnow.js';
import { expectedByQuadrature } from './integrate.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const one = (v: number) => new Float64Array([v]);

describe('MBG/NBD', () => {
  const sample = cdnowSummary('cdnow-sample.txt.gz');
  const fitted = new MbgNbd().fit(sample);

  it('matches the SciPy reference fit on CDNOW sample and master', () => {
    for (const [model, ref] of [
      [fitted, reference.cdnowSample.mbgnbd],
      [new MbgNbd().fit(cdnowSummary('cdnow-master.txt.gz')), reference.cdnowMaster.mbgnbd],
    ] as const) {
      expect(rel(model.logLikelihood, ref.logLikelihood)).toBeLessThan(1e-6);
      for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(rel(model.params[k], ref.params[k])).toBeLessThan(1e-4);
      expect(model.convergence.converged).toBe(true);
    }
  });

  it('predictions match the Python reference and numerical integration', () => {
    const ref = reference.cdnowSample.mbgnbd;
    const m = new MbgNbdModel(ref.params, ref.logLikelihood, ref.params, fitted.convergence, 2357);
    for (const p of ref.probes) {
      const e = m.expectedPurchases(p.t, one(p.x), one(p.tx), one(p.T))[0];
      expect(rel(e, p.expected)).toBeLessThan(1e-9);
      expect(rel(e, expectedByQuadrature(ref.params, 1, p.t, p.x, p.tx, p.T))).toBeLessThan(1e-7);
      expect(rel(m.pAlive(one(p.x), one(p.tx), one(p.T))[0], p.pAlive)).toBeLessThan(1e-12);
    }
    // One-time buyers are not presumed alive under MBG/NBD.
    expect(m.pAlive(one(0), one(0), one(30))[0]).toBeLessThan(1);
    expect(rel(m.expectedPurchasesUnconditional(39), ref.unconditional39)).toBeLessThan(1e-9);
    ref.probN39.forEach((p, n) => expect(rel(m.probabilityOfPurchases(n, 39), p)).toBeLessThan(1e-9));
  });

  it('unconditional expectation matches simulation', () => {
    const params = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 };
    const m = new MbgNbdModel(params, NaN, params, fitted.convergence, 0);
    const sim = simulateSummary({ model: 'mbgnbd', params }, { customers: 200_000, T: 39, seed: 3 });
    const mean = sim.x.reduce((s, v) => s + v, 0) / sim.n;
    expect(Math.abs(mean - m.expectedPurchasesUnconditional(39))).toBeLessThan(0.03);
    const zeros = sim.x.filter((v) => v === 0).length / sim.n;
    expect(Math.abs(zeros - m.probabilityOfPurchases(0, 39))).toBeLessThan(0.004);
  });

  it('round-trips through JSON', () => {
    const back = MbgNbdModel.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(back.kind).toBe('mbgnbd');
    expect(back.params).toEqual(fitted.params);
    expect(back.pAlive(sample.x, sample.tx, sample.T)).toEqual(fitted.pAlive(sample.x, sample.tx, sample.T));
  });
});
