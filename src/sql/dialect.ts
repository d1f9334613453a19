/**
 * What differs between the SQL engines clientele pushes its aggregations to: quoting, casts, dates, regexes,
 * conditional and distinct aggregates, joins. Every aggregation in src/sql/ is written once against this object,
 * so the embedded DuckDB run, PostgreSQL and ClickHouse (down to Debian's 18.16: no CTEs, no window functions,
 * no `true`, no query parameters, `-If` combinators instead of FILTER) execute the same definition.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'postgres' | 'clickhouse';
  /** A quoted identifier; any character is safe in it. */
  ident(name: string): string;
  /** A quoted string literal; any character is safe in it. */
  literal(value: string): string;
  /** A finite number as a literal (anything else is a programming error, refused). */
  number(value: number): string;
  /** A DATE literal from 'YYYY-MM-DD'. */
  date(ymd: string): string;
  readonly true: string;
  readonly false: string;
  /** SQL type names for NULL placeholders. */
  nullText(): string;
  nullDouble(): string;
  toDouble(x: string): string;
  toText(x: string): string;
  toBigintText(x: string): string;
  toTimestamp(x: string): string;
  toDate(x: string): string;
  trim(x: string): string;
  nullIf(x: string, y: string): string;
  /** Text concatenation that is NULL when any part is. */
  concat(parts: string[]): string;
  /** True where `x` matches the RE2/POSIX-compatible `pattern` (anchored patterns only); NULL for NULL. */
  regex(x: string, pattern: string, ignoreCase?: boolean): string;
  ln(x: string): string;
  /** A double rounded to `digits` decimals. */
  round(x: string, digits: number): string;
  greatest(a: string, b: string): string;
  /** Conditional aggregates: `where` of null is no filter. */
  count(where?: string): string;
  sum(x: string, where?: string): string;
  min(x: string, where?: string): string;
  max(x: string, where?: string): string;
  countDistinct(x: string, where?: string): string;
  /**
   * A money sum as a DOUBLE, added up exactly (as decimals with 8 places): a sum of doubles depends on the order
   * the rows arrive in, which differs between runs of a parallel engine and between engines.
   */
  sumMoney(x: string, where?: string): string;
  /** The exact sum sumMoney converts, kept exact (a decimal): a partial that sumMoneyPartials adds up later. */
  moneyPartial(x: string): string;
  /** sumMoney over partials from moneyPartial: the same double as sumMoney over the rows they summed. */
  sumMoneyPartials(x: string, where?: string): string;
  boolOr(x: string): string;
  /** Interpolated quantile (DuckDB's quantile_cont), or null where the engine has none and clientele computes it. */
  quantileCont(x: string, p: number): string | null;
  monthStart(ts: string): string;
  /** Whole calendar days / months from a to b (both dates). */
  daysBetween(a: string, b: string): string;
  monthsBetween(a: string, b: string): string;
  epochSeconds(ts: string): string;
  /** Day count since 1970-01-01 of a DATE. */
  epochDay(date: string): string;
  formatDay(ts: string): string;
  formatSecond(ts: string): string;
  formatMonth(ts: string): string;
  isWeekend(ts: string): string;
  /** ISO weekday (Monday 1 … Sunday 7) and hour of day, as doubles. */
  isoWeekday(ts: string): string;
  hourOfDay(ts: string): string;
  /** A text expression ordered (and compared by min/max) byte-wise, as DuckDB and ClickHouse do. */
  bytewise(x: string): string;
  /** Join of two subqueries on equal keys, keeping every match / every left row with at most one match. */
  innerJoin(left: string, right: string, keys: string[]): string;
  leftJoinOne(left: string, right: string, keys: string[]): string;
  /** Derived tables need an alias in DuckDB and PostgreSQL. */
  sub(sql: string, alias: string): string;
}

const doubleQuoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
const standardLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

function finite(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`SQL number literal must be finite, got ${value}`);
  return String(value);
}

function ymd(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error(`SQL date literal must be YYYY-MM-DD, got ${value}`);
  return value;
}

const filtered = (agg: string, where?: string) => (where ? `${agg} FILTER (WHERE ${where})` : agg);
const using = (keys: string[], q: (k: string) => string) => `USING (${keys.map(q).join(', ')})`;

