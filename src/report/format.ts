/** Number formatting shared by the report and the plain-language sentences. */
export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

/** Codes shown by their symbol, before the number; any other currency is written after it as its code. */
const PREFIX: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', INR: '₹', $: '$', '€': '€', '£': '£', '¥': '¥' };

export function fmtMoney(n: number, currency?: string | null): string {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  const body = a >= 1e6 ? `${(a / 1e6).toFixed(2)}M` : a >= 1e4 ? `${(a / 1e3).toFixed(1)}k` : a.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: a < 100 ? 2 : 0 });
  const sign = n < 0 ? '−' : '';
  if (!currency) return `${n < 0 ? '-' : ''}${body}`;
  const symbol = PREFIX[currency];
  return symbol ? `${sign}${symbol}${body}` : `${sign}${body} ${currency}`;
}

export function fmtPct(share: number, digits = 0): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)}%` : '–';
}

export function fmtNum(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–';
}

export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return '–';
  if (p < 1e-300) return '< 1e-300';
  if (p < 0.001) return p.toExponential(1);
  return p.toFixed(3);
}

export function formatCell(v: string | number | null, format?: string, currency?: string | null): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  switch (format) {
    case 'int':
      return fmtInt(v);
    case 'money':
      return fmtMoney(v, currency);
    case 'pct':
      return fmtPct(v, 1);
    case 'num2':
      return fmtNum(v, 2);
    case 'num4':
      return fmtNum(v, 4);
    case 'p':
      return fmtP(v);
    default:
      return Number.isInteger(v) ? fmtInt(v) : fmtNum(v, 2);
  }
}
