import { describe, expect, it } from 'vitest';
import { ClienteleError, ModelError } from '../../src/errors.js';
import { loadModel, MODEL_KINDS, isScorer } from '../../src/models/registry.js';
import { MODEL_FORMAT_VERSION, type FittedModel, type ModelJSON } from '../../src/models/estimator.js';
import { KMeans } from '../../src/cluster/kmeans.js';
import { segmentCustomers } from '../../src/cluster/segment.js';
import { SegmentationModel } from '../../src/cluster/segmentation-model.js';
import { segmentRules } from '../../src/cluster/segment-rules.js';
import { BgNbd, MbgNbd, ParetoNbd, GammaGamma, simulateSummary, ParetoNbdCovariates, BgNbdCovariates } from '../../src/clv/index.js';
import { RfmModel } from '../../src/features/rfm-model.js';
import { DEFAULT_SEGMENT_MAP } from '../../src/features/rfm-map.js';
import { fitDesign } from '../../src/features/design.js';
import { makeEstimator, type ModelName } from '../../src/predict/registry.js';
import { trainModel } from '../../src/predict/train.js';
import { RuleSetModel } from '../../src/rules/rules-model.js';
import { ScoringBundle } from '../../src/scoring/bundle.js';
import { ClvScorer } from '../../src/scoring/clv-scorer.js';
import { runClv, simulateLog } from '../../src/clv/index.js';
import { syntheticAggregates, syntheticCustomers } from '../../src/synth/index.js';
import type { Matrix } from '../../src/data/matrix.js';
import type { CustomerInput, Scorer } from '../../src/scoring/contract.js';
import type { Table } from '../../src/data/table.js';

/**
 * One contract for every saved kind, as scikit-learn's estimator checks: the parameters survive a JSON round trip,
 * the same seed gives the same model, a reloaded model predicts identically, and misuse fails with a typed error.
 */
interface Case {
  fit(seed: number): FittedModel;
  /** Predictions on fixed inputs, as plain JSON-comparable values. */
  predict(m: FittedModel): unknown;
  /** Misuse of a fitted model: must throw a ClienteleError. */
  misuse(m: FittedModel): unknown;
}

const clvData = (model: 'bgnbd' | 'mbgnbd' | 'pnbd') =>
  simulateSummary(
    model === 'pnbd' ? { model, params: { r: 0.6, alpha: 8, s: 0.5, beta: 10 } } : { model, params: { r: 0.6, alpha: 8, a: 0.8, b: 2.5 } },
    { customers: 400, T: 40, seed: 3, spend: { p: 6, q: 4, gamma: 15 } },
  );
const aggregates = syntheticAggregates({ rows: 300, seed: 5 }).table;
const customers = syntheticCustomers({ rows: 400, seed: 6 }).table;
const premiumDesign = fitDesign(customers, { exclude: ['premium'] });
const premium = (() => {
  const c = customers.columns.find((x) => x.name === 'premium')!;
  return c.kind === 'category' ? Float64Array.from(c.codes, (v) => (c.levels[v] === 'yes' || c.levels[v] === 'true' || c.levels[v] === '1' ? 1 : 0)) : Float64Array.from(c.values);
})();
const spend = (() => {
  const c = customers.columns.find((x) => x.kind === 'number' && x.name !== 'premium')!;
  return c.kind === 'number' ? c.values : new Float64Array(0);
})();

const wrongWidth = (X: Matrix): Matrix => ({ rows: X.rows, cols: X.cols + 1, data: new Float64Array(X.rows * (X.cols + 1)) });
const emptyInput = (t: Table): CustomerInput => ({ ids: Array.from({ length: t.rows }, (_, i) => String(i)), features: { rows: t.rows, columns: [] }, log: null, observationEnd: 15000 });
const asInput = (t: Table): CustomerInput => ({ ids: Array.from({ length: t.rows }, (_, i) => String(i)), features: t, log: null, observationEnd: 15000 });
const scoreOf = (m: FittedModel, t: Table) => (m as Scorer).score(asInput(t));

