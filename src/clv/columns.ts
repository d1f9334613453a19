import { CLV_MODEL_NAMES, type ClvModelKind, type ClvView } from './run.js';
import type { CustomerScores } from './scores.js';

export interface ClvRowColumn {
  name: string;
  /** One value per CLV summary row; null for blank. */
  values: (number | string | null)[];
}

/** The per-customer CLV columns by summary row (the rows `clv --out` writes). */
export function clvRowColumns(result: ClvView, scores: CustomerScores): ClvRowColumn[] {
  const n = result.summary.n;
  const col = (values: ArrayLike<number | string | null>) => {
    const out: (number | string | null)[] = new Array(n).fill(null);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = typeof v === 'number' ? (Number.isFinite(v) ? v : null) : v;
    }
    return out;
  };
  // Score columns are always there, blank when withheld (the reason is in summary.json), so
  // downstream targeting sees a stable schema.
  const d = scores.days;
  const scoreColumns = [
    { name: `p_no_purchase_${d}d`, values: col(scores.pNoPurchase) },
    { name: `churn_risk_${d}d`, values: col(scores.churnRisk) },
    { name: 'next_order_date', values: col(scores.nextOrderDate) },
    { name: 'next_order_note', values: col(scores.nextOrderReason) },
    { name: `p_alive_in_${d}d`, values: col(scores.pAliveLater ?? []) },
    { name: 'dert', values: col(scores.dert ?? []) },
  ];
  const best = result.best;
  const pred = best && result.predictions[best];
  if (!best || !pred) return scoreColumns;
  const tagOf = (kind: ClvModelKind) => CLV_MODEL_NAMES[kind].replace(/\W/g, '').toLowerCase();
  const tag = tagOf(best);
  const aliveKind = result.pAlive.model;
  const alive = aliveKind && result.predictions[aliveKind];
  return [
    ...(aliveKind && alive ? [{ name: `p_alive_${tagOf(aliveKind)}`, values: col(alive.pAlive) }] : []),
    { name: `expected_purchases_${result.horizon.months}m_${tag}`, values: col(pred.expectedPurchases) },
    { name: `expected_purchases_${result.horizon.months}m_low90`, values: col(scores.purchasesInterval?.low ?? []) },
    { name: `expected_purchases_${result.horizon.months}m_high90`, values: col(scores.purchasesInterval?.high ?? []) },
    ...(result.clvWithheld
      ? []
      : [
          { name: 'expected_spend_per_order', values: col(result.expectedSpend) },
          { name: `clv_${result.horizon.months}m_${tag}`, values: col(pred.clv) },
          { name: `clv_${result.horizon.months}m_low90`, values: col(scores.clvInterval?.low ?? []) },
          { name: `clv_${result.horizon.months}m_high90`, values: col(scores.clvInterval?.high ?? []) },
        ]),
    ...scoreColumns,
  ];
}
