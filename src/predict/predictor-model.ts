import { ModelError } from '../errors.js';
import { selectColumns } from '../data/matrix.js';
import type { Table } from '../data/table.js';
import { applyDesign, type DesignTransform } from '../features/design.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import type { CustomerInput, FeatureSpec, Scorer, ScorerInputs, ScoreTable } from '../scoring/contract.js';
import type { Predictor, Task } from './model.js';
import { loadPredictor } from './registry.js';

export const PREDICTOR_KIND = 'predictor';

export interface TargetInfo {
  name: string;
  description: string;
  task: Task;
  classes?: string[];
  derivedFrom: string[];
}

/** params of a saved predictor: the estimator with the target it predicts and the design it reads columns through. */
export interface PredictorParams {
  target: TargetInfo;
  design: DesignTransform;
  /** Design columns the model uses, when not all (linear regression drops one level per one-hot block). */
  columns?: number[];
  model: ModelJSON;
}

export interface Scores {
  /** Predicted class label or value per row. */
  predictions: (string | number)[];
  /** Classification: probability per class, rows × classes. */
  probabilities?: number[][];
  classes?: string[];
}

/** The raw columns a design reads, typed as the design reads them. */
export function designInputs(design: DesignTransform): FeatureSpec[] {
  return design.steps.map((s) => ({ name: s.column, type: s.kind }));
}

export function predictorJSON(params: PredictorParams): ModelJSON {
  return modelJSON(PREDICTOR_KIND, params as unknown as Record<string, unknown>, { features: designInputs(params.design) });
}

/** A prediction model as `score` and the service use it: raw customer columns in, predictions out. */
export class PredictorModel implements Scorer {
  readonly kind = PREDICTOR_KIND;
  readonly inputs: ScorerInputs;

  private constructor(
    private readonly json: ModelJSON,
    readonly params: PredictorParams,
    readonly model: Predictor,
  ) {
    this.inputs = { features: designInputs(params.design), purchases: 'optional' };
  }

  predictTable(t: Table): Scores {
    const full = applyDesign(this.params.design, t);
    const X = this.params.columns ? selectColumns(full, this.params.columns) : full;
    const pred = this.model.predict(X);
    if (this.model.task === 'regression') return { predictions: Array.from(pred) };
    const classes = this.params.target.classes ?? Array.from({ length: this.model.nClasses }, (_, c) => String(c));
    const P = this.model.predictProba!(X);
    const probabilities = Array.from({ length: P.rows }, (_, i) => Array.from(P.data.subarray(i * P.cols, (i + 1) * P.cols)));
    return { predictions: Array.from(pred, (c) => classes[c]), probabilities, classes };
  }

  score(input: CustomerInput): ScoreTable {
    const s = this.predictTable(input.features);
    const classes = s.classes ?? [];
    return {
      names: ['prediction', ...classes.map((c) => `p_${c}`)],
      columns: [s.predictions, ...classes.map((_, j) => s.probabilities!.map((row) => row[j]))],
      notes: {},
    };
  }

  toJSON(): ModelJSON {
    return structuredClone(this.json);
  }

  static fromJSON(json: unknown): PredictorModel {
    const legacy = json as { format?: string; target?: unknown; design?: unknown; model?: unknown; columns?: unknown } | null;
    // Version-1 files had their own format name, with the same fields at the top level.
    const j = legacy?.format === 'clientele-predictor' ? predictorJSON({ target: legacy.target, design: legacy.design, model: legacy.model, ...(legacy.columns ? { columns: legacy.columns } : {}) } as PredictorParams) : checkModelJSON(json, PREDICTOR_KIND);
    const p = j.params as Partial<PredictorParams>;
    if (!p.design || !Array.isArray(p.design.steps) || !p.model || !p.target || typeof p.target.name !== 'string') {
      throw new ModelError('model-corrupt', 'Saved prediction model is incomplete (it needs target, design and model)', 'Save it again with `clientele model --save-model`');
    }
    return new PredictorModel(j, p as PredictorParams, loadPredictor(p.model));
  }
}
