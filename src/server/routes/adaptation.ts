/**
 * /v1/adaptation: what the service learned from its editors' decisions (src/server/adaptation.ts),
 * and the admin's controls — refit now, switch off, reset a learned item, accept or dismiss a
 * proposed "always also tag" pair. Reading follows the read policy; controls need an admin.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { serializeAdaptation, emptyAdaptation, WasimError } from '../../core/index.js';
import type { AdaptationService, ResetItem } from '../adaptation.js';
import type { AppContext } from '../context.js';

function requireAdmin(req: FastifyRequest): string {
  const who = req.wasimIdentity;
  if (!who || who.role !== 'admin') throw who ? WasimError.of('NOT_ALLOWED', 'adminOnlyRole', { role: who.role }) : WasimError.of('NOT_ALLOWED', 'adminOnly', {});
  return who.name;
}

export function resetItemOf(body: Record<string, unknown>): ResetItem {
  const chosen = ['tag', 'weights', 'cut', 'all'].filter((k) => body[k] !== undefined && body[k] !== false);
  if (chosen.length !== 1) throw WasimError.of('VALIDATION', 'resetWhat', {});
  if (body.form !== undefined && body.tag === undefined) throw WasimError.of('VALIDATION', 'formGoesWithTag', {});
  if (typeof body.tag === 'string') return body.form !== undefined ? { tag: body.tag, form: String(body.form) } : { tag: body.tag };
  if (body.weights === true) return { weights: true };
  if (body.cut === true) return { cut: true };
  if (body.all === true) return { all: true };
  throw WasimError.of('VALIDATION', 'resetValues', {});
}

export const adaptationRoutes: FastifyPluginAsync<{ context: AppContext; adaptation: AdaptationService }> = async (app, { context: ctx, adaptation }) => {
  const tags = ['learning'];
  app.get('/v1/adaptation', { config: { access: 'read' }, schema: { tags, summary: 'What was learned from editors: status, most boosted and demoted tags, refitted weights and cut, proposed pairs' } }, async () => adaptation.summary());
  app.get('/v1/adaptation/model', { config: { access: 'read' }, schema: { tags, summary: 'The adaptation model as JSON (what `wasim tag --adaptation` reads)' } }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(serializeAdaptation(adaptation.current() ?? emptyAdaptation())),
  );
  app.post<{ Querystring: { wait?: boolean } }>(
    '/v1/adaptation/refit',
    { config: { access: 'write' }, schema: { tags, summary: 'Read new decisions and refit now (wait=true: answer when done)', querystring: { type: 'object', additionalProperties: false, properties: { wait: { type: 'boolean', default: false } } } } },
    async (req, reply) => {
      requireAdmin(req);
      const run = adaptation.refit();
      if (req.query.wait) await run;
      return reply.code(req.query.wait ? 200 : 202).send(await adaptation.status());
    },
  );
  app.put<{ Body: { enabled: boolean } }>(
    '/v1/adaptation/enabled',
    { config: { access: 'write' }, schema: { tags, summary: 'Switch the adaptation on or off (learning goes on; off, nothing learned is applied)', body: { type: 'object', required: ['enabled'], additionalProperties: false, properties: { enabled: { type: 'boolean' } } } } },
    async (req) => {
      requireAdmin(req);
      return adaptation.setEnabled(req.body.enabled);
    },
  );
  app.post<{ Body: Record<string, unknown> }>(
    '/v1/adaptation/reset',
    {
      config: { access: 'write' },
      schema: {
        tags,
        summary: 'Forget a learned item: a tag (or one of its forms), the refitted weights, the cut, or everything',
        body: { type: 'object', additionalProperties: false, properties: { tag: { type: 'string', minLength: 1 }, form: { type: 'string', minLength: 1 }, weights: { type: 'boolean' }, cut: { type: 'boolean' }, all: { type: 'boolean' } } },
      },
    },
    async (req) => {
      requireAdmin(req);
      return adaptation.reset(resetItemOf(req.body));
    },
  );
  app.get('/v1/adaptation/pairs', { config: { access: 'read' }, schema: { tags, summary: '"Always also tag" pairs editors add together (a city and its country), proposed for the admin' } }, async () => ({ items: await adaptation.pairs() }));
  for (const action of ['accept', 'dismiss'] as const) {
    app.post<{ Params: { id: string } }>(
      `/v1/adaptation/pairs/:id/${action}`,
      { config: { access: 'write' }, schema: { tags, summary: action === 'accept' ? 'Accept a pair: the second tag becomes the first one’s vocabulary parent' : 'Dismiss a pair: it is not proposed again' } },
      async (req) => {
        const editor = requireAdmin(req);
        return adaptation.decidePair(req.params.id, action, editor, async (tagId, parent) => {
          await ctx.service.updateEntry(tagId, { parent }, false);
        });
      },
    );
  }
};
