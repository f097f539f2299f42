/**
 * The service as a Fastify app: `buildApp(config)` opens and migrates the database, seeds the
 * vocabulary, sets up the token, starts compiling the tagger and registers every route. It does
 * not listen: main.ts (or a test) does, on the port it wants.
 *
 * The newsroom UI (src/ui) plugs in through `options.ui`: a Fastify plugin given the same
 * AppContext, registered at the root, owning `/` and `/ui/*`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import { Ajv, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { formatMessage, parseVocabulary, WasimError } from '../core/index.js';
import { formatFromPath, readDefaultEntries, readTextFile } from '../node/vocab-file.js';
import { openRepository, type Repository } from '../storage/index.js';
import { canWrite, identifyToken, type Identity } from './accounts.js';
import { setupToken, TokenCheck, type TokenSetup } from './auth.js';
import type { ServerConfig } from './config.js';
import type { AppContext } from './context.js';
import { formatValidationErrors, mapError } from './http-errors.js';
import { Metrics } from './metrics.js';
import { articleRoutes } from './routes/articles.js';
import { feedRoutes, ingestRoutes } from './routes/ingest.js';
import { systemRoutes } from './routes/system.js';
import { vocabularyRoutes } from './routes/vocabulary.js';
import { createJobService, registerJobKinds } from './jobs/index.js';
import { WasimService } from './service.js';
import { TaggerService } from './tagger-service.js';
import { SuggestionService, suggestionRoutes } from './suggestions.js';
import { AdaptationService, defaultAdaptationOptions, type AdaptationOptions } from './adaptation.js';
import { adaptationRoutes } from './routes/adaptation.js';

export type UiPlugin = FastifyPluginAsync<{ context: AppContext }>;

export interface BuildOptions {
  /** Use this repository instead of opening config.databaseUrl (closed with the app either way); worker threads (imports) still open config.databaseUrl. */
  repo?: Repository;
  /** The newsroom UI plugin (src/ui). */
  ui?: UiPlugin;
  /** Fastify/pino logger settings; default: log at config.logLevel to stdout. */
  logger?: boolean | Record<string, unknown>;
  /** Replace the stored token with a new one (printed once). */
  rotateToken?: boolean;
  /** Learning from editors' decisions (default: WASIM_LEARN_EVERY, WASIM_LEARN_POLL_MS). */
  adaptation?: Partial<AdaptationOptions>;
}

export interface StartupReport {
  migrations: string[];
  /** The vocabulary was (re)seeded from `vocabularySource` by this start. */
  seeded: boolean;
  vocabularySource: string;
  token: TokenSetup;
}

export interface WasimApp {
  app: FastifyInstance;
  context: AppContext;
  startup: StartupReport;
}

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export const PACKAGE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

/** First start: the default vocabulary or WASIM_VOCAB. Later starts: a changed WASIM_VOCAB file replaces the vocabulary. */
export async function seedVocabulary(repo: Repository, config: ServerConfig): Promise<{ seeded: boolean; source: string }> {
  if (config.vocab) {
    const path = resolve(config.vocab);
    const text = readTextFile(path);
    const format = config.vocabFormat ?? formatFromPath(path);
    if (format === 'compiled') throw WasimError.of('BAD_VOCAB_FORMAT', 'serviceNeedsEntries', { path });
    const seed = 'file:sha256:' + createHash('sha256').update(text).digest('hex');
    const seeded = await repo.seedVocabulary(
      () => {
        const { entries } = parseVocabulary(text, format, path);
        if (entries.length === 0) throw WasimError.of('EMPTY_VOCAB', 'noEntries', { path });
        return entries;
      },
      seed,
      { replaceIfChanged: true },
    );
    return { seeded, source: path };
  }
  const seeded = await repo.seedVocabulary(
    () => {
      const entries = readDefaultEntries();
      if (entries.length === 0) throw WasimError.of('EMPTY_VOCAB', 'defaultMissing', {});
      return entries;
    },
    'default',
    { replaceIfChanged: false },
  );
  return { seeded, source: 'default' };
}

/**
 * A request's id: the caller's X-Request-Id when it is a sensible token (so that a proxy's or
 * a client's id follows the request into our logs), else a new UUID. The id is in every log
 * line of the request (`reqId`) and is sent back in X-Request-Id.
 */
