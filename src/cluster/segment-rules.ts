import type { Table } from '../data/table.js';
import { fitDesign, type DesignTransform } from '../features/design.js';
import { DecisionTreeClassifier } from '../predict/tree.js';
import { ruleSetToJSON, ruleSetToText, treeToRuleSet } from '../rules/index.js';
import { RuleSetModel } from '../rules/rules-model.js';
import { takeRows } from '../data/matrix.js';
import { seededSample } from '../data/sample.js';

/** Rows above which the rule tree is fitted on a seeded sample of this many (the segmentation's own sample size). */
const K_SEARCH_ROWS = 50_000;


/** Deep enough to tell a handful of segments apart, shallow enough for a marketer to read each rule. */
export const SEGMENT_RULE_DEPTH = 3;

export interface SegmentRules {
  model: RuleSetModel;
  text: string;
  /** Share of customers whose rule names their own k-means segment. */
  agreement: number;
}

/**
 * The k-means segments as business rules on the raw columns: a shallow tree fitted to the segment labels on the
 * columns the segmentation used, so a weekly job can place a customer with a SQL CASE instead of the centres.
 * The rules approximate the segments; `agreement` says how closely.
 */
export function segmentRules(t: Table, design: DesignTransform, labels: Int32Array, names: readonly string[], seed: number, sampleSize = K_SEARCH_ROWS): SegmentRules {
  const d = fitDesign(t, { include: design.steps.map((s) => s.column), scaling: 'none', log1p: 'none' });
  // Eight leaves are placed as well by a seeded sample as by a million rows; the agreement below counts every row.
  const rows = t.rows > sampleSize ? seededSample(t.rows, sampleSize, seed) : null;
  const fitX = rows ? takeRows(d.matrix, rows) : d.matrix;
  const fitY = rows ? Int32Array.from(rows, (i) => labels[i]) : labels;
  const minLeaf = Math.max(5, Math.ceil(0.01 * fitX.rows));
  const tree = new DecisionTreeClassifier({ maxDepth: SEGMENT_RULE_DEPTH, minSamplesLeaf: minLeaf, seed }).fit(fitX, fitY);
  const set = treeToRuleSet(tree, { transform: d.transform, classes: names, target: 'segment', data: { X: d.matrix, y: labels } });
  const predicted = tree.predict(d.matrix);
  let agree = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) agree++;
  return { model: RuleSetModel.fromJSON(ruleSetToJSON(set)), text: ruleSetToText(set), agreement: labels.length ? agree / labels.length : NaN };
}
