import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { fromColumns } from '../../src/data/matrix.js';
import { BgNbdCovariates, CovariatesModel, ParetoNbdCovariates, bgnbdCovariateLogLik } from '../../src/clv/covariates.js';
import { betaGeometricLogLik } from '../../src/clv/bgnbd.js';
import { collapseRows } from '../../src/clv/fit.js';
import { ParetoNbd } from '../../src/clv/pnbd.js';
import { simulateSummary } from '../../src/clv/simulate.js';
import scipyCov from '../fixtures/clv-pnbd/covariates.json' with { type: 'json' };

// Two groups from the project's simulator: z = 1 buys twice as fast (alpha halved) and drops
// out at e^-0.5 the rate (beta scaled by e^0.5). Under alpha_i = alpha e^(-γ₁ z),
// beta_i = beta e^(-γ₂ z), the truth is γ₁ = ln 2, γ₂ = -0.5.
const BASE = { r: 0.8, alpha: 12, s: 0.7, beta: 10 };
const G1 = Math.log(2);
const G2 = -0.5;
const HALF = 20_000;
const ages = Float64Array.from({ length: HALF }, (_, i) => 26 + (i % 53));
const g0 = simulateSummary({ model: 'pnbd', params: BASE }, { customers: HALF, T: ages, seed: 11 });
const g1 = simulateSummary(
  { model: 'pnbd', params: { ...BASE, alpha: BASE.alpha * Math.exp(-G1), beta: BASE.beta * Math.exp(-G2) } },
  { customers: HALF, T: ages, seed: 12 },
);
const cat = (a: Float64Array, b: Float64Array) => Float64Array.from([...a, ...b]);
const z = Float64Array.from({ length: 2 * HALF }, (_, i) => (i < HALF ? 0 : 1));
const data = {
  x: cat(g0.x, g1.x),
  tx: cat(g0.tx, g1.tx),
  T: cat(g0.T, g1.T),
  purchase: fromColumns([z]),
  dropout: fromColumns([z]),
};

describe('Pareto/NBD with static covariates', () => {
  const model = new ParetoNbdCovariates({ purchaseNames: ['group'], dropoutNames: ['group'] }).fit(data);

  it('recovers a covariate that doubles the purchase rate: γ₁ ≈ ln 2', () => {
    const g = model.purchase.coefficients[0];
    const se = model.purchase.standardErrors[0];
    expect(se).toBeGreaterThan(0);
    expect(se).toBeLessThan(0.1);
    expect(Math.abs(g - G1)).toBeLessThan(Math.max(3 * se, 0.08));
    // ...and clearly rejects "no effect".
    expect(g / se).toBeGreaterThan(5);
  });

  it('recovers the dropout effect γ₂ = -0.5 and the baseline parameters', () => {
    const g = model.dropout.coefficients[0];
    const se = model.dropout.standardErrors[0];
    expect(Math.abs(g - G2)).toBeLessThan(Math.max(3 * se, 0.15));
    expect(Math.abs(model.params.r / BASE.r - 1)).toBeLessThan(0.1);
    expect(Math.abs(model.params.alpha / BASE.alpha - 1)).toBeLessThan(0.15);
    expect(model.convergence.converged).toBe(true);
  });

  it('fits better than the model without covariates by a likelihood-ratio margin', () => {
    const plain = new ParetoNbd().fit(data);
    // Two extra parameters; 2 ΔLL far above the chi-square(2) 99.9% point of 13.8.
    expect(2 * (model.logLikelihood - plain.logLikelihood)).toBeGreaterThan(13.8);
  });

  it('predicts more purchases for the faster group and round-trips through JSON', () => {
    const one = { x: Float64Array.from([2, 2]), tx: Float64Array.from([20, 20]), T: Float64Array.from([30, 30]), purchase: fromColumns([[0, 1]]), dropout: fromColumns([[0, 1]]) };
    const e = model.expectedPurchases(26, one);
    expect(e[1]).toBeGreaterThan(e[0]);
    const back = CovariatesModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(back.expectedPurchases(26, one))).toEqual(Array.from(e));
    expect(Array.from(back.pAlive(one))).toEqual(Array.from(model.pAlive(one)));
    expect(back.purchase.names).toEqual(['group']);
  });

  it('says what is wrong with unusable covariates', () => {
    const constant = { ...data, purchase: fromColumns([new Float64Array(2 * HALF).fill(1)]) };
    expect(() => new ParetoNbdCovariates().fit(constant)).toThrow(InputError);
    expect(() => new ParetoNbdCovariates().fit(constant)).toThrow(/same for every customer/);
    const short = { ...data, purchase: fromColumns([[0, 1]]) };
    expect(() => new ParetoNbdCovariates().fit(short)).toThrow(/2 rows for 40000 customers/);
    const one = { x: Float64Array.from([1]), tx: Float64Array.from([1]), T: Float64Array.from([2]) };
    expect(() => model.pAlive(one)).toThrow(/purchase covariates/);
  });
});

