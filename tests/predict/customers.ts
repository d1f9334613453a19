import { readFileSync } from 'node:fs';
import { categoryColumn, numberColumn, table, type Table } from '../../src/data/table.js';

/**
 * The bundled customer-behaviour CSV as a Table (plain comma-separated, no quoting), so these tests do
 * not depend on the ingestion layer: numeric-looking columns become numbers, the rest categories.
 */
export function loadCustomerBehaviour(): Table {
  const text = readFileSync(new URL('../../data/ecommerce-customer-behavior.csv', import.meta.url), 'utf8').trim();
  const [head, ...lines] = text.split(/\r?\n/);
  const names = head.split(',');
  const cells = lines.map((l) => l.split(','));
  return table(
    names.map((name, j) => {
      const raw = cells.map((r) => r[j] ?? '');
      const numeric = raw.every((v) => v === '' || Number.isFinite(Number(v)));
      return numeric ? numberColumn(name, raw.map((v) => (v === '' ? NaN : Number(v)))) : categoryColumn(name, raw);
    }),
  );
}