export function requestIdOf(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:\-]{1,128}$/.test(given) ? given : randomUUID();
}

const PROBE_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** 60000 → "1 minute", 90000 → "90 seconds", 3600000 → "1 hour": the rate limit's window in words. */
export function describeWindow(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  return `${ms} ms`;
}

/**
 * Query strings and path parameters are coerced to their schema's numbers by Ajv, which reads
 * "0x10" as 16 and "1e3" as 1000. An integer must be written in decimal digits, a number in
 * decimal notation; anything else is refused before Ajv sees it.
 */
type Validator = ((data: unknown) => boolean | { error: Error }) & { errors?: ValidateFunction['errors'] };

function decimalOnly(validate: ValidateFunction, schema: unknown, part: string): Validator {
  const properties = ((schema as { properties?: Record<string, { type?: unknown; items?: { type?: unknown } }> }).properties ?? {}) as Record<string, { type?: unknown; items?: { type?: unknown } }>;
  const typed = (t: unknown, name: string) => t === name || (Array.isArray(t) && t.includes(name));
  const checks: [string, RegExp, string][] = [];
  for (const [key, p] of Object.entries(properties)) {
    const type = typed(p.type, 'array') ? p.items?.type : p.type;
    if (typed(type, 'integer')) checks.push([key, /^-?[0-9]+$/, 'a whole number written in decimal digits']);
    else if (typed(type, 'number')) checks.push([key, /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/, 'a decimal number']);
  }
  if (checks.length === 0) return validate;
  const checked: Validator = (data: unknown) => {
    const values = (data ?? {}) as Record<string, unknown>;
    for (const [key, pattern, what] of checks) {
      for (const v of [values[key]].flat()) {
        if (typeof v === 'string' && !pattern.test(v)) return { error: new Error(`${part}/${key} must be ${what}, got ${JSON.stringify(v)}`) };
      }
    }
    const ok = validate(data);
    // Fastify reads the errors of a failed validation off the function it was given.
    checked.errors = validate.errors;
    return ok;
  };
  return checked;
}

