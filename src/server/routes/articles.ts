/** /v1/tag, /v1/articles, /v1/decisions, /v1/tags, /v1/retag, /v1/jobs. */
import type { FastifyInstance } from 'fastify';
import { WasimError } from '../../core/index.js';
import type { ArticleFilter, PageRequest } from '../../storage/index.js';
import type { AppContext } from '../context.js';
import {
  articleBatchResultSchema,
  articleInputSchema,
  articlePageSchema,
  articleSchema,
  bearer,
  decisionRequestSchema,
  decisionSchema,
  errors,
  idParam,
  jobSchema,
  pageQuery,
  stringIdParam,
  tagLineSchema,
  vocabularyEntrySchema,
} from '../schemas.js';
import { parseDate, type ArticleRequest, type RetagRequest, type TagDecisionRequest } from '../service.js';

export function encodeCursor(before: number): string {
  return Buffer.from(`b${before}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const m = /^b(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw WasimError.of('VALIDATION', 'cursor', {});
  return Number(m[1]);
}

interface ListQuery {
  tag?: string[];
  q?: string;
  from?: string;
  to?: string;
  externalId?: string;
  url?: string;
  limit: number;
  offset: number;
  cursor?: string;
}

const listQuerySchema = {
  type: 'object',
  properties: {
    tag: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 500 }, maxItems: 20, description: 'Tag id (repeat for all of several)' },
    q: { type: 'string', minLength: 1, maxLength: 500, description: 'Text in title or body, compared folded (hamza, taa marbuta, diacritics ignored)' },
    from: { type: 'string', description: 'Published (or stored) on or after: ISO date or date-time' },
    to: { type: 'string', description: 'Published (or stored) on or before: ISO date (inclusive) or date-time' },
    externalId: { type: 'string', maxLength: 500 },
    url: { type: 'string', maxLength: 2000 },
    ...pageQuery,
    cursor: { type: 'string', maxLength: 100, description: 'nextCursor of the previous page (instead of offset)' },
  },
  additionalProperties: false,
} as const;

function listFilter(q: Omit<ListQuery, 'limit' | 'offset' | 'cursor'>): ArticleFilter {
  const filter: ArticleFilter = {};
  if (q.tag?.length) filter.tags = q.tag;
  if (q.q !== undefined) filter.q = q.q;
  if (q.from !== undefined) filter.from = parseDate(q.from, 'from');
  if (q.to !== undefined) filter.to = parseDate(q.to, 'to', true);
  if (q.externalId !== undefined) filter.externalId = q.externalId;
  if (q.url !== undefined) filter.url = q.url;
  return filter;
}

export async function listArticlesPage(ctx: AppContext, filter: ArticleFilter, q: { limit: number; offset: number; cursor?: string }) {
  const page: PageRequest = { limit: q.limit, offset: q.offset };
  if (q.cursor !== undefined) page.before = decodeCursor(q.cursor);
  const result = await ctx.repo.listArticles(filter, page);
  return { items: result.items, total: result.total, limit: q.limit, offset: q.cursor !== undefined ? 0 : q.offset, nextCursor: result.nextBefore === null ? null : encodeCursor(result.nextBefore) };
}

const explainQuery = {
  type: 'object',
  properties: { explain: { type: 'boolean', default: false, description: 'Include the evidence behind each score' } },
  additionalProperties: false,
} as const;

/** Evidence is bulky: sent only to those who ask (the UI's "why this tag"). */
export function withEvidence<T extends { tags: { evidence?: unknown }[] }>(article: T, explain: boolean): T {
  return explain ? article : { ...article, tags: article.tags.map(({ evidence: _evidence, ...t }) => t) };
}

export function editorOf(header: unknown, body: string | undefined): string {
  const fromHeader = typeof header === 'string' ? header.trim() : '';
  return (body?.trim() || fromHeader || 'anonymous').slice(0, 200);
}

export async function articleRoutes(app: FastifyInstance, { context: ctx }: { context: AppContext }): Promise<void> {
  app.post<{ Body: ArticleRequest; Querystring: { top?: number; minScore?: number; explain?: boolean } }>(
    '/v1/tag',
    {
      config: { access: 'read' },
      schema: {
        tags: ['tagging'],
        summary: 'Tag an article without storing it',
        description: 'The result is the line `wasim tag --input` writes for the article.',
        body: articleInputSchema,
        querystring: {
          type: 'object',
          properties: {
            top: { type: 'integer', minimum: 1, maximum: 1000 },
            minScore: { type: 'number', minimum: 0, maximum: 1, description: 'Drop tags scoring below this, 0..1' },
            explain: { type: 'boolean', description: 'Add tag ids, mention kinds and the evidence behind each score' },
          },
          additionalProperties: false,
        },
        response: { 200: tagLineSchema, ...errors(413, 415, 503, 504) },
      },
    },
    async (req, reply) => {
      const { top, minScore, explain } = req.query;
      // Serialized as the CLI does, so the key order (tag, score, type?, mentions) is the CLI's.
      const { json, vocabularyVersion } = await ctx.service.tagArticleJson(req.body, { ...(top !== undefined ? { top } : {}), ...(minScore !== undefined ? { minScore } : {}), explain: !!explain });
      reply.type('application/json; charset=utf-8').header('x-wasim-vocabulary-version', String(vocabularyVersion));
      return json;
    },
  );

  app.post<{ Body: ArticleRequest | ArticleRequest[]; Querystring: { explain: boolean } }>(
    '/v1/articles',
    {
      config: { access: 'write' },
      schema: {
        tags: ['articles'],
        summary: 'Store and tag an article, or a batch of them',
        description:
          'Idempotent on externalId (or id) and on url: an article stored before is returned unchanged with 200; a new one gets 201. ' +
          'An array stores a batch in one transaction (all or nothing) and answers {items: [{created, article}]}.',
        security: bearer,
        body: { anyOf: [articleInputSchema, { type: 'array', items: articleInputSchema }] },
        querystring: explainQuery,
        response: { 200: { anyOf: [articleSchema, articleBatchResultSchema] }, 201: { anyOf: [articleSchema, articleBatchResultSchema] }, ...errors(401, 409, 413, 415, 503, 504) },
      },
    },
    async (req, reply) => {
      const batch = Array.isArray(req.body);
      const results = await ctx.service.store(batch ? (req.body as ArticleRequest[]) : [req.body as ArticleRequest]);
      const created = results.some((r) => r.created);
      const first = results[0]!;
      if (!batch) reply.header('location', `/v1/articles/${first.article.id}`);
      reply.code(created ? 201 : 200);
      const explain = req.query.explain;
      return batch ? { items: results.map((r) => ({ created: r.created, article: withEvidence(r.article, explain) })) } : withEvidence(first.article, explain);
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/v1/articles',
    {
      config: { access: 'read' },
      schema: { tags: ['articles'], summary: 'List stored articles, newest first', querystring: listQuerySchema, response: { 200: articlePageSchema, ...errors(401) } },
    },
    async (req) => listArticlesPage(ctx, listFilter(req.query), req.query),
  );

  app.get<{ Params: { id: number }; Querystring: { explain: boolean } }>(
    '/v1/articles/:id',
    {
      config: { access: 'read' },
      schema: { tags: ['articles'], summary: 'One article with its tags', params: idParam, querystring: explainQuery, response: { 200: articleSchema, ...errors(401, 404) } },
    },
    async (req) => withEvidence(await ctx.service.getArticle(req.params.id), req.query.explain),
  );

  app.delete<{ Params: { id: number } }>(
    '/v1/articles/:id',
    {
      config: { access: 'write' },
      schema: { tags: ['articles'], summary: 'Delete an article and its tags (the decision log stays)', security: bearer, params: idParam, response: { 204: { type: 'null' }, ...errors(401, 404) } },
    },
    async (req, reply) => {
      if (!(await ctx.repo.deleteArticle(req.params.id))) throw WasimError.of('NOT_FOUND', 'article', { id: req.params.id });
      reply.code(204);
    },
  );

  app.patch<{ Params: { id: number }; Body: TagDecisionRequest & { editor?: string }; Querystring: { explain: boolean } }>(
    '/v1/articles/:id/tags',
    {
      config: { access: 'write' },
      schema: {
        tags: ['articles'],
        summary: "An editor's decisions: accept, reject or add tags",
        description: 'Each decision is logged with the editor (body `editor` or header X-Wasim-Editor), the time and the status before and after.',
        security: bearer,
        params: idParam,
        body: decisionRequestSchema,
        querystring: explainQuery,
        response: { 200: articleSchema, ...errors(401, 404) },
      },
    },
    async (req) => withEvidence(await ctx.service.decide(req.params.id, req.body, req.wasimIdentity?.kind === 'user' ? req.wasimIdentity.name : editorOf(req.headers['x-wasim-editor'], req.body.editor)), req.query.explain),
  );

  const decisionPage = {
    type: 'object',
    properties: { items: { type: 'array', items: decisionSchema }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
    required: ['items', 'total', 'limit', 'offset'],
  } as const;

  app.get<{ Params: { id: number }; Querystring: { limit: number; offset: number } }>(
    '/v1/articles/:id/decisions',
    {
      config: { access: 'read' },
      schema: { tags: ['articles'], summary: "The editors' decisions on an article, newest first", params: idParam, querystring: { type: 'object', properties: pageQuery, additionalProperties: false }, response: { 200: decisionPage, ...errors(401, 404) } },
    },
    async (req) => {
      await ctx.service.getArticle(req.params.id);
      const { items, total } = await ctx.repo.listDecisions({ articleId: req.params.id }, req.query);
      return { items, total, limit: req.query.limit, offset: req.query.offset };
    },
  );

  app.get<{ Querystring: { article?: number; tag?: string; editor?: string; limit: number; offset: number } }>(
    '/v1/decisions',
    {
      config: { access: 'read' },
      schema: {
        tags: ['articles'],
        summary: 'The decision log (for learning from editors), newest first',
        querystring: {
          type: 'object',
          properties: { article: { type: 'integer', minimum: 1 }, tag: { type: 'string', maxLength: 500 }, editor: { type: 'string', maxLength: 200 }, ...pageQuery },
          additionalProperties: false,
        },
        response: { 200: decisionPage, ...errors(401) },
      },
    },
    async (req) => {
      const { article, tag, editor, limit, offset } = req.query;
      const { items, total } = await ctx.repo.listDecisions({ ...(article !== undefined ? { articleId: article } : {}), ...(tag !== undefined ? { tagId: tag } : {}), ...(editor !== undefined ? { editor } : {}) }, { limit, offset });
      return { items, total, limit, offset };
    },
  );

  app.get<{ Querystring: { q?: string; all?: boolean; limit: number; offset: number } }>(
    '/v1/tags',
    {
      config: { access: 'read' },
      schema: {
        tags: ['tags'],
        summary: 'Tags with their article counts, most used first',
        querystring: {
          type: 'object',
          properties: { q: { type: 'string', minLength: 1, maxLength: 200 }, all: { type: 'boolean', default: false, description: 'Include tags no article has' }, ...pageQuery },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' }, type: { type: 'string' }, parent: { type: 'string' }, count: { type: 'integer' } }, required: ['id', 'label', 'count'] },
              },
              total: { type: 'integer' },
              limit: { type: 'integer' },
              offset: { type: 'integer' },
            },
            required: ['items', 'total', 'limit', 'offset'],
          },
          ...errors(401),
        },
      },
    },
    async (req) => {
      const { q, all, limit, offset } = req.query;
      const { items, total } = await ctx.repo.listTags({ ...(q !== undefined ? { q } : {}), includeUnused: !!all }, { limit, offset });
      return { items, total, limit, offset };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; offset: number; cursor?: string } }>(
    '/v1/tags/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: ['tags'],
        summary: 'A tag, its article count by month, and its articles',
        params: stringIdParam,
        querystring: { type: 'object', properties: { ...pageQuery, cursor: { type: 'string', maxLength: 100 } }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              tag: {
                type: 'object',
                properties: {
                  ...vocabularyEntrySchema.properties,
                  count: { type: 'integer' },
                  months: { type: 'array', items: { type: 'object', properties: { month: { type: 'string' }, count: { type: 'integer' } }, required: ['month', 'count'] } },
                },
                required: [...vocabularyEntrySchema.required, 'count', 'months'],
              },
              articles: articlePageSchema,
            },
            required: ['tag', 'articles'],
          },
          ...errors(401, 404),
        },
      },
    },
    async (req) => {
      const tag = await ctx.repo.getTag(req.params.id);
      if (!tag) throw WasimError.of('NOT_FOUND', 'tag', { id: req.params.id });
      return { tag, articles: await listArticlesPage(ctx, { tags: [tag.id] }, req.query) };
    },
  );

  app.post<{ Body: RetagRequest | undefined }>(
    '/v1/retag',
    {
      config: { access: 'write' },
      schema: {
        tags: ['jobs'],
        summary: 'Re-tag stored articles (all, or those a filter selects) as a background job',
        description: "Suggestions are replaced; editors' decisions stay. Vocabulary changes made before the call are in the tagger the job uses.",
        security: bearer,
        body: {
          type: ['object', 'null'],
          properties: {
            tag: { type: 'string', minLength: 1, maxLength: 500, description: 'Only articles with this tag (id or label)' },
            q: { type: 'string', minLength: 1, maxLength: 500 },
            from: { type: 'string' },
            to: { type: 'string' },
            ids: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 10_000 },
          },
          additionalProperties: false,
        },
        response: { 202: jobSchema, ...errors(401, 415) },
      },
    },
    async (req, reply) => {
      const job = await ctx.service.startRetag(req.body ?? {});
      reply.code(202).header('location', `/v1/jobs/${job.id}`);
      return job;
    },
  );

  app.get<{ Params: { id: number } }>(
    '/v1/jobs/:id',
    { config: { access: 'read' }, schema: { tags: ['jobs'], summary: 'A job and its progress', params: idParam, response: { 200: jobSchema, ...errors(401, 404) } } },
    async (req) => ctx.service.getJob(req.params.id),
  );

  app.post<{ Params: { id: number } }>(
    '/v1/jobs/:id/cancel',
    {
      config: { access: 'write' },
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a queued or running job',
        description: 'Chunks not started are dropped; running ones stop after their current batch. What was done stays done. 409 for a job that is done or failed.',
        security: bearer,
        params: idParam,
        response: { 200: jobSchema, ...errors(401, 404, 409) },
      },
    },
    async (req) => ctx.service.cancelJob(req.params.id),
  );

  app.post<{ Params: { id: number } }>(
    '/v1/jobs/:id/retry',
    {
      config: { access: 'write' },
      schema: {
        tags: ['jobs'],
        summary: 'Run a failed or cancelled job again',
        description: 'Only the chunks that did not finish run again. 409 for a job that is queued, running or done.',
        security: bearer,
        params: idParam,
        response: { 202: jobSchema, ...errors(401, 404, 409) },
      },
    },
    async (req, reply) => {
      const job = await ctx.service.retryJob(req.params.id);
      reply.code(202).header('location', `/v1/jobs/${job.id}`);
      return job;
    },
  );
}
