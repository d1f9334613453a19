import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { csvPieces, customersForLines, orderLineChunks, orderLinesCsv, ordersCsvHeader, ORDERS_DEFAULTS, planOrders, type OrdersOptions, type OrdersTruth } from '../../src/synth/orders.js';
import { analyze, type Analysis } from '../../src/pipeline/analyze.js';
import { cli, tempDir } from '../helpers/cli.js';

/** The whole export as text, straight from the core. */
function generate(options: OrdersOptions): { text: string; truth: OrdersTruth } {
  const plan = planOrders(options);
  const pieces = csvPieces(plan);
  const parts: Buffer[] = [Buffer.from(ordersCsvHeader())];
  for (const chunk of orderLineChunks(plan)) parts.push(Buffer.from(orderLinesCsv(pieces, chunk)));
  return { text: Buffer.concat(parts).toString('utf8'), truth: plan.truth };
}

interface Line {
  invoice: string;
  code: string;
  description: string;
  quantity: number;
  date: string;
  price: number;
  customer: string;
  country: string;
}

function parse(text: string): Line[] {
  const rows = text.trimEnd().split('\n');
  expect(rows[0]).toBe('InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country');
  return rows.slice(1).map((row) => {
    const f = row.split(',');
    expect(f).toHaveLength(8);
    return { invoice: f[0], code: f[1], description: f[2], quantity: Number(f[3]), date: f[4], price: Number(f[5]), customer: f[6], country: f[7] };
  });
}

const DAY_MS = 86_400_000;
const dayOf = (date: string) => Date.parse(date.slice(0, 10) + 'T00:00:00Z') / DAY_MS;

