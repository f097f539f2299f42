/**
 * POST /v1/articles/fetch: fetch one article page by URL, extract the article, store and tag it.
 * /v1/feeds: the feeds the service polls (add, pause, remove, poll now) and their health.
 */
import type { FastifyInstance } from 'fastify';
import { fetchPage } from '../../ingest/ingest.js';
import type { AppContext } from '../context.js';
import { FeedService } from '../feeds.js';
import { articleSchema, bearer, errors } from '../schemas.js';

const feedServices = new WeakMap<AppContext, FeedService>();

/** The feed service of an app (one per AppContext), for routes and the UI. */
export function feedsOf(ctx: AppContext): FeedService {
  let f = feedServices.get(ctx);
  if (!f) {
    f = new FeedService(ctx.repo, ctx.service);
    feedServices.set(ctx, f);
  }
  return f;
}

const feedSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    url: { type: 'string' },
    title: { type: 'string' },
    intervalMinutes: { type: 'integer' },
    paused: { type: 'boolean' },
    lastPollAt: { type: ['string', 'null'] },
    lastSuccessAt: { type: ['string', 'null'] },
    lastError: { anyOf: [{ type: 'null' }, { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, at: { type: 'string' } } }] },
    failures: { type: 'integer' },
    nextPollAt: { type: 'string' },
    itemsSeen: { type: 'integer' },
    articlesStored: { type: 'integer' },
    createdAt: { type: 'string' },
  },
} as const;
const feedIdParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

const fetchRequestSchema = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: { type: 'string', minLength: 8, maxLength: 4096, pattern: '^https?://', description: 'The article page (http or https).' },
  },
} as const;

export async function ingestRoutes(app: FastifyInstance, { context: ctx }: { context: AppContext }): Promise<void> {
  app.post<{ Body: { url: string } }>(
    '/v1/articles/fetch',
    {
      config: { access: 'write' },
      schema: {
        tags: ['articles'],
        summary: 'Fetch an article page by URL, extract the article and store and tag it',
        description:
          'The page is extracted with Readability after navigation, related-article boxes and footers are removed; title, date (JSON-LD, meta tags) and the canonical URL ' +
          'come from its metadata. Idempotent on the canonical URL: a page stored before is returned unchanged with 200. FETCH_FAILED (502) when the page cannot be fetched, NO_ARTICLE (422) when it holds no article.',
        security: bearer,
        body: fetchRequestSchema,
        response: { 200: articleSchema, 201: articleSchema, ...errors(401, 413, 422, 502) },
      },
    },
    async (req, reply) => {
      const page = await fetchPage(req.body.url, { timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024 });
      const [result] = await ctx.service.store([
        { externalId: page.canonicalUrl, url: page.canonicalUrl, title: page.title, body: page.body, ...(page.published ? { publishedAt: page.published } : {}) },
      ]);
      reply.header('location', `/v1/articles/${result!.article.id}`);
      reply.code(result!.created ? 201 : 200);
      return result!.article;
    },
  );
}

export async function feedRoutes(app: FastifyInstance, { context: ctx }: { context: AppContext }): Promise<void> {
  const feeds = feedsOf(ctx);
  const tick = Number(process.env.WASIM_FEEDS_TICK_MS ?? 30_000);
  feeds.start(Number.isFinite(tick) ? tick : 30_000);
  app.addHook('onClose', async () => feeds.stop());

  app.get('/v1/feeds', { config: { access: 'read' }, schema: { tags: ['feeds'], summary: 'The feeds polled, with their health', response: { 200: { type: 'object', properties: { items: { type: 'array', items: feedSchema } } }, ...errors(401) } } }, async () => ({
    items: await feeds.list(),
  }));
  app.post<{ Body: { url: string; intervalMinutes?: number } }>(
    '/v1/feeds',
    {
      config: { access: 'write' },
      schema: {
        tags: ['feeds'],
        summary: 'Add an RSS, Atom or JSON feed to poll (first poll at the next tick)',
        security: bearer,
        body: { type: 'object', required: ['url'], additionalProperties: false, properties: { url: { type: 'string', pattern: '^https?://', maxLength: 4096 }, intervalMinutes: { type: 'integer', minimum: 1, maximum: 1440, default: 15 } } },
        response: { 201: feedSchema, ...errors(401, 409) },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return feeds.add(req.body.url, req.body.intervalMinutes ?? 15);
    },
  );
  app.patch<{ Params: { id: number }; Body: { paused: boolean } }>(
    '/v1/feeds/:id',
    {
      config: { access: 'write' },
      schema: { tags: ['feeds'], summary: 'Pause or resume a feed', security: bearer, params: feedIdParam, body: { type: 'object', required: ['paused'], additionalProperties: false, properties: { paused: { type: 'boolean' } } }, response: { 200: feedSchema, ...errors(401, 404) } },
    },
    async (req) => feeds.setPaused(req.params.id, req.body.paused),
  );
  app.delete<{ Params: { id: number } }>(
    '/v1/feeds/:id',
    { config: { access: 'write' }, schema: { tags: ['feeds'], summary: 'Remove a feed (its stored articles stay)', security: bearer, params: feedIdParam, response: { 204: { type: 'null' }, ...errors(401, 404) } } },
    async (req, reply) => {
      await feeds.remove(req.params.id);
      reply.code(204);
    },
  );
  app.post<{ Params: { id: number } }>(
    '/v1/feeds/:id/poll',
    { config: { access: 'write' }, schema: { tags: ['feeds'], summary: 'Poll a feed now; its health says how it went', security: bearer, params: feedIdParam, response: { 200: feedSchema, ...errors(401, 404) } } },
    async (req) => feeds.poll(req.params.id),
  );
}
