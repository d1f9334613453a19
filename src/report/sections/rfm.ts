import type { RfmResult } from '../../features/rfm.js';
import { barChart, heatmap } from '../charts/specs.js';
import { treemapSpec } from '../charts/treemap.js';
import { fmtInt, fmtPct } from '../format.js';
import { LOW_VALUE_SHARE } from '../../insights/summary.js';
import type { ReportSection } from '../section.js';

export function rfmSection(rfm: RfmResult, opts: { frequencyLabel?: string; currency?: string | null; hasAmounts?: boolean } = {}): ReportSection {
  const unit = opts.currency ? ` (${opts.currency})` : '';
  const segs = rfm.segments;
  const top = segs[0];
  const risk = segs.filter((s) => s.segment === 'At Risk' || s.segment === "Can't Lose Them");
  const riskCustomers = risk.reduce((a, s) => a + s.customers, 0);
  const riskRevenue = risk.reduce((a, s) => a + s.revenueShare, 0);
  const findings = [
    `${top.segment} are ${fmtPct(top.customerShare)} of customers and bring ${fmtPct(top.revenueShare)} of revenue.`,
  ];
  if (riskCustomers > 0) {
    const riskShare = risk.reduce((a, s) => a + s.customerShare, 0);
    findings.push(
      opts.hasAmounts !== false && riskRevenue < LOW_VALUE_SHARE * riskShare
        ? `${fmtInt(riskCustomers)} customers are At Risk or Can't Lose Them; they brought ${fmtPct(riskRevenue)} of revenue, less than half their ${fmtPct(riskShare)} of customers, so a win-back is worth only a low-cost try.`
        : `${fmtInt(riskCustomers)} customers are At Risk or Can't Lose Them; they brought ${fmtPct(riskRevenue)} of revenue and are the first win-back target.`,
    );
  }
  const freqLabel = opts.frequencyLabel ?? 'orders';
  return {
    id: 'rfm',
    title: 'RFM segments',
    findings,
    blocks: [
      {
        kind: 'table',
        title: 'Segments and recommended actions',
        columns: ['segment', 'customers', 'share of customers', 'share of revenue', 'avg recency (days)', `avg ${freqLabel}`, `avg net revenue${unit}`, 'recommended action'],
        rows: segs.map((s) => [s.segment, s.customers, s.customerShare, s.revenueShare, s.avgRecencyDays, s.avgFrequency, s.avgMonetary, s.action]),
        formats: [undefined, 'int', 'pct', 'pct', 'num2', 'num2', 'money'],
        caption: 'Scores: 1 + floor(5 × share of customers with a strictly worse value), so equal values share a score. Segments follow the R×F map in docs/rfm.md.',
      },
      {
        kind: 'chart',
        title: 'Share of customers and of revenue by segment',
        spec: {
          data: { values: segs.flatMap((s) => [
            { segment: s.segment, measure: 'customers', share: s.customerShare },
            { segment: s.segment, measure: 'revenue', share: s.revenueShare },
          ]) },
          height: Math.max(160, segs.length * 34),
          mark: { type: 'bar', tooltip: true },
          encoding: {
            y: { field: 'segment', type: 'nominal', sort: segs.map((s) => s.segment), title: null },
            yOffset: { field: 'measure' },
            x: { field: 'share', type: 'quantitative', axis: { format: '%' }, title: 'share' },
            color: { field: 'measure', type: 'nominal', scale: { range: ['#9db9ef', '#2f6fde'] } },
          },
        },
      },
      {
        kind: 'chart',
        title: 'Segments by size and revenue share',
        spec: treemapSpec(segs.map((s) => ({ name: s.segment, size: s.customers, color: opts.hasAmounts === false ? s.customerShare : s.revenueShare })), {
          sizeTitle: 'customers',
          colorTitle: opts.hasAmounts === false ? 'share of customers' : 'share of revenue',
          colorFormat: '.0%',
        }),
        caption: opts.hasAmounts === false ? 'Tile area: customers.' : 'Tile area: customers; colour: share of revenue.',
      },
      {
        kind: 'chart',
        title: 'Customers by recency and frequency score',
        // R 5 (most recent) at the top, F 5 (most frequent) at the right, so the caption's corners are true.
        spec: heatmap(rfm.grid, 'f', 'r', 'customers', { xTitle: 'F score', yTitle: 'R score', colorTitle: 'customers', ySort: 'descending', step: 44 }),
        caption: 'Top right (R 5, F 5): recent and frequent, the Champions; bottom right (R 1, F 5): frequent but gone quiet.',
      },
      ...(opts.hasAmounts === false
        ? []
        : [{
            kind: 'chart' as const,
            title: 'Average net revenue per customer by recency and frequency score',
            spec: heatmap(rfm.grid.filter((g) => g.customers > 0), 'f', 'r', 'avgMonetary', { xTitle: 'F score', yTitle: 'R score', colorTitle: `avg net revenue${unit}`, ySort: 'descending', step: 44, scheme: 'greens' }),
            caption: 'Empty cells have no customers.',
          }]),
      {
        kind: 'chart',
        title: 'Average net revenue per customer by segment',
        spec: barChart(segs.map((s) => ({ segment: s.segment, avg: s.avgMonetary })), 'segment', 'avg', { xTitle: 'segment', yTitle: `average net revenue${unit}` }),
      },
    ],
  };
}
