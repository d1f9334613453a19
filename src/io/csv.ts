/**
 * CSV output that is safe to open in a spreadsheet: a text cell starting with =, +, -, @, tab or CR
 * is prefixed with a quote so it is shown, not executed as a formula. Numbers stay numbers.
 */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = v;
  if (/^[=+\-@\t\r]/.test(s) && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Columns (equal length) to CSV text with a header row. */
export function toCsv(names: string[], columns: ArrayLike<string | number | boolean | null>[]): string {
  const n = columns.length ? columns[0].length : 0;
  const out: string[] = [names.map(csvCell).join(',')];
  for (let i = 0; i < n; i++) {
    const row = new Array<string>(columns.length);
    for (let j = 0; j < columns.length; j++) row[j] = csvCell(columns[j][i]);
    out.push(row.join(','));
  }
  return out.join('\n') + '\n';
}
