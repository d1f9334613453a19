import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { ModelError } from '../../src/errors.js';
import { doubleLoader, doubleModelJSON, post, send, startServer, type TestServer } from './helpers.js';

const NOW = new Date('2026-03-04T12:00:00Z');
const good = { customer_id: 'c1', features: { frequency: 3, country: 'United Kingdom' } };

describe('scoring service over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ now: () => NOW });
  });
  afterAll(async () => {
    await s.close();
  });

  it('answers the probes, with a request id on every response', async () => {
    const h = await send(s.url, 'GET', '/healthz');
    expect(h.status).toBe(200);
    expect(h.json).toEqual({ status: 'ok' });
    expect(h.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const r = await send(s.url, 'GET', '/readyz', undefined, { 'x-request-id': 'gateway-42' });
    expect(r.status).toBe(200);
    expect(r.json.model).toEqual({ kind: 'test-double', trainedAt: '2026-01-02T00:00:00.000Z', fingerprint: 'sha256:factor-2' });
    expect(r.headers['x-request-id']).toBe('gateway-42');
    // A header that is not a plain token is not copied into logs and responses.
    const odd = await send(s.url, 'GET', '/healthz', undefined, { 'x-request-id': 'a b\u00e9' });
    expect(odd.headers['x-request-id']).not.toContain(' ');
  });

  it('describes the loaded model: kind, training date, fingerprint, feature schema', async () => {
    const m = await send(s.url, 'GET', '/v1/model');
    expect(m.status).toBe(200);
    expect(m.json.kind).toBe('test-double');
    expect(m.json.version).toBe(1);
    expect(m.json.trainedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(m.json.fingerprint).toBe('sha256:factor-2');
    expect(m.json.inputs).toEqual({ features: doubleModelJSON(2).features, purchases: 'optional' });
    expect(m.json.file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('scores one customer and a batch, in request order, as of the day given or today', async () => {
    const one = await post(s.url, '/v1/score', good);
    expect(one.status).toBe(200);
    expect(one.json).toEqual({ as_of: '2026-03-04', model: expect.objectContaining({ kind: 'test-double' }), score: { customer_id: 'c1', double_frequency: 6 } });
    const dated = await post(s.url, '/v1/score?as_of=2011-12-09', good);
    expect(dated.json.as_of).toBe('2011-12-09');
    const batch = await post(s.url, '/v1/score', {
      as_of: '2011-12-09',
      customers: [
        { customer_id: 'b', features: { frequency: 5, country: null } },
        { customer_id: 'a', features: { frequency: 0.5, country: 'France' } },
        { customer_id: 'c', features: { frequency: null, country: 'France', extra_column: 'ignored' } },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.json.as_of).toBe('2011-12-09');
    expect(batch.json.scores).toEqual([
      { customer_id: 'b', double_frequency: 10 },
      { customer_id: 'a', double_frequency: 1 },
      { customer_id: 'c', double_frequency: null },
    ]);
  });

  it('serves an OpenAPI document whose request schema is the one enforced', async () => {
    const doc = await send(s.url, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    const schema = doc.json.paths['/v1/score'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.else.properties.features.properties)).toEqual(['frequency', 'country']);
    // Compiled by an ajv of its own, the published schema agrees with the service on good and bad bodies.
    const validate = new Ajv({ strict: false, strictNumbers: true }).compile(schema);
    const bodies: unknown[] = [
      good,
      { customers: [good] },
      { customer_id: 'c1', features: { frequency: '3' } },
      { customers: [] },
      { customer_id: 'c1', purchases: [{ date: 'yesterday' }] },
      { customer_id: 'c1', nickname: 'x' },
    ];
    for (const b of bodies) {
      const r = await post(s.url, '/v1/score', b);
      expect(r.status === 200, JSON.stringify(b)).toBe(validate(b));
    }
  });

  it('refuses a missing or mistyped field with 400 naming it', async () => {
    const cases: [unknown, string][] = [
      [{ features: { frequency: 1 } }, 'body.customer_id is required'],
      [{ customer_id: 7 }, 'body.customer_id must be a string'],
      [{ customers: [good, { customer_id: 'x', features: { frequency: '3' } }] }, 'customers[1].features.frequency must be a number or null'],
      [{ customers: [good, good, { customer_id: 'y', purchases: [{ date: '2011-01-01' }, { amount: 3 }] }] }, 'customers[2].purchases[1].date is required'],
      [{ customer_id: 'c', purchases: [{ date: '12/01/2011' }] }, 'body.purchases[0].date must be a date YYYY-MM-DD or a timestamp YYYY-MM-DDTHH:MM:SS'],
      [{ customer_id: 'c', purchases: [{ date: '2011-12-01', products: ['a', 7] }] }, 'body.purchases[0].products[1] must be a string'],
      [{ customer_id: 'c', feature: {} }, 'body.feature is not a known field'],
      [{ customers: [] }, 'customers must have at least 1 item'],
      [{ as_of: '2011-12-09T10:00', customers: [good] }, 'as_of must be a date YYYY-MM-DD'],
      [[good], 'body must be an object'],
      ['"just a string"', 'body must be an object'],
      [{ customer_id: 'c', features: { frequency: { nested: 1 } } }, 'body.features.frequency must be a number or null'],
    ];
    for (const [body, message] of cases) {
      const r = await post(s.url, '/v1/score', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.code).toBe('invalid-request');
      expect(r.json.error.message).toContain(message);
    }
    const q = await post(s.url, '/v1/score?as_of=tomorrow', good);
    expect(q.status).toBe(400);
    expect(q.json.error.message).toContain('querystring.as_of');
  });

  it('refuses a feature the scoring code finds missing with 400 naming it', async () => {
    const r = await post(s.url, '/v1/score', { customers: [good, { customer_id: 'no-features' }] });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/^customers\[1\]\.features\.frequency is required/);
    const one = await post(s.url, '/v1/score', { customer_id: 'no-features' });
    expect(one.status).toBe(400);
    expect(one.json.error.message).toMatch(/^body\.features\.frequency is required/);
  });

  it('takes a batch of 10,000 and refuses 10,001 with 400', async () => {
    const customers = Array.from({ length: 10_000 }, (_, i) => ({ customer_id: `c${i}`, features: { frequency: i, country: 'UK' } }));
    const ok = await post(s.url, '/v1/score', { customers });
    expect(ok.status).toBe(200);
    expect(ok.json.scores).toHaveLength(10_000);
    expect(ok.json.scores[9_999]).toEqual({ customer_id: 'c9999', double_frequency: 19_998 });
    customers.push({ customer_id: 'one-too-many', features: { frequency: 1, country: 'UK' } });
    const over = await post(s.url, '/v1/score', { customers });
    expect(over.status).toBe(400);
    expect(over.json.error.message).toBe('customers has more than 10000 items; send at most 10000 per request');
  });

  it('answers 413 to a body over the limit, 404 to unknown routes, 415 to other content types', async () => {
    const big = JSON.stringify({ customers: Array.from({ length: 40_000 }, (_, i) => ({ customer_id: `customer-${i}` })) });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const r413 = await post(s.url, '/v1/score', big);
    expect(r413.status).toBe(413);
    expect(r413.json.error.code).toBe('body-too-large');
    for (const [method, path] of [['GET', '/v2/score'], ['GET', '/v1/score'], ['DELETE', '/v1/model'], ['GET', '/']]) {
      const r = await send(s.url, method, path);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.json.error.code).toBe('not-found');
    }
    for (const type of ['', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      const r = await send(s.url, 'POST', '/v1/score', JSON.stringify(good), { 'content-type': type });
      expect(r.status, type).toBe(415);
      expect(r.json.error).toEqual({ code: 'unsupported-media-type', message: 'Content-Type must be application/json' });
    }
    const charset = await send(s.url, 'POST', '/v1/score', JSON.stringify(good), { 'content-type': 'application/json; charset=utf-8' });
    expect(charset.status).toBe(200);
  });

  it('answers malformed JSON, huge numbers and deep nesting with 400, and keeps serving', async () => {
    const bad = ['{"customer_id": "c1", ', '{customer_id: "c1"}', '{"customer_id": "c1"}}', '\u0000', 'nul'];
    for (const b of bad) {
      const r = await send(s.url, 'POST', '/v1/score', b, { 'content-type': 'application/json' });
      expect(r.status, JSON.stringify(b)).toBe(400);
      expect(r.json.error.code).toBe('invalid-json');
    }
    const empty = await send(s.url, 'POST', '/v1/score', '', { 'content-type': 'application/json' });
    expect(empty.status).toBe(400);
    const huge = await post(s.url, '/v1/score', `{"customer_id":"c1","features":{"frequency":1e999}}`);
    expect(huge.status).toBe(400);
    expect(huge.json.error.message).toBe('body.features.frequency must be a finite number (it overflows a double)');
    const long = await post(s.url, '/v1/score', `{"customer_id":"c1","features":{"frequency":1${'0'.repeat(400)}}}`);
    expect(long.status).toBe(400);
    const precise = await post(s.url, '/v1/score', `{"customer_id":"c1","features":{"frequency":123456789012345678901234567890,"country":"UK"}}`);
    expect(precise.status).toBe(200);
    expect(precise.json.score.double_frequency).toBe(2 * 123456789012345678901234567890);
    // As deep as the 1 MB limit allows: neither the parser nor the validator may recurse into a stack overflow.
    const depth = 150_000;
    const deepArray = '['.repeat(depth) + ']'.repeat(depth);
    const deepObject = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    for (const body of [deepArray, deepObject, `{"customer_id":"c1","features":{"frequency":${deepArray}}}`]) {
      const r = await send(s.url, 'POST', '/v1/score', body, { 'content-type': 'application/json' });
      expect(r.status).toBe(400);
      expect(['invalid-request', 'too-deep']).toContain(r.json.error.code);
    }
    expect((await post(s.url, '/v1/score', good)).status).toBe(200);
  });

  it('refuses __proto__ and constructor.prototype keys with 400 and pollutes no prototype', async () => {
    const bodies = [
      '{"customer_id":"c1","__proto__":{"polluted":"yes"}}',
      '{"customer_id":"c1","features":{"__proto__":{"polluted":"yes"}}}',
      '{"customers":[{"customer_id":"c1","features":{"frequency":1,"\\u005f_proto__":{"polluted":"yes"}}}]}',
      '{"customer_id":"c1","constructor":{"prototype":{"polluted":"yes"}}}',
      '{"customers":[{"customer_id":"c1","features":{"constructor":{"prototype":{"polluted":"yes"}}}}]}',
    ];
    for (const b of bodies) {
      const r = await send(s.url, 'POST', '/v1/score', b, { 'content-type': 'application/json' });
      expect(r.status, b).toBe(400);
      expect(r.json.error.code).toBe('forbidden-key');
    }
    // A constructor key without a prototype inside is data, not an attack: it is refused as an unknown field.
    const plain = await post(s.url, '/v1/score', '{"customer_id":"c1","constructor":1}');
    expect(plain.status).toBe(400);
    expect(plain.json.error.message).toBe('body.constructor is not a known field');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect((await post(s.url, '/v1/score', good)).status).toBe(200);
  });

  it('logs structured JSON lines with request ids', () => {
    const lines = s.logs.map((l) => JSON.parse(l));
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed.length).toBeGreaterThan(10);
    expect(completed.every((l) => typeof l.reqId === 'string' && typeof l.res?.statusCode === 'number')).toBe(true);
    expect(lines.some((l) => l.msg === 'request refused' && l.code === 'forbidden-key')).toBe(true);
  });
});

describe('scoring service with a token', () => {
  const token = 'correct-horse-battery-staple-42';
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ token, logger: false });
  });
  afterAll(async () => {
    await s.close();
  });

  it('answers 401 without the right bearer token, except on the probes', async () => {
    const wrong: Record<string, string>[] = [{}, { authorization: `Bearer ${token}x` }, { authorization: `Bearer ${token.slice(0, -1)}` }, { authorization: token }, { authorization: `Basic ${token}` }];
    for (const headers of wrong) {
      const r = await post(s.url, '/v1/score', good, headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.json.error.code).toBe('unauthorized');
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect((await send(s.url, 'GET', '/v1/model', undefined, headers)).status).toBe(401);
      expect((await send(s.url, 'GET', '/openapi.json', undefined, headers)).status).toBe(401);
    }
    const auth = { authorization: `Bearer ${token}` };
    expect((await post(s.url, '/v1/score', good, auth)).json.score.double_frequency).toBe(6);
    expect((await send(s.url, 'GET', '/v1/model', undefined, auth)).status).toBe(200);
    const doc = await send(s.url, 'GET', '/openapi.json', undefined, auth);
    expect(doc.json.security).toEqual([{ bearer: [] }]);
    expect((await send(s.url, 'GET', '/healthz')).status).toBe(200);
    expect((await send(s.url, 'GET', '/readyz')).status).toBe(200);
    // An unknown route tells nothing without the token.
    expect((await send(s.url, 'GET', '/secret')).status).toBe(401);
    expect((await send(s.url, 'GET', '/secret', undefined, auth)).status).toBe(404);
    // The token is checked before the body is read: an oversized body without it is a 401, not a 413.
    expect((await post(s.url, '/v1/score', 'x'.repeat(2 * 1024 * 1024))).status).toBe(401);
  });
});

describe('scoring failures', () => {
  it('answers 500 with the request id when scoring breaks, 422 for a model error, and keeps serving', async () => {
    const s = await startServer({
      logger: false,
      loader: (json) => {
        const m = doubleLoader(json);
        return {
          ...m,
          score(input) {
            if (input.ids[0] === 'boom') throw new Error('internal detail');
            if (input.ids[0] === 'model') throw new ModelError('model-cannot-score', 'The model cannot score this customer');
            return m.score(input);
          },
        };
      },
    });
    try {
      const r = await post(s.url, '/v1/score', { ...good, customer_id: 'boom' });
      expect(r.status).toBe(500);
      expect(r.json.error.code).toBe('internal');
      expect(r.json.error.message).not.toContain('internal detail');
      expect(r.json.error.message).toContain(String(r.headers['x-request-id']));
      const m = await post(s.url, '/v1/score', { ...good, customer_id: 'model' });
      expect(m.status).toBe(422);
      expect(m.json.error).toEqual({ code: 'model-cannot-score', message: 'The model cannot score this customer' });
      expect((await post(s.url, '/v1/score', good)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
