import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ErrorObject } from 'ajv';
import { ClienteleError, InputError, ModelError, formatError } from '../errors.js';
import type { CustomerRecord } from '../scoring/contract.js';
import { scoreRecords } from '../scoring/score.js';
import { bearerCheck } from './auth.js';
import { BodyError, parseJsonBody } from './json-body.js';
import { readLoadedModel, registryLoader, type LoadedModel, type ScorerLoader } from './loaded-model.js';
import { ModelSlot } from './model-slot.js';
import { scoreQuerySchema } from './schemas.js';
import { createAjv, describeErrors } from './validation.js';

export interface ServerOptions {
  modelPath: string;
  /** When set, every route but /healthz and /readyz needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Fastify's pino logger options (level, stream), or false for none. */
  logger: FastifyServerOptions['logger'];
  /** Largest request body, in bytes. */
  bodyLimit: number;
  /** Most customers in one batch. */
  maxBatch: number;
  /** Reads a parsed model file into a scorer; the model registry unless a test injects its own. */
  loader?: ScorerLoader;
  /** How often the model file's stat is polled for changes, in ms; 0 turns watching off. */
  watchIntervalMs?: number;
  /** Quiet time after a change before the file is loaded, in ms. */
  debounceMs?: number;
  /** The clock for the default as-of day and load times. */
  now?: () => Date;
}

export interface ScoringService {
  readonly app: FastifyInstance;
  /** The model serving now. */
  model(): LoadedModel;
  /** Load the model file again (SIGHUP); resolves false, keeping the old model, when the file is refused. */
  reload(reason?: string): Promise<boolean>;
}

/** A request body that passed the loaded model's schema, with the model it was checked against. */
interface ValidatedScoreRequest {
  model: LoadedModel;
  body: CustomerRecord | { as_of?: string; customers: CustomerRecord[] };
}

const PUBLIC_ROUTES = new Set(['/healthz', '/readyz']);
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The scoring service: routes, validation, errors and reloads over the one scoring function that
 * `clientele score` also uses. It holds no analytics. Throws ModelError/InputError when the model file
 * cannot be served, before anything listens.
 */
export async function buildServer(opts: ServerOptions): Promise<ScoringService> {
  const now = opts.now ?? (() => new Date());
  const loadOptions = { loader: opts.loader ?? registryLoader, maxBatch: opts.maxBatch, auth: Boolean(opts.token), now };
  const first = await readLoadedModel(opts.modelPath, loadOptions);
  const ajv = createAjv();

  const app = Fastify({
    logger: opts.logger,
    bodyLimit: opts.bodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // A gateway's request id threads through the logs when it is a plain token; otherwise a fresh one.
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestTimeout: 60_000,
    schemaErrorFormatter: (errors, dataVar) => new Error(describeErrors(errors as ErrorObject[], dataVar)),
  });
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));
  // JSON is the only request body here (Fastify would also take text/plain); anything else is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  const slot = new ModelSlot(opts.modelPath, first, loadOptions, app.log);
  app.addHook('onClose', async () => slot.close());

  const authorized = opts.token ? bearerCheck(opts.token) : null;
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    if (authorized && !PUBLIC_ROUTES.has(req.routeOptions.url ?? '') && !authorized(req.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer');
      reply.status(401).send({ error: { code: 'unauthorized', message: 'Missing or wrong bearer token: send Authorization: Bearer <token>' } });
      return;
    }
    done();
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'not-found', message: `No route ${req.method} ${req.url.slice(0, 200)}; see GET /openapi.json` } });
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status, code, message } = classifyError(err, opts.bodyLimit, String(req.id));
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code, message }, 'request refused');
    reply.status(status).send({ error: { code, message } });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({ status: 'ready', model: slot.current.ref }));
  app.get('/v1/model', async () => slot.current.info);
  app.get('/openapi.json', async () => slot.current.openapi);

  app.post<{ Querystring: { as_of?: string } }>(
    '/v1/score',
    {
      schema: { body: first.schemas.body, querystring: scoreQuerySchema },
      // The body schema is the loaded model's, so it is looked up per request, and the request carries the
      // model it was checked against to the handler: a reload between the two cannot mismatch them.
      validatorCompiler: ({ schema, httpPart }) => {
        if (httpPart !== 'body') return ajv.compile(schema);
        return (data: unknown) => {
          const model = slot.current;
          if (!model.validateBody(data)) return { error: model.validateBody.errors as unknown as Error };
          const value: ValidatedScoreRequest = { model, body: data as ValidatedScoreRequest['body'] };
          return { value };
        };
      },
    },
    async (req) => {
      const { model, body } = req.body as unknown as ValidatedScoreRequest;
      const { scorer } = model;
      if ('customers' in body) {
        const asOf = body.as_of ?? req.query.as_of ?? today(now);
        return { as_of: asOf, model: model.ref, scores: scoreRecords(scorer, body.customers, asOf) };
      }
      // scoreRecords, with a single customer's fields named from the body as the schema errors name them.
      const asOf = req.query.as_of ?? today(now);
      return { as_of: asOf, model: model.ref, score: scoreRecords(scorer, [body], asOf, () => 'body')[0] };
    },
  );

  if (opts.watchIntervalMs !== 0) slot.watch(opts.watchIntervalMs ?? 1000, opts.debounceMs ?? 250);
  return { app, model: () => slot.current, reload: (reason = 'reload requested') => slot.reload(reason) };
}

function today(now: () => Date): string {
  return now().toISOString().slice(0, 10);
}

/** Every failure as a status, a stable code and one sentence; internals stay in the log. */
export function classifyError(err: FastifyError, bodyLimit: number, requestId: string): { status: number; code: string; message: string } {
  if (err.validation) return { status: 400, code: 'invalid-request', message: err.message };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'body-too-large', message: `Request body is over the ${bodyLimit}-byte limit; send fewer customers per request` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported-media-type', message: 'Content-Type must be application/json' };
  }
  if (err instanceof BodyError) return { status: 400, code: err.code, message: err.message };
  if (err instanceof InputError) return { status: 400, code: err.code, message: formatError(err) };
  if (err instanceof ModelError) return { status: 422, code: err.code, message: formatError(err) };
  if (err instanceof ClienteleError) return { status: 400, code: err.code, message: formatError(err) };
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) return { status, code: 'bad-request', message: err.message };
  return { status: 500, code: 'internal', message: `Internal error; the service log has the details under request id ${requestId}` };
}
