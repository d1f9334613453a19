/**
 * A realistic order-line export in the shape of UCI Online Retail (InvoiceNo, StockCode, Description, Quantity,
 * InvoiceDate, UnitPrice, CustomerID, Country) with planted truth, for scale benchmarks and for checking that the
 * pipeline recovers what was put in.
 *
 * Customers join over the window (cohorts growing over time, more of them in Q4). From the first purchase on, each
 * buys by the BG/NBD process: Poisson repeat purchases at rate λ ~ Gamma(r, α) per week, after each repeat purchase
 * dropping out with probability p ~ Beta(a, b). Order values are Gamma(p, ν) with ν ~ Gamma(q, γ) per customer
 * (Gamma-Gamma). The monthly season (a Q4 peak) is in when customers join and when guests buy, not in repeat
 * timing: a seasonal repeat rate biases a homogeneous BG/NBD fit (on 50,000 customers with a Nov/Feb ratio of 1.9,
 * a came out 0.52 for 0.70, 7 standard errors). Repeat purchases follow the weekday pattern, scaled to a mean of 1
 * so λ stays the mean rate; it averages out within each week, the fit's time unit. The hour changes times within a day.
 *
 * Generation is two passes so memory grows with orders, not lines: `planOrders` draws every order's customer
 * and minute and sorts them by time; `orderLineChunks` then expands orders into lines in time order, each order
 * from its own seeded stream, so a cancellation can regenerate the lines it nets without keeping them.
 */
import { Random } from '../random.js';

export interface BgNbdTruth {
  /** Shape and rate (per week) of the Gamma distribution of purchase rates. */
  r: number;
  alpha: number;
  /** Beta distribution of the dropout probability after each repeat purchase. */
  a: number;
  b: number;
}

export interface GammaGammaTruth {
  p: number;
  q: number;
  gamma: number;
}

export interface Country {
  name: string;
  share: number;
}

export interface OrdersOptions {
  /** Identified customers; each has at least one order in the window. */
  customers: number;
  seed?: number;
  /** First and last observed day, YYYY-MM-DD, inclusive. */
  start?: string;
  end?: string;
  bgnbd?: BgNbdTruth;
  gammaGamma?: GammaGammaTruth;
  /** Share of orders cancelled (wholly or in part) by a later 'C' invoice. */
  cancelShare?: number;
  /** Share of orders placed without a customer id (guest checkouts). */
  guestShare?: number;
  /** Mean lines per order. */
  linesPerOrder?: number;
  products?: number;
  /** Zipf exponent of product popularity (weight of rank k ∝ 1 / (k + 1)^s). */
  zipf?: number;
  countries?: readonly Country[];
  /** Relative rate of acquisitions (first purchases) and guest orders by month, January first. */
  monthFactors?: readonly number[];
  /** Relative rate of every kind of order by weekday, Monday first. */
  weekdayFactors?: readonly number[];
  /** Relative share of orders by hour of day, 0..23. */
  hourWeights?: readonly number[];
  /** Acquisitions at the end of the window relative to its start, 1 for a flat rate. */
  growth?: number;
}

/** Defaults: a UK online retailer over two years; a customer buys about every 16 weeks, about 3 orders each. */
export const ORDERS_DEFAULTS: Readonly<Required<Omit<OrdersOptions, 'customers'>>> = {
  seed: 42,
  start: '2023-01-01',
  end: '2024-12-31',
  bgnbd: { r: 0.9, alpha: 14, a: 0.7, b: 3.5 },
  gammaGamma: { p: 4.5, q: 4, gamma: 100 },
  cancelShare: 0.03,
  guestShare: 0.05,
  linesPerOrder: 3.2,
  products: 4000,
  zipf: 1.05,
  countries: [
    { name: 'United Kingdom', share: 0.82 },
    { name: 'Germany', share: 0.045 },
    { name: 'France', share: 0.04 },
    { name: 'EIRE', share: 0.025 },
    { name: 'Spain', share: 0.014 },
    { name: 'Netherlands', share: 0.012 },
    { name: 'Belgium', share: 0.01 },
    { name: 'Switzerland', share: 0.008 },
    { name: 'Portugal', share: 0.007 },
    { name: 'Australia', share: 0.006 },
    { name: 'Norway', share: 0.005 },
    { name: 'Italy', share: 0.004 },
    { name: 'Sweden', share: 0.003 },
    { name: 'Denmark', share: 0.001 },
  ],
  monthFactors: [0.7, 0.62, 0.85, 0.8, 0.85, 0.8, 0.78, 0.82, 1.1, 1.35, 2.2, 1.85],
  weekdayFactors: [1.05, 1.15, 1.12, 1.25, 0.95, 0.4, 0.8],
  hourWeights: [0, 0, 0, 0, 0, 0, 0.2, 1.2, 3.5, 6, 9, 10, 11, 10.5, 9, 8, 6, 4, 2.4, 1.6, 1, 0.5, 0.2, 0],
  growth: 1.6,
};

