import { ModelError } from '../errors.js';

/**
 * The one contract every model follows, like scikit-learn estimators:
 * an estimator only stores its options; `fit` validates the data and returns a fitted model;
 * a fitted model predicts and serialises to versioned JSON that `loadModel` turns back into a model.
 */
export interface Estimator<Data, Fitted extends FittedModel> {
  fit(data: Data): Fitted;
}

export interface FittedModel {
  /** Stable model kind, e.g. "kmeans", "bgnbd", "decision-tree". */
  readonly kind: string;
  toJSON(): ModelJSON;
}

/** Envelope every saved model shares; `params` is model-specific and validated by the model's loader. */
export interface ModelJSON {
  format: 'clientele-model';
  /** Version of the envelope and of the model's params layout; bump when the layout changes. */
  version: number;
  kind: string;
  /** Names of the input features, in order, so scoring can check new data. */
  features?: string[];
  params: Record<string, unknown>;
  /** Fit diagnostics (log-likelihood, iterations, metrics...), informational only. */
  diagnostics?: Record<string, unknown>;
}

export const MODEL_FORMAT_VERSION = 1;

export function modelJSON(
  kind: string,
  params: Record<string, unknown>,
  extra: { features?: string[]; diagnostics?: Record<string, unknown> } = {},
): ModelJSON {
  return { format: 'clientele-model', version: MODEL_FORMAT_VERSION, kind, ...extra, params };
}

/** Check a parsed JSON value is a saved model of the expected kind before a loader reads its params. */
export function checkModelJSON(json: unknown, kind: string): ModelJSON {
  const j = json as Partial<ModelJSON> | null;
  if (!j || j.format !== 'clientele-model' || typeof j.kind !== 'string' || typeof j.params !== 'object') {
    throw new ModelError('model-format', 'This file is not a saved clientele model', 'Save one with --save-model or model.toJSON()');
  }
  if (j.kind !== kind) {
    throw new ModelError('model-kind', `Saved model is a ${j.kind}, not a ${kind}`);
  }
  if (typeof j.version !== 'number' || j.version > MODEL_FORMAT_VERSION) {
    throw new ModelError(
      'model-version',
      `Saved ${kind} model has format version ${String(j.version)}, this clientele reads up to ${MODEL_FORMAT_VERSION}`,
      'Upgrade clientele or re-fit the model',
    );
  }
  return j as ModelJSON;
}
