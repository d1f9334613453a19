import { describe, expect, it } from 'vitest';
import { writeFileSync, unlinkSync } from 'node:fs';
import { Agent } from 'node:http';
import { doubleModelJSON, post, send, startServer, writeModel } from './helpers.js';

const record = (i: number) => ({ customer_id: `c${i}`, features: { frequency: (i % 50) + 1, country: 'UK' } });

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in time');
}

describe('model reload', () => {
  it('drops no request while the model is replaced under load, and each answer comes from one model', async () => {
    const s = await startServer({ logger: false, watchIntervalMs: 25, debounceMs: 10 });
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const answers: { status: number; factor: number | null; fingerprint: string | null }[] = [];
    let stop = false;
    const client = async (k: number) => {
      for (let i = k; !stop; i += 8) {
        const batch = i % 3 === 0;
        const body = batch ? { customers: [record(i), record(i + 1), record(i + 2)] } : record(i);
        const r = await post(s.url, '/v1/score', body, {}, agent);
        const rows: { customer_id: string; double_frequency: number }[] = r.status === 200 ? (batch ? r.json.scores : [r.json.score]) : [];
        const sent = batch ? [record(i), record(i + 1), record(i + 2)] : [record(i)];
        // The factor each row implies must be the same for the whole answer, and the one its model reports.
        const factors = rows.map((row, j) => row.double_frequency / sent[j].features.frequency);
        const factor = factors.length && factors.every((f) => f === factors[0]) ? factors[0] : null;
        answers.push({ status: r.status, factor, fingerprint: r.json?.model?.fingerprint ?? null });
      }
    };
    const clients = Array.from({ length: 8 }, (_, k) => client(k));
    try {
      const swaps: boolean[] = [];
      for (let factor = 3; factor <= 12; factor++) {
        await new Promise((r) => setTimeout(r, 40));
        writeModel(s.modelPath, doubleModelJSON(factor));
        // Every other swap by SIGHUP's path, the rest by the file watcher alone.
        if (factor % 2 === 0) swaps.push(await s.service.reload('test'));
        else await waitFor(async () => s.service.model().ref.fingerprint === `sha256:factor-${factor}`);
      }
      // A file written in place (not renamed), then a broken one: the old model keeps answering.
      writeFileSync(s.modelPath, JSON.stringify(doubleModelJSON(13)));
      swaps.push(await s.service.reload('test'));
      writeFileSync(s.modelPath, JSON.stringify(doubleModelJSON(14)).slice(0, 40));
      expect(await s.service.reload('test')).toBe(false);
      await new Promise((r) => setTimeout(r, 100));
      expect(s.service.model().ref.fingerprint).toBe('sha256:factor-13');
      expect(swaps.every(Boolean)).toBe(true);
    } finally {
      stop = true;
      await Promise.all(clients);
      agent.destroy();
      await s.close();
    }
    expect(answers.length).toBeGreaterThan(200);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    for (const a of answers) expect(a.fingerprint).toBe(`sha256:factor-${a.factor}`);
    const served = new Set(answers.map((a) => a.factor));
    expect(served.size).toBeGreaterThanOrEqual(6);
  });

  it('keeps the old model on a truncated, future-version, foreign or missing file, and says why in the log', async () => {
    const s = await startServer({ watchIntervalMs: 0 });
    try {
      const bad: [string | null, RegExp][] = [
        ['{"format":"clientele-model","version":1,"kind":"test-dou', /not complete JSON.*truncated/],
        [JSON.stringify(doubleModelJSON(5, { version: 99 })), /format version 99/],
        [JSON.stringify({ hello: 'world' }), /not a saved clientele model/],
        [null, /does not exist/],
      ];
      for (const [text, why] of bad) {
        if (text === null) unlinkSync(s.modelPath);
        else writeFileSync(s.modelPath, text);
        expect(await s.service.reload('test')).toBe(false);
        const last = JSON.parse(s.logs[s.logs.length - 1]);
        expect(last.level).toBe(50);
        expect(last.msg).toBe('model reload failed; the loaded model keeps serving');
        expect(last.err).toMatch(why);
        const r = await post(s.url, '/v1/score', record(4));
        expect(r.status).toBe(200);
        expect(r.json.score.double_frequency).toBe(10);
      }
      writeModel(s.modelPath, doubleModelJSON(7));
      expect(await s.service.reload('test')).toBe(true);
      expect((await post(s.url, '/v1/score', record(4))).json.score.double_frequency).toBe(35);
    } finally {
      await s.close();
    }
  });

  it('rebuilds the request schema and the OpenAPI document from the new model', async () => {
    const s = await startServer({ logger: false });
    try {
      const tenure = { customer_id: 'c', features: { frequency: 2, country: 'UK', tenure_days: 'long' } };
      // Not a feature of the first model: any scalar is accepted as an extra column.
      expect((await post(s.url, '/v1/score', tenure)).status).toBe(200);
      writeModel(s.modelPath, doubleModelJSON(3, { features: [{ name: 'frequency', type: 'number' }, { name: 'tenure_days', type: 'number', unit: 'days' }] }));
      expect(await s.service.reload('test')).toBe(true);
      const r = await post(s.url, '/v1/score', tenure);
      expect(r.status).toBe(400);
      expect(r.json.error.message).toBe('body.features.tenure_days must be a number or null');
      const doc = await send(s.url, 'GET', '/openapi.json');
      const schema = doc.json.paths['/v1/score'].post.requestBody.content['application/json'].schema;
      expect(Object.keys(schema.else.properties.features.properties)).toEqual(['frequency', 'tenure_days']);
      expect((await send(s.url, 'GET', '/v1/model')).json.inputs.features.map((f: { name: string }) => f.name)).toEqual(['frequency', 'tenure_days']);
    } finally {
      await s.close();
    }
  });

  it('folds reloads asked for during a reload into one more load', async () => {
    const s = await startServer({});
    try {
      writeModel(s.modelPath, doubleModelJSON(4));
      const all = await Promise.all(Array.from({ length: 20 }, () => s.service.reload('burst')));
      expect(all.every(Boolean)).toBe(true);
      expect(s.service.model().ref.fingerprint).toBe('sha256:factor-4');
      // The first load, and one for all that came while it ran.
      expect(s.logs.filter((l) => JSON.parse(l).msg === 'model reloaded')).toHaveLength(2);
    } finally {
      await s.close();
    }
  });
});
