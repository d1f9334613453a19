import type { Condition, Rule, RuleSet } from './extract.js';

/** Readable if/then text, one line per rule, with support and precision:
 *  `IF Total_Spend > 812.5 AND Membership_Type = Gold THEN Premium  (84 customers, 24.0%; precision 95.2%)` */
export function ruleSetToText(set: RuleSet): string {
  const lines = set.rules.map((r) => ruleToText(r));
  lines.push(`OTHERWISE ${set.defaultClass}`);
  return lines.join('\n');
}

export function ruleToText(r: Rule): string {
  const cond = r.conditions.length ? r.conditions.map(conditionToText).join(' AND ') : 'always';
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return `IF ${cond} THEN ${r.prediction}  (${r.support} customer${r.support === 1 ? '' : 's'}, ${pct(r.share)}; precision ${pct(r.precision)})`;
}

export function conditionToText(c: Condition): string {
  if (c.kind === 'category') {
    if (c.equals !== null) return `${c.column} = ${c.equals}`;
    return c.notIn.length === 1 ? `${c.column} ≠ ${c.notIn[0]}` : `${c.column} not in (${c.notIn.join(', ')})`;
  }
  if (c.lower !== null && c.upper !== null) return `${c.lower} < ${c.column} ≤ ${c.upper}`;
  if (c.lower !== null) return `${c.column} > ${c.lower}`;
  return `${c.column} ≤ ${c.upper}`;
}
