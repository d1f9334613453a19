import type { CustomerTableResult } from '../../features/customer-table.js';
import { barChart, histogram } from '../charts/specs.js';
import { fmtInt, fmtMoney } from '../format.js';
import type { Block, ReportSection } from '../section.js';

/** The report for a table with one row per customer: the features it has, and what needs an order log. */
export function customerTableSection(t: CustomerTableResult, currency: string | null = null): ReportSection {
  const blocks: Block[] = [
    {
      kind: 'callout',
      level: 'info',
      text: `This file has one row per customer, so these analyses need an order log (one row per order or line, with dates) and are not shown: ${t.unavailable.join('; ')}.`,
    },
    {
      kind: 'table',
      title: 'Columns',
      columns: ['column', 'role', 'type', 'missing', 'distinct', 'mean', 'median', 'min', 'max'],
      rows: t.profiles.map((p) => [p.column, p.role ?? '', p.kind, p.missing, p.distinct, p.mean ?? null, p.median ?? null, p.min ?? null, p.max ?? null]),
      formats: [undefined, undefined, undefined, 'int', 'int', 'num2', 'num2', 'num2', 'num2'],
    },
  ];
  const findings: string[] = [`${fmtInt(t.customers)} customers, ${t.profiles.length} attributes.`];
  for (const p of t.profiles) {
    if (p.kind === 'number' && p.histogram) {
      blocks.push({ kind: 'chart', title: `Distribution of ${p.column}`, spec: histogram(p.histogram, 'from', 'to', 'customers', { xTitle: p.column }) });
    } else if (p.levels && p.distinct <= 30) {
      const withSpend = p.levels.some((l) => l.meanSpend !== null);
      blocks.push({
        kind: 'chart',
        title: withSpend ? `Mean spend by ${p.column}` : `Customers by ${p.column}`,
        spec: barChart(p.levels.map((l) => ({ level: l.level, value: withSpend ? l.meanSpend : l.customers })), 'level', 'value', {
          xTitle: p.column,
          yTitle: withSpend ? 'mean spend' : 'customers',
        }),
      });
      if (withSpend && p.levels.length >= 2) {
        const sorted = [...p.levels].filter((l) => l.meanSpend !== null).sort((a, b) => (b.meanSpend as number) - (a.meanSpend as number));
        const hi = sorted[0];
        const lo = sorted[sorted.length - 1];
        findings.push(`By ${p.column}: ${hi.level} customers spend ${fmtMoney(hi.meanSpend as number, currency)} on average, ${lo.level} ${fmtMoney(lo.meanSpend as number, currency)}.`);
      }
    }
    if (p.missing > 0) findings.push(`${p.column} is missing for ${fmtInt(p.missing)} customers.`);
  }
  if (t.frequencyProxy) findings.push(`No purchase-count column: RFM frequency uses ${t.frequencyProxy} as a proxy.`);
  return { id: 'customers', title: 'Customer attributes', findings, blocks };
}