export async function buildApp(config: ServerConfig, options: BuildOptions = {}): Promise<WasimApp> {
  const repo = options.repo ?? openRepository(config.databaseUrl);
  let startup: Omit<StartupReport, 'token'>;
  let token: TokenSetup;
  try {
    const migrations = await repo.migrate();
    const { seeded, source } = await seedVocabulary(repo, config);
    token = await setupToken(repo, config.token, { rotate: !!options.rotateToken });
    startup = { migrations, seeded, vocabularySource: source };
  } catch (e) {
    await repo.close().catch(() => {});
    throw e;
  }

  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    logController: new LogController({ disableRequestLogging: true }),
    // Refused in our own error shape instead (see the preClose hook).
    return503OnClosing: false,
    schemaErrorFormatter: formatValidationErrors,
    // A "__proto__" key (or "constructor": {"prototype": …}) is valid JSON: the body is accepted
    // with that key dropped, so no later copy of the object can reach a prototype.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    genReqId: requestIdOf,
  });

  // Bodies are validated as sent (a number is not a title); query strings and path
  // parameters are text and are coerced to the schema's types.
  const ajvOptions: AjvOptions = { useDefaults: true, removeAdditional: false, strict: false, allErrors: false };
  const bodyAjv = addFormats(new Ajv({ ...ajvOptions, coerceTypes: false }));
  const textAjv = addFormats(new Ajv({ ...ajvOptions, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv.compile(schema) : decimalOnly(textAjv.compile(schema), schema, httpPart ?? 'querystring')));

  const metrics = new Metrics();
  const tagger = new TaggerService(repo, {
    maxArticleChars: config.maxArticleChars,
    hints: config.vocabHints,
    ...(options.repo ? {} : { databaseUrl: config.databaseUrl }),
    log: app.log,
    onCompile: () => metrics.countCompile(),
    pool: { threads: config.tagThreads, maxQueue: config.tagQueue, deadlineMs: config.tagDeadlineMs, longChars: config.tagLongChars, longThreads: config.tagLongThreads },
  });
  const jobs = createJobService(config, repo, app.log);
  const service = new WasimService(repo, tagger, config, metrics, app.log, jobs);
  registerJobKinds(jobs, { config, repo, service, tagger });
  const suggestions = new SuggestionService(repo, tagger, service, undefined, app.log);
  const adaptation = new AdaptationService(repo, tagger, config, { ...defaultAdaptationOptions(), ...options.adaptation }, app.log);
  service.onDecisions = (count) => adaptation.noteDecisions(count);
  const context: AppContext = { config, repo, tagger, service, metrics, auth: token.check, suggestions, adaptation };
  app.decorate('wasim', context);

  // On every answer, the rate limiter's and the error handler's included.
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const mapped = mapError(err, config);
    if (mapped.unexpected) req.log.error({ err }, 'unexpected error');
    if (mapped.status === 401) reply.header('www-authenticate', 'Bearer');
    const retryAfter = err instanceof WasimError ? err.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: formatMessage('ROUTE_NOT_FOUND', 'route', { method: req.method, path: req.url.split('?')[0]! }).en } });
  });

  // Only JSON by default: a text body anywhere but the vocabulary import is a 415.
  app.removeContentTypeParser('text/plain');

  if (config.rateLimit) {
    await app.register(rateLimit, {
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowMs,
      errorResponseBuilder: (_req, c) => WasimError.of('RATE_LIMITED', 'budget', { max: c.max, window: describeWindow(config.rateLimit ? config.rateLimit.windowMs : 0), after: c.after }),
    });
  }

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.addHook('onRequest', async (req, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw WasimError.of('NOT_READY', 'shuttingDown', {});
    }
    const access = req.routeOptions.config?.access ?? 'public';
    if (access === 'public' || (access === 'read' && !config.readTokenRequired)) return;
    const presented = TokenCheck.fromHeader(req.headers.authorization);
    if (!presented) throw WasimError.of('UNAUTHORIZED', 'noToken', {});
    const identity = await identifyToken(context, presented);
    if (!identity) throw WasimError.of('UNAUTHORIZED', 'badToken', {});
    if (access === 'write' && !canWrite(identity)) throw WasimError.of('NOT_ALLOWED', 'readOnly', { role: identity.role });
    req.wasimIdentity = identity;
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    // One JSON line per request, with its reqId; probes only when debugging.
    const line = { method: req.method, url: req.url, route, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (PROBE_ROUTES.has(route)) req.log.debug(line, 'request');
    else req.log.info(line, 'request');
  });

  if (config.docs) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'wasim (واسم)',
          version: PACKAGE_VERSION,
          description:
            'Automatic tagging of Arabic news: tag, store, correct and search articles; edit the vocabulary. ' +
            'Writes need `Authorization: Bearer <token>`. Every error is `{"error": {"code", "message"}}` (codes: docs/errors.md).',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        tags: [
          { name: 'tagging' },
          { name: 'articles' },
          { name: 'tags' },
          { name: 'vocabulary' },
          { name: 'jobs' },
          { name: 'learning' },
          { name: 'operations' },
        ],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  }

  await app.register(systemRoutes, { context });
  await app.register(articleRoutes, { context });
  await app.register(vocabularyRoutes, { context });
  await app.register(ingestRoutes, { context });
  await app.register(feedRoutes, { context });
  await app.register(suggestionRoutes, { context, suggestions });
  await app.register(adaptationRoutes, { context, adaptation });
  if (options.ui) await app.register(options.ui, { context });
  else app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect(config.docs ? '/docs' : '/healthz'));

  app.addHook('onClose', async () => {
    await suggestions.stop();
    await adaptation.stop();
    await service.close();
    await tagger.stop();
    await repo.close();
    metrics.stop();
  });

  // The stored adaptation is set before the first compilation, which then applies it.
  await adaptation.start();
  void tagger.refresh();
  tagger.startPolling(config.vocabPollMs);
  try {
    await jobs.start();
  } catch (e) {
    await app.close().catch(() => {});
    throw e;
  }
  suggestions.start();
  return { app, context, startup: { ...startup, token } };
}

declare module 'fastify' {
  interface FastifyInstance {
    wasim: AppContext;
  }
  interface FastifyRequest {
    /** Who the bearer token belongs to (routes that needed a token). */
    wasimIdentity?: Identity;
  }
}
