import { numbers } from '../../src/engine/engine.js';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyze } from '../../src/pipeline/analyze.js';
import { profile } from '../../src/pipeline/profile.js';
import { DATA } from '../helpers/cli.js';

describe('every bundled dataset goes through the pipeline', () => {
  it('CDNOW sample: headerless whitespace file named with --columns', async () => {
    const a = await analyze(join(DATA, 'cdnow-sample.txt.gz'), { columns: ['customer', '_', 'date', 'quantity', 'amount'] });
    try {
      expect(a.load.rows).toBe(6_919);
      expect(a.load.sniff.format).toBe('whitespace');
      // 8 of the 2,357 customers only ever made $0 purchases, which cleaning excludes as zero-price lines.
      expect(a.facts.rawCustomers).toBe(2_357);
      expect(a.customers.rows).toBe(2_349);
      expect(a.cleaning!.dateFormat).toBe('YYYYMMDD');
      expect(a.detection.roles).toMatchObject({ customer: 'customer', timestamp: 'date', quantity: 'quantity', amount: 'amount' });
      // All CDNOW customers made their first purchase in the first quarter of 1997.
      expect(a.cohorts!.cohorts.slice(0, 3)).toEqual(['1997-01', '1997-02', '1997-03']);
      expect(a.cohorts!.sizes.slice(0, 3).reduce((s, x) => s + x, 0)).toBe(2_349);
    } finally {
      await a.engine.close();
    }
  });

  it('Online Retail profile: missing ids counted over every line, duplicates included', async () => {
    const p = await profile(join(DATA, 'online-retail.csv.gz'));
    expect(p.rows).toBe(541_909);
    expect(p.duplicateRows).toBe(5_268);
    const col = (name: string) => p.columns.find((c) => c.name === name)!;
    expect(col('CustomerID')).toMatchObject({ missing: 135_080, distinct: 4_372, role: 'customer' });
    expect(col('InvoiceNo')).toMatchObject({ distinct: 25_900, role: 'order' });
    expect(p.dateRange).toMatchObject({ first: '2010-12-01 08:26', last: '2011-12-09 12:50' });
  });

  it('CDNOW master: whitespace file with a header line', async () => {
    const p = await profile(join(DATA, 'cdnow-master.txt.gz'));
    expect(p.rows).toBe(69_659);
    expect(p.columns.map((c) => c.name)).toEqual(['customer_id', 'date', 'number_of_cds', 'dollar_value']);
    expect(p.detection?.roles).toMatchObject({ customer: 'customer_id', timestamp: 'date', quantity: 'number_of_cds', amount: 'dollar_value' });
    expect(p.columns.find((c) => c.name === 'customer_id')?.distinct).toBe(23_570);
    expect(p.dateRange).toMatchObject({ first: '1997-01-01 00:00', last: '1998-06-30 00:00', format: 'YYYYMMDD' });
  });

  it('Electronic sales: DD-MM-YYYY dates, a Cancelled status, trailing empty columns', async () => {
    const a = await analyze(join(DATA, 'electronic-sales.csv.gz'));
    try {
      expect(a.load.rows).toBe(20_000);
      expect(a.load.warnings).toEqual(['1 empty row (every field blank) skipped']);
      // Two of the three unnamed trailing columns are empty and dropped; one holds a stray value and is kept.
      expect(a.load.schema.filter((c) => /^column\d+$/.test(c.name)).map((c) => c.name)).toEqual(['column20']);
      expect(a.cleaning!.dateFormat).toBe('DD-MM-YYYY');
      expect(a.detection.roles).toMatchObject({ customer: 'Customer ID', timestamp: 'Purchase Date', amount: 'Total Price', status: 'Order Status', category: 'Product Type' });
      const cancelled = await a.engine.query(`SELECT count(*)::DOUBLE FROM lines WHERE status_cancel`);
      expect(Number(cancelled.columns[0][0])).toBeGreaterThan(1000);
      // Cancelled orders earn nothing: net revenue equals completed sales.
      const sales = await a.engine.query(`SELECT sum(amount) FROM lines WHERE NOT status_cancel AND NOT bad_price AND customer_id IS NOT NULL`);
      const monetary = numbers(a.customers, 'monetary').reduce((s, x) => s + x, 0);
      expect(Math.abs(monetary - Number(sales.columns[0][0]))).toBeLessThan(1e-6);
      expect(a.rfm!.segments.reduce((s, x) => s + x.customers, 0)).toBe(a.customers.rows);
    } finally {
      await a.engine.close();
    }
  });

  it('E-commerce customer behaviour: a customer table, with RFM from its own columns', async () => {
    const a = await analyze(join(DATA, 'ecommerce-customer-behavior.csv'));
    try {
      expect(a.detection.shape).toBe('customer-table');
      expect(a.customers.rows).toBe(350);
      expect(a.detection.roles).toMatchObject({ customer: 'Customer_ID', spend: 'Total_Spend', recency: 'Days_Since_Last_Purchase', membership: 'Membership_Type', satisfaction: 'Satisfaction_Level' });
      const t = a.customerTable!;
      expect(t.profiles.find((p) => p.column === 'Satisfaction_Level')?.missing).toBe(2);
      expect(t.rfmAvailable).toBe(true);
      expect(t.frequencyProxy).toBe('Items_Purchased');
      expect(t.unavailable.join(' ')).toMatch(/cohort/);
      expect(a.rfm!.segments.reduce((s, x) => s + x.customers, 0)).toBe(350);
      const gold = t.profiles.find((p) => p.column === 'Membership_Type')!.levels!.find((l) => l.level === 'Gold')!;
      expect(gold.customers).toBe(117);
      expect(gold.meanSpend).toBeGreaterThan(1000);
    } finally {
      await a.engine.close();
    }
  });
});