function purchaseCase(kind: 'bgnbd' | 'mbgnbd' | 'pnbd'): Case {
  const d = clvData(kind);
  const est = () => (kind === 'bgnbd' ? new BgNbd() : kind === 'mbgnbd' ? new MbgNbd() : new ParetoNbd());
  return {
    fit: () => est().fit(d),
    predict: (m) => {
      const p = m as ReturnType<ReturnType<typeof est>['fit']>;
      return [Array.from(p.pAlive(d.x, d.tx, d.T)), Array.from(p.expectedPurchases(26, d.x, d.tx, d.T))];
    },
    misuse: (m) => (m as ReturnType<ReturnType<typeof est>['fit']>).expectedPurchases(-1, d.x, d.tx, d.T),
  };
}

function covariateCase(kind: 'pnbd' | 'bgnbd'): Case {
  const d = clvData(kind);
  const purchase: Matrix = { rows: d.n, cols: 1, data: Float64Array.from({ length: d.n }, (_, i) => i % 2) };
  const data = { x: d.x, tx: d.tx, T: d.T, purchase };
  const est = () => (kind === 'pnbd' ? new ParetoNbdCovariates({ purchaseNames: ['uk'] }) : new BgNbdCovariates({ purchaseNames: ['uk'] }));
  return {
    fit: () => est().fit(data),
    predict: (m) => Array.from((m as ReturnType<ReturnType<typeof est>['fit']>).expectedPurchases(26, data)),
    misuse: (m) => (m as ReturnType<ReturnType<typeof est>['fit']>).expectedPurchases(26, { ...data, purchase: wrongWidth(purchase) }),
  };
}

function predictorCase(name: ModelName, task: 'classification' | 'regression'): Case {
  const X = premiumDesign.matrix;
  const y = task === 'classification' ? premium : spend;
  return {
    fit: (seed) => makeEstimator(name, task, { maxDepth: 3, nEstimators: 10 }, seed).fit(X, y),
    predict: (m) => Array.from((m as ReturnType<ReturnType<typeof makeEstimator>['fit']>).predict(X)),
    misuse: (m) => (m as ReturnType<ReturnType<typeof makeEstimator>['fit']>).predict(wrongWidth(X)),
  };
}

const segmentation = (seed: number) => SegmentationModel.fromJSON(segmentCustomers(aggregates, { seed, k: 3, recluster: true }).model);

const END = 15_000;
const clvLog = simulateLog({ model: 'pnbd', params: { r: 0.6, alpha: 8, s: 0.5, beta: 10 } }, { customers: 300, T: 40, seed: 9, spend: { p: 6, q: 4, gamma: 15 }, unitDays: 7, calibrationEnd: END });
const clvInput: CustomerInput = { ids: Array.from({ length: clvLog.customers }, (_, i) => `c${i}`), features: { rows: clvLog.customers, columns: [] }, log: clvLog, observationEnd: END };

