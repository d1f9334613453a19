import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { segmentCustomers } from '../../src/cluster/segment.js';
import { segmentsSection } from '../../src/report/sections/segments.js';
import { syntheticAggregates } from '../../src/synth/index.js';

describe('segmentsSection', () => {
  const { table } = syntheticAggregates({ rows: 600, seed: 9 });
  const result = segmentCustomers(table, { seed: 9, recluster: true, nInit: 3 });
  const section = segmentsSection(JSON.parse(JSON.stringify(result)));

  it('has sizes, heatmap, scatter, elbow and silhouette charts that compile as Vega-Lite', () => {
    const charts = section.blocks.filter((b) => b.kind === 'chart');
    expect(charts.map((c) => c.title)).toEqual([
      'Segment sizes',
      'Segment centres (difference from the overall mean, in SDs)',
      'Segments on the first two principal components',
      'Elbow: within-segment sum of squares by k',
      'Mean silhouette by k',
    ]);
    for (const c of charts) expect(() => compile(c.spec as never)).not.toThrow();
  });

  it('states k, one sentence per segment and the loyal sub-segment', () => {
    expect(section.findings[0]).toBe(`Customers fall into ${result.k} segments. ${result.reason}`);
    expect(section.findings).toHaveLength(1 + result.k + 1);
    for (const p of result.profiles) expect(section.findings.some((f) => f.startsWith(`"${p.name}" is `))).toBe(true);
    expect(section.findings.at(-1)).toMatch(/^Reclustering ".+" isolates its most loyal customers, ".+": [\d,]+ customers/);
    const tables = section.blocks.filter((b) => b.kind === 'table');
    expect(tables).toHaveLength(3);
    expect(tables[0].kind === 'table' && tables[0].columns.slice(0, 3)).toEqual(['Segment', 'Customers', 'Share']);
    const separation = tables[2];
    expect(separation.kind === 'table' && separation.title).toBe('What separates the segments');
    const shares = separation.kind === 'table' ? separation.rows.map((r) => r[1] as number) : [];
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });
});
