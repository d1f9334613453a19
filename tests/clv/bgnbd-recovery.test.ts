import { describe, expect, it } from 'vitest';
import { BgNbd } from '../../src/clv/bgnbd.js';
import { MbgNbd } from '../../src/clv/mbgnbd.js';
import { simulateSummary } from '../../src/clv/simulate.js';

// Ages spread over 20..52 weeks, as in a real acquisition window.
const n = 50_000;
const T = new Float64Array(n);
for (let i = 0; i < n; i++) T[i] = 20 + (32 * i) / n;

describe('parameter recovery from 50,000 simulated customers', () => {
  // Tolerance: every parameter within 4 of its own standard errors, and within 10% (BG/NBD) or 15%
  // (MBG/NBD, whose b is less well determined: SE ≈ 8%) of the truth.
  it('BG/NBD', () => {
    const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const sim = simulateSummary({ model: 'bgnbd', params: truth }, { customers: n, T, seed: 2024 });
    const fit = new BgNbd().fit(sim);
    expect(fit.convergence.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[k] - truth[k]) / truth[k]).toBeLessThan(0.1);
      expect(Math.abs(fit.params[k] - truth[k])).toBeLessThan(4 * fit.standardErrors[k]);
    }
  });

  it('MBG/NBD', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 };
    const sim = simulateSummary({ model: 'mbgnbd', params: truth }, { customers: n, T, seed: 77 });
    const fit = new MbgNbd().fit(sim);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[k] - truth[k]) / truth[k]).toBeLessThan(0.15);
      expect(Math.abs(fit.params[k] - truth[k])).toBeLessThan(4 * fit.standardErrors[k]);
    }
  });
});
