import { describe, expect, it } from 'vitest';
import { hyp2f1, logHyp2f1, logHyp2f1Unit } from '../../src/math/hyp2f1.js';
import ref from '../fixtures/clv-pnbd/reference.json' with { type: 'json' };

describe('logHyp2f1', () => {
  // Near z = 1 with integer c - a - b scipy itself is off by ~2e-10; mpmath is the reference there.
  it('matches mpmath to 1e-13 (1e-11 within 1e-3 of z = 1) and scipy to 1e-9', () => {
    for (const c of ref.hyp2f1) {
      const v = logHyp2f1(c.a, c.b, c.c, c.z);
      const tol = c.z > 0.999 ? 1e-11 : 1e-13;
      expect(Math.abs(v - c.logMpmath)).toBeLessThan(tol * Math.max(1, Math.abs(c.logMpmath)));
      if (c.scipy !== null) expect(Math.abs(hyp2f1(c.a, c.b, c.c, c.z) / c.scipy - 1)).toBeLessThan(c.z > 0.999 ? 1e-9 : 1e-12);
    }
  });

  it('is 1 at z = 0 and NaN outside [0, 1)', () => {
    expect(logHyp2f1(2, 3, 4, 0)).toBe(0);
    expect(logHyp2f1(2, 3, 4, 1)).toBeNaN();
    expect(logHyp2f1(2, 3, 4, -0.5)).toBeNaN();
  });

  it('reproduces closed forms: 2F1(1,1;2;z) = -ln(1-z)/z and 2F1(a,b;b;z) = (1-z)^-a', () => {
    for (const z of [0.1, 0.5, 0.9, 0.999, 0.99999]) {
      expect(logHyp2f1(1, 1, 2, z)).toBeCloseTo(Math.log(-Math.log1p(-z) / z), 10);
      expect(logHyp2f1(2.5, 1.7, 1.7, z)).toBeCloseTo(-2.5 * Math.log1p(-z), 11);
    }
  });
});

describe('logHyp2f1Unit (2F1(1, b; c; z) with gradient)', () => {
  const cases = [
    [1.5, 3.2, 0.3],
    [0.553, 2.159, 0.09],
    [500.5, 501.7, 0.6],
    [1.6, 2.2, 0.999],
    [1.7, 3.7, 0.99999], // near z = 1, c - 1 - b = 1 exactly
    [0.4, 2.9, 0.9999],
  ];

  it('equals the general function with a = 1', () => {
    for (const [b, c, z] of cases) {
      expect(Math.abs(logHyp2f1Unit(b, c, z) - logHyp2f1(1, b, c, z))).toBeLessThan(1e-12);
    }
  });

  it('returns derivatives of ln S that match central differences', () => {
    const g = new Float64Array(3);
    for (const [b, c, z] of cases) {
      logHyp2f1Unit(b, c, z, g);
      // Steps large enough that rounding in the differenced values stays below the tolerance.
      const hb = 1e-5 * b;
      const hc = 1e-5 * c;
      const hz = 1e-4 * Math.min(z, 1 - z);
      const fb = (logHyp2f1(1, b + hb, c, z) - logHyp2f1(1, b - hb, c, z)) / (2 * hb);
      const fc = (logHyp2f1(1, b, c + hc, z) - logHyp2f1(1, b, c - hc, z)) / (2 * hc);
      const fz = (logHyp2f1(1, b, c, z + hz) - logHyp2f1(1, b, c, z - hz)) / (2 * hz);
      expect(Math.abs(g[0] - fb)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fb)));
      expect(Math.abs(g[1] - fc)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fc)));
      expect(Math.abs(g[2] - fz)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fz)));
    }
  });
});