const CANCEL = {
  /** Days after its order beyond the first: at least one day, so a purchase day's spend is the order's value. */
  meanExtraDays: 6,
  /** Each line of a cancelled order is cancelled with this probability (at least one line is). */
  lineShare: 0.5,
  /** A cancelled line returns its whole quantity with this probability, otherwise part of it. */
  wholeLine: 0.7,
};
/** Lines per order are 1 + negative binomial with this shape, at most MAX_LINES. */
const LINES_SHAPE = 1.5;
const MAX_LINES = 80;
/** The first CustomerID and InvoiceNo. */
const FIRST = { customer: 10001, invoice: 500001 };
const MINUTES_PER_DAY = 1440;
/** Event keys pack minute × 2^30 + event index into a double; both stay exact below 2^53. */
const EVENT_BITS = 2 ** 30;
const MAX_DAYS = Math.floor(2 ** 23 / MINUTES_PER_DAY);

export interface OrdersTruth {
  format: 'clientele-synth-orders';
  version: 1;
  seed: number;
  customers: number;
  window: { start: string; end: string; days: number };
  /** BG/NBD parameters in weeks, the time unit `clientele clv` uses by default. */
  bgnbd: BgNbdTruth & { timeUnit: 'weeks' };
  gammaGamma: GammaGammaTruth;
  planted: {
    cancelShare: number;
    guestShare: number;
    linesPerOrder: number;
    products: number;
    zipf: number;
    growth: number;
    countries: Country[];
    monthFactors: number[];
    weekdayFactors: number[];
    hourWeights: number[];
  };
  /** Counts of what was drawn: orders and cancellations from the plan; lines once every chunk has been generated. */
  realized: {
    orders: number;
    guestOrders: number;
    /** Cancelled orders whose 'C' invoice falls inside the window. */
    cancellations: number;
    customersByCountry: Record<string, number>;
    lines?: number;
    saleLines?: number;
    cancelLines?: number;
    guestLines?: number;
  };
}

export interface Catalogue {
  readonly size: number;
  readonly code: string[];
  readonly description: string[];
  readonly priceCents: Int32Array;
  /** Cumulative popularity by rank (last entry 1) and the product at each rank. */
  readonly rankCdf: Float64Array;
  readonly productAtRank: Int32Array;
}

export interface OrdersPlan {
  readonly truth: OrdersTruth;
  readonly catalogue: Catalogue;
  /** Day number (days since the Unix epoch) of the first day. */
  readonly startDay: number;
  readonly days: number;
  readonly countries: readonly string[];
  readonly customerNu: Float64Array;
  readonly customerCountry: Uint8Array;
  /** Per order: customer index (-1 for a guest) and minute since the window start. */
  readonly orderCustomer: Int32Array;
  readonly orderMinute: Int32Array;
  readonly orderCount: number;
  /** Per cancellation: the order it cancels and its minute. */
  readonly cancelOrder: Int32Array;
  readonly cancelMinute: Int32Array;
  readonly cancelCount: number;
  /** Events in time order: e < orderCount is order e, otherwise cancellation e - orderCount. */
  readonly sequence: Int32Array;
  readonly seed: number;
  readonly gammaGamma: GammaGammaTruth;
  readonly linesPerOrder: number;
  readonly countryCdf: Float64Array;
}

/** One chunk of lines in time order; the arrays are reused for the next chunk. */
export interface OrderLineChunk {
  length: number;
  invoice: Int32Array;
  cancel: Uint8Array;
  product: Int32Array;
  /** Negative on cancellation lines. */
  quantity: Int32Array;
  minute: Int32Array;
  /** Customer index, -1 without a customer id. */
  customer: Int32Array;
  country: Uint8Array;
}

export interface OrderLineStats {
  lines: number;
  saleLines: number;
  cancelLines: number;
  guestLines: number;
}

export class OrdersOptionError extends RangeError {}

function parseDay(s: string, name: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== s) throw new OrdersOptionError(`${name} '${s}' is not a date YYYY-MM-DD`);
  return t / 86_400_000;
}

function positive(v: number, name: string): number {
  if (!(Number.isFinite(v) && v > 0)) throw new OrdersOptionError(`${name} must be a positive number, got ${v}`);
  return v;
}

function share(v: number, name: string, max = 0.9): number {
  if (!(Number.isFinite(v) && v >= 0 && v <= max)) throw new OrdersOptionError(`${name} must be from 0 to ${max}, got ${v}`);
  return v;
}

