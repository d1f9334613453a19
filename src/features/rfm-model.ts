import { ModelError } from '../errors.js';
import { modelJSON, checkModelJSON, type ModelJSON } from '../models/estimator.js';
import type { CustomerInput, Scorer, ScorerInputs, ScoreTable } from '../scoring/contract.js';
import { findColumn } from '../data/table.js';
import { compileSegmentMap, rfmIndex, SegmentMapSchema, type SegmentMap } from './rfm-map.js';

export const RFM_KIND = 'rfm';

/**
 * RFM scores as a saved model: the training customers' quintile cut points, so a new customer gets the score
 * they would have had among the customers the analysis saw. A score is 1 + floor(5 × share of training
 * customers with a strictly worse value) (features/rfm.ts); that is 1 + the number of cut points beaten,
 * cut k being the value with ceil((k − 1)·n/5) training customers worse than it.
 */
export interface RfmCuts {
  /** Fewer days is better: a score step is earned by recency strictly below the cut. */
  recency: number[];
  /** More is better: a step is earned by a value strictly above the cut. */
  frequency: number[];
  monetary: number[];
}

export class RfmModel implements Scorer {
  readonly kind = RFM_KIND;
  readonly inputs: ScorerInputs;
  private readonly lookup: Int32Array;

  constructor(
    readonly cuts: RfmCuts,
    readonly map: SegmentMap,
    readonly n: number,
    readonly currency: string | null = null,
  ) {
    this.lookup = compileSegmentMap(map, 'the saved segment map');
    this.inputs = {
      features: [
        { name: 'recency_days', type: 'number', unit: 'days' },
        { name: 'frequency', type: 'number', unit: 'orders' },
        { name: 'monetary', type: 'number', ...(currency ? { unit: currency } : {}) },
      ],
      purchases: 'optional',
    };
  }

  /** Cut points from the training customers' values (NaN values, as in a log without amounts, cut nothing). */
  static fit(recency: ArrayLike<number>, frequency: ArrayLike<number>, monetary: ArrayLike<number>, map: SegmentMap, currency: string | null = null): RfmModel {
    const n = recency.length;
    return new RfmModel({ recency: cutPoints(recency, true), frequency: cutPoints(frequency, false), monetary: cutPoints(monetary, false) }, map, n, currency);
  }

  /** R, F, M scores and segment names for values in the training units. */
  scores(recency: ArrayLike<number>, frequency: ArrayLike<number>, monetary: ArrayLike<number>): { r: Int8Array; f: Int8Array; m: Int8Array; segment: string[] } {
    const n = recency.length;
    const r = new Int8Array(n);
    const f = new Int8Array(n);
    const m = new Int8Array(n);
    const segment: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      r[i] = scoreOf(recency[i], this.cuts.recency, true);
      f[i] = scoreOf(frequency[i], this.cuts.frequency, false);
      m[i] = scoreOf(monetary[i], this.cuts.monetary, false);
      segment[i] = this.map.segments[this.lookup[rfmIndex(r[i], f[i], m[i])]].name;
    }
    return { r, f, m, segment };
  }

  score(input: CustomerInput): ScoreTable {
    const col = (name: string): Float64Array => {
      const c = findColumn(input.features, name);
      if (!c || c.kind !== 'number') throw new ModelError('score-input', `RFM scoring needs the number column ${name}`, 'Send recency_days, frequency and monetary, or the purchases they come from');
      return c.values;
    };
    const s = this.scores(col('recency_days'), col('frequency'), col('monetary'));
    return { names: ['r_score', 'f_score', 'm_score', 'rfm_segment'], columns: [Array.from(s.r), Array.from(s.f), Array.from(s.m), s.segment], notes: {} };
  }

  toJSON(): ModelJSON {
    const nullable = (a: number[]) => a.map((v) => (Number.isFinite(v) ? v : null));
    return modelJSON(
      RFM_KIND,
      { n: this.n, currency: this.currency, cuts: { recency: nullable(this.cuts.recency), frequency: nullable(this.cuts.frequency), monetary: nullable(this.cuts.monetary) }, segmentMap: this.map },
      { features: this.inputs.features },
    );
  }

  static fromJSON(json: unknown): RfmModel {
    const p = checkModelJSON(json, RFM_KIND).params;
    const cuts = p.cuts as Record<string, unknown> | undefined;
    const read = (key: string): number[] => {
      const v = cuts?.[key];
      if (!Array.isArray(v) || v.length !== 4 || v.some((x) => x !== null && typeof x !== 'number')) {
        throw new ModelError('model-corrupt', `Saved RFM model has no valid ${key} cut points`, 'Re-run analyze to write the model again');
      }
      return v.map((x) => (x === null ? NaN : (x as number)));
    };
    const map = SegmentMapSchema.safeParse(p.segmentMap);
    if (!map.success) throw new ModelError('model-corrupt', 'Saved RFM model has no valid segment map', 'Re-run analyze to write the model again');
    if (typeof p.n !== 'number') throw new ModelError('model-corrupt', 'Saved RFM model has no customer count', 'Re-run analyze to write the model again');
    return new RfmModel({ recency: read('recency'), frequency: read('frequency'), monetary: read('monetary') }, map.data, p.n, typeof p.currency === 'string' ? p.currency : null);
  }
}

/** Cut k (k = 2..5) is the sorted value with ceil((k − 1)n/5) values worse than it. */
function cutPoints(values: ArrayLike<number>, lowerIsBetter: boolean): number[] {
  const v = Float64Array.from(values).filter((x) => !Number.isNaN(x)).sort();
  if (lowerIsBetter) v.reverse();
  const n = values.length;
  const out: number[] = [];
  for (let k = 2; k <= 5; k++) {
    const worse = Math.ceil(((k - 1) * n) / 5);
    out.push(worse >= 1 && worse <= v.length ? v[worse - 1] : NaN);
  }
  return out;
}

function scoreOf(x: number, cuts: readonly number[], lowerIsBetter: boolean): number {
  let s = 1;
  for (const c of cuts) if (lowerIsBetter ? x < c : x > c) s++;
  return s;
}
