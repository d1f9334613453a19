import { InputError } from '../errors.js';
import type { RoleMap } from '../ingest/roles.js';

/** `--map role=Column` (repeatable) into a role map. */
export function parseMap(values: string[] | undefined): RoleMap {
  const map: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) {
      throw new InputError('bad-map', `--map '${v}' is not role=Column`, 'For example --map customer="Customer ID"');
    }
    map[v.slice(0, eq).trim()] = v.slice(eq + 1).trim();
  }
  return map as RoleMap;
}

export function parseColumns(v: string | undefined): string[] | undefined {
  return parseList(v, '--columns', 'customer,date,quantity,amount');
}

/** A comma-separated list of column names; an empty name is refused. */
export function parseList(v: string | undefined, flag: string, example = 'Age,Gender'): string[] | undefined {
  if (v === undefined) return undefined;
  const names = v.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new InputError('bad-columns', `${flag} '${v}' has an empty name`, `Separate names with commas, e.g. ${flag} ${example}`);
  return names;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseK(v: string): number | 'auto' {
  if (v === 'auto') return 'auto';
  const k = Number(v);
  if (!Number.isInteger(k) || k < 2 || k > 50) throw new InputError('bad-k', `--k '${v}' is not auto or a whole number from 2 to 50`);
  return k;
}

export function parseSeed(v: string): number {
  const s = Number(v);
  if (!Number.isInteger(s) || s < 0) throw new InputError('bad-seed', `--seed '${v}' is not a non-negative whole number`);
  return s;
}

export function parseNumber(v: string, flag: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new InputError('bad-option', `${flag} '${v}' is not a number from ${min} to ${max}`);
  return n;
}
