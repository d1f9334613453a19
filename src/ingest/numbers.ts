import { InputError } from '../errors.js';
import { ident, literal, type Engine } from '../engine/engine.js';

/**
 * Numbers as exported: decimal mark and thousands separator, currency symbols and codes, percent signs and
 * negatives in parentheses, decided per column from all of its values (docs/cleaning.md §2).
 */
export type DecimalMark = '.' | ',';

export interface ColumnNumberFormat {
  readonly column: string;
  /**
   * `numeric`: converted; `ambiguous`: only values such as 1,050 (no decimal mark settles); `mixed`: both marks;
   * `mixed-currency`: values in more than one currency (`currency` lists them).
   */
  readonly status: 'numeric' | 'ambiguous' | 'mixed' | 'mixed-currency';
  readonly decimal: DecimalMark | null;
  readonly thousands: string | null;
  /** Normalised currency (ISO code where the symbol names one), if the values carry one. */
  readonly currency: string | null;
  readonly percent: boolean;
  readonly parentheses: boolean;
  /** How the decimal mark was settled. */
  readonly settledBy: 'values' | 'other columns' | '--decimal' | 'no decimals';
  /** An example raw value, for the log. */
  readonly example: string | null;
  /** Every value is a plain decimal such as -12.5, so a cast reads it. */
  readonly plain: boolean;
}

const SYMBOLS = '[$€£¥₹₩₽₺₪₫฿₱₴₦]|R\\$|US\\$|C\\$|A\\$|kr\\.?|zł|Fr\\.|[A-Z]{3}';
const SPACE = "[ \\x{00A0}\\x{202F}']";
/** Group 1 currency before, group 2 the number, group 3 currency after. */
const NUMBER_RE =
  `^\\(?\\s*[-+]?\\s*(${SYMBOLS})?\\s*[-+]?\\s*` +
  `([0-9]{1,3}(?:${SPACE}[0-9]{3})+(?:[.,][0-9]+)?|[0-9][0-9.,]*|[.,][0-9]+)` +
  `\\s*(${SYMBOLS})?\\s*%?\\s*\\)?\\s*-?$`;

/** The digits with only `.` and `,` left, for the evidence patterns. */
function coreSql(v: string): string {
  return `regexp_replace(regexp_extract(${v}, ${literal(NUMBER_RE)}, 2), ${literal(SPACE)}, '', 'g')`;
}

const EVIDENCE: Record<DecimalMark, string> = {
  // A decimal mark: after a leading 0 or 4+ digits (no thousands group looks like that), followed by other than
  // three digits, or last after groups of the other mark; the other mark repeated is a thousands separator.
  '.': '^(?:[0-9]+\\.(?:[0-9]{1,2}|[0-9]{4,})|\\.[0-9]+|(?:0|[0-9]{4,})\\.[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+\\.[0-9]*|[0-9]{1,3}(?:,[0-9]{3}){2,})$',
  ',': '^(?:[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})|,[0-9]+|(?:0|[0-9]{4,}),[0-9]+|[0-9]{1,3}(?:\\.[0-9]{3})+,[0-9]*|[0-9]{1,3}(?:\\.[0-9]{3}){2,})$',
};
const VALID: Record<DecimalMark, string> = {
  '.': '^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\\.[0-9]*)?$|^\\.[0-9]+$',
  ',': '^(?:[0-9]+|[0-9]{1,3}(?:\\.[0-9]{3})+)(?:,[0-9]*)?$|^,[0-9]+$',
};
const AMBIGUOUS = '^[1-9][0-9]{0,2}[.,][0-9]{3}$';

/** Symbols that name one currency; `$`, `¥` and `kr` stay symbols unless a code in the same column names them. */
const SYMBOL_CODE: Record<string, string> = {
  '€': 'EUR', '£': 'GBP', '₹': 'INR', '₩': 'KRW', '₽': 'RUB', '₺': 'TRY', '₪': 'ILS', '₫': 'VND', '฿': 'THB', '₱': 'PHP',
  '₴': 'UAH', '₦': 'NGN', R$: 'BRL', US$: 'USD', C$: 'CAD', A$: 'AUD', 'zł': 'PLN', 'Fr.': 'CHF',
};
const SYMBOL_FAMILY: Record<string, string[]> = { $: ['USD', 'CAD', 'AUD', 'NZD', 'MXN', 'SGD', 'HKD'], '¥': ['JPY', 'CNY'], kr: ['SEK', 'NOK', 'DKK', 'ISK'] };

