import { writeFileSync, renameSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { join } from 'node:path';
import { ModelError } from '../../src/errors.js';
import type { ModelJSON } from '../../src/models/estimator.js';
import type { CustomerInput, FeatureSpec, Scorer, ScoreTable } from '../../src/scoring/contract.js';
import { buildServer, type ScoringService, type ServerOptions } from '../../src/serve/server.js';
import { tempDir } from '../helpers/cli.js';

/**
 * A test double of a saved model, so the service's HTTP behaviour is tested apart from the analytics:
 * it scores `frequency * factor`, and `features` in its file decide the request schema.
 */
export const DOUBLE_KIND = 'test-double';

export function doubleModelJSON(factor: number, opts: { features?: FeatureSpec[]; trainedAt?: string; version?: number } = {}): Record<string, unknown> {
  return {
    format: 'clientele-model',
    version: opts.version ?? 1,
    kind: DOUBLE_KIND,
    features: opts.features ?? [
      { name: 'frequency', type: 'number', unit: 'orders' },
      { name: 'country', type: 'category' },
    ],
    trainedAt: opts.trainedAt ?? `2026-01-0${factor % 9 || 1}T00:00:00.000Z`,
    fingerprint: `sha256:factor-${factor}`,
    params: { factor },
  };
}

export function doubleLoader(json: unknown): Scorer {
  const j = json as { format?: string; version?: number; kind?: string; params?: { factor?: unknown }; features?: FeatureSpec[] };
  if (!j || j.format !== 'clientele-model') throw new ModelError('model-format', 'This file is not a saved clientele model');
  if ((j.version ?? 0) > 2) throw new ModelError('model-version', `Saved model has format version ${j.version}, this clientele reads up to 2`);
  if (j.kind !== DOUBLE_KIND) throw new ModelError('model-kind', `Unknown model kind ${String(j.kind)}`);
  const factor = j.params?.factor;
  if (typeof factor !== 'number') throw new ModelError('model-corrupt', 'factor is not a number');
  const features = j.features ?? [];
  return {
    kind: DOUBLE_KIND,
    inputs: { features, purchases: 'optional' },
    toJSON: () => json as ModelJSON,
    score(input: CustomerInput): ScoreTable {
      const f = input.features.columns.find((c) => c.name === 'frequency');
      const values = new Float64Array(input.ids.length);
      for (let i = 0; i < values.length; i++) values[i] = f && f.kind === 'number' ? f.values[i] * factor : NaN;
      return { names: ['customer_id', 'double_frequency'], columns: [input.ids, Array.from(values, (v) => (Number.isNaN(v) ? null : v))], notes: {} };
    },
  };
}

/** Write a model file the way an atomic writer does (temp file + rename), so a watcher never sees half of it. */
export function writeModel(path: string, json: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(json));
  renameSync(tmp, path);
}

export interface TestServer {
  service: ScoringService;
  url: string;
  dir: string;
  modelPath: string;
  logs: string[];
  close(): Promise<void>;
}

/** A service on 127.0.0.1 with an ephemeral port, logging JSON lines into `logs`. */
export async function startServer(opts: Partial<ServerOptions> & { model?: unknown } = {}): Promise<TestServer> {
  const dir = tempDir('clientele-serve-');
  const modelPath = opts.modelPath ?? join(dir, 'model.json');
  if (!opts.modelPath) writeModel(modelPath, opts.model ?? doubleModelJSON(2));
  const logs: string[] = [];
  const service = await buildServer({
    loader: doubleLoader,
    bodyLimit: 1024 * 1024,
    maxBatch: 10_000,
    watchIntervalMs: 0,
    ...opts,
    modelPath,
    logger: opts.logger ?? { level: 'info', stream: { write: (line: string) => void logs.push(line) } },
  });
  const url = await service.app.listen({ host: '127.0.0.1', port: 0 });
  return { service, url, dir, modelPath, logs, close: () => service.app.close() };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** One request over a real socket, the body sent as given (raw bytes for malformed cases). */
export function send(
  url: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
  agent?: Agent,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    // A body is JSON unless the caller says otherwise; an empty value sends no such header at all.
    const all: Record<string, string> = body === undefined ? { ...headers } : { 'content-type': 'application/json', ...headers };
    for (const k of Object.keys(all)) if (all[k] === '') delete all[k];
    const req = httpRequest(
      { hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, agent, headers: all },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

export const post = (url: string, path: string, body: unknown, headers: Record<string, string> = {}, agent?: Agent) =>
  send(url, 'POST', path, typeof body === 'string' ? body : JSON.stringify(body), headers, agent);
