import { describe, expect, it } from 'vitest';
import { rfmScores } from '../../src/features/rfm.js';
import { Random } from '../../src/random.js';

/** The definition, counted pair by pair: 1 + floor(5 × share of customers ranked strictly before), missing last. */
function bruteForce(values: Float64Array, higherIsBetter: boolean): Int8Array {
  const n = values.length;
  const key = (v: number) => (higherIsBetter ? v : -v);
  return Int8Array.from(values, (v) => {
    let before = 0;
    for (const w of values) if (Number.isNaN(v) ? !Number.isNaN(w) : !Number.isNaN(w) && key(w) < key(v)) before++;
    return 1 + Math.floor((5 * before) / n);
  });
}

describe('RFM quintile scores', () => {
  it('equal the pairwise definition on ties, zeros of both signs and missing values, in both directions', () => {
    const rng = new Random(7);
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + Math.floor(rng.uniform() * 300);
      const values = Float64Array.from({ length: n }, () => {
        const u = rng.uniform();
        return u < 0.1 ? NaN : u < 0.15 ? -0 : u < 0.2 ? 0 : Math.round(rng.uniform() * 20) / 2;
      });
      for (const higher of [true, false]) expect(rfmScores(values, higher)).toEqual(bruteForce(values, higher));
    }
  });

  it('equal values always share a score, and the best fifth scores 5', () => {
    const s = rfmScores(Float64Array.from([1, 1, 1, 1, 1, 2, 3, 4, 5, 6]), true);
    expect(Array.from(s)).toEqual([1, 1, 1, 1, 1, 3, 4, 4, 5, 5]);
  });
});
