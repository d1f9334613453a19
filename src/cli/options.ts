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
  if (v === undefined) return undefined;
  const names = v.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new InputError('bad-columns', `--columns '${v}' has an empty name`, 'Separate names with commas, e.g. --columns customer,date,quantity,amount');
  return names;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
