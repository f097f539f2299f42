/** /healthz (the process answers), /readyz (database reachable, tagger compiled), /metrics. */
import type { FastifyInstance } from 'fastify';
import { WasimError } from '../../core/index.js';
import type { AppContext } from '../context.js';
import { errors } from '../schemas.js';

/** A database that takes longer than this to answer `select 1` is not ready (a dropped network never refuses). */
export const PING_TIMEOUT_MS = 2000;

/** Why the database is not usable, or undefined when it answers in time. */
async function databaseProblem(ctx: AppContext): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`The database does not answer within ${PING_TIMEOUT_MS} ms.`), PING_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([
      ctx.repo.ping().then(
        () => undefined,
        (e: unknown) => `The database does not answer: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}.`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

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
        description: 'While the vocabulary is compiled for the first time, or while the database does not answer, 503 NOT_READY with the reason in the message. /healthz answers 200 all the while: it only says the process lives.',
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
      const reasons: string[] = [];
      const database = await databaseProblem(ctx);
      if (database) reasons.push(database);
      const serving = ctx.tagger.current;
      if (!serving) {
        const failure = ctx.tagger.failure;
        reasons.push(failure ? `The vocabulary could not be compiled: ${failure.split('\n')[0]}` : 'The vocabulary is being compiled for the first time.');
      }
      if (reasons.length > 0 || !serving) throw WasimError.of('NOT_READY', 'reasons', { reasons: reasons.join(' ') });
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
      return ctx.metrics.render({ vocabularySize: serving?.size ?? 0, vocabularyVersion: serving?.version ?? 0, taggerReady: !!serving, pool: ctx.tagger.poolStats(), ...(jobs ? { jobs } : {}) });
    },
  );
}
