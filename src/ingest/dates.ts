import { InputError } from '../errors.js';
import { ident, type Engine } from '../engine/engine.js';

/**
 * Date formats are inferred from the values; when the values cannot tell day from month
 * (every part ≤ 12), clientele refuses rather than guessing.
 */
export interface DateFormat {
  /** strptime patterns tried in order (DuckDB syntax); empty means "ISO: cast directly". */
  readonly patterns: string[];
  /** Human-readable name, e.g. "DD-MM-YYYY". */
  readonly label: string;
  /** Whole seconds or milliseconds since 1970-01-01 UTC, read as UTC wall-clock time (patterns is then empty). */
  readonly epoch?: 'seconds' | 'milliseconds';
}

/**
 * Epoch values from 1973 to 2100: whole seconds have 9–10 digits there, milliseconds 12–13, so a column is one or the
 * other, never both (an 8-digit YYYYMMDD is tried first).
 */
const EPOCH = { seconds: [1e8, 4.1e9], milliseconds: [1e11, 4.1e12] } as const;

function epochUnit(values: string[]): DateFormat['epoch'] | null {
  if (!values.every((v) => /^\d{9,13}$/.test(v))) return null;
  for (const unit of ['seconds', 'milliseconds'] as const) {
    const [lo, hi] = EPOCH[unit];
    if (values.every((v) => +v >= lo && +v < hi)) return unit;
  }
  return null;
}

const ISO = /^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const YMD_SLASH = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const XXY = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

export function looksLikeDate(v: string): boolean {
  const s = v.trim();
  return ISO.test(s) || YMD_SLASH.test(s) || XXY.test(s) || (COMPACT.test(s) && validCompact(s));
}

