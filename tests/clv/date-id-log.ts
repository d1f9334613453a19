/**
 * tests/fixtures/shapes/date-id.csv (a `date,id` purchase log, no amounts) as a TransactionLog,
 * read directly so the CLV tests need no ingestion pipeline: one row per purchase, customers
 * numbered by numeric id (the pipeline's own order may differ: compare summaries as sorted rows),
 * days since the epoch (time of day kept as a fraction, which the summary ignores).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TransactionLog } from '../../src/clv/summary.js';

export const DATE_ID_CSV = fileURLToPath(new URL('../fixtures/shapes/date-id.csv', import.meta.url));

export function dateIdLog(): TransactionLog {
  const rows = readFileSync(DATE_ID_CSV, 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(','));
  const sorted = [...new Set(rows.map((r) => Number(r[1])))].sort((a, b) => a - b);
  const code = new Map(sorted.map((id, i) => [id, i]));
  const customer = Int32Array.from(rows, (r) => code.get(Number(r[1]))!);
  const days = Float64Array.from(rows, (r) => Date.parse(r[0].replace(' ', 'T') + 'Z') / 86_400_000);
  return { customer, days, customers: sorted.length };
}

/** The (x, tx, T) rows of a summary sorted by x, then tx, then T: a customer-order-free form. */
export function sortedRows(x: ArrayLike<number>, tx: ArrayLike<number>, T: ArrayLike<number>): { x: number[]; tx: number[]; T: number[] } {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((i, j) => x[i] - x[j] || tx[i] - tx[j] || T[i] - T[j]);
  return { x: idx.map((i) => x[i]), tx: idx.map((i) => tx[i]), T: idx.map((i) => T[i]) };
}