describe('synth orders: the shape of an order-line export', () => {
  const { text, truth } = generate({ customers: 6000, seed: 5 });
  const lines = parse(text);
  const sales = lines.filter((l) => !l.invoice.startsWith('C'));
  const returns = lines.filter((l) => l.invoice.startsWith('C'));

  it('is identical for a seed and differs between seeds', () => {
    const hash = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(hash(generate({ customers: 6000, seed: 5 }).text)).toBe(hash(text));
    const other = generate({ customers: 6000, seed: 6 }).text;
    expect(hash(other)).not.toBe(hash(text));
    // Not merely shifted: the first order already differs.
    expect(other.split('\n')[1]).not.toBe(text.split('\n')[1]);
  });

  it('counts what it says it drew', () => {
    expect(truth.realized.lines).toBe(lines.length);
    expect(truth.realized.cancelLines).toBe(returns.length);
    expect(truth.realized.guestLines).toBe(lines.filter((l) => l.customer === '').length);
    expect(new Set(sales.filter((l) => l.customer !== '').map((l) => l.customer)).size).toBe(6000);
    expect(new Set(sales.map((l) => l.invoice)).size).toBe(truth.realized.orders + truth.realized.guestOrders);
    expect(new Set(returns.map((l) => l.invoice)).size).toBe(truth.realized.cancellations);
  });

  it('has several lines per order, in time order, one customer, date and country per invoice', () => {
    const byInvoice = new Map<string, Line[]>();
    for (const l of lines) byInvoice.set(l.invoice, [...(byInvoice.get(l.invoice) ?? []), l]);
    const saleSizes = [...byInvoice.entries()].filter(([k]) => !k.startsWith('C')).map(([, v]) => v.length);
    const mean = saleSizes.reduce((a, b) => a + b, 0) / saleSizes.length;
    expect(mean).toBeGreaterThan(2.5);
    expect(mean).toBeLessThan(ORDERS_DEFAULTS.linesPerOrder + 0.3);
    expect(saleSizes.filter((n) => n >= 5).length / saleSizes.length).toBeGreaterThan(0.1);
    for (const [, ls] of byInvoice) {
      expect(new Set(ls.map((l) => `${l.customer}|${l.date}|${l.country}`)).size).toBe(1);
      expect(new Set(ls.map((l) => l.code)).size).toBe(ls.length);
    }
    for (let i = 1; i < lines.length; i++) expect(lines[i].date >= lines[i - 1].date).toBe(true);
    const numbers = [...byInvoice.keys()].map((k) => Number(k.replace(/^C/, '')));
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1] + 1);
    expect(lines[0].date >= '2023-01-01').toBe(true);
    expect(lines.at(-1)!.date < '2025-01-01').toBe(true);
  });

  it('gives every product one code, one name and one unit price, with long-tail popularity', () => {
    const seen = new Map<string, string>();
    const count = new Map<string, number>();
    for (const l of lines) {
      const key = `${l.description}|${l.price}`;
      expect(seen.get(l.code) ?? key).toBe(key);
      seen.set(l.code, key);
      if (l.quantity > 0) count.set(l.code, (count.get(l.code) ?? 0) + 1);
      expect(l.price).toBeGreaterThan(0);
    }
    // Zipf: log(lines) against log(rank) has slope -s over the head of the catalogue.
    const sorted = [...count.values()].sort((a, b) => b - a).slice(0, 200);
    const xs = sorted.map((_, k) => Math.log(k + 1));
    const ys = sorted.map((v) => Math.log(v));
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
    }
    expect(sxy / sxx).toBeGreaterThan(-ORDERS_DEFAULTS.zipf - 0.2);
    expect(sxy / sxx).toBeLessThan(-ORDERS_DEFAULTS.zipf + 0.2);
    expect(sorted[0] / sales.length).toBeGreaterThan(0.02);
  });

  it("cancels with 'C' invoices that net an earlier line of the same customer", () => {
    const bought = new Map<string, { day: number; quantity: number }[]>();
    for (const l of sales) {
      const key = `${l.customer}|${l.code}|${l.country}`;
      bought.set(key, [...(bought.get(key) ?? []), { day: dayOf(l.date), quantity: l.quantity }]);
    }
    for (const l of returns) {
      expect(l.quantity).toBeLessThan(0);
      const earlier = (bought.get(`${l.customer}|${l.code}|${l.country}`) ?? []).filter((b) => b.day < dayOf(l.date) && b.quantity >= -l.quantity);
      expect(earlier.length).toBeGreaterThan(0);
    }
    // Share of orders cancelled as planted (binomial, 4 standard errors); the few whose cancellation would fall
    // after the window end are not cancelled, so the realised share sits a little below.
    const orders = truth.realized.orders + truth.realized.guestOrders;
    const p = truth.planted.cancelShare;
    const se = Math.sqrt((p * (1 - p)) / orders);
    expect(truth.realized.cancellations / orders).toBeGreaterThan(p - 4 * se - 0.002);
    expect(truth.realized.cancellations / orders).toBeLessThan(p + 4 * se);
    expect(returns.length / lines.length).toBeGreaterThan(0.005);
    expect(returns.length / lines.length).toBeLessThan(0.03);
  });

  it('has a small share of lines without a customer id', () => {
    const share = truth.realized.guestLines! / lines.length;
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.08);
  });

  it('spreads customers over countries with the planted skewed mix', () => {
    const countryOf = new Map<string, string>();
    for (const l of sales) if (l.customer) countryOf.set(l.customer, l.country);
    const n = countryOf.size;
    for (const c of ORDERS_DEFAULTS.countries) {
      const k = [...countryOf.values()].filter((v) => v === c.name).length;
      expect(Math.abs(k / n - c.share)).toBeLessThan(4 * Math.sqrt((c.share * (1 - c.share)) / n) + 1e-9);
    }
    expect(truth.realized.customersByCountry['United Kingdom']).toBe([...countryOf.values()].filter((v) => v === 'United Kingdom').length);
  });

  it('joins customers by the planted season (a Q4 peak) and growth; orders peak in Q4', () => {
    // Expected first purchases per month, computed here from the planted factors: month × weekday × linear growth.
    const start = dayOf('2023-01-01');
    const days = truth.window.days;
    const expected = new Map<string, number>();
    let total = 0;
    for (let d = 0; d < days; d++) {
      const date = new Date((start + d) * DAY_MS);
      const w = ORDERS_DEFAULTS.monthFactors[date.getUTCMonth()] * ORDERS_DEFAULTS.weekdayFactors[(date.getUTCDay() + 6) % 7] * (1 + ((ORDERS_DEFAULTS.growth - 1) * d) / (days - 1));
      const key = date.toISOString().slice(0, 7);
      expected.set(key, (expected.get(key) ?? 0) + w);
      total += w;
    }
    const first = new Map<string, string>();
    for (const l of sales) if (l.customer && !first.has(l.customer)) first.set(l.customer, l.date.slice(0, 7));
    const n = first.size;
    for (const [month, w] of expected) {
      const p = w / total;
      const k = [...first.values()].filter((m) => m === month).length;
      expect(Math.abs(k - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    }
    const ordersIn = (months: string[]) => new Set(sales.filter((l) => months.includes(l.date.slice(5, 7))).map((l) => l.invoice)).size;
    expect(ordersIn(['11']) / ordersIn(['02'])).toBeGreaterThan(1.4);
    expect(ordersIn(['10', '11', '12']) / ordersIn(['04', '05', '06'])).toBeGreaterThan(1.2);
  });

  it('follows the planted weekday and hour pattern', () => {
    const invoices = new Map<string, string>();
    for (const l of sales) invoices.set(l.invoice, l.date);
    const weekday = new Array(7).fill(0);
    const hour = new Array(24).fill(0);
    for (const date of invoices.values()) {
      weekday[(new Date(date.slice(0, 10) + 'T00:00:00Z').getUTCDay() + 6) % 7]++;
      hour[Number(date.slice(11, 13))]++;
    }
    const wsum = ORDERS_DEFAULTS.weekdayFactors.reduce((a, b) => a + b, 0);
    // Same-day repeat purchases move to the next day, which shifts about 1% of orders.
    ORDERS_DEFAULTS.weekdayFactors.forEach((f, k) => expect(Math.abs(weekday[k] / invoices.size - f / wsum)).toBeLessThan(0.012));
    const hsum = ORDERS_DEFAULTS.hourWeights.reduce((a, b) => a + b, 0);
    ORDERS_DEFAULTS.hourWeights.forEach((w, h) => {
      if (w === 0) expect(hour[h]).toBe(0);
      else expect(Math.abs(hour[h] / invoices.size - w / hsum)).toBeLessThan(0.01);
    });
  });

  it('sizes a --lines request from a pilot', () => {
    const customers = customersForLines(60_000, { seed: 9 });
    const { truth: t } = generate({ customers, seed: 9 });
    expect(Math.abs(t.realized.lines! / 60_000 - 1)).toBeLessThan(0.05);
  });

  it('refuses impossible settings', () => {
    expect(() => planOrders({ customers: 0 })).toThrow(/customers/);
    expect(() => planOrders({ customers: 10, start: '2024-02-30' })).toThrow(/not a date/);
    expect(() => planOrders({ customers: 10, start: '2024-01-01', end: '2024-01-10' })).toThrow(/shorter than 4 weeks/);
    expect(() => planOrders({ customers: 10, gammaGamma: { p: 1, q: -1, gamma: 1 } })).toThrow(/q must be a positive/);
  });
});

