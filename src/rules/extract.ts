import { InputError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import type { DesignTransform } from '../features/design.js';
import type { FittedDecisionTree } from '../predict/tree.js';

/**
 * A classification tree's leaves as business rules on the ORIGINAL columns: each split on a scaled,
 * log-transformed or one-hot design feature is mapped back through the design transform to raw units
 * (`Total_Spend > 812.5`, `Membership_Type = 'Gold'`), and the conditions along a path are merged per column.
 */
export interface NumericCondition {
  kind: 'range';
  column: string;
  /** Exclusive lower bound (column > lower), or null. */
  lower: number | null;
  /** Inclusive upper bound (column <= upper), or null. */
  upper: number | null;
  /** Value the design substitutes for a missing entry, so SQL can do the same. */
  impute?: number;
}

export interface CategoryCondition {
  kind: 'category';
  column: string;
  /** column = equals (null when the path only excludes levels). */
  equals: string | null;
  /** Levels the path excludes (column IS DISTINCT FROM each). */
  notIn: string[];
}

export type Condition = NumericCondition | CategoryCondition;

export interface Rule {
  /** Leaf node id in the tree. */
  leaf: number;
  conditions: Condition[];
  /** Predicted class code and label. */
  classIndex: number;
  prediction: string;
  /** Customers (rows) in the leaf. */
  support: number;
  /** support / all rows. */
  share: number;
  /** Share of the leaf's customers that are in the predicted class. */
  precision: number;
}

export interface RuleSet {
  target: string;
  classes: string[];
  /** Rules for the requested class(es), largest support first. */
  rules: Rule[];
  /** The class of every row no rule covers (the SQL ELSE). */
  defaultClass: string;
  /** Every leaf as a rule (what the SQL CASE needs to be exact). */
  allLeaves: Rule[];
}

export interface RuleOptions {
  /** Design feature names; default x0, x1, ... */
  featureNames?: readonly string[];
  /** The design transform the tree was fitted through; maps thresholds back to raw columns. */
  transform?: DesignTransform;
  classes?: readonly string[];
  target?: string;
  /** Class the rules describe; default: class 1 for a binary tree, every class otherwise. */
  forClass?: number;
  /** Rows to count support and precision on (default: the tree's own training counts). */
  data?: { X: Matrix; y: ArrayLike<number> };
  /**
   * Thresholds the target itself is defined by (`monetary > 646.59`): a split on that column that separates
   * the rows the same way uses it, so the rule's condition and the class label it predicts say the same thing.
   */
  cuts?: readonly { column: string; value: number }[];
}

interface RawSplit {
  /** Numeric: raw threshold; the row goes left when raw <= value. Category: the level; left means "not this level". */
  column: string;
  numeric: boolean;
  value: number | string;
  impute?: number;
}

export function treeToRuleSet(model: FittedDecisionTree, options: RuleOptions = {}): RuleSet {
  if (model.task !== 'classification') throw new InputError('rules-regression', 'Business rules need a classification tree', 'Train with a categorical or binary target');
  const t = model.tree;
  const k = model.nClasses;
  const classes = options.classes ? [...options.classes] : Array.from({ length: k }, (_, c) => `class ${c}`);
  const names = options.featureNames ?? options.transform?.featureNames ?? Array.from({ length: model.nFeatures }, (_, j) => `x${j}`);
  const splits = Array.from({ length: t.nodeCount }, (_, node) => (t.feature[node] >= 0 ? rawSplit(model, node, names, options.transform, options.cuts ?? []) : null));

  // Leaf statistics, from the tree's training counts or recounted on the given rows.
  const support = new Float64Array(t.nodeCount);
  const inClass = new Float64Array(t.nodeCount * k);
  let total = 0;
  if (options.data) {
    const leaves = model.apply(options.data.X);
    for (let i = 0; i < leaves.length; i++) {
      support[leaves[i]]++;
      inClass[leaves[i] * k + options.data.y[i]]++;
    }
    total = leaves.length;
  } else {
    for (let node = 0; node < t.nodeCount; node++) {
      support[node] = t.nSamples[node];
      for (let c = 0; c < k; c++) inClass[node * k + c] = t.value[node * k + c] * t.nSamples[node];
    }
    total = t.nSamples[0];
  }

  const allLeaves: Rule[] = [];
  const walk = (node: number, path: { split: RawSplit; left: boolean }[]): void => {
    if (t.feature[node] < 0) {
      let best = 0;
      for (let c = 1; c < k; c++) if (t.value[node * k + c] > t.value[node * k + best]) best = c;
      allLeaves.push({
        leaf: node,
        conditions: mergeConditions(path),
        classIndex: best,
        prediction: classes[best],
        support: support[node],
        share: total > 0 ? support[node] / total : 0,
        precision: support[node] > 0 ? inClass[node * k + best] / support[node] : NaN,
      });
      return;
    }
    const s = splits[node]!;
    walk(t.left[node], [...path, { split: s, left: true }]);
    walk(t.right[node], [...path, { split: s, left: false }]);
  };
  walk(0, []);

  const wanted = options.forClass ?? (k === 2 ? 1 : -1);
  const rules = allLeaves.filter((r) => wanted < 0 || r.classIndex === wanted).sort((a, b) => b.support - a.support || a.leaf - b.leaf);
  // The ELSE class: for a binary target the other class; otherwise the class with the most leaf support.
  const byClass = new Float64Array(k);
  for (const r of allLeaves) byClass[r.classIndex] += r.support + 1e-9;
  let def = 0;
  if (k === 2 && wanted >= 0) def = 1 - wanted;
  else for (let c = 1; c < k; c++) if (byClass[c] > byClass[def]) def = c;
  return { target: options.target ?? 'prediction', classes, rules, defaultClass: classes[def], allLeaves };
}

/** The split at `node` in raw units of its source column. */
function rawSplit(model: FittedDecisionTree, node: number, names: readonly string[], transform: DesignTransform | undefined, cuts: NonNullable<RuleOptions['cuts']>): RawSplit {
  const t = model.tree;
  const j = t.feature[node];
  const step = transform ? stepOf(transform, j) : null;
  if (step && step.kind === 'category') {
    // Indicators are 0/1 and unscaled: the left branch (≤ threshold, below 1) is "not this level".
    return { column: step.column, numeric: false, value: step.level };
  }
  const inverse = step
    ? (x: number) => {
        const v = x * step.scale + step.center;
        return step.log1p ? Math.expm1(v) : v;
      }
    : (x: number) => x;
  const column = step ? step.column : names[j];
  const low = inverse(t.gapLow[node]);
  const high = inverse(t.gapHigh[node]);
  const cut = cuts.find((c) => c.column === column && c.value > low && c.value < high);
  // The midpoint in raw units: on a log or scaled axis the tree's own midpoint reads oddly (1.41 orders for "more than one").
  const mid = Number.isFinite(low) && Number.isFinite(high) ? (low + high) / 2 : inverse(t.threshold[node]);
  const value = cut ? cut.value : readableThreshold(mid, low, high);
  return { column, numeric: true, value, impute: step ? printableImpute(step.impute, value) : undefined };
}

/** The imputed value without binary noise, unless cleaning it would move it across the split. */
function printableImpute(impute: number, threshold: number): number {
  const p = printable(impute);
  return p <= threshold === impute <= threshold ? p : impute;
}

type Step =
  | { kind: 'number'; column: string; center: number; scale: number; log1p: boolean; impute: number }
  | { kind: 'category'; column: string; level: string };

function stepOf(transform: DesignTransform, feature: number): Step {
  let j = 0;
  for (const s of transform.steps) {
    if (s.kind === 'number') {
      if (j === feature) return { kind: 'number', column: s.column, center: s.center, scale: s.scale, log1p: s.log1p, impute: s.impute };
      j++;
    } else {
      if (feature < j + s.levels.length) return { kind: 'category', column: s.column, level: s.levels[feature - j] };
      j += s.levels.length;
    }
  }
  throw new InputError('rules-transform', `The design transform has no feature ${feature}`, 'Pass the transform the tree was fitted with');
}

/**
 * The threshold as the data's precision allows: the midpoint between the neighbouring training values
 * `low` and `high`, rounded to the fewest decimals that still separate them (low < t < high, so a value
 * between the two is sided as the tree sides it), so it reads 812 or 646.59 rather than 812.4999999999999
 * yet classifies every training row exactly as the tree.
 */
export function readableThreshold(mid: number, low: number, high: number): number {
  if (!(low < high) || !Number.isFinite(mid)) return mid;
  for (let digits = 0; digits <= 15; digits++) {
    // If any number with this many decimals lies between low and high, the one just below or above the midpoint does.
    const p = 10 ** digits;
    for (const c of [Number(mid.toFixed(digits)), Number((Math.floor(mid * p) / p).toFixed(digits)), Number((Math.ceil(mid * p) / p).toFixed(digits))]) {
      if (c > low && c < high) return c;
    }
  }
  return mid;
}

/** A value as printed, without binary noise: 646.5899999999999 → 646.59 (twelve significant digits are far below data precision). */
export function printable(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
}

function mergeConditions(path: { split: RawSplit; left: boolean }[]): Condition[] {
  const out: Condition[] = [];
  const byColumn = new Map<string, Condition>();
  for (const { split, left } of path) {
    let c = byColumn.get(split.column);
    if (split.numeric) {
      if (!c) {
        c = { kind: 'range', column: split.column, lower: null, upper: null, impute: split.impute };
        byColumn.set(split.column, c);
        out.push(c);
      }
      const r = c as NumericCondition;
      const v = split.value as number;
      if (left) r.upper = r.upper === null ? v : Math.min(r.upper, v);
      else r.lower = r.lower === null ? v : Math.max(r.lower, v);
    } else {
      if (!c) {
        c = { kind: 'category', column: split.column, equals: null, notIn: [] };
        byColumn.set(split.column, c);
        out.push(c);
      }
      const cc = c as CategoryCondition;
      if (left) cc.notIn.push(split.value as string);
      else cc.equals = split.value as string;
    }
  }
  // An equality makes exclusions of other levels redundant.
  for (const c of out) if (c.kind === 'category' && c.equals !== null) c.notIn = [];
  return out;
}
