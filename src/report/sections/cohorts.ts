import type { CohortResult } from '../../features/cohorts.js';
import { heatmap, lineChart } from '../charts/specs.js';
import { fmtPct } from '../format.js';
import type { ReportSection } from '../section.js';

export function cohortSection(c: CohortResult): ReportSection {
  const cells = c.cohorts.flatMap((cohort, i) => c.retention[i].map((v, k) => ({ cohort, month: k, retention: v })));
  const revCells = c.cohorts.flatMap((cohort, i) => c.revenueRetention[i].map((v, k) => ({ cohort, month: k, revenue: v })));
  const m1 = c.averageCurve.find((p) => p.month === 1);
  const m3 = c.averageCurve.find((p) => p.month === 3);
  const last = c.averageCurve[c.averageCurve.length - 1];
  const findings: string[] = [];
  if (m1) findings.push(`On average ${fmtPct(m1.retention)} of a month's new customers buy again the following month.`);
  if (m3 && last && last.month > 3) findings.push(`${fmtPct(m3.retention)} are active in month 3 and ${fmtPct(last.retention)} in month ${last.month}.`);
  return {
    id: 'cohorts',
    title: 'Cohort retention',
    findings,
    blocks: [
      {
        kind: 'chart',
        title: 'Share of each acquisition cohort active, by months since first purchase',
        spec: heatmap(cells, 'month', 'cohort', 'retention', { xTitle: 'months since first purchase', yTitle: 'first-purchase month', colorTitle: 'active', format: '%' }),
      },
      {
        kind: 'chart',
        title: 'Average retention curve',
        spec: lineChart(c.averageCurve, 'month', 'retention', { xTitle: 'months since first purchase', yTitle: 'share active', format: '%' }),
        caption: 'Weighted by cohort size; months observed for fewer than three cohorts are left out.',
      },
      {
        kind: 'chart',
        title: 'Revenue by cohort relative to its first month',
        spec: heatmap(revCells, 'month', 'cohort', 'revenue', { xTitle: 'months since first purchase', yTitle: 'first-purchase month', colorTitle: 'revenue vs month 0', format: '%', scheme: 'greens' }),
      },
      {
        kind: 'table',
        title: 'Retention matrix (customers)',
        columns: ['cohort', 'size', ...c.averageCurve.map((p) => `M${p.month}`)],
        rows: c.cohorts.map((cohort, i) => [cohort, c.sizes[i], ...c.averageCurve.map((p) => c.retention[i][p.month] ?? null)]),
        formats: [undefined, 'int', ...c.averageCurve.map(() => 'pct')],
      },
    ],
  };
}
