/**
 * Where the CLI writes: a file or standard output, with failures as one OUTPUT_FAILED line
 * that says what went wrong in words (no such directory, no space left on device) instead of
 * an unhandled stream error and its stack trace.
 */
import { once } from 'node:events';
import { createWriteStream, openSync, writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { WasimError, type Localized } from '../core/index.js';

const REASONS: Record<string, Localized> = {
  ENOENT: { en: 'no such directory', ar: 'لا مجلد بهذا الاسم' },
  ENOTDIR: { en: 'a part of the path is not a directory', ar: 'جزء من المسار ليس مجلدًا' },
  EISDIR: { en: 'it is a directory', ar: 'إنه مجلد' },
  EACCES: { en: 'permission denied', ar: 'لا إذن بالكتابة' },
  EPERM: { en: 'operation not permitted', ar: 'عملية غير مسموح بها' },
  EROFS: { en: 'read-only file system', ar: 'نظام ملفات للقراءة فقط' },
  ENOSPC: { en: 'no space left on device', ar: 'لا مساحة باقية على الجهاز' },
  EDQUOT: { en: 'disk quota exceeded', ar: 'تجاوز حصة القرص' },
  EFBIG: { en: 'file too large', ar: 'الملف كبير جدًا' },
  EIO: { en: 'input/output error', ar: 'خطأ في الإدخال والإخراج' },
  EPIPE: { en: 'the reading end of the pipe is closed', ar: 'طرف القراءة من الأنبوب مغلق' },
  EBADF: { en: 'it is not open for writing', ar: 'ليس مفتوحًا للكتابة' },
  ENXIO: { en: 'no such device', ar: 'لا جهاز بهذا الاسم' },
  ETXTBSY: { en: 'the file is busy', ar: 'الملف مشغول' },
};

/** Where output goes, for messages: a path (the same in both languages), or standard output. */
export type OutputTarget = string | Localized;

export const STANDARD_OUTPUT: Localized = { en: 'standard output', ar: 'المخرج القياسي' };
export const STANDARD_INPUT: Localized = { en: 'standard input', ar: 'المدخل القياسي' };

/** A failure to write `target` as the catalogue's OUTPUT_FAILED, the reason in words and its errno. */
export function outputError(target: OutputTarget, e: unknown): WasimError {
  if (e instanceof WasimError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const known = code !== undefined ? REASONS[code] : undefined;
  const reason: Localized | string = known ? { en: `${known.en} (${code})`, ar: `${known.ar} (${code})` } : (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
  return WasimError.of('OUTPUT_FAILED', 'cannotWrite', { target, reason }, code !== undefined ? { errno: code } : undefined);
}

export interface Output {
  /** Where it goes, for messages: the path, or standard output. */
  readonly target: OutputTarget;
  readonly stream: Writable;
  /** Writes, waiting when the output asks to (a slow output slows the writer). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Ends a file and waits until it is written; standard output stays open. */
  close(): Promise<void>;
}

/** Writes to a stream whose errors are kept (not thrown): the first one becomes OUTPUT_FAILED. */
export async function writeTo(stream: Writable, target: OutputTarget, chunk: string | Uint8Array): Promise<void> {
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
export async function closeOutputFile(stream: Writable, target: OutputTarget): Promise<void> {
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