export const duckdb: Dialect = {
  name: 'duckdb',
  ident: doubleQuoted,
  literal: standardLiteral,
  number: finite,
  date: (v) => `DATE '${ymd(v)}'`,
  true: 'true',
  false: 'false',
  nullText: () => 'NULL::VARCHAR',
  nullDouble: () => 'NULL::DOUBLE',
  toDouble: (x) => `CAST(${x} AS DOUBLE)`,
  toText: (x) => `CAST(${x} AS VARCHAR)`,
  toBigintText: (x) => `CAST(CAST(${x} AS BIGINT) AS VARCHAR)`,
  toTimestamp: (x) => `CAST(${x} AS TIMESTAMP)`,
  toDate: (x) => `CAST(${x} AS DATE)`,
  trim: (x) => `trim(${x})`,
  nullIf: (x, y) => `NULLIF(${x}, ${y})`,
  concat: (parts) => `(${parts.join(' || ')})`,
  regex: (x, p, i) => `regexp_matches(${x}, ${standardLiteral(p)}${i ? ", 'i'" : ''})`,
  ln: (x) => `ln(${x})`,
  round: (x, n) => `round(${x}, ${Math.trunc(n)})`,
  greatest: (a, b) => `greatest(${a}, ${b})`,
  count: (w) => filtered('count(*)', w),
  sum: (x, w) => filtered(`sum(${x})`, w),
  min: (x, w) => filtered(`min(${x})`, w),
  max: (x, w) => filtered(`max(${x})`, w),
  countDistinct: (x, w) => filtered(`count(DISTINCT ${x})`, w),
  sumMoney: (x, w) => `CAST(${filtered(`sum(CAST(${x} AS DECIMAL(38, 8)))`, w)} AS DOUBLE)`,
  moneyPartial: (x) => `sum(CAST(${x} AS DECIMAL(38, 8)))`,
  sumMoneyPartials: (x, w) => `CAST(${filtered(`sum(${x})`, w)} AS DOUBLE)`,
  boolOr: (x) => `bool_or(${x})`,
  quantileCont: (x, p) => `quantile_cont(${x}, ${finite(p)})`,
  monthStart: (ts) => `date_trunc('month', ${ts})`,
  daysBetween: (a, b) => `date_diff('day', ${a}, ${b})`,
  monthsBetween: (a, b) => `date_diff('month', ${a}, ${b})`,
  epochSeconds: (ts) => `epoch(${ts})`,
  epochDay: (d) => `(epoch(CAST(${d} AS TIMESTAMP)) / 86400)`,
  formatDay: (ts) => `strftime(${ts}, '%Y-%m-%d')`,
  formatSecond: (ts) => `strftime(${ts}, '%Y-%m-%d %H:%M:%S')`,
  formatMonth: (ts) => `strftime(${ts}, '%Y-%m')`,
  isWeekend: (ts) => `dayofweek(${ts}) IN (0, 6)`,
  isoWeekday: (ts) => `CAST(isodow(${ts}) AS DOUBLE)`,
  hourOfDay: (ts) => `CAST(hour(${ts}) AS DOUBLE)`,
  bytewise: (x) => x,
  innerJoin: (l, r, k) => `${l} JOIN ${r} ${using(k, doubleQuoted)}`,
  leftJoinOne: (l, r, k) => `${l} LEFT JOIN ${r} ${using(k, doubleQuoted)}`,
  sub: (sql, alias) => `(${sql}) AS ${doubleQuoted(alias)}`,
};

export const postgres: Dialect = {
  ...duckdb,
  name: 'postgres',
  nullText: () => 'CAST(NULL AS text)',
  nullDouble: () => 'CAST(NULL AS double precision)',
  toDouble: (x) => `CAST(${x} AS double precision)`,
  toText: (x) => `CAST(${x} AS text)`,
  toBigintText: (x) => `CAST(CAST(${x} AS bigint) AS text)`,
  toTimestamp: (x) => `CAST(${x} AS timestamp)`,
  toDate: (x) => `CAST(${x} AS date)`,
  // PostgreSQL rounds only numerics to a number of digits.
  round: (x, n) => `CAST(round(CAST(${x} AS numeric), ${Math.trunc(n)}) AS double precision)`,
  // POSIX regexes: the patterns clientele uses (anchors, classes, \s, alternation) mean the same in RE2.
  regex: (x, p, i) => `(${x} ${i ? '~*' : '~'} ${standardLiteral(p)})`,
  sumMoney: (x, w) => `CAST(${filtered(`sum(CAST(${x} AS numeric(38, 8)))`, w)} AS double precision)`,
  moneyPartial: (x) => `sum(CAST(${x} AS numeric(38, 8)))`,
  sumMoneyPartials: (x, w) => `CAST(${filtered(`sum(${x})`, w)} AS double precision)`,
  boolOr: (x) => `bool_or(${x})`,
  quantileCont: (x, p) => `percentile_cont(${finite(p)}) WITHIN GROUP (ORDER BY ${x})`,
  daysBetween: (a, b) => `(${b} - ${a})`,
  monthsBetween: (a, b) =>
    `((extract(year FROM ${b}) - extract(year FROM ${a})) * 12 + extract(month FROM ${b}) - extract(month FROM ${a}))`,
  epochSeconds: (ts) => `extract(epoch FROM ${ts})`,
  epochDay: (d) => `(${d} - DATE '1970-01-01')`,
  formatDay: (ts) => `to_char(${ts}, 'YYYY-MM-DD')`,
  formatSecond: (ts) => `to_char(${ts}, 'YYYY-MM-DD HH24:MI:SS')`,
  formatMonth: (ts) => `to_char(${ts}, 'YYYY-MM')`,
  isWeekend: (ts) => `extract(dow FROM ${ts}) IN (0, 6)`,
  isoWeekday: (ts) => `CAST(extract(isodow FROM ${ts}) AS double precision)`,
  hourOfDay: (ts) => `CAST(extract(hour FROM ${ts}) AS double precision)`,
  // The database's locale collation would order '10' and '9' or 'a' and 'B' differently from the other engines.
  bytewise: (x) => `(${x} COLLATE "C")`,
};

