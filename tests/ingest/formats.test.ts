import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { analyze } from '../../src/pipeline/analyze.js';
import { titleLines } from '../../src/ingest/sniff.js';
import { cli, tempDir } from '../helpers/cli.js';

const HEADER = ['Invoice', 'Customer ID', 'Order Date', 'Qty', 'Price', 'Country'];
const ROWS = [
  ['1', 'A', '2024-01-05 10:00:00', '2', '3.5', 'Köln'],
  ['2', 'B', '2024-01-06 11:00:00', '1', '10', 'Zürich'],
  ['3', 'A', '2024-02-01 09:00:00', '4', '2', 'Köln'],
];
let dir: string;

function csv(delim: string, rows = ROWS, header = HEADER): string {
  return [header, ...rows].map((r) => r.join(delim)).join('\n') + '\n';
}

async function facts(path: string, extra: Parameters<typeof analyze>[1] = {}) {
  const a = await analyze(path, extra);
  try {
    const countries = (await a.engine.query(`SELECT DISTINCT country FROM lines ORDER BY 1`)).columns[0];
    const money = (await a.engine.query(`SELECT sum(monetary) FROM customers`)).columns[0][0];
    return { customers: a.customers.rows, countries, money, format: a.load.sniff.format, encoding: a.load.sniff.encoding, dateFormat: a.cleaning?.dateFormat };
  } finally {
    await a.engine.close();
  }
}

beforeAll(() => {
  dir = tempDir();
});

describe('formats: every reader gives the same answer', () => {
  const expected = { customers: 2, countries: ['Köln', 'Zürich'], money: 2 * 3.5 + 10 + 8 };

  it('comma CSV, UTF-8', async () => {
    writeFileSync(join(dir, 'a.csv'), csv(','));
    expect(await facts(join(dir, 'a.csv'))).toMatchObject({ ...expected, format: 'csv', encoding: 'utf-8' });
  });
  it('UTF-8 with BOM', async () => {
    writeFileSync(join(dir, 'bom.csv'), '\ufeff' + csv(','));
    expect(await facts(join(dir, 'bom.csv'))).toMatchObject(expected);
  });
  it('semicolon, Latin-1', async () => {
    writeFileSync(join(dir, 'semi.csv'), Buffer.from(csv(';'), 'latin1'));
    expect(await facts(join(dir, 'semi.csv'))).toMatchObject({ ...expected, encoding: 'latin-1' });
  });
  it('TSV, gzip', async () => {
    writeFileSync(join(dir, 't.tsv.gz'), gzipSync(csv('\t')));
    expect(await facts(join(dir, 't.tsv.gz'))).toMatchObject(expected);
  });
  it('quoted fields with delimiters and doubled quotes inside', async () => {
    const rows = ROWS.map((r) => [r[0], r[1], r[2], r[3], r[4], `"${r[5]}, ""DE"""`]);
    writeFileSync(join(dir, 'q.csv'), csv(',', rows));
    const f = await facts(join(dir, 'q.csv'));
    expect(f.countries).toEqual(['Köln, "DE"', 'Zürich, "DE"']);
  });
  it('JSON lines', async () => {
    const lines = ROWS.map((r) => JSON.stringify(Object.fromEntries(HEADER.map((h, i) => [h, i === 3 || i === 4 ? Number(r[i]) : r[i]])))).join('\n');
    writeFileSync(join(dir, 'a.jsonl'), lines + '\n');
    expect(await facts(join(dir, 'a.jsonl'))).toMatchObject({ ...expected, format: 'jsonl' });
  });
  it('Parquet', async () => {
    writeFileSync(join(dir, 'src.csv'), csv(','));
    const e = await DuckDbEngine.open();
    await e.exec(`COPY (SELECT * FROM read_csv('${join(dir, 'src.csv')}')) TO '${join(dir, 'a.parquet')}' (FORMAT parquet)`);
    await e.close();
    expect(await facts(join(dir, 'a.parquet'))).toMatchObject({ ...expected, format: 'parquet' });
  });
  it('.xlsx, first sheet or --sheet', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['nothing here']);
    const ws = wb.addWorksheet('Orders');
    ws.addRow(HEADER);
    for (const r of ROWS) ws.addRow([Number(r[0]), r[1], new Date(r[2].replace(' ', 'T') + 'Z'), Number(r[3]), Number(r[4]), r[5]]);
    await wb.xlsx.writeFile(join(dir, 'a.xlsx'));
    expect(await facts(join(dir, 'a.xlsx'), { sheet: 'Orders' })).toMatchObject({ ...expected, format: 'xlsx' });
    expect(await facts(join(dir, 'a.xlsx'), { sheet: '2' })).toMatchObject(expected);
    const r = await cli('analyze', join(dir, 'a.xlsx'), '--sheet', 'Missing', '-q', '--out', join(dir, 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no worksheet Missing.*Notes, Orders/);
  });

  it('title lines: where the header is, by the shape of the first lines', () => {
    expect(titleLines(['Sales report,,,', 'Exported,,,', ',,,', 'a,b,c,d', '1,2,3,4'], ',')).toBe(3);
    expect(titleLines(['Sales report', '', 'a,b,"c,d"', '1,2,"3,4"'], ',')).toBe(2);
    expect(titleLines(['"Report, 2024",,', 'a,b,c', '1,2,3'], ',')).toBe(1);
    expect(titleLines(['T;;', 'x;y;z', '1;2;3'], ';')).toBe(1);
    // Tabs: an empty field between two is a field (the next line is as wide as the header).
    expect(titleLines(['Report\t\t', 'a\tb\tc', '1\t\t3'], '\t')).toBe(1);
    // The header first, blank names included; a header with no line after it; a header narrower than its rows.
    expect([titleLines(['a,b', '1,2', '3,4'], ','), titleLines([',a,b', '0,1,2'], ','), titleLines(['only', 'a,b'], ','), titleLines(['t', 'a,b', '1,2,3'], ',')]).toEqual([0, 0, 0, 0]);
  });

  it('title lines above the header (a report export): CSV and .xlsx read as the plain file, and the log says so', async () => {
    writeFileSync(join(dir, 'titled.csv'), `Sales report,,,,,\nExported 2024-03-01,,,,,\n,,,,,\n${csv(',')}`);
    writeFileSync(join(dir, 'titled-bare.csv'), `Sales report\n\n${csv(',')}`);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Orders');
    ws.addRow(['Sales report']);
    ws.addRow([]);
    ws.addRow(HEADER);
    for (const r of ROWS) ws.addRow([Number(r[0]), r[1], new Date(r[2].replace(' ', 'T') + 'Z'), Number(r[3]), Number(r[4]), r[5]]);
    await wb.xlsx.writeFile(join(dir, 'titled.xlsx'));
    const said: [string, string][] = [
      ['titled.csv', "3 lines above the header skipped (a title: 'Sales report'); the header is line 4"],
      ['titled-bare.csv', "2 lines above the header skipped (a title: 'Sales report'); the header is line 3"],
      ['titled.xlsx', "the rows above the worksheet's header were skipped (a title: 'Sales report')"],
    ];
    for (const [name, warning] of said) {
      expect(await facts(join(dir, name)), name).toMatchObject(expected);
      const a = await analyze(join(dir, name));
      await a.engine.close();
      expect(a.load.warnings, name).toContain(warning);
    }
    // A first line with two or more fields is the header, blank names and all.
    writeFileSync(join(dir, 'indexed.csv'), csv(',', ROWS.map((r, i) => [String(i), ...r]), ['', ...HEADER]));
    const a = await analyze(join(dir, 'indexed.csv'));
    await a.engine.close();
    expect(a.load.warnings.join(' ')).not.toMatch(/above the header/);
    expect(a.customers.rows).toBe(2);
  });
});

