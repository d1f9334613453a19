import type { SegmentationResult } from '../../cluster/segment.js';
import type { SegmentProfile } from '../../cluster/profile.js';
import { barChart, lineChart } from '../charts/specs.js';
import { fmtInt, fmtNum, fmtPct } from '../format.js';
import type { Block, Cell, ReportSection } from '../section.js';

/** Below this mean silhouette the segments are reported as weakly separated. */
export const WEAK_SILHOUETTE = 0.25;

/** The segmentation as a report section: findings, sizes, centre heatmap, PCA scatter, k diagnostics and profiles. */
export function segmentsSection(result: SegmentationResult): ReportSection {
  const names = result.profiles.map((p) => p.name);
  const blocks: Block[] = [];
  if (result.silhouette !== null && result.silhouette < WEAK_SILHOUETTE) {
    blocks.push({
      kind: 'callout',
      level: 'warning',
      text: `The mean silhouette is ${result.silhouette.toFixed(2)}: segments overlap, so treat them as a rough summary rather than distinct groups.`,
    });
  }
  for (const w of result.warnings) blocks.push({ kind: 'callout', level: 'warning', text: w });
  blocks.push(sizesChart(result.profiles));
  blocks.push(heatmap(result.profiles));
  blocks.push(scatter(result, names));
  if (result.choice) blocks.push(...kCharts(result));
  blocks.push(profileTable('Segment profiles', result.profiles, 'Means in original units; share of customers per segment.'));
  if (result.recluster) {
    const r = result.recluster;
    blocks.push(profileTable(`Inside "${r.parentName}"`, r.profiles, `Second-stage clustering of the ${r.parentName} segment. ${r.reason}`));
  }
  blocks.push(separationTable(result));
  blocks.push({ kind: 'text', text: `Features: ${result.designNotes.join('; ')}.` });
  return { id: 'segments', title: 'Customer segments', findings: findings(result), blocks };
}

function findings(result: SegmentationResult): string[] {
  const out = [`Customers fall into ${result.k} segments. ${result.reason}`];
  for (const p of [...result.profiles].sort((a, b) => b.size - a.size)) out.push(describeSegment(p, 'customers'));
  const r = result.recluster;
  if (r) {
    const loyal = r.profiles[r.loyal];
    const f = loyal.features.find((x) => x.feature === r.loyaltyBy);
    out.push(
      `Reclustering "${r.parentName}" isolates its most loyal customers, "${loyal.name}": ${fmtInt(loyal.size)} customers (${pct(loyal.share)} of the segment)` +
        (f ? `, with ${r.loyaltyBy} averaging ${num(f.mean)} against ${num(f.overallMean)} across the segment.` : '.'),
    );
  }
  return out;
}

function describeSegment(p: SegmentProfile, of: string): string {
  const numeric = p.features.filter((f) => !f.feature.includes('='));
  const top = [...numeric].sort((a, b) => Math.abs(b.shift ?? b.z) - Math.abs(a.shift ?? a.z))[0];
  const base = `"${p.name}" is ${pct(p.share)} of ${of} (${fmtInt(p.size)})`;
  return top ? `${base}; ${top.feature} averages ${num(top.mean)} against ${num(top.overallMean)} overall.` : `${base}.`;
}

/** Which columns the segments differ in, and which columns were left out and why. */
function separationTable(result: SegmentationResult): Block {
  const left = result.excluded.map((e) => `${e.column} (${e.reason})`);
  return {
    kind: 'table',
    title: 'What separates the segments',
    columns: ['Column', 'Share of the separation', 'Variance between segments'],
    rows: [...result.separation].sort((a, b) => b.share - a.share).map((x) => [x.column, x.share, x.eta2]),
    formats: [undefined, 'pct', 'pct'],
    caption:
      'Share: the column\'s between-segment sum of squares over that of all clustered columns. Variance between segments: the share of the column\'s own variance that lies between segments (eta squared).' +
      (left.length > 0 ? ` Left out: ${left.join('; ')}.` : ''),
  };
}

function sizesChart(profiles: readonly SegmentProfile[]): Block {
  return {
    kind: 'chart',
    title: 'Segment sizes',
    spec: barChart(profiles.map((p) => ({ segment: p.name, customers: p.size })), 'segment', 'customers', { xTitle: '', yTitle: 'Customers' }),
  };
}

