import { DuckDbEngine } from '../engine/duckdb.js';
import type { Engine } from '../engine/engine.js';
import { ident, rowObjects } from '../engine/engine.js';
import { ClienteleError, formatError } from '../errors.js';
import { COPIES, loadFile, type LoadOptions } from '../ingest/load.js';
import { detectRoles, type RoleDetection, type RoleMap } from '../ingest/roles.js';
import { orderDateColumn, resolveTable, tableLoad } from './warehouse.js';
import { timestampSql } from '../ingest/dates.js';
import { describeFormat, type ColumnNumberFormat } from '../ingest/numbers.js';
import { fileCurrency } from '../ingest/currency.js';

export interface ProfileResult {
  readonly file: string;
  readonly format: string;
  readonly encoding: string;
  readonly rows: number;
  readonly duplicateRows: number;
  readonly columns: { name: string; type: string; missing: number; distinct: number; min: string | null; max: string | null; role?: string }[];
  readonly detection?: RoleDetection;
  /** Why roles could not be detected, when they could not. */
  readonly detectionProblem?: string;
  readonly dateRange?: { first: string; last: string; format: string };
  readonly warnings: string[];
  /** Number format of each text column read as numbers, and the currency of the money columns. */
  readonly numberFormats: ColumnNumberFormat[];
  readonly numberFormatLines: string[];
  readonly currency: string | null;
}

/** Schema, roles, missing values, duplicates and date range, without any analysis. */
export async function profile(path: string, options: LoadOptions & { map?: RoleMap; dateFormat?: string; currency?: string } = {}): Promise<ProfileResult> {
  const engine = await DuckDbEngine.open();
  try {
    const load = await loadFile(engine, path, options);
    const stats = load.schema.map(
      // Missing values count every row of the file, duplicates included.
      (c) => `coalesce(sum(${COPIES}) FILTER (WHERE ${ident(c.name)} IS NULL), 0)::DOUBLE, count(DISTINCT ${ident(c.name)})::DOUBLE, CAST(min(${ident(c.name)}) AS VARCHAR), CAST(max(${ident(c.name)}) AS VARCHAR)`,
    );
    const s = await engine.query(`SELECT ${stats.join(', ')} FROM ${load.grouped}`);
    let detection: RoleDetection | undefined;
    let detectionProblem: string | undefined;
    let currency: string | null = null;
    try {
      detection = await detectRoles(engine, load.table, load.schema, options.map, load.numberFormats, load.grouped);
      currency = await fileCurrency(engine, load, detection.roles, options.currency);
    } catch (err) {
      if (!(err instanceof ClienteleError)) throw err;
      detectionProblem = formatError(err);
    }
    const roleOf = new Map(Object.entries(detection?.roles ?? {}).map(([r, c]) => [c, r]));
    let dateRange: ProfileResult['dateRange'];
    const ts = detection?.roles.timestamp;
    if (ts) {
      const type = load.schema.find((c) => c.name === ts)?.type ?? 'VARCHAR';
      try {
        const { sql, format } = await timestampSql(engine, load.table, ts, type, options.dateFormat);
        const r = rowObjects(await engine.query(`SELECT strftime(min(${sql}), '%Y-%m-%d %H:%M') AS first, strftime(max(${sql}), '%Y-%m-%d %H:%M') AS last FROM ${load.table}`))[0];
        dateRange = { first: String(r.first), last: String(r.last), format: format.label };
      } catch (err) {
        if (!(err instanceof ClienteleError)) throw err;
        detectionProblem = formatError(err);
      }
    }
    return {
      file: path,
      format: load.sniff.format + (load.sniff.gzip ? ' (gzip)' : ''),
      encoding: load.sniff.encoding,
      rows: load.rows,
      duplicateRows: load.rows - load.distinctRows,
      columns: load.schema.map((c, j) => ({
        name: c.name,
        type: c.type,
        missing: Number(s.columns[4 * j][0]),
        distinct: Number(s.columns[4 * j + 1][0]),
        min: s.columns[4 * j + 2][0] as string | null,
        max: s.columns[4 * j + 3][0] as string | null,
        role: roleOf.get(c.name),
      })),
      detection,
      detectionProblem,
      dateRange,
      warnings: load.warnings,
      numberFormats: load.numberFormats,
      numberFormatLines: load.numberFormats.map(describeFormat),
      currency,
    };
  } finally {
    await engine.close();
  }
}