export function normaliseCurrency(token: string): string {
  const t = token.replace(/^kr\.$/, 'kr');
  return SYMBOL_CODE[t] ?? t;
}

/** One currency from a set of tokens, or null when they name different currencies. */
export function settleCurrency(tokens: string[]): string | null | 'conflict' {
  const set = [...new Set(tokens.map(normaliseCurrency))];
  if (set.length === 0) return null;
  if (set.length === 1) return set[0];
  const codes = set.filter((t) => /^[A-Z]{3}$/.test(t));
  const symbols = set.filter((t) => !/^[A-Z]{3}$/.test(t));
  if (codes.length === 1 && symbols.every((s) => SYMBOL_FAMILY[s]?.includes(codes[0]))) return codes[0];
  return 'conflict';
}

interface Evidence {
  column: string;
  nonBlank: number;
  matches: number;
  dot: number;
  comma: number;
  ambiguous: number;
  validDot: number;
  validComma: number;
  currencies: string[];
  percent: boolean;
  parentheses: boolean;
  spaces: boolean;
  /** The grouping is an apostrophe (1'234.50), not a space. */
  apostrophes: boolean;
  hasDot: boolean;
  hasComma: boolean;
  /** Every value is a plain decimal (what a cast reads as it is). */
  plain: boolean;
  example: string | null;
}

/** Rows looked at first to rule a column out: one value that is not a number settles that, all values are needed to say yes. */
const PREFILTER_ROWS = 2000;

async function gatherEvidence(engine: Engine, table: string, columns: string[]): Promise<Evidence[]> {
  if (columns.length === 0) return [];
  // Most text columns (names, codes, dates) fail on their first values; only the others get the full pass.
  const head = await engine.query(
    `SELECT ${columns.map((c) => `bool_and(${ident(c)} IS NULL OR trim(CAST(${ident(c)} AS VARCHAR)) = '' OR regexp_full_match(trim(CAST(${ident(c)} AS VARCHAR)), ${literal(NUMBER_RE)}))`).join(', ')}
     FROM (SELECT * FROM ${table} LIMIT ${PREFILTER_ROWS})`,
  );
  const candidates = columns.filter((_, j) => head.columns[j][0] !== false);
  const out: Evidence[] = [];
  for (const column of candidates) out.push(await columnEvidence(engine, table, column));
  return out;
}

/** Evidence from every distinct value of one column (counts of distinct values: only "any" and "all" matter). */
async function columnEvidence(engine: Engine, table: string, column: string): Promise<Evidence> {
  const re = literal(NUMBER_RE);
  const ok = 'ok';
  const q = await engine.query(`
    WITH d AS (SELECT DISTINCT trim(v) AS v FROM (SELECT DISTINCT CAST(${ident(column)} AS VARCHAR) AS v FROM ${table} WHERE ${ident(column)} IS NOT NULL)),
    e AS (SELECT v, regexp_full_match(v, ${re}) AS ok, ${coreSql('v')} AS core, regexp_extract(v, ${re}, 2) AS num,
        coalesce(NULLIF(regexp_extract(v, ${re}, 1), ''), NULLIF(regexp_extract(v, ${re}, 3), '')) AS cur
      FROM d WHERE v <> '')
    SELECT count(*)::DOUBLE AS n,
      count(*) FILTER (WHERE ${ok})::DOUBLE AS m,
      count(*) FILTER (WHERE ${ok} AND regexp_full_match(core, ${literal(EVIDENCE['.'])}))::DOUBLE AS dot,
      count(*) FILTER (WHERE ${ok} AND regexp_full_match(core, ${literal(EVIDENCE[','])}))::DOUBLE AS comma,
      count(*) FILTER (WHERE ${ok} AND regexp_full_match(core, ${literal(AMBIGUOUS)}))::DOUBLE AS amb,
      count(*) FILTER (WHERE ${ok} AND regexp_full_match(core, ${literal(VALID['.'])}))::DOUBLE AS vdot,
      count(*) FILTER (WHERE ${ok} AND regexp_full_match(core, ${literal(VALID[','])}))::DOUBLE AS vcomma,
      array_to_string(list_sort(list_distinct(list(cur) FILTER (WHERE ${ok} AND cur IS NOT NULL)))[1:5], '|') AS cur,
      coalesce(bool_or(${ok} AND v LIKE '%\\%%' ESCAPE '\\'), false) AS pct,
      coalesce(bool_or(${ok} AND v LIKE '(%)'), false) AS par,
      coalesce(bool_or(${ok} AND regexp_matches(num, ${literal(SPACE)})), false) AS sp,
      coalesce(bool_or(${ok} AND contains(num, '''')), false) AS ap,
      coalesce(bool_or(${ok} AND contains(core, '.')), false) AS hd,
      coalesce(bool_or(${ok} AND contains(core, ',')), false) AS hc,
      coalesce(bool_and(regexp_full_match(v, '[-+]?[0-9]*\\.?[0-9]+')), false) AS pl,
      count(*) FILTER (WHERE regexp_matches(v, '^[-+(]?0[0-9]'))::DOUBLE AS padded,
      min(v) FILTER (WHERE ${ok} AND NOT regexp_full_match(v, '-?[0-9]+')) AS ex
    FROM e`);
  const get = (name: string) => q.columns[q.names.indexOf(name)][0];
  return {
    column,
    nonBlank: Number(get('n')),
    // Zero-padded values (00123, 02134) are codes (ids, postcodes), never quantities: the column stays text.
    matches: Number(get('padded')) > 0 ? 0 : Number(get('m')),
    dot: Number(get('dot')),
    comma: Number(get('comma')),
    ambiguous: Number(get('amb')),
    validDot: Number(get('vdot')),
    validComma: Number(get('vcomma')),
    currencies: String(get('cur') ?? '').split('|').filter(Boolean),
    percent: get('pct') === true,
    parentheses: get('par') === true,
    spaces: get('sp') === true,
    apostrophes: get('ap') === true,
    hasDot: get('hd') === true,
    hasComma: get('hc') === true,
    plain: get('pl') === true,
    example: (get('ex') as string | null) ?? null,
  };
}

