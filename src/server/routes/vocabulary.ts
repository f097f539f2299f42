/** /v1/vocabulary: list, search, add, edit, merge, delete, import, export. */
import type { FastifyInstance } from 'fastify';
import { WasimError, type TagType, type VocabFormat } from '../../core/index.js';
import type { AppContext } from '../context.js';
import { bearer, errors, jobSchema, pageQuery, stringIdParam, vocabularyEntrySchema, vocabularyInputSchema, vocabularyPatchSchema, waitQuery } from '../schemas.js';
import type { VocabularyInput } from '../service.js';
import { EXPORT_CONTENT_TYPES, sniffVocabularyFormat, type ExportFormat } from '../vocab-io.js';

const FORMAT_OF_CONTENT_TYPE: Record<string, VocabFormat> = {
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/jsonlines': 'jsonl',
};

/** Bytes of a file whose type the sender did not say: the import recognises the format. */
const BYTES = 'application/octet-stream';

/** Import bodies may be larger than articles: a whole vocabulary of a large archive. */
const IMPORT_BODY_FACTOR = 16;

export async function vocabularyRoutes(app: FastifyInstance, { context: ctx }: { context: AppContext }): Promise<void> {
  const entryResponse = { 200: vocabularyEntrySchema, ...errors(401, 404) };

  app.get<{ Querystring: { q?: string; type?: TagType; limit: number; offset: number } }>(
    '/v1/vocabulary',
    {
      config: { access: 'read' },
      schema: {
        tags: ['vocabulary'],
        summary: 'List or search the vocabulary (label and aliases, compared folded)',
        querystring: {
          type: 'object',
          properties: { q: { type: 'string', minLength: 1, maxLength: 200 }, type: vocabularyInputSchema.properties.type, ...pageQuery },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: vocabularyEntrySchema }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, version: { type: 'integer' } },
            required: ['items', 'total', 'limit', 'offset', 'version'],
          },
          ...errors(401),
        },
      },
    },
    async (req) => {
      const { q, type, limit, offset } = req.query;
      const [{ items, total }, version] = await Promise.all([ctx.repo.listVocabulary({ ...(q !== undefined ? { q } : {}), ...(type !== undefined ? { type } : {}) }, { limit, offset }), ctx.repo.vocabularyVersion()]);
      return { items, total, limit, offset, version };
    },
  );

  app.get<{ Querystring: { format: ExportFormat } }>(
    '/v1/vocabulary/export',
    {
      config: { access: 'read' },
      schema: {
        tags: ['vocabulary'],
        summary: 'The whole vocabulary as txt (labels), csv or jsonl — the formats import reads',
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['txt', 'csv', 'jsonl'], default: 'jsonl' } }, additionalProperties: false },
        response: { 200: { type: 'string' }, ...errors(401) },
      },
    },
    async (req, reply) => {
      const format = req.query.format;
      reply.type(EXPORT_CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="wasim-vocabulary.${format}"`);
      return ctx.service.exportText(format);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/vocabulary/:id',
    { config: { access: 'read' }, schema: { tags: ['vocabulary'], summary: 'One vocabulary entry', params: stringIdParam, response: entryResponse } },
    async (req) => ctx.service.getEntry(req.params.id),
  );

  app.post<{ Body: VocabularyInput; Querystring: { wait: boolean } }>(
    '/v1/vocabulary',
    {
      config: { access: 'write' },
      schema: {
        tags: ['vocabulary'],
        summary: 'Add an entry (its id defaults to the folded label)',
        security: bearer,
        body: vocabularyInputSchema,
        querystring: waitQuery,
        response: { 201: vocabularyEntrySchema, ...errors(401, 409) },
      },
    },
    async (req, reply) => {
      const entry = await ctx.service.addEntry(req.body, req.query.wait);
      reply.code(201).header('location', `/v1/vocabulary/${encodeURIComponent(entry.id)}`);
      return entry;
    },
  );

  app.patch<{ Params: { id: string }; Body: VocabularyInput; Querystring: { wait: boolean } }>(
    '/v1/vocabulary/:id',
    {
      config: { access: 'write' },
      schema: { tags: ['vocabulary'], summary: 'Edit an entry: label, aliases, nisba, type, parent, ambiguous, note', security: bearer, params: stringIdParam, body: vocabularyPatchSchema, querystring: waitQuery, response: entryResponse },
    },
    async (req) => ctx.service.updateEntry(req.params.id, req.body, req.query.wait),
  );

  app.delete<{ Params: { id: string }; Querystring: { wait: boolean } }>(
    '/v1/vocabulary/:id',
    {
      config: { access: 'write' },
      schema: { tags: ['vocabulary'], summary: 'Delete an entry (its article tags go with it)', security: bearer, params: stringIdParam, querystring: waitQuery, response: { 204: { type: 'null' }, ...errors(401, 404) } },
    },
    async (req, reply) => {
      await ctx.service.deleteEntry(req.params.id, req.query.wait);
      reply.code(204);
    },
  );

  app.post<{ Body: { from: string; into: string }; Querystring: { wait: boolean } }>(
    '/v1/vocabulary/merge',
    {
      config: { access: 'write' },
      schema: {
        tags: ['vocabulary'],
        summary: 'Merge two entries: `from` becomes aliases of `into`, its article tags move to `into`',
        security: bearer,
        body: { type: 'object', properties: { from: { type: 'string', minLength: 1, maxLength: 500 }, into: { type: 'string', minLength: 1, maxLength: 500 } }, required: ['from', 'into'], additionalProperties: false },
        querystring: waitQuery,
        response: { ...entryResponse, ...errors(401, 404, 409) },
      },
    },
    async (req) => ctx.service.mergeEntries(req.body.from, req.body.into, req.query.wait),
  );

  // Import takes raw text: its own parsers, so no other route accepts text bodies.
  await app.register(async (scope) => {
    const asText = (_req: unknown, body: string, done: (err: Error | null, body?: unknown) => void) => done(null, body);
    scope.removeContentTypeParser(['application/json', 'text/plain']);
    scope.addContentTypeParser([...Object.keys(FORMAT_OF_CONTENT_TYPE), BYTES], { parseAs: 'string', bodyLimit: ctx.config.bodyLimit * IMPORT_BODY_FACTOR }, asText);

    scope.post<{ Body: string; Querystring: { format?: VocabFormat; mode: 'merge' | 'replace'; wait: boolean; async: boolean } }>(
      '/v1/vocabulary/import',
      {
        config: { access: 'write' },
        bodyLimit: ctx.config.bodyLimit * IMPORT_BODY_FACTOR,
        schema: {
          tags: ['vocabulary'],
          summary: 'Import a vocabulary file sent as the body (txt, csv, json or jsonl)',
          description:
            'The format comes from ?format= or the content type (text/plain → txt, text/csv → csv, application/json → json, application/x-ndjson → jsonl); ' +
            'a body sent as application/octet-stream (a file upload, `curl -T`) without ?format= is recognised by its content. ' +
            'mode=merge adds and updates entries (fields a file leaves out are kept); mode=replace also deletes entries the file does not list. ' +
            'The import runs as a job (parsed off the event loop); the answer waits for it, or with async=true is 202 with the job, whose `result` is this summary.',
          security: bearer,
          consumes: [...Object.keys(FORMAT_OF_CONTENT_TYPE), BYTES],
          body: { type: 'string' },
          querystring: {
            type: 'object',
            properties: {
              format: { type: 'string', enum: ['txt', 'csv', 'json', 'jsonl'] },
              mode: { type: 'string', enum: ['merge', 'replace'], default: 'merge' },
              ...waitQuery.properties,
              async: { type: 'boolean', default: false, description: 'Answer 202 with the import job at once instead of its summary when done' },
            },
            additionalProperties: false,
          },
          response: {
            200: {
              type: 'object',
              properties: {
                entries: { type: 'integer', description: 'Entries read from the file' },
                added: { type: 'integer' },
                updated: { type: 'integer' },
                removed: { type: 'integer' },
                warnings: { type: 'array', items: { type: 'object', properties: { line: { type: 'integer' }, message: { type: 'string' } }, required: ['line', 'message'] } },
                job: { type: 'integer', description: 'The import job (GET /v1/jobs/{id})' },
              },
              required: ['entries', 'added', 'updated', 'removed', 'warnings'],
            },
            202: jobSchema,
            ...errors(401, 413, 415),
          },
        },
      },
      async (req, reply) => {
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const format = req.query.format ?? FORMAT_OF_CONTENT_TYPE[contentType] ?? (contentType === BYTES ? sniffVocabularyFormat(req.body) : undefined);
        if (!format) throw WasimError.of('BAD_VOCAB_FORMAT', 'sayFormat', {});
        if (req.query.async) {
          const job = await ctx.service.startImport(req.body, format, req.query.mode);
          reply.code(202).header('location', `/v1/jobs/${job.id}`);
          return job;
        }
        return ctx.service.importText(req.body, format, req.query.mode, req.query.wait);
      },
    );
  });
}
