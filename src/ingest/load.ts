import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { ident, literal, type Engine } from '../engine/engine.js';
import { sniffFile, titleLines, type SniffResult } from './sniff.js';
import { PlainTextError, withPlainText } from './plain-text.js';
import { readXlsxAsCsv } from './xlsx.js';
import { findMalformedLine } from './scan-lines.js';
import { convertNumberColumns, type ColumnNumberFormat, type DecimalMark } from './numbers.js';

export interface LoadOptions {
  /** Names for the columns of a headerless file (`_` skips a field). */
  columns?: string[];
  /** Skip rows with the wrong number of fields or unclosed quotes (counted) instead of refusing the file. */
  skipBadRows?: boolean;
  /** Worksheet name or 1-based number for .xlsx. */
  sheet?: string;
  /** Decimal mark for number columns whose values cannot settle it (e.g. only `1,050`). */
  decimal?: DecimalMark;
}

export interface SchemaColumn {
  readonly name: string;
  /** DuckDB type name, e.g. VARCHAR, DOUBLE, BIGINT, TIMESTAMP. */
  readonly type: string;
}

export interface LoadedTable {
  /** Name of the DuckDB view of the distinct raw rows (exact duplicates appear once). */
  readonly table: string;
  /** Table behind it, with a `__copies` column counting each row's occurrences in the file. */
  readonly grouped: string;
  /** Rows in the file, duplicates included. */
  readonly rows: number;
  /** Distinct rows. */
  readonly distinctRows: number;
  readonly schema: SchemaColumn[];
  readonly sniff: SniffResult;
  /** Rows skipped as malformed (only with skipBadRows). */
  readonly skippedRows: number;
  readonly warnings: string[];
  /** Number format of every text column that holds numbers as exported (converted unless unsettled). */
  readonly numberFormats: ColumnNumberFormat[];
}

/**
 * Text types are decided by clientele, not DuckDB's sniffer, so ambiguous dates are never guessed silently, and
 * decimals are read as text: the sniffer would read a European `1.050` (one thousand fifty) as 1.05.
 */
const TYPE_CANDIDATES = "auto_type_candidates=['BOOLEAN', 'BIGINT', 'VARCHAR']";

/** Column of the grouped raw table counting how often each distinct row occurs in the file. */
export const COPIES = '__copies';

/**
 * Load any supported file into the engine: table `raw_grouped` holds each distinct row once with its number
 * of copies (exact duplicates are counted in the same pass that reads the file), view `raw` shows the distinct
 * rows. The input file is only ever read.
 */
