/** /healthz (the process answers), /readyz (database reachable, tagger compiled), /metrics. */
import type { FastifyInstance } from 'fastify';
import { WasimError } from '../../core/index.js';
import type { AppContext } from '../context.js';
import { errors } from '../schemas.js';

export async function systemRoutes(app: FastifyInstance, { context: ctx }: { context: AppContext }): Promise<void> {
  const open = { access: 'public' as const, rateLimit: false as const };

  app.get(
    '/healthz',
    {
      config: open,
      schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: open,
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database answers and a compiled tagger serves',
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              database: { type: 'string' },
              tagger: { type: 'object', properties: { vocabularySize: { type: 'integer' }, vocabularyVersion: { type: 'integer' }, compiledAt: { type: 'string' } }, required: ['vocabularySize', 'vocabularyVersion', 'compiledAt'] },
            },
            required: ['status', 'database', 'tagger'],
          },
          ...errors(503),
        },
      },
    },
    async () => {
      try {
        await ctx.repo.ping();
      } catch (e) {
        throw new WasimError('NOT_READY', `The database does not answer: ${(e as Error).message}`);
      }
      const serving = ctx.tagger.current;
      if (!serving) throw new WasimError('NOT_READY', 'The tagger is still being compiled.');
      return { status: 'ready', database: ctx.repo.kind, tagger: { vocabularySize: serving.size, vocabularyVersion: serving.version, compiledAt: serving.compiledAt } };
    },
  );

  app.get(
    '/metrics',
    { config: open, schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)', response: { 200: { type: 'string' } } } },
    async (_req, reply) => {
      const serving = ctx.tagger.current;
      // A database that does not answer leaves the job gauges out rather than the whole scrape.
      const jobs = await ctx.service.jobs.snapshot().catch(() => undefined);
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return ctx.metrics.render({ vocabularySize: serving?.size ?? 0, vocabularyVersion: serving?.version ?? 0, taggerReady: !!serving, ...(jobs ? { jobs } : {}) });
    },
  );
}
