import { ModelError } from '../errors.js';
import { checkModelJSON, type ModelJSON } from '../models/estimator.js';
import type { CustomerInput, Scorer, ScorerInputs, ScoreTable } from '../scoring/contract.js';
import { findColumn, type Column } from '../data/table.js';
import type { RuleConditionJSON, RuleJSON, RulesJSON, RulesParams } from './tree-to-json.js';

export const RULES_KIND = 'rules';

/**
 * A saved rule set applied to customers: each customer falls in exactly one leaf of the tree the rules
 * came from (leaves are disjoint and cover every value), and gets that leaf's rule and prediction.
 */
export class RuleSetModel implements Scorer {
  readonly kind = RULES_KIND;
  readonly inputs: ScorerInputs;

  constructor(private readonly json: RulesJSON) {
    this.inputs = { features: json.features, purchases: 'optional' };
  }

  get params(): RulesParams {
    return this.json.params;
  }

  /** Index into params.leaves of each customer's leaf (-1 when no leaf matches: a value no split foresaw). */
  match(input: CustomerInput): Int32Array {
    const n = input.ids.length;
    const out = new Int32Array(n).fill(-1);
    const leaves = this.json.params.leaves;
    const columns = new Map<string, Column>();
    for (const f of this.inputs.features) {
      const c = findColumn(input.features, f.name);
      if (!c) throw new ModelError('score-input', `The rules need the column ${f.name}`, `Send ${f.name} for every customer`);
      columns.set(f.name, c);
    }
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < leaves.length; l++) {
        if (leaves[l].conditions.every((c) => holds(c, columns.get(c.column)!, i))) {
          out[i] = l;
          break;
        }
      }
    }
    return out;
  }

  score(input: CustomerInput): ScoreTable {
    const leaf = this.match(input);
    const p = this.json.params;
    const rule = (l: number) => (l < 0 ? null : ruleText(p.leaves[l]));
    return {
      names: ['rule', 'rule_prediction', 'rule_precision'],
      columns: [Array.from(leaf, rule), Array.from(leaf, (l) => (l < 0 ? p.defaultClass : p.leaves[l].prediction)), Array.from(leaf, (l) => (l < 0 ? null : p.leaves[l].precision))],
      notes: {},
    };
  }

  toJSON(): ModelJSON {
    return structuredClone(this.json) as unknown as ModelJSON;
  }

  static fromJSON(json: unknown): RuleSetModel {
    const j = checkModelJSON(json, RULES_KIND);
    const p = j.params as Partial<RulesParams>;
    const valid = (rules: unknown) => Array.isArray(rules) && rules.every((r: RuleJSON) => r && Array.isArray(r.conditions) && typeof r.prediction === 'string' && r.conditions.every(validCondition));
    if (typeof p.target !== 'string' || typeof p.defaultClass !== 'string' || !Array.isArray(p.classes) || !valid(p.rules) || !valid(p.leaves)) {
      throw new ModelError('model-corrupt', 'Saved rule set is incomplete (it needs target, classes, defaultClass, rules and leaves)', 'Export the rules again with `clientele rules --format json`');
    }
    // Rules written before the envelope carried no feature list: the conditions name the columns.
    const features = j.features.length ? j.features : inferFeatures(p.leaves!);
    return new RuleSetModel({ ...j, features, kind: RULES_KIND, params: p as RulesParams });
  }
}

function validCondition(c: RuleConditionJSON): boolean {
  if (!c || typeof c.column !== 'string') return false;
  if (c.op === '>' || c.op === '<=') return typeof c.value === 'number' && (c.impute === undefined || typeof c.impute === 'number');
  if (c.op === '=') return typeof c.value === 'string';
  return c.op === 'not in' && Array.isArray(c.value) && c.value.every((v) => typeof v === 'string');
}

function inferFeatures(leaves: RuleJSON[]): RulesJSON['features'] {
  const m = new Map<string, 'number' | 'category'>();
  for (const r of leaves) for (const c of r.conditions) m.set(c.column, c.op === '>' || c.op === '<=' ? 'number' : 'category');
  return [...m].map(([name, type]) => ({ name, type }));
}

function holds(c: RuleConditionJSON, col: Column, i: number): boolean {
  if (c.op === '>' || c.op === '<=') {
    if (col.kind === 'category') return false;
    let x = col.values[i];
    if (Number.isNaN(x)) x = c.impute ?? NaN;
    return c.op === '>' ? x > (c.value as number) : x <= (c.value as number);
  }
  const level = col.kind === 'category' && col.codes[i] >= 0 ? col.levels[col.codes[i]] : null;
  if (c.op === '=') return level === c.value;
  // A missing level is "not this level", as the all-zero one-hot row is.
  return !(c.value as string[]).includes(level as string);
}

function ruleText(r: RuleJSON): string {
  if (typeof r.text === 'string') return r.text;
  const parts = r.conditions.map((c) => (c.op === 'not in' ? `${c.column} not in (${(c.value as string[]).join(', ')})` : `${c.column} ${c.op} ${String(c.value)}`));
  return `IF ${parts.length ? parts.join(' AND ') : 'always'} THEN ${r.prediction}`;
}
