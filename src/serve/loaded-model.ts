import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ValidateFunction } from 'ajv';
import { ClienteleError, InputError, ModelError } from '../errors.js';
import { loadScorer } from '../models/registry.js';
import type { Scorer } from '../scoring/contract.js';
import { batchSchema, customerRecordSchema, scoreBodySchema, type JsonSchema } from './schemas.js';
import { openApiDocument } from './openapi.js';
import { createAjv } from './validation.js';

/** Turns a parsed model file into a scorer, or throws a ModelError saying why it cannot. */
export type ScorerLoader = (json: unknown) => Scorer;

/** The model registry: every saved kind that scores customers. */
export const registryLoader: ScorerLoader = loadScorer;

/** Which model answered, so a caller can tell the answers of a reloaded model apart. */
export interface ModelRef {
  kind: string;
  trainedAt: string | null;
  fingerprint: string | null;
}

export interface ModelInfo extends ModelRef {
  version: number;
  inputs: Scorer['inputs'];
  loadedAt: string;
  file: { path: string; sha256: string };
}

/**
 * Everything a request needs of one model, built completely before the service switches to it, so a
 * request validated against a model's schema is scored by that same model even across a reload.
 */
export interface LoadedModel {
  readonly scorer: Scorer;
  readonly ref: ModelRef;
  readonly info: ModelInfo;
  readonly schemas: { record: JsonSchema; batch: JsonSchema; body: JsonSchema };
  readonly validateBody: ValidateFunction;
  readonly openapi: Record<string, unknown>;
}

export interface LoadOptions {
  loader: ScorerLoader;
  maxBatch: number;
  /** Whether requests need a bearer token, for the OpenAPI document. */
  auth: boolean;
  now?: () => Date;
}

export async function readLoadedModel(path: string, opts: LoadOptions): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(
      'model-unreadable',
      e.code === 'ENOENT' ? `Model file ${path} does not exist` : `Cannot read model file ${path} (${e.code ?? e.message})`,
      'Pass the model.json that `clientele analyze FILE --out DIR` writes, e.g. --model DIR/model.json',
    );
  }
  return buildLoadedModel(path, text, opts);
}

export function buildLoadedModel(path: string, text: string, opts: LoadOptions): LoadedModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelError(
      'model-format',
      `Model file ${path} is not complete JSON (${(err as Error).message.split('\n')[0]}); it may be truncated`,
      'Write it again with `clientele analyze FILE --out DIR`',
    );
  }
  let scorer: Scorer;
  try {
    scorer = opts.loader(json);
  } catch (err) {
    if (err instanceof ClienteleError) throw new ModelError(err.code, `Model file ${path}: ${err.message}`, err.hint);
    throw err;
  }
  const envelope = scorer.toJSON();
  const ref: ModelRef = { kind: scorer.kind, trainedAt: envelope.trainedAt ?? null, fingerprint: envelope.fingerprint ?? null };
  const info: ModelInfo = {
    ...ref,
    version: envelope.version,
    inputs: scorer.inputs,
    loadedAt: (opts.now?.() ?? new Date()).toISOString(),
    file: { path, sha256: createHash('sha256').update(text).digest('hex') },
  };
  const record = customerRecordSchema(scorer.inputs);
  const batch = batchSchema(record, opts.maxBatch);
  const body = scoreBodySchema(record, batch);
  return {
    scorer,
    ref,
    info,
    schemas: { record, batch, body },
    // A validator of its own per model: a shared ajv would keep every reloaded model's schema alive.
    validateBody: createAjv().compile(body),
    openapi: openApiDocument({ record, batch, body }, info, { maxBatch: opts.maxBatch, auth: opts.auth }),
  };
}