/** A seed per order from (seed, index): a bijection of the index, so orders never share a stream. */
function orderSeed(seed: number, index: number): number {
  return fmix32((Math.imul(index, 0x9e3779b1) ^ fmix32(seed ^ 0x5bd1e995)) >>> 0);
}

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Smallest index i with cdf[i] > u. */
function searchCdf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(weights: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) cdf[i] = s += weights[i];
  for (let i = 0; i < cdf.length; i++) cdf[i] /= s;
  cdf[cdf.length - 1] = 1;
  return cdf;
}

/** Growable Int32 column. */
class IntColumn {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

const COLOURS = ['WHITE', 'RED', 'PINK', 'BLUE', 'GREEN', 'IVORY', 'BLACK', 'CREAM', 'SILVER', 'GOLD', 'PURPLE', 'YELLOW', 'ORANGE', 'GREY'];
const STYLES = [
  'HANGING', 'VINTAGE', 'RETRO', 'REGENCY', 'FLORAL', 'SPOTTY', 'STRIPED', 'PAISLEY', 'HEART', 'STAR', 'GINGHAM', 'ENAMEL',
  'WOODEN', 'GLASS', 'METAL', 'CERAMIC', 'KNITTED', 'PAPER', 'LACE', 'DOTCOM',
];
const NOUNS = [
  'T-LIGHT HOLDER', 'LANTERN', 'COAT HANGER', 'HOT WATER BOTTLE', 'TEACUP AND SAUCER', 'CAKE STAND', 'LUNCH BAG', 'JUMBO BAG',
  'NAPKINS', 'BUNTING', 'DOORSTOP', 'PHOTO FRAME', 'WALL CLOCK', 'ALARM CLOCK', 'CANDLE', 'PLATE', 'MUG', 'JAM JAR',
  'STORAGE TIN', 'TRINKET BOX', 'NOTEBOOK', 'PENCIL CASE', 'GIFT WRAP', 'PARTY CUPS', 'CUSHION COVER', 'TEA TOWEL', 'APRON',
  'PURSE', 'KEY RING', 'BIRD ORNAMENT', 'CHRISTMAS BAUBLE', 'SNOW GLOBE', 'BAKING SET', 'CHOPSTICKS', 'DOOR MAT', 'WATERING CAN',
  'PLANT POT', 'DRAWER KNOB', 'CHALKBOARD', 'MIRROR',
];
export const MAX_PRODUCTS = COLOURS.length * STYLES.length * NOUNS.length;

/** Product codes, names and fixed unit prices, and Zipf popularity over a random ranking; depends on the seed only. */
export function buildCatalogue(size: number, zipf: number, seed: number): Catalogue {
  if (!Number.isInteger(size) || size < 10 || size > MAX_PRODUCTS) throw new OrdersOptionError(`products must be a whole number from 10 to ${MAX_PRODUCTS}, got ${size}`);
  const rng = new Random(fmix32(seed ^ 0x27d4eb2f));
  const numbers = rng.shuffle(Int32Array.from({ length: 90_000 }, (_, i) => 10_000 + i));
  const names = rng.shuffle(Int32Array.from({ length: MAX_PRODUCTS }, (_, i) => i));
  const code: string[] = [];
  const description: string[] = [];
  const priceCents = new Int32Array(size);
  const nounPrice = NOUNS.map(() => Math.exp(rng.normal(Math.log(4), 0.6)));
  for (let i = 0; i < size; i++) {
    // Some codes carry a variant letter, as in the retail export (85123A).
    const u = rng.uniform();
    code.push(String(numbers[i]) + (u < 0.2 ? 'ABCDEFG'[Math.floor(u * 35)] : ''));
    const k = names[i];
    const noun = k % NOUNS.length;
    const style = Math.floor(k / NOUNS.length) % STYLES.length;
    const colour = Math.floor(k / (NOUNS.length * STYLES.length));
    description.push(`${COLOURS[colour]} ${STYLES[style]} ${NOUNS[noun]}`);
    priceCents[i] = Math.max(19, Math.round(100 * nounPrice[noun] * Math.exp(rng.normal(0, 0.5))));
  }
  const weights = Float64Array.from({ length: size }, (_, k) => 1 / Math.pow(k + 1, zipf));
  return { size, code, description, priceCents, rankCdf: cumulative(weights), productAtRank: rng.shuffle(Int32Array.from({ length: size }, (_, i) => i)) };
}

interface Settings {
  customers: number;
  seed: number;
  startDay: number;
  days: number;
  bgnbd: BgNbdTruth;
  gammaGamma: GammaGammaTruth;
  cancelShare: number;
  guestShare: number;
  linesPerOrder: number;
  products: number;
  zipf: number;
  countries: Country[];
  monthFactors: number[];
  weekdayFactors: number[];
  hourWeights: number[];
  growth: number;
  start: string;
  end: string;
}

function settings(options: OrdersOptions): Settings {
  const d = ORDERS_DEFAULTS;
  const customers = options.customers;
  if (!Number.isInteger(customers) || customers < 1 || customers > 50_000_000) throw new OrdersOptionError(`customers must be a whole number from 1 to 50,000,000, got ${customers}`);
  const seed = options.seed ?? d.seed;
  if (!Number.isInteger(seed) || seed < 0) throw new OrdersOptionError(`seed must be a non-negative whole number, got ${seed}`);
  const start = options.start ?? d.start;
  const end = options.end ?? d.end;
  const startDay = parseDay(start, 'start');
  const endDay = parseDay(end, 'end');
  const days = endDay - startDay + 1;
  if (days < 28) throw new OrdersOptionError(`the window ${start} to ${end} is shorter than 4 weeks`);
  if (days > MAX_DAYS) throw new OrdersOptionError(`the window ${start} to ${end} is longer than ${Math.floor(MAX_DAYS / 365)} years`);
  const bg = options.bgnbd ?? d.bgnbd;
  const gg = options.gammaGamma ?? d.gammaGamma;
  for (const [k, v] of Object.entries({ ...bg, ...gg })) positive(v, k);
  const list = (v: readonly number[], n: number, name: string): number[] => {
    if (v.length !== n || v.some((x) => !(Number.isFinite(x) && x >= 0)) || !v.some((x) => x > 0)) throw new OrdersOptionError(`${name} must be ${n} non-negative numbers, not all zero`);
    return [...v];
  };
  const countries = [...(options.countries ?? d.countries)];
  if (countries.length === 0 || countries.length > 255) throw new OrdersOptionError('countries must list 1 to 255 countries');
  list(countries.map((c) => c.share), countries.length, 'country shares');
  const linesPerOrder = positive(options.linesPerOrder ?? d.linesPerOrder, 'linesPerOrder');
  if (linesPerOrder < 1 || linesPerOrder > 40) throw new OrdersOptionError(`linesPerOrder must be from 1 to 40, got ${linesPerOrder}`);
  return {
    customers, seed, startDay, days, start, end,
    bgnbd: { ...bg },
    gammaGamma: { ...gg },
    cancelShare: share(options.cancelShare ?? d.cancelShare, 'cancelShare', 0.5),
    guestShare: share(options.guestShare ?? d.guestShare, 'guestShare'),
    linesPerOrder,
    products: options.products ?? d.products,
    zipf: positive(options.zipf ?? d.zipf, 'zipf'),
    countries: countries.map((c) => ({ ...c })),
    monthFactors: list(options.monthFactors ?? d.monthFactors, 12, 'monthFactors'),
    weekdayFactors: list(options.weekdayFactors ?? d.weekdayFactors, 7, 'weekdayFactors'),
    hourWeights: list(options.hourWeights ?? d.hourWeights, 24, 'hourWeights'),
    growth: positive(options.growth ?? d.growth, 'growth'),
  };
}

/** Relative rate per day of the window: month × weekday factor, scaled to a mean of 1 over the window. */
export function dayFactors(startDay: number, days: number, monthFactors: readonly number[], weekdayFactors: readonly number[]): Float64Array {
  const s = new Float64Array(days);
  let sum = 0;
  for (let d = 0; d < days; d++) {
    const date = new Date((startDay + d) * 86_400_000);
    // getUTCDay is 0 for Sunday; the factors start on Monday.
    s[d] = monthFactors[date.getUTCMonth()] * weekdayFactors[(date.getUTCDay() + 6) % 7];
    sum += s[d];
  }
  for (let d = 0; d < days; d++) s[d] *= days / sum;
  return s;
}

/** Probability of each day of the window for a first purchase (and a guest order): season, weekday and growth. */
export function acquisitionWeights(startDay: number, days: number, monthFactors: readonly number[], weekdayFactors: readonly number[], growth: number): Float64Array {
  const s = dayFactors(startDay, days, monthFactors, weekdayFactors);
  let sum = 0;
  for (let d = 0; d < days; d++) sum += s[d] *= 1 + ((growth - 1) * d) / Math.max(1, days - 1);
  for (let d = 0; d < days; d++) s[d] /= sum;
  return s;
}

/**
 * Pass 1: every order's customer and minute, the cancellations, in time order. Memory is a few typed arrays per
 * customer and per order. `planOrders({ customers: 5000, seed: 1 })`.
 */
export function planOrders(options: OrdersOptions): OrdersPlan {
  const s = settings(options);
  const { customers: n, days } = s;
  const rng = new Random(s.seed);
  const catalogue = buildCatalogue(s.products, s.zipf, s.seed);
  const intensity = dayFactors(s.startDay, days, new Array<number>(12).fill(1), s.weekdayFactors);
  let peak = 0;
  for (let d = 0; d < days; d++) peak = Math.max(peak, intensity[d]);
  const acquisitionCdf = cumulative(acquisitionWeights(s.startDay, days, s.monthFactors, s.weekdayFactors, s.growth));
  const hourCdf = cumulative(s.hourWeights);
  const countryCdf = cumulative(s.countries.map((c) => c.share));
  const minuteOfDay = (r: Random): number => searchCdf(hourCdf, r.uniform()) * 60 + r.int(60);

  // Customers numbered in order of their first purchase, as a shop assigns ids.
  const joins = new Float64Array(n);
  for (let i = 0; i < n; i++) joins[i] = rng.uniform();
  joins.sort();

  const { r, alpha, a, b } = s.bgnbd;
  const customerNu = new Float64Array(n);
  const customerCountry = new Uint8Array(n);
  const orderCustomer = new IntColumn(n * 3);
  const orderMinute = new IntColumn(n * 3);
  for (let i = 0; i < n; i++) {
    const day0 = searchCdf(acquisitionCdf, joins[i]);
    const minute0 = day0 * MINUTES_PER_DAY + minuteOfDay(rng);
    orderCustomer.push(i);
    orderMinute.push(minute0);
    const lambda = rng.gamma(r, alpha) / 7;
    const dropout = rng.beta(a, b);
    customerNu[i] = rng.gamma(s.gammaGamma.q, s.gammaGamma.gamma);
    customerCountry[i] = searchCdf(countryCdf, rng.uniform());
    // Thinning: candidates at the peak rate, each kept with probability intensity/peak, gives rate λ·intensity(t).
    const candidateRate = lambda * peak;
    let t = minute0 / MINUTES_PER_DAY;
    let lastDay = day0;
    for (;;) {
      t += rng.exponential(candidateRate);
      if (!(t < days)) break;
      let day = Math.floor(t);
      if (rng.uniform() * peak >= intensity[day]) continue;
      // Purchases on one calendar day are one transaction to the models: a second one that day moves to the next,
      // or the busiest buyers would lose about 2% of their purchases and the fit would see a lower rate.
      if (day <= lastDay) day = lastDay + 1;
      if (day >= days) break;
      lastDay = day;
      orderCustomer.push(i);
      orderMinute.push(day * MINUTES_PER_DAY + minuteOfDay(rng));
      if (rng.uniform() < dropout) break;
    }
  }
  const identifiedOrders = orderCustomer.length;
  const guests = s.guestShare > 0 ? Math.round((s.guestShare / (1 - s.guestShare)) * identifiedOrders) : 0;
  for (let g = 0; g < guests; g++) {
    orderCustomer.push(-1);
    orderMinute.push(searchCdf(acquisitionCdf, rng.uniform()) * MINUTES_PER_DAY + minuteOfDay(rng));
  }
  const orderCount = orderCustomer.length;
  const cancelOrder = new IntColumn(Math.ceil(orderCount * s.cancelShare * 1.2));
  const cancelMinute = new IntColumn(Math.ceil(orderCount * s.cancelShare * 1.2));
  const minutes = orderMinute.data;
  for (let o = 0; o < orderCount; o++) {
    if (rng.uniform() >= s.cancelShare) continue;
    const day = Math.floor(minutes[o] / MINUTES_PER_DAY) + 1 + Math.floor(rng.exponential(1 / CANCEL.meanExtraDays));
    const m = day * MINUTES_PER_DAY + minuteOfDay(rng);
    if (day >= days) continue;
    cancelOrder.push(o);
    cancelMinute.push(m);
  }
  const cancelCount = cancelOrder.length;
  const events = orderCount + cancelCount;
  if (events >= EVENT_BITS) throw new OrdersOptionError(`too many orders (${events}); ask for fewer customers`);
  const keys = new Float64Array(events);
  for (let e = 0; e < orderCount; e++) keys[e] = minutes[e] * EVENT_BITS + e;
  for (let c = 0; c < cancelCount; c++) keys[orderCount + c] = cancelMinute.data[c] * EVENT_BITS + orderCount + c;
  keys.sort();
  const sequence = new Int32Array(events);
  for (let e = 0; e < events; e++) sequence[e] = keys[e] % EVENT_BITS;

  const byCountry: Record<string, number> = {};
  const counts = new Float64Array(s.countries.length);
  for (let i = 0; i < n; i++) counts[customerCountry[i]]++;
  s.countries.forEach((c, k) => (byCountry[c.name] = counts[k]));
  const truth: OrdersTruth = {
    format: 'clientele-synth-orders',
    version: 1,
    seed: s.seed,
    customers: n,
    window: { start: s.start, end: s.end, days },
    bgnbd: { ...s.bgnbd, timeUnit: 'weeks' },
    gammaGamma: { ...s.gammaGamma },
    planted: {
      cancelShare: s.cancelShare,
      guestShare: s.guestShare,
      linesPerOrder: s.linesPerOrder,
      products: s.products,
      zipf: s.zipf,
      growth: s.growth,
      countries: s.countries,
      monthFactors: s.monthFactors,
      weekdayFactors: s.weekdayFactors,
      hourWeights: s.hourWeights,
    },
    realized: { orders: identifiedOrders, guestOrders: guests, cancellations: cancelCount, customersByCountry: byCountry },
  };
  return {
    truth,
    catalogue,
    startDay: s.startDay,
    days,
    countries: s.countries.map((c) => c.name),
    customerNu,
    customerCountry,
    orderCustomer: orderCustomer.trimmed(),
    orderMinute: orderMinute.trimmed(),
    orderCount,
    cancelOrder: cancelOrder.trimmed(),
    cancelMinute: cancelMinute.trimmed(),
    cancelCount,
    sequence,
    seed: s.seed,
    gammaGamma: s.gammaGamma,
    linesPerOrder: s.linesPerOrder,
    countryCdf,
  };
}

/** The lines of one order, in scratch arrays reused from order to order. */
interface Basket {
  product: Int32Array;
  quantity: Int32Array;
  weight: Float64Array;
  length: number;
  country: number;
}

/**
 * Draws an order's lines from its stream: value V ~ Gamma(p, ν), distinct products by popularity, quantities that
 * spend V. Every line takes one unit, the rest of V is shared out in whole units, and the cheapest line takes the
 * remainder, so the order's value differs from V by at most half the cheapest unit price.
 */
function drawBasket(plan: OrdersPlan, order: number, rng: Random, basket: Basket): void {
  const { catalogue } = plan;
  const price = catalogue.priceCents;
  const c = plan.orderCustomer[order];
  const nu = c >= 0 ? plan.customerNu[c] : rng.gamma(plan.gammaGamma.q, plan.gammaGamma.gamma);
  basket.country = c >= 0 ? plan.customerCountry[c] : searchCdf(plan.countryCdf, rng.uniform());
  const valueCents = 100 * rng.gamma(plan.gammaGamma.p, nu);
  const extra = plan.linesPerOrder - 1;
  let k = 1 + (extra > 0 ? rng.poisson(rng.gamma(LINES_SHAPE, LINES_SHAPE / extra)) : 0);
  if (k > MAX_LINES) k = MAX_LINES;
  const p = basket.product;
  let len = 0;
  for (let j = 0; j < k; j++) {
    let pick = -1;
    for (let attempt = 0; attempt < 8 && pick < 0; attempt++) {
      const cand = catalogue.productAtRank[searchCdf(catalogue.rankCdf, rng.uniform())];
      let seen = false;
      for (let i = 0; i < len; i++) if (p[i] === cand) seen = true;
      if (!seen) pick = cand;
    }
    if (pick >= 0) p[len++] = pick;
  }
  // Keep the cheapest line last; drop the dearest lines until one unit of each fits in V.
  let base = 0;
  for (let i = 0; i < len; i++) base += price[p[i]];
  while (len > 1 && base > valueCents) {
    let dear = 0;
    for (let i = 1; i < len; i++) if (price[p[i]] > price[p[dear]]) dear = i;
    base -= price[p[dear]];
    p[dear] = p[--len];
  }
  let cheap = 0;
  for (let i = 1; i < len; i++) if (price[p[i]] < price[p[cheap]]) cheap = i;
  const t = p[cheap];
  p[cheap] = p[len - 1];
  p[len - 1] = t;
  const q = basket.quantity;
  const w = basket.weight;
  const left = Math.max(0, valueCents - base);
  // Dirichlet(1) shares of what is left after one unit each.
  let wsum = 0;
  for (let i = 0; i < len - 1; i++) wsum += w[i] = -Math.log(1 - rng.uniform());
  let spent = 0;
  for (let i = 0; i < len - 1; i++) {
    q[i] = 1 + Math.floor(((w[i] / wsum) * left) / price[p[i]]);
    spent += q[i] * price[p[i]];
  }
  q[len - 1] = Math.max(1, Math.round((valueCents - spent) / price[p[len - 1]]));
  basket.length = len;
}

function newChunk(capacity: number): OrderLineChunk {
  return {
    length: 0,
    invoice: new Int32Array(capacity),
    cancel: new Uint8Array(capacity),
    product: new Int32Array(capacity),
    quantity: new Int32Array(capacity),
    minute: new Int32Array(capacity),
    customer: new Int32Array(capacity),
    country: new Uint8Array(capacity),
  };
}

/**
 * Pass 2: the lines in time order, `chunkLines` at a time (the same arrays each time: read a chunk before asking for
 * the next). Invoice numbers rise with time; a cancellation is a 'C' invoice of its own, netting part or all of
 * some lines of an earlier order of the same customer. Returns the line counts, also written into the plan's truth.
 */
export function* orderLineChunks(plan: OrdersPlan, chunkLines = 65_536): Generator<OrderLineChunk, OrderLineStats> {
  const capacity = Math.max(chunkLines, MAX_LINES) + MAX_LINES;
  const chunk = newChunk(capacity);
  const basket: Basket = { product: new Int32Array(MAX_LINES), quantity: new Int32Array(MAX_LINES), weight: new Float64Array(MAX_LINES), length: 0, country: 0 };
  const stats: OrderLineStats = { lines: 0, saleLines: 0, cancelLines: 0, guestLines: 0 };
  let invoice = FIRST.invoice;
  const events = plan.sequence.length;
  for (let e = 0; e < events; e++) {
    const ev = plan.sequence[e];
    const isCancel = ev >= plan.orderCount;
    const order = isCancel ? plan.cancelOrder[ev - plan.orderCount] : ev;
    const minute = isCancel ? plan.cancelMinute[ev - plan.orderCount] : plan.orderMinute[ev];
    const rng = new Random(orderSeed(plan.seed, order));
    drawBasket(plan, order, rng, basket);
    const customer = plan.orderCustomer[order];
    const at = chunk.length;
    if (!isCancel) {
      for (let i = 0; i < basket.length; i++) {
        const j = at + i;
        chunk.product[j] = basket.product[i];
        chunk.quantity[j] = basket.quantity[i];
      }
      chunk.length += basket.length;
    } else {
      // The cancellation continues the order's stream, so it nets lines the order really had.
      const first = rng.int(basket.length);
      let j = at;
      for (let i = 0; i < basket.length; i++) {
        if (i !== first && rng.uniform() >= CANCEL.lineShare) continue;
        const qty = basket.quantity[i];
        chunk.product[j] = basket.product[i];
        chunk.quantity[j] = -(qty === 1 || rng.uniform() < CANCEL.wholeLine ? qty : 1 + rng.int(qty - 1));
        j++;
      }
      chunk.length = j;
    }
    const added = chunk.length - at;
    for (let j = at; j < chunk.length; j++) {
      chunk.invoice[j] = invoice;
      chunk.cancel[j] = isCancel ? 1 : 0;
      chunk.minute[j] = minute;
      chunk.customer[j] = customer;
      chunk.country[j] = basket.country;
    }
    invoice++;
    stats.lines += added;
    if (isCancel) stats.cancelLines += added;
    else stats.saleLines += added;
    if (customer < 0) stats.guestLines += added;
    if (chunk.length >= chunkLines) {
      yield chunk;
      chunk.length = 0;
    }
  }
  if (chunk.length > 0) yield chunk;
  Object.assign(plan.truth.realized, stats);
  return stats;
}

export const ORDER_COLUMNS = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'] as const;

/**
 * Pre-rendered UTF-8 pieces, so a line is a few byte copies: formatting into bytes is about four times faster
 * than building strings, and at ten million lines it is most of the time.
 */
export interface CsvPieces {
  /** ',StockCode,Description,' per product, at offsets productAt[p]..productAt[p+1] of productBytes. */
  readonly productBytes: Uint8Array;
  readonly productAt: Int32Array;
  /** ',UnitPrice,' per product. */
  readonly priceBytes: Uint8Array;
  readonly priceAt: Int32Array;
  /** ',YYYY-MM-DD ' per day of the window (12 bytes) and 'HH:MM:00' per minute of a day (8 bytes). */
  readonly dayBytes: Uint8Array;
  readonly clockBytes: Uint8Array;
  /** ',Country\n' per country. */
  readonly countryBytes: Uint8Array;
  readonly countryAt: Int32Array;
  /** The longest line these pieces can make. */
  readonly maxLine: number;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function packed(texts: string[]): { bytes: Uint8Array; at: Int32Array; longest: number } {
  const enc = new TextEncoder();
  const parts = texts.map((t) => enc.encode(t));
  const at = new Int32Array(parts.length + 1);
  let longest = 0;
  parts.forEach((b, i) => {
    at[i + 1] = at[i] + b.length;
    longest = Math.max(longest, b.length);
  });
  const bytes = new Uint8Array(at[parts.length]);
  parts.forEach((b, i) => bytes.set(b, at[i]));
  return { bytes, at, longest };
}

export function csvPieces(plan: OrdersPlan): CsvPieces {
  const c = plan.catalogue;
  const two = (v: number) => String(v).padStart(2, '0');
  const product = packed(c.code.map((code, i) => `,${csvField(code)},${csvField(c.description[i])},`));
  const price = packed(Array.from(c.priceCents, (v) => `,${(v / 100).toFixed(2)},`));
  const country = packed(plan.countries.map((n) => ',' + csvField(n) + '\n'));
  const day = packed(Array.from({ length: plan.days }, (_, d) => ',' + new Date((plan.startDay + d) * 86_400_000).toISOString().slice(0, 10) + ' '));
  const clock = packed(Array.from({ length: MINUTES_PER_DAY }, (_, m) => `${two(Math.floor(m / 60))}:${two(m % 60)}:00`));
  return {
    productBytes: product.bytes,
    productAt: product.at,
    priceBytes: price.bytes,
    priceAt: price.at,
    dayBytes: day.bytes,
    clockBytes: clock.bytes,
    countryBytes: country.bytes,
    countryAt: country.at,
    // 'C' + invoice, quantity and customer id at most 11 characters each, date and clock 20.
    maxLine: 1 + 3 * 11 + product.longest + price.longest + country.longest + 20,
  };
}

export function ordersCsvHeader(): string {
  return ORDER_COLUMNS.join(',') + '\n';
}

const C = 67;
const MINUS = 45;
const ZERO = 48;

/** Decimal digits of an integer at `pos`; returns the position after them. */
function writeInt(out: Uint8Array, pos: number, v: number): number {
  if (v < 0) {
    out[pos++] = MINUS;
    v = -v;
  }
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  for (let i = pos + digits - 1; i >= pos; i--) {
    out[i] = ZERO + (v % 10);
    v = Math.floor(v / 10);
  }
  return pos + digits;
}

function copy(out: Uint8Array, pos: number, src: Uint8Array, from: number, to: number): number {
  for (let k = from; k < to; k++) out[pos++] = src[k];
  return pos;
}

/** One chunk as UTF-8 CSV (no header), in a new array the caller may keep. */
export function orderLinesCsv(pieces: CsvPieces, chunk: OrderLineChunk): Uint8Array {
  const { productBytes, productAt, priceBytes, priceAt, dayBytes, clockBytes, countryBytes, countryAt } = pieces;
  const out = new Uint8Array(chunk.length * pieces.maxLine);
  let pos = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk.cancel[i]) out[pos++] = C;
    pos = writeInt(out, pos, chunk.invoice[i]);
    const p = chunk.product[i];
    pos = copy(out, pos, productBytes, productAt[p], productAt[p + 1]);
    pos = writeInt(out, pos, chunk.quantity[i]);
    const m = chunk.minute[i];
    const day = (m / MINUTES_PER_DAY) | 0;
    pos = copy(out, pos, dayBytes, day * 12, day * 12 + 12);
    const clock = (m - day * MINUTES_PER_DAY) * 8;
    pos = copy(out, pos, clockBytes, clock, clock + 8);
    pos = copy(out, pos, priceBytes, priceAt[p], priceAt[p + 1]);
    const c = chunk.customer[i];
    if (c >= 0) pos = writeInt(out, pos, FIRST.customer + c);
    const k = chunk.country[i];
    pos = copy(out, pos, countryBytes, countryAt[k], countryAt[k + 1]);
  }
  return out.subarray(0, pos);
}

/** Customers in the pilot that sizes `--lines` requests. */
const PILOT_CUSTOMERS = 20_000;

/**
 * How many customers give about `lines` lines with these settings: lines per customer measured on a pilot of
 * 20,000 customers from a seed of its own (a closed form would have to follow cohorts, seasons and cancellations).
 */
export function customersForLines(lines: number, options: Omit<OrdersOptions, 'customers'> = {}): number {
  if (!Number.isInteger(lines) || lines < 1) throw new OrdersOptionError(`lines must be a positive whole number, got ${lines}`);
  const plan = planOrders({ ...options, customers: PILOT_CUSTOMERS, seed: fmix32((options.seed ?? ORDERS_DEFAULTS.seed) ^ 0x68e31da4) });
  let total = 0;
  for (const chunk of orderLineChunks(plan)) total += chunk.length;
  return Math.max(1, Math.round((lines * PILOT_CUSTOMERS) / total));
}
