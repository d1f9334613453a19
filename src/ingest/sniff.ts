import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { basename } from 'node:path';
import { InputError } from '../errors.js';

export type FileFormat = 'csv' | 'whitespace' | 'parquet' | 'jsonl' | 'xlsx' | 'table';

export interface SniffResult {
  readonly path: string;
  readonly format: FileFormat;
  readonly gzip: boolean;
  readonly encoding: 'utf-8' | 'latin-1';
  /** For delimited text: the delimiter DuckDB should use. */
  readonly delimiter?: string;
  /** First decoded lines of a text file (for header and shape checks), blank lines left out. */
  readonly sampleLines: string[];
  /** The file's first lines as they are, blank ones included (for where the header is). */
  readonly headLines?: string[];
  readonly bytes: number;
}

const SAMPLE_BYTES = 256 * 1024;

/**
 * Decide how to read a file from its first bytes, not its name, so a mislabelled or corrupt file
 * fails here with one clear sentence instead of deep inside the SQL engine.
 */
export function sniffFile(path: string): SniffResult {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError('file-not-found', `Cannot read ${path}: no such file`, 'Check the path');
  }
  if (st.isDirectory()) {
    throw new InputError('is-directory', `${path} is a directory, not a data file`, 'Pass the path of a CSV, Parquet, JSON-lines or .xlsx file');
  }
  if (st.size === 0) throw new InputError('empty-file', `${basename(path)} is empty (0 bytes)`, 'Export the data again');

  const head = readHead(path, SAMPLE_BYTES);
  const name = basename(path);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    let inner: Buffer;
    try {
      inner = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      throw new InputError('corrupt-gzip', `${name} looks gzip-compressed but cannot be decompressed (corrupt or truncated)`, 'Re-download or re-compress the file');
    }
    if (inner.length === 0) throw new InputError('empty-file', `${name} decompresses to an empty file`, 'Export the data again');
    const inner8 = inner.subarray(0, 4).toString('latin1');
    if (inner8 === 'PAR1') throw new InputError('gzip-parquet', `${name} is a gzip-compressed Parquet file`, 'Decompress it first (Parquet compresses internally)');
    return { ...sniffText(name, inner), path, gzip: true, bytes: st.size };
  }
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') {
    return { path, format: 'parquet', gzip: false, encoding: 'utf-8', sampleLines: [], bytes: st.size };
  }
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return { path, format: 'xlsx', gzip: false, encoding: 'utf-8', sampleLines: [], bytes: st.size };
  }
  if (/\.(parquet|xlsx)$/i.test(name)) {
    const kind = /parquet$/i.test(name) ? 'Parquet' : 'Excel .xlsx';
    throw new InputError('corrupt-file', `${name} is named like a ${kind} file but is not one (corrupt or mislabelled)`, 'Export it again, or rename it to match its real format');
  }
  return { ...sniffText(name, head), path, gzip: false, bytes: st.size };
}

function readHead(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function sniffText(name: string, bytes: Buffer): Omit<SniffResult, 'path' | 'gzip' | 'bytes'> {
  let control = 0;
  const n = Math.min(bytes.length, 64 * 1024);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0 || (b < 0x09) || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  }
  if (control > n * 0.01 || bytes.indexOf(0) >= 0) {
    throw new InputError('binary-file', `${name} is not a text, Parquet or .xlsx file (it contains binary data)`, 'Pass a CSV/TSV, Parquet, JSON-lines or .xlsx export');
  }
  let encoding: 'utf-8' | 'latin-1' = 'utf-8';
  let text: string;
  try {
    // A multi-byte character may be cut at the end of the sample; drop the last partial line before validating.
    const cut = bytes.lastIndexOf(0x0a);
    text = new TextDecoder('utf-8', { fatal: true }).decode(cut > 0 ? bytes.subarray(0, cut) : bytes);
  } catch {
    encoding = 'latin-1';
    text = bytes.toString('latin1');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const all = text.split(/\r?\n/);
  const headLines = all.slice(0, 50);
  const lines = all.filter((l) => l.trim() !== '').slice(0, 50);
  if (lines.length === 0) throw new InputError('empty-file', `${name} has no data (only blank lines)`, 'Export the data again');
  const first = lines[0].trimStart();
  if (first.startsWith('{')) return { format: 'jsonl', encoding, sampleLines: lines };
  const delimiter = pickDelimiter(lines);
  if (delimiter) return { format: 'csv', encoding, delimiter, sampleLines: lines, headLines };
  const widths = lines.map((l) => l.trim().split(/\s+/).length);
  if (widths[0] >= 2 && widths.every((w) => w === widths[0])) return { format: 'whitespace', encoding, sampleLines: lines };
  // A single column, or ragged text: let the CSV reader judge it and report precisely.
  return { format: 'csv', encoding, delimiter: ',', sampleLines: lines, headLines };
}

/** The delimiter that splits the sample lines into the same (>1) number of fields most consistently. */
function pickDelimiter(lines: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const d of [',', ';', '\t', '|']) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const first = counts[0];
    if (first === 0) continue;
    const agree = counts.filter((c) => c === first).length / counts.length;
    const score = agree * Math.log(1 + first);
    if (agree >= 0.6 && score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') q = !q;
    else if (c === d && !q) n++;
  }
  return n;
}

/** Most title lines looked for above a header. */
const MAX_TITLE_LINES = 20;

/**
 * Lines above the header that a report export puts there (a title, an export date, blank lines): each has at most one
 * non-empty field, and the header after them has two or more, all named, with the next line as wide. 0 when the first
 * line is the header (or the file has no such shape). A data row of a headerless file fills its fields, so it is
 * never taken for a title.
 */
export function titleLines(lines: readonly string[], delimiter: string): number {
  const fields = (line: string) => splitFields(line, delimiter);
  for (let i = 0; i + 1 < lines.length && i <= MAX_TITLE_LINES; i++) {
    const f = fields(lines[i]);
    if (f.filter((x) => x.trim() !== '').length > 1) {
      if (i === 0) return 0;
      const next = fields(lines[i + 1]);
      return f.length >= 2 && f.every((x) => x.trim() !== '') && next.length === f.length ? i : 0;
    }
  }
  return 0;
}

/** Fields of one delimited line, a quoted field ("a,b", doubled "") taken whole, its outer quotes removed. */
function splitFields(line: string, delimiter: string): string[] {
  const d = delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Spaces only around a field: \s would take a tab delimiter, and an empty field with it.
  const field = new RegExp(` *("(?:[^"]|"")*"|[^${d}]*) *(?:${d}|$)`, 'y');
  const text = line.replace(/\r$/, '');
  const out: string[] = [];
  for (let at = 0; at <= text.length; ) {
    field.lastIndex = at;
    const m = field.exec(text);
    if (!m || m[0] === '') break;
    out.push(m[1].replace(/^"|"$/g, ''));
    at = field.lastIndex;
    if (!m[0].endsWith(delimiter)) break;
  }
  if (text.endsWith(delimiter)) out.push('');
  return out;
}
