import type { Matrix } from '../data/matrix.js';

/**
 * Validation metrics with scikit-learn's definitions. Classes are codes 0..K-1; for two classes the
 * positive class is 1 (precision, recall, F1, ROC); for more, precision/recall/F1 are macro averages
 * and ROC-AUC is the macro one-vs-rest average.
 */
export interface ClassificationMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** NaN when a class is absent from the evaluated rows. */
  rocAuc: number;
  logLoss: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  /** Binary only: the ROC curve from high to low thresholds, starting at (0, 0). */
  roc?: RocPoint[];
}

export interface RocPoint {
  fpr: number;
  tpr: number;
  threshold: number;
}

export interface RegressionMetrics {
  r2: number;
  rmse: number;
  mae: number;
}

export function classificationMetrics(y: ArrayLike<number>, pred: ArrayLike<number>, proba: Matrix): ClassificationMetrics {
  const k = proba.cols;
  const n = y.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) confusion[y[i]][pred[i]]++;
  let correct = 0;
  for (let c = 0; c < k; c++) correct += confusion[c][c];
  const prf = (c: number) => {
    let col = 0;
    let row = 0;
    for (let j = 0; j < k; j++) {
      col += confusion[j][c];
      row += confusion[c][j];
    }
    const precision = col > 0 ? confusion[c][c] / col : 0;
    const recall = row > 0 ? confusion[c][c] / row : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1 };
  };
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  if (k === 2) ({ precision, recall, f1 } = prf(1));
  else {
    for (let c = 0; c < k; c++) {
      const s = prf(c);
      precision += s.precision / k;
      recall += s.recall / k;
      f1 += s.f1 / k;
    }
  }
  const result: ClassificationMetrics = { accuracy: correct / n, precision, recall, f1, rocAuc: NaN, logLoss: logLoss(y, proba), confusion };
  if (k === 2) {
    const score = Float64Array.from({ length: n }, (_, i) => proba.data[2 * i + 1]);
    const positive = Uint8Array.from({ length: n }, (_, i) => (y[i] === 1 ? 1 : 0));
    const roc = rocCurve(positive, score);
    result.roc = roc;
    result.rocAuc = aucOf(roc);
  } else {
    let auc = 0;
    for (let c = 0; c < k; c++) {
      const score = Float64Array.from({ length: n }, (_, i) => proba.data[i * k + c]);
      const positive = Uint8Array.from({ length: n }, (_, i) => (y[i] === c ? 1 : 0));
      auc += aucOf(rocCurve(positive, score)) / k;
    }
    result.rocAuc = auc;
  }
  return result;
}

/** ROC points at each distinct score (ties moved together), like sklearn.metrics.roc_curve(drop_intermediate=False). */
export function rocCurve(positive: Uint8Array, score: Float64Array): RocPoint[] {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  let P = 0;
  for (let i = 0; i < n; i++) P += positive[i];
  const N = n - P;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (positive[i]) tp++;
    else fp++;
    if (r === n - 1 || score[order[r + 1]] !== score[i]) points.push({ fpr: N > 0 ? fp / N : NaN, tpr: P > 0 ? tp / P : NaN, threshold: score[i] });
  }
  return points;
}

/** Trapezoidal area under ROC points. */
export function aucOf(roc: readonly RocPoint[]): number {
  let a = 0;
  for (let i = 1; i < roc.length; i++) a += ((roc[i].fpr - roc[i - 1].fpr) * (roc[i].tpr + roc[i - 1].tpr)) / 2;
  return a;
}

/** Mean negative log-likelihood, probabilities clipped to [1e-15, 1 − 1e-15] as scikit-learn. */
export function logLoss(y: ArrayLike<number>, proba: Matrix): number {
  const k = proba.cols;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    // Renormalise after clipping, as scikit-learn does.
    let total = 0;
    for (let c = 0; c < k; c++) total += clip(proba.data[i * k + c]);
    s -= Math.log(clip(proba.data[i * k + y[i]]) / total);
  }
  return s / y.length;
}

function clip(p: number): number {
  return Math.min(Math.max(p, 1e-15), 1 - 1e-15);
}

export function regressionMetrics(y: ArrayLike<number>, pred: ArrayLike<number>): RegressionMetrics {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] / n;
  let sse = 0;
  let sst = 0;
  let sae = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i] - pred[i];
    sse += e * e;
    sae += Math.abs(e);
    sst += (y[i] - mean) * (y[i] - mean);
  }
  return { r2: sst > 0 ? 1 - sse / sst : NaN, rmse: Math.sqrt(sse / n), mae: sae / n };
}
