import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { serve, type ServeFlags } from '../../src/cli/commands/serve.js';
import { cli, tempDir } from '../helpers/cli.js';
import { post, send, writeModel } from './helpers.js';

const TINY = new URL('../fixtures/shapes/tiny.csv', import.meta.url).pathname;
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const customer = { customer_id: 'A', features: { recency_days: 8, frequency: 3, monetary: 72.25 } };

let dir: string;
let model: string;
let modelJson: Record<string, unknown>;

beforeAll(async () => {
  dir = tempDir('clientele-serve-cli-');
  const r = await cli('analyze', TINY, '--out', dir, '--quiet');
  expect(r.code, r.stderr).toBe(0);
  model = join(dir, 'model.json');
  modelJson = JSON.parse(readFileSync(model, 'utf8'));
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('clientele serve refuses to start, in one line and exit 2', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a missing model', () => ['--model', join(dir, 'nope.json')], /^clientele: Model file .*nope\.json does not exist\. Pass the model\.json/],
    ['a truncated model', () => ['--model', file('cut.json', readFileSync(model, 'utf8').slice(0, 500))], /is not complete JSON .*truncated/],
    ['a future version', () => ['--model', file('future.json', JSON.stringify({ ...modelJson, version: 99 }))], /format version 99, this clientele reads up to 2\. Upgrade clientele/],
    ['an unknown kind', () => ['--model', file('kind.json', JSON.stringify({ ...modelJson, kind: 'crystal-ball' }))], /kind "crystal-ball" is unknown/],
    ['a file that is no model', () => ['--model', file('other.json', '{"rows": []}')], /is not a saved clientele model/],
    ['a public host without a token', () => ['--model', model, '--host', '0.0.0.0'], /--host 0\.0\.0\.0 is reachable from other machines and no --token-file is given\. Pass --token-file/],
    ['a short token', () => ['--model', model, '--host', '0.0.0.0', '--token-file', file('short', 'abc\n')], /has 3 characters, fewer than 16/],
    ['an empty token file', () => ['--model', model, '--token-file', file('empty', '\n')], /--token-file .* is empty/],
    ['a bad port', () => ['--model', model, '--port', '70000'], /--port '70000' is not a number from 0 to 65535/],
    ['a bad log level', () => ['--model', model, '--log-level', 'loud'], /--log-level 'loud' is not one of/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await cli('serve', ...args());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('a port already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await cli('serve', '--model', model, '--port', String(port), '--quiet');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^clientele: Port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      blocker.close();
    }
  });
});

describe('clientele serve, in process', () => {
  const flags = (over: Partial<ServeFlags> = {}): ServeFlags => ({
    model,
    host: '127.0.0.1',
    port: '0',
    bodyLimit: '16',
    logLevel: 'info',
    watchInterval: '0',
    ...over,
  });

  it('reloads on SIGHUP, and on SIGTERM finishes the request in flight, then stops', async () => {
    const m = join(tempDir('clientele-serve-sig-'), 'model.json');
    writeModel(m, modelJson);
    const signals = new EventEmitter();
    let out = '';
    let url = '';
    const listening = new Promise<void>((resolve) => {
      void serve(flags({ model: m }), { stdout: (t) => (out += t), stderr: () => {}, progress: false }, { signals, onListening: (u) => { url = u; resolve(); } }).then(() => {
        stopped = true;
      });
    });
    let stopped = false;
    await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await post(url, '/v1/score', customer);
    expect(first.status).toBe(200);
    expect(first.json.score.rfm_segment).toEqual(expect.any(String));

    writeModel(m, { ...modelJson, trainedAt: '2030-01-01T00:00:00.000Z' });
    signals.emit('SIGHUP');
    const until = Date.now() + 5000;
    while ((await send(url, 'GET', '/v1/model')).json.trainedAt !== '2030-01-01T00:00:00.000Z' && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect((await send(url, 'GET', '/v1/model')).json.trainedAt).toBe('2030-01-01T00:00:00.000Z');

    // A batch whose body is still on its way when SIGTERM arrives is answered in full.
    const customers = Array.from({ length: 5000 }, (_, i) => ({ ...customer, customer_id: `c${i}` }));
    const inFlight = post(url, '/v1/score?as_of=2024-05-02', { customers }, {}, new Agent({ keepAlive: false }));
    // SIGTERM once the server has begun the request (it logs it before reading the body).
    const begun = Date.now() + 10_000;
    while (!out.includes('"url":"/v1/score?as_of=2024-05-02"') && Date.now() < begun) await new Promise((r) => setImmediate(r));
    signals.emit('SIGTERM');
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.json.scores).toHaveLength(5000);
    const t = Date.now() + 5000;
    while (!stopped && Date.now() < t) await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(true);
    await expect(send(url, 'GET', '/healthz', undefined, {}, new Agent({ keepAlive: false }))).rejects.toThrow(/ECONNREFUSED/);
    const logs = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(logs.some((l) => l.msg === 'model reloaded' && l.reason === 'SIGHUP')).toBe(true);
    expect(logs.some((l) => l.msg === 'shutting down: finishing requests in flight' && l.signal === 'SIGTERM')).toBe(true);
  });
});

describe('clientele serve as a process', () => {
  it('listens, reloads on a real SIGHUP, and exits 0 on SIGTERM', async () => {
    const m = join(tempDir('clientele-serve-proc-'), 'model.json');
    writeModel(m, modelJson);
    const token = file('token', 'a-long-enough-secret-token-0123456789\n');
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--model', m, '--port', '0', '--token-file', token, '--watch-interval', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const until = Date.now() + 30_000;
      let url: string | undefined;
      while (!url && Date.now() < until) {
        url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        if (!url) await new Promise((r) => setTimeout(r, 50));
      }
      expect(url, err).toBeDefined();
      const auth = { authorization: 'Bearer a-long-enough-secret-token-0123456789' };
      expect((await post(url!, '/v1/score', customer)).status).toBe(401);
      expect((await post(url!, '/v1/score', customer, auth)).status).toBe(200);
      writeModel(m, { ...modelJson, trainedAt: '2031-01-01T00:00:00.000Z' });
      child.kill('SIGHUP');
      const t = Date.now() + 10_000;
      while ((await send(url!, 'GET', '/v1/model', undefined, auth)).json.trainedAt !== '2031-01-01T00:00:00.000Z' && Date.now() < t) await new Promise((r) => setTimeout(r, 50));
      expect((await send(url!, 'GET', '/v1/model', undefined, auth)).json.trainedAt).toBe('2031-01-01T00:00:00.000Z');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err).toBe('');
      // The token never reaches the log.
      expect(out).not.toContain('a-long-enough-secret-token');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
