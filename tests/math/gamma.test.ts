import { describe, expect, it } from 'vitest';
import { digamma, digammaDiff, lgamma, lgammaRatio } from '../../src/math/gamma.js';

describe('lgammaRatio and digammaDiff', () => {
  // (b, e, ln Γ(b+e) - ln Γ(b), ψ(b+e) - ψ(b)) from mpmath at 50 digits.
  const cases: [number, number, number, number][] = [
    [30, 2.5, 8.5641464464463526316, 0.081338453268069593249],
    [31.7, -1.2, -4.1051765171933975087, -0.039217221691322443812],
    [1317209.1278282958, 2.59, 36.495758279469841974, 1.9662773223264944873e-6],
    [1e9, 0.3, 6.2169797509789231168, 3.0000000010499998891e-10],
    [50, 1e6, 12816050.780156543317, 9.9135703833113389973],
  ];

  it('match mpmath to 1e-14 where the difference of two lgammas or digammas keeps only a few digits', () => {
    for (const [b, e, lr, dd] of cases) {
      expect(Math.abs(lgammaRatio(b, e) - lr)).toBeLessThan(1e-14 * Math.abs(lr));
      expect(Math.abs(digammaDiff(b, e) - dd)).toBeLessThan(1e-14 * Math.abs(dd));
    }
    // What they replace: at b = 1.3e6 the plain differences are off in the tenth digit or worse.
    expect(Math.abs(lgamma(1317209.1278282958 + 2.59) - lgamma(1317209.1278282958) - 36.495758279469841974)).toBeGreaterThan(1e-11);
    expect(Math.abs(digamma(1e9 + 0.3) - digamma(1e9) - 3.0000000010499998891e-10)).toBeGreaterThan(1e-15);
  });

  it('fall back to the plain differences below 30', () => {
    expect(lgammaRatio(2.5, 1.5)).toBe(lgamma(4) - lgamma(2.5));
    expect(digammaDiff(0.7, 3)).toBe(digamma(3.7) - digamma(0.7));
  });
});
