import { createHash } from 'node:crypto';
import type { Table } from '../data/table.js';

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