describe('dates: day/month order inferred from the values', () => {
  it('DD/MM/YYYY when a first part exceeds 12', async () => {
    const rows = [['1', 'A', '25/01/2024', '1', '2', 'X'], ['2', 'A', '03/02/2024', '1', '2', 'X']];
    writeFileSync(join(dir, 'dmy.csv'), csv(',', rows));
    const f = await facts(join(dir, 'dmy.csv'));
    expect(f.dateFormat).toBe('DD/MM/YYYY');
  });
  it('MM/DD/YYYY with times when a second part exceeds 12', async () => {
    const rows = [['1', 'A', '01/25/2024 10:30', '1', '2', 'X'], ['2', 'A', '02/03/2024 8:05', '1', '2', 'X']];
    writeFileSync(join(dir, 'mdy.csv'), csv(',', rows));
    const a = await analyze(join(dir, 'mdy.csv'));
    const first = (await a.engine.query(`SELECT strftime(min(ts), '%Y-%m-%d %H:%M') FROM lines`)).columns[0][0];
    await a.engine.close();
    expect(first).toBe('2024-01-25 10:30');
  });
  it('--date-format settles an ambiguous file', async () => {
    const rows = [['1', 'A', '01/02/2024', '1', '2', 'X'], ['2', 'A', '03/04/2024', '1', '2', 'X']];
    writeFileSync(join(dir, 'amb.csv'), csv(',', rows));
    const a = await analyze(join(dir, 'amb.csv'), { dateFormat: '%d/%m/%Y' });
    const first = (await a.engine.query(`SELECT strftime(min(ts), '%Y-%m-%d') FROM lines`)).columns[0][0];
    await a.engine.close();
    expect(first).toBe('2024-02-01');
  });
});

