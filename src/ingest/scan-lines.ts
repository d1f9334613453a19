import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export type LineProblem =
  | { kind: 'field-count'; line: number; fields: number; expected: number }
  | { kind: 'unclosed-quote'; line: number }
  | { kind: 'corrupt-gzip' };

/**
 * Find the first malformed line of a delimited file, with RFC 4180 quoting (quoted fields may span lines).
 * Used only on the error path, when the SQL reader has refused the file, so its message can name the line.
 */
export function findMalformedLine(path: string, gzip: boolean, delimiter: string, encoding: 'utf-8' | 'latin-1'): LineProblem | null {
  let bytes = readFileSync(path);
  if (gzip) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      return { kind: 'corrupt-gzip' };
    }
  }
  const text = bytes.toString(encoding === 'latin-1' ? 'latin1' : 'utf8');
  let line = 1;
  let recordStart = 1;
  let fields = 1;
  let expected = -1;
  let inQuotes = false;
  let empty = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (c === '\n') line++;
      continue;
    }
    if (c === '"') {
      inQuotes = true;
      empty = false;
    } else if (c === delimiter) {
      fields++;
      empty = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (!empty) {
        if (expected < 0) expected = fields;
        else if (fields !== expected) return { kind: 'field-count', line: recordStart, fields, expected };
      }
      line++;
      recordStart = line;
      fields = 1;
      empty = true;
    } else if (c !== ' ') {
      empty = false;
    }
  }
  if (inQuotes) return { kind: 'unclosed-quote', line: recordStart };
  if (!empty && expected >= 0 && fields !== expected) return { kind: 'field-count', line: recordStart, fields, expected };
  return null;
}
