/**
 * CSV output that is safe to open in a spreadsheet: a text cell starting with =, +, -, @, tab or CR
 * is prefixed with a quote so it is shown, not executed as a formula. Numbers stay numbers.
 */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = v;
  if (FORMULA_START.has(s.charCodeAt(0)) && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** First characters a spreadsheet reads as the start of a formula: = + - @ tab CR. */
const FORMULA_START = new Set([61, 43, 45, 64, 9, 13]);

/** Columns (equal length) to CSV text with a header row. */
export function toCsv(names: string[], columns: ArrayLike<string | number | boolean | null>[]): string {
  return csvChunks(names, columns).join('');
}

/** Rows per piece of csvChunks: a few megabytes of text each. */
export const CSV_CHUNK_ROWS = 10_000;

/**
 * The same text as toCsv, as pieces of whole rows (the header starts the first): a million customers'
 * table is longer than the longest string V8 can hold, so it is kept and written piece by piece.
 */
export function csvChunks(names: string[], columns: ArrayLike<string | number | boolean | null>[], rowsPerChunk = CSV_CHUNK_ROWS): string[] {
  const n = columns.length ? columns[0].length : 0;
  const chunks: string[] = [];
  let out: string[] = [names.map(csvCell).join(',')];
  const row = new Array<string>(columns.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < columns.length; j++) row[j] = csvCell(columns[j][i]);
    out.push(row.join(','));
    if (out.length >= rowsPerChunk) {
      chunks.push(out.join('\n') + '\n');
      out = [];
    }
  }
  if (out.length > 0 || chunks.length === 0) chunks.push(out.join('\n') + '\n');
  return chunks;
}
