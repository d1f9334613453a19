import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { findColumn, type NumberColumn } from '../../src/data/table.js';
import { fitDesign, type DesignOptions } from '../../src/features/design.js';
import { columnTarget } from '../../src/predict/targets.js';
import { DecisionTreeClassifier } from '../../src/predict/tree.js';
import { readableThreshold, ruleSetToJSON, ruleSetToSql, ruleSetToText, treeToRuleSet } from '../../src/rules/index.js';
import { loadCustomerBehaviour } from '../predict/customers.js';

const csv = new URL('../../data/ecommerce-customer-behavior.csv', import.meta.url).pathname;
const customers = loadCustomerBehaviour();
const ids = (findColumn(customers, 'Customer_ID') as NumberColumn).values;

async function sqlLabels(expression: string): Promise<Map<number, string>> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const reader = await conn.runAndReadAll(`SELECT "Customer_ID", ${expression} AS label FROM read_csv('${csv}')`);
  const out = new Map<number, string>();
  for (const [id, label] of reader.getRows()) out.set(Number(id), String(label));
  conn.closeSync();
  return out;
}

function fitCase(target: ReturnType<typeof columnTarget>, design: DesignOptions, maxDepth: number) {
  const d = fitDesign(customers, design);
  const rows = Array.from({ length: customers.rows }, (_, i) => i).filter((i) => !Number.isNaN(target.values[i]));
  const y = rows.map((i) => target.values[i]);
  const X = { rows: rows.length, cols: d.matrix.cols, data: new Float64Array(rows.flatMap((i) => Array.from(d.matrix.data.subarray(i * d.matrix.cols, (i + 1) * d.matrix.cols)))) };
  const tree = new DecisionTreeClassifier({ maxDepth, minSamplesLeaf: 3 }).fit(X, y);
  return { d, tree, X, y };
}

