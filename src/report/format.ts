/** Number formatting shared by the report and the plain-language sentences. */
export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

export function fmtMoney(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return n.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: a < 100 ? 2 : 0 });
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

export function formatCell(v: string | number | null, format?: string): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  switch (format) {
    case 'int':
      return fmtInt(v);
    case 'money':
      return fmtMoney(v);
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
