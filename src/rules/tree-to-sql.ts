import type { Condition, RuleSet } from './extract.js';

/**
 * A SQL CASE expression that reproduces the tree on raw columns: one WHEN per leaf not in the default
 * class (leaves are disjoint, so order does not matter), ELSE the default class. Identifiers are
 * double-quoted, thresholds printed in shortest round-trip form, and missing numbers take the design's
 * imputed value via COALESCE, exactly as the model sees them.
 */
export function ruleSetToSql(set: RuleSet): string {
  const whens = set.allLeaves
    .filter((r) => r.prediction !== set.defaultClass)
    .map((r) => `  WHEN ${r.conditions.length ? r.conditions.map(conditionToSql).join(' AND ') : 'TRUE'} THEN ${literal(r.prediction)}`);
  if (whens.length === 0) return literal(set.defaultClass);
  return `CASE\n${whens.join('\n')}\n  ELSE ${literal(set.defaultClass)}\nEND`;
}

export function conditionToSql(c: Condition): string {
  const id = quoteIdentifier(c.column);
  if (c.kind === 'category') {
    if (c.equals !== null) return `${id} = ${literal(c.equals)}`;
    // IS DISTINCT FROM keeps missing values on the "not this level" side, as the all-zero one-hot row does.
    return c.notIn.map((l) => `${id} IS DISTINCT FROM ${literal(l)}`).join(' AND ');
  }
  const x = c.impute !== undefined ? `COALESCE(${id}, ${num(c.impute)})` : id;
  const parts: string[] = [];
  if (c.lower !== null) parts.push(`${x} > ${num(c.lower)}`);
  if (c.upper !== null) parts.push(`${x} <= ${num(c.upper)}`);
  return parts.join(' AND ');
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Shortest decimal that parses back to the same double. */
function num(v: number): string {
  return String(v);
}