describe('logHyp2f1Unit where A&S 15.3.6 cancels and the series needs millions of terms', () => {
  // (b, c - b, 1 - z, ln 2F1(1, b; c; z), [d/db, d/dc, d/dz]) from mpmath at 50 digits:
  //   mp.log(mp.hyp2f1(1, b, b + e, 1 - w)) and mp.diff of it, with w given exactly.
  // (c - 1)(1 - z) > 1 and 1 - z <= 4e-3: the Pareto/NBD Poisson limit with dropout. The last row
  // has b = 1e15 + 3, where c - b must be passed in: (b + 12.6) - b keeps one digit.
  const cases: [number, number, number, number, number[]][] = [
    [12900.0, 13.7, 0.0018, 5.867011680999107, [0.026835727127785217, -0.026807988846054023, 356.20026214998194]],
    [100003.0, 2.0, 1e-5, 10.605753177457668, [0.3410955042556478, -0.3410902783522773, 47738.1372562273]],
    [5000.0, 500.0, 0.004, 2.360343572685053, [0.0019187757791229844, -0.0017446453331372036, 9.650924968276575]],
    [250000.0, 20.1, 2e-5, 9.238305707931687, [0.04076619285342923, -0.04076304281347946, 10620.671595373547]],
    [1000000000000003.0, 12.6, 2.2e-13, 29.089687199538286, [0.004282858146882102, -0.004282858146882048, 4301205489828.884]],
  ];
  it('matches mpmath to 1e-13 in value and 1e-10 in gradient', () => {
    for (const [b, e, w, value, g] of cases) {
      const grad = new Float64Array(3);
      const v = logHyp2f1Unit(b, b + e, 1 - w, grad, w, e);
      expect(Math.abs(v - value)).toBeLessThan(1e-13 * Math.abs(value));
      expect(logHyp2f1Unit(b, b + e, 1 - w, undefined, w, e)).toBe(v);
      for (let i = 0; i < 3; i++) expect(Math.abs(grad[i] - g[i])).toBeLessThan(1e-10 * Math.abs(g[i]));
    }
  });
});

describe('logHyp2f1Unit where the series needs hundreds to thousands of terms and A&S 15.3.6 is well conditioned', () => {
  // (b, c - b, 1 - z, ln 2F1(1, b; c; z), [d/db, d/dc, d/dz, d/db at fixed c - b]) from mpmath at 50 digits: the
  // Pareto/NBD's light buyers (b = s + 1, c - b = r + x) with 1 - z = (α+y)/(β+y) between 0.012 and 0.045, which
  // take A&S 15.3.6 instead of 800 to 3,000 series terms.
  const cases: [number, number, number, number, number[]][] = [
    [1.00001, 0.82, 0.03, 1.5242359746761046, [2.0467936089770864, -1.483657164159466, 11.29166791611311, 0.56313644481762038]],
    [1.3, 1.82, 0.012, 0.87060992911619451, [0.98705807064656275, -0.56165511196889184, 4.388978103263528, 0.42540295867767091]],
    [1.00001, 5.4, 0.045, 0.19193602214115999, [0.21091529832859579, -0.038453397859653142, 0.27806934150337448, 0.17246190046894265]],
    [2.5, 2.7, 0.02, 0.84873681618679414, [0.51602922861982084, -0.29807279482897886, 2.4189664388583925, 0.21795643379084198]],
    [1.05, 0.6, 0.04, 1.7845314658415923, [2.181441354490931, -1.7168067179144968, 12.164562597633588, 0.4646346365764341]],
  ];

  it('matches mpmath to 1e-13 in value and 1e-9 in every derivative', () => {
    for (const [b, e, w, value, g] of cases) {
      const grad = new Float64Array(4);
      const v = logHyp2f1Unit(b, b + e, 1 - w, grad, w, e);
      expect(Math.abs(v - value)).toBeLessThan(1e-13 * Math.abs(value));
      for (let i = 0; i < 4; i++) expect(Math.abs(grad[i] - g[i])).toBeLessThan(1e-9 * Math.abs(g[i]));
      expect(logHyp2f1Unit(b, b + e, 1 - w, undefined, w, e)).toBe(v);
    }
  });

  it('keeps the series where c - b - 1 is near an integer (the formula\'s two poles would cost up to 5e-8 there)', () => {
    // The same from mpmath with c - b within 0.01 of an integer: the series is exact to rounding.
    const near: [number, number, number, number, number[]][] = [
      [1.5, 2.01, 0.03, 0.79531645906528484, [0.74834563918406936, -0.41046500395446284, 2.6842013710510786, 0.33788063522960652]],
      [1.00001, 1.001, 0.02, 1.3829131249199608, [1.9542012040242101, -1.3493755114624315, 11.739790559386817, 0.60482569256177862]],
      [1.2, 3.0004, 0.04, 0.42945851101085385, [0.43765564815128698, -0.15696087487888461, 0.90148260832156631, 0.28069477327240237]],
    ];
    for (const [b, e, w, value, g] of near) {
      const grad = new Float64Array(4);
      expect(Math.abs(logHyp2f1Unit(b, b + e, 1 - w, grad, w, e) - value)).toBeLessThan(1e-13 * Math.abs(value));
      for (let i = 0; i < 4; i++) expect(Math.abs(grad[i] - g[i])).toBeLessThan(1e-12 * Math.abs(g[i]));
    }
  });
});

