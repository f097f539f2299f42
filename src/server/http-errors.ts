/**
 * Every error the service sends is `{ "error": { "code", "message" } }` with a code from the one
 * catalogue (src/core/errors.ts) and that code's HTTP status — whether it was raised by our
 * code, by Fastify (body parsing, validation, unknown route) or by a plugin (rate limit).
 */
import type { ErrorObject } from 'ajv';
import { ERRORS, formatMessage, WasimError, type ErrorCode, type Localized } from '../core/index.js';

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export const errorResponseSchema = {
  type: 'object',
  description: 'Every error: a code from the error catalogue (docs/errors.md) and a message for people.',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', enum: Object.keys(ERRORS) },
        message: { type: 'string' },
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'INPUT_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION',
  FST_ERR_BAD_URL: 'VALIDATION',
  FST_ERR_VALIDATION: 'VALIDATION',
  FST_ERR_NOT_FOUND: 'ROUTE_NOT_FOUND',
};

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** The message in Arabic, for the newsroom's pages (the API body stays code and message). */
  messageAr: string;
  /** An error we did not expect: log it with its stack. */
  unexpected: boolean;
}

export function mapError(err: unknown, limits: { bodyLimit: number }): MappedError {
  const make = (code: ErrorCode, message?: string | Localized, unexpected = false): MappedError => ({
    status: ERRORS[code].status,
    body: { error: { code, message: (typeof message === 'object' ? message.en : message) ?? ERRORS[code].message } },
    messageAr: typeof message === 'object' ? message.ar : ERRORS[code].ar,
    unexpected,
  });
  if (err instanceof WasimError) return make(err.code, err.text, err.code === 'INTERNAL');
  const e = (err ?? {}) as { code?: string; statusCode?: number; message?: string; validation?: unknown; validationContext?: string; name?: string };
  if (e.validation) return make('VALIDATION', e.message);
  const known = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (known === 'INPUT_TOO_LARGE') return make(known, formatMessage(known, 'requestBody', { limit: limits.bodyLimit }));
  if (known === 'BAD_JSON') {
    if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return make(known, formatMessage(known, 'bodyEmpty', {}));
    return make(known, e.message && !e.message.startsWith('Body is not valid JSON') ? formatMessage(known, 'body', { reason: e.message }) : formatMessage(known, 'bodyPlain', {}));
  }
  if (known === 'UNSUPPORTED_MEDIA_TYPE') return make(known);
  if (known) return make(known, e.message || undefined);
  // JSON.parse errors surface as SyntaxError with status 400.
  if (e.name === 'SyntaxError' && e.statusCode === 400) return make('BAD_JSON', formatMessage('BAD_JSON', 'body', { reason: e.message ?? '' }));
  if (e.statusCode === 429) return make('RATE_LIMITED', e.message || undefined);
  if (e.statusCode === 413) return make('INPUT_TOO_LARGE');
  if (e.statusCode === 415) return make('UNSUPPORTED_MEDIA_TYPE');
  if (e.statusCode === 404) return make('NOT_FOUND', e.message || undefined);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return make('VALIDATION', e.message || undefined);
  return make('INTERNAL', undefined, true);
}

function describe(e: ErrorObject, dataVar: string): string {
  const where = dataVar + e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where} has an unknown property "${String(p.additionalProperty)}"`;
    case 'enum':
      return `${where} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'required':
      return `${where} must have property "${String(p.missingProperty)}"`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}

/**
 * Ajv errors as one readable sentence. For a body that may be one thing or a list (anyOf), the
 * branch that got furthest into the data is the one the client meant.
 */
export function formatValidationErrors(errors: ErrorObject[], dataVar: string): Error {
  let relevant = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const branchOf = (e: ErrorObject) => /^#\/(?:anyOf|oneOf)\/(\d+)/.exec(e.schemaPath)?.[1];
  // A branch the data is not even of the type of (an object sent where a list also fits) is not the one meant.
  const wrongType = new Set(relevant.filter((e) => e.keyword === 'type' && e.instancePath === '' && /^#\/(?:anyOf|oneOf)\/\d+\/type$/.test(e.schemaPath)).map(branchOf));
  if (relevant.some((e) => !wrongType.has(branchOf(e)))) relevant = relevant.filter((e) => !wrongType.has(branchOf(e)));
  const branches = new Set(relevant.map(branchOf).filter((b) => b !== undefined));
  if (branches.size > 1) {
    const depth = (e: ErrorObject) => e.instancePath.split('/').length;
    const deepest = relevant.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    if (depth(deepest) === 1) return new Error(`${dataVar} has the wrong shape: ${[...new Set(relevant.map((e) => e.message))].join(' or ')}`);
    const branch = /^#\/(?:anyOf|oneOf)\/(\d+)/.exec(deepest.schemaPath)?.[1];
    relevant = relevant.filter((e) => e.schemaPath.startsWith(`#/anyOf/${branch}/`) || e.schemaPath.startsWith(`#/oneOf/${branch}/`));
  }
  const messages = [...new Set(relevant.map((e) => describe(e, dataVar)))];
  return new Error(messages.slice(0, 3).join('; ') || `${dataVar} is invalid`);
}
