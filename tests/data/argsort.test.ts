import { describe, expect, it } from 'vitest';
import { argsortFloat64 } from '../../src/data/argsort.js';
import { Random } from '../../src/random.js';

/** A stable comparator argsort, with -0 before +0 as their bit patterns order them. */
function reference(values: Float64Array): Int32Array {
  const idx = Int32Array.from({ length: values.length }, (_, i) => i);
  return idx.sort((a, b) => {
    const x = values[a];
    const y = values[b];
    if (x < y) return -1;
    if (x > y) return 1;
    if (Object.is(x, -0) && Object.is(y, 0)) return -1;
    if (Object.is(x, 0) && Object.is(y, -0)) return 1;
    return a - b;
  });
}

describe('argsortFloat64', () => {
  // Both sides of the digit-width switch (16,384 rows), and the sizes trees see.
  for (const n of [0, 1, 2, 7, 300, 4334, 16383, 16384, 40000]) {
    it(`orders ${n} doubles as a stable comparator sort does: ties, negatives, signed zeros, infinities, integers`, () => {
      const rng = new Random(n + 1);
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform();
        v[i] =
          u < 0.2 ? Math.round(rng.normal() * 5) // ties among small integers
          : u < 0.3 ? (rng.uniform() < 0.5 ? -0 : 0)
          : u < 0.32 ? (rng.uniform() < 0.5 ? Infinity : -Infinity)
          : u < 0.5 ? rng.int(1000) * 1e6 // integers sharing low words
          : rng.normal() * Math.exp(rng.normal() * 10);
      }
      expect(Array.from(argsortFloat64(v))).toEqual(Array.from(reference(v)));
    });
  }

  it('leaves already sorted and constant columns in row order', () => {
    expect(Array.from(argsortFloat64(new Float64Array(500).fill(3.5)))).toEqual(Array.from({ length: 500 }, (_, i) => i));
    const up = Float64Array.from({ length: 20000 }, (_, i) => i / 7);
    expect(Array.from(argsortFloat64(up))).toEqual(Array.from({ length: 20000 }, (_, i) => i));
  });
});
