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
    if (dates.includes(name)) {
      cols.push(dateColumn(name, Float64Array.from(values, (v) => (v === null ? NaN : Number(v)))));
    } else if (values.every((v) => v === null || typeof v === 'number')) {
      cols.push(numberColumn(name, Float64Array.from(values, (v) => (v === null ? NaN : (v as number)))));
    } else {
      cols.push(categoryColumn(name, values.map((v) => (v === null ? null : String(v)))));
    }
  }
  return table(cols);
}
