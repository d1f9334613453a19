import type { Matrix } from '../data/matrix.js';
import type { DesignTransform } from '../features/design.js';
import { pearson } from '../stats/correlation.js';
import { presort } from './tree-builder.js';
import { fitTree } from './tree.js';
import type { Target } from './targets.js';

/**
 * The leakage guard. A model that predicts a target computed from its own inputs (k-means labels from
 * the clustering features, a median split of a feature it is given) or that one input alone pins down,
 * scores near 100% and proves nothing: the output must say so before anyone acts on the accuracy.
 */
export interface LeakageWarning {
  kind: 'derived-target' | 'single-feature';
  /** Source columns involved. */
  columns: string[];
  /** For single-feature: the one-feature accuracy (classification) or |r| (regression). */
  score?: number;
  message: string;
}

/** One-feature accuracy (depth-2 tree) or |correlation| at or above this means the target is a re-labelling of that feature. */
export const SINGLE_FEATURE_LIMIT = 0.98;
/** Rows examined by the single-feature check; above this a deterministic stride sample keeps it cheap. */
const CHECK_ROWS = 20_000;

/** The source column of each design feature (one-hot indicators map back to their column). */
export function featureSources(transform: DesignTransform): string[] {
  return transform.steps.flatMap((s) => (s.kind === 'number' ? [s.column] : s.features.map(() => s.column)));
}

export function checkLeakage(target: Target, X: Matrix, y: ArrayLike<number>, sources: readonly string[]): LeakageWarning[] {
  const warnings: LeakageWarning[] = [];
  const inputs = new Set(sources);
  const shared = target.derivedFrom.filter((c) => inputs.has(c));
  if (shared.length) {
    warnings.push({
      kind: 'derived-target',
      columns: shared,
      message:
        `Leakage: the target "${target.name}" was computed from ${list(shared)}, which ${shared.length === 1 ? 'is' : 'are'} also a model input. ` +
        `The model only has to re-derive ${target.description} from its own inputs, so its accuracy, however high, says nothing about predicting it from independent information. ` +
        `Exclude ${list(shared)} from the features, or predict a target measured separately.`,
    });
  }
  const flagged = new Set(shared);
  for (const s of singleFeatureScores(target, X, y, sources)) {
    if (s.score < SINGLE_FEATURE_LIMIT || flagged.has(s.column)) continue;
    flagged.add(s.column);
    const what = target.task === 'classification' ? `alone predicts it with ${(100 * s.score).toFixed(1)}% accuracy` : `correlates with it at |r| = ${s.score.toFixed(3)}`;
    warnings.push({
      kind: 'single-feature',
      columns: [s.column],
      score: s.score,
      message:
        `Leakage suspected: ${s.column} ${what}. A single input that determines the target is usually a copy or consequence of it (or recorded after it), ` +
        `so the model's accuracy reflects that column, not a pattern usable in advance. Check how ${s.column} is measured, or exclude it.`,
    });
  }
  return warnings;
}

/** Best one-feature score per source column. */
function singleFeatureScores(target: Target, X: Matrix, y: ArrayLike<number>, sources: readonly string[]): { column: string; score: number }[] {
  const n = X.rows;
  const stride = Math.max(1, Math.ceil(n / CHECK_ROWS));
  const rows: number[] = [];
  for (let i = 0; i < n; i += stride) rows.push(i);
  const m = rows.length;
  const ys = Float64Array.from(rows, (i) => y[i]);
  const best = new Map<string, number>();
  let k = 0;
  for (let i = 0; i < m; i++) k = Math.max(k, ys[i] + 1);
  const counts = new Float64Array(Math.max(k, 1));
  for (let i = 0; i < m; i++) if (target.task === 'classification') counts[ys[i]]++;
  const majority = Math.max(...counts) / m;
  for (let j = 0; j < X.cols; j++) {
    const col = Float64Array.from(rows, (i) => X.data[i * X.cols + j]);
    let score: number;
    if (target.task === 'classification') {
      // A target this skewed is "predicted" by anything; only count what the feature adds beyond the majority class.
      if (k < 2 || majority >= SINGLE_FEATURE_LIMIT) continue;
      const tree = fitTree(presort({ rows: m, cols: 1, data: col }), ys, new Float64Array(m).fill(1), 'classification', k, { maxDepth: 2 });
      const pred = tree.predict({ rows: m, cols: 1, data: col });
      let c = 0;
      for (let i = 0; i < m; i++) if (pred[i] === ys[i]) c++;
      score = c / m;
    } else {
      const r = pearson(col, ys).statistic;
      score = Number.isFinite(r) ? Math.abs(r) : 0;
    }
    const src = sources[j] ?? `feature ${j}`;
    if (!(best.get(src)! >= score)) best.set(src, score);
  }
  return [...best.entries()].map(([column, score]) => ({ column, score }));
}

function list(cols: readonly string[]): string {
  if (cols.length <= 1) return cols.join('');
  return `${cols.slice(0, -1).join(', ')} and ${cols[cols.length - 1]}`;
}
