export { treeToRuleSet, readableThreshold } from './extract.js';
export type { CategoryCondition, Condition, NumericCondition, Rule, RuleOptions, RuleSet } from './extract.js';
export { ruleSetToText, ruleToText, conditionToText } from './tree-to-rules.js';
export { ruleSetToSql, conditionToSql, quoteIdentifier } from './tree-to-sql.js';
export { ruleSetToJSON } from './tree-to-json.js';
export type { RulesJSON } from './tree-to-json.js';