describe('synth orders through the CLI, read back by clientele', () => {
  let dir: string;
  let truth: OrdersTruth;
  const analyses: Record<string, Analysis> = {};
  const N = 4000;

  beforeAll(async () => {
    dir = tempDir('clientele-synth-');
    for (const ext of ['csv', 'csv.gz', 'parquet']) {
      const r = await cli('synth', 'orders', '--customers', String(N), '--seed', '7', '--out', join(dir, `orders.${ext}`), '--truth', join(dir, `truth-${ext}.json`));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/lines, 4,000 customers/);
    }
    truth = JSON.parse(readFileSync(join(dir, 'truth-csv.json'), 'utf8')) as OrdersTruth;
    for (const ext of ['csv', 'csv.gz', 'parquet']) analyses[ext] = await analyze(join(dir, `orders.${ext}`), { asOf: '2024-12-31' });
    return async () => {
      for (const a of Object.values(analyses)) await a.engine.close();
    };
  }, 60_000);

  it('writes the same bytes for the same seed in every format, and no temp files', async () => {
    expect(readFileSync(join(dir, 'truth-csv.json'), 'utf8')).toBe(readFileSync(join(dir, 'truth-parquet.json'), 'utf8'));
    const csv = readFileSync(join(dir, 'orders.csv'));
    expect(gunzipSync(readFileSync(join(dir, 'orders.csv.gz'))).equals(csv)).toBe(true);
    expect((await cli('synth', 'orders', '--customers', String(N), '--seed', '7', '--out', join(dir, 'again.csv.gz'), '-q')).code).toBe(0);
    expect(readFileSync(join(dir, 'again.csv.gz')).equals(readFileSync(join(dir, 'orders.csv.gz')))).toBe(true);
    expect((await cli('synth', 'orders', '--customers', String(N), '--seed', '7', '--out', join(dir, 'again.parquet'), '-q')).code).toBe(0);
    expect(readFileSync(join(dir, 'again.parquet')).equals(readFileSync(join(dir, 'orders.parquet')))).toBe(true);
    expect((await cli('synth', 'orders', '--customers', String(N), '--seed', '8', '--out', join(dir, 'other.csv'), '-q')).code).toBe(0);
    expect(readFileSync(join(dir, 'other.csv')).equals(csv)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('is read as an order log with every role detected by name, the same from all three formats', async () => {
    for (const a of Object.values(analyses)) {
      expect(a.detection.shape).toBe('order-log');
      expect(a.detection.roles).toMatchObject({ order: 'InvoiceNo', product: 'StockCode', description: 'Description', quantity: 'Quantity', timestamp: 'InvoiceDate', price: 'UnitPrice', customer: 'CustomerID', country: 'Country' });
    }
    const figures = (a: Analysis) => ({
      populations: a.populations,
      steps: a.cleaning!.steps.map((s) => [s.step, s.rows]),
      customers: a.customers.rows,
      rfm: a.rfm!.segments.map((s) => [s.segment, s.customers]),
    });
    const csv = figures(analyses.csv);
    for (const ext of ['csv.gz', 'parquet']) {
      const other = figures(analyses[ext]);
      expect(other.steps).toEqual(csv.steps);
      expect(other.customers).toBe(csv.customers);
      expect(other.rfm).toEqual(csv.rfm);
      expect(other.populations!.allLines.lines).toBe(csv.populations!.allLines.lines);
      expect(other.populations!.allLines.orders).toBe(csv.populations!.allLines.orders);
      expect(other.populations!.allLines.revenue).toBeCloseTo(csv.populations!.allLines.revenue!, 4);
      expect(other.populations!.identified.revenue).toBeCloseTo(csv.populations!.identified.revenue!, 4);
    }
    for (const ext of ['csv', 'parquet']) {
      const p = await cli('profile', join(dir, `orders.${ext}`), '--json');
      expect(p.code).toBe(0);
      expect(JSON.parse(p.stdout).rows).toBe(truth.realized.lines);
    }
  });

  it('has the requested customers and the planted lines, cancellations and anonymous lines', () => {
    const a = analyses.csv;
    const step = (name: string) => a.cleaning!.steps.find((s) => s.step === name)!.rows;
    expect(a.customers.rows).toBe(N);
    expect(a.populations!.identified.customers).toBe(N);
    expect(a.populations!.allLines.lines).toBe(truth.realized.lines);
    expect(step('read')).toBe(truth.realized.lines);
    expect(step('duplicates')).toBe(0);
    expect(step('cancellations and returns')).toBe(truth.realized.cancelLines);
    expect(step('missing customer id')).toBe(truth.realized.guestLines);
    expect(step('non-product lines')).toBe(0);
    expect(step('zero or negative price')).toBe(0);
    expect(a.populations!.allLines.orders).toBe(truth.realized.orders + truth.realized.guestOrders);
    expect(a.facts.invoices).toBe(truth.realized.orders + truth.realized.guestOrders + truth.realized.cancellations);
  });

  it('recovers the planted BG/NBD and Gamma-Gamma parameters through clientele clv', async () => {
    const r = await cli('clv', join(dir, 'orders.csv'), '--as-of', '2024-12-31', '--model', 'bgnbd', '--json', '-q');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.customers).toBe(N);
    const bg = j.models[0];
    expect(bg.kind).toBe('bgnbd');
    expect(bg.health.healthy).toBe(true);
    const t = truth.bgnbd;
    expect(t.timeUnit).toBe(j.timeUnit);
    // Each parameter within 3 of its standard errors and within a band set by the noise at 4,000 customers
    // (a and b are the least determined: SE about 20%); the means they imply are much tighter.
    const rel = { r: 0.15, alpha: 0.15, a: 0.45, b: 0.45 } as const;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(bg.params[k] - t[k])).toBeLessThan(3 * bg.standardErrors[k]);
      expect(Math.abs(bg.params[k] / t[k] - 1)).toBeLessThan(rel[k]);
    }
    expect(Math.abs(bg.params.r / bg.params.alpha / (t.r / t.alpha) - 1)).toBeLessThan(0.08);
    expect(Math.abs(bg.params.a / (bg.params.a + bg.params.b) / (t.a / (t.a + t.b)) - 1)).toBeLessThan(0.15);
    const gg = j.spend;
    const g = truth.gammaGamma;
    const relG = { p: 0.3, q: 0.2, gamma: 0.3 } as const;
    for (const k of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(gg.params[k] - g[k])).toBeLessThan(3 * gg.standardErrors[k]);
      expect(Math.abs(gg.params[k] / g[k] - 1)).toBeLessThan(relG[k]);
    }
    // Mean spend per transaction, p γ / (q - 1).
    const mean = (x: { p: number; q: number; gamma: number }) => (x.p * x.gamma) / (x.q - 1);
    expect(Math.abs(mean(gg.params) / mean(g) - 1)).toBeLessThan(0.06);
  }, 30_000);

  it('sizes --lines runs near the request', async () => {
    const r = await cli('synth', 'orders', '--lines', '30000', '--seed', '3', '--out', join(dir, 'lines.csv'), '--truth', join(dir, 'lines.json'), '-q');
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(readFileSync(join(dir, 'lines.json'), 'utf8')) as OrdersTruth;
    expect(Math.abs(t.realized.lines! / 30_000 - 1)).toBeLessThan(0.06);
    expect(readFileSync(join(dir, 'lines.csv'), 'utf8').trimEnd().split('\n').length - 1).toBe(t.realized.lines);
  });

  it('keeps synth customers and aggregates working', async () => {
    const r = await cli('synth', 'aggregates', '--seed', '3');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(5001);
    const c = await cli('synth', 'customers', '--rows', '50', '--out', join(dir, 'c.csv'));
    expect(c.code).toBe(0);
    expect(readFileSync(join(dir, 'c.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(51);
  });

  it('refuses bad flags with one line and exit 2, writing nothing', async () => {
    const bad: [string[], RegExp][] = [
      [['--customers', '0'], /--customers '0' is not a whole number from 1/],
      [['--customers', '12.5'], /--customers '12.5' is not a whole number/],
      [['--lines', 'many'], /--lines 'many' is not a whole number/],
      [['--customers', '10', '--lines', '1000'], /--customers or --lines, not both/],
      [['--rows', '10'], /--rows is for synth customers and aggregates/],
      [['--seed', '-1'], /--seed '-1' is not a non-negative whole number/],
      [['--start', '2024-13-01'], /--start '2024-13-01' is not a date/],
      [['--start', '2024-06-01', '--end', '2024-06-10'], /shorter than 4 weeks/],
      [['--out', 'SKIP'], /synth orders needs --out FILE/],
      [['--out', join(dir, 'bad.txt')], /does not end in \.csv, \.csv\.gz or \.parquet/],
      [['--out', join(dir, 'missing', 'x.csv')], /the directory .* does not exist/],
      [['--truth', join(dir, 'nowhere', 't.json')], /the directory .* does not exist/],
    ];
    for (const [flags, message] of bad) {
      const out = flags.includes('--out') ? [] : ['--out', join(dir, 'refused.csv')];
      const argv = ['synth', 'orders', ...out, ...flags].filter((f, i, all) => f !== 'SKIP' && all[i + 1] !== 'SKIP');
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'refused.csv'))).toBe(false);
    const wrongKind = await cli('synth', 'customers', '--customers', '10');
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toMatch(/--customers is for synth orders, not synth customers\. Use --rows/);
    expect((await cli('synth', 'invoices')).stderr).toMatch(/not customers, aggregates or orders/);
  });
});