function validCompact(s: string): boolean {
  const m = COMPACT.exec(s);
  if (!m) return false;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  return y >= 1900 && y <= 2100 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

function withTimes(date: string, sep = ' '): string[] {
  return [`${date}${sep}%H:%M:%S`, `${date}${sep}%H:%M`, `${date}${sep}%I:%M:%S %p`, `${date}${sep}%I:%M %p`, date];
}

/**
 * Infer the format of a column of date strings from a sample of distinct values.
 * `column` and `file` only word the error messages.
 */
export function inferDateFormat(sample: string[], column: string, userFormat?: string): DateFormat {
  if (userFormat) return parseUserFormat(userFormat);
  const values = sample.map((s) => s.trim()).filter((s) => s !== '');
  if (values.length === 0) {
    throw new InputError('no-dates', `Column ${column} has no date values`, 'Map another column with --map timestamp=COLUMN');
  }
  if (values.every((v) => ISO.test(v))) return { patterns: [], label: 'YYYY-MM-DD' };
  if (values.every((v) => COMPACT.test(v) && validCompact(v))) return { patterns: ['%Y%m%d'], label: 'YYYYMMDD' };
  const epoch = epochUnit(values);
  if (epoch) return { patterns: [], label: `Unix ${epoch} (UTC)`, epoch };
  if (values.every((v) => YMD_SLASH.test(v))) {
    const sep = values[0].includes('.') ? '.' : '/';
    return { patterns: withTimes(`%Y${sep}%m${sep}%d`), label: `YYYY${sep}MM${sep}DD` };
  }
  const junk = values.find((v) => !looksLikeDate(v));
  if (junk !== undefined) {
    throw new InputError(
      'unparseable-date',
      `Column ${column} has values that are not dates in a known format, e.g. '${junk}'`,
      'Fix those values or pass --date-format (e.g. --date-format %d/%m/%Y)',
    );
  }
  const parts = values.map((v) => XXY.exec(v));
  const other = values.find((_, i) => !parts[i]);
  if (other !== undefined) {
    throw new InputError(
      'unparseable-date',
      `Column ${column} mixes date formats (e.g. '${values[0]}' and '${other}')`,
      'Make the export use one format, or pass --date-format',
    );
  }
  let firstOver12 = false;
  let secondOver12 = false;
  for (const m of parts as RegExpExecArray[]) {
    if (+m[1] > 12) firstOver12 = true;
    if (+m[3] > 12) secondOver12 = true;
  }
  const m0 = parts[0] as RegExpExecArray;
  const sep = m0[2];
  const year = m0[4].length === 2 ? '%y' : '%Y';
  if (firstOver12 && secondOver12) {
    throw new InputError('unparseable-date', `Column ${column} mixes day-first and month-first dates`, 'Fix the export or pass --date-format');
  }
  if (!firstOver12 && !secondOver12) {
    throw new InputError(
      'ambiguous-date',
      `Cannot tell day from month in column ${column}: every value (e.g. '${values[0]}') fits both DD${sep}MM and MM${sep}DD`,
      `Pass --date-format %d${sep}%m${sep}${year} or --date-format %m${sep}%d${sep}${year}`,
    );
  }
  const date = firstOver12 ? `%d${sep}%m${sep}${year}` : `%m${sep}%d${sep}${year}`;
  const label = (firstOver12 ? `DD${sep}MM${sep}` : `MM${sep}DD${sep}`) + (year === '%y' ? 'YY' : 'YYYY');
  return { patterns: withTimes(date), label };
}

function parseUserFormat(f: string): DateFormat {
  const keyword: Record<string, string> = { DMY: '%d/%m/%Y', MDY: '%m/%d/%Y', YMD: '%Y-%m-%d' };
  const upper = f.toUpperCase();
  if (keyword[upper]) {
    const base = keyword[upper];
    const alts = ['/', '-', '.'].map((s) => base.replace(/[/-]/g, s));
    return { patterns: alts.flatMap((a) => withTimes(a)), label: upper };
  }
  if (!f.includes('%')) {
    throw new InputError('bad-date-format', `--date-format '${f}' is not a strptime pattern`, 'Use e.g. %d/%m/%Y, %m-%d-%Y %H:%M, or one of DMY, MDY, YMD');
  }
  return { patterns: [f], label: f };
}

/** SQL expression turning a VARCHAR column into a TIMESTAMP (NULL where it does not parse). */
export function dateSql(columnSql: string, format: DateFormat): string {
  const v = `trim(${columnSql})`;
  if (format.epoch) return `make_timestamp(TRY_CAST(${v} AS BIGINT) * ${format.epoch === 'seconds' ? 1_000_000 : 1000})`;
  // Trimming every value costs a string copy per row; only values that fail as they are get trimmed.
  if (format.patterns.length === 0) return `coalesce(TRY_CAST(${columnSql} AS TIMESTAMP), TRY_CAST(${v} AS TIMESTAMP))`;
  const list = format.patterns.map((p) => `'${p.replace(/'/g, "''")}'`).join(', ');
  return `try_strptime(${v}, [${list}])`;
}

/**
 * SQL turning a raw timestamp column of any type into a TIMESTAMP, with the format inferred from a sample of
 * its values (or `userFormat`): native dates are cast, integers such as 19970101 and text are parsed.
 */
export async function timestampSql(engine: Engine, table: string, column: string, type: string, userFormat?: string): Promise<{ sql: string; format: DateFormat }> {
  if (/^(DATE|TIMESTAMP)/.test(type)) return { sql: `CAST(${ident(column)} AS TIMESTAMP)`, format: { patterns: [], label: type.toLowerCase() } };
  const text = /INT|DOUBLE|DECIMAL/.test(type) ? `CAST(CAST(${ident(column)} AS BIGINT) AS VARCHAR)` : ident(column);
  const sample = await engine.query(`SELECT DISTINCT ${text} FROM ${table} WHERE ${ident(column)} IS NOT NULL USING SAMPLE 5000 ROWS`);
  const format = inferDateFormat(sample.columns[0].map(String), column, userFormat);
  return { sql: dateSql(text, format), format };
}

/** A flag's date as 'YYYY-MM-DD', refused unless it is a real calendar day (2011-02-30 is not). */
export function calendarDate(value: string, flag: string): string {
  if (calendarDay(value.trim()) === null) {
    throw new InputError('bad-date', `${flag} '${value}' is not a calendar date`, 'Use YYYY-MM-DD, e.g. 2011-06-30');
  }
  return value.trim();
}

/** The 'YYYY-MM-DD' of a day counted since the Unix epoch (calendarDay's inverse). */
export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Days since the Unix epoch of a 'YYYY-MM-DD' that names a real day (no 2011-02-30), else null. */
export function calendarDay(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const d = new Date(t);
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] ? t / 86_400_000 : null;
}
