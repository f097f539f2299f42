/**
 * The service as a Fastify app: `buildApp(config)` opens and migrates the database, seeds the
 * vocabulary, sets up the token, starts compiling the tagger and registers every route. It does
 * not listen: main.ts (or a test) does, on the port it wants.
 *
 * The newsroom UI (src/ui) plugs in through `options.ui`: a Fastify plugin given the same
 * AppContext, registered at the root, owning `/` and `/ui/*`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { parseVocabulary, WasimError } from '../core/index.js';
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
    if (format === 'compiled') throw new WasimError('BAD_VOCAB_FORMAT', `${path}: the service needs the vocabulary's entries, not a compiled file.`);
    const seed = 'file:sha256:' + createHash('sha256').update(text).digest('hex');
    const seeded = await repo.seedVocabulary(
      () => {
        const { entries } = parseVocabulary(text, format, path);
        if (entries.length === 0) throw new WasimError('EMPTY_VOCAB', `${path}: the vocabulary has no entries.`);
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
      if (entries.length === 0) throw new WasimError('EMPTY_VOCAB', 'The default vocabulary is missing: run `npm run build`.');
      return entries;
    },
    'default',
    { replaceIfChanged: false },
  );
  return { seeded, source: 'default' };
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
  });

  // Bodies are validated as sent (a number is not a title); query strings and path
  // parameters are text and are coerced to the schema's types.
  const ajvOptions: AjvOptions = { useDefaults: true, removeAdditional: false, strict: false, allErrors: false };
  const bodyAjv = addFormats(new Ajv({ ...ajvOptions, coerceTypes: false }));
  const textAjv = addFormats(new Ajv({ ...ajvOptions, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));

  const metrics = new Metrics();
  const tagger = new TaggerService(repo, {
    maxArticleChars: config.maxArticleChars,
    hints: config.vocabHints,
    ...(options.repo ? {} : { databaseUrl: config.databaseUrl }),
    log: app.log,
    onCompile: () => metrics.countCompile(),
  });
  const jobs = createJobService(config, repo, app.log);
  const service = new WasimService(repo, tagger, config, metrics, app.log, jobs);
  registerJobKinds(jobs, { config, repo, service, tagger });
  const suggestions = new SuggestionService(repo, tagger, service, undefined, app.log);
  const context: AppContext = { config, repo, tagger, service, metrics, auth: token.check, suggestions };
  app.decorate('wasim', context);

  app.setErrorHandler((err, req, reply) => {
    const mapped = mapError(err, config);
    if (mapped.unexpected) req.log.error({ err }, 'unexpected error');
    if (mapped.status === 401) reply.header('www-authenticate', 'Bearer');
    reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}.` } });
  });

  // Only JSON by default: a text body anywhere but the vocabulary import is a 415.
  app.removeContentTypeParser('text/plain');

  if (config.rateLimit) {
    await app.register(rateLimit, {
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowMs,
      errorResponseBuilder: (_req, c) => new WasimError('RATE_LIMITED', `Too many requests: at most ${c.max} per ${c.after}; retry later.`),
    });
  }

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.addHook('onRequest', async (req, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new WasimError('NOT_READY', 'The service is shutting down; retry on another instance or in a moment.');
    }
    const access = req.routeOptions.config?.access ?? 'public';
    if (access === 'public' || (access === 'read' && !config.readTokenRequired)) return;
    const presented = TokenCheck.fromHeader(req.headers.authorization);
    if (!presented) throw new WasimError('UNAUTHORIZED', 'This action needs the header "Authorization: Bearer <token>".');
    const identity = await identifyToken(context, presented);
    if (!identity) throw new WasimError('UNAUTHORIZED', 'The bearer token is not valid.');
    if (access === 'write' && !canWrite(identity)) throw new WasimError('NOT_ALLOWED', `The role "${identity.role}" may read but not write.`);
    req.wasimIdentity = identity;
  });

  app.addHook('onResponse', async (req, reply) => {
    metrics.observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
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
  if (options.ui) await app.register(options.ui, { context });
  else app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect(config.docs ? '/docs' : '/healthz'));

  app.addHook('onClose', async () => {
    await suggestions.stop();
    await service.close();
    await tagger.stop();
    await repo.close();
  });

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