export async function loadFile(engine: Engine, path: string, options: LoadOptions = {}): Promise<LoadedTable> {
  const sniff = sniffFile(path);
  const name = basename(path);
  const warnings: string[] = [];
  let skippedRows = 0;
  const table = 'loaded';

  if (sniff.format === 'parquet') {
    await guard(name, () => engine.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_parquet(${literal(path)})`));
  } else if (sniff.format === 'jsonl') {
    await guard(name, () =>
      engine.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_json(${literal(path)}, format='newline_delimited')`),
    );
  } else if (sniff.format === 'xlsx') {
    const dir = mkdtempSync(join(tmpdir(), 'clientele-xlsx-'));
    try {
      const csvPath = join(dir, 'sheet.csv');
      const csv = await readXlsxAsCsv(path, options.sheet);
      writeFileSync(csvPath, csv);
      const head = csv.slice(0, 64 * 1024).split('\n');
      const titles = titleLines(head, ',');
      if (titles > 0) warnings.push(titleWarning(titles, head, true));
      await guard(name, () =>
        engine.exec(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_csv(${literal(csvPath)}, header=true, all_varchar=true${titles > 0 ? `, skip=${titles}` : ''})`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else if (sniff.format === 'whitespace') {
    await plainText(sniff, (source) => loadWhitespace(engine, table, sniff, source, options.columns));
  } else {
    const head = sniff.headLines ?? sniff.sampleLines;
    const titles = options.columns ? 0 : titleLines(head, sniff.delimiter ?? ',');
    if (titles > 0) warnings.push(titleWarning(titles, head));
    skippedRows = await plainText(sniff, (source) => loadCsv(engine, table, sniff, source, options, titles));
    if (skippedRows > 0) {
      warnings.push(`${skippedRows.toLocaleString('en-US')} malformed rows (wrong number of fields or unclosed quotes) were skipped`);
    }
  }

  const numberFormats = await convertNumberColumns(engine, table, options.decimal);
  const describe = await engine.query(`DESCRIBE ${table}`);
  const grouped = describe.columns[0].includes(COPIES);
  const schema = describe.columns[0]
    .map((n, i) => ({ name: String(n), type: String(describe.columns[1][i]) }))
    .filter((c) => c.name !== COPIES);
  const weight = grouped ? `sum(${COPIES})` : 'count(*)';
  // Spreadsheet exports often end with a row of bare delimiters; such rows carry nothing.
  const allNull = schema.map((c) => `${ident(c.name)} IS NULL`).join(' AND ');
  const blank = await engine.query(`SELECT coalesce(${weight}, 0)::DOUBLE FROM ${table} WHERE ${allNull}`);
  const nBlank = Number(blank.columns[0][0]);
  if (nBlank > 0) {
    await engine.exec(`DELETE FROM ${table} WHERE ${allNull}`);
    warnings.push(`${nBlank.toLocaleString('en-US')} empty row${nBlank > 1 ? 's' : ''} (every field blank) skipped`);
  }
  if (grouped) {
    await engine.exec(`ALTER TABLE ${table} RENAME TO raw_grouped`);
  } else {
    await engine.exec(`CREATE OR REPLACE TABLE raw_grouped AS SELECT *, count(*)::BIGINT AS ${COPIES} FROM ${table} GROUP BY ALL`);
    await engine.exec(`DROP TABLE ${table}`);
  }
  await engine.exec(`CREATE OR REPLACE VIEW raw AS SELECT * EXCLUDE (${COPIES}) FROM raw_grouped`);
  const count = await engine.query(`SELECT coalesce(sum(${COPIES}), 0)::DOUBLE AS n, count(*)::DOUBLE AS d FROM raw_grouped`);
  const rows = Number(count.columns[0][0]);
  if (rows === 0) {
    throw new InputError('no-rows', `${name} has a header but no data rows`, 'Export the data again, including its rows');
  }
  return { table: 'raw', grouped: 'raw_grouped', rows, distinctRows: Number(count.columns[1][0]), schema, sniff, skippedRows, warnings, numberFormats };
}

/** The cleaning log's line for title lines skipped above the header, quoting the first one that says something. */
function titleWarning(n: number, lines: readonly string[], sheet = false): string {
  const said = lines.slice(0, n).map((l) => l.replace(/[,;\t|"]+/g, ' ').trim()).find((l) => l !== '');
  const title = said ? ` (a title: '${said.slice(0, 60)}')` : '';
  // A worksheet's empty rows are not in its text, so only a file's line number says where the header is.
  return sheet ? `the rows above the worksheet's header were skipped${title}` : `${n} line${n === 1 ? '' : 's'} above the header skipped${title}; the header is line ${n + 1}`;
}

/** `read` on the file's text: the file itself, or its decompressed copy when it is gzip-compressed. */
async function plainText<T>(sniff: SniffResult, read: (source: string) => Promise<T>): Promise<T> {
  if (!sniff.gzip) return read(sniff.path);
  try {
    return await withPlainText(sniff.path, read);
  } catch (err) {
    if (!(err instanceof PlainTextError)) throw err;
    if (err.reason === 'no-space') throw new InputError('no-space', `Not enough space in ${tmpdir()} to decompress ${basename(sniff.path)}`, 'Free some space or set TMPDIR');
    throw new InputError('corrupt-gzip', `${basename(sniff.path)} is a corrupt or truncated gzip file`, 'Re-download or re-compress it');
  }
}

async function loadCsv(engine: Engine, table: string, sniff: SniffResult, source: string, options: LoadOptions, titles: number): Promise<number> {
  const name = basename(sniff.path);
  const base = [
    `delim=${literal(sniff.delimiter ?? ',')}`,
    "quote='\"'",
    "escape='\"'",
    `encoding=${literal(sniff.encoding)}`,
    'strict_mode=true',
    // Spreadsheet error and null markers are missing values, not categories.
    "nullstr=['', '#N/A', 'N/A', '#NA', 'NULL', 'null', '#VALUE!', '#DIV/0!']",
    TYPE_CANDIDATES,
  ];
  if (options.columns) {
    base.push('header=false');
  } else if (titles > 0) {
    base.push(`skip=${titles}`);
  }
  // Counting duplicates while reading costs nothing extra, where a later DISTINCT is a second pass.
  const read = (extra: string[], group: boolean) =>
    `CREATE OR REPLACE TABLE ${table} AS SELECT *${group ? `, count(*)::BIGINT AS ${COPIES}` : ''} FROM read_csv(${literal(source)}, ${[...base, ...extra].join(', ')})${group ? ' GROUP BY ALL' : ''}`;
  const extra = options.skipBadRows ? ['ignore_errors=true', 'store_rejects=true'] : [];
  try {
    await guard(name, () => engine.exec(read(extra, !options.columns)), () => explainMalformed(sniff));
  } catch (err) {
    // The sniffer types columns from a sample; a later value that does not fit (e.g. 'C536379' after numbers)
    // is not an input error: read everything as text and type it from all values instead.
    if (!(err instanceof InputError) || err.code !== 'type-mismatch') throw err;
    await guard(name, () => engine.exec(read([...extra, 'all_varchar=true'], false)), () => explainMalformed(sniff));
  }
  if (options.columns) await renameColumns(engine, table, options.columns, name);
  await dropEmptyTrailingColumns(engine, table);
  if (!options.skipBadRows) return 0;
  const rejects = await engine.query('SELECT count(*)::DOUBLE AS n FROM reject_errors');
  return Number(rejects.columns[0][0]);
}

async function loadWhitespace(engine: Engine, table: string, sniff: SniffResult, source: string, columns?: string[]): Promise<void> {
  const name = basename(sniff.path);
  const firstFields = sniff.sampleLines[0].trim().split(/\s+/);
  const hasHeader = firstFields.every((f) => !/^[-+]?[\d.]+$/.test(f));
  const width = firstFields.length;
  let names: string[];
  if (columns) {
    if (columns.length !== width) {
      const example = [...columns];
      while (example.length < width) example.splice(1, 0, '_');
      throw new InputError(
        'columns-count',
        `${name} has ${width} whitespace-separated fields per line but --columns names ${columns.length} (${columns.join(',')})`,
        `Name every field, using _ for one to ignore, e.g. --columns ${example.slice(0, width).join(',')}`,
      );
    }
    names = columns;
  } else if (hasHeader) {
    names = firstFields;
  } else {
    throw new InputError(
      'no-header',
      `${name} has no header row (${width} whitespace-separated fields per line)`,
      `Name its columns with --columns, e.g. --columns ${['customer', 'date', 'quantity', 'amount', '_', '_', '_'].slice(0, width).join(',')}`,
    );
  }
  const fields = names
    .map((n, i) => (n === '_' ? null : `NULLIF(parts[${i + 1}], '') AS ${ident(n)}`))
    .filter((x): x is string => x !== null);
  await guard(name, () =>
    engine.exec(`CREATE OR REPLACE TABLE ${table} AS
      SELECT ${fields.join(', ')} FROM (
        SELECT regexp_split_to_array(trim(line), '\\s+') AS parts
        FROM read_csv(${literal(source)}, columns={'line': 'VARCHAR'}, header=false, delim='\\x01', quote='', escape='', encoding=${literal(sniff.encoding)})
        WHERE trim(line) <> ''
      ) ${hasHeader && !columns ? 'OFFSET 1' : ''}`),
  );
  if (hasHeader && columns) await engine.exec(`DELETE FROM ${table} WHERE rowid = (SELECT min(rowid) FROM ${table})`);
  const bad = await engine.query(
    `SELECT count(*)::DOUBLE FROM (SELECT regexp_split_to_array(trim(line), '\\s+') AS p FROM read_csv(${literal(source)}, columns={'line': 'VARCHAR'}, header=false, delim='\\x01', quote='', escape='', encoding=${literal(sniff.encoding)}) WHERE trim(line) <> '') WHERE len(p) <> ${width}`,
  );
  const nBad = Number(bad.columns[0][0]);
  if (nBad > 0) {
    throw new InputError('ragged-rows', `${name} has ${nBad} lines whose number of fields differs from ${width}`, 'Fix those lines; every line must have the same fields');
  }
}

async function renameColumns(engine: Engine, table: string, names: string[], file: string): Promise<void> {
  const describe = await engine.query(`DESCRIBE ${table}`);
  const current = describe.columns[0].map(String);
  if (current.length !== names.length) {
    throw new InputError('columns-count', `${file} has ${current.length} fields per line but --columns names ${names.length}`, 'Name every field, using _ for one to ignore');
  }
  for (let i = 0; i < names.length; i++) {
    if (names[i] === '_') await engine.exec(`ALTER TABLE ${table} DROP COLUMN ${ident(current[i])}`);
    else if (names[i] !== current[i]) await engine.exec(`ALTER TABLE ${table} RENAME ${ident(current[i])} TO ${ident(names[i])}`);
  }
}

/** Exports often end every line with extra commas; those unnamed, all-empty columns carry nothing. */
async function dropEmptyTrailingColumns(engine: Engine, table: string): Promise<void> {
  const describe = await engine.query(`DESCRIBE ${table}`);
  const unnamed = describe.columns[0].map(String).filter((c) => /^column\d+$/.test(c));
  if (unnamed.length === 0) return;
  const r = await engine.query(`SELECT ${unnamed.map((c) => `count(${ident(c)})::DOUBLE`).join(', ')} FROM ${table}`);
  for (let i = 0; i < unnamed.length; i++) {
    if (Number(r.columns[i][0]) === 0) await engine.exec(`ALTER TABLE ${table} DROP COLUMN ${ident(unnamed[i])}`);
  }
}

/** Turn DuckDB's reader errors into one sentence about the file, naming the line when DuckDB knows it. */
async function guard(file: string, run: () => Promise<void>, explain?: () => InputError | null): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof InputError) throw err;
    // DuckDB's own message is often about its sniffer; a scan of the file names the real problem and line.
    throw explain?.() ?? translateReadError(file, err);
  }
}

