import { describe, expect, it } from 'vitest';
import { chooseK, elbow } from '../../src/cluster/choose-k.js';
import { nameSegments, type SegmentProfile } from '../../src/cluster/profile.js';
import type { Matrix } from '../../src/data/matrix.js';
import { Random } from '../../src/random.js';

describe('elbow', () => {
  it('finds the point farthest below the chord', () => {
    expect(elbow([2, 3, 4, 5, 6, 7], [1000, 500, 150, 130, 115, 100])).toBe(4);
    expect(elbow([2, 3, 4, 5], [100, 10, 9, 8])).toBe(3);
  });
  it('has no elbow on a straight or concave curve', () => {
    expect(elbow([2, 3, 4, 5], [40, 30, 20, 10])).toBeNull();
    expect(elbow([2, 3, 4], [100, 95, 10])).toBeNull();
    expect(elbow([2, 3], [10, 5])).toBeNull();
  });
});

describe('chooseK', () => {
  it('finds three well-separated blobs and explains why', () => {
    const rng = new Random(8);
    const rows = 300;
    const data = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const c = i % 3;
      data[i * 2] = c * 10 + rng.normal();
      data[i * 2 + 1] = (c === 1 ? 10 : 0) + rng.normal();
    }
    const x: Matrix = { rows, cols: 2, data };
    const { choice, models } = chooseK(x, { seed: 1, nInit: 3, kMax: 6 });
    expect(choice.k).toBe(3);
    expect(choice.elbowK).toBe(3);
    expect(choice.silhouetteK).toBe(3);
    expect(choice.reason).toBe(`k = 3 has the highest mean silhouette (${choice.candidates[1].silhouette.toFixed(2)}) of the segments of at least 10 customers, and is where the inertia curve bends.`);
    // A fit whose clusters include one under 10 rows counts as the smaller k it really found.
    expect(choice.candidates.map((c) => c.k)).toEqual([...models.keys()].sort((a, b) => a - b));
    expect(choice.candidates.map((c) => c.k).slice(0, 3)).toEqual([2, 3, 4]);
    for (const c of choice.candidates) expect(c.smallest).toBeGreaterThanOrEqual(choice.minSegmentRows);
  });
});

describe('nameSegments', () => {
  const profile = (id: number, features: [string, number][]): SegmentProfile => ({
    id,
    name: '',
    size: 10,
    share: 0.25,
    // Means on the side of the overall mean that z says, so the fixture's numbers agree with its names.
    features: features.map(([feature, z]) => ({ feature, z, mean: feature.includes('=') ? 0.9 : z, overallMean: 0 })),
  });

  it('names from the largest deviations, lengthening or numbering names that clash', () => {
    const names = nameSegments([
      profile(0, [['total_spend', 2], ['purchase_count', 1.5], ['days_since_last_purchase', -1], ['age', 0.6]]),
      profile(1, [['total_spend', 2], ['purchase_count', 1.5], ['days_since_last_purchase', -1], ['age', -0.7]]),
      profile(2, [['total_spend', 0.1], ['tier=Gold', 1.2]]),
      profile(3, [['total_spend', 0.1]]),
      profile(4, [['total_spend', 0.2]]),
    ]);
    expect(names).toEqual([
      'High spend, frequent, recent, older',
      'High spend, frequent, recent, younger',
      'Mostly Gold',
      'Average customers',
      'Average customers (2)',
    ]);
  });
});