/** Own spec rather than the shared heatmap: z-scores need a diverging scale centred on 0 and printed values. */
function heatmap(profiles: readonly SegmentProfile[]): Block {
  const values = profiles.flatMap((p) => p.features.map((f) => ({ segment: p.name, feature: f.feature, z: round(f.z, 2), mean: round(f.mean, 4) })));
  return {
    kind: 'chart',
    title: 'Segment centres (difference from the overall mean, in SDs)',
    wide: true,
    spec: {
      data: { values },
      // One fixed-size cell per value, so the printed z-scores stay readable however many features there are.
      width: { step: 44 },
      height: { step: 26 },
      encoding: {
        x: { field: 'feature', type: 'nominal', title: null, sort: null, axis: { labelAngle: -40, labelLimit: 160 } },
        y: { field: 'segment', type: 'nominal', title: null, axis: { labelLimit: 320 } },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: { field: 'z', type: 'quantitative', title: 'SDs from mean', scale: { scheme: 'blueorange', domainMid: 0 } },
            tooltip: [{ field: 'segment' }, { field: 'feature' }, { field: 'mean' }, { field: 'z' }],
          },
        },
        { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'z', type: 'quantitative', format: '.1f' } } },
      ],
    },
    caption: 'Orange: above the overall mean; blue: below.',
  };
}

function scatter(result: SegmentationResult, names: string[]): Block {
  const [e1, e2] = result.projection.explained;
  return {
    kind: 'chart',
    title: 'Segments on the first two principal components',
    spec: {
      data: { values: result.projection.points.map((p) => ({ pc1: round(p.x, 4), pc2: round(p.y, 4), segment: names[p.segment] })) },
      mark: { type: 'point', filled: true, opacity: 0.6, size: 18 },
      encoding: {
        x: { field: 'pc1', type: 'quantitative', title: `PC1 (${pct(e1)} of variance)` },
        y: { field: 'pc2', type: 'quantitative', title: `PC2 (${pct(e2)} of variance)` },
        color: { field: 'segment', type: 'nominal', title: 'Segment' },
      },
    },
    caption: result.projection.points.length < result.rows ? `A random sample of ${result.projection.points.length} of ${result.rows} customers.` : undefined,
  };
}

function kCharts(result: SegmentationResult): Block[] {
  const choice = result.choice!;
  const values = choice.candidates.map((c) => ({ k: c.k, inertia: round(c.inertia, 4), silhouette: round(c.silhouette, 4) }));
  return [
    {
      kind: 'chart',
      title: 'Elbow: within-segment sum of squares by k',
      spec: lineChart(values, 'k', 'inertia', { xTitle: 'k (segments)', yTitle: 'Inertia', xType: 'ordinal' }),
      caption: choice.elbowK === null ? 'No clear elbow.' : `The curve bends at k = ${choice.elbowK}; k = ${choice.k} was chosen.`,
    },
    {
      kind: 'chart',
      title: 'Mean silhouette by k',
      spec: lineChart(values, 'k', 'silhouette', { xTitle: 'k (segments)', yTitle: 'Mean silhouette', xType: 'ordinal' }),
      caption: `${choice.silhouetteSampled ? `Computed on a random sample of ${fmtInt(choice.silhouetteRows)} customers. ` : ''}Higher is better separated; k = ${choice.k} was chosen.`,
    },
  ];
}

function profileTable(title: string, profiles: readonly SegmentProfile[], caption: string): Block {
  const numeric = profiles[0]?.features.filter((f) => !f.feature.includes('=')).map((f) => f.feature) ?? [];
  const rows: Cell[][] = profiles.map((p) => [
    p.name,
    p.size,
    p.share,
    ...numeric.map((name) => round(p.features.find((f) => f.feature === name)!.mean, 4)),
  ]);
  return {
    kind: 'table',
    title,
    columns: ['Segment', 'Customers', 'Share', ...numeric],
    rows,
    formats: ['', 'int', 'pct', ...numeric.map(() => 'num2')].map((f) => f || undefined),
    caption,
  };
}

function pct(v: number): string {
  return fmtPct(v, v < 0.1 ? 1 : 0);
}

function num(v: number): string {
  return Math.abs(v) >= 100 ? fmtInt(v) : fmtNum(v, 2);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