const SKIP_HINT = 'Fix that line, or rerun with --skip-bad-rows to skip such rows (they are counted)';

function explainMalformed(sniff: SniffResult): InputError | null {
  const name = basename(sniff.path);
  const p = findMalformedLine(sniff.path, sniff.gzip, sniff.delimiter ?? ',', sniff.encoding);
  if (!p) return null;
  if (p.kind === 'corrupt-gzip') return new InputError('corrupt-gzip', `${name} is a corrupt or truncated gzip file`, 'Re-download or re-compress it');
  if (p.kind === 'unclosed-quote') return new InputError('unclosed-quote', `Line ${p.line} of ${name} opens a quote that is never closed`, SKIP_HINT);
  return new InputError('wrong-field-count', `Line ${p.line} of ${name} has ${p.fields} fields where the header has ${p.expected}`, SKIP_HINT);
}

export function translateReadError(file: string, err: unknown): Error {
  if (err instanceof InputError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const line = /Line:\s*(\d+)/i.exec(msg)?.[1];
  const at = line ? `line ${line} of ${file}` : file;
  if (/unterminated quote/i.test(msg)) {
    return new InputError('unclosed-quote', `${cap(at)} has an unclosed quote`, 'Close the quote, or rerun with --skip-bad-rows to skip such rows (they are counted)');
  }
  const cols = /Expected Number of Columns:\s*(\d+)\s*Found:\s*(\d+)/i.exec(msg);
  if (cols) {
    return new InputError(
      'wrong-field-count',
      `${cap(at)} has ${cols[2]} fields where the header has ${cols[1]}`,
      'Fix that line, or rerun with --skip-bad-rows to skip such rows (they are counted)',
    );
  }
  if (/Could not convert|Conversion Error/i.test(msg) && /CSV/i.test(msg)) {
    return new InputError('type-mismatch', `${cap(at)} has a value that does not match its column's type`);
  }
  if (/gzip|zlib|decompress|inflate/i.test(msg)) {
    return new InputError('corrupt-gzip', `${file} is a corrupt or truncated gzip file`, 'Re-download or re-compress it');
  }
  if (/parquet/i.test(msg) || /magic bytes/i.test(msg)) {
    return new InputError('corrupt-parquet', `${file} is not a readable Parquet file (${firstLine(msg)})`, 'Export it again');
  }
  if (/json/i.test(msg)) {
    return new InputError('bad-json', `${file} is not valid JSON lines (${firstLine(msg)})`, 'Each line must be one JSON object');
  }
  if (/unicode|utf-?8|encoding/i.test(msg)) {
    return new InputError('bad-encoding', `${cap(at)} is neither valid UTF-8 nor Latin-1 text`, 'Re-export the file as UTF-8');
  }
  if (/CSV/i.test(msg) || /sniff/i.test(msg)) {
    return new InputError('bad-csv', `${cap(at)} could not be read as CSV (${firstLine(msg)})`, 'Check the delimiter and quoting');
  }
  return err instanceof Error ? err : new Error(msg);
}

function firstLine(msg: string): string {
  return msg.split('\n')[0].replace(/^[A-Za-z ]*Error:\s*/, '').slice(0, 160);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
