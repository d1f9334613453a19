/** RFC 4180 CSV text → columns by header name (quoted fields, doubled quotes, embedded commas and newlines). */
export function parseCsv(text: string): Record<string, string[]> {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  const [header, ...body] = rows;
  return Object.fromEntries(header.map((h, j) => [h, body.map((r) => r[j] ?? '')]));
}