describe('decision tree → business rules on the raw columns', () => {
  const cases = [
    { name: 'Gold membership (binary), standard scaling', target: columnTarget(customers, 'Membership_Type', { positive: 'Gold' }), design: { exclude: ['Membership_Type'] } as DesignOptions, depth: 4 },
    { name: 'satisfaction level (3 classes, missing values), log1p + robust scaling', target: columnTarget(customers, 'Satisfaction_Level'), design: { exclude: ['Satisfaction_Level'], log1p: ['Total_Spend', 'Items_Purchased'], scaling: 'robust' } as DesignOptions, depth: 5 },
    { name: 'discount applied (category target), one-hot splits on city and membership', target: columnTarget(customers, 'Discount_Applied'), design: { exclude: ['Discount_Applied'] } as DesignOptions, depth: 6 },
  ];

  for (const c of cases) {
    it(`${c.name}: the SQL CASE, run by DuckDB on the raw CSV, gives exactly the tree's predictions`, async () => {
      const { d, tree } = fitCase(c.target, c.design, c.depth);
      const set = treeToRuleSet(tree, { transform: d.transform, classes: c.target.classes, target: c.target.name });
      const sql = ruleSetToSql(set);
      const fromSql = await sqlLabels(sql);
      const pred = tree.predict(d.matrix);
      let agree = 0;
      for (let i = 0; i < customers.rows; i++) if (fromSql.get(ids[i]) === c.target.classes![pred[i]]) agree++;
      expect(agree).toBe(customers.rows);
      expect(sql.startsWith('CASE')).toBe(true);
    });
  }

  it('thresholds are in original units and readable; one-hot splits read as column = level', () => {
    const c = cases[1];
    const { d, tree } = fitCase(c.target, c.design, c.depth);
    const text = ruleSetToText(treeToRuleSet(tree, { transform: d.transform, classes: c.target.classes }));
    const spend = (findColumn(customers, 'Total_Spend') as NumberColumn).values;
    for (const m of text.matchAll(/Total_Spend (?:>|≤) ([\d.]+)/g)) {
      const v = Number(m[1]);
      expect(v).toBeGreaterThan(Math.min(...spend));
      expect(v).toBeLessThan(Math.max(...spend));
      expect(m[1].replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(6);
    }
    expect(text).toMatch(/Total_Spend|Items_Purchased|Age|Average_Rating|Days_Since_Last_Purchase/);
    const gold = cases[0];
    const g = fitCase(gold.target, gold.design, gold.depth);
    const json = ruleSetToJSON(treeToRuleSet(g.tree, { transform: g.d.transform, classes: gold.target.classes }));
    const ops = json.params.rules.flatMap((r) => r.conditions.map((x) => `${x.column} ${x.op}`));
    expect(ops.some((o) => /^(Gender|City|Satisfaction_Level|Discount_Applied) (=|not in)$/.test(o) || /(>|<=)$/.test(o))).toBe(true);
  });

  it('support and precision: rules for the positive class cover exactly the rows the tree labels positive', () => {
    const c = cases[0];
    const { d, tree, X, y } = fitCase(c.target, c.design, 3);
    const set = treeToRuleSet(tree, { transform: d.transform, classes: c.target.classes, data: { X, y } });
    const pred = tree.predict(X);
    let positive = 0;
    let correct = 0;
    for (let i = 0; i < y.length; i++) {
      if (pred[i] === 1) {
        positive++;
        if (y[i] === 1) correct++;
      }
    }
    expect(set.rules.every((r) => r.prediction === 'Gold')).toBe(true);
    expect(set.rules.reduce((s, r) => s + r.support, 0)).toBe(positive);
    const weighted = set.rules.reduce((s, r) => s + r.precision * r.support, 0);
    expect(weighted).toBeCloseTo(correct, 9);
    expect(ruleSetToText(set)).toMatch(/^IF .+ THEN Gold {2}\(\d+ customers?, [\d.]+%; precision [\d.]+%\)/);
  });

  it('readableThreshold rounds the midpoint to the fewest decimals that still separate the neighbouring values', () => {
    expect(readableThreshold(812.4999999999999, 800, 825)).toBe(812);
    expect(readableThreshold(646.5899999999999, 646.58, 646.6)).toBe(646.59);
    expect(readableThreshold(3610.5, 3610, 3611)).toBe(3610.5);
    expect(readableThreshold(646.595, 646.5899999999999, 646.6)).toBe(646.59);
    expect(readableThreshold(0.30000000000000004, 0.2, 0.4)).toBe(0.3);
    expect(readableThreshold(5.5, 5, 6)).toBe(5.5);
  });

  it('identifiers and labels are quoted for SQL', () => {
    const c = cases[0];
    const { d, tree } = fitCase(c.target, c.design, 2);
    const sql = ruleSetToSql(treeToRuleSet(tree, { transform: d.transform, classes: ["Gold's", 'it"s'] }));
    expect(sql).toMatch(/'Gold''s'|'it"s'/);
    expect(sql).toMatch(/"[A-Za-z_]+"/);
  });
});

describe('labels and thresholds agree', () => {
  it('a median split is cut at the data precision, and a tree split on that column states the same number', async () => {
    const { numberColumn, table } = await import('../../src/data/table.js');
    const { medianSplitTarget } = await import('../../src/predict/targets.js');
    const { trainModel } = await import('../../src/predict/train.js');
    // Sums of money carry binary noise: 646.5899999999999 is "646.59".
    const money = Array.from({ length: 40 }, (_, i) => (i < 20 ? 300 + i * 17.3 : 646.6 + (i - 20) * 11.1));
    money[19] = 646.58 + 0.0099999999999;
    const t = table([numberColumn('monetary', money), numberColumn('visits', money.map((_, i) => (i * 7) % 5))]);
    const target = medianSplitTarget(t, 'monetary');
    expect(target.classes).toEqual(['monetary ≤ 646.59', 'monetary > 646.59']);
    const r = trainModel(t, { target, model: 'tree', folds: 0, testSize: 0.1, keepTargetInputs: true });
    expect(r.rules?.text).toMatch(/^IF monetary > 646\.59 THEN monetary > 646\.59 /m);
    expect(r.rules?.sql).toMatch(/COALESCE\("monetary", [\d.]+\) > 646\.59 THEN 'monetary > 646\.59'/);
    expect(r.rules?.sql).not.toMatch(/\d\.\d{7,}/);
  });
});