describe('logHyp2f1Unit for b in the millions on the A&S 15.3.6 path, and d/db with c - b fixed', () => {
  // (b, c - b, 1 - z, ln 2F1(1, b; c; z), [d/db, d/dc, d/dz, d/db at fixed c - b]) from mpmath at
  // 50 digits with c - b and 1 - z exact. The first four have (c - 1)(1 - z) < 1 and 1 - z < 1e-6:
  // the Pareto/NBD likelihood as s, β → ∞ (homogeneous dropout); in the fourth z rounds to 1.
  // The last two take the series and the integral, for the fourth derivative on every method.
  const cases: [number, number, number, number, number[]][] = [
    [1317209.1278282958, 2.5908031269568685, 5e-7, 13.14640032809034, [0.34407020998028017, -0.34406969559479546, 644890.87908803082, 5.1438548470377782e-7]],
    [1317209.1278282958, 1.5908031269568685, 3e-7, 13.767595065343827, [0.56843876936016364, -0.56843831073584057, 1319650.8492432191, 4.5862432306993389e-7]],
    [3e9, 1.7, 1e-10, 21.534801621624477, [0.60065602895151317, -0.60065602872902189, 3325261534.879596, 2.2249128207623569e-10]],
    [1e24, 3.5, 2e-25, 54.232340370010714, [0.34180372075812802, -0.34180372075812802, 5.0115427289430842e23, 8.9976914542113833e-25]],
    [20000.5, 3.3, 0.05, 2.99260572344155, [0.00094596279396282527, -0.00094580688705677276, 19.934342527684787, 1.5590690605250872e-7]],
    [12900.0, 13.7, 0.0018, 5.8670116809991063, [0.026835727127785217, -0.026807988846054024, 356.20026214998195, 2.7738281731192778e-5]],
  ];

  it('matches mpmath to 1e-13 in value, 1e-10 in d/dz and d/db at fixed c - b, 1e-9 in d/db and d/dc', () => {
    for (const [b, e, w, value, g] of cases) {
      const grad = new Float64Array(4);
      const v = logHyp2f1Unit(b, b + e, 1 - w, grad, w, e);
      expect(Math.abs(v - value)).toBeLessThan(1e-13 * Math.abs(value));
      // d/db and d/dc carry ψ at small arguments, good to ~1e-11; the other two do not.
      for (const [i, tol] of [[0, 1e-9], [1, 1e-9], [2, 1e-10], [3, 1e-10]]) expect(Math.abs(grad[i] - g[i])).toBeLessThan(tol * Math.abs(g[i]));
      const three = new Float64Array(3);
      logHyp2f1Unit(b, b + e, 1 - w, three, w, e);
      expect(Array.from(three)).toEqual(Array.from(grad.subarray(0, 3)));
    }
  });

  it('is NaN at once, gradient included, when a parameter has overflowed or z = 1', () => {
    const grad = new Float64Array(4);
    expect(logHyp2f1Unit(Infinity, Infinity, NaN, grad, 0, 2.5)).toBeNaN();
    expect(Array.from(grad).every(Number.isNaN)).toBe(true);
    expect(logHyp2f1Unit(2, 3, 1, undefined, 0, 1)).toBeNaN();
  });
});
