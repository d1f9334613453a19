import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { cli, DATA, tempDir } from '../helpers/cli.js';
import { reconcile } from '../../src/pipeline/checks.js';
import { analyze } from '../../src/pipeline/analyze.js';
import { customersCsv, summaryJson } from '../../src/pipeline/artifacts.js';

const SHAPES = new URL('../fixtures/shapes/', import.meta.url).pathname;
let dir: string;
beforeAll(() => {
  dir = tempDir('clientele-figures-');
});

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function analyzeJson(path: string, ...extra: string[]) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const r = await cli('analyze', path, '--out', out, '-q', ...extra);
  expect(r.code, r.stderr).toBe(0);
  const read = (f: string) => readFileSync(join(out, f), 'utf8');
  return { summary: JSON.parse(read('summary.json')), log: JSON.parse(read('cleaning-log.json')), csv: read('customers.csv'), html: read('report.html'), stdout: r.stdout };
}

describe('numbers as exported', () => {
  it('profile states the decimal mark, thousands separator and currency it found', async () => {
    const eu = await cli('profile', join(SHAPES, 'european-semicolon.csv'));
    expect(eu.stdout).toMatch(/Numbers: UnitPrice: decimal ',', thousands '\.'/);
    const eur = await cli('profile', join(SHAPES, 'currency-eur.csv'));
    expect(eur.stdout).toMatch(/Line Total: decimal ',', thousands '\.', currency EUR, negatives in parentheses/);
    expect(eur.stdout).toMatch(/Currency: EUR/);
  });

  it("Swiss amounts (CHF 1'249.00) read with apostrophe thousands and their currency", async () => {
    const path = file('swiss.csv', "Nr;Kunde;Datum;Betrag\n1;A;04.01.2021;CHF 1'249.00\n2;B;05.01.2021;CHF 89.50\n3;A;13.01.2021;CHF 2'498.00\n");
    const p = await cli('profile', path, '--map', 'customer=Kunde', '--map', 'order=Nr', '--map', 'timestamp=Datum', '--map', 'amount=Betrag');
    expect(p.stdout).toMatch(/Numbers: Betrag: decimal '\.', thousands apostrophe, currency CHF/);
    expect(p.stdout).toMatch(/Currency: CHF/);
    const r = await analyzeJson(path, '--map', 'customer=Kunde', '--map', 'order=Nr', '--map', 'timestamp=Datum', '--map', 'amount=Betrag', '--no-clv', '--no-segments');
    expect(r.summary.populations.identified.revenue).toBeCloseTo(1249 + 89.5 + 2498, 9);
  });

  it('values that cannot settle the decimal mark are read as the user says', async () => {
    const path = file('amb.csv', 'order,customer,date,amount\n1,A,2024-01-05,"1,050"\n2,B,2024-01-06,"2,100"\n3,A,2024-02-01,"3,125"\n');
    const comma = await analyzeJson(path, '--decimal', ',', '--no-clv', '--no-segments');
    const point = await analyzeJson(path, '--decimal', '.', '--no-clv', '--no-segments');
    expect(comma.summary.populations.identified.revenue).toBeCloseTo(1.05 + 2.1 + 3.125, 9);
    expect(point.summary.populations.identified.revenue).toBe(1050 + 2100 + 3125);
  });

  it('one ambiguous column is settled by the mark another column of the file uses', async () => {
    const path = file('settled.csv', 'order;customer;date;price;quantity\n1;A;2024-01-05;2,55;1.050\n2;B;2024-01-06;3,10;2\n3;A;2024-02-01;1,25;1\n');
    const r = await analyzeJson(path, '--no-clv', '--no-segments');
    expect(r.summary.populations.identified.revenue).toBeCloseTo(2.55 * 1050 + 3.1 * 2 + 1.25, 6);
    expect(r.log.numberFormats.find((f: { column: string }) => f.column === 'quantity').settledBy).toBe('other columns');
  });

  it('plain numbers padded with spaces or no-break spaces are read as the numbers they are', async () => {
    // Quoted so the reader keeps the padding; U+00A0 is what spreadsheets put around numbers.
    const pads = [' ', '\u00a0', '  ', '', '\u00a0\u00a0'];
    const prices = [2.55, 3.1, 12, 0.85, 7.5, 1.25, 4, 19.99];
    const rows = prices.map((p, i) => `${100 + i},C${i % 3},2024-0${1 + (i % 6)}-1${i % 9},"${pads[i % pads.length]}${p}${pads[(i + 2) % pads.length]}",${1 + (i % 4)}`);
    const path = file('padded.csv', `order,customer,date,price,quantity\n${rows.join('\n')}\n`);
    const r = await analyzeJson(path, '--no-clv', '--no-segments', '--no-drivers');
    const want = prices.reduce((s, p, i) => s + p * (1 + (i % 4)), 0);
    expect(r.summary.populations.identified.revenue).toBeCloseTo(want, 9);
    expect(r.log.numberFormats.find((f: { column: string }) => f.column === 'price')).toMatchObject({ status: 'numeric', plain: true });
  });

  it('the currency reaches the report and the terminal', async () => {
    const r = await analyzeJson(join(SHAPES, 'currency-eur.csv'), '--no-clv', '--no-segments', '--no-drivers');
    expect(r.summary.currency).toBe('EUR');
    expect(r.html).toContain('amounts in EUR');
    expect(r.html).toMatch(/€[0-9.,]+k?/);
    const plain = await analyzeJson(join(SHAPES, 'european-semicolon.csv'), '--currency', 'EUR', '--no-clv', '--no-segments', '--no-drivers');
    expect(plain.summary.currency).toBe('EUR');
  });
});

