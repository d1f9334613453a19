import { describe, expect, it } from 'vitest';
import { InputError, ModelError } from '../../src/errors.js';
import type { Matrix } from '../../src/data/matrix.js';
import { Random } from '../../src/random.js';
import { loadPredictor, makeEstimator, MODEL_NAMES } from '../../src/predict/registry.js';

/** Every prediction model honours the same contract: seeded determinism, JSON round trip, shape and input checks. */
function data(n: number, seed: number): { X: Matrix; yc: Float64Array; yr: Float64Array } {
  const rng = new Random(seed);
  const X = { rows: n, cols: 3, data: Float64Array.from({ length: n * 3 }, () => rng.normal()) };
  const yc = Float64Array.from({ length: n }, (_, i) => (X.data[3 * i] + 0.5 * X.data[3 * i + 1] + rng.normal() * 0.5 > 0 ? 1 : 0));
  const yr = Float64Array.from({ length: n }, (_, i) => 2 * X.data[3 * i] - X.data[3 * i + 2] + rng.normal() * 0.1);
  return { X, yc, yr };
}

describe('the estimator contract, for every model', () => {
  const { X, yc, yr } = data(300, 1);
  for (const name of MODEL_NAMES) {
    const task = name === 'linear' ? 'regression' : 'classification';
    const y = task === 'regression' ? yr : yc;
    const params = { nEstimators: 10, maxDepth: 4 };

    it(`${name}: the same seed gives the same model; JSON round-trips to identical predictions`, () => {
      const a = makeEstimator(name, task, params, 7).fit(X, y);
      const b = makeEstimator(name, task, params, 7).fit(X, y);
      expect(a.toJSON()).toEqual(b.toJSON());
      const back = loadPredictor(JSON.parse(JSON.stringify(a.toJSON())));
      expect(back.kind).toBe(a.kind);
      expect(back.predict(X)).toEqual(a.predict(X));
    });

    it(`${name}: wrong feature count, bad input and corrupt files are refused with typed errors`, () => {
      const m = makeEstimator(name, task, params, 7).fit(X, y);
      expect(() => m.predict({ rows: 1, cols: 2, data: new Float64Array(2) })).toThrow(ModelError);
      const bad = { ...X, data: Float64Array.from(X.data, (v, i) => (i === 5 ? NaN : v)) };
      expect(() => makeEstimator(name, task, params, 7).fit(bad, y)).toThrow(InputError);
      expect(() => makeEstimator(name, task, params, 7).fit(X, y.subarray(1))).toThrow(/target has 299 values but X has 300 rows/);
      const json = m.toJSON();
      expect(() => loadPredictor({ ...json, params: { ...json.params, nFeatures: 'x' } })).toThrow(ModelError);
      expect(() => loadPredictor({ ...json, version: 99 })).toThrow(/format version 99/);
    });
  }

  it('classifiers refuse non-code labels and single-class targets', () => {
    expect(() => makeEstimator('tree', 'classification', {}, 0).fit(X, Float64Array.from(yc, (v) => v + 0.5))).toThrow(/codes 0..K-1/);
    expect(() => makeEstimator('logistic', 'classification', {}, 0).fit(X, new Float64Array(300))).toThrow(/single class/);
  });
});