const CASES: Record<string, Case> = {
  clv: {
    fit: () => ClvScorer.fromResult(runClv(clvLog, { timeUnit: 'weeks', observationEnd: END, models: ['pnbd', 'bgnbd'] })),
    predict: (m) => (m as Scorer).score(clvInput),
    misuse: (m) => (m as Scorer).score({ ...clvInput, log: null }),
  },
  kmeans: {
    fit: (seed) => new KMeans({ k: 3, seed }).fit(fitDesign(aggregates).matrix),
    predict: (m) => Array.from((m as ReturnType<KMeans['fit']>).predict(fitDesign(aggregates).matrix)),
    misuse: (m) => (m as ReturnType<KMeans['fit']>).predict(wrongWidth(fitDesign(aggregates).matrix)),
  },
  segmentation: { fit: segmentation, predict: (m) => scoreOf(m, aggregates), misuse: (m) => (m as Scorer).score(emptyInput(aggregates)) },
  bgnbd: purchaseCase('bgnbd'),
  mbgnbd: purchaseCase('mbgnbd'),
  pnbd: purchaseCase('pnbd'),
  'pnbd-covariates': covariateCase('pnbd'),
  'bgnbd-covariates': covariateCase('bgnbd'),
  'gamma-gamma': (() => {
    const d = clvData('bgnbd');
    const spendData = { x: d.x, monetary: d.monetary! };
    return {
      fit: () => new GammaGamma().fit(spendData),
      predict: (m) => Array.from((m as ReturnType<GammaGamma['fit']>).expectedSpend(d.x, d.monetary!)),
      misuse: (m) => (m as ReturnType<GammaGamma['fit']>).expectedSpend(d.x, d.monetary!.subarray(1)),
    };
  })(),
  'logistic-regression': predictorCase('logistic', 'classification'),
  'linear-regression': predictorCase('linear', 'regression'),
  'decision-tree': predictorCase('tree', 'classification'),
  'random-forest': predictorCase('forest', 'classification'),
  'gradient-boosting': predictorCase('boosting', 'classification'),
  predictor: {
    fit: (seed) => loadModel(trainModel(customers, { target: 'premium', model: 'tree', folds: 0, seed, params: { maxDepth: 3 } }).saved),
    predict: (m) => scoreOf(m, customers),
    misuse: (m) => (m as Scorer).score(emptyInput(customers)),
  },
  rules: {
    fit: (seed) => {
      const s = segmentation(seed);
      const labels = s.assign(aggregates).segment;
      return segmentRules(aggregates, s.saved.design, labels, s.saved.names, seed).model;
    },
    predict: (m) => scoreOf(m, aggregates),
    misuse: (m) => (m as Scorer).score(emptyInput(aggregates)),
  },
  rfm: {
    fit: () => RfmModel.fit(rfmTable.columns[0].values, rfmTable.columns[1].values, rfmTable.columns[2].values, DEFAULT_SEGMENT_MAP, 'EUR'),
    predict: (m) => scoreOf(m, rfmTable),
    misuse: (m) => (m as Scorer).score(emptyInput(rfmTable)),
  },
  bundle: {
    fit: (seed) => {
      const s = segmentation(seed);
      const rules = segmentRules(aggregates, s.saved.design, s.assign(aggregates).segment, s.saved.names, seed).model;
      return new ScoringBundle({ segmentation: s, rules }, { asOf: '2011-12-09', currency: null, absent: { rfm: 'test', clv: 'test' } }, { trainedAt: '2026-12-01T00:00:00.000Z', fingerprint: 'sha256:test' });
    },
    predict: (m) => scoreOf(m, aggregates),
    misuse: (m) => (m as Scorer).score(emptyInput(aggregates)),
  },
};

const rfmTable: { rows: number; columns: { kind: 'number'; name: string; values: Float64Array }[] } = (() => {
  const n = 200;
  const v = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    rows: n,
    columns: [
      { kind: 'number', name: 'recency_days', values: v((i) => 1 + ((i * 37) % 365)) },
      { kind: 'number', name: 'frequency', values: v((i) => 1 + ((i * 13) % 9)) },
      { kind: 'number', name: 'monetary', values: v((i) => ((i * 7919) % 5000) / 3) },
    ],
  };
})();

const roundTrip = (m: FittedModel): ModelJSON => JSON.parse(JSON.stringify(m.toJSON()));

