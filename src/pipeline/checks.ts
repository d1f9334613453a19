import type { Analysis } from './analyze.js';

/**
 * The analysis audits itself: after every `analyze` the written outputs are read back and reconciled
 * (docs/cleaning.md §10). A failed check is shown, never hidden: a warning beats a wrong number.
 */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  /** What was compared, with the numbers. */
  readonly detail: string;
}

/** Parse the CSV clientele writes (RFC 4180 quoting) into columns by name. */
export function readCsvColumns(text: string): Map<string, string[]> {
  const rows: string[][] = [];
  let row: string[] = [];
  eachCell(
    text,
    (t, from, to, _column, quoted) => row.push(quoted ?? t.slice(from, to)),
    () => {
      rows.push(row);
      row = [];
    },
  );
  const [header = [], ...body] = rows;
  return new Map(header.map((name, j) => [name, body.map((r) => r[j] ?? '')]));
}

const QUOTE = 34;
const COMMA = 44;
const NEWLINE = 10;

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
const fmt = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 4 }));

/** Columns of customers.csv that count things or days: never negative. */
const COUNTS = ['frequency', 'recency_days', 'tenure_days', 'distinct_products', 'items'];

export interface CheckInputs {
  /** customers.csv as written: one text, or its pieces of whole rows (the header starting the first). */
  readonly customersCsv: string | readonly string[];
  readonly summary: Record<string, unknown>;
  /** CLV customer count and how many of them have only free sale lines, when CLV ran. */
  readonly clv?: { customers: number; freeOnly: number };
  /** model.json's parts re-scoring the analysed customers: how many it places differently from the report. */
  readonly placements?: readonly Placement[];
}

export interface Placement {
  /** The bundle part, e.g. 'RFM segments'. */
  readonly part: string;
  readonly customers: number;
  readonly mismatched: number;
}

export function reconcile(a: Analysis, inputs: CheckInputs): Check[] {
  const checks: Check[] = [];
  for (const p of inputs.placements ?? []) {
    checks.push({
      name: `model.json ${p.part}`,
      ok: p.mismatched === 0,
      detail: `model.json re-scores the ${fmt(p.customers)} analysed customers: ${p.mismatched === 0 ? 'every one lands where customers.csv has them' : `${fmt(p.mismatched)} land elsewhere than in customers.csv`}`,
    });
  }
  const csv = tallyCustomersCsv(typeof inputs.customersCsv === 'string' ? [inputs.customersCsv] : inputs.customersCsv, a.asOf);
  const rows = csv.rows;
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const pops = a.populations;

  if (pops) {
    add('customer count', rows === pops.identified.customers && rows === a.customers.rows,
      `customers.csv has ${fmt(rows)} rows; identified customers ${fmt(pops.identified.customers)}`);
    if (pops.identified.revenue !== null && csv.monetary !== null) {
      const sum = csv.monetary;
      add('customer revenue', close(sum, pops.identified.revenue),
        `sum of customers.csv monetary ${fmt(sum)} vs identified-customer revenue ${fmt(pops.identified.revenue)}`);
    }
    if (csv.frequency !== null) {
      const sum = csv.frequency;
      add('order count', sum === pops.identified.orders, `sum of customers.csv frequency ${fmt(sum)} vs identified orders ${fmt(pops.identified.orders)}`);
    }
  }
  if (a.rfm) {
    const total = a.rfm.segments.reduce((s, x) => s + x.customers, 0);
    add('RFM segments', total === rows, `RFM segments hold ${fmt(total)} customers; customers.csv ${fmt(rows)}`);
  }
  if (a.cohorts) {
    const total = a.cohorts.sizes.reduce((s, x) => s + x, 0);
    add('cohort sizes', total === rows, `cohorts hold ${fmt(total)} customers; customers.csv ${fmt(rows)}`);
  }
  if (inputs.clv && pops) {
    const expected = pops.identified.customers + inputs.clv.freeOnly;
    add('CLV customers', inputs.clv.customers === expected,
      `CLV models ${fmt(inputs.clv.customers)} customers = ${fmt(pops.identified.customers)} identified + ${fmt(inputs.clv.freeOnly)} whose every purchase was free`);
  }

  if (a.asOf && a.revenue) {
    const { first, last } = a.revenue.dateRange;
    add('observation window', last <= a.asOf && first <= last, `lines run ${first} to ${last}; last observed day ${a.asOf}`);
  }
  if (a.asOf) {
    const { late, negativeRecency: negative } = csv;
    add('dates in window', late === 0 && negative === 0, `${fmt(late)} last purchases after ${a.asOf}; ${fmt(negative)} negative recencies`);
  }

  const { bad, negatives } = csv;
  add('finite values', bad === 0 && negatives === 0, `${fmt(bad)} NaN/Infinity cells and ${fmt(negatives)} negative counts in customers.csv`);
  // A NaN in a model's optional figure (a holdout metric with no holdout) is written as null, "not computed";
  // in a core figure, or an infinity anywhere, it is a wrong number.
  // Without amounts RFM's revenue columns are blank by design.
  const coreKeys = ['populations', 'revenue', 'concentration', 'cohorts', 'facts', ...(a.cleaning?.hasAmounts === false ? [] : ['rfm'])];
  const core = coreKeys.map((k) => inputs.summary[k]);
  const nonFinite = countNonFinite(core, false);
  const infinite = countNonFinite(inputs.summary, true);
  add('summary numbers', nonFinite === 0 && infinite === 0, `${fmt(nonFinite)} NaN/Infinity values among the core figures, ${fmt(infinite)} infinite values anywhere in summary.json`);
  if (a.concentration) {
    const { gini, top1, top10, top20 } = a.concentration;
    const inUnit = [gini, top1, top10, top20].every((x) => x >= 0 && x <= 1);
    add('concentration', inUnit && top1 <= top10 && top10 <= top20, `Gini ${fmt(gini)}; top 1/10/20% shares ${fmt(top1)}, ${fmt(top10)}, ${fmt(top20)}`);
  }
  return checks;
}

