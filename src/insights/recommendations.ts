import type { Analysis } from '../pipeline/analyze.js';
import type { Extension } from '../pipeline/artifacts.js';
import { DEFAULT_SEGMENT_MAP, type SegmentMap } from '../features/rfm-map.js';
import { fmtInt, fmtMoney, fmtPct } from '../report/format.js';
import { median } from '../stats/sample.js';

/**
 * Recommendations from the numbers: one action per segment, the customers it reaches, the query that selects
 * them in customers.csv, ranked by the value at stake. The wording is built from each segment's figures; only the
 * action itself comes from the segment map (the default one or the user's).
 */
export interface Recommendation {
  readonly priority: number;
  readonly source: 'RFM' | 'k-means';
  readonly segment: string;
  readonly customers: number;
  /** Share of identified customers' revenue, when the data have amounts. */
  readonly revenueShare: number | null;
  /** Predicted CLV of the segment's customers over the CLV horizon, when CLV ran. */
  readonly clv: number | null;
  readonly action: string;
  /** SQL over customers.csv (table `customers`) selecting exactly these customers. */
  readonly query: string;
  readonly sentence: string;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The score rules of a segment as SQL on customers.csv's r_score / f_score / m_score. */
export function segmentQuery(map: SegmentMap, name: string): string {
  const range = (col: string, [lo, hi]: readonly [number, number]) => (lo === 1 && hi === 5 ? null : lo === hi ? `${col} = ${lo}` : `${col} BETWEEN ${lo} AND ${hi}`);
  const rules = map.segments
    .filter((s) => s.name === name)
    .map((s) => [range('r_score', s.r), range('f_score', s.f), range('m_score', s.m)].filter(Boolean).join(' AND ') || 'TRUE');
  const where = rules.length === 1 ? rules[0] : rules.map((r) => `(${r})`).join(' OR ');
  return `SELECT customer_id FROM customers WHERE ${where}`;
}

function customerColumn(a: Analysis, name: string) {
  const j = a.customers.names.indexOf(name);
  return j < 0 ? null : a.customers.columns[j];
}

function finiteMedian(values: number[]): number {
  const v = values.filter(Number.isFinite);
  return v.length ? median(v) : NaN;
}

function push(groups: Map<string, number[]>, key: string, row: number): void {
  const rows = groups.get(key);
  if (rows) rows.push(row);
  else groups.set(key, [row]);
}

function column(extensions: Extension[], match: (name: string) => boolean) {
  for (const e of extensions) for (const c of e.customerColumns ?? []) if (match(c.name)) return c;
  return undefined;
}

export function recommendations(a: Analysis, extensions: Extension[] = [], map: SegmentMap = DEFAULT_SEGMENT_MAP): Recommendation[] {
  const money = (n: number) => fmtMoney(n, a.currency);
  const clvCol = column(extensions, (n) => /^clv_\d+m/.test(n));
  const horizon = clvCol ? /^clv_(\d+)m/.exec(clvCol.name)?.[1] : undefined;
  const clvOf = (rows: number[]) => {
    if (!clvCol) return null;
    let s = 0;
    let any = false;
    for (const i of rows) {
      const v = clvCol.values[i];
      if (typeof v === 'number' && Number.isFinite(v)) {
        s += v;
        any = true;
      }
    }
    return any ? s : null;
  };
  const monetary = a.cleaning?.hasAmounts !== false ? customerColumn(a, 'monetary') : null;
  const total = monetary ? monetary.reduce((s: number, v) => s + (typeof v === 'number' && v > 0 ? v : 0), 0) : 0;
  const share = (rows: number[]) => (monetary && total > 0 ? rows.reduce((s, i) => s + Math.max(0, Number(monetary[i]) || 0), 0) / total : null);
  const actionOf = new Map(map.segments.map((s) => [s.name, s.action]));

  const groups: { source: Recommendation['source']; segment: string; rows: number[]; action: string; query: string }[] = [];
  if (a.rfm) {
    const bySegment = new Map<string, number[]>();
    a.rfm.segment.forEach((s, i) => push(bySegment, s, i));
    for (const [segment, rows] of bySegment) {
      const action = actionOf.get(segment);
      if (action) groups.push({ source: 'RFM', segment, rows, action, query: segmentQuery(map, segment) });
    }
  }
  const kSeg = column(extensions, (n) => n === 'segment');
  if (kSeg) {
    const recency = customerColumn(a, 'recency_days');
    const frequency = customerColumn(a, 'frequency');
    // Each segment's centre is judged against the medians of all customers, computed once.
    const overall = recency && frequency ? { recency: finiteMedian(recency.map(Number)), frequency: finiteMedian(frequency.map(Number)) } : null;
    const bySegment = new Map<string, number[]>();
    for (let i = 0; i < kSeg.values.length; i++) {
      const s = kSeg.values[i];
      if (s !== null) push(bySegment, String(s), i);
    }
    for (const [segment, rows] of bySegment) {
      groups.push({ source: 'k-means', segment, rows, action: kMeansAction(a, rows, overall), query: `SELECT customer_id FROM customers WHERE segment = ${quote(segment)}` });
    }
  }

  // Value at stake: predicted CLV where the models ran, else the segment's share of revenue, else its size.
  // RFM and k-means segments overlap (the same customers twice), so each is ranked on its own.
  const scored = groups.map((g) => ({ ...g, clv: clvOf(g.rows), revenueShare: share(g.rows) }));
  scored.sort((x, y) => (x.source === y.source ? 0 : x.source === 'RFM' ? -1 : 1) || (y.clv ?? -1) - (x.clv ?? -1) || (y.revenueShare ?? -1) - (x.revenueShare ?? -1) || y.rows.length - x.rows.length);
  const rank = new Map<string, number>();
  return scored.map((g) => {
    const i = rank.get(g.source) ?? 0;
    rank.set(g.source, i + 1);
    const figures = [
      g.revenueShare !== null ? `${fmtPct(g.revenueShare)} of revenue` : null,
      g.clv !== null ? `predicted ${horizon}-month CLV ${money(g.clv)}` : null,
    ].filter(Boolean);
    return {
      priority: i + 1,
      source: g.source,
      segment: g.segment,
      customers: g.rows.length,
      revenueShare: g.revenueShare,
      clv: g.clv,
      action: g.action,
      query: g.query,
      sentence: `${g.segment}${g.source === 'k-means' ? ' (k-means segment)' : ''}, ${fmtInt(g.rows.length)} customer${g.rows.length === 1 ? '' : 's'}${figures.length ? ` (${figures.join(', ')})` : ''}: ${g.action}`,
    };
  });
}

/** An action for a k-means segment from where its centre sits: recency and frequency against the whole. */
function kMeansAction(a: Analysis, rows: number[], overall: { recency: number; frequency: number } | null): string {
  if (!overall) return 'Compare its profile with the others and test one tailored offer against a holdout group.';
  const seg = (name: string) => finiteMedian(rows.map((i) => Number(customerColumn(a, name)?.[i])));
  const recent = seg('recency_days') <= overall.recency;
  const frequent = seg('frequency') > overall.frequency;
  if (recent && frequent) return 'Keep them close: loyalty perks and early access rather than discounts.';
  if (!recent && frequent) return 'Win them back now: a personal message and the strongest offer, before they lapse for good.';
  if (recent && !frequent) return 'Build the habit: a time-limited second-order offer within 30 days.';
  return 'Reactivate cheaply (email, retargeting) and stop paid spend on those who do not respond.';
}
