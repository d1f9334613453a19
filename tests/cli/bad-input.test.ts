import { beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli.js';

const GOOD = 'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,A,2024-01-05 10:00,2,3.5\n2,B,2024-01-06 11:00,1,10\n3,A,2024-02-01 09:00,4,2\n';

let dir: string;
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Every bad input must give one line naming the problem and the fix, exit 2, no stack, no output files. */
async function refuse(path: string, message: RegExp, ...extra: string[]) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const r = await cli('analyze', path, '--out', out, '-q', ...extra);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  let files: string[] = [];
  try {
    files = readdirSync(out);
  } catch {
    files = [];
  }
  expect(files).toEqual([]);
  return r;
}

beforeAll(() => {
  dir = tempDir();
});

describe('bad input: one clear line, exit 2, nothing written', () => {
  it('empty file', () => refuse(file('empty.csv', ''), /empty\.csv is empty/));
  it('header only', () => refuse(file('header.csv', 'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n'), /header but no data rows/));
  it('binary garbage', () => refuse(file('garbage.csv', Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256))), /not a text, Parquet or \.xlsx file/));
  it('corrupt gzip', () => refuse(file('broken.csv.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('not deflate data at all, definitely')])), /corrupt or truncated/));
  it('truncated gzip', () => {
    const gz = gzipSync(Buffer.from(GOOD.repeat(2000)));
    return refuse(file('truncated.csv.gz', gz.subarray(0, Math.floor(gz.length / 2))), /corrupt or truncated gzip/);
  });
  it('corrupt xlsx', () => refuse(file('broken.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 1)])), /not a readable \.xlsx workbook/));
  it('corrupt parquet', () => refuse(file('broken.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100, 7), Buffer.from('PAR1')])), /not a readable Parquet file/));
  it('file named .parquet that is text', () => refuse(file('fake.parquet', GOOD), /named like a Parquet file but is not one/));
  it('a row with too many fields names the line', () => refuse(file('ragged.csv', GOOD + '4,C,2024-03-01 10:00,1,2,EXTRA\n' + '5,C,2024-03-02 10:00,1,2\n'), /line 5 of ragged\.csv has 6 fields where the header has 5.*--skip-bad-rows/i));
  it('an unclosed quote names the line', () => refuse(file('quote.csv', GOOD + '4,"C,2024-03-01 10:00,1,2\n5,D,2024-03-02 10:00,1,2\n'), /Line 5 of quote\.csv opens a quote that is never closed.*--skip-bad-rows/));
  it('a required role missing', () => refuse(file('nocust.csv', 'InvoiceNo,InvoiceDate,Quantity,UnitPrice\n1,2024-01-05,2,3.5\n2,2024-01-06,1,4\n'), /No customer id column found.*--map customer=/));
  it('a single column', () => refuse(file('one-column.csv', 'name\nAda\nBob\n'), /Nothing to analyse: it has a single column \(name\).*needs an order log/));
  it('only ids', () => refuse(file('only-ids.csv', 'customer_id,email\n1,a@x.org\n2,b@x.org\n3,c@x.org\n'), /Nothing to analyse.*no attribute/));
  it('only free text', () => refuse(file('free-text.csv', 'customer_id,comment\n1,loved it\n2,arrived late\n3,great value\n'), /Nothing to analyse.*no attribute/));
  it('an impossible calendar date in --as-of', () => refuse(file('good-feb.csv', GOOD), /--as-of '2024-02-30' is not a calendar date.*YYYY-MM-DD/, '--as-of', '2024-02-30'));
  it('--as-of before the first line', () => refuse(file('good-early.csv', GOOD), /--as-of 2023-12-31 is before the first line \(2024-01-05\)/, '--as-of', '2023-12-31'));
  it('an impossible --calibration-end', () => refuse(file('good-cal.csv', GOOD), /--calibration-end '2024-13-01' is not a calendar date/, '--calibration-end', '2024-13-01', '--no-segments', '--no-drivers'));
  it('an amount column whose decimal mark cannot be settled', () =>
    refuse(file('ambiguous-decimal.csv', 'order,customer,date,amount\n1,A,2024-01-05,"1,050"\n2,B,2024-01-06,"2,100"\n3,A,2024-02-01,"3,125"\n'), /Cannot tell the decimal mark of column amount \(amount\).*--decimal , or --decimal \./));
  it('an amount column mixing decimal commas and points', () =>
    refuse(file('mixed-decimal.csv', 'order;customer;date;amount\n1;A;2024-01-05;2,55\n2;B;2024-01-06;3.75\n3;A;2024-02-01;4,10\n'), /Column amount \(amount\) mixes decimal commas and decimal points/));
  it('amounts in two currencies', () =>
    refuse(file('two-currencies.csv', 'order,customer,date,amount\n1,A,2024-01-05,$12.50\n2,B,2024-01-06,€3.75\n3,A,2024-02-01,$4.10\n'), /several currencies.*does not convert currencies/));
  it('a currency column with two codes', () =>
    refuse(file('currency-column.csv', 'order,customer,date,amount,currency\n1,A,2024-01-05,12.5,EUR\n2,B,2024-01-06,3.75,USD\n3,A,2024-02-01,4.1,EUR\n'), /more than one currency \(EUR, USD\).*does not convert/));
  it('a bad --decimal', () => refuse(file('good-dec.csv', GOOD), /--decimal ';' is not a decimal mark/, '--decimal', ';'));
  it('a bad --currency', () => refuse(file('good-cur.csv', GOOD), /--currency 'euros' is not a currency/, '--currency', 'euros'));
  it('non-numeric amounts', () => refuse(file('text-amount.csv', GOOD.replace('3.5', 'abc')), /Column UnitPrice \(price\) has 1 non-numeric values, e\.g\. 'abc'/));
  it('unparseable dates', () => refuse(file('bad-date.csv', GOOD.replace('2024-01-06 11:00', 'yesterday')), /InvoiceDate has values that are not dates.*'yesterday'.*--date-format/));
  it('ambiguous day/month refuses and names --date-format', () =>
    refuse(file('ambiguous.csv', 'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,A,01/02/2024,1,2\n2,B,03/04/2024,1,2\n3,A,05/06/2024,1,2\n'), /Cannot tell day from month.*--date-format %d\/%m\/%Y or --date-format %m\/%d\/%Y/));
  it('a directory instead of a file', () => {
    const d = join(dir, 'a-directory');
    mkdirSync(d, { recursive: true });
    return refuse(d, /is a directory, not a data file/);
  });
  it('a missing file', () => refuse(join(dir, 'nope.csv'), /no such file/));
  it('headerless whitespace file without --columns', () => refuse(file('ws.txt', '1 20240101 2 3.5\n2 20240105 1 4.0\n'), /has no header row.*--columns/));
  it('--columns with the wrong count suggests the fix', () =>
    refuse(file('ws5.txt', ' 00004 0001 19970101  2   29.33\n 00005 0002 19970102  1   9.10\n'), /5 whitespace-separated fields.*names 4.*--columns customer,_,date,quantity,amount/, '--columns', 'customer,date,quantity,amount'));
  it('an unknown role in --map', () => refuse(file('good1.csv', GOOD), /unknown role 'shopper'/, '--map', 'shopper=CustomerID'));
  it('a --map column that does not exist', () => refuse(file('good2.csv', GOOD), /no column 'Client'/, '--map', 'customer=Client'));
  it('a bad --as-of', () => refuse(file('good3.csv', GOOD), /--as-of 'soon' is not a calendar date/, '--as-of', 'soon'));
  it('an overlapping segment map', () => {
    const map = file('map.json', JSON.stringify({ segments: [{ name: 'All', r: [1, 5], f: [1, 5] }, { name: 'Top', r: [5, 5], f: [5, 5] }] }));
    return refuse(file('good4.csv', GOOD), /R=5 F=5 M=1 is in both All and Top/, '--segment-map', map);
  });
  it('a segment map with a gap', () => {
    const map = file('gap.json', JSON.stringify({ segments: [{ name: 'Most', r: [1, 4], f: [1, 5] }] }));
    return refuse(file('good5.csv', GOOD), /no segment covers R=5 F=1 M=1/, '--segment-map', map);
  });
  it('a segment map of the wrong shape names the field and what is wrong with it', async () => {
    const scores = file('scores.json', JSON.stringify({ segments: [{ name: 'All', r: [1, 6], f: [1, 5] }] }));
    await refuse(file('good7.csv', GOOD), /scores\.json is not a valid segment map: segments\.0\.r\.1: Too big: expected number to be <=5/, '--segment-map', scores);
    const order = file('order.json', JSON.stringify({ segments: [{ name: 'All', r: [5, 1], f: [1, 5] }] }));
    await refuse(file('good8.csv', GOOD), /segments\.0\.r: range must be \[low, high\]/, '--segment-map', order);
    return refuse(file('good9.csv', GOOD), /segments: Too small: expected array to have >=1 items/, '--segment-map', file('empty.json', '{"segments": []}'));
  });
  it('unwritable output', async () => {
    const blocker = file('blocker', 'I am a file');
    const r = await cli('analyze', file('good6.csv', GOOD), '--out', blocker, '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*blocker is a file, not a directory/);
    const ro = join(dir, 'readonly');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    if (process.getuid?.() !== 0) {
      const r2 = await cli('analyze', join(dir, 'good6.csv'), '--out', join(ro, 'sub'), '-q');
      expect(r2.code).toBe(2);
      expect(r2.stderr).toMatch(/Cannot write to/);
    }
  });
  it('--debug adds the stack trace', async () => {
    const r = await cli('analyze', join(dir, 'nope.csv'), '--debug', '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
  it('usage errors exit 2', async () => {
    const r = await cli('analyze');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No file to analyse\. Pass an order export/);
  });
});

describe('skipping bad rows is explicit and counted', () => {
  it('--skip-bad-rows skips the malformed line and says how many', async () => {
    const out = join(dir, 'skip-out');
    const r = await cli('analyze', file('ragged2.csv', GOOD + '4,C,2024-03-01 10:00,1,2,EXTRA\n5,C,2024-03-02 10:00,1,2\n'), '--out', out, '--skip-bad-rows', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.rowsRead).toBe(4);
    expect(s.warnings[0]).toMatch(/^1 malformed rows/);
  });
});

describe('score: damaged and foreign model files get one line and exit 2, nothing written', () => {
  const good = () => file('log.csv', GOOD);
  const model = (body: unknown) => file(`m-${Math.random().toString(36).slice(2)}.json`, typeof body === 'string' ? body : JSON.stringify(body));
  const cases: [string, () => string, RegExp][] = [
    ['truncated', () => model('{"format":"clientele-model","version":2,"kind":"bundle","par'), /not valid JSON.*truncated/],
    ['a future version', () => model({ format: 'clientele-model', version: 99, kind: 'bundle', params: {}, features: [] }), /format version 99, this clientele reads up to 2.*Upgrade clientele/],
    ['an unknown kind', () => model({ format: 'clientele-model', version: 2, kind: 'neural-net', params: {}, features: [] }), /kind "neural-net" is unknown/],
    ['a bare k-means model', () => model({ format: 'clientele-model', version: 2, kind: 'kmeans', params: { k: 1, dimensions: 1, centers: [0] }, features: [] }), /does not score customers by itself/],
    ['a bundle with a damaged part', () => model({ format: 'clientele-model', version: 2, kind: 'bundle', params: { components: { rfm: { format: 'clientele-model', version: 2, kind: 'rfm', params: { n: 3 } } } }, features: [] }), /Saved RFM model has no valid (segment map|recency cut points)/],
    ['prototype keys', () => model('{"format":"clientele-model","version":2,"kind":"__proto__","params":{"__proto__":{"polluted":1}},"features":[]}'), /kind "__proto__" is unknown/],
  ];
  for (const [what, make, message] of cases) {
    it(what, async () => {
      const out = join(dir, `scores-${Math.random().toString(36).slice(2)}.csv`);
      const r = await cli('score', good(), '--model', make(), '-q', '--output', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(dir)).not.toContain(out.split('/').pop());
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});
