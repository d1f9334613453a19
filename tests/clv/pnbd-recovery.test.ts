import { describe, expect, it } from 'vitest';
import { ParetoNbd, pnbdConditionalExpected } from '../../src/clv/pnbd.js';
import { simulateSummary } from '../../src/clv/simulate.js';

const N = 50_000;
const TRUE = { r: 0.55, alpha: 10.6, s: 0.6, beta: 11.7 };
// Ages spread over 39..78 weeks, as customers acquired over a season.
const ages = Float64Array.from({ length: N }, (_, i) => 39 + (i % 40));
const sim = simulateSummary({ model: 'pnbd', params: TRUE }, { customers: N, T: ages, holdout: 39, seed: 1 });

describe('Pareto/NBD parameter recovery (50,000 simulated customers)', () => {
  const model = new ParetoNbd().fit(sim);

  it('recovers r and alpha within 5%, s within 15%, beta within 25%, each within 3 standard errors', () => {
    const tol = { r: 0.05, alpha: 0.05, s: 0.15, beta: 0.25 };
    for (const k of ['r', 'alpha', 's', 'beta'] as const) {
      expect(Math.abs(model.params[k] / TRUE[k] - 1)).toBeLessThan(tol[k]);
      expect(Math.abs(model.params[k] - TRUE[k])).toBeLessThan(3 * model.standardErrors[k]);
    }
    expect(model.convergence.converged).toBe(true);
  });

  it('conditional expectations at the true parameters match simulated holdout purchases (Monte Carlo)', () => {
    const p = [TRUE.r, TRUE.alpha, TRUE.s, TRUE.beta];
    // Group by calibration frequency, as in the calibration-vs-holdout diagnostic.
    const groups = [
      [0, 0],
      [1, 2],
      [3, 6],
      [7, Infinity],
    ];
    for (const [lo, hi] of groups) {
      let predicted = 0;
      let actual = 0;
      let count = 0;
      for (let i = 0; i < N; i++) {
        if (sim.x[i] < lo || sim.x[i] > hi) continue;
        predicted += pnbdConditionalExpected(p, 39, sim.x[i], sim.tx[i], sim.T[i]);
        actual += sim.holdoutX![i];
        count++;
      }
      // Observed gaps are 0.1-2.2% with this seed; 5% leaves room for sampling noise only.
      expect(count).toBeGreaterThan(3000);
      expect(Math.abs(predicted / actual - 1)).toBeLessThan(0.05);
    }
  });
});

describe('Pareto/NBD when nobody drops out', () => {
  // Real logs (e.g. the online-retail sample) often show no detectable dropout; the optimum is
  // then on the boundary s/beta -> 0, where every 2F1 argument is within 1e-4 of 1.
  const n = 20_000;
  const T = Float64Array.from({ length: n }, (_, i) => 26 + (i % 53));
  const sim = simulateSummary({ model: 'pnbd', params: { r: 0.8, alpha: 10, s: 0.5, beta: 1e6 } }, { customers: n, T, seed: 9 });

  it('converges to the boundary with the purchase process recovered and everyone alive', () => {
    const model = new ParetoNbd().fit(sim);
    expect(model.convergence.converged).toBe(true);
    expect(Math.abs(model.params.r / 0.8 - 1)).toBeLessThan(0.05);
    expect(Math.abs(model.params.alpha / 10 - 1)).toBeLessThan(0.05);
    // Mean dropout rate s/beta is negligible against the 1-year horizon.
    expect(model.params.s / model.params.beta).toBeLessThan(1e-4);
    const pAlive = model.pAlive(sim.x, sim.tx, sim.T);
    expect(Math.min(...pAlive)).toBeGreaterThan(0.99);
  });
});
