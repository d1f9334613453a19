import { Ajv, type ErrorObject } from 'ajv';
import { DAY_PATTERN } from './schemas.js';

/**
 * One ajv configuration for every schema of the service. JSON bodies are taken as sent: no type coercion,
 * no defaults filled in, no properties silently removed, and NaN/Infinity (a huge number such as 1e999
 * parses to Infinity) are not numbers.
 */
export function createAjv(): Ajv {
  return new Ajv({
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    allErrors: false,
    strictNumbers: true,
    // The offending value, so an overflowed number can be told from a wrong type.
    verbose: true,
    // if/then/else and union types with keywords of one branch are deliberate here.
    strict: false,
  });
}

/**
 * A JSON pointer into the request as the field path a caller writes: `customers[3].features.frequency` in a
 * batch, `body.features.frequency` for a single customer (as the scoring code names fields too).
 */
export function fieldPath(root: string, pointer: string): string {
  let out = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out === '' ? 'body' : out;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  integer: 'a whole number',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  null: 'null',
  boolean: 'true or false',
};

function typeWords(t: unknown): string {
  const list = (Array.isArray(t) ? t : String(t).split(',')).map((x) => TYPE_NAMES[x] ?? x);
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

/**
 * ajv's first error as one sentence naming the field and saying what it must be. The `if` error of the
 * single-or-batch switch only says a branch failed; the branch's own error is the informative one.
 */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, dataVar: string): string {
  let root = dataVar;
  const e = (errors ?? []).find((x) => x.keyword !== 'if');
  if (!e) return `${root} is not valid`;
  // A batch's fields are named from its top (customers[3]...), as the scoring code names them.
  if (root === 'body' && e.schemaPath.startsWith('#/then/')) root = '';
  const at = fieldPath(root, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${fieldPath(root, `${e.instancePath}/${String(p.missingProperty)}`)} is required`;
    case 'additionalProperties':
      return `${fieldPath(root, `${e.instancePath}/${String(p.additionalProperty)}`)} is not a known field`;
    case 'type':
      if (typeof e.data === 'number' && !Number.isFinite(e.data)) return `${at} must be a finite number (it overflows a double)`;
      return `${at} must be ${typeWords(p.type)}`;
    case 'pattern':
      return e.schema === DAY_PATTERN ? `${at} must be a date YYYY-MM-DD` : `${at} must be a date YYYY-MM-DD or a timestamp YYYY-MM-DDTHH:MM:SS`;
    case 'maxItems':
      return `${at} has more than ${String(p.limit)} items; send at most ${String(p.limit)} per request`;
    case 'minItems':
      return `${at} must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`;
    case 'maxLength':
      return `${at} is longer than ${String(p.limit)} characters`;
    case 'minLength':
      return `${at} must not be empty`;
    case 'maxProperties':
      return `${at} has more than ${String(p.limit)} fields`;
    case 'enum':
      return `${at} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at} ${e.message ?? 'is not valid'}`;
  }
}
