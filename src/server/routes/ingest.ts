/** POST /v1/articles/fetch: fetch one article page by URL, extract the article, store and tag it. */
import type { FastifyInstance } from 'fastify';
import { fetchPage } from '../../ingest/ingest.js';
import type { AppContext } from '../context.js';
import { articleSchema, bearer, errors } from '../schemas.js';

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
