import { errorSchema, modelInfoSchema, scoreQuerySchema, scoreResponseSchema, type JsonSchema } from './schemas.js';
import type { ModelInfo } from './loaded-model.js';

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });

/**
 * The OpenAPI 3.1 document of the service for one loaded model. Its request schemas are the objects
 * ajv compiled for that model (OpenAPI 3.1 schemas are JSON Schema), so what it documents is what is enforced.
 */
export function openApiDocument(
  schemas: { record: JsonSchema; batch: JsonSchema; body: JsonSchema },
  model: ModelInfo,
  opts: { maxBatch: number; auth: boolean },
): Record<string, unknown> {
  const secured = opts.auth ? { security: [{ bearer: [] }] } : {};
  const unauthorized = opts.auth ? { 401: errorResponse('Missing or wrong bearer token') } : {};
  const open = { security: [] };
  return {
    openapi: '3.1.0',
    info: {
      title: 'clientele scoring service',
      // The version of the /v1 API this document describes.
      version: '1',
      description: `Scores customers with the loaded ${model.kind} model (trained ${model.trainedAt ?? 'at an unrecorded time'}).`,
    },
    ...secured,
    components: {
      schemas: { CustomerRecord: schemas.record, ScoreBatch: schemas.batch, Error: errorSchema, ModelInfo: modelInfoSchema },
      ...(opts.auth ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } : {}),
    },
    paths: {
      '/v1/score': {
        post: {
          summary: `Score one customer, or a batch of up to ${opts.maxBatch} ({ as_of?, customers: [...] })`,
          parameters: [{ name: 'as_of', in: 'query', required: false, schema: (scoreQuerySchema.properties as JsonSchema).as_of }],
          requestBody: { required: true, content: json(schemas.body) },
          responses: {
            200: { description: 'Scores: `score` for one customer, `scores` for a batch, in request order', content: json(scoreResponseSchema) },
            400: errorResponse('Malformed JSON, a missing or mistyped field (named in the message), or a batch too large'),
            ...unauthorized,
            413: errorResponse('Body over the size limit'),
            415: errorResponse('Content type other than application/json'),
          },
        },
      },
      '/v1/model': {
        get: {
          summary: 'The loaded model: kind, training date, data fingerprint, feature schema',
          responses: { 200: { description: 'The loaded model', content: json({ $ref: '#/components/schemas/ModelInfo' }) }, ...unauthorized },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' }, ...unauthorized } } },
      '/healthz': { get: { summary: 'The process is up', ...open, responses: { 200: { description: 'Up' } } } },
      '/readyz': { get: { summary: 'A model is loaded', ...open, responses: { 200: { description: 'Ready' }, 503: errorResponse('No model loaded') } } },
    },
  };
}
