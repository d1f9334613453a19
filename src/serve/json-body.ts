import secureJsonParse from 'secure-json-parse';

/** A request body refused before validation: always a 400, with a code saying which refusal. */
export class BodyError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly code: 'invalid-json' | 'forbidden-key' | 'too-deep',
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/**
 * Parse a JSON request body as Fastify's own parser does (secure-json-parse, refusing `__proto__` and
 * `constructor.prototype` keys rather than stripping them), but keep the reason, which Fastify's parser
 * folds into one "invalid JSON" error: a caller fixing a body needs to know which of the three it was.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new BodyError('invalid-json', 'Request body is empty; send a customer record or { "customers": [...] }');
  try {
    return secureJsonParse(text, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    if (err instanceof RangeError) throw new BodyError('too-deep', 'Request body is nested too deeply to parse');
    const message = String((err as Error)?.message ?? err);
    if (/prototype property/i.test(message)) {
      throw new BodyError('forbidden-key', 'Request body has a __proto__ or constructor.prototype key, which is refused so that no object prototype can be altered');
    }
    throw new BodyError('invalid-json', `Request body is not valid JSON (${message.split('\n')[0].slice(0, 200)})`);
  }
}
