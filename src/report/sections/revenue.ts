import type { Concentration, RevenuePatterns } from '../../features/revenue.js';
import { UNKNOWN_COUNTRY } from '../../sql/definitions.js';
import { barChart, heatmap, lineChart, stackedBar } from '../charts/specs.js';
import { fmtMoney, fmtPct } from '../format.js';
import type { ReportSection } from '../section.js';

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface RevenueSectionOptions {
  readonly currency?: string | null;
  /** Net revenue of identified customers (the population the concentration is over). */
  readonly identifiedRevenue?: number | null;
}

export function revenueSection(r: RevenuePatterns, c: Concentration | undefined, options: RevenueSectionOptions = {}): ReportSection {
  const money = (n: number) => fmtMoney(n, options.currency);
  const top = r.byCountry[0];
  const busiest = [...r.byWeekdayHour].sort((a, b) => b.orders - a.orders)[0];
  // Every order at midnight: the log has dates without times, and an hour of day would be an artefact of that.
  const timed = r.byWeekdayHour.some((x) => x.hour !== 0);
  const findings: string[] = [];
  if (c) {
    findings.push(`The top 10% of identified customers bring ${fmtPct(c.top10)} of their net revenue (top 1%: ${fmtPct(c.top1)}, top 20%: ${fmtPct(c.top20)}; Gini ${c.gini.toFixed(2)}).`);
  }
  // No line names a country (no such column, or it is empty): one "(unknown)" bar would be a geography of nothing.
  const located = r.byCountry.some((x) => x.country !== UNKNOWN_COUNTRY);
  if (top && located) findings.push(`${top.country} accounts for ${fmtPct(top.revenue / r.totalRevenue)} of all-lines revenue across ${r.byCountry.length} countries.`);
  if (!located) findings.push(`The log names no country, so revenue (${money(r.totalRevenue)}, all lines) is not broken down by geography.`);
  if (busiest) findings.push(timed ? `Orders peak on ${WEEKDAYS[busiest.weekday]} around ${busiest.hour}:00.` : `Orders peak on ${WEEKDAYS[busiest.weekday]} (the log has dates without times).`);
  const edges = partialMonths(r.dateRange.first, r.dateRange.last);
  const months = r.byMonth.map((m) => ({ ...m, month: edges.label(m.month) }));
  return {
    id: 'revenue',
    title: 'Revenue: concentration, geography, timing, new vs returning',
    findings,
    blocks: [
      ...(c
        ? [{
            kind: 'chart' as const,
            title: 'Revenue concentration (identified customers)',
            spec: lineChart(c.curve, 'customers', 'revenue', { xTitle: 'share of customers (best first)', yTitle: 'share of net revenue', format: '%', xFormat: '%', point: false }),
          }]
        : []),
      ...(located
        ? [{
            kind: 'chart' as const,
            title: 'Revenue by country (top 15)',
            spec: barChart(r.byCountry.slice(0, 15).map((x) => ({ country: x.country, revenue: x.revenue })), 'country', 'revenue', { yTitle: `revenue, all lines${options.currency ? ` (${options.currency})` : ''}` }),
          }]
        : []),
      timed
        ? {
            kind: 'chart' as const,
            title: 'Orders by weekday and hour',
            spec: heatmap(
              r.byWeekdayHour.map((x) => ({ weekday: WEEKDAYS[x.weekday], order: x.weekday, hour: x.hour, orders: x.orders })),
              'hour', 'weekday', 'orders', { xTitle: 'hour of day', yTitle: 'weekday', colorTitle: 'orders', ySort: WEEKDAYS.slice(1), xType: 'ordinal' },
            ),
          }
        : {
            kind: 'chart' as const,
            title: 'Orders by weekday',
            spec: barChart(
              // byWeekdayHour comes in weekday order.
              r.byWeekdayHour.map((x) => ({ weekday: WEEKDAYS[x.weekday], orders: x.orders })),
              'weekday', 'orders', { sort: 'none', horizontal: false },
            ),
            caption: 'The log has dates without times, so orders are shown by weekday only.',
          },
      {
        kind: 'chart',
        title: 'New and returning customers by month',
        spec: stackedBar(
          months.flatMap((m) => [
            { month: m.month, type: 'new', customers: m.newCustomers },
            { month: m.month, type: 'returning', customers: m.returningCustomers },
          ]),
          'month', 'customers', 'type', { yTitle: 'customers' },
        ),
        caption: edges.note,
      },
      ...(located
        ? [{
            kind: 'table' as const,
            title: 'Revenue by country (all lines)',
            columns: ['country', `revenue${options.currency ? ` (${options.currency})` : ''}`, 'share', 'customers', 'orders'],
            rows: r.byCountry.map((x) => [x.country, x.revenue, x.revenue / r.totalRevenue, x.customers, x.orders]),
            formats: [undefined, 'money', 'pct', 'int', 'int'] as const,
            caption: `All-lines revenue ${money(r.totalRevenue)}${options.identifiedRevenue != null ? `, of which ${money(options.identifiedRevenue)} from identified customers` : ''}.`,
          }]
        : []),
    ],
  };
}

/**
 * Months at the edges of the data that it covers only in part (a 9-day last month looks like a collapse):
 * labelled with a star and explained in the caption.
 */
export function partialMonths(first: string, last: string): { label: (month: string) => string; note?: string } {
  const daysIn = (ym: string) => new Date(Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7), 0)).getUTCDate();
  const parts: Record<string, string> = {};
  const firstMonth = first.slice(0, 7);
  const lastMonth = last.slice(0, 7);
  const firstDay = +first.slice(8, 10);
  const lastDay = +last.slice(8, 10);
  if (firstMonth === lastMonth) {
    if (firstDay > 1 || lastDay < daysIn(lastMonth)) parts[firstMonth] = `${lastDay - firstDay + 1} days`;
  } else {
    if (firstDay > 1) parts[firstMonth] = `from day ${firstDay}`;
    if (lastDay < daysIn(lastMonth)) parts[lastMonth] = `${lastDay} days`;
  }
  const keys = Object.keys(parts);
  if (keys.length === 0) return { label: (m) => m };
  return {
    label: (m) => (parts[m] ? `${m}*` : m),
    note: `* partial month: ${keys.map((k) => `${k} has ${parts[k]} of data`).join('; ')}.`,
  };
}
