/**
 * The one catalogue of error codes. CLI, server and storage raise WasimError with one of
 * these codes; the HTTP status and the default message come from here, and
 * docs/errors.md is checked against this table by a test.
 */
export const ERRORS = {
  EMPTY_INPUT: { status: 400, message: 'The article has no text: title and body are both empty.' },
  INPUT_TOO_LARGE: { status: 413, message: 'The input is larger than the configured limit.' },
  NOT_TEXT: { status: 400, message: 'The input is not text (binary data or invalid characters).' },
  BAD_JSON: { status: 400, message: 'The input is not valid JSON.' },
  BAD_ARTICLE: { status: 400, message: 'An article needs string fields "title" and/or "body".' },
  BAD_VOCAB_LINE: { status: 400, message: 'A vocabulary line could not be read.' },
  BAD_VOCAB_FORMAT: { status: 400, message: 'Unknown vocabulary format; use txt, csv, json or jsonl.' },
  EMPTY_VOCAB: { status: 400, message: 'The vocabulary has no usable entries.' },
  BAD_COMPILED_VOCAB: { status: 400, message: 'The compiled vocabulary file is damaged or of another version.' },
  FILE_NOT_FOUND: { status: 404, message: 'File not found.' },
  USAGE: { status: 400, message: 'Invalid command-line usage.' },
  BAD_GOLD: { status: 400, message: 'A gold-standard line could not be read.' },
  VALIDATION: { status: 400, message: 'The request does not match the schema.' },
  UNAUTHORIZED: { status: 401, message: 'A valid bearer token is required for this action.' },
  FORBIDDEN: { status: 403, message: 'This request is refused: it did not come from this site or its form has expired.' },
  NOT_FOUND: { status: 404, message: 'No such resource.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  BATCH_TOO_LARGE: { status: 413, message: 'Too many items in one request.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type; send application/json.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down.' },
  INTERNAL: { status: 500, message: 'Internal error.' },
  NOT_READY: { status: 503, message: 'The service is not ready yet.' },
  FETCH_FAILED: { status: 502, message: 'A remote server could not be fetched from or answered with an error.' },
  BAD_FEED: { status: 422, message: 'The response is not a readable RSS, Atom or JSON feed.' },
  NO_ARTICLE: { status: 422, message: 'No article text was found on the page.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class WasimError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERRORS[code].message);
    this.name = 'WasimError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isWasimError(e: unknown): e is WasimError {
  return e instanceof WasimError;
}
