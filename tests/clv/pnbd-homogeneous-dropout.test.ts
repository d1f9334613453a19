import { describe, expect, it } from 'vitest';
import { collapseRows, fitMle } from '../../src/clv/fit.js';
import { pnbdLogLik, pnbdRow, pnbdStarts } from '../../src/clv/pnbd.js';
import { simulateSummary } from '../../src/clv/simulate.js';
import { minimize } from '../../src/optim/lbfgs.js';

// When every customer has the same dropout rate μ, the Pareto/NBD maximum lies at s, β → ∞ with
// s/β → μ: fits walk out along that ridge to s of 1e10 and beyond, where the 2F1 terms are at
// their most delicate. 10,000 customers with μ = 0.01 per week, ages 26 to 104 weeks.
const N = 10_000;
const ages = Float64Array.from({ length: N }, (_, i) => 26 + (i % 79));
const sim = simulateSummary({ model: 'pnbd', params: { r: 1.5, alpha: 25, s: 1e8, beta: 1e10 } }, { customers: N, T: ages, seed: 2 });
const rows = collapseRows([sim.x, sim.tx, sim.T]);

describe('Pareto/NBD as dropout becomes homogeneous (s, β → ∞)', () => {
  it('ln L of one customer matches the 50-digit likelihood to 1e-12', () => {
    // (r, α, s, β, x, tx, T, ln L): mpmath at 50 digits, the dropout integral of the quadrature
    // fixture's form by mp.quad over 40 panels.
    const cases: number[][] = [
      [1.48, 24.6, 4.85e12, 3.86e14, 1, 60, 100, -7.3458679452826377],
      [1.48, 24.6, 4.85e12, 3.86e14, 5, 80, 100, -21.606707900540659],
      [1.59, 27.06, 1.317e6, 1.398e8, 1, 66.14, 103, -7.364104391758883],
      [1.59, 27.06, 1.317e6, 1.398e8, 3, 20, 90, -12.113139085264956],
      [1.48, 24.6, 7.2e10, 7.2e12, 2, 30, 104, -9.8658946643225781],
      [1.48, 24.6, 7.2e10, 7.2e12, 1, 3, 104, -5.0533489407243435],
      [1.5, 25, 1e25, 1e27, 2, 30, 100, -9.8464591874888713],
      [1.5, 25, 1e25, 1e27, 0, 0, 60, -1.2898668620125222],
    ];
    for (const [r, alpha, s, beta, x, tx, T, lnL] of cases) {
      expect(Math.abs(pnbdRow(r, alpha, s, beta, x, tx, T).logLik - lnL)).toBeLessThan(1e-12);
    }
  });

  it('the gradient on the log scale matches central differences of the objective along the ridge to 3e-9', () => {
    // The fit's objective: mean negative ln L over customers in log parameters. Near the fitted
    // (r, α, β/s) each component is ~1e-7 to 1e-5, so the check is at the precision the
    // optimiser's curvature and stopping tests need. With h = 3e-5 the differences carry the
    // objective's rounding (~1e-14) over 2h and a truncation error of h²/6 · f''': ~3e-10 each.
    const f = (theta: number[], g: Float64Array) => {
      const p = Float64Array.from(theta, Math.exp);
      const gp = new Float64Array(4);
      const ll = pnbdLogLik(p, rows, gp);
      for (let k = 0; k < 4; k++) g[k] = (-gp[k] * p[k]) / N;
      return -ll / N;
    };
    const h = 3e-5;
    for (const logS of [8, 16, 24]) {
      const theta = [0.403241, 3.205066, logS, logS + 4.580212];
      const g = new Float64Array(4);
      f(theta, g);
      for (let k = 0; k < 4; k++) {
        const up = theta.slice();
        const down = theta.slice();
        up[k] += h;
        down[k] -= h;
        const central = (f(up, new Float64Array(4)) - f(down, new Float64Array(4))) / (2 * h);
        expect(Math.abs(g[k] - central)).toBeLessThan(3e-9);
      }
    }
  });

  it('is fitted in a bounded number of evaluations, with the first two starts agreeing', () => {
    // The fit takes ~140 objective evaluations plus the 13 gradients of its two Hessians (154
    // with this seed), and ~75 more for the full-data fit from the first start that checks the
    // polish (231 in all); 300 leaves room for changes in the starts. While the objective carried
    // rounding noise of 1e-9 out here, the zoom phase burnt its 40 evaluations per line search,
    // starts stopped apart and all four ran: 2,356 evaluations.
    let evaluations = 0;
    const spec = {
      names: ['r', 'alpha', 's', 'beta'],
      logLik: (p: Float64Array, data: typeof rows, grad: Float64Array | null) => {
        if (grad) evaluations++;
        return pnbdLogLik(p, data, grad);
      },
      starts: pnbdStarts,
    };
    const fit = fitMle(spec, rows);
    expect(fit.convergence.converged).toBe(true);
    expect(fit.convergence.restarts).toBe(2);
    expect(evaluations).toBeLessThan(300);
    expect(fit.params[2] / fit.params[3]).toBeCloseTo(0.01, 3);
  });
});

describe('a subsample that cannot see the spread of dropout rates', () => {
  it('the fit keeps the interior optimum the full data have, not the ridge the subsample points to', () => {
    // Heterogeneous dropout (s = 3, coefficient of variation 58%): 40,000 customers pin s near 3, while the
    // 3,000-customer subsample of this seed cannot tell it from homogeneous dropout (its optimum runs to s ~ 1e16).
    const n = 40_000;
    const T = Float64Array.from({ length: n }, (_, i) => 26 + (i % 79));
    const data = simulateSummary({ model: 'pnbd', params: { r: 1.5, alpha: 25, s: 3, beta: 300 } }, { customers: n, T, seed: 5 });
    const all = collapseRows([data.x, data.tx, data.T]);
    const spec = { names: ['r', 'alpha', 's', 'beta'], logLik: pnbdLogLik, starts: pnbdStarts };
    const fit = fitMle(spec, all);
    // The full data's own optimum, by a plain L-BFGS on every row from each start.
    let W = 0;
    for (let i = 0; i < all.length; i++) W += all.weight[i];
    const objective = (theta: Float64Array, g: Float64Array) => {
      const p = theta.map(Math.exp);
      const gp = new Float64Array(4);
      const ll = pnbdLogLik(p, all, gp);
      for (let j = 0; j < 4; j++) g[j] = (-gp[j] * p[j]) / W;
      return -ll / W;
    };
    const best = Math.max(...pnbdStarts(all).map((start) => -minimize(objective, start.map(Math.log), { gradientTolerance: 1e-9, functionTolerance: 1e-14 }).value * W));
    expect(best).toBeGreaterThan(-Infinity);
    expect(fit.logLikelihood).toBeGreaterThan(best - 1e-6 * Math.abs(best));
    expect(fit.params[2]).toBeLessThan(100);
  }, 60_000);
});
