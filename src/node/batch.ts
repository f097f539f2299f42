/**
 * JSONL batch tagging: one article per input line, one result per output line in input order.
 * A bad line yields {"id", "error"} and processing continues. Streams: memory does not grow
 * with the input.
 *
 * The input is handled in chunks of whole lines, not line by line: a chunk is cut after a
 * newline byte, decoded once, split, tagged line by line, and its results encoded into one
 * buffer and written with one write. Per line, readline's events and promises, a string
 * written to the stream and a write call each cost about as much as tagging a short article
 * with a small vocabulary. The worker threads of `--jobs N` (parallel.ts) tag the same
 * chunks with the same function, so both paths write the same bytes.
 */
import { isUtf8, transcode } from 'node:buffer';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { numberLiteral, WasimError, type TagOptions, type Tagger } from '../core/index.js';
import { errorLine, lineJson, toOutputLine } from './output.js';

export interface BatchStats {
  lines: number;
  tagged: number;
  failed: number;
}

export interface BatchOptions extends TagOptions {
  onProgress?: (stats: BatchStats) => void;
  /** A chunk is tagged when it holds this many lines… */
  chunkLines?: number;
  /** …or this many bytes, whichever comes first. */
  chunkBytes?: number;
}

/**
 * One JSONL article as the batch and the stream consumer read it: the parsed value (the tagger
 * judges whether it is an article), its id when it has one, and the id's digits as written when
 * JSON.parse changed them (a number past 2^53: write it back with lineJson). Throws BAD_JSON.
 */
export function parseArticleLine(line: string): { article: unknown; id: unknown; idLiteral: string | undefined } {
  let article: unknown;
  try {
    article = JSON.parse(line);
  } catch (e) {
    throw WasimError.of('BAD_JSON', 'invalid', { reason: (e as Error).message });
  }
  const id = article && typeof article === 'object' && !Array.isArray(article) ? ((article as { id?: unknown }).id ?? null) : null;
  return { article, id, idLiteral: id === null ? undefined : numberLiteral(line, '/id', id) };
}

/** Tags one JSONL input line; never throws. */
export function tagLine(tagger: Tagger, line: string, lineNo: number, options: TagOptions): { out: string; ok: boolean } {
  let id: unknown = null;
  let idLiteral: string | undefined;
  try {
    const parsed = parseArticleLine(line);
    id = parsed.id;
    idLiteral = parsed.idLiteral;
    const results = tagger.tag(parsed.article, options);
    return { out: lineJson(toOutputLine(id, results, options.explain), idLiteral), ok: true };
  } catch (e) {
    const err = e instanceof WasimError ? e : WasimError.of('INTERNAL', 'unexpected', { reason: (e as Error).message });
    const withLine = err.message.startsWith('line ') ? err : err.at({ en: `line ${lineNo}`, ar: `السطر ${lineNo}` });
    return { out: lineJson(errorLine(id, withLine), idLiteral), ok: false };
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Cuts a byte stream after newline bytes into chunks of whole lines. A newline byte is never
 * part of a longer UTF-8 sequence, and a CR before it stays in the same chunk, so a chunk
 * decodes to the characters and lines a decoder of the whole stream would give. Each chunk
 * is a copy in a buffer of its own, so that it can be transferred to a worker.
 */
export class LineChunker {
  private parts: Buffer[] = [];
  private bytes = 0;
  private lines = 0;

  constructor(
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {}

  /** The chunks that `data` completes; the rest waits for more data or end(). */
  push(data: Buffer): Uint8Array[] {
    const done: Uint8Array[] = [];
    let start = 0;
    for (let nl = data.indexOf(LF); nl !== -1; nl = data.indexOf(LF, nl + 1)) {
      this.lines++;
      if (this.lines >= this.maxLines || this.bytes + nl + 1 - start >= this.maxBytes) {
        this.add(data.subarray(start, nl + 1));
        done.push(this.take());
        start = nl + 1;
      }
    }
    if (start < data.length) this.add(data.subarray(start));
    return done;
  }

  end(): Uint8Array | undefined {
    return this.bytes > 0 ? this.take() : undefined;
  }

  private add(part: Buffer): void {
    this.parts.push(part);
    this.bytes += part.length;
  }

  private take(): Uint8Array {
    const chunk = new Uint8Array(this.bytes);
    let at = 0;
    for (const p of this.parts) {
      chunk.set(p, at);
      at += p.length;
    }
    this.parts = [];
    this.bytes = 0;
    this.lines = 0;
    return chunk;
  }
}

/** Line breaks in a chunk as readline counts them (CRLF, LF, or a lone CR): the next chunk's first line number follows. */
export function countLineBreaks(chunk: Uint8Array): number {
  const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let n = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) n++;
  for (let i = buf.indexOf(CR); i !== -1; i = buf.indexOf(CR, i + 1)) if (buf[i + 1] !== LF) n++;
  return n;
}

/** readline's line breaks (crlfDelay: Infinity): a lone CR ends a line too. */
const LINE_BREAK = /\r?\n|\r(?!\n)/;

/** The lines of a chunk as readline would yield them: no empty line after the final break. */
export function splitLines(text: string): string[] {
  const lines = text.split(LINE_BREAK);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Output lines encoded into one UTF-8 buffer as they are made, each followed by a newline.
 * A line's string dies as soon as it is written: kept until the chunk ends, a chunk's strings
 * would live through the young-generation collections that tagging triggers meanwhile, and be
 * copied and promoted with the live data. The buffer grows for the worst case (3 bytes per
 * UTF-16 unit) and is its own ArrayBuffer, never the shared pool, so that it can be transferred.
 */
export class Utf8Lines {
  private buf: Buffer;
  private at = 0;
  lines = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(capacity);
  }

  push(line: string): void {
    const need = this.at + line.length * 3 + 1;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.at);
      this.buf = grown;
    }
    this.at += this.buf.write(line, this.at, 'utf8');
    this.buf[this.at++] = LF;
    this.lines++;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }
}

