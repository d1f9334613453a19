import type { FeatureSpec, ScorerInputs } from '../scoring/contract.js';

/**
 * The JSON Schemas of the scoring service: the request schemas are compiled by ajv to validate requests
 * and are the very objects the OpenAPI document embeds, so the document cannot drift from what is enforced.
 * The customer schema is built from the loaded model's inputs, so it is rebuilt when the model is reloaded.
 */
export type JsonSchema = Record<string, unknown>;

/** A calendar day, or a timestamp read as wall-clock time, as the order log stores it (no UTC offsets). */
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?Z?)?$';
export const DAY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

const dateSchema = (description: string): JsonSchema => ({ type: 'string', pattern: DATE_PATTERN, description });
const daySchema = (description: string): JsonSchema => ({ type: 'string', pattern: DAY_PATTERN, description });

/** Bounds that keep one request's cost proportional to its size, whatever the body limit. */
const MAX_ID_LENGTH = 256;
const MAX_TEXT_LENGTH = 1000;
const MAX_EXTRA_FEATURES = 1000;

function featureSchema(f: FeatureSpec): JsonSchema {
  const unit = f.unit ? ` (${f.unit})` : '';
  if (f.type === 'number') return { type: ['number', 'null'], description: `${f.name}${unit}` };
  if (f.type === 'date') return { type: ['string', 'null'], pattern: DATE_PATTERN, description: `${f.name}: a date${unit}` };
  return { type: ['string', 'null'], maxLength: MAX_TEXT_LENGTH, description: `${f.name}: a category${unit}` };
}

/** One customer, as the model needs it: its features by name, its purchase history, or both. */
export function customerRecordSchema(inputs: ScorerInputs): JsonSchema {
  const names = inputs.features.map((f) => f.name);
  const features: JsonSchema = {
    type: 'object',
    description: 'Per-customer features by the names of customers.csv; other scalar columns are accepted and ignored',
    properties: Object.fromEntries(inputs.features.map((f) => [f.name, featureSchema(f)])),
    additionalProperties: { type: ['number', 'string', 'null'], maxLength: MAX_TEXT_LENGTH },
    maxProperties: names.length + MAX_EXTRA_FEATURES,
  };
  // Without a history every feature must be sent; with one, the features a history defines may be left
  // out, and which those are is the scoring code's knowledge, so it names any that are still missing.
  if (inputs.purchases === 'unused' && names.length > 0) features.required = names;
  const purchases: JsonSchema = {
    type: 'array',
    description: 'The purchases of this customer; same-day purchases count as one transaction',
    items: {
      type: 'object',
      required: ['date'],
      additionalProperties: false,
      properties: {
        date: dateSchema("'YYYY-MM-DD' or an ISO timestamp"),
        amount: { type: 'number', description: 'Net value of the purchase; omit for a log of dates only' },
        order_id: { type: 'string', maxLength: MAX_ID_LENGTH, description: 'Order id, so several orders on one day count for RFM frequency' },
        items: { type: 'number', description: 'Units bought (the items feature)' },
        products: { type: 'array', items: { type: 'string', maxLength: MAX_ID_LENGTH }, description: 'Product codes bought (the distinct_products feature)' },
        country: { type: 'string', maxLength: MAX_TEXT_LENGTH, description: 'Ship-to country (the main_country feature)' },
      },
    },
  };
  if (inputs.purchases === 'required') purchases.minItems = 1;
  const required = ['customer_id'];
  if (inputs.purchases === 'required') required.push('purchases');
  else if (inputs.purchases === 'unused' && names.length > 0) required.push('features');
  return {
    title: 'CustomerRecord',
    type: 'object',
    required,
    additionalProperties: false,
    properties: {
      customer_id: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH },
      features,
      purchases,
    },
  };
}

export function batchSchema(record: JsonSchema, maxBatch: number): JsonSchema {
  return {
    title: 'ScoreBatch',
    type: 'object',
    required: ['customers'],
    additionalProperties: false,
    properties: {
      as_of: daySchema('Last observed day (YYYY-MM-DD); defaults to today (UTC)'),
      customers: { type: 'array', minItems: 1, maxItems: maxBatch, items: record },
    },
  };
}

/** POST /v1/score: a batch when the body has `customers`, else one customer. */
export function scoreBodySchema(record: JsonSchema, batch: JsonSchema): JsonSchema {
  return { if: { type: 'object', required: ['customers'] }, then: batch, else: record };
}

export const scoreQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { as_of: daySchema('Last observed day (YYYY-MM-DD) for a single customer; defaults to today (UTC)') },
};

const scoreRow: JsonSchema = {
  type: 'object',
  description: "One customer's scores by the names of the model's score table; null where a score cannot be given",
  additionalProperties: { type: ['string', 'number', 'null'] },
};

const modelRef: JsonSchema = {
  type: 'object',
  description: 'The model that computed the scores (it changes on reload)',
  properties: { kind: { type: 'string' }, trainedAt: { type: ['string', 'null'] }, fingerprint: { type: ['string', 'null'] } },
};

export const scoreResponseSchema: JsonSchema = {
  type: 'object',
  properties: {
    as_of: { type: 'string' },
    model: modelRef,
    score: scoreRow,
    scores: { type: 'array', items: scoreRow },
  },
};

export const errorSchema: JsonSchema = {
  title: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

export const featureSpecSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'type'],
  properties: { name: { type: 'string' }, type: { enum: ['number', 'category', 'date'] }, unit: { type: 'string' } },
};

export const modelInfoSchema: JsonSchema = {
  title: 'ModelInfo',
  type: 'object',
  properties: {
    kind: { type: 'string' },
    version: { type: 'integer' },
    trainedAt: { type: ['string', 'null'] },
    fingerprint: { type: ['string', 'null'] },
    inputs: {
      type: 'object',
      properties: { features: { type: 'array', items: featureSpecSchema }, purchases: { enum: ['required', 'optional', 'unused'] } },
    },
    loadedAt: { type: 'string' },
    file: { type: 'object', properties: { path: { type: 'string' }, sha256: { type: 'string' } } },
  },
};