/** ClickHouse identifiers and strings take backslash escapes; a doubled quote alone would leave `\` live. */
const backticked = (name: string) => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
const chLiteral = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const chIf = (fn: string, args: string, where?: string) => (where ? `${fn}If(${args}, ${where})` : `${fn}(${args})`);

export const clickhouse: Dialect = {
  name: 'clickhouse',
  ident: backticked,
  literal: chLiteral,
  number: finite,
  date: (v) => `toDate('${ymd(v)}')`,
  true: '1',
  false: '0',
  nullText: () => 'CAST(NULL AS Nullable(String))',
  nullDouble: () => 'CAST(NULL AS Nullable(Float64))',
  toDouble: (x) => `toFloat64(${x})`,
  toText: (x) => `toString(${x})`,
  toBigintText: (x) => `toString(toInt64(${x}))`,
  toTimestamp: (x) => `toDateTime(${x})`,
  toDate: (x) => `toDate(${x})`,
  // 18.16 has no trim(); this is its definition.
  trim: (x) => `replaceRegexpAll(${x}, '^\\\\s+|\\\\s+$', '')`,
  nullIf: (x, y) => `nullIf(${x}, ${y})`,
  concat: (parts) => `concat(${parts.join(', ')})`,
  regex: (x, p, i) => `match(${x}, ${chLiteral((i ? '(?i)' : '') + p)})`,
  ln: (x) => `log(${x})`,
  round: (x, n) => `round(${x}, ${Math.trunc(n)})`,
  greatest: (a, b) => `greatest(${a}, ${b})`,
  count: (w) => (w ? `countIf(${w})` : 'count()'),
  // Over a Nullable argument an empty group gives NULL, as in SQL, instead of the type's default (0, '', 1970).
  sum: (x, w) => chIf('sum', `toNullable(${x})`, w),
  min: (x, w) => chIf('min', `toNullable(${x})`, w),
  max: (x, w) => chIf('max', `toNullable(${x})`, w),
  countDistinct: (x, w) => chIf('uniqExact', x, w),
  // 18.16's toDecimal128(x, 8) truncates x * 1e8 (2.675 becomes 2.67499999); rounded hundred-millionths as whole
  // decimals add up exactly, as DuckDB's rounding cast does.
  sumMoney: (x, w) => `(toFloat64(${chIf('sum', `toDecimal128(round(toNullable(${x}) * 100000000), 0)`, w)}) / 100000000)`,
  // Partials are those whole hundred-millionths.
  moneyPartial: (x) => `sum(toDecimal128(round(toNullable(${x}) * 100000000), 0))`,
  sumMoneyPartials: (x, w) => `(toFloat64(${chIf('sum', x, w)}) / 100000000)`,
  boolOr: (x) => `max(${x})`,
  // quantileExact picks an element rather than interpolating: clientele computes these from a value histogram.
  quantileCont: () => null,
  monthStart: (ts) => `toStartOfMonth(${ts})`,
  daysBetween: (a, b) => `dateDiff('day', ${a}, ${b})`,
  monthsBetween: (a, b) => `dateDiff('month', ${a}, ${b})`,
  epochSeconds: (ts) => `toUnixTimestamp(${ts})`,
  epochDay: (d) => `toRelativeDayNum(${d})`,
  formatDay: (ts) => `formatDateTime(${ts}, '%Y-%m-%d')`,
  formatSecond: (ts) => `formatDateTime(${ts}, '%Y-%m-%d %H:%M:%S')`,
  formatMonth: (ts) => `formatDateTime(${ts}, '%Y-%m')`,
  isWeekend: (ts) => `toDayOfWeek(${ts}) IN (6, 7)`,
  isoWeekday: (ts) => `toFloat64(toDayOfWeek(${ts}))`,
  hourOfDay: (ts) => `toFloat64(toHour(${ts}))`,
  bytewise: (x) => x,
  // 18.16 needs the strictness spelled out; join_use_nulls (set by the engine) makes a missed match NULL.
  innerJoin: (l, r, k) => `${l} ALL INNER JOIN ${r} ${using(k, backticked)}`,
  leftJoinOne: (l, r, k) => `${l} ANY LEFT JOIN ${r} ${using(k, backticked)}`,
  sub: (sql) => `(${sql})`,
};

export const DIALECTS = { duckdb, postgres, clickhouse } as const;
