import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { analyze } from '../../src/pipeline/analyze.js';
import { clvData, type ClvData } from '../../src/pipeline/stages.js';
import { customerFeaturesSql } from '../../src/sql/definitions.js';
import type { QueryResult } from '../../src/engine/engine.js';
import { tempDir } from '../helpers/cli.js';

/**
 * The cohort matrix, the populations, the revenue patterns and CLV's purchase days are computed in SQL over the order
 * grain (lines summed per customer, order, moment, country and flags). Here every figure is recomputed in plain JS from
 * the cleaned lines themselves, on logs with cancellations, returns, fee lines, free lines, lines without a customer or
 * an amount, and orders split over countries.
 */
const SHAPES = new URL('../fixtures/shapes/', import.meta.url).pathname;

/**
 * A log whose orders cross every key of the grain: an order over two countries at one moment and over two hours, a
 * line without a country, lines without a customer, a return invoice, a negative quantity, a fee line and a free line.
 */
function crossingLog(): string {
  const rows = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  const countries = ['France', 'Germany', 'Spain', ''];
  for (let c = 0; c < 40; c++) {
    for (let o = 0; o < 1 + (c % 4); o++) {
      const order = 5000 + c * 10 + o;
      const day = `2023-${String(1 + ((c + o * 3) % 12)).padStart(2, '0')}-${String(1 + (c % 27)).padStart(2, '0')}`;
      const customer = c % 13 === 5 ? '' : String(12000 + c);
      for (let l = 0; l < 3; l++) {
        const hour = 9 + ((c + l) % 2) * (o + 1);
        rows.push(`${order},P${(c * 7 + l) % 23}0,Item ${l},${1 + ((c + l) % 5)},${day} ${hour}:00:00,${(1.25 + ((c * 3 + l) % 9) * 0.75).toFixed(2)},${customer},${countries[(c + o + l) % 4]}`);
      }
      if (o === 1) rows.push(`C${order},P${c % 23}0,Item 0,-1,${day} 17:00:00,2.00,${customer},${countries[c % 4]}`);
      if (c % 6 === 2) rows.push(`${order},POST,POSTAGE,1,${day} 09:00:00,18.00,${customer},${countries[c % 3]}`);
      if (c % 9 === 4) rows.push(`${order},P10,Item 0,-2,${day} 09:30:00,3.00,${customer},${countries[c % 3]}`);
      if (c % 10 === 7) rows.push(`${order},P20,Item 9,1,${day} 09:40:00,0,${customer},${countries[c % 3]}`);
    }
  }
  // Customers whose every purchase is free, one on two days.
  rows.push('7001,P20,Item 9,1,2023-05-02 10:00:00,0,19001,France', '7002,P20,Item 9,2,2023-06-02 10:00:00,0,19002,France', '7003,P20,Item 9,1,2023-07-09 10:00:00,0,19002,France');
  // A day whose sale is less than its return.
  rows.push('7005,P10,Item 0,1,2023-03-04 10:00:00,3.00,19003,Spain', 'C7006,P10,Item 0,-2,2023-03-04 11:00:00,3.00,19003,Spain');
  return `${rows.join('\n')}\n`;
}

interface Line {
  customer: string | null;
  order: string;
  day: string;
  hour: number;
  country: string | null;
  moment: string;
  quantity: number;
  product: string | null;
  amount: number;
  /** The line's amount, null when it has none. */
  rawAmount: number | null;
  statusCancel: boolean;
  returnLine: boolean;
  isCancel: boolean;
  badPrice: boolean;
  nonProduct: boolean;
}

const isoWeekday = (day: string) => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const monthsBetween = (a: string, b: string) => (+b.slice(0, 4) - +a.slice(0, 4)) * 12 + (+b.slice(5, 7) - +a.slice(5, 7));
const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThan(1e-6 * Math.max(1, Math.abs(want)));

function add<K>(m: Map<K, number>, k: K, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}
function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  (m.get(k) ?? m.set(k, new Set()).get(k)!).add(v);
}

