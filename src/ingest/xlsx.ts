import { basename } from 'node:path';
import { InputError } from '../errors.js';

/**
 * Read one worksheet of an .xlsx workbook as CSV text. A JS reader, because DuckDB's Excel
 * extension would have to be downloaded at run time.
 */
export async function readXlsxAsCsv(path: string, sheet?: string): Promise<string> {
  // Loaded on demand: the Excel reader costs more start-up time than everything else together.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(path);
  } catch {
    throw new InputError('corrupt-xlsx', `${basename(path)} is not a readable .xlsx workbook (corrupt or not Excel 2007+)`, 'Open and re-save it in Excel, or export it as CSV');
  }
  const ws = sheet === undefined ? wb.worksheets[0] : /^\d+$/.test(sheet) ? wb.worksheets[Number(sheet) - 1] : wb.getWorksheet(sheet);
  if (!ws) {
    const names = wb.worksheets.map((w) => w.name).join(', ');
    throw new InputError('no-sheet', `${basename(path)} has no worksheet ${sheet ?? ''}`.trim(), `Pick one of: ${names || '(none)'} with --sheet`);
  }
  const lines: string[] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as unknown[]).slice(1);
    lines.push(values.map(cellText).map(csvQuote).join(','));
  });
  if (lines.length === 0) throw new InputError('empty-file', `Worksheet ${ws.name} of ${basename(path)} is empty`, 'Pick another sheet with --sheet');
  return lines.join('\n') + '\n';
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  if (typeof v === 'object') {
    const o = v as { result?: unknown; text?: unknown; richText?: { text: string }[] };
    if (o.result !== undefined) return cellText(o.result);
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return String(o.text);
    return '';
  }
  return String(v);
}

function csvQuote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
