import type { RfmResult } from '../../features/rfm.js';
import { barChart, heatmap } from '../charts/specs.js';
import { treemapSpec } from '../charts/treemap.js';
import { fmtInt, fmtPct } from '../format.js';
import { LOW_VALUE_SHARE } from '../../insights/summary.js';
import type { ReportSection } from '../section.js';

export function rfmSection(rfm: RfmResult, opts: { frequencyLabel?: string; currency?: string | null; hasAmounts?: boolean } = {}): ReportSection {
  const unit = opts.currency ? ` (${opts.currency})` : '';
  // Without amounts every revenue share is 0: nothing is said or drawn about revenue, and segments lead by size.
  const withAmounts = opts.hasAmounts !== false;
  const segs = rfm.segments;
  const top = withAmounts ? segs[0] : segs.reduce((a, b) => (b.customers > a.customers ? b : a));
  const risk = segs.filter((s) => s.segment === 'At Risk' || s.segment === "Can't Lose Them");
  const riskCustomers = risk.reduce((a, s) => a + s.customers, 0);
  const riskRevenue = risk.reduce((a, s) => a + s.revenueShare, 0);
  const findings = [
    withAmounts
      ? `${top.segment} are ${fmtPct(top.customerShare)} of customers and bring ${fmtPct(top.revenueShare)} of revenue.`
      : `${top.segment} are the largest segment: ${fmtPct(top.customerShare)} of customers.`,
  ];
  if (riskCustomers > 0) {
    const riskShare = risk.reduce((a, s) => a + s.customerShare, 0);
    const who = `${fmtInt(riskCustomers)} customer${riskCustomers === 1 ? ' is' : 's are'} At Risk or Can't Lose Them`;
    findings.push(
      !withAmounts
        ? `${who}: ${riskCustomers === 1 ? 'a frequent buyer' : 'frequent buyers'} gone quiet, the first win-back target (the log has no amounts to say what they were worth).`
        : riskRevenue < LOW_VALUE_SHARE * riskShare
          ? `${who}; they brought ${fmtPct(riskRevenue)} of revenue, less than half their ${fmtPct(riskShare)} of customers, so a win-back is worth only a low-cost try.`
          : `${who}; they brought ${fmtPct(riskRevenue)} of revenue and are the first win-back target.`,
    );
  }
  const money = <T>(...xs: T[]): T[] => (withAmounts ? xs : []);
  const freqLabel = opts.frequencyLabel ?? 'orders';
  return {
    id: 'rfm',
    title: 'RFM segments',
    findings,
    blocks: [
      {
        kind: 'table',
        title: 'Segments and recommended actions',
        columns: ['segment', 'customers', 'share of customers', ...money('share of revenue'), 'avg recency (days)', `avg ${freqLabel}`, ...money(`avg net revenue${unit}`), 'recommended action'],
        rows: segs.map((s) => [s.segment, s.customers, s.customerShare, ...money(s.revenueShare), s.avgRecencyDays, s.avgFrequency, ...money(s.avgMonetary), s.action]),
        formats: [undefined, 'int', 'pct', ...money<string | undefined>('pct'), 'num2', 'num2', ...money<string | undefined>('money')],
        caption: 'Scores: 1 + floor(5 × share of customers with a strictly worse value), so equal values share a score. Segments follow the R×F map in docs/rfm.md.',
      },
      {
        kind: 'chart',
        title: withAmounts ? 'Share of customers and of revenue by segment' : 'Share of customers by segment',
        spec: {
          data: { values: segs.flatMap((s) => [
            { segment: s.segment, measure: 'customers', share: s.customerShare },
            ...money({ segment: s.segment, measure: 'revenue', share: s.revenueShare }),
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
        title: withAmounts ? 'Segments by size and revenue share' : 'Segments by size',
        spec: treemapSpec(segs.map((s) => ({ name: s.segment, size: s.customers, color: withAmounts ? s.revenueShare : s.customerShare })), {
          sizeTitle: 'customers',
          colorTitle: withAmounts ? 'share of revenue' : 'share of customers',
          colorFormat: '.0%',
        }),
        caption: withAmounts ? 'Tile area: customers; colour: share of revenue.' : 'Tile area: customers.',
      },
      {
        kind: 'chart',
        title: 'Customers by recency and frequency score',
        // R 5 (most recent) at the top, F 5 (most frequent) at the right, so the caption's corners are true.
        spec: heatmap(rfm.grid, 'f', 'r', 'customers', { xTitle: 'F score', yTitle: 'R score', colorTitle: 'customers', ySort: 'descending', step: 44 }),
        caption: 'Top right (R 5, F 5): recent and frequent, the Champions; bottom right (R 1, F 5): frequent but gone quiet.',
      },
      ...money({
        kind: 'chart' as const,
        title: 'Average net revenue per customer by recency and frequency score',
        spec: heatmap(rfm.grid.filter((g) => g.customers > 0), 'f', 'r', 'avgMonetary', { xTitle: 'F score', yTitle: 'R score', colorTitle: `avg net revenue${unit}`, ySort: 'descending', step: 44, scheme: 'greens' }),
        caption: 'Empty cells have no customers.',
      }),
      ...money({
        kind: 'chart' as const,
        title: 'Average net revenue per customer by segment',
        spec: barChart(segs.map((s) => ({ segment: s.segment, avg: s.avgMonetary })), 'segment', 'avg', { xTitle: 'segment', yTitle: `average net revenue${unit}` }),
      }),
    ],
  };
}
