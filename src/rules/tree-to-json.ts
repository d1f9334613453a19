import { modelJSON, type ModelJSON } from '../models/estimator.js';
import type { Condition, Rule, RuleSet } from './extract.js';
import { conditionToText } from './tree-to-rules.js';

/** One condition on a raw column, as other tools read it. */
export interface RuleConditionJSON {
  column: string;
  op: '>' | '<=' | '=' | 'not in';
  value: number | string | string[];
  /** Value a missing number takes before the comparison, as the tree saw it. */
  impute?: number;
}

export interface RuleJSON {
  /** The rule as a person reads it: `IF frequency > 2.5 AND main_country = UK THEN Loyal`. */
  text?: string;
  conditions: RuleConditionJSON[];
  prediction: string;
  support: number;
  share: number;
  precision: number;
}

/** params of a saved rule set (kind 'rules'): the requested rules, and every leaf so scoring is exact. */
export interface RulesParams {
  target: string;
  classes: string[];
  defaultClass: string;
  rules: RuleJSON[];
  leaves: RuleJSON[];
}

export type RulesJSON = Omit<ModelJSON, 'kind' | 'params'> & { kind: 'rules'; params: RulesParams };

/** The rules as plain JSON for other tools, in the saved-model envelope `score` and the service load. */
export function ruleSetToJSON(set: RuleSet): RulesJSON {
  const params: RulesParams = {
    target: set.target,
    classes: set.classes,
    defaultClass: set.defaultClass,
    rules: set.rules.map(ruleJSON),
    leaves: set.allLeaves.map(ruleJSON),
  };
  const columns = new Map<string, 'number' | 'category'>();
  for (const r of set.allLeaves) for (const c of r.conditions) columns.set(c.column, c.kind === 'range' ? 'number' : 'category');
  return { ...modelJSON('rules', {}, { features: [...columns].map(([name, type]) => ({ name, type })) }), kind: 'rules', params };
}

function ruleJSON(r: Rule): RuleJSON {
  const cond = r.conditions.length ? r.conditions.map(conditionToText).join(' AND ') : 'always';
  return { text: `IF ${cond} THEN ${r.prediction}`, conditions: r.conditions.flatMap(conditionJSON), prediction: r.prediction, support: r.support, share: r.share, precision: r.precision };
}

function conditionJSON(c: Condition): RuleConditionJSON[] {
  if (c.kind === 'category') return c.equals !== null ? [{ column: c.column, op: '=', value: c.equals }] : [{ column: c.column, op: 'not in', value: c.notIn }];
  const out: RuleConditionJSON[] = [];
  const impute = c.impute !== undefined ? { impute: c.impute } : {};
  if (c.lower !== null) out.push({ column: c.column, op: '>', value: c.lower, ...impute });
  if (c.upper !== null) out.push({ column: c.column, op: '<=', value: c.upper, ...impute });
  return out;
}