describe('the model contract, for every saved kind', () => {
  it('covers every kind the registry loads', () => {
    expect(Object.keys(CASES).sort()).toEqual([...MODEL_KINDS].sort());
  });

  for (const [kind, c] of Object.entries(CASES)) {
    describe(kind, () => {
      const m = c.fit(7);
      it('writes the versioned envelope of its kind', () => {
        const j = m.toJSON();
        expect(j).toMatchObject({ format: 'clientele-model', version: MODEL_FORMAT_VERSION, kind });
        expect(Array.isArray(j.features)).toBe(true);
        for (const f of j.features) expect(['number', 'category', 'date']).toContain(f.type);
        expect(j).toHaveProperty('trainedAt');
        expect(j).toHaveProperty('fingerprint');
      });
      it('parameters survive a JSON round trip', () => {
        const again = loadModel(roundTrip(m));
        expect(again.kind).toBe(kind);
        expect(JSON.parse(JSON.stringify(again.toJSON()))).toEqual(roundTrip(m));
      });
      it('a reloaded model predicts identically', () => {
        expect(c.predict(loadModel(roundTrip(m)))).toEqual(c.predict(m));
      });
      it('the same seed gives the same model and predictions', () => {
        const twin = c.fit(7);
        expect(roundTrip(twin).params).toEqual(roundTrip(m).params);
        expect(c.predict(twin)).toEqual(c.predict(m));
      });
      it('misuse and damaged files fail with typed errors', () => {
        expect(() => c.misuse(m)).toThrow(ClienteleError);
        const j = roundTrip(m);
        expect(() => loadModel({ ...j, params: {} })).toThrow(ModelError);
        expect(() => loadModel({ ...j, version: MODEL_FORMAT_VERSION + 1 })).toThrow(expect.objectContaining({ code: 'model-version' }));
        expect(() => loadModel({ ...j, kind: 'quantum-forest' })).toThrow(expect.objectContaining({ code: 'model-kind' }));
        expect(() => loadModel({ ...j, format: 'other' })).toThrow(expect.objectContaining({ code: 'model-format' }));
      });
      it(isScorer(m) ? 'scores customers, one value per customer in every column' : 'is a building block, not a customer scorer', () => {
        if (!isScorer(m)) return expect(m).not.toHaveProperty('inputs');
        const t = kind === 'rfm' ? rfmTable : kind === 'predictor' ? customers : kind === 'clv' ? clvInput.features : aggregates;
        const s = kind === 'clv' ? m.score(clvInput) : m.score(asInput(t as Table));
        expect(s.names.length).toBe(s.columns.length);
        for (const col of s.columns) expect(col).toHaveLength(t.rows);
        expect(new Set(s.names).size).toBe(s.names.length);
      });
    });
  }
});

describe('loadModel', () => {
  it('refuses what is not a model, a newer version and an unknown kind, by name', () => {
    expect(() => loadModel(null)).toThrow(/not a saved clientele model/);
    expect(() => loadModel({ format: 'clientele-model', version: 3, kind: 'kmeans', params: {} })).toThrow(/format version 3, this clientele reads up to 2/);
    expect(() => loadModel({ format: 'clientele-model', version: 2, kind: '__proto__', params: {} })).toThrow(/kind "__proto__" is unknown/);
    expect(() => loadModel({ format: 'clientele-model', version: 2, kind: 'constructor', params: {} })).toThrow(/kind "constructor" is unknown/);
  });

  it('reads version-1 files: envelopes with untyped features, and the first predictor and rules layouts', () => {
    const km = new KMeans({ k: 2, seed: 1 }).fit(fitDesign(aggregates).matrix).toJSON();
    const v1 = { ...km, version: 1, features: km.features.map((f) => f.name) };
    delete (v1 as { trainedAt?: unknown }).trainedAt;
    expect(loadModel(v1).toJSON().params).toEqual(km.params);
    const trained = trainModel(customers, { target: 'premium', model: 'tree', folds: 0, params: { maxDepth: 2 } });
    const p = trained.saved.params as Record<string, unknown>;
    const legacy = { format: 'clientele-predictor', version: 1, target: p.target, design: p.design, model: p.model };
    expect(scoreOf(loadModel(legacy), customers)).toEqual(scoreOf(loadModel(trained.saved), customers));
    const rules = trained.rules!.json.params;
    const oldRules = loadModel({ format: 'clientele-rules', version: 1, target: rules.target, classes: rules.classes, defaultClass: rules.defaultClass, rules: rules.leaves });
    expect(oldRules).toBeInstanceOf(RuleSetModel);
  });
});
