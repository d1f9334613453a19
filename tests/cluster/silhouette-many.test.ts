import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/data/matrix.js';
import { Random } from '../../src/random.js';
import { silhouetteSamples, silhouetteSamplesMany, silhouetteScore, silhouetteScores } from '../../src/cluster/silhouette.js';

describe('silhouettes of several labelings at once', () => {
  const rng = new Random(3);
  const x = matrix(300, 4, Float64Array.from({ length: 1200 }, () => rng.normal()));
  const labelings = [2, 3, 5].map((k) => Int32Array.from({ length: 300 }, (_, i) => i % k));

  it('equal the one-at-a-time values exactly', () => {
    const many = silhouetteSamplesMany(x, labelings);
    labelings.forEach((l, i) => expect(Array.from(many[i])).toEqual(Array.from(silhouetteSamples(x, l))));
  });

  it('share one sample when the rows exceed the sample size', () => {
    const scores = silhouetteScores(x, labelings, { sampleSize: 100, seed: 9 });
    labelings.forEach((l, i) => {
      expect(scores[i]).toEqual(silhouetteScore(x, l, { sampleSize: 100, seed: 9 }));
      expect(scores[i]).toMatchObject({ rows: 100, sampled: true });
    });
  });
});
