/**
 * JSON schemas of the API: they validate requests, shape responses (fast-json-stringify writes
 * exactly these properties, in this order) and make the OpenAPI document at /docs.
 */
import { TAG_TYPES } from '../core/index.js';
import { TAG_STATUSES } from '../storage/schema.js';
import { errorResponseSchema } from './http-errors.js';

const str = (extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra }) as const;
const nullableStr = { type: ['string', 'null'] } as const;

export const mentionSchema = {
  type: 'object',
  properties: {
    field: { type: 'string', enum: ['title', 'body'] },
    start: { type: 'integer', description: 'UTF-16 offset into the field' },
    end: { type: 'integer' },
    text: { type: 'string', description: 'Exactly field.slice(start, end)' },
    kind: { type: 'string', description: 'exact, clitic, inflected, variant or nisba' },
    confidence: { type: 'number', description: 'How sure the disambiguation stage is that the span names the entry, 0..1' },
    matched: { type: 'string', description: 'Label of the vocabulary entry whose form matched (differs from the tag for grouped twins)' },
    reasons: { type: 'array', items: { type: 'string' }, description: 'Signals that lowered the confidence (with explain)' },
  },
  required: ['field', 'start', 'end', 'text'],
} as const;

const evidenceSchema = { type: 'object', additionalProperties: true, description: 'The features behind the score' } as const;

/** The CLI's JSONL output line (src/node/output.ts): key order is part of that contract. */
export const tagLineSchema = {
  type: 'object',
  properties: {
    id: { type: ['string', 'number', 'null'] },
    tags: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          tag: str(),
          score: { type: 'number' },
          type: str(),
          mentions: { type: 'array', items: mentionSchema },
          id: str({ description: 'Tag id' }),
          evidence: evidenceSchema,
        },
        required: ['tag', 'score', 'mentions'],
      },
    },
  },
  required: ['id', 'tags'],
} as const;

const storedTagSchema = {
  type: 'object',
  properties: {
    id: str(),
    tag: str({ description: 'Label' }),
    score: { type: ['number', 'null'], description: 'null for a tag an editor added that the tagger does not see' },
    type: str(),
    status: { type: 'string', enum: TAG_STATUSES },
    mentions: { type: 'array', items: mentionSchema },
    evidence: evidenceSchema,
  },
  required: ['id', 'tag', 'score', 'status', 'mentions'],
} as const;

const tagSummarySchema = {
  type: 'object',
  properties: { id: str(), tag: str(), score: { type: ['number', 'null'] }, type: str(), status: { type: 'string', enum: TAG_STATUSES } },
  required: ['id', 'tag', 'score', 'status'],
} as const;

export const articleSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    externalId: nullableStr,
    url: nullableStr,
    title: str(),
    body: str(),
    publishedAt: nullableStr,
    createdAt: str(),
    updatedAt: str(),
    taggedVersion: { type: 'integer', description: 'Vocabulary version the suggestions come from' },
    tags: { type: 'array', items: storedTagSchema },
  },
  required: ['id', 'externalId', 'url', 'title', 'body', 'publishedAt', 'createdAt', 'updatedAt', 'taggedVersion', 'tags'],
} as const;

const articleSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    externalId: nullableStr,
    url: nullableStr,
    title: str(),
    excerpt: str({ description: 'The first 280 characters of the body' }),
    publishedAt: nullableStr,
    createdAt: str(),
    updatedAt: str(),
    tags: { type: 'array', items: tagSummarySchema, description: 'Tags not rejected, best first' },
  },
  required: ['id', 'externalId', 'url', 'title', 'excerpt', 'publishedAt', 'createdAt', 'updatedAt', 'tags'],
} as const;

export const articlePageSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: articleSummarySchema },
    total: { type: 'integer', description: 'Articles matching the filter' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page' },
  },
  required: ['items', 'total', 'limit', 'offset', 'nextCursor'],
} as const;

export const articleInputSchema = {
  type: 'object',
  description: 'An article. Other properties are refused (VALIDATION), so that a misspelt field is not silently ignored.',
  properties: {
    externalId: str({ minLength: 1, maxLength: 500, description: 'The CMS id: storing twice with the same id returns the first article' }),
    id: { type: ['string', 'integer'], description: 'Same as externalId (the CLI JSONL field)' },
    url: str({ minLength: 1, maxLength: 2000, description: 'Canonical URL: also an idempotency key' }),
    title: str(),
    body: str(),
    publishedAt: str({ description: 'ISO 8601 date or date-time' }),
  },
  additionalProperties: false,
} as const;

export const articleBatchResultSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: { type: 'object', properties: { created: { type: 'boolean' }, article: articleSchema }, required: ['created', 'article'] },
    },
  },
  required: ['items'],
} as const;

