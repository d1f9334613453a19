import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../../src/data/matrix.js';
import { Random } from '../../src/random.js';
import { silhouetteSamples, silhouetteSamplesMany, silhouetteScore, silhouetteScores } from '../../src/cluster/silhouette.js';

/** Rousseeuw's definition, pair by pair with nothing shared: the reference the fast paths must match. */
function naive(x: Matrix, labels: ArrayLike<number>): Float64Array {
  const { rows: n, cols: d, data } = x;
  const k = Math.max(...Array.from(labels)) + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sum = new Float64Array(k);
    const size = new Float64Array(k);
    for (let j = 0; j < n; j++) {
      size[labels[j]]++;
      if (j === i) continue;
      let s = 0;
      for (let q = 0; q < d; q++) s += (data[i * d + q] - data[j * d + q]) ** 2;
      sum[labels[j]] += Math.sqrt(s);
    }
    const own = labels[i];
    if (size[own] <= 1) continue;
    const a = sum[own] / (size[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && size[c] > 0) b = Math.min(b, sum[c] / size[c]);
    out[i] = (b - a) / Math.max(a, b);
  }
  return out;
}

const worst = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
};

describe('silhouettes of several labelings at once', () => {
  const rng = new Random(3);
  const x = matrix(300, 4, Float64Array.from({ length: 1200 }, () => rng.normal()));
  const labelings = [2, 3, 5].map((k) => Int32Array.from({ length: 300 }, (_, i) => i % k));

  it('equal the one-at-a-time values and the pair-by-pair definition (cells of 10 rows)', () => {
    const many = silhouetteSamplesMany(x, labelings);
    labelings.forEach((l, i) => {
      expect(worst(many[i], silhouetteSamples(x, l))).toBeLessThan(1e-12);
      expect(worst(many[i], naive(x, l))).toBeLessThan(1e-12);
    });
  });

  it('match the definition when the labelings cut the rows into near-single cells', () => {
    // Seven unrelated labelings leave about one row per joint cell: the pair-by-pair path.
    const random = [2, 3, 4, 5, 6, 7, 8].map((k) => Int32Array.from({ length: 300 }, () => rng.int(k)));
    const many = silhouetteSamplesMany(x, random);
    random.forEach((l, i) => expect(worst(many[i], naive(x, l))).toBeLessThan(1e-12));
  });

  it('match the definition on uneven, nested k-means-like cells', () => {
    const y = matrix(500, 3, Float64Array.from({ length: 1500 }, (_, q) => (q % 3 === 0 ? Math.floor(q / 150) : 0) + rng.normal()));
    const first = Int32Array.from({ length: 500 }, (_, i) => (y.data[i * 3] > 4 ? 1 : 0));
    const second = Int32Array.from({ length: 500 }, (_, i) => (y.data[i * 3] > 2 ? 1 : 0) + (y.data[i * 3] > 6 ? 1 : 0) + (y.data[i * 3 + 1] > 1 ? 3 : 0));
    const many = silhouetteSamplesMany(y, [first, second]);
    expect(worst(many[0], naive(y, first))).toBeLessThan(1e-12);
    expect(worst(many[1], naive(y, second))).toBeLessThan(1e-12);
  });

  it('share one sample when the rows exceed the sample size', () => {
    const scores = silhouetteScores(x, labelings, { sampleSize: 100, seed: 9 });
    labelings.forEach((l, i) => {
      const one = silhouetteScore(x, l, { sampleSize: 100, seed: 9 });
      expect(Math.abs(scores[i].score - one.score)).toBeLessThan(1e-12);
      expect(scores[i]).toMatchObject({ rows: 100, sampled: true });
    });
  });
});
