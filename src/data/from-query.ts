import type { QueryResult } from '../engine/engine.js';
import { categoryColumn, dateColumn, numberColumn, table, type Column, type Table } from './table.js';

/**
 * A query result as a columnar Table: all-number columns become number columns, everything else
 * (text, booleans) a category column. `skip` drops columns such as ids that no model should see;
 * `dates` names columns holding epoch milliseconds.
 */
export function tableFromQuery(q: QueryResult, skip: string[] = [], dates: string[] = []): Table {
  const cols: Column[] = [];
  for (let j = 0; j < q.names.length; j++) {
    const name = q.names[j];
    if (skip.includes(name)) continue;
    const values = q.columns[j];
    const asDate = dates.includes(name);
    const memo = converted.get(values);
    if (memo && memo.asDate === asDate && memo.column.name === name) {
      cols.push(memo.column);
      continue;
    }
    const column = convert(name, values, asDate);
    converted.set(values, { asDate, column });
    cols.push(column);
  }
  return table(cols);
}

/**
 * Columns already converted, by the result array they came from: the customers table is read as a Table by
 * the segmentation, the model fingerprint and the scorers, and a million ids sorted into levels cost a second
 * each time. Table columns are never written to, so sharing one is safe.
 */
const converted = new WeakMap<QueryResult['columns'][number], { asDate: boolean; column: Column }>();

function convert(name: string, values: QueryResult['columns'][number], asDate: boolean): Column {
  const n = values.length;
  const out = new Float64Array(n);
  if (asDate) {
    for (let i = 0; i < n; i++) out[i] = values[i] === null ? NaN : Number(values[i]);
    return dateColumn(name, out);
  }
  // One plain loop both checks for numbers and copies them (Float64Array.from with a callback is several times slower).
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) out[i] = NaN;
    else if (typeof v === 'number') out[i] = v;
    else return categoryColumn(name, values.map((x) => (x === null ? null : String(x))));
  }
  return numberColumn(name, out);
}
