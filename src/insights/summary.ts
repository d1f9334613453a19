import type { Analysis } from '../pipeline/analyze.js';
import { fmtInt, fmtMoney, fmtPct } from '../report/format.js';
import { numbers } from '../engine/engine.js';

/** At Risk and Can't Lose Them customers below this fraction of the average customer's revenue are not called valuable. */
export const LOW_VALUE_SHARE = 0.5;

export interface ExecutiveSummary {
  readonly keyNumbers: { label: string; value: string }[];
  readonly sentences: string[];
}

/** The plain-language summary at the top of the report, generated from the numbers only. */
export function executiveSummary(a: Analysis): ExecutiveSummary {
  const customers = a.customers.rows;
  const money = (n: number) => fmtMoney(n, a.currency);
  const keyNumbers: ExecutiveSummary['keyNumbers'] = [{ label: 'identified customers', value: fmtInt(customers) }];
  const sentences: string[] = [];
  const monetary = a.customers.names.includes('monetary') ? numbers(a.customers, 'monetary') : undefined;
  const total = monetary ? monetary.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0) : NaN;

  if (a.populations && a.cleaning) {
    // Each sentence and tile names one population: identified customers, or all lines.
    const { identified, allLines, anonymous } = a.populations;
    const range = a.revenue ? ` between ${a.revenue.dateRange.first} and ${a.revenue.dateRange.last}` : '';
    keyNumbers.push({ label: 'orders by identified customers', value: fmtInt(identified.orders) });
    if (identified.revenue !== null && allLines.revenue !== null) {
      keyNumbers.push({ label: 'net revenue of identified customers', value: money(identified.revenue) }, { label: 'net revenue, all lines', value: money(allLines.revenue) });
      sentences.push(`${fmtInt(customers)} identified customers placed ${fmtInt(identified.orders)} orders worth ${money(identified.revenue)} net${range}.`);
      if (anonymous.lines > 0) {
        sentences.push(`All lines together, including ${fmtInt(anonymous.lines)} lines without a customer id, bring ${money(allLines.revenue)} net revenue.`);
      }
    } else {
      sentences.push(`${fmtInt(customers)} identified customers placed ${fmtInt(identified.orders)} orders${range}; the log has no amounts, so revenue figures are skipped.`);
    }
    const dup = a.cleaning.steps.find((s) => s.step === 'duplicates');
    if (dup && dup.rows > 0) sentences.push(`Cleaning removed ${fmtInt(dup.rows)} duplicate rows.`);
  } else if (monetary) {
    keyNumbers.push({ label: 'total spend', value: money(total) }, { label: 'mean spend', value: money(total / customers) });
    sentences.push(`${fmtInt(customers)} customers spent ${money(total)} in total (${money(total / customers)} each on average).`);
  }
  if (a.concentration) {
    keyNumbers.push({ label: 'identified revenue from the top 10% of customers', value: fmtPct(a.concentration.top10) });
    sentences.push(`Revenue is concentrated: the top 10% of identified customers bring ${fmtPct(a.concentration.top10)} of their revenue, the top 1% ${fmtPct(a.concentration.top1)} (Gini ${a.concentration.gini.toFixed(2)}).`);
  }
  if (a.rfm) {
    const segs = a.rfm.segments;
    // Without amounts there is no revenue share to quote.
    const withAmounts = a.cleaning?.hasAmounts !== false;
    const share = (x: number) => (withAmounts ? ` bringing ${fmtPct(x)} of revenue` : '');
    const champions = segs.find((s) => s.segment === 'Champions');
    if (champions && champions.customers > 0) {
      sentences.push(`Champions are ${customersWord(champions.customers)} (${fmtPct(champions.customerShare)})${share(champions.revenueShare)}: keep them close.`);
    }
    const risk = segs.filter((s) => s.segment === 'At Risk' || s.segment === "Can't Lose Them");
    const riskN = risk.reduce((s, x) => s + x.customers, 0);
    if (riskN > 0) {
      const revenueShare = risk.reduce((s, x) => s + x.revenueShare, 0);
      const customerShare = risk.reduce((s, x) => s + x.customerShare, 0);
      // They bought often; whether they were worth much is the revenue's to say. Below half their share of customers,
      // they spent less than half what the average customer did, and a win-back this week is not where the budget goes.
      if (withAmounts && revenueShare < LOW_VALUE_SHARE * customerShare) {
        sentences.push(`${riskN === 1 ? '1 frequent buyer is' : `${fmtInt(riskN)} frequent buyers are`} slipping away (At Risk, Can't Lose Them; ${fmtPct(revenueShare)} of revenue from ${fmtPct(customerShare)} of customers): a low-cost win-back at most.`);
      } else if (!withAmounts) {
        sentences.push(`${riskN === 1 ? '1 frequent buyer is' : `${fmtInt(riskN)} frequent buyers are`} slipping away (At Risk, Can't Lose Them; the log has no amounts to say what they were worth): try a win-back this week.`);
      } else {
        sentences.push(`${riskN === 1 ? '1 once-valuable customer is' : `${fmtInt(riskN)} once-valuable customers are`} slipping away (At Risk, Can't Lose Them; ${fmtPct(revenueShare)} of revenue): target them with win-back offers this week.`);
      }
      keyNumbers.push({ label: 'customers slipping away', value: fmtInt(riskN) });
    }
  }
  if (a.cohorts) {
    const m1 = a.cohorts.averageCurve.find((p) => p.month === 1);
    if (m1) {
      // The "biggest lever" reading holds only when most new customers do not come back.
      sentences.push(
        m1.retention < 0.5
          ? `Only ${fmtPct(m1.retention)} of new customers buy again the next month: the second order is the biggest lever.`
          : `${fmtPct(m1.retention)} of new customers buy again the next month.`,
      );
      keyNumbers.push({ label: 'month-1 retention', value: fmtPct(m1.retention) });
    }
  }
  for (const c of a.cautions) sentences.push(`Caution: ${c}.`);
  for (const s of a.skipped) sentences.push(`${s.analysis} skipped: ${s.reason}.`);
  if (a.customerTable) {
    sentences.push(`This is a customer table (one row per customer): cohort, timing and lifetime-value analyses need an order log.`);
  }
  return { keyNumbers, sentences };
}

function customersWord(n: number): string {
  return n === 1 ? '1 customer' : `${fmtInt(n)} customers`;
}