/**
 * The same profile of a table or view in PostgreSQL or ClickHouse, computed by the server: row and duplicate
 * counts, per-column missing values, distinct values, minimum and maximum as text, the detected roles and the
 * order-date range. Only these aggregates come back. The column types are the table's own.
 */
export async function profileTable(engine: Engine, name: string, options: { map?: RoleMap; currency?: string } = {}): Promise<ProfileResult> {
  const t = await resolveTable(engine, name);
  const d = engine.sql;
  const stats = t.schema.flatMap((c, j) => {
    const x = d.ident(c.name);
    return [`${d.toDouble(d.count(`${x} IS NULL`))} AS ${d.ident(`missing_${j}`)}`, `${d.toDouble(d.countDistinct(x))} AS ${d.ident(`distinct_${j}`)}`, `${d.toText(d.min(x))} AS ${d.ident(`min_${j}`)}`, `${d.toText(d.max(x))} AS ${d.ident(`max_${j}`)}`];
  });
  const distinct = d.sub(`SELECT DISTINCT * FROM ${t.relation}`, 'distinct_rows');
  const s = await engine.query(`SELECT ${d.toDouble(d.count())} AS ${d.ident('rows')}, ${d.toDouble(`(SELECT count(*) FROM ${distinct})`)} AS ${d.ident('distinct')}, ${stats.join(', ')} FROM ${t.relation}`);
  const load = tableLoad(t, name);
  let detection: RoleDetection | undefined;
  let detectionProblem: string | undefined;
  let currency: string | null = null;
  let dateRange: ProfileResult['dateRange'];
  try {
    detection = await detectRoles(engine, t.relation, t.schema, options.map, []);
    currency = await fileCurrency(engine, load, detection.roles, options.currency);
    const ts = orderDateColumn(t.schema, detection.roles);
    if (ts) {
      const x = d.toTimestamp(d.ident(ts.name));
      const r = rowObjects(await engine.query(`SELECT ${d.formatSecond(d.min(x))} AS ${d.ident('first')}, ${d.formatSecond(d.max(x))} AS ${d.ident('last')} FROM ${t.relation}`))[0];
      if (r.first !== null) dateRange = { first: String(r.first).slice(0, 16), last: String(r.last).slice(0, 16), format: ts.type.toLowerCase() };
    }
  } catch (err) {
    if (!(err instanceof ClienteleError)) throw err;
    detectionProblem = formatError(err);
  }
  const roleOf = new Map(Object.entries(detection?.roles ?? {}).map(([r, c]) => [c, r]));
  const cell = (col: string) => s.columns[s.names.indexOf(col)][0];
  const rows = Number(cell('rows'));
  return {
    file: name,
    format: `${engine.dialect === 'clickhouse' ? 'ClickHouse' : 'PostgreSQL'} ${t.local ? 'Distributed table' : 'table'}`,
    encoding: 'n/a',
    rows,
    duplicateRows: rows - Number(cell('distinct')),
    columns: t.schema.map((c, j) => ({
      name: c.name,
      type: c.type,
      missing: Number(cell(`missing_${j}`)),
      distinct: Number(cell(`distinct_${j}`)),
      min: cell(`min_${j}`) as string | null,
      max: cell(`max_${j}`) as string | null,
      role: roleOf.get(c.name),
    })),
    detection,
    detectionProblem,
    dateRange,
    warnings: [],
    numberFormats: [],
    numberFormatLines: [],
    currency,
  };
}