/**
 * Decide each text column's number format. Columns whose values are not all numbers are left out (they stay text).
 * A mark settled by some columns settles the ambiguous ones: one file has one locale.
 */
export function decideFormats(evidence: Evidence[], userDecimal?: DecimalMark): ColumnNumberFormat[] {
  const numeric = evidence.filter((e) => e.nonBlank > 0 && e.matches === e.nonBlank);
  const own = (e: Evidence): DecimalMark | 'mixed' | null => (e.dot > 0 && e.comma > 0 ? 'mixed' : e.dot > 0 ? '.' : e.comma > 0 ? ',' : null);
  const settled = new Set(numeric.map(own).filter((m): m is DecimalMark => m === '.' || m === ','));
  const fileMark = settled.size === 1 ? [...settled][0] : null;
  const out: ColumnNumberFormat[] = [];
  for (const e of numeric) {
    const mark = own(e);
    let decimal: DecimalMark | null;
    let settledBy: ColumnNumberFormat['settledBy'];
    let status: ColumnNumberFormat['status'] = 'numeric';
    if (userDecimal) {
      decimal = userDecimal;
      settledBy = '--decimal';
    } else if (mark === 'mixed') {
      decimal = null;
      settledBy = 'values';
      status = 'mixed';
    } else if (mark) {
      decimal = mark;
      settledBy = 'values';
    } else if (e.ambiguous > 0) {
      decimal = fileMark;
      settledBy = 'other columns';
      if (!fileMark) status = 'ambiguous';
    } else {
      decimal = '.';
      settledBy = 'no decimals';
    }
    // Values that fit no format (dates such as 01.02.2023, versions such as 1.2.3) mean this is not a number column.
    const fits = (m: DecimalMark) => (m === '.' ? e.validDot : e.validComma) === e.nonBlank;
    if (status !== 'mixed' && (decimal ? !fits(decimal) : !fits('.') && !fits(','))) continue;
    const currency = settleCurrency(e.currencies);
    if (currency === 'conflict' && status === 'numeric') status = 'mixed-currency';
    // The mark that is not the decimal one, wherever it appears, groups thousands.
    const thousands = e.apostrophes ? "'" : e.spaces ? 'space' : decimal === ',' && e.hasDot ? '.' : decimal === '.' && e.hasComma ? ',' : null;
    out.push({
      column: e.column,
      status,
      decimal,
      thousands,
      currency: currency === 'conflict' ? e.currencies.join(', ') : currency,
      percent: e.percent,
      parentheses: e.parentheses,
      settledBy,
      example: e.example,
      plain: e.plain && decimal !== ',',
    });
  }
  return out;
}

