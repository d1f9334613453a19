import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { silhouetteSamples, silhouetteScore } from '../../src/cluster/silhouette.js';
import type { Matrix } from '../../src/data/matrix.js';
import { InputError } from '../../src/errors.js';

interface Fixture {
  sets: { name: string; rows: number; cols: number; data: number[]; runs: { k: number; labels: number[]; silhouette: number }[]; silhouetteSamples: number[] }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/cluster/kmeans.json', import.meta.url), 'utf8')) as Fixture;

describe.each(fixture.sets)('silhouette parity with scikit-learn on $name', (set) => {
  const x: Matrix = { rows: set.rows, cols: set.cols, data: Float64Array.from(set.data) };
  it.each(set.runs)('k = $k: mean silhouette within 1e-6 for the same labels', ({ labels, silhouette }) => {
    const s = silhouetteScore(x, Int32Array.from(labels));
    expect(s.sampled).toBe(false);
    expect(Math.abs(s.score - silhouette)).toBeLessThan(1e-6);
  });
  it('per-row silhouettes within 1e-6 (k = 3)', () => {
    const s = silhouetteSamples(x, set.runs[1].labels);
    let worst = 0;
    for (let i = 0; i < s.length; i++) worst = Math.max(worst, Math.abs(s[i] - set.silhouetteSamples[i]));
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('silhouetteScore', () => {
  const set = fixture.sets[1];
  const x: Matrix = { rows: set.rows, cols: set.cols, data: Float64Array.from(set.data) };
  const labels = Int32Array.from(set.runs[2].labels);

  it('samples above the limit, reproducibly, close to the exact value', () => {
    const a = silhouetteScore(x, labels, { sampleSize: 200, seed: 5 });
    const b = silhouetteScore(x, labels, { sampleSize: 200, seed: 5 });
    expect(a).toEqual(b);
    expect(a).toMatchObject({ rows: 200, sampled: true });
    expect(Math.abs(a.score - set.runs[2].silhouette)).toBeLessThan(0.05);
  });

  it('rejects a single cluster', () => {
    expect(() => silhouetteScore(x, new Int32Array(x.rows))).toThrow(InputError);
  });
});