export const decisionSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    articleId: { type: 'integer' },
    tagId: str(),
    action: { type: 'string', enum: ['accept', 'reject', 'add', 'undo'] },
    editor: str(),
    at: str(),
    fromStatus: { type: ['string', 'null'] },
    toStatus: str(),
  },
  required: ['id', 'articleId', 'tagId', 'action', 'editor', 'at', 'fromStatus', 'toStatus'],
} as const;

const tagIdList = { type: 'array', items: str({ minLength: 1, maxLength: 500 }), maxItems: 500 } as const;

export const decisionRequestSchema = {
  type: 'object',
  properties: {
    editor: str({ minLength: 1, maxLength: 200, description: 'Who decides (or the X-Wasim-Editor header)' }),
    accept: { ...tagIdList, description: 'Tag ids or labels on the article to accept' },
    reject: { ...tagIdList, description: 'Tag ids or labels on the article to reject' },
    add: { ...tagIdList, description: 'Vocabulary ids or labels to add' },
  },
  additionalProperties: false,
} as const;

export const vocabularyEntrySchema = {
  type: 'object',
  properties: {
    id: str(),
    label: str(),
    aliases: { type: 'array', items: str() },
    nisba: { type: 'array', items: str() },
    type: { type: 'string', enum: TAG_TYPES },
    parent: str(),
    ambiguous: { type: 'boolean' },
    note: str(),
    updatedAt: str(),
  },
  required: ['id', 'label', 'aliases', 'nisba', 'ambiguous', 'updatedAt'],
} as const;

const labelList = { type: 'array', items: str({ minLength: 1, maxLength: 200 }), maxItems: 1000 } as const;

const vocabularyFields = {
  label: str({ minLength: 1, maxLength: 200 }),
  aliases: labelList,
  nisba: labelList,
  type: { type: 'string', enum: TAG_TYPES },
  parent: str({ minLength: 1, maxLength: 500 }),
  ambiguous: { type: 'boolean' },
  note: str({ maxLength: 2000 }),
} as const;

export const vocabularyInputSchema = {
  type: 'object',
  properties: { id: str({ minLength: 1, maxLength: 500 }), ...vocabularyFields },
  required: ['label'],
  additionalProperties: false,
} as const;

const orNull = <T extends Record<string, unknown>>(s: T) => ({ anyOf: [s, { type: 'null' }] });

export const vocabularyPatchSchema = {
  type: 'object',
  description: 'Fields to change; null clears an optional field.',
  properties: {
    label: vocabularyFields.label,
    aliases: orNull(vocabularyFields.aliases),
    nisba: orNull(vocabularyFields.nisba),
    type: orNull(vocabularyFields.type),
    parent: orNull(vocabularyFields.parent),
    ambiguous: orNull(vocabularyFields.ambiguous),
    note: orNull(vocabularyFields.note),
  },
  additionalProperties: false,
  minProperties: 1,
} as const;

const chunkCounts = { type: 'integer', minimum: 0 } as const;

export const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: str(),
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    params: { type: 'object', additionalProperties: true },
    total: { type: 'integer', description: 'Articles (entries, for an import) to do: the sum over the chunks' },
    done: { type: 'integer', description: 'Done so far: the sum over the chunks' },
    error: nullableStr,
    errorCode: { ...nullableStr, description: 'The error code (docs/errors.md) of a failed job, when it has one' },
    result: { type: ['object', 'null'], additionalProperties: true, description: 'What a finished job produced (a vocabulary import: its summary)' },
    chunks: {
      type: 'object',
      description: 'How many chunks are in each state; workers take chunks one at a time',
      properties: { total: chunkCounts, queued: chunkCounts, running: chunkCounts, done: chunkCounts, failed: chunkCounts, cancelled: chunkCounts },
      required: ['total', 'queued', 'running', 'done', 'failed', 'cancelled'],
    },
    createdAt: str(),
    updatedAt: str(),
    finishedAt: nullableStr,
  },
  required: ['id', 'kind', 'status', 'total', 'done', 'error', 'chunks', 'createdAt', 'updatedAt', 'finishedAt'],
} as const;

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
  offset: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
} as const;

export const waitQuery = {
  type: 'object',
  properties: { wait: { type: 'boolean', default: false, description: 'Answer only once the recompiled tagger serves' } },
  additionalProperties: false,
} as const;

export const idParam = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
  required: ['id'],
} as const;

export const stringIdParam = {
  type: 'object',
  properties: { id: str({ minLength: 1, maxLength: 500 }) },
  required: ['id'],
} as const;

/** The error responses a route can give, by status, all of one shape. */
export function errors(...statuses: number[]): Record<number, typeof errorResponseSchema> {
  const out: Record<number, typeof errorResponseSchema> = {};
  for (const s of [...statuses, 400, 429, 500]) out[s] = errorResponseSchema;
  return out;
}

export const bearer = [{ bearer: [] }];
