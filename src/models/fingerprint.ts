import { createHash } from 'node:crypto';
import type { Table } from '../data/table.js';
import type { QueryResult } from '../engine/engine.js';

/**
 * A digest of the data a model was trained on: column names, kinds and every value, so two saved models
 * can be told to come from the same rows. Order matters, as it does for the fit.
 */
export function tableFingerprint(t: Table): string {
  const h = createHash('sha256');
  h.update(`rows:${t.rows}\n`);
  for (const c of t.columns) {
    h.update(`${c.kind}:${c.name}\n`);
    if (c.kind === 'category') {
      h.update(c.levels.join('\u0000'));
      h.update(new Uint8Array(c.codes.buffer, c.codes.byteOffset, c.codes.byteLength));
    } else {
      h.update(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    }
  }
  return `sha256:${h.digest('hex')}`;
}

/**
 * The same kind of digest over a query result as it came from the engine (names, then each column's values in
 * row order, typed), for the customers table a bundle is fitted on: hashing it as read spares building a Table
 * whose million customer ids would first be sorted into category levels.
 */
export function queryFingerprint(q: QueryResult): string {
  const h = createHash('sha256');
  h.update(`rows:${q.rows}\n`);
  const numbers = new Float64Array(q.rows);
  q.names.forEach((name, j) => {
    const values = q.columns[j];
    const numeric = values.every((v) => v === null || typeof v === 'number');
    h.update(`${numeric ? 'number' : 'text'}:${name}\n`);
    if (numeric) {
      for (let i = 0; i < q.rows; i++) numbers[i] = values[i] === null ? NaN : (values[i] as number);
      h.update(new Uint8Array(numbers.buffer));
      return;
    }
    // Each value as its type mark and text, NUL-separated, in pieces so no single string grows huge.
    for (let i = 0; i < q.rows; i += 65_536) {
      h.update(values.slice(i, i + 65_536).map((v) => (v === null ? '\u0001' : `${typeof v === 'string' ? 's' : typeof v === 'boolean' ? 'b' : 'n'}${String(v)}`)).join('\u0000'));
      h.update('\u0000');
    }
  });
  return `sha256:${h.digest('hex')}`;
}