describe('dates: Unix epoch timestamps', () => {
  // Twins of one log: ISO text, and the same instants as epoch seconds and milliseconds computed here by Date.UTC.
  const iso = ['2021-03-01 09:15:00', '2021-03-02 18:40:30', '2021-05-20 23:59:59', '2022-01-10 00:00:00', '2022-02-14 12:00:00'];
  const rowsWith = (value: (t: string) => string) =>
    iso.map((t, i) => [String(i + 1), i % 2 ? 'A' : 'B', value(t), '1', String(2 + i), 'X']);
  const utc = (t: string) => Date.UTC(+t.slice(0, 4), +t.slice(5, 7) - 1, +t.slice(8, 10), +t.slice(11, 13), +t.slice(14, 16), +t.slice(17, 19));

  async function timestamps(name: string, rows: string[][]) {
    writeFileSync(join(dir, name), csv(',', rows));
    const a = await analyze(join(dir, name));
    try {
      const ts = (await a.engine.query(`SELECT strftime(ts, '%Y-%m-%d %H:%M:%S') FROM lines ORDER BY ts`)).columns[0];
      return { ts, format: a.cleaning?.dateFormat };
    } finally {
      await a.engine.close();
    }
  }

  it('seconds and milliseconds since 1970 read as the UTC instants they are', async () => {
    const seconds = await timestamps('epoch-s.csv', rowsWith((t) => String(utc(t) / 1000)));
    const millis = await timestamps('epoch-ms.csv', rowsWith((t) => String(utc(t) + 7)));
    expect(seconds).toEqual({ ts: iso, format: 'Unix seconds (UTC)' });
    expect(millis.format).toBe('Unix milliseconds (UTC)');
    expect(millis.ts).toEqual(iso);
  });

  it('whole numbers that are neither, or both, are refused with one line', async () => {
    for (const [name, value] of [['small.csv', (_: string, i: number) => String(1000 + i)], ['mixed.csv', (t: string, i: number) => String(i ? utc(t) / 1000 : utc(t))]] as const) {
      writeFileSync(join(dir, name), csv(',', iso.map((t, i) => [String(i + 1), 'A', value(t, i), '1', '2', 'X'])));
      const r = await cli('analyze', join(dir, name), '--out', join(dir, `${name}-out`), '-q');
      expect(r.code, name).toBe(2);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr).toMatch(/not dates in a known format/);
    }
  });
});

describe('safe outputs', () => {
  it('neutralises spreadsheet formulas in customers.csv and escapes data in the report', async () => {
    const rows = [
      ['1', '=HYPERLINK("http://x")', '2024-01-05', '1', '2', '<script>alert(1)</script>'],
      ['2', '+SUM(A1)', '2024-01-06', '1', '2', '@cmd'],
      ['3', '-5', '2024-01-07', '1', '2', 'Fine'],
    ];
    writeFileSync(join(dir, 'evil.csv'), csv(',', rows));
    const out = join(dir, 'evil-out');
    const r = await cli('analyze', join(dir, 'evil.csv'), '--out', out, '-q');
    expect(r.code).toBe(0);
    const customers = readFileSync(join(out, 'customers.csv'), 'utf8');
    expect(customers).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(customers).toContain("'+SUM(A1)");
    expect(customers).toContain("'@cmd");
    // A number stays a number.
    expect(customers).toMatch(/^-5,/m);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Inside the chart-spec JSON, '<' is escaped so no data can close the script element.
    const specs = html.slice(html.indexOf('id="chart-specs"'));
    expect(specs.slice(0, specs.indexOf('</script>'))).not.toContain('<script>alert');
  });
});

describe('profile', () => {
  it('prints schema, roles with reasons, duplicates and date range', async () => {
    writeFileSync(join(dir, 'p.csv'), csv(',', [...ROWS, ROWS[0]]));
    const r = await cli('profile', join(dir, 'p.csv'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 rows, 6 columns, 1 exact duplicate rows/);
    expect(r.stdout).toMatch(/Customer ID\s+VARCHAR\s+customer \(name\)/);
    expect(r.stdout).toMatch(/Dates: 2024-01-05 10:00 to 2024-02-01 09:00 \(YYYY-MM-DD\)/);
    const j = await cli('profile', join(dir, 'p.csv'), '--json');
    expect(JSON.parse(j.stdout).detection.roles).toMatchObject({ customer: 'Customer ID', order: 'Invoice', timestamp: 'Order Date', quantity: 'Qty', price: 'Price' });
  });
  it('--help shows examples for every command', async () => {
    for (const cmd of ['analyze', 'profile']) {
      const r = await cli(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples:/);
    }
  });
});
