import type { Analysis } from '../pipeline/analyze.js';
import { fmtInt, fmtMoney, fmtPct } from '../report/format.js';
import { numbers } from '../engine/engine.js';

export interface ExecutiveSummary {
  readonly keyNumbers: { label: string; value: string }[];
  readonly sentences: string[];
}

/** The plain-language summary at the top of the report, generated from the numbers only. */
export function executiveSummary(a: Analysis): ExecutiveSummary {
  const customers = a.customers.rows;
  const keyNumbers: ExecutiveSummary['keyNumbers'] = [{ label: 'customers analysed', value: fmtInt(customers) }];
  const sentences: string[] = [];
  const monetary = a.customers.names.includes('monetary') ? numbers(a.customers, 'monetary') : undefined;
  const total = monetary ? monetary.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0) : NaN;

  if (a.revenue && a.cleaning) {
    const r = a.revenue;
    keyNumbers.push({ label: 'net revenue (all lines)', value: fmtMoney(r.totalRevenue) }, { label: 'orders', value: fmtInt(r.orders) });
    sentences.push(
      `${fmtInt(customers)} customers placed ${fmtInt(r.orders)} orders worth ${fmtMoney(r.totalRevenue)} net between ${r.dateRange.first} and ${r.dateRange.last}.`,
    );
    const dup = a.cleaning.steps.find((s) => s.step === 'duplicates');
    const noCust = a.cleaning.steps.find((s) => s.step === 'missing customer id');
    sentences.push(
      `Cleaning removed ${fmtInt(dup?.rows ?? 0)} duplicate rows; ${fmtInt(noCust?.rows ?? 0)} lines have no customer id and count only in revenue totals.`,
    );
  } else if (monetary) {
    keyNumbers.push({ label: 'total spend', value: fmtMoney(total) }, { label: 'mean spend', value: fmtMoney(total / customers) });
    sentences.push(`${fmtInt(customers)} customers spent ${fmtMoney(total)} in total (${fmtMoney(total / customers)} each on average).`);
  }
  if (a.concentration) {
    keyNumbers.push({ label: 'revenue from top 10% customers', value: fmtPct(a.concentration.top10) });
    sentences.push(`Revenue is concentrated: the top 10% of customers bring ${fmtPct(a.concentration.top10)} of it, the top 1% ${fmtPct(a.concentration.top1)}.`);
  }
  if (a.rfm) {
    const segs = a.rfm.segments;
    const champions = segs.find((s) => s.segment === 'Champions');
    if (champions) {
      sentences.push(`Champions are ${fmtInt(champions.customers)} customers (${fmtPct(champions.customerShare)}) bringing ${fmtPct(champions.revenueShare)} of revenue: keep them close.`);
    }
    const risk = segs.filter((s) => s.segment === 'At Risk' || s.segment === "Can't Lose Them");
    const riskN = risk.reduce((s, x) => s + x.customers, 0);
    if (riskN > 0) {
      sentences.push(`${fmtInt(riskN)} once-valuable customers are slipping away (At Risk, Can't Lose Them; ${fmtPct(risk.reduce((s, x) => s + x.revenueShare, 0))} of revenue): target them with win-back offers this week.`);
      keyNumbers.push({ label: 'customers slipping away', value: fmtInt(riskN) });
    }
  }
  if (a.cohorts) {
    const m1 = a.cohorts.averageCurve.find((p) => p.month === 1);
    if (m1) {
      sentences.push(`Only ${fmtPct(m1.retention)} of new customers buy again the next month: the second order is the biggest lever.`);
      keyNumbers.push({ label: 'month-1 retention', value: fmtPct(m1.retention) });
    }
  }
  if (a.customerTable) {
    sentences.push(`This is a customer table (one row per customer): cohort, timing and lifetime-value analyses need an order log.`);
  }
  return { keyNumbers, sentences };
}