/**
 * UTF-8 bytes as a string, exactly as Buffer#toString('utf8') decodes them. Node 20's own
 * decoder makes about 100 MB/s of Arabic text, as slow as the rest of the batch layer put
 * together; ICU's transcoder to UTF-16 plus a copy into the string is 3–4× faster. It refuses
 * malformed bytes, which only the decoder replaces with U+FFFD as readline would, so a chunk
 * that is not valid UTF-8 (checked at several GB/s) takes the decoder. For valid UTF-8 both
 * give the same string: the encoding has one decoding.
 */
export function decodeUtf8(bytes: Buffer): string {
  if (bytes.length < 256 || typeof transcode !== 'function' || !isUtf8(bytes)) return bytes.toString('utf8');
  return transcode(bytes, 'utf8', 'utf16le').toString('utf16le');
}

export interface ChunkResult {
  /** The chunk's output lines as UTF-8, each ending in a newline. */
  out: Uint8Array;
  /** Non-blank input lines, each with one output line. */
  lines: number;
  tagged: number;
  failed: number;
}

/** Tags a chunk of whole input lines (from LineChunker) whose first line is line `firstLineNo` of the input. */
export function tagChunk(tagger: Tagger, bytes: Uint8Array, firstLineNo: number, options: TagOptions): ChunkResult {
  // Decoded as a whole, like readline's decoder: the chunk starts and ends on line boundaries, so
  // no character is cut, and a malformed byte sequence turns into the same U+FFFD either way.
  const text = decodeUtf8(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const lines = splitLines(text);
  // Sized for what a chunk usually gives (results run to 1–4× the input), so it seldom grows.
  const out = new Utf8Lines(bytes.byteLength * 2 + 4096);
  let tagged = 0;
  let failed = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const r = tagLine(tagger, line, firstLineNo + i, options);
    out.push(r.out);
    if (r.ok) tagged++;
    else failed++;
  }
  return { out: out.bytes(), lines: out.lines, tagged, failed };
}

/**
 * Writes, waiting for the output to drain when it asks to: a slow output slows the reading.
 * An output that has failed (a full disk) stops the batch with its error.
 */
export async function write(output: Writable, chunk: string | Uint8Array): Promise<void> {
  if (output.errored) throw output.errored;
  if (!output.write(chunk)) await once(output, 'drain');
}

/** Input bytes as they come: a stream of strings (Readable.from) is taken as its UTF-8. */
export function asBytes(data: Buffer | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

export async function tagJsonlStream(tagger: Tagger, input: Readable, output: Writable, options: BatchOptions = {}): Promise<BatchStats> {
  const stats: BatchStats = { lines: 0, tagged: 0, failed: 0 };
  const { onProgress, chunkLines, chunkBytes, ...tagOptions } = options;
  const chunker = new LineChunker(chunkLines ?? 256, chunkBytes ?? 256 * 1024);
  let lineNo = 1;
  const run = async (bytes: Uint8Array): Promise<void> => {
    const r = tagChunk(tagger, bytes, lineNo, tagOptions);
    lineNo += countLineBreaks(bytes);
    if (r.out.length > 0) await write(output, r.out);
    stats.lines += r.lines;
    stats.tagged += r.tagged;
    stats.failed += r.failed;
    onProgress?.(stats);
  };
  for await (const data of input as AsyncIterable<Buffer | string>) {
    for (const chunk of chunker.push(asBytes(data))) await run(chunk);
  }
  const last = chunker.end();
  if (last) await run(last);
  return stats;
}
