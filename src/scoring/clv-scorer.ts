import { ModelError } from '../errors.js';
import { clvRowColumns } from '../clv/columns.js';
import { GammaGammaModel } from '../clv/gamma-gamma.js';
import type { PurchaseModel } from '../clv/predict.js';
import { customerPredictions, spendInputs, CLV_MODEL_NAMES, type ClvModelKind, type ClvResult, type ClvView } from '../clv/run.js';
import { customerScores, fitCovariances } from '../clv/scores.js';
import { clvSummary, type TimeUnit } from '../clv/summary.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { loadModel } from '../models/registry.js';
import type { CustomerInput, Scorer, ScorerInputs, ScoreTable } from './contract.js';

export const CLV_KIND = 'clv';

/** One purchase model the scores read: the model used for predictions, and the one P(alive) comes from. */
interface SavedPurchaseModel {
  kind: ClvModelKind;
  name: string;
  params: Record<string, number>;
  standardErrors: Record<string, number>;
  boundary: { params: string[]; reason: string } | null;
  model: ModelJSON;
}

interface ClvParams {
  timeUnit: TimeUnit;
  horizon: ClvResult['horizon'];
  /** Window of P(no purchase) and P(alive) later, in days. */
  days: number;
  best: ClvModelKind | null;
  selection: ClvResult['selection'];
  pAlive: ClvResult['pAlive'];
  clvWithheld: string | null;
  fitSkipped: string | null;
  models: SavedPurchaseModel[];
  /** Covariance of the chosen model's log parameters on the fitting data, row-major; null where none is usable. */
  covariance: (number | null)[] | null;
  /** The same for Gamma-Gamma's (p, q, γ), for the CLV interval; absent in files saved before it was kept. */
  spendCovariance?: (number | null)[] | null;
  spend: ModelJSON | null;
}

/**
 * The CLV models as a saved scorer: the healthy model chosen for predictions (and the one P(alive) is read from),
 * Gamma-Gamma, the horizon and the fit's parameter covariance, so new histories get the columns customers.csv has,
 * computed by the same functions.
 */
export class ClvScorer implements Scorer {
  readonly kind = CLV_KIND;
  readonly inputs: ScorerInputs = { features: [], purchases: 'required' };
  private readonly purchase: Map<ClvModelKind, PurchaseModel>;
  private readonly spend: GammaGammaModel | null;

  private constructor(private readonly p: ClvParams) {
    this.purchase = new Map(p.models.map((m) => [m.kind, loadModel(m.model) as unknown as PurchaseModel]));
    this.spend = p.spend ? GammaGammaModel.fromJSON(p.spend) : null;
  }

  /** `covariances`: the fit's, when the caller has them (fitCovariances); computed here otherwise. */
  static fromResult(r: ClvResult, days = 90, covariances = fitCovariances(r)): ClvScorer {
    const used = [...new Set([r.best, r.pAlive.model].filter((k): k is ClvModelKind => k !== null))];
    const models = used.map((kind) => {
      const m = r.models.find((x) => x.kind === kind)!;
      return { kind, name: m.name, params: { ...m.params }, standardErrors: { ...m.standardErrors }, boundary: m.health.boundary, model: m.model };
    });
    const spend = r.spend && !r.clvWithheld ? r.spend : null;
    const saved = (m: Float64Array | null) => (m ? Array.from(m, (v) => (Number.isFinite(v) ? v : null)) : null);
    return new ClvScorer({
      timeUnit: r.timeUnit,
      horizon: { ...r.horizon },
      days,
      best: r.best,
      selection: { ...r.selection },
      pAlive: { ...r.pAlive },
      clvWithheld: r.clvWithheld,
      fitSkipped: r.fitSkipped,
      models,
      covariance: saved(covariances.covariance),
      spendCovariance: saved(covariances.spendCovariance),
      spend: spend ? spend.model : null,
    });
  }

  score(input: CustomerInput): ScoreTable {
    const p = this.p;
    if (!input.log) throw new ModelError('score-input', 'The CLV scores need each customer\'s purchases', 'Send purchases with every customer');
    const summary = clvSummary(input.log, { timeUnit: p.timeUnit, observationEnd: input.observationEnd });
    const spend = this.spend ? this.spend.expectedSpend(spendInputs(summary).x, summary.monetary) : new Float64Array(summary.n).fill(NaN);
    const predictions: ClvView['predictions'] = {};
    for (const [kind, m] of this.purchase) predictions[kind] = customerPredictions(m, summary, this.spend ? spend : null, p.horizon);
    const view: ClvView = {
      timeUnit: p.timeUnit,
      horizon: p.horizon,
      summary,
      best: p.best,
      selection: p.selection,
      pAlive: p.pAlive,
      clvWithheld: p.clvWithheld,
      fitSkipped: p.fitSkipped,
      expectedSpend: spend,
      predictions,
      models: p.models.map((m) => ({ kind: m.kind, name: m.name, params: m.params, standardErrors: m.standardErrors, health: { boundary: m.boundary } })),
      spend: this.spend ? { params: { ...this.spend.params }, standardErrors: { ...this.spend.standardErrors } } : null,
    };
    const matrix = (m: (number | null)[] | null | undefined) => (m ? Float64Array.from(m, (v) => (v === null ? NaN : v)) : null);
    const scores = customerScores(view, { days: p.days, covariance: matrix(p.covariance), spendCovariance: matrix(p.spendCovariance) });
    const columns = clvRowColumns(view, scores);
    // Summary rows are the customers with a purchase by the as-of day; the others get blanks.
    const n = input.ids.length;
    const out = columns.map((c) => {
      const values: (string | number | null)[] = new Array(n).fill(null);
      for (let i = 0; i < summary.n; i++) values[summary.customerIndex[i]] = c.values[i];
      return values;
    });
    const notes: Record<string, string> = {};
    if (scores.withheld) for (const c of columns) notes[c.name] = scores.withheld;
    if (p.clvWithheld) notes.clv = p.clvWithheld;
    return { names: columns.map((c) => c.name), columns: out, notes };
  }

  toJSON(): ModelJSON {
    return modelJSON(CLV_KIND, structuredClone(this.p) as unknown as Record<string, unknown>);
  }

  static fromJSON(json: unknown): ClvScorer {
    const p = checkModelJSON(json, CLV_KIND).params as Partial<ClvParams>;
    const kinds = Object.keys(CLV_MODEL_NAMES);
    const ok =
      (p.timeUnit === 'days' || p.timeUnit === 'weeks') &&
      p.horizon && typeof p.horizon.units === 'number' && typeof p.horizon.months === 'number' &&
      typeof p.days === 'number' && p.days > 0 &&
      (p.best === null || kinds.includes(p.best as string)) &&
      Array.isArray(p.models) && p.models.every((m) => m && kinds.includes(m.kind) && m.model && typeof m.name === 'string') &&
      (p.best === null || p.models.some((m) => m.kind === p.best)) &&
      p.selection && p.pAlive && (p.covariance === null || Array.isArray(p.covariance)) &&
      (p.spendCovariance === undefined || p.spendCovariance === null || Array.isArray(p.spendCovariance));
    if (!ok) throw new ModelError('model-corrupt', 'Saved CLV model is incomplete', 'Re-run analyze to write model.json again');
    return new ClvScorer(p as ClvParams);
  }
}
