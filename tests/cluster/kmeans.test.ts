import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FittedKMeans, KMeans } from '../../src/cluster/kmeans.js';
import type { Matrix } from '../../src/data/matrix.js';
import { InputError } from '../../src/errors.js';
import { Random } from '../../src/random.js';

interface KMeansFixture {
  sets: {
    name: string;
    rows: number;
    cols: number;
    data: number[];
    runs: { k: number; inertia: number; labels: number[]; silhouette: number }[];
  }[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/cluster/kmeans.json', import.meta.url), 'utf8')) as KMeansFixture;

describe.each(fixture.sets)('k-means parity with scikit-learn on $name', (set) => {
  const x: Matrix = { rows: set.rows, cols: set.cols, data: Float64Array.from(set.data) };
  it.each(set.runs)('k = $k: inertia within 1% of best-of-10 (lloyd and elkan)', ({ k, inertia }) => {
    for (const algorithm of ['lloyd', 'elkan'] as const) {
      const model = new KMeans({ k, nInit: 10, seed: 3, algorithm }).fit(x);
      expect(model.inertia / inertia - 1).toBeLessThan(0.01);
      expect(model.labels.length).toBe(set.rows);
      // Inertia is the sum of squared distances to the assigned centres.
      let s = 0;
      for (let i = 0; i < x.rows; i++) {
        for (let j = 0; j < x.cols; j++) s += (x.data[i * x.cols + j] - model.centers.data[model.labels[i] * x.cols + j]) ** 2;
      }
      expect(model.inertia).toBeCloseTo(s, 8);
    }
  });
});

describe('KMeans behaviour', () => {
  const blobs = fixture.sets[1];
  const x: Matrix = { rows: blobs.rows, cols: blobs.cols, data: Float64Array.from(blobs.data) };

  it('same seed gives identical results; JSON round-trip predicts the same labels', () => {
    const a = new KMeans({ k: 4, seed: 7 }).fit(x);
    const b = new KMeans({ k: 4, seed: 7 }).fit(x);
    expect(b.centers.data).toEqual(a.centers.data);
    expect(b.labels).toEqual(a.labels);
    const loaded = FittedKMeans.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(loaded.predict(x)).toEqual(a.labels);
    expect(a.predict(x)).toEqual(a.labels);
  });

  it('lloyd and elkan agree from the same seed', () => {
    const a = new KMeans({ k: 5, seed: 11, algorithm: 'lloyd' }).fit(x);
    const b = new KMeans({ k: 5, seed: 11, algorithm: 'elkan' }).fit(x);
    expect(b.inertia).toBeCloseTo(a.inertia, 6);
    expect(b.labels).toEqual(a.labels);
  });

  it('warns when there are fewer distinct points than k, and rejects bad input', () => {
    const dup: Matrix = { rows: 6, cols: 1, data: Float64Array.from([1, 1, 1, 2, 2, 2]) };
    const m = new KMeans({ k: 3, nInit: 2 }).fit(dup);
    expect(m.warnings[0]).toMatch(/^Only 2 distinct points for k = 3/);
    expect(m.inertia).toBe(0);
    expect(() => new KMeans({ k: 10 }).fit(dup)).toThrow(InputError);
    expect(() => new KMeans({ k: 2 }).fit({ rows: 2, cols: 1, data: Float64Array.from([1, NaN]) })).toThrow(/missing or infinite value in row 2/);
    expect(() => m.predict({ rows: 1, cols: 2, data: new Float64Array(2) })).toThrow(/fitted on 1/);
  });
});

describe('KMeans on worker threads', () => {
  it('gives bit-identical results for 1 and 2 threads', () => {
    const rows = 40_000;
    const data = new Float64Array(rows * 3);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898) * 43758.5453 % 1 + (i % 3 === 0 ? (Math.floor(i / 3) % 4) * 3 : 0);
    const x: Matrix = { rows, cols: 3, data };
    const serial = new KMeans({ k: 4, nInit: 2, seed: 5, threads: 1 }).fit(x);
    const pooled = new KMeans({ k: 4, nInit: 2, seed: 5, threads: 2 }).fit(x);
    expect(pooled.inertia).toBe(serial.inertia);
    expect(pooled.centers.data).toEqual(serial.centers.data);
    expect(pooled.labels).toEqual(serial.labels);
  });

  it('a pool kept warm between fits of one shape runs on the new data', () => {
    const rows = 40_000;
    const fits = [0, 1].map((shiftBy) => {
      const data = new Float64Array(rows * 2);
      for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 7.31 + shiftBy) * 10 + (i % 2 === 0 ? (Math.floor(i / 2) % 3) * 5 * shiftBy : 0);
      const x: Matrix = { rows, cols: 2, data };
      return [new KMeans({ k: 3, nInit: 1, seed: 2, threads: 2 }).fit(x), new KMeans({ k: 3, nInit: 1, seed: 2, threads: 1 }).fit(x)];
    });
    for (const [pooled, serial] of fits) {
      expect(pooled.inertia).toBe(serial.inertia);
      expect(pooled.labels).toEqual(serial.labels);
    }
    expect(fits[1][0].inertia).not.toBe(fits[0][0].inertia);
  });
});

describe('KMeans kernels beyond the unrolled shapes', () => {
  it.each([
    { cols: 40, k: 3 },
    { cols: 8, k: 20 },
  ])('$cols features, k = $k: Lloyd agrees with the independent Elkan implementation', ({ cols, k }) => {
    const rng = new Random(3);
    // Three chunks, so two threads really split the work.
    const rows = 20_000;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const g = i % k;
      for (let j = 0; j < cols; j++) data[i * cols + j] = (j % k === g ? 4 : 0) + rng.normal();
    }
    const x: Matrix = { rows, cols, data };
    for (const threads of [1, 2]) {
      const lloyd = new KMeans({ k, nInit: 2, seed: 9, threads }).fit(x);
      const elkan = new KMeans({ k, nInit: 2, seed: 9, algorithm: 'elkan' }).fit(x);
      expect(lloyd.inertia).toBeCloseTo(elkan.inertia, 6);
      expect(lloyd.labels).toEqual(elkan.labels);
      expect(lloyd.predict(x)).toEqual(lloyd.labels);
    }
  });
});
