import { describe, expect, it } from 'vitest';
import { GammaGamma, GammaGammaModel } from '../../src/clv/gamma-gamma.js';
import { simulateSummary } from '../../src/clv/simulate.js';
import { InputError } from '../../src/errors.js';
import reference from '../fixtures/clv/reference.json' with { type: 'json' };
import { cdnowSummary } from './cdnow.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('Gamma-Gamma', () => {
  const sample = cdnowSummary('cdnow-sample.txt.gz');
  const fitted = new GammaGamma().fit(sample);

  it('reproduces the published CDNOW estimates on the 946 repeat buyers', () => {
    expect(fitted.n).toBe(946);
    expect(rel(fitted.params.p, 6.25)).toBeLessThan(0.01);
    expect(rel(fitted.params.q, 3.74)).toBeLessThan(0.01);
    expect(rel(fitted.params.gamma, 15.44)).toBeLessThan(0.01);
  });

  it('matches the SciPy reference fit and predictions', () => {
    const ref = reference.cdnowSample.gammaGamma;
    expect(rel(fitted.logLikelihood, ref.logLikelihood)).toBeLessThan(1e-6);
    for (const k of ['p', 'q', 'gamma'] as const) {
      expect(rel(fitted.params[k], ref.params[k])).toBeLessThan(1e-4);
      expect(rel(fitted.standardErrors[k], ref.standardErrors[k])).toBeLessThan(1e-3);
    }
    const m = new GammaGammaModel(ref.params, NaN, ref.params, fitted.convergence, fitted.independence, 0);
    for (const p of ref.probes) {
      expect(rel(m.expectedSpend(new Float64Array([p.x]), new Float64Array([p.monetary]))[0], p.expected)).toBeLessThan(1e-12);
    }
    expect(fitted.independence.correlation).toBeCloseTo(ref.correlation, 10);
    expect(fitted.independence.plausible).toBe(true);
    expect(fitted.independence.pValue).toBeLessThan(0.01);
  });

  it('refuses zero-spend repeat purchases (CDNOW master has one) with a clear message', () => {
    const master = cdnowSummary('cdnow-master.txt.gz');
    const fit = () => new GammaGamma().fit(master);
    expect(fit).toThrow(InputError);
    expect(fit).toThrow(/Gamma-Gamma needs positive spend, but customer row \d+ has mean repeat-transaction value 0/);
    // With that customer removed the fit matches the reference.
    const keep = master.monetary.map((m, i) => (master.x[i] > 0 && !(m > 0) ? 0 : master.x[i]));
    const ref = reference.cdnowMaster.gammaGamma;
    const g = new GammaGamma().fit({ x: keep, monetary: master.monetary });
    expect(reference.cdnowMaster.gammaGammaExcluded).toBe(1);
    expect(rel(g.logLikelihood, ref.logLikelihood)).toBeLessThan(1e-6);
  });

  it('recovers simulated spend parameters', () => {
    const truth = { p: 6, q: 4, gamma: 15 };
    const sim = simulateSummary(
      { model: 'bgnbd', params: { r: 1, alpha: 2, a: 1, b: 4 } },
      { customers: 20_000, T: 52, spend: truth, seed: 11 },
    );
    const g = new GammaGamma().fit({ x: sim.x, monetary: sim.monetary! });
    // Tolerance: 4 standard errors.
    for (const k of ['p', 'q', 'gamma'] as const) expect(Math.abs(g.params[k] - truth[k])).toBeLessThan(4 * g.standardErrors[k]);
  });

  it('gives one-time buyers the population mean and round-trips through JSON', () => {
    const e = fitted.expectedSpend(new Float64Array([0]), new Float64Array([NaN]));
    expect(e[0]).toBeCloseTo(fitted.meanSpend(), 12);
    const back = GammaGammaModel.fromJSON(JSON.parse(JSON.stringify(fitted)));
    expect(back.params).toEqual(fitted.params);
    expect(back.independence).toEqual(fitted.independence);
    expect(back.expectedSpend(sample.x, sample.monetary)).toEqual(fitted.expectedSpend(sample.x, sample.monetary));
  });
});
