import { InputError } from '../errors.js';

/**
 * The columnar table every analysis works from: one typed array per column, never per-row objects.
 * Missing values: NaN in number/date columns, -1 in category codes.
 */
export interface NumberColumn {
  readonly kind: 'number';
  readonly name: string;
  readonly values: Float64Array;
}

export interface CategoryColumn {
  readonly kind: 'category';
  readonly name: string;
  /** Index into `levels`, or -1 when missing. */
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

export interface DateColumn {
  readonly kind: 'date';
  readonly name: string;
  /** Milliseconds since the Unix epoch, UTC (local wall-clock time stored as if UTC); NaN when missing. */
  readonly values: Float64Array;
}

export type Column = NumberColumn | CategoryColumn | DateColumn;

export interface Table {
  readonly rows: number;
  readonly columns: readonly Column[];
}

export function numberColumn(name: string, values: ArrayLike<number>): NumberColumn {
  return { kind: 'number', name, values: values instanceof Float64Array ? values : Float64Array.from(values) };
}

export function dateColumn(name: string, values: ArrayLike<number>): DateColumn {
  return { kind: 'date', name, values: values instanceof Float64Array ? values : Float64Array.from(values) };
}

/** Encode strings as a category column; null/undefined/'' become missing. Levels are sorted for determinism. */
export function categoryColumn(name: string, values: ArrayLike<string | null | undefined>): CategoryColumn {
  const distinct = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && v !== '') distinct.add(v);
  }
  const levels = [...distinct].sort();
  const index = new Map(levels.map((l, i) => [l, i]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    codes[i] = v === null || v === undefined || v === '' ? -1 : (index.get(v) as number);
  }
  return { kind: 'category', name, codes, levels };
}

export function table(columns: Column[]): Table {
  const rows = columns.length ? columnLength(columns[0]) : 0;
  for (const c of columns) {
    if (columnLength(c) !== rows) throw new RangeError(`column ${c.name} has ${columnLength(c)} rows, expected ${rows}`);
  }
  return { rows, columns };
}

export function columnLength(c: Column): number {
  return c.kind === 'category' ? c.codes.length : c.values.length;
}

export function findColumn(t: Table, name: string): Column | undefined {
  return t.columns.find((c) => c.name === name);
}

/** The value of row i as a string or number (for display and tests, not hot loops). */
export function cellValue(c: Column, i: number): string | number | null {
  if (c.kind === 'category') return c.codes[i] < 0 ? null : c.levels[c.codes[i]];
  const v = c.values[i];
  return Number.isNaN(v) ? null : v;
}

/** The table restricted to the given rows, in that order. */
export function selectRows(t: Table, rows: ArrayLike<number>): Table {
  const pick = <A extends Float64Array | Int32Array>(v: A): A => {
    const out = new (v.constructor as new (n: number) => A)(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = v[rows[i]];
    return out;
  };
  return { rows: rows.length, columns: t.columns.map((c) => (c.kind === 'category' ? { ...c, codes: pick(c.codes) } : { ...c, values: pick(c.values) })) };
}

/** Refuse a list of column names (`--exclude`) that names a column the table does not have. */
export function assertColumns(t: Table, names: readonly string[], flag: string): void {
  const unknown = names.filter((n) => !findColumn(t, n));
  if (unknown.length) {
    throw new InputError(
      'unknown-column',
      `${flag}: no column${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `'${n}'`).join(', ')} in the data`,
      `Available: ${t.columns.map((c) => c.name).join(', ')}`,
    );
  }
}
