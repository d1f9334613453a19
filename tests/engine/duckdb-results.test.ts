import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbEngine } from '../../src/engine/duckdb.js';

/**
 * The embedded engine reads DOUBLE columns straight from the result's buffers and validity masks. Checked here
 * against the client's own value-by-value conversion (getColumnsJS), over every type the SQL layer returns: NULLs in
 * every column; empty, 12-byte, longer and non-ASCII strings; results spanning many 2,048-row chunks; empty results.
 */
const TABLE = `CREATE TABLE t AS SELECT range AS i,
  CASE WHEN range % 7 = 0 THEN NULL ELSE range / 3.0 END::DOUBLE AS d,
  CASE WHEN range % 11 = 0 THEN 'NaN'::DOUBLE WHEN range % 13 = 0 THEN '-Infinity'::DOUBLE ELSE -range * 1e-300 END AS extreme,
  CASE WHEN range % 5 = 0 THEN NULL ELSE 'x' || range END AS s,
  CASE WHEN range % 4 = 0 THEN '' WHEN range % 4 = 1 THEN 'Österreich ' || range WHEN range % 4 = 2 THEN repeat('long', 1 + range % 9) ELSE 'exactly12chr' END AS mixed,
  CASE WHEN range % 3 = 0 THEN NULL ELSE range % 2 = 0 END AS b,
  DATE '2020-01-01' + CAST(range AS INTEGER) AS dt,
  TIMESTAMP '2020-01-01 10:00:00' + INTERVAL (range) MINUTE AS ts,
  CAST(range AS DECIMAL(18, 2)) / 7 AS dec, CAST(range AS BIGINT) * 1000000 AS big, CAST(range AS FLOAT) / 3 AS f, CAST(range AS INTEGER) AS int
  FROM range(10000)`;

const plain = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : typeof v === 'object' ? String(v) : v);

describe('embedded DuckDB query results', () => {
  it('equal the client conversion value for value, NULLs, NaN and infinities included', async () => {
    const engine = await DuckDbEngine.open();
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      await engine.exec(TABLE);
      await conn.run(TABLE);
      for (const sql of ['SELECT * FROM t ORDER BY i', 'SELECT s, count(*)::DOUBLE AS n, avg(d) AS a FROM t GROUP BY s ORDER BY s NULLS FIRST', 'SELECT * FROM t WHERE i < 0', 'SELECT d FROM t WHERE d IS NULL']) {
        const got = await engine.query(sql);
        const reader = await conn.runAndReadAll(sql);
        const raw = reader.getColumnsJS() as unknown[][];
        expect(got.names).toEqual(reader.columnNames());
        expect(got.rows).toBe(reader.currentRowCount);
        expect(got.columns).toEqual(reader.columnNames().map((_, j) => (raw[j] ?? []).map(plain)));
      }
      const nulls = (await engine.query('SELECT d FROM t ORDER BY i')).columns[0].filter((v) => v === null).length;
      expect(nulls).toBe(Math.ceil(10000 / 7));
      expect((await engine.query('SELECT count(*)::DOUBLE AS n FROM t WHERE i < $1', [100])).columns[0]).toEqual([100]);
    } finally {
      await engine.close();
      conn.closeSync();
      instance.closeSync();
    }
  });
});
