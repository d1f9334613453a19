import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pca2 } from '../../src/cluster/pca.js';

interface Fixture {
  sets: { name: string; rows: number; cols: number; data: number[]; pca: { explained: number[]; components: number[]; scores: number[] } }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/cluster/kmeans.json', import.meta.url), 'utf8')) as Fixture;

describe.each(fixture.sets)('pca2 parity with scikit-learn PCA on $name', (set) => {
  it('explained variance ratios and components (up to sign) and scores', () => {
    const p = pca2({ rows: set.rows, cols: set.cols, data: Float64Array.from(set.data) });
    expect(p.explained[0]).toBeCloseTo(set.pca.explained[0], 9);
    expect(p.explained[1]).toBeCloseTo(set.pca.explained[1], 9);
    for (let c = 0; c < 2; c++) {
      const ours = p.components.subarray(c * set.cols, (c + 1) * set.cols);
      const theirs = set.pca.components.slice(c * set.cols, (c + 1) * set.cols);
      const sign = Math.sign(ours.reduce((s, v, j) => s + v * theirs[j], 0));
      ours.forEach((v, j) => expect(sign * v).toBeCloseTo(theirs[j], 8));
      for (let i = 0; i < set.rows; i += 17) expect(sign * p.scores.data[i * 2 + c]).toBeCloseTo(set.pca.scores[i * 2 + c], 8);
    }
  });
});
