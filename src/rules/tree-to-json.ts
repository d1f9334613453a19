import type { RuleSet } from './extract.js';

/** The rules as plain JSON for other tools: conditions on raw columns, support and precision per rule. */
export interface RulesJSON {
  format: 'clientele-rules';
  version: 1;
  target: string;
  classes: string[];
  defaultClass: string;
  rules: {
    conditions: ({ column: string; op: '>' | '<=' | '=' | 'not in'; value: number | string | string[] })[];
    prediction: string;
    support: number;
    share: number;
    precision: number;
  }[];
}

export function ruleSetToJSON(set: RuleSet): RulesJSON {
  return {
    format: 'clientele-rules',
    version: 1,
    target: set.target,
    classes: set.classes,
    defaultClass: set.defaultClass,
    rules: set.rules.map((r) => ({
      conditions: r.conditions.flatMap((c) => {
        if (c.kind === 'category') return c.equals !== null ? [{ column: c.column, op: '=' as const, value: c.equals }] : [{ column: c.column, op: 'not in' as const, value: c.notIn }];
        const out: RulesJSON['rules'][number]['conditions'] = [];
        if (c.lower !== null) out.push({ column: c.column, op: '>', value: c.lower });
        if (c.upper !== null) out.push({ column: c.column, op: '<=', value: c.upper });
        return out;
      }),
      prediction: r.prediction,
      support: r.support,
      share: r.share,
      precision: r.precision,
    })),
  };
}