describe('duplicates only where lines carry an identity', () => {
  it('the README CDNOW command reproduces the published Gamma-Gamma fit (Fader, Hardie & Lee 2005)', async () => {
    const r = await cli('clv', join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--time-unit', 'weeks', '--calibration-end', '1997-09-30', '--as-of', '1998-06-30', '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const spend = JSON.parse(r.stdout).spend.params;
    const published = { p: 6.2499, q: 3.7443, gamma: 15.4437 };
    for (const [k, v] of Object.entries(published)) expect(Math.abs(spend[k] / v - 1), k).toBeLessThan(0.001);
  });

  it('an order log keeps exact repeats with --keep-duplicates; a log without order ids keeps them always', async () => {
    const log = 'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,A,2024-01-05,2,3.5\n1,A,2024-01-05,2,3.5\n2,B,2024-01-06,1,10\n';
    const dedup = await analyzeJson(file('dup.csv', log), '--no-clv', '--no-segments');
    const kept = await analyzeJson(file('dup2.csv', log), '--keep-duplicates', '--no-clv', '--no-segments');
    expect(dedup.summary.populations.identified.revenue).toBe(17);
    expect(kept.summary.populations.identified.revenue).toBe(24);
    const noOrder = await analyzeJson(file('noorder.csv', 'customer,date,quantity,amount\nA,2024-01-05,1,3.5\nA,2024-01-05,1,3.5\nB,2024-01-06,1,10\n'), '--no-clv', '--no-segments');
    expect(noOrder.summary.populations.identified.revenue).toBe(17);
    expect(noOrder.log.steps.find((s: { step: string }) => s.step === 'duplicates').why).toMatch(/no order id/);
  });

  it('every command that reads a log takes --keep-duplicates', async () => {
    for (const cmd of ['analyze', 'profile', 'clv', 'segment', 'model', 'test']) {
      const r = await cli(cmd, '--help');
      expect(r.stdout, cmd).toContain('--keep-duplicates');
    }
  });
});

describe('observation window', () => {
  it('--as-of before the last order cuts the later lines (Online Retail at 2011-06-30)', async () => {
    const r = await analyzeJson(join(DATA, 'online-retail.csv.gz'), '--as-of', '2011-06-30', '--no-clv', '--no-segments', '--no-drivers');
    expect(r.summary.asOf).toBe('2011-06-30');
    expect(r.summary.revenue.dateRange.last <= '2011-06-30').toBe(true);
    const cut = r.log.steps.find((s: { step: string }) => s.step === 'after --as-of');
    expect(cut.rows).toBeGreaterThan(250_000);
    const rows = r.csv.trim().split('\n').slice(1);
    const header = r.csv.split('\n')[0].split(',');
    const recency = rows.map((l) => Number(l.split(',')[header.indexOf('recency_days')]));
    expect(Math.min(...recency)).toBeGreaterThanOrEqual(1);
    expect(r.summary.cohorts.cohorts.at(-1)).toBe('2011-06');
  });

  it('analyze --calibration-end runs the CLV holdout diagnostics', async () => {
    const r = await analyzeJson(join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--calibration-end', '1997-09-30', '--no-segments');
    const cmp = r.summary.clv.comparison as { holdoutMae: number | null }[];
    expect(cmp.length).toBeGreaterThan(0);
    for (const m of cmp) expect(m.holdoutMae).toBeGreaterThan(0);
  });
});

describe('minimal logs', () => {
  it("clv fits the three purchase-count models on lifetimes' date,id log", async () => {
    const r = await cli('clv', join(SHAPES, 'date-id.csv'), '-q');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^BG\/NBD .*log-likelihood/m);
    expect(r.stdout).toMatch(/^Pareto\/NBD .*log-likelihood/m);
    expect(r.stdout).toMatch(/^MBG\/NBD .*log-likelihood/m);
  });

  it('analyze runs recency, frequency and cohorts and says why spend is skipped', async () => {
    const r = await analyzeJson(join(SHAPES, 'date-id.csv'), '--no-clv');
    expect(r.summary.populations.identified.revenue).toBeNull();
    expect(r.summary.skipped.map((s: { analysis: string }) => s.analysis)).toContain('Revenue and spend');
    expect(r.summary.findings.join(' ')).toMatch(/no amounts, so revenue figures are skipped/);
    expect(r.summary.findings.join(' ')).not.toMatch(/of revenue/);
  });
});

describe('features the log cannot give are blank, not zero', () => {
  const column = (csv: string, name: string) => {
    const [header, ...rows] = csv.trim().split('\n').map((l) => l.split(','));
    return rows.map((r) => r[header.indexOf(name)]);
  };

  it('without quantity and product columns, items and distinct_products are blank and the summary says why', async () => {
    const rows = ['Order,Customer,Date,Amount'];
    for (let c = 0; c < 60; c++) for (let o = 0; o <= c % 4; o++) rows.push(`${1000 + c * 10 + o},C${c},2023-0${1 + o}-1${c % 9} 10:00,${(5 + ((c * 7 + o * 3) % 40)).toFixed(2)}`);
    const orders = rows.length - 1;
    // The same line twice: a repeated row or two equal lines of one order, which nothing here can tell apart.
    rows.push(rows[1]);
    const r = await analyzeJson(file('no-items.csv', `${rows.join('\n')}\n`), '--no-clv', '--no-segments');
    expect(column(r.csv, 'items').every((v) => v === '')).toBe(true);
    expect(column(r.csv, 'distinct_products').every((v) => v === '')).toBe(true);
    // What the log does give stays: one order per line here.
    expect(column(r.csv, 'frequency').map(Number).reduce((a, b) => a + b, 0)).toBe(orders);
    // One row per order: a repeated row can only be a duplicate.
    expect(r.summary.cautions.join(' ')).not.toMatch(/exact duplicates/);
    const skipped = r.summary.skipped.map((s: { analysis: string; reason: string }) => `${s.analysis}: ${s.reason}`);
    expect(skipped).toContain('Items and distinct products per customer: the log has no quantity or product column (items and distinct_products are blank)');
  });

  it('duplicates removed from orders of several lines that name no product come with a caution', async () => {
    const rows = ['Order,Customer,Date,Amount'];
    for (let c = 0; c < 60; c++) for (let o = 0; o <= c % 3; o++) rows.push(`${1000 + c * 10 + o},C${c},2023-0${1 + o}-1${c % 9} 10:00,${(5 + c).toFixed(2)}`, `${1000 + c * 10 + o},C${c},2023-0${1 + o}-1${c % 9} 10:00,${(7 + c).toFixed(2)}`);
    rows.push(rows[1]);
    const r = await analyzeJson(file('no-products.csv', `${rows.join('\n')}\n`), '--no-clv', '--no-segments');
    expect(r.summary.cautions.join(' ')).toMatch(/^1 row was removed as exact duplicates, but the lines name no product: .* rerun with --keep-duplicates/);
  });

  it('with them, items are the units bought and distinct_products the codes, per customer', async () => {
    const r = await analyzeJson(join(SHAPES, 'status-cancellations.csv'), '--no-clv', '--no-segments');
    const text = readFileSync(join(SHAPES, 'status-cancellations.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    // Independent tally: sale lines (not cancelled, positive price) by customer.
    const units = new Map<string, number>();
    const codes = new Map<string, Set<string>>();
    for (const [, customer, , sku, quantity, price, , status] of text) {
      if (/^(cancel|return|refund|void)/i.test(status) || !(Number(price) > 0) || Number(quantity) < 0) continue;
      units.set(customer, (units.get(customer) ?? 0) + Number(quantity));
      codes.set(customer, (codes.get(customer) ?? new Set()).add(sku));
    }
    const ids = column(r.csv, 'customer_id');
    const items = column(r.csv, 'items').map(Number);
    const products = column(r.csv, 'distinct_products').map(Number);
    ids.forEach((id, i) => {
      expect(items[i], id).toBe(units.get(id));
      expect(products[i], id).toBe(codes.get(id)?.size);
    });
    expect(r.summary.skipped.map((s: { analysis: string }) => s.analysis).join(' ')).not.toMatch(/items|products/i);
  });
});

describe('what the log does not say, the report does not chart', () => {
  it('a log of dates only names the busiest weekday, no hour, and charts weekdays alone', async () => {
    const r = await analyzeJson(join(SHAPES, 'multi-year.csv.gz'), '--no-clv', '--no-segments');
    const text = `${r.summary.findings.join(' ')} ${r.html}`;
    expect(text).toMatch(/Orders peak on (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \(the log has dates without times\)/);
    expect(text).not.toMatch(/around 0:00/);
    expect(r.html).toContain('Orders by weekday');
    expect(r.html).not.toContain('Orders by weekday and hour');
    // Nor does it name countries: no one-bar geography of "(unknown)".
    expect(r.html).toMatch(/The log names no country, so revenue \([^)]+, all lines\) is not broken down by geography/);
    expect(r.html).not.toContain('Revenue by country');
    expect(r.html).not.toMatch(/accounts for 100% of all-lines revenue/);
  });

  it('a log with times and countries keeps the weekday × hour view and the geography', async () => {
    const r = await analyzeJson(join(SHAPES, 'catalogue-fee-words.csv'), '--no-clv', '--no-segments');
    expect(r.html).toContain('Orders by weekday and hour');
    expect(r.html).toContain('Revenue by country (top 15)');
    expect(r.html).toMatch(/Orders peak on (Mon|Tue|Wed|Thu|Fri|Sat|Sun) around \d+:00/);
  });
});

describe('a line dated in the future', () => {
  const log = () => {
    const rows = ['order_id,customer_id,order_date,amount'];
    for (let c = 0; c < 40; c++) for (let o = 0; o <= c % 3; o++) rows.push(`O${c}-${o},K${c},2023-0${1 + ((c + o) % 9)}-1${o},${(10 + c).toFixed(2)}`);
    const last = rows.slice(1).map((l) => l.split(',')[2]).sort().at(-1);
    // A mistyped year on one more order.
    rows.push('O99-0,K1,2099-03-01,25.00');
    return { path: file('future.csv', `${rows.join('\n')}\n`), last };
  };

  it('cannot end the window: it is left out with a caution, and recency counts from the real last day', async () => {
    const { path, last } = log();
    const r = await analyzeJson(path, '--no-clv', '--no-segments');
    expect(r.summary.asOf).toBe(last);
    expect(r.log.steps.find((x: { step: string }) => x.step === 'dated in the future')).toMatchObject({ rows: 1, action: 'removed' });
    expect(r.summary.cautions.join(' ')).toMatch(/^1 line is left out: dated after \d{4}-\d{2}-\d{2} \(e\.g\. '2099-03-01'\): no order can have been placed by the day of this run/);
    const recency = r.csv.trim().split('\n').slice(1).map((l) => Number(l.split(',')[3]));
    expect(Math.max(...recency)).toBeLessThan(400);
  });

  it('--as-of still decides the window when given', async () => {
    const r = await analyzeJson(log().path, '--no-clv', '--no-segments', '--as-of', '2023-06-30');
    expect(r.summary.asOf).toBe('2023-06-30');
    expect(r.log.steps.map((x: { step: string }) => x.step)).not.toContain('dated in the future');
    expect(r.log.steps.find((x: { step: string }) => x.step === 'after --as-of').rows).toBeGreaterThan(1);
  });
});

describe('a few lines decades before the rest', () => {
  const log = (early: string[]) => {
    const rows = ['order_id,customer_id,order_date,amount'];
    for (let c = 0; c < 400; c++) for (let o = 0; o < 3; o++) rows.push(`O${c}-${o},K${c},2022-${String(1 + ((c + o * 4) % 12)).padStart(2, '0')}-${String(1 + (c % 28)).padStart(2, '0')},${(10 + (c % 50)).toFixed(2)}`);
    early.forEach((day, i) => rows.push(`E${i},K${i},${day},15.00`));
    return file(`early-${early.length}.csv`, `${rows.join('\n')}\n`);
  };

  it('are a placeholder date, left out with a caution: no 1970 cohort, no 52-year tenure', async () => {
    const r = await analyzeJson(log(['1970-01-01']), '--no-clv', '--no-segments');
    expect(r.log.steps.find((x: { step: string }) => x.step === 'isolated early dates')).toMatchObject({ rows: 1, action: 'removed' });
    expect(r.summary.cautions.join(' ')).toMatch(/^1 line is left out: dated 1970-01-01, [\d,]+ days before the next line \(2022-01-01\)/);
    expect(r.summary.cohorts.cohorts[0]).toBe('2022-01');
    const tenure = r.csv.trim().split('\n').slice(1).map((l) => Number(l.split(',')[11]));
    expect(Math.max(...tenure)).toBeLessThan(366);
  });

  it('but a real early period, or a short gap, stays', async () => {
    // Two lines in 2015, 0.17% of the lines: more than ISOLATED_SHARE, so they stay (and show as a cohort).
    const many = await analyzeJson(log(['2015-03-01', '2015-03-02']), '--no-clv', '--no-segments');
    expect(many.log.steps.map((x: { step: string }) => x.step)).not.toContain('isolated early dates');
    // One line half a year early: the gap is shorter than the year that follows.
    const near = await analyzeJson(log(['2021-07-01']), '--no-clv', '--no-segments');
    expect(near.log.steps.map((x: { step: string }) => x.step)).not.toContain('isolated early dates');
    expect(near.summary.cohorts.cohorts[0]).toBe('2021-07');
  });
});

describe('an order total repeated on each line', () => {
  // A Shopify-style export: one row per line item, and the order's Total on every one of them.
  const log = (amount: 'order' | 'line') => {
    const rows = ['Name,Email,Created at,Lineitem sku,Lineitem quantity,Total'];
    for (let o = 0; o < 60; o++) {
      const items = Array.from({ length: 1 + (o % 4) }, (_, i) => ({ sku: `S${(o * 7 + i * 3) % 41}`, qty: 1 + ((o + i) % 3), price: 5 + ((o * 13 + i * 17) % 50) }));
      const total = items.reduce((t, x) => t + x.qty * x.price, 0);
      for (const x of items) rows.push(`#${1000 + o},c${o % 25}@shop.test,2023-${String(1 + (o % 12)).padStart(2, '0')}-0${1 + (o % 9)} 10:00,${x.sku},${x.qty},${(amount === 'order' ? total : x.qty * x.price).toFixed(2)}`);
    }
    return file(`repeated-${amount}.csv`, `${rows.join('\n')}\n`);
  };

  it('is named in a caution: each order would count once per line', async () => {
    const r = await analyzeJson(log('order'), '--no-clv', '--no-segments');
    expect(r.summary.cautions.join(' ')).toMatch(/Total looks like an order total repeated on each line: in 45 of 45 orders whose lines differ in product or price, every line has the same Total/);
  });

  it('a line amount is not', async () => {
    const r = await analyzeJson(log('line'), '--no-clv', '--no-segments');
    expect(r.summary.cautions.join(' ')).not.toMatch(/order total/);
  });
});

describe('a forecast longer than the history', () => {
  it('says it extrapolates, in the headline and as a warning; a full year of history does not', async () => {
    // Online Retail's first seven weeks: a 12-month forecast from them reaches far past the data.
    const text = gunzipSync(readFileSync(join(DATA, 'online-retail.csv.gz'))).toString('utf8').split('\n');
    // Descriptions hold commas inside quotes: the line's one timestamp is found by its shape.
    const early = text.filter((l, i) => i === 0 || (/\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.exec(l)?.[0] ?? '9999') < '2011-01-20');
    const r = await analyzeJson(file('seven-weeks.csv', `${early.join('\n')}\n`), '--no-segments');
    expect(r.summary.clv.best).not.toBeNull();
    expect(r.summary.findings.join(' ')).toMatch(/Over the next 12 months .*This extrapolates: the longest customer history is 7 weeks\./);
    expect(r.summary.clv.warnings.join(' ')).toMatch(/The 12-month horizon is longer than the history the models rest on \(7 weeks/);
    const full = await analyzeJson(join(DATA, 'online-retail.csv.gz'), '--no-segments');
    expect(full.summary.findings.join(' ')).not.toMatch(/extrapolates/);
  });
});

describe('order numbers shared by customers', () => {
  it('are named in a caution: per-customer counts stay right, the order totals join them', async () => {
    // Numbering restarts each year: order 1 of 2022 and order 1 of 2023 are two customers' orders.
    const rows = ['order_id,customer_id,order_date,amount'];
    for (const year of [2022, 2023]) for (let o = 0; o < 30; o++) rows.push(`${o + 1},C${year}-${o % 20},${year}-0${1 + (o % 9)}-1${o % 9},${(10 + o).toFixed(2)}`);
    const r = await analyzeJson(file('restarting.csv', `${rows.join('\n')}\n`), '--no-clv', '--no-segments');
    expect(r.summary.cautions.join(' ')).toMatch(/30 order ids belong to more than one customer \(order_id restarting by year or store/);
    const frequency = r.csv.trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
    expect(frequency.reduce((a, b) => a + b, 0)).toBe(60);
    expect(r.summary.populations.identified.orders).toBe(30);
    const unique = await analyzeJson(join(SHAPES, 'status-cancellations.csv'), '--no-clv', '--no-segments');
    expect(unique.summary.cautions.join(' ')).not.toMatch(/more than one customer/);
  });
});

describe('a log without amounts', () => {
  it('says nothing about revenue in its RFM segments and targets, and ranks the targets by size', async () => {
    // 30 customers, dates only: no amount, price or quantity column.
    const rows = ['customer_id,order_date'];
    for (let c = 0; c < 30; c++) for (let o = 0; o <= c % 6; o++) rows.push(`K${c},2023-${String(1 + ((c + 3 * o) % 12)).padStart(2, '0')}-${String(1 + (c % 27)).padStart(2, '0')}`);
    const out = join(dir, 'out-no-amounts');
    const r = await cli('analyze', file('no-amounts.csv', `${rows.join('\n')}\n`), '--out', out, '-q', '--no-clv', '--no-segments');
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    const rfm = md.slice(md.indexOf('## RFM segments'), md.indexOf('\n## ', md.indexOf('## RFM segments') + 3));
    expect(rfm).toMatch(/are the largest segment: \d+% of customers\./);
    expect(rfm).not.toMatch(/revenue/);
    const targets = md.slice(md.indexOf('**Who to target'), md.indexOf('\n\n', md.indexOf('**Who to target') + 20));
    expect(targets).not.toMatch(/share of revenue/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/Ranked by size \(the log has no amounts\)\./);
    expect(md).not.toMatch(/once-valuable|\b1 customers\b/);
  });
});

describe('customer ids that differ only in letter case', () => {
  it('are named in a caution with their number, counted independently; ids in one case get none', async () => {
    // E-mail ids typed by hand: some customers appear as 'Ann@…' on some orders and 'ann@…' on others.
    const rows = ['order_id,email,order_date,amount'];
    let order = 1;
    for (let c = 0; c < 40; c++) {
      for (let m = 1; m <= 6; m++) {
        const id = `shopper${c}@mail.example`;
        const written = c % 7 === 0 && m % 2 === 0 ? id.toUpperCase() : c % 11 === 3 && m === 5 ? `Shopper${c}@mail.example` : id;
        rows.push(`${order++},${written},2024-0${m}-1${c % 9},${(12 + c + m).toFixed(2)}`);
      }
    }
    // The independent count: ids grouped by their lower-case form, groups of more than one spelling.
    const spellings = new Map<string, Set<string>>();
    for (const line of rows.slice(1)) {
      const id = line.split(',')[1];
      const key = id.toLowerCase();
      if (!spellings.has(key)) spellings.set(key, new Set());
      spellings.get(key)!.add(id);
    }
    const groups = [...spellings.values()].filter((s) => s.size > 1).length;
    expect(groups).toBe(9);
    const r = await analyzeJson(file('emails.csv', `${rows.join('\n')}\n`), '--no-clv', '--no-segments');
    const caution = r.summary.cautions.find((c: string) => /letter case/.test(c));
    expect(caution).toMatch(new RegExp(`^${groups} customer ids have another spelling that differs only in letter case \\(e\\.g\\. \\S+ and \\S+\\): each spelling is counted as a customer of its own`));
    // Counted as the caution says: every spelling is a customer in customers.csv.
    const distinctSpellings = new Set(rows.slice(1).map((l) => l.split(',')[1])).size;
    expect(r.csv.trim().split('\n').length - 1).toBe(distinctSpellings);
    const oneCase = await analyzeJson(file('emails-lower.csv', `${rows.map((l, i) => (i === 0 ? l : l.toLowerCase())).join('\n')}\n`), '--no-clv', '--no-segments');
    expect(oneCase.summary.cautions.join(' ')).not.toMatch(/letter case/);
  });
});

describe('headers in other languages', () => {
  it('German, French, Spanish, Dutch, Italian and Portuguese twins of an export give the English figures, N° and Nº read as numéro', async () => {
    const text = readFileSync(join(SHAPES, 'catalogue-fee-words.csv'), 'utf8');
    const [, ...body] = text.split('\n');
    const english = await analyzeJson(join(SHAPES, 'catalogue-fee-words.csv'), '--no-clv', '--no-segments');
    const headers: Record<string, string> = {
      de: 'Rechnungsnummer,Artikelnummer,Bezeichnung,Menge,Rechnungsdatum,Einzelpreis,Kundennummer,Land',
      fr: 'Numéro de facture,Code produit,Désignation,Quantité,Date facture,Prix unitaire,Numéro client,Pays',
      // The abbreviated numéro and the usual word for a catalogue line.
      'fr-abbreviated': 'N° de commande,Article,Désignation,Quantité,Date commande,Prix unitaire,N° client,Pays',
      'es-abbreviated': 'Nº de pedido,Código producto,Descripción,Cantidad,Fecha pedido,Precio unitario,Nº cliente,País',
      es: 'Número de factura,Código producto,Descripción,Cantidad,Fecha factura,Precio unitario,Número cliente,País',
      nl: 'Factuurnummer,Artikelcode,Omschrijving,Aantal,Factuurdatum,Stukprijs,Klantnummer,Land',
      it: 'Numero fattura,Codice prodotto,Descrizione,Quantità,Data fattura,Prezzo unitario,Codice cliente,Paese',
      pt: 'Número da fatura,Código do produto,Descrição,Quantidade,Data da fatura,Preço unitário,Número do cliente,País',
    };
    for (const [lang, header] of Object.entries(headers)) {
      const r = await analyzeJson(file(`catalogue-${lang}.csv`, [header, ...body].join('\n')), '--no-clv', '--no-segments');
      expect(Object.keys(r.summary.roles).sort(), lang).toEqual(Object.keys(english.summary.roles).sort());
      // The same customers, features and segments: only the header differs.
      expect(r.csv, lang).toBe(english.csv);
      expect(r.summary.populations, lang).toEqual(english.summary.populations);
    }
  });
});

describe('the win-back advice follows the money', () => {
  it('frequent buyers who spent little are not called once-valuable nor put first', async () => {
    // 20 big recent buyers; 60 customers who bought small and often, long ago; 60 one-time buyers.
    const rows = ['order_id,customer_id,order_date,amount'];
    let id = 0;
    const day = (d: number) => new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    for (let c = 0; c < 20; c++) for (let o = 0; o < 12; o++) rows.push(`O${id++},BIG${c},${day(300 + o * 5 + (c % 5))},${(900 + c * 10).toFixed(2)}`);
    for (let c = 0; c < 60; c++) for (let o = 0; o < 8; o++) rows.push(`O${id++},SMALL${c},${day(o * 9 + (c % 7))},${(3 + (c % 4)).toFixed(2)}`);
    for (let c = 0; c < 60; c++) rows.push(`O${id++},ONCE${c},${day(5 * c)},${(20 + (c % 9)).toFixed(2)}`);
    const r = await analyzeJson(file('winback.csv', `${rows.join('\n')}\n`), '--no-clv', '--no-segments');
    const risk = r.summary.rfm.segments.filter((s: { segment: string }) => s.segment === 'At Risk' || s.segment === "Can't Lose Them");
    const customers = risk.reduce((t: number, s: { customers: number }) => t + s.customers, 0);
    expect(customers).toBeGreaterThan(0);
    const text = r.summary.findings.join(' ');
    expect(text).toMatch(/frequent buyers? (is|are) slipping away .* a low-cost win-back at most/);
    expect(text).not.toMatch(/once-valuable/);
    expect(r.html).toMatch(/less than half their [\d.]+% of customers, so a win-back is worth only a low-cost try/);
  });
});

describe('refunds written as negative amounts', () => {
  it('are returns netted against their customers, not prices excluded: revenue is the sum of the amounts', async () => {
    const rows = ['order_id,customer_id,order_date,amount'];
    let net = 0;
    let refunds = 0;
    let refundLines = 0;
    for (let c = 0; c < 80; c++) {
      for (let o = 0; o <= c % 3; o++) {
        const amount = 10 + ((c * 13 + o * 7) % 90) + 0.25 * (c % 4);
        rows.push(`O${c}-${o},K${c},2023-${String(1 + ((c + o) % 9)).padStart(2, '0')}-0${1 + (o % 8)},${amount.toFixed(2)}`);
        net += Math.round(amount * 100);
        if ((c + o) % 7 === 0) {
          // The whole order paid back a few days later, under its own id.
          rows.push(`R${c}-${o},K${c},2023-${String(1 + ((c + o) % 9)).padStart(2, '0')}-1${1 + (o % 8)},-${amount.toFixed(2)}`);
          net -= Math.round(amount * 100);
          refunds += Math.round(amount * 100);
          refundLines++;
        }
      }
    }
    const r = await analyzeJson(file('refunds.csv', `${rows.join('\n')}\n`), '--no-clv', '--no-segments');
    expect(refundLines).toBeGreaterThan(10);
    expect(r.summary.populations.identified.revenue).toBeCloseTo(net / 100, 6);
    expect(r.summary.populations.allLines.revenue).toBeCloseTo(net / 100, 6);
    const [header, ...body] = r.csv.trim().split('\n').map((l) => l.split(','));
    const sum = (name: string) => body.reduce((t, row) => t + Number(row[header.indexOf(name)]), 0);
    expect(sum('monetary')).toBeCloseTo(net / 100, 6);
    expect(sum('returns_value')).toBeCloseTo(refunds / 100, 6);
    const step = (name: string) => r.log.steps.find((x: { step: string }) => x.step === name);
    expect(step('zero or negative price').rows).toBe(0);
    expect(step('cancellations and returns').why).toMatch(new RegExp(`^${refundLines} return lines`));
  });
});

describe('non-product lines by structure', () => {
  it('Online Retail: fee codes and whole fee descriptions go, real products whose names hold fee words stay', async () => {
    const r = await analyzeJson(join(DATA, 'online-retail.csv.gz'), '--no-clv', '--no-segments', '--no-drivers');
    const step = r.log.steps.find((s: { step: string }) => s.step === 'non-product lines');
    const excluded = new Set((step.examples as [string, string, number, number][]).map(([code]) => code));
    for (const code of ['POST', 'M', 'DOT', 'D', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'C2']) expect(excluded, code).toContain(code);
    const descriptions = (step.examples as [string, string][]).map(([, d]) => d).join('|');
    expect(descriptions).not.toMatch(/LANTERN|CLOCK|COFFEE|TOFFEE/);
  });

  it('a catalogue whose product names contain Manual, Shipping, Discount, Sample and Fee keeps them as products', async () => {
    const r = await analyzeJson(join(SHAPES, 'catalogue-fee-words.csv'), '--no-clv', '--no-segments', '--no-drivers');
    const step = r.log.steps.find((s: { step: string }) => s.step === 'non-product lines');
    const descriptions = (step.examples as [string, string][]).map(([, d]) => d);
    expect(descriptions.length).toBeGreaterThan(0);
    for (const d of descriptions) expect(d, d).not.toMatch(/Machine|Pack|Holder|Binder|Scale|Sharpener|Ledger/i);
  });
});

describe('too little data', () => {
  it('a 3-customer file: RFM runs with a caution, concentration and segments are skipped with the reason', async () => {
    const r = await analyzeJson(join(SHAPES, 'tiny.csv'));
    expect(r.summary.concentration).toBeUndefined();
    const skipped = r.summary.skipped.map((s: { analysis: string }) => s.analysis);
    expect(skipped).toEqual(expect.arrayContaining(['Revenue concentration', 'Segments']));
    // RFM still runs: it is cautioned, not listed as skipped.
    expect(skipped).not.toContain('RFM quintiles');
    expect(r.summary.cautions).toEqual([expect.stringMatching(/RFM scores rest on only 3 customers/)]);
    expect(r.summary.findings.join(' ')).toMatch(/Caution: RFM scores rest on only 3 customers/);
    expect(r.summary.findings.join(' ')).not.toMatch(/top 1%/);
    expect(r.summary.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
  });
});

/** A CSV text cut into pieces of `rows` whole rows, the header starting the first (as io/csv.ts csvChunks). */
function csvChunks(text: string, rows: number): string[] {
  const lines = text.split('\n').slice(0, -1);
  const pieces = [lines.slice(0, rows + 1).join('\n') + '\n'];
  for (let i = rows + 1; i < lines.length; i += rows) pieces.push(lines.slice(i, i + rows).join('\n') + '\n');
  return pieces;
}

describe('the analysis audits itself', () => {
  it('a tampered customers.csv fails the revenue and count checks', async () => {
    const a = await analyze(join(SHAPES, 'tiny.csv'));
    try {
      const csv = customersCsv(a);
      const summary = summaryJson(a);
      expect(reconcile(a, { customersCsv: csv, summary }).every((c) => c.ok)).toBe(true);
      const lines = csv.trim().split('\n');
      const tampered = [lines[0], ...lines.slice(2)].join('\n') + '\n';
      const failed = reconcile(a, { customersCsv: tampered, summary }).filter((c) => !c.ok).map((c) => c.name);
      expect(failed).toEqual(expect.arrayContaining(['customer count', 'customer revenue', 'order count']));
      // Read back piece by piece, as a million customers' customers.csv is, the checks give the same verdicts.
      const pieces = csvChunks(csv, 1);
      expect(pieces.length).toBe(csv.trim().split('\n').length - 1);
      expect(reconcile(a, { customersCsv: pieces, summary })).toEqual(reconcile(a, { customersCsv: csv, summary }));
      const failedInPieces = reconcile(a, { customersCsv: csvChunks(tampered, 1), summary }).filter((c) => !c.ok).map((c) => c.name);
      expect(failedInPieces).toEqual(failed);
    } finally {
      await a.engine.close();
    }
  });

  it('a spend fit with no finite mean withholds CLV instead of promising infinite value (the check that caught it)', async () => {
    const r = await analyzeJson(join(SHAPES, 'status-cancellations.csv'), '--no-segments', '--no-drivers');
    expect(r.summary.clv.spend).toBeNull();
    expect(r.summary.clv.warnings.join(' ')).toMatch(/Gamma-Gamma fit has q = .* no finite mean/);
    expect(r.summary.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
  });

  it('the CLV section sizes the churn-risk bands, and they add up to the modelled customers', async () => {
    const r = await analyzeJson(join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--no-segments', '--no-drivers');
    const bands = r.summary.clv.scores.churnRisk.customers as Record<string, number>;
    expect(bands.low + bands.medium + bands.high).toBe(r.summary.clv.customers);
    expect(r.html).toContain('Churn risk over the next 90 days');
    expect(r.html).toContain(`${bands.high.toLocaleString('en-US')} customers (`);
  });

  it('the report has a Data checks panel', async () => {
    const r = await analyzeJson(join(SHAPES, 'status-cancellations.csv'), '--no-clv', '--no-segments', '--no-drivers');
    expect(r.html).toContain('id="checks"');
    expect(r.html).toMatch(/All \d+ checks passed/);
  });
});

describe('money is summed exactly', () => {
  it('a day whose purchase is returned in full nets to zero spend, not floating-point dust the spend model would fit', async () => {
    // 60 customers with three purchase days each; customer D's second day buys 0.1 + 0.2 and returns 0.3.
    const lines = ['InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID'];
    let inv = 1;
    for (let c = 0; c < 60; c++) {
      for (const [d, price] of [[3, 10 + (c % 7)], [20 + (c % 9), 12 + (c % 5)], [50 + (c % 11), 9 + (c % 3)]]) lines.push(`${inv++},P${c % 4},1,2024-01-${String(1 + (d % 28)).padStart(2, '0')} 10:00,${price},C${c}`);
    }
    lines.push(`${inv++},P1,1,2024-02-10 10:00,0.1,D`, `${inv++},P2,1,2024-02-20 10:00,0.1,D`, `${inv++},P3,1,2024-02-20 11:00,0.2,D`, `C${inv++},P4,-1,2024-02-20 12:00,0.3,D`);
    const path = file('dust.csv', lines.join('\n') + '\n');
    const r = await cli('clv', path, '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    // 0.1 + 0.2 - 0.3 is 5.6e-17 in doubles: customer D would enter the spend model with a mean spend of 5.6e-17.
    expect(0.1 + 0.2 - 0.3).toBeGreaterThan(0);
    expect(j.spend.excluded).toBe(1);
  });
});
