import { describe, expect, it } from 'vitest';
import { csvCell, csvChunks, toCsv } from '../../src/io/csv.js';

describe('csvChunks', () => {
  const names = ['id', 'note', 'value'];
  const columns = [
    Array.from({ length: 25 }, (_, i) => `c${i}`),
    Array.from({ length: 25 }, (_, i) => (i % 3 === 0 ? `line one\nline "two", ${i}` : i % 5 === 0 ? '=cmd' : null)),
    Float64Array.from({ length: 25 }, (_, i) => (i === 7 ? NaN : i / 4)),
  ];

  it('joins to exactly the text toCsv writes, in pieces of whole rows', () => {
    const pieces = csvChunks(names, columns, 10);
    expect(pieces).toHaveLength(3);
    expect(pieces.join('')).toBe(toCsv(names, columns));
    // A piece never ends inside a row: each holds the rows it was given, quoted newlines and all.
    expect(pieces.every((p) => p.endsWith('\n'))).toBe(true);
    expect(pieces[1].startsWith('c9,') || pieces[1].startsWith('c10,')).toBe(true);
    expect(pieces[0].split('\n')[0]).toBe('id,note,value');
  });

  it('an empty table is its header alone; exact multiples leave no empty piece', () => {
    expect(csvChunks(names, [[], [], []])).toEqual(['id,note,value\n']);
    const pieces = csvChunks(['a'], [[1, 2, 3, 4]], 2);
    expect(pieces.join('')).toBe('a\n1\n2\n3\n4\n');
    expect(pieces.every((p) => p.length > 0)).toBe(true);
  });

  it('writes every kind of column cell by cell as csvCell does, whatever the piece size', () => {
    const n = 37;
    const cols: ArrayLike<string | number | boolean | null>[] = [
      Float64Array.from({ length: n }, (_, i) => (i === 3 ? NaN : i === 4 ? Infinity : i === 5 ? -0 : i * 1.1e-7 - 2)),
      Int32Array.from({ length: n }, (_, i) => i * 37 - 500),
      Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : i % 4 === 1 ? i / 3 : i % 4 === 2 ? true : `-${i}`)),
      Array.from({ length: n }, (_, i) => (i % 2 ? '+SUM(A1)' : 'a "quoted", value')),
    ];
    const want = ['a,b,c,d', ...Array.from({ length: n }, (_, i) => cols.map((c) => csvCell(c[i])).join(','))].join('\n') + '\n';
    for (const size of [1, 2, 10, 36, 37, 38, 1000]) expect(csvChunks(['a', 'b', 'c', 'd'], cols, size).join(''), String(size)).toBe(want);
  });
});