describe('BG/NBD with static covariates (CLVTools parameterisation)', () => {
  const B = { r: 0.8, alpha: 12, a: 0.6, b: 2.5 };
  const h0 = simulateSummary({ model: 'bgnbd', params: B }, { customers: HALF, T: ages, seed: 21 });
  const h1 = simulateSummary({ model: 'bgnbd', params: { ...B, alpha: B.alpha / 2 } }, { customers: HALF, T: ages, seed: 22 });
  const bg = { x: cat(h0.x, h1.x), tx: cat(h0.tx, h1.tx), T: cat(h0.T, h1.T), purchase: fromColumns([z]), dropout: fromColumns([z]) };
  const model = new BgNbdCovariates().fit(bg);

  it('recovers γ₁ = ln 2 for a doubled purchase rate and no dropout effect', () => {
    const g1 = model.purchase.coefficients[0];
    const se1 = model.purchase.standardErrors[0];
    expect(Math.abs(g1 - G1)).toBeLessThan(Math.max(3 * se1, 0.08));
    const g2 = model.dropout.coefficients[0];
    expect(Math.abs(g2)).toBeLessThan(Math.max(3 * model.dropout.standardErrors[0], 0.15));
    expect(model.kind).toBe('bgnbd-covariates');
    const back = CovariatesModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(back.kind).toBe('bgnbd-covariates');
    expect(Array.from(back.expectedPurchases(26, bg).slice(0, 5))).toEqual(Array.from(model.expectedPurchases(26, bg).slice(0, 5)));
  });

  it('equals the plain BG/NBD likelihood at zero effects, with a gradient matching central differences', () => {
    const rows = collapseRows([bg.x, bg.tx, bg.T]);
    const base = Float64Array.from([0.7, 9, 0.5, 3]);
    const zero = new Float64Array(rows.length);
    const plain = betaGeometricLogLik(0, base, rows, null);
    expect(Math.abs(bgnbdCovariateLogLik(base, zero, zero, rows, null) - plain)).toBeLessThan(1e-8 * Math.abs(plain));

    const e1 = Float64Array.from({ length: rows.length }, (_, i) => 0.3 * Math.sin(i));
    const e2 = Float64Array.from({ length: rows.length }, (_, i) => 0.2 * Math.cos(i));
    const g = { base: new Float64Array(4), e1: new Float64Array(rows.length), e2: new Float64Array(rows.length) };
    bgnbdCovariateLogLik(base, e1, e2, rows, g);
    for (let j = 0; j < 4; j++) {
      const h = 1e-6 * base[j];
      const up = Float64Array.from(base);
      const dn = Float64Array.from(base);
      up[j] += h;
      dn[j] -= h;
      const fd = (bgnbdCovariateLogLik(up, e1, e2, rows, null) - bgnbdCovariateLogLik(dn, e1, e2, rows, null)) / (2 * h);
      expect(Math.abs(g.base[j] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    }
    // Shift every customer's linear predictor together: the derivative is the sum of per-row ones.
    for (const which of ['e1', 'e2'] as const) {
      const shift = (d: number) => {
        const a = which === 'e1' ? e1.map((v) => v + d) : e1;
        const b = which === 'e2' ? e2.map((v) => v + d) : e2;
        return bgnbdCovariateLogLik(base, a, b, rows, null);
      };
      const fd = (shift(1e-6) - shift(-1e-6)) / 2e-6;
      const sum = g[which].reduce((s, v) => s + v, 0);
      expect(Math.abs(sum - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    }
  });
});

describe('Pareto/NBD with covariates against a SciPy fit of the same likelihood', () => {
  it('reaches the same log-likelihood (1e-6 relative), parameters and coefficients', () => {
    const zc = Float64Array.from(scipyCov.z);
    const model = new ParetoNbdCovariates().fit({
      x: Float64Array.from(scipyCov.x),
      tx: Float64Array.from(scipyCov.tx),
      T: Float64Array.from(scipyCov.T),
      purchase: fromColumns([zc]),
      dropout: fromColumns([zc]),
    });
    expect(Math.abs(model.logLikelihood / scipyCov.logLikelihood - 1)).toBeLessThan(1e-6);
    expect(model.logLikelihood).toBeGreaterThanOrEqual(scipyCov.logLikelihood - 1e-6);
    for (const k of ['r', 'alpha', 's', 'beta'] as const) {
      expect(Math.abs(model.params[k] / scipyCov.params[k] - 1)).toBeLessThan(1e-5);
    }
    expect(Math.abs(model.purchase.coefficients[0] - scipyCov.purchase)).toBeLessThan(1e-5);
    expect(Math.abs(model.dropout.coefficients[0] - scipyCov.dropout)).toBeLessThan(1e-5);
  });
});
