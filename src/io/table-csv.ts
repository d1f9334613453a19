import { cellValue, type Table } from '../data/table.js';
import { toCsv } from './csv.js';

/** A columnar Table as CSV text (dates as YYYY-MM-DD). */
export function tableToCsv(t: Table): string {
  const cols = t.columns.map((c) =>
    Array.from({ length: t.rows }, (_, i) => {
      const v = cellValue(c, i);
      return c.kind === 'date' && typeof v === 'number' ? new Date(v).toISOString().slice(0, 10) : v;
    }),
  );
  return toCsv(
    t.columns.map((c) => c.name),
    cols,
  );
}