/** What the checks read of customers.csv, summed piece by piece so the whole table is never parsed at once. */
interface CsvTally {
  rows: number;
  /** Sum of the monetary / frequency columns; null without the column. */
  monetary: number | null;
  frequency: number | null;
  /** Last purchases after asOf, negative recencies, NaN/Infinity cells, negative counts. */
  late: number;
  negativeRecency: number;
  bad: number;
  negatives: number;
}

function tallyCustomersCsv(pieces: readonly string[], asOf: string | null): CsvTally {
  const t: CsvTally = { rows: 0, monetary: null, frequency: null, late: 0, negativeRecency: 0, bad: 0, negatives: 0 };
  // Filled from the header line, which starts the first piece.
  let roles: Role[] | null = null;
  for (const piece of pieces) {
    // Pieces hold whole rows, the header starting the first. Cells are visited in place; only those a check
    // reads are sliced out (a million rows of thirty columns would otherwise be thirty million strings).
    let inHeader = roles === null;
    const first: string[] = [];
    eachCell(piece, (text, from, to, column, quoted) => {
      if (inHeader) {
        first.push(quoted ?? text.slice(from, to));
        return;
      }
      const role = roles?.[column] ?? 'other';
      const len = quoted === null ? to - from : quoted.length;
      const cell = () => quoted ?? text.slice(from, to);
      const startsMinus = quoted === null ? text.charCodeAt(from) === MINUS : quoted.startsWith('-');
      if ((len === 3 || len === 8 || len === 9) && /^(NaN|-?Infinity)$/.test(cell())) t.bad++;
      if (role === 'other') return;
      if (role === 'customer') t.rows++;
      else if (role === 'monetary') t.monetary = (t.monetary ?? 0) + (len === 0 ? 0 : Number(cell()));
      else if (role === 'frequency') t.frequency = (t.frequency ?? 0) + Number(cell());
      else if (role === 'last') {
        if (asOf && len > 0 && cell().slice(0, 10) > asOf) t.late++;
      } else if (role === 'recency') {
        if (asOf && startsMinus && Number(cell()) < 0) t.negativeRecency++;
      }
      if ((role === 'recency' || role === 'count') && len > 0 && startsMinus && Number(cell()) < 0) t.negatives++;
    }, () => {
      if (!inHeader) return;
      inHeader = false;
      roles = first.map(columnRole);
      if (first.includes('monetary')) t.monetary = 0;
      if (first.includes('frequency')) t.frequency = 0;
    });
  }
  return t;
}

/** What the checks read a customers.csv column for. */
type Role = 'other' | 'customer' | 'monetary' | 'frequency' | 'last' | 'recency' | 'count';
const ROLE_OF: Record<string, Role> = { customer_id: 'customer', monetary: 'monetary', frequency: 'frequency', last_purchase: 'last', recency_days: 'recency' };
const columnRole = (name: string): Role => ROLE_OF[name] ?? (COUNTS.includes(name) ? 'count' : 'other');
const MINUS = 45;

/**
 * Visit every cell of CSV text as readCsvColumns splits it: unquoted cells as a range of `text` (quoted null),
 * quoted ones as their unescaped value; `endRow` after each row's last cell.
 */
function eachCell(text: string, cell: (text: string, from: number, to: number, column: number, quoted: string | null) => void, endRow: () => void): void {
  const n = text.length;
  let i = 0;
  let column = 0;
  while (i < n) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = ++i;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          value += text.slice(from);
          i = n;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(from, q + 1);
          i = from = q + 2;
          continue;
        }
        value += text.slice(from, q);
        i = q + 1;
        break;
      }
      let j = i;
      while (j < n && text.charCodeAt(j) !== COMMA && text.charCodeAt(j) !== NEWLINE) j++;
      value += text.slice(i, j).replace(/\r/g, '');
      i = j;
      cell(text, 0, 0, column, value);
    } else {
      let j = i;
      while (j < n && text.charCodeAt(j) !== COMMA && text.charCodeAt(j) !== NEWLINE) j++;
      const end = j > i && text.charCodeAt(j - 1) === CR ? j - 1 : j;
      cell(text, i, end, column, null);
      i = j;
    }
    column++;
    if (i >= n) break;
    if (text.charCodeAt(i) === NEWLINE) {
      endRow();
      column = 0;
    }
    i++;
    if (i === n && text.charCodeAt(n - 1) === COMMA) {
      cell(text, n, n, column, null);
      column++;
    }
  }
  if (column > 0) endRow();
}

const CR = 13;

/** JSON.stringify writes NaN and Infinity as null, so they are counted on the object itself. */
function countNonFinite(v: unknown, infiniteOnly: boolean): number {
  const bad = (x: number) => (infiniteOnly ? x === Infinity || x === -Infinity : !Number.isFinite(x));
  if (typeof v === 'number') return bad(v) ? 1 : 0;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>).filter(bad).length;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + countNonFinite(x, infiniteOnly), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((s: number, x) => s + countNonFinite(x, infiniteOnly), 0);
  return 0;
}
