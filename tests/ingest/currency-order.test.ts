import { describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { convertNumberColumns } from '../../src/ingest/numbers.js';

describe('number evidence', () => {
  it('lists the currencies a column mixes in a fixed order, whatever order the rows come in', async () => {
    // Codes like product types in front of numbers read as currencies; the list must not follow the engine's
    // hash order, or two runs on one file print different summaries.
    const codes = ['TBL', 'HDP', 'SWT', 'LTP', 'SMP', 'ABC'];
    const listed: string[] = [];
    for (const rotation of [0, 2, 4]) {
      const engine = await DuckDbEngine.open({ threads: 2 });
      try {
        const rows = Array.from({ length: 3000 }, (_, i) => `('${codes[(i + rotation) % codes.length]}${100 + (i % 900)}')`);
        await engine.exec(`CREATE TABLE t AS SELECT * FROM (VALUES ${rows.join(', ')}) v(sku)`);
        const [f] = await convertNumberColumns(engine, 't');
        expect(f.status).toBe('mixed-currency');
        listed.push(String(f.currency));
      } finally {
        await engine.close();
      }
    }
    expect(new Set(listed).size).toBe(1);
    expect(listed[0]).toBe('ABC, HDP, LTP, SMP, SWT');
  });
});
