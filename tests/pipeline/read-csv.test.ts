import { describe, expect, it } from 'vitest';
import { readCsvColumns } from '../../src/pipeline/checks.js';
import { toCsv } from '../../src/io/csv.js';

describe('readCsvColumns reads back what clientele writes', () => {
  it('RFC 4180 quoting: delimiters, doubled quotes and newlines inside quotes; CRLF; blank cells', () => {
    const cols = readCsvColumns('id,name,note\r\n1,"Smith, ""Jo""","two\nlines"\r\n2,,\n');
    expect(cols.get('id')).toEqual(['1', '2']);
    expect(cols.get('name')).toEqual(['Smith, "Jo"', '']);
    expect(cols.get('note')).toEqual(['two\nlines', '']);
  });

  it('a last line without a newline, and a short row', () => {
    const cols = readCsvColumns('a,b\n1,2\n3');
    expect(cols.get('a')).toEqual(['1', '3']);
    expect(cols.get('b')).toEqual(['2', '']);
  });

  it('round-trips the CSV writer, formula guard included', () => {
    const names = ['customer_id', 'segment', 'monetary'];
    const values = [['a"1', '=SUM(A1)', 'x,y'], ['Loyal', 'At "risk"', null], [1.5, -2, 0]];
    const cols = readCsvColumns(toCsv(names, values as (string | number | null)[][]));
    expect(cols.get('customer_id')).toEqual(['a"1', "'=SUM(A1)", 'x,y']);
    expect(cols.get('segment')).toEqual(['Loyal', 'At "risk"', '']);
    expect(cols.get('monetary')).toEqual(['1.5', '-2', '0']);
  });
});
