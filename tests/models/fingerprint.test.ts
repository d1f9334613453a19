import { describe, expect, it } from 'vitest';
import { queryFingerprint, tableFingerprint } from '../../src/models/fingerprint.js';
import { tableFromQuery } from '../../src/data/from-query.js';
import type { QueryResult } from '../../src/engine/engine.js';

const q = (over: Partial<QueryResult> = {}): QueryResult => ({
  names: ['customer_id', 'monetary', 'country'],
  columns: [['a', 'b', 'c'], [1.5, null, 3], ['UK', '', null]],
  rows: 3,
  ...over,
});

describe('training-data fingerprints', () => {
  it('the same rows give the same digest; any changed value, order, name or missing value another', () => {
    const base = queryFingerprint(q());
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(queryFingerprint(q())).toBe(base);
    const variants = [
      q({ columns: [['a', 'b', 'c'], [1.5, null, 3.0000001], ['UK', '', null]] }),
      q({ columns: [['b', 'a', 'c'], [null, 1.5, 3], ['', 'UK', null]] }),
      q({ names: ['customer_id', 'spend', 'country'] }),
      q({ columns: [['a', 'b', 'c'], [1.5, 0, 3], ['UK', '', null]] }),
      q({ columns: [['a', 'b', 'c'], [1.5, null, 3], ['UK', null, '']] }),
      q({ columns: [['a', 'b', 'c'], [1.5, null, 3], ['UK', '', 'null']] }),
      q({ columns: [[1, 'b', 'c'], [1.5, null, 3], ['UK', '', null]] }),
    ];
    const digests = variants.map(queryFingerprint);
    for (const d of digests) expect(d).not.toBe(base);
    expect(new Set(digests).size).toBe(digests.length);
  });

  it('tells tables apart as the table digest does', () => {
    const a = q();
    const b = q({ columns: [['a', 'b', 'c'], [1.5, 2, 3], ['UK', '', null]] });
    expect(queryFingerprint(a) === queryFingerprint(b)).toBe(tableFingerprint(tableFromQuery(a)) === tableFingerprint(tableFromQuery(b)));
  });
});
