import { ModelError } from '../errors.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { loadScorer } from '../models/registry.js';
import type { CustomerInput, FeatureSpec, Scorer, ScorerInputs, ScoreTable } from './contract.js';

export const BUNDLE_KIND = 'bundle';

/** The parts of a bundle in output order; each is optional (a log without amounts has no CLV, a tiny one no segments). */
export const BUNDLE_PARTS = ['rfm', 'segmentation', 'rules', 'clv'] as const;
export type BundlePart = (typeof BUNDLE_PARTS)[number];

export interface BundleMeta {
  /** Last observed day of the training data (YYYY-MM-DD), the default as-of for scoring the same file. */
  asOf: string | null;
  currency: string | null;
  /** Why a part is absent, by part. */
  absent: Partial<Record<BundlePart, string>>;
}

/**
 * Everything needed to score a new customer exactly as an analysis did: RFM cut points and segment map,
 * the segmentation's design and centres, the rules, and the CLV models, each in its own envelope.
 */
export class ScoringBundle implements Scorer {
  readonly kind = BUNDLE_KIND;
  readonly inputs: ScorerInputs;

  constructor(
    readonly parts: Partial<Record<BundlePart, Scorer>>,
    readonly meta: BundleMeta,
    private readonly stampMeta: { trainedAt: string | null; fingerprint: string | null } = { trainedAt: null, fingerprint: null },
  ) {
    const features = new Map<string, FeatureSpec>();
    let purchases: ScorerInputs['purchases'] = 'unused';
    for (const name of BUNDLE_PARTS) {
      const p = parts[name];
      if (!p) continue;
      for (const f of p.inputs.features) {
        const seen = features.get(f.name);
        if (seen && seen.type !== f.type) throw new ModelError('model-corrupt', `Bundle parts disagree on the type of ${f.name} (${seen.type} and ${f.type})`);
        if (!seen) features.set(f.name, f);
      }
      if (p.inputs.purchases === 'required') purchases = 'required';
      else if (p.inputs.purchases === 'optional' && purchases === 'unused') purchases = 'optional';
    }
    this.inputs = { features: [...features.values()], purchases };
  }

  score(input: CustomerInput): ScoreTable {
    const out: ScoreTable = { names: [], columns: [], notes: {} };
    for (const name of BUNDLE_PARTS) {
      const p = this.parts[name];
      if (!p) continue;
      const s = p.score(input);
      out.names.push(...s.names);
      out.columns.push(...s.columns);
      Object.assign(out.notes, s.notes);
    }
    return out;
  }

  toJSON(): ModelJSON {
    const components: Record<string, ModelJSON> = {};
    for (const name of BUNDLE_PARTS) if (this.parts[name]) components[name] = this.parts[name]!.toJSON();
    return modelJSON(BUNDLE_KIND, { asOf: this.meta.asOf, currency: this.meta.currency, absent: { ...this.meta.absent }, components }, { features: this.inputs.features, ...this.stampMeta });
  }

  static fromJSON(json: unknown): ScoringBundle {
    const j = checkModelJSON(json, BUNDLE_KIND);
    const p = j.params as { asOf?: unknown; currency?: unknown; absent?: unknown; components?: unknown };
    if (!p.components || typeof p.components !== 'object') throw new ModelError('model-corrupt', 'Saved bundle has no components', 'Re-run analyze to write model.json again');
    const comps = p.components as Record<string, unknown>;
    const parts: Partial<Record<BundlePart, Scorer>> = {};
    for (const name of BUNDLE_PARTS) {
      if (!Object.hasOwn(comps, name)) continue;
      const part = loadScorer(comps[name]);
      // Each part is saved under its own kind's name.
      if (part.kind !== name) throw new ModelError('model-corrupt', `Bundle part ${name} is a ${part.kind} model`, 'Re-run analyze to write model.json again');
      parts[name] = part;
    }
    const absent = p.absent && typeof p.absent === 'object' ? (p.absent as BundleMeta['absent']) : {};
    return new ScoringBundle(parts, { asOf: typeof p.asOf === 'string' ? p.asOf : null, currency: typeof p.currency === 'string' ? p.currency : null, absent }, { trainedAt: j.trainedAt, fingerprint: j.fingerprint });
  }
}
