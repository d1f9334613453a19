/**
 * Derived factors for the drivers scan: season and month from dates, weekend, add-on presence and count
 * from a comma-separated list column, and age bands. Each returns a Table column so it can be appended
 * to the table the scan reads.
 */
import { InputError } from '../errors.js';
import type { CategoryColumn, Column, DateColumn, NumberColumn, Table } from '../data/table.js';

export const SEASONS = ['Winter', 'Spring', 'Summer', 'Autumn'] as const;
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Meteorological season (northern hemisphere) of a month 1..12 as an index into SEASONS; −1 if invalid. */
export function seasonOfMonth(month: number): number {
  if (!(month >= 1 && month <= 12)) return -1;
  return Math.floor((month % 12) / 3);
}

function fromDates(source: DateColumn, name: string, levels: readonly string[], code: (d: Date) => number): CategoryColumn {
  const codes = new Int32Array(source.values.length);
  for (let i = 0; i < codes.length; i++) {
    const v = source.values[i];
    codes[i] = Number.isFinite(v) ? code(new Date(v)) : -1;
  }
  return { kind: 'category', name, codes, levels };
}

/** The name of a date column's derived season factor. */
export function seasonName(date: string): string {
  return `${date} season`;
}

/** Season of each date (levels in calendar order, Winter = Dec-Feb). Southern-hemisphere data: shift by 6 months. */
export function seasonColumn(dates: DateColumn, name = seasonName(dates.name)): CategoryColumn {
  return fromDates(dates, name, SEASONS, (d) => seasonOfMonth(d.getUTCMonth() + 1));
}

export function monthColumn(dates: DateColumn, name = `${dates.name} month`): CategoryColumn {
  return fromDates(dates, name, MONTHS, (d) => d.getUTCMonth());
}

export function weekendColumn(dates: DateColumn, name = `${dates.name} weekend`): CategoryColumn {
  return fromDates(dates, name, ['weekday', 'weekend'], (d) => (d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 1 : 0));
}

/**
 * Add-on count and presence from a list column such as "Accessory,Impulse Item". A missing list means
 * no add-ons (that is how order logs record it), so it counts as 0 rather than missing.
 */
export function addOnColumns(list: CategoryColumn, name = list.name): { count: NumberColumn; presence: CategoryColumn } {
  const perLevel = list.levels.map((l) => l.split(',').filter((s) => s.trim() !== '').length);
  const n = list.codes.length;
  const count = new Float64Array(n);
  const presence = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = list.codes[i] < 0 ? 0 : perLevel[list.codes[i]];
    count[i] = c;
    presence[i] = c > 0 ? 1 : 0;
  }
  return {
    count: { kind: 'number', name: `${name} count`, values: count },
    presence: { kind: 'category', name: `${name} present`, codes: presence, levels: ['no', 'yes'] },
  };
}

/** Age bands with the given lower edges, e.g. [18, 25, 35, 45, 55, 65] → "<18", "18-24", …, "65+". */
export function ageBandColumn(age: NumberColumn, edges: readonly number[] = [18, 25, 35, 45, 55, 65], name = `${age.name} band`): CategoryColumn {
  if (edges.length === 0 || edges.some((e, i) => i > 0 && e <= edges[i - 1])) {
    throw new InputError('BAD_AGE_BANDS', 'age band edges must be a non-empty increasing list', 'pass edges such as [18, 25, 35, 45, 55, 65]');
  }
  const levels = [`<${edges[0]}`];
  for (let i = 0; i + 1 < edges.length; i++) levels.push(`${edges[i]}-${edges[i + 1] - 1}`);
  levels.push(`${edges[edges.length - 1]}+`);
  const codes = new Int32Array(age.values.length);
  for (let i = 0; i < codes.length; i++) {
    const v = age.values[i];
    if (!Number.isFinite(v)) {
      codes[i] = -1;
      continue;
    }
    let b = 0;
    while (b < edges.length && v >= edges[b]) b++;
    codes[i] = b;
  }
  return { kind: 'category', name, codes, levels };
}

export interface DeriveOptions {
  /** Date columns to expand into season, month and weekend. */
  readonly dates?: readonly string[];
  /** Comma-list columns to expand into add-on count and presence. */
  readonly addOns?: readonly string[];
  /** Numeric age columns to band. */
  readonly ages?: readonly string[];
}

/** The table with derived factor columns appended. */
export function deriveFactors(t: Table, options: DeriveOptions): Table {
  const get = (name: string): Column => {
    const c = t.columns.find((x) => x.name === name);
    if (!c) throw new InputError('NO_COLUMN', `column "${name}" not found`, `available: ${t.columns.map((x) => x.name).join(', ')}`);
    return c;
  };
  const extra: Column[] = [];
  for (const name of options.dates ?? []) {
    const c = get(name);
    if (c.kind !== 'date') throw new InputError('NOT_A_DATE', `column "${name}" is not a date column`, 'parse it as a date when loading the file');
    extra.push(seasonColumn(c), monthColumn(c), weekendColumn(c));
  }
  for (const name of options.addOns ?? []) {
    const c = get(name);
    if (c.kind !== 'category') throw new InputError('NOT_A_LIST', `column "${name}" is not a text list column`, 'pass a column of comma-separated items');
    const { count, presence } = addOnColumns(c);
    extra.push(count, presence);
  }
  for (const name of options.ages ?? []) {
    const c = get(name);
    if (c.kind !== 'number') throw new InputError('NOT_NUMERIC', `column "${name}" is not numeric`, 'pass a numeric age column');
    extra.push(ageBandColumn(c));
  }
  return { rows: t.rows, columns: [...t.columns, ...extra] };
}
