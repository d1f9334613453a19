import { describe, expect, it } from 'vitest';
import { betaGeometricAliveExpectation } from '../../src/clv/bgnbd.js';

/**
 * E[purchases in the next t | alive] for BG/NBD, as the fitted a and b run to infinity together (every customer
 * with the same dropout probability, as on the bundled electronics log: a = 2.6e11, b = 2.6e12). The reference
 * integrates the fixed-p expectation (1 - (1 + p u)^-R) / p over the Beta(a, b + m) posterior by the trapezoid
 * rule on ±14 SD around its mean, which is exact to rounding for so smooth and fast-decaying an integrand.
 */
function byQuadrature(R: number, a: number, B: number, u: number): number {
  const n = a + B;
  const mean = a / n;
  const sd = Math.sqrt((mean * (1 - mean)) / (n + 1));
  const points = 4000;
  const lo = Math.max(mean - 14 * sd, 0);
  const hi = Math.min(mean + 14 * sd, 1);
  let num = 0;
  let den = 0;
  for (let i = 0; i <= points; i++) {
    const p = lo + ((hi - lo) * i) / points;
    if (p <= 0 || p >= 1) continue;
    const d = p - mean;
    // The Beta density relative to its value at the mean, in logs without cancellation.
    const w = Math.exp((a - 1) * Math.log1p(d / mean) + (B - 1) * Math.log1p(-d / (1 - mean))) * (i === 0 || i === points ? 0.5 : 1);
    num += w * (-Math.expm1(-R * Math.log1p(p * u)) / p);
    den += w;
  }
  return num / den;
}

describe('BG/NBD expectations when dropout is homogeneous (a, b → ∞)', () => {
  const cases: [number, number, number, number, number][] = [
    // R (r + x), a, b, m (x), u = t / (alpha + T)
    [8.4, 2.6e11, 2.6e12, 1, 0.05],
    [12.4, 2.6e11, 2.6e12, 5, 0.11],
    [7.4, 1e9, 3e9, 0, 1.5],
    [3, 5e7, 1e7, 2, 0.3],
    [40, 2e8, 4e10, 30, 0.02],
  ];
  it('equals the expectation integrated over the Beta posterior to 1e-12', () => {
    for (const [R, a, b, m, u] of cases) {
      const got = betaGeometricAliveExpectation(R, a, b, m, u);
      const want = byQuadrature(R, a, b + m, u);
      expect(Math.abs(got - want) / want).toBeLessThan(1e-12);
    }
  });
});