/** CLV's data from the grain against the same figures from the lines. */
function checkClvData(lines: Line[], clv: ClvData): void {
  // A purchase day: a customer's day with a sale line (priced or free), its spend the day's amounts net of returns,
  // never below zero, blank when no line of the day has an amount.
  const days = new Map<string, { purchase: boolean; sum: number; amounts: number }>();
  for (const l of lines) {
    if (l.customer === null || l.nonProduct || l.statusCancel) continue;
    const key = `${l.customer}|${l.day}`;
    const v = days.get(key) ?? days.set(key, { purchase: false, sum: 0, amounts: 0 }).get(key)!;
    v.purchase ||= !l.isCancel;
    if (l.rawAmount !== null) {
      v.sum += l.rawAmount;
      v.amounts++;
    }
  }
  const want = new Map([...days].filter(([, v]) => v.purchase).map(([key, v]) => [key, v.amounts > 0 ? Math.max(v.sum, 0) : null]));
  const log = clv.log;
  const got = Array.from(log.days, (day, i) => ({ key: `${log.ids[log.customer[i]]}|${new Date(day * 86400000).toISOString().slice(0, 10)}`, amount: Number.isNaN(log.amount[i]) ? null : log.amount[i] }));
  expect(got.map((g) => g.key).sort()).toEqual([...want.keys()].sort());
  for (const g of got) {
    const w = want.get(g.key)!;
    if (w === null) expect(g.amount, g.key).toBeNull();
    else close(g.amount!, w);
  }
  expect(new Date(clv.lastDay * 86400000).toISOString().slice(0, 10)).toBe(lines.map((l) => l.day).sort().at(-1));
  const sales = new Map<string, { free: number; priced: number }>();
  for (const l of lines) {
    if (l.customer === null || l.nonProduct || l.isCancel) continue;
    const v = sales.get(l.customer) ?? sales.set(l.customer, { free: 0, priced: 0 }).get(l.customer)!;
    if (l.badPrice) v.free++;
    else v.priced++;
  }
  expect(clv.freeOnly).toBe([...sales.values()].filter((v) => v.free > 0 && v.priced === 0).length);
}

async function cleanedLines(path: string): Promise<{ lines: Line[]; clv: ClvData; a: Awaited<ReturnType<typeof analyze>>; linesOnly: QueryResult }> {
  const a = await analyze(path);
  const q = await a.engine.query(
    `SELECT customer_id, order_id, strftime(ts, '%Y-%m-%d') AS day, hour(ts)::DOUBLE AS hour, strftime(ts, '%Y-%m-%d %H:%M:%S') AS moment, country, amount, quantity, product, status_cancel, return_line, is_cancel, bad_price, non_product FROM lines`,
  );
  const clv = await clvData(a.lines!);
  // The same features with everything read from the lines, as an engine that keeps no grain table computes them.
  const linesOnly = await a.engine.query(`SELECT * FROM (${customerFeaturesSql(a.engine.sql, 'lines', `DATE '${nextDay(a.asOf!)}'`)}) ORDER BY customer_id`);
  await a.engine.close();
  const col = (name: string) => q.columns[q.names.indexOf(name)];
  const lines: Line[] = Array.from({ length: q.rows }, (_, i) => ({
    customer: col('customer_id')[i] === null ? null : String(col('customer_id')[i]),
    order: String(col('order_id')[i]),
    day: String(col('day')[i]),
    hour: Number(col('hour')[i]),
    country: col('country')[i] as string | null,
    moment: String(col('moment')[i]),
    quantity: Number(col('quantity')[i]),
    product: col('product')[i] === null ? null : String(col('product')[i]),
    amount: Number(col('amount')[i]),
    rawAmount: col('amount')[i] === null ? null : Number(col('amount')[i]),
    statusCancel: col('status_cancel')[i] === true,
    returnLine: col('return_line')[i] === true,
    isCancel: col('is_cancel')[i] === true,
    badPrice: col('bad_price')[i] === true,
    nonProduct: col('non_product')[i] === true,
  }));
  return { lines, clv, a, linesOnly };
}

