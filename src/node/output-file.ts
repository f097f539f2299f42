/**
 * Where the CLI writes: a file or standard output, with failures as one OUTPUT_FAILED line
 * that says what went wrong in words (no such directory, no space left on device) instead of
 * an unhandled stream error and its stack trace.
 */
import { once } from 'node:events';
import { createWriteStream, openSync, writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { WasimError } from '../core/index.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EPIPE: 'the reading end of the pipe is closed',
  EBADF: 'it is not open for writing',
  ENXIO: 'no such device',
  ETXTBSY: 'the file is busy',
};

/** A failure to write `target` (a path, or "standard output") as the catalogue's OUTPUT_FAILED. */
export function outputError(target: string, e: unknown): WasimError {
  if (e instanceof WasimError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code !== undefined ? REASONS[code] : undefined) ?? (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return new WasimError('OUTPUT_FAILED', `cannot write ${target}: ${reason}${code !== undefined && REASONS[code] ? ` (${code})` : ''}`, code !== undefined ? { errno: code } : undefined);
}

export const STANDARD_OUTPUT = 'standard output';

export interface Output {
  /** Where it goes, for messages: the path, or "standard output". */
  readonly target: string;
  readonly stream: Writable;
  /** Writes, waiting when the output asks to (a slow output slows the writer). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Ends a file and waits until it is written; standard output stays open. */
  close(): Promise<void>;
}

/** Writes to a stream whose errors are kept (not thrown): the first one becomes OUTPUT_FAILED. */
export async function writeTo(stream: Writable, target: string, chunk: string | Uint8Array): Promise<void> {
  if (stream.errored) throw outputError(target, stream.errored);
  try {
    if (!stream.write(chunk)) await once(stream, 'drain');
  } catch (e) {
    throw outputError(target, e);
  }
}

/**
 * A file opened for writing now, so that no such directory, a directory or no permission fail
 * before any work is done rather than at the first write. The stream's later errors (a full
 * disk) are kept in `errored` for the writer to report, never thrown as an unhandled event.
 */
export function openOutputFile(path: string): Writable {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw outputError(path, e);
  }
  const stream = createWriteStream(path, { fd });
  stream.on('error', () => {});
  return stream;
}

/** `-` or nothing: standard output (whose failures main.ts handles); else the file. */
export function openOutput(path: string | undefined): Output {
  if (path === undefined || path === '-') {
    return { target: STANDARD_OUTPUT, stream: process.stdout, write: (chunk) => writeTo(process.stdout, STANDARD_OUTPUT, chunk), close: async () => {} };
  }
  const stream = openOutputFile(path);
  return {
    target: path,
    stream,
    write: (chunk) => writeTo(stream, path, chunk),
    close: () => closeOutputFile(stream, path),
  };
}

/** Ends a file stream and waits for it to be written; a failure on the way is OUTPUT_FAILED. */
export async function closeOutputFile(stream: Writable, target: string): Promise<void> {
  if (stream.errored) throw outputError(target, stream.errored);
  stream.end();
  try {
    await finished(stream);
  } catch (e) {
    throw outputError(target, e);
  }
}

/** writeFileSync with its failures as OUTPUT_FAILED. */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw outputError(path, e);
  }
}
