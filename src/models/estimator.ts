import { ModelError } from '../errors.js';
import type { FeatureSpec } from '../scoring/contract.js';

/**
 * The one contract every model follows, like scikit-learn estimators:
 * an estimator only stores its options; `fit` validates the data and returns a fitted model;
 * a fitted model predicts and serialises to the versioned envelope that `loadModel` turns back into a model.
 */
export interface Estimator<Data, Fitted extends FittedModel> {
  fit(data: Data): Fitted;
}

export interface FittedModel {
  /** Stable model kind, e.g. "kmeans", "bgnbd", "decision-tree". */
  readonly kind: string;
  toJSON(): ModelJSON;
}

/**
 * The envelope every saved model shares, from a bare k-means to the bundle `analyze` writes.
 * `params` is model-specific and validated by the model's loader.
 */
export interface ModelJSON {
  format: 'clientele-model';
  /** Version of the envelope and of the params layouts; bump when a layout changes. */
  version: number;
  kind: string;
  params: Record<string, unknown>;
  /** The inputs, in order, so scoring can check new data. */
  features: FeatureSpec[];
  /** When the model was fitted (ISO 8601), null when not recorded. */
  trainedAt: string | null;
  /** Digest of the training data ('sha256:…'), so two models can be told to come from the same data. */
  fingerprint: string | null;
  /** Fit diagnostics (log-likelihood, iterations, metrics...), informational only. */
  diagnostics?: Record<string, unknown>;
}

/** Version 2 added features with types and units, trainedAt and the fingerprint; version 1 files still load. */
export const MODEL_FORMAT_VERSION = 2;

export interface EnvelopeExtra {
  features?: readonly (string | FeatureSpec)[];
  diagnostics?: Record<string, unknown>;
  trainedAt?: string | null;
  fingerprint?: string | null;
}

export function modelJSON(kind: string, params: Record<string, unknown>, extra: EnvelopeExtra = {}): ModelJSON {
  const out: ModelJSON = {
    format: 'clientele-model',
    version: MODEL_FORMAT_VERSION,
    kind,
    features: (extra.features ?? []).map(featureSpec),
    trainedAt: extra.trainedAt ?? null,
    fingerprint: extra.fingerprint ?? null,
    params,
  };
  if (extra.diagnostics) out.diagnostics = extra.diagnostics;
  return out;
}

function featureSpec(f: string | FeatureSpec): FeatureSpec {
  return typeof f === 'string' ? { name: f, type: 'number' } : { ...f };
}

/** The same envelope with when and from what data it was trained, as the command that saves it knows. */
export function stamp(json: ModelJSON, meta: { trainedAt?: string | null; fingerprint?: string | null }): ModelJSON {
  return { ...json, trainedAt: meta.trainedAt ?? json.trainedAt, fingerprint: meta.fingerprint ?? json.fingerprint };
}

/**
 * Check a parsed JSON value is a saved model (of the expected kind, when given) before a loader reads its params.
 * Version 1 envelopes are read as version 2 with untyped features and no training stamp.
 */
export function checkModelJSON(json: unknown, kind?: string): ModelJSON {
  const j = json as Partial<ModelJSON> | null;
  if (!j || typeof j !== 'object' || j.format !== 'clientele-model' || typeof j.kind !== 'string' || !j.params || typeof j.params !== 'object') {
    throw new ModelError('model-format', 'This file is not a saved clientele model', 'Save one with --save-model, or use the model.json that analyze writes');
  }
  if (typeof j.version !== 'number' || !Number.isInteger(j.version) || j.version < 1) {
    throw new ModelError('model-format', `Saved ${j.kind} model has no valid format version`, 'Re-fit and save the model again');
  }
  if (j.version > MODEL_FORMAT_VERSION) {
    throw new ModelError(
      'model-version',
      `Saved ${j.kind} model has format version ${j.version}, this clientele reads up to ${MODEL_FORMAT_VERSION}`,
      'Upgrade clientele or re-fit the model',
    );
  }
  if (kind !== undefined && j.kind !== kind) {
    throw new ModelError('model-kind', `Saved model is a ${j.kind}, not a ${kind}`);
  }
  const features = Array.isArray(j.features) ? j.features : [];
  if (features.some((f: unknown) => typeof f !== 'string' && !(f && typeof (f as FeatureSpec).name === 'string'))) {
    throw new ModelError('model-corrupt', `Saved ${j.kind} model has malformed features`, 'Re-fit and save the model again');
  }
  return {
    format: 'clientele-model',
    version: MODEL_FORMAT_VERSION,
    kind: j.kind,
    params: j.params as Record<string, unknown>,
    features: features.map((f: string | FeatureSpec) => featureSpec(f)),
    trainedAt: typeof j.trainedAt === 'string' ? j.trainedAt : null,
    fingerprint: typeof j.fingerprint === 'string' ? j.fingerprint : null,
    ...(j.diagnostics && typeof j.diagnostics === 'object' ? { diagnostics: j.diagnostics } : {}),
  };
}