const nextDay = (ymd: string) => new Date(Date.parse(`${ymd}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const dir = tempDir('clientele-grain-');
writeFileSync(join(dir, 'crossing.csv'), crossingLog());

for (const path of [join(dir, 'crossing.csv'), ...['catalogue-fee-words.csv', 'european-semicolon.csv', 'status-cancellations.csv'].map((f) => SHAPES + f)]) {
  describe(`order grain figures equal a count over the lines: ${basename(path)}`, async () => {
    const { lines, clv, a, linesOnly } = await cleanedLines(path);
    const earning = lines.filter((l) => !l.badPrice && !l.nonProduct && !l.statusCancel);
    const analytic = lines.filter((l) => l.customer !== null && !l.badPrice && !l.nonProduct);
    const buyers = new Set(analytic.filter((l) => !l.isCancel).map((l) => l.customer));

    it('has lines of every kind the grain must keep apart', () => {
      expect(lines.some((l) => l.isCancel)).toBe(true);
      expect(new Set(lines.map((l) => l.order)).size).toBeLessThan(lines.length);
      if (!path.endsWith('crossing.csv')) return;
      const split = (key: (l: Line) => unknown) => {
        const seen = new Map<string, Set<unknown>>();
        for (const l of lines) addTo(seen, l.order, key(l));
        return [...seen.values()].some((v) => v.size > 1);
      };
      expect([split((l) => l.country), split((l) => l.hour), split((l) => l.nonProduct), split((l) => l.badPrice), split((l) => l.returnLine)]).toEqual([true, true, true, true, true]);
      expect(lines.some((l) => l.customer === null) && lines.some((l) => l.country === null)).toBe(true);
    });

    it('populations', () => {
      const p = a.populations!;
      expect(p.allLines.lines).toBe(earning.length);
      expect(p.allLines.orders).toBe(new Set(earning.filter((l) => !l.isCancel).map((l) => l.order)).size);
      close(p.allLines.revenue!, earning.reduce((s, l) => s + l.amount, 0));
      expect(p.identified.customers).toBe(buyers.size);
      expect(p.identified.lines).toBe(analytic.filter((l) => buyers.has(l.customer)).length);
      expect(p.identified.orders).toBe(new Set(analytic.filter((l) => !l.isCancel).map((l) => l.order)).size);
      close(p.identified.revenue!, analytic.filter((l) => !l.statusCancel && buyers.has(l.customer)).reduce((s, l) => s + l.amount, 0));
      expect(p.anonymous.lines).toBe(earning.filter((l) => l.customer === null).length);
      const orphans = analytic.filter((l) => l.returnLine && !buyers.has(l.customer));
      expect(p.orphanReturns.lines).toBe(orphans.length);
      close(p.orphanReturns.revenue!, orphans.reduce((s, l) => s + l.amount, 0));
    });

    it('revenue by country and by weekday × hour', () => {
      const revenue = new Map<string, number>();
      const customers = new Map<string, Set<string>>();
      const orders = new Map<string, Set<string>>();
      const slotOrders = new Map<string, Set<string>>();
      const slotSales = new Map<string, number>();
      for (const l of earning) {
        const c = l.country ?? '(unknown)';
        add(revenue, c, l.amount);
        if (l.customer !== null) addTo(customers, c, l.customer);
        if (l.isCancel) continue;
        addTo(orders, c, l.order);
        const slot = `${isoWeekday(l.day)} ${l.hour}`;
        addTo(slotOrders, slot, l.order);
        add(slotSales, slot, l.amount);
      }
      const r = a.revenue!;
      expect(r.byCountry.map((x) => x.country).sort()).toEqual([...revenue.keys()].sort());
      for (const x of r.byCountry) {
        close(x.revenue, revenue.get(x.country)!);
        expect(x.customers).toBe(customers.get(x.country)?.size ?? 0);
        expect(x.orders).toBe(orders.get(x.country)?.size ?? 0);
      }
      expect(r.byWeekdayHour).toHaveLength(slotOrders.size);
      for (const x of r.byWeekdayHour) {
        const slot = `${x.weekday} ${x.hour}`;
        expect(x.orders).toBe(slotOrders.get(slot)!.size);
        close(x.revenue, slotSales.get(slot)!);
      }
    });

    it('months with new and returning customers, and the cohort matrix', () => {
      const first = new Map<string, string>();
      for (const l of analytic) if (!l.isCancel && (!first.has(l.customer!) || l.day < first.get(l.customer!)!)) first.set(l.customer!, l.day);
      const monthRevenue = new Map<string, number>();
      for (const l of analytic) add(monthRevenue, `${l.customer}|${l.day.slice(0, 7)}`, l.amount);
      const byMonth = new Map<string, { revenue: number; fresh: number; back: number }>();
      for (const [key, v] of monthRevenue) {
        const [customer, month] = key.split('|');
        const f = first.get(customer);
        if (f === undefined) continue;
        const m = byMonth.get(month) ?? byMonth.set(month, { revenue: 0, fresh: 0, back: 0 }).get(month)!;
        m.revenue += v;
        if (month === f.slice(0, 7)) m.fresh++;
        else if (month > f.slice(0, 7)) m.back++;
      }
      const r = a.revenue!;
      expect(r.byMonth.map((x) => x.month)).toEqual([...byMonth.keys()].sort());
      for (const x of r.byMonth) {
        const m = byMonth.get(x.month)!;
        close(x.revenue, m.revenue);
        expect([x.newCustomers, x.returningCustomers]).toEqual([m.fresh, m.back]);
      }
      // Cohorts: customers active (a sale line) k months after their first month.
      const active = new Map<string, Set<string>>();
      for (const l of analytic) if (!l.isCancel) addTo(active, `${first.get(l.customer!)!.slice(0, 7)}|${monthsBetween(first.get(l.customer!)!.slice(0, 7), l.day.slice(0, 7))}`, l.customer!);
      const c = a.cohorts!;
      c.cohorts.forEach((cohort, i) => {
        expect(c.sizes[i], cohort).toBe(active.get(`${cohort}|0`)!.size);
        c.retention[i].forEach((share, k) => expect(share! * c.sizes[i], `${cohort} +${k}`).toBeCloseTo(active.get(`${cohort}|${k}`)?.size ?? 0, 9));
      });
    });

    it('the customers table: orders, money, weekend share and main country per customer, items and products', () => {
      const per = new Map<string, { orders: Set<string>; weekend: Set<string>; gross: number; returns: number; cancelled: number; items: number; products: Set<string>; first: string; last: string; byCountry: Map<string, number> }>();
      for (const l of analytic) {
        const c = per.get(l.customer!) ?? per.set(l.customer!, { orders: new Set(), weekend: new Set(), gross: 0, returns: 0, cancelled: 0, items: 0, products: new Set(), first: '~', last: '', byCountry: new Map() }).get(l.customer!)!;
        if (l.returnLine) c.returns += l.amount;
        if (l.statusCancel) c.cancelled += l.amount;
        if (l.isCancel) continue;
        c.orders.add(l.order);
        if (isoWeekday(l.day) >= 6) c.weekend.add(l.order);
        c.gross += l.amount;
        c.items += l.quantity;
        if (l.product !== null) c.products.add(l.product);
        if (l.moment < c.first) c.first = l.moment;
        if (l.moment > c.last) c.last = l.moment;
        if (l.country !== null) add(c.byCountry, l.country, 1);
      }
      const t = a.customers;
      const col = (name: string) => t.columns[t.names.indexOf(name)];
      const ids = col('customer_id').map(String);
      expect(ids.slice().sort()).toEqual([...per].filter(([, c]) => c.orders.size > 0).map(([id]) => id).sort());
      // A tie for the main country goes to the first name in byte order.
      const utf8 = (x: string) => Buffer.from(x, 'utf8');
      ids.forEach((id, i) => {
        const c = per.get(id)!;
        expect(col('frequency')[i], id).toBe(c.orders.size);
        close(Number(col('gross_sales')[i]), c.gross);
        close(Number(col('monetary')[i]), c.gross + c.returns);
        close(Number(col('returns_value')[i]), -c.returns);
        close(Number(col('return_rate')[i]), (c.cancelled - c.returns) / (c.gross + c.cancelled));
        close(Number(col('weekend_share')[i]), c.weekend.size / c.orders.size);
        expect([col('first_purchase')[i], col('last_purchase')[i]], id).toEqual([c.first, c.last]);
        close(Number(col('items')[i]), c.items);
        expect(col('distinct_products')[i], id).toBe(c.products.size);
        const top = Math.max(0, ...c.byCountry.values());
        const main = [...c.byCountry].filter(([, n]) => n === top).map(([k]) => k).sort((x, y) => Buffer.compare(utf8(x), utf8(y)))[0] ?? null;
        expect(col('main_country')[i], id).toBe(main);
      });
      // Read from the lines alone (no grain table), the features are the same to the bit.
      expect(linesOnly.names).toEqual(t.names);
      t.names.forEach((name, j) => expect(linesOnly.columns[j], name).toEqual(t.columns[j]));
      if (path.endsWith('crossing.csv')) {
        // Customers whose main country was decided by a tie, and with weekend orders, are among them.
        expect([...per.values()].some((c) => new Set(c.byCountry.values()).size < c.byCountry.size)).toBe(true);
        expect([...per.values()].some((c) => c.weekend.size > 0 && c.weekend.size < c.orders.size)).toBe(true);
      }
    });

    it("CLV's purchase days, their spend, the last day and the free-only customers", () => {
      checkClvData(lines, clv);
      if (!path.endsWith('crossing.csv')) return;
      expect(clv.log.amount.some((v) => v === 0)).toBe(true);
      expect(clv.freeOnly).toBeGreaterThanOrEqual(2);
    });
  });
}

describe('order grain: CLV data of a log without amounts', () => {
  it('has purchase days without spend, as the lines have', async () => {
    const { lines, clv } = await cleanedLines(SHAPES + 'date-id.csv');
    expect(lines.length).toBeGreaterThan(10);
    expect(Array.from(clv.log.amount).every(Number.isNaN)).toBe(true);
    checkClvData(lines, clv);
  });
});
