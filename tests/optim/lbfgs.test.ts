import { describe, expect, it } from 'vitest';
import { minimize } from '../../src/optim/lbfgs.js';
import { hessianFromGradient, invertSymmetric, numericalHessian } from '../../src/optim/hessian.js';

function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
}

describe('minimize (L-BFGS)', () => {
  it('finds the Rosenbrock minimum in 2 and 10 dimensions', () => {
    for (const n of [2, 10]) {
      const x0 = new Float64Array(n).fill(-1.2);
      x0[n - 1] = 1;
      const r = minimize(rosenbrock, x0, { maxIterations: 1000, gradientTolerance: 1e-8, functionTolerance: 0 });
      expect(r.converged).toBe(true);
      for (const v of r.x) expect(v).toBeCloseTo(1, 5);
      expect(r.value).toBeLessThan(1e-10);
    }
  });

  it('minimises a quadratic exactly and reports counts', () => {
    const A = [4, 1, 1, 3];
    const b = [1, 2];
    const f = (x: Float64Array, g: Float64Array) => {
      g[0] = A[0] * x[0] + A[1] * x[1] - b[0];
      g[1] = A[2] * x[0] + A[3] * x[1] - b[1];
      return 0.5 * (x[0] * (A[0] * x[0] + A[1] * x[1]) + x[1] * (A[2] * x[0] + A[3] * x[1])) - b[0] * x[0] - b[1] * x[1];
    };
    const r = minimize(f, new Float64Array([10, -10]), { gradientTolerance: 1e-10, functionTolerance: 0 });
    // Solution of A x = b.
    expect(r.x[0]).toBeCloseTo(1 / 11, 8);
    expect(r.x[1]).toBeCloseTo(7 / 11, 8);
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.evaluations).toBeGreaterThanOrEqual(r.iterations);
    expect(r.gradientNorm).toBeLessThan(1e-10);
  });

  it('takes Newton steps from an exact initial inverse Hessian', () => {
    // f = ½ xᵀAx - bᵀx with A = [[4,1],[1,3]]: one step with H0 = A⁻¹ lands on the minimum.
    const f = (x: Float64Array, g: Float64Array) => {
      g[0] = 4 * x[0] + x[1] - 1;
      g[1] = x[0] + 3 * x[1] - 2;
      return 0.5 * (4 * x[0] * x[0] + 2 * x[0] * x[1] + 3 * x[1] * x[1]) - x[0] - 2 * x[1];
    };
    const inv = new Float64Array([3 / 11, -1 / 11, -1 / 11, 4 / 11]);
    const r = minimize(f, new Float64Array([10, -10]), { initialInverseHessian: inv, gradientTolerance: 1e-10 });
    expect(r.iterations).toBe(1);
    expect(r.evaluations).toBe(2);
    expect(r.x[0]).toBeCloseTo(1 / 11, 12);
  });

  it('backs off from steps where the objective is NaN or infinite', () => {
    // -log x + x, minimum at x = 1; undefined for x <= 0, and the first steepest step overshoots into it.
    const f = (x: Float64Array, g: Float64Array) => {
      if (x[0] <= 0) {
        g[0] = NaN;
        return NaN;
      }
      g[0] = -1 / x[0] + 1;
      return -Math.log(x[0]) + x[0];
    };
    const r = minimize(f, new Float64Array([0.01]), { gradientTolerance: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 7);
    const inf = (x: Float64Array, g: Float64Array) => {
      if (x[0] > 2) {
        g[0] = 0;
        return Infinity;
      }
      g[0] = -2 * (x[0] - 1.5) + 0;
      return -((x[0] - 1.5) ** 2) + 10 * 0 + (x[0] - 1.5) ** 2 * 2;
    };
    const r2 = minimize(inf, new Float64Array([-5]), { gradientTolerance: 1e-9 });
    expect(Number.isFinite(r2.value)).toBe(true);
  });

  it('stops, converged, once the line search can only resolve rounding noise in the objective', () => {
    // A quadratic with its exact gradient and a value carrying deterministic noise of 1e-10 of
    // itself (a sum over many rows computed with some cancellation looks like this): near the
    // minimum every decrease is below the noise, and the zoom phase would bisect on it until its
    // evaluations ran out, then fail along steepest descent too (141 evaluations, not converged).
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const noise = (x: Float64Array) => {
      let h = 0x811c9dc5;
      for (const v of x) {
        bits[0] = v;
        h = Math.imul(h ^ words[0], 0x01000193);
        h = Math.imul(h ^ words[1], 0x01000193);
      }
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h ^= h >>> 12;
      return (h >>> 0) / 2 ** 32 - 0.5;
    };
    const a = [1, 10, 100, 0.1];
    const f = (x: Float64Array, g: Float64Array) => {
      let v = 10;
      for (let i = 0; i < x.length; i++) {
        v += a[i] * (x[i] - 1) ** 2;
        g[i] = 2 * a[i] * (x[i] - 1);
      }
      return v * (1 + 1e-10 * noise(x));
    };
    const r = minimize(f, new Float64Array([3, -2, 0.5, 7]), { gradientTolerance: 1e-12, functionTolerance: 1e-14 });
    expect(r.converged).toBe(true);
    expect(r.evaluations).toBeLessThan(60);
    for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-6);
  });

  it('reports a non-finite start instead of looping', () => {
    const r = minimize((_x, g) => {
      g[0] = NaN;
      return NaN;
    }, new Float64Array([0]));
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/not finite/);
  });
});

describe('Hessian and inversion', () => {
  const f = (x: Float64Array) => Math.exp(x[0]) + x[0] * x[1] * x[1] + 3 * x[1] * x[1];
  const grad = (x: Float64Array, g: Float64Array) => {
    g[0] = Math.exp(x[0]) + x[1] * x[1];
    g[1] = 2 * x[0] * x[1] + 6 * x[1];
  };
  const x = new Float64Array([0.5, -1.5]);
  const exact = [Math.exp(0.5), 2 * -1.5, 2 * -1.5, 2 * 0.5 + 6];

  it('numericalHessian matches the analytic Hessian', () => {
    const h = numericalHessian(f, x);
    for (let i = 0; i < 4; i++) expect(h[i]).toBeCloseTo(exact[i], 5);
  });

  it('hessianFromGradient matches the analytic Hessian', () => {
    const h = hessianFromGradient(grad, x);
    for (let i = 0; i < 4; i++) expect(h[i]).toBeCloseTo(exact[i], 7);
  });

  it('hessianFromGradient with the gradient at x uses forward differences', () => {
    let calls = 0;
    const g0 = new Float64Array(2);
    grad(x, g0);
    const h = hessianFromGradient((p, out) => {
      calls++;
      grad(p, out);
    }, x, g0);
    expect(calls).toBe(2);
    for (let i = 0; i < 4; i++) expect(h[i]).toBeCloseTo(exact[i], 6);
  });

  it('invertSymmetric inverts and flags singular matrices', () => {
    const m = new Float64Array([4, 2, 0, 2, 5, 1, 0, 1, 3]);
    const inv = invertSymmetric(m, 3)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let l = 0; l < 3; l++) s += m[i * 3 + l] * inv[l * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    expect(invertSymmetric(new Float64Array([1, 2, 2, 4]), 2)).toBeNull();
  });
});
