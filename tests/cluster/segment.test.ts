import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAMPLED_N_INIT, scoreSegments, segmentCustomers } from '../../src/cluster/segment.js';
import { syntheticAggregates } from '../../src/synth/index.js';
import { categoryColumn, numberColumn, table, type Column, type Table } from '../../src/data/table.js';
import { InputError } from '../../src/errors.js';
import { SegmentationModel } from '../../src/cluster/segmentation-model.js';
import { segmentRules } from '../../src/cluster/segment-rules.js';

/** Share of rows whose found cluster's majority planted group is their own group. */
function purity(found: ArrayLike<number>, planted: ArrayLike<number>, rows: number[]): { purity: number; majority: Map<number, number> } {
  const counts = new Map<number, Map<number, number>>();
  for (const i of rows) {
    const m = counts.get(found[i]) ?? new Map<number, number>();
    m.set(planted[i], (m.get(planted[i]) ?? 0) + 1);
    counts.set(found[i], m);
  }
  let hits = 0;
  const majority = new Map<number, number>();
  for (const [c, m] of counts) {
    const [g, n] = [...m].reduce((a, b) => (b[1] > a[1] ? b : a));
    majority.set(c, g);
    hits += n;
  }
  return { purity: hits / rows.length, majority };
}

describe('segmentCustomers on synthetic 60-day aggregates', () => {
  const { table: t, truth } = syntheticAggregates({ rows: 1500, seed: 4 });
  const result = segmentCustomers(t, { seed: 4, recluster: true, nInit: 4 });
  const all = Array.from({ length: t.rows }, (_, i) => i);

  it('recovers the four planted segments', () => {
    expect(result.k).toBe(4);
    expect(result.kSelection).toBe('auto');
    expect(result.reason).toMatch(/^k = 4 /);
    const p = purity(result.labels, truth.group, all);
    expect(p.purity).toBeGreaterThan(0.95);
    expect(new Set(p.majority.values()).size).toBe(4);
    expect(result.designNotes).toContain('customer_id skipped: identifier-like (unique per row)');
    expect(new Set(result.profiles.map((x) => x.name)).size).toBe(4);
  });

  it('second stage splits the top segment and isolates the planted loyal core', () => {
    const r = result.recluster!;
    expect(r.rankedBy).toBe('total_spend');
    expect(r.loyaltyBy).toBe('purchase_count');
    const parentRows = all.filter((i) => result.labels[i] === r.parent);
    // The parent segment is the planted vip group.
    expect(parentRows.filter((i) => truth.group[i] === truth.topGroup).length / parentRows.length).toBeGreaterThan(0.95);
    expect(r.k).toBe(2);
    const loyalRows = parentRows.filter((i) => r.labels[i] === r.loyal);
    const core = parentRows.filter((i) => truth.loyalCore[i]);
    const precision = loyalRows.filter((i) => truth.loyalCore[i]).length / loyalRows.length;
    const recall = core.filter((i) => r.labels[i] === r.loyal).length / core.length;
    expect(precision).toBeGreaterThan(0.9);
    expect(recall).toBeGreaterThan(0.9);
    expect(r.profiles[r.loyal].name).toMatch(/frequent/i);
  });

  it('same seed gives an identical result; the saved model scores the same labels after a JSON round trip', () => {
    const again = segmentCustomers(t, { seed: 4, recluster: true, nInit: 4 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(result));
    const model = JSON.parse(JSON.stringify(result.model));
    const scored = scoreSegments(model, t);
    expect(Array.from(scored.segment)).toEqual(result.labels);
    expect(Array.from(scored.subsegment)).toEqual(result.recluster!.labels);
    expect(scored.name[0]).toBe(result.profiles[result.labels[0]].name);
  });

  it('searches k on a sample of a large table, then fits every row', () => {
    const r = segmentCustomers(t, { seed: 4, nInit: 3, kSearchRows: 700 });
    expect(r.k).toBe(4);
    expect(r.reason).toMatch(/ \(k searched and the centres fitted on a random sample of 700 customers, every customer assigned to the nearest centre\)\.$/);
    expect(r.labels).toHaveLength(t.rows);
    expect(r.fitRows).toBe(700);
    expect(purity(r.labels, truth.group, all).purity).toBeGreaterThan(0.95);
  });

  it('a sampled fit still assigns every customer, each to its nearest centre, and the saved model agrees', () => {
    const r = segmentCustomers(t, { seed: 4, nInit: 3, kSearchRows: 600, recluster: true });
    expect(result.fitRows).toBe(t.rows);
    expect(r.fitRows).toBe(600);
    expect(r.labels.every((l) => Number.isInteger(l) && l >= 0 && l < r.k)).toBe(true);
    // Nearest centre by brute force in the design space the model applies.
    const scored = scoreSegments(JSON.parse(JSON.stringify(r.model)), t);
    expect(Array.from(scored.segment)).toEqual(r.labels);
    const parent = r.recluster!;
    const inParent = all.filter((i) => r.labels[i] === parent.parent);
    expect(parent.fitRows).toBe(Math.min(600, inParent.length));
    expect(inParent.every((i) => parent.labels[i] >= 0 && parent.labels[i] < parent.k)).toBe(true);
    expect(all.filter((i) => r.labels[i] !== parent.parent).every((i) => parent.labels[i] === -1)).toBe(true);
    expect(Array.from(scored.subsegment)).toEqual(parent.labels);
    // The planted groups are still found when the centres come from 600 of 1,500 rows.
    expect(purity(r.labels, truth.group, all).purity).toBeGreaterThan(0.95);
  });

  it('on a sample the default restarts drop to SAMPLED_N_INIT and the planted groups are still found', () => {
    const r = segmentCustomers(t, { seed: 4, kSearchRows: 800 });
    expect(SAMPLED_N_INIT).toBe(3);
    expect(r.k).toBe(4);
    expect(purity(r.labels, truth.group, all).purity).toBeGreaterThan(0.95);
    expect(JSON.stringify(segmentCustomers(t, { seed: 4, kSearchRows: 800, nInit: SAMPLED_N_INIT }))).toBe(JSON.stringify(r));
  });

  it('the segment rules are fitted on a sample of a large table and their agreement counts every row', () => {
    const model = SegmentationModel.fromJSON(result.model);
    const labels = Int32Array.from(result.labels);
    const full = segmentRules(t, model.saved.design, labels, model.saved.names, 42);
    const sampled = segmentRules(t, model.saved.design, labels, model.saved.names, 42, 500);
    expect(full.agreement).toBeGreaterThan(0.9);
    expect(Math.abs(sampled.agreement - full.agreement)).toBeLessThan(0.05);
  });

  it('a fixed k on a large table is fitted on the sample and every row assigned', () => {
    const r = segmentCustomers(t, { k: 4, seed: 4, nInit: 3, kSearchRows: 500 });
    expect(r.fitRows).toBe(500);
    expect(r.reason).toBe('k = 4 was set by the user (centres fitted on a random sample of 500 customers, every customer assigned to the nearest centre).');
    expect(r.labels).toHaveLength(t.rows);
    expect(purity(r.labels, truth.group, all).purity).toBeGreaterThan(0.95);
  });

  it('skips the second stage with a warning when the top segment is too small to split', () => {
    const small = syntheticAggregates({ rows: 80, seed: 1 }).table;
    const r = segmentCustomers(small, { k: 4, seed: 1, recluster: true, nInit: 2 });
    expect(r.recluster).toBeNull();
    expect(r.warnings.at(-1)).toMatch(/too few to recluster \(need 20\); the second stage was skipped$/);
  });

  it('scoring new customers without a feature column names it', () => {
    const without = table(t.columns.filter((c) => c.name !== 'wishlist_adds') as Column[]);
    expect(() => scoreSegments(result.model, without)).toThrow(InputError);
    expect(() => scoreSegments(result.model, without)).toThrow(/wishlist_adds/);
  });
});

describe('segmentCustomers on the customer-behaviour table', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/cluster/design-ecommerce.json', import.meta.url), 'utf8')) as {
    columns: Record<string, { kind: 'number' | 'category'; values: (number | string | null)[] }>;
  };
  const t: Table = table(
    Object.entries(fixture.columns).map(([name, c]) =>
      c.kind === 'number' ? numberColumn(name, c.values as number[]) : categoryColumn(name, c.values as (string | null)[]),
    ),
  );

  it('fixed k with user names; profiles in original units', () => {
    const names = ['A', 'B', 'C'];
    const r = segmentCustomers(t, { k: 3, seed: 1, names, design: { include: ['Age', 'Total_Spend', 'Items_Purchased', 'Average_Rating', 'Days_Since_Last_Purchase'] } });
    expect(r.kSelection).toBe('fixed');
    expect(r.profiles.map((p) => p.name)).toEqual(names);
    expect(r.profiles.reduce((s, p) => s + p.size, 0)).toBe(350);
    const spend = r.profiles.map((p) => p.features.find((f) => f.feature === 'Total_Spend')!);
    const overall = (fixture.columns.Total_Spend.values as number[]).reduce((a, b) => a + b) / 350;
    expect(spend[0].overallMean).toBeCloseTo(overall, 9);
    const weighted = r.profiles.reduce((s, p, c) => s + p.size * spend[c].mean, 0) / 350;
    expect(weighted).toBeCloseTo(overall, 9);
    expect(r.silhouette).toBeGreaterThan(0.3);
    expect(() => segmentCustomers(t, { k: 3, names: ['A', 'A', 'B'] })).toThrow(InputError);
  });

  it('generated names are unique and read as deviations', () => {
    const r = segmentCustomers(t, { k: 4, seed: 2 });
    const names = r.profiles.map((p) => p.name);
    expect(new Set(names).size).toBe(4);
    for (const n of names) expect(n).toMatch(/^[A-Z]/);
    expect(names.join(' | ')).toMatch(/spend|frequent|recent|lapsed|satisfied/i);
  });
});