/** SQL for the numeric value of a text column in a settled format. */
export function parseNumberSql(column: string, f: ColumnNumberFormat): string {
  const v = `trim(CAST(${ident(column)} AS VARCHAR))`;
  // A cast reads a plain number with ASCII spaces around it as it is; trim (which also takes no-break spaces off, and
  // copies every value) only for the values it cannot read. The value is the same either way.
  if (f.plain) return `coalesce(TRY_CAST(CAST(${ident(column)} AS VARCHAR) AS DOUBLE), TRY_CAST(${v} AS DOUBLE))`;
  let core = coreSql(v);
  core = f.decimal === ',' ? `replace(replace(${core}, '.', ''), ',', '.')` : `replace(${core}, ',', '')`;
  const negative = `(${v} LIKE '(%)' OR regexp_matches(${v}, '^[^0-9]*-') OR regexp_matches(${v}, '-\\s*$'))`;
  const scale = f.percent ? ` * CASE WHEN ${v} LIKE '%\\%%' ESCAPE '\\' THEN 0.01 ELSE 1 END` : '';
  return `(TRY_CAST(${core} AS DOUBLE) * CASE WHEN ${negative} THEN -1 ELSE 1 END${scale})`;
}

export function parseDecimalFlag(value: string | undefined): DecimalMark | undefined {
  if (value === undefined) return undefined;
  if (value === '.' || value === ',') return value;
  if (value === 'comma') return ',';
  if (value === 'point' || value === 'dot') return '.';
  throw new InputError('bad-option', `--decimal '${value}' is not a decimal mark`, 'Use --decimal , or --decimal .');
}

/**
 * Test every VARCHAR column of `table` and convert the settled number columns to DOUBLE in place.
 * Returns every column's format, converted or not, for roles, `profile` and the cleaning log.
 */
export async function convertNumberColumns(engine: Engine, table: string, userDecimal?: DecimalMark): Promise<ColumnNumberFormat[]> {
  const describe = await engine.query(`DESCRIBE ${table}`);
  const texts = describe.columns[0].filter((_, i) => describe.columns[1][i] === 'VARCHAR').map(String);
  const formats = decideFormats(await gatherEvidence(engine, table, texts), userDecimal);
  const convert = formats.filter((f) => f.status === 'numeric');
  const names = describe.columns[0].map(String);
  if (convert.length > 0 && 2 * convert.length < names.length) {
    // An ALTER rewrites only its own column (Online Retail's two: 56 ms of CPU where copying the table, its long
    // descriptions included, took 125 ms); when most columns change, one copy of the table is cheaper.
    for (const f of convert) await engine.exec(`ALTER TABLE ${table} ALTER COLUMN ${ident(f.column)} TYPE DOUBLE USING ${parseNumberSql(f.column, f)}`);
  } else if (convert.length > 0) {
    const byName = new Map(convert.map((f) => [f.column, f]));
    const select = names.map((n) => (byName.has(n) ? `${parseNumberSql(n, byName.get(n) as ColumnNumberFormat)} AS ${ident(n)}` : ident(n)));
    await engine.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT ${select.join(', ')} FROM ${table}`);
  }
  return formats;
}

/** One line per converted column for `profile` and the log, e.g. "UnitPrice: decimal ',', thousands '.', EUR". */
export function describeFormat(f: ColumnNumberFormat): string {
  if (f.status === 'ambiguous') return `${f.column}: decimal mark not settled (values such as '${f.example}')`;
  if (f.status === 'mixed') return `${f.column}: mixes decimal commas and points`;
  if (f.status === 'mixed-currency') return `${f.column}: amounts in several currencies (${f.currency})`;
  const parts = [f.decimal && f.settledBy !== 'no decimals' ? `decimal '${f.decimal}'${f.settledBy === 'values' ? '' : ` (${f.settledBy})`}` : 'whole numbers'];
  if (f.thousands) parts.push(`thousands ${f.thousands === 'space' ? 'space' : f.thousands === "'" ? 'apostrophe' : `'${f.thousands}'`}`);
  if (f.currency) parts.push(`currency ${f.currency}`);
  if (f.percent) parts.push('percent');
  if (f.parentheses) parts.push('negatives in parentheses');
  return `${f.column}: ${parts.join(', ')}`;
}
