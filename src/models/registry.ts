import { ModelError } from '../errors.js';
import { FittedKMeans } from '../cluster/kmeans.js';
import { SegmentationModel } from '../cluster/segmentation-model.js';
import { BgNbdModel } from '../clv/bgnbd.js';
import { CovariatesModel } from '../clv/covariates.js';
import { GammaGammaModel } from '../clv/gamma-gamma.js';
import { MbgNbdModel } from '../clv/mbgnbd.js';
import { ParetoNbdModel } from '../clv/pnbd.js';
import { RfmModel } from '../features/rfm-model.js';
import { FittedGradientBoosting } from '../predict/boosting.js';
import { FittedRandomForest } from '../predict/forest.js';
import { FittedLinearRegression } from '../predict/linear.js';
import { FittedLogisticRegression } from '../predict/logistic.js';
import { PredictorModel } from '../predict/predictor-model.js';
import { FittedDecisionTree } from '../predict/tree.js';
import { RuleSetModel } from '../rules/rules-model.js';
import { ScoringBundle } from '../scoring/bundle.js';
import { ClvScorer } from '../scoring/clv-scorer.js';
import type { Scorer } from '../scoring/contract.js';
import { checkModelJSON, type FittedModel } from './estimator.js';

/** Every kind of saved model, and the one loader for each: what `loadModel` can read. */
const LOADERS: Record<string, (json: unknown) => FittedModel> = {
  kmeans: (j) => FittedKMeans.fromJSON(j),
  segmentation: (j) => SegmentationModel.fromJSON(j),
  bgnbd: (j) => BgNbdModel.fromJSON(j),
  mbgnbd: (j) => MbgNbdModel.fromJSON(j),
  pnbd: (j) => ParetoNbdModel.fromJSON(j),
  'pnbd-covariates': (j) => CovariatesModel.fromJSON(j),
  'bgnbd-covariates': (j) => CovariatesModel.fromJSON(j),
  'gamma-gamma': (j) => GammaGammaModel.fromJSON(j),
  'logistic-regression': (j) => FittedLogisticRegression.fromJSON(j),
  'linear-regression': (j) => FittedLinearRegression.fromJSON(j),
  'decision-tree': (j) => FittedDecisionTree.fromJSON(j),
  'random-forest': (j) => FittedRandomForest.fromJSON(j),
  'gradient-boosting': (j) => FittedGradientBoosting.fromJSON(j),
  predictor: (j) => PredictorModel.fromJSON(j),
  rules: (j) => RuleSetModel.fromJSON(j),
  rfm: (j) => RfmModel.fromJSON(j),
  clv: (j) => ClvScorer.fromJSON(j),
  bundle: (j) => ScoringBundle.fromJSON(j),
};

export const MODEL_KINDS: readonly string[] = Object.keys(LOADERS);

/**
 * Read any saved clientele model. Refuses what is not a model, a newer format version and an unknown kind,
 * each with a ModelError saying so. Files of the first layouts (`clientele-predictor`, `clientele-rules`) still load.
 */
export function loadModel(json: unknown): FittedModel {
  const legacy = (json as { format?: unknown } | null)?.format;
  if (legacy === 'clientele-predictor') return PredictorModel.fromJSON(json);
  if (legacy === 'clientele-rules') {
    const r = json as Record<string, unknown>;
    return RuleSetModel.fromJSON({ format: 'clientele-model', version: 1, kind: 'rules', params: { ...r, leaves: r.leaves ?? r.rules } });
  }
  const j = checkModelJSON(json);
  const load = Object.hasOwn(LOADERS, j.kind) ? LOADERS[j.kind] : undefined;
  if (!load) {
    throw new ModelError('model-kind', `Saved model kind "${j.kind}" is unknown to this clientele`, `Known kinds: ${MODEL_KINDS.join(', ')}; upgrade clientele if the file is newer`);
  }
  return load(json);
}

/** Parse a model file's text; a truncated or garbled file is a ModelError, not a JSON stack trace. */
export function parseModel(text: string, source = 'The model file'): FittedModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelError('model-format', `${source} is not valid JSON (${(err as Error).message.split('\n')[0]}): not a model file, or a truncated one`, 'Write it again with analyze or --save-model');
  }
  return loadModel(json);
}

export function isScorer(m: FittedModel): m is Scorer & FittedModel {
  return typeof (m as Partial<Scorer>).score === 'function' && typeof (m as Partial<Scorer>).inputs === 'object';
}

/** A model that scores customers, or a ModelError naming what this kind is for instead. */
export function loadScorer(json: unknown): Scorer {
  const m = loadModel(json);
  if (!isScorer(m)) {
    throw new ModelError('model-not-scorer', `A saved ${m.kind} model does not score customers by itself`, 'Use the model.json that analyze writes, or a model saved by segment/model --save-model');
  }
  return m;
}
