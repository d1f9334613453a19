import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline/analyze.js';
import { customerFeatureTable } from '../../src/pipeline/stages.js';
import { cellValue, findColumn } from '../../src/data/table.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/predict/electronic-behaviour.json', import.meta.url), 'utf8'));
const SALES = new URL('../../data/electronic-sales.csv.gz', import.meta.url).pathname;

describe('behavioural customer features of an order log', () => {
  it('match pandas on completed orders: category mix, mean rating, add-ons per line, season mix, usual shipping', async () => {
    const a = await analyze(SALES);
    try {
      const sources = new Map<string, string[]>();
      const base = await customerFeatureTable(a);
      const t = await customerFeatureTable(a, { behaviour: true, sources });
      expect(t.rows).toBe(base.rows);
      // Segmentation sees the same table as before; only models ask for behaviour.
      expect(base.columns.some((c) => c.name.endsWith(' share'))).toBe(false);
      const ids = a.customers.columns[a.customers.names.indexOf('customer_id')].map(String);
      const rowOf = new Map(ids.map((id, i) => [id, i]));
      const rows = (ref.customers as string[]).map((id) => rowOf.get(id) as number);
      expect(rows.every((r) => r !== undefined)).toBe(true);
      for (const [name, expected] of Object.entries(ref.numbers as Record<string, (number | null)[]>)) {
        const c = findColumn(t, name);
        expect(c?.kind, name).toBe('number');
        rows.forEach((r, k) => expect(cellValue(c!, r), `${name} of ${ref.customers[k]}`).toBeCloseTo(expected[k] as number, 10));
      }
      const shipping = findColumn(t, 'Shipping Type mode')!;
      rows.forEach((r, k) => expect(cellValue(shipping, r), `usual shipping of ${ref.customers[k]}`).toBe(ref.shippingMode[k]));
      // Provenance: each feature names the raw columns it is computed from.
      expect(sources.get('Rating mean')).toEqual(['Rating']);
      expect(sources.get('monetary')).toEqual(['Total Price']);
      expect(sources.get('Purchase Date season=Summer share')).toEqual(['Purchase Date']);
    } finally {
      await a.engine.close();
    }
  });
});
