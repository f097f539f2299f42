/**
 * The stream consumer's loop, whatever the bus: pull a batch, decode and tag each message,
 * publish its result (or a dead letter), and ack a message only once the bus has stored what
 * it led to. A consumer killed anywhere in that cycle leaves its unacked messages to be
 * delivered again; their results are published under the same id (the message's place in its
 * stream and the consumer's configuration) and are byte-identical, so a redelivery is dropped
 * by the bus or, at worst, repeats the same line.
 *
 * A message that cannot be tagged — too big, not UTF-8, not JSON, not an article — is not
 * retried: it goes to the dead-letter subject with its error and its payload, and is acked.
 * Only failures of the bus itself are retried, for a bounded time.
 */
import { createHash } from 'node:crypto';
import { serializeCompiled, WasimError, type CompiledVocabulary, type TagOptions, type Tagger } from '../../core/index.js';
import { parseArticleLine } from '../batch.js';
import { lineJson, toOutputLine } from '../output.js';
import type { StreamMessage, StreamTransport } from './transport.js';

export interface ConsumeOptions {
  tagger: Tagger;
  tagOptions: TagOptions;
  /** Where results go. */
  publishSubject: string;
  /** Where messages that cannot be tagged go, with their error. */
  deadLetterSubject: string;
  /** The vocabulary's fingerprint (vocabularyFingerprint), written in every result. */
  vocabulary: string;
  /** Names vocabulary and options together, so that a consumer configured otherwise publishes under other ids. */
  configKey: string;
  /** A message larger than this is dead-lettered untouched. */
  maxBytes: number;
  /** Messages pulled and tagged per round. */
  batch: number;
  /** How long a pull waits for a first message before the loop looks at its signal again (ms). */
  pullWaitMs?: number;
  /** How long publishing to a subject may keep failing before the loop gives up (ms). */
  giveUpMs: number;
  /** How long a message whose publish failed waits before it is delivered again (ms). */
  retryDelayMs?: number;
  /** Aborting stops the loop after the batch in hand is published and acked. */
  signal?: AbortSignal;
  onDeadLetter?: (message: StreamMessage, error: WasimError) => void;
  onBatch?: (stats: ConsumeStats) => void;
  now?: () => number;
}

export interface ConsumeStats {
  /** Deliveries handled, redeliveries included. */
  received: number;
  tagged: number;
  deadLettered: number;
  /** Publishes the bus dropped as copies of earlier ones (redeliveries after a crash). */
  duplicates: number;
  /** Messages handed back for redelivery because a publish failed. */
  retried: number;
}

/** What a message led to: the subject, payload and id of the one message to publish for it. */
export interface Outcome {
  subject: string;
  data: Uint8Array;
  id: string;
  /** Set when the outcome is a dead letter. */
  error?: WasimError;
}

/** A dead letter carries at most this much of a too-big message: enough to recognise it. */
export const DEAD_LETTER_HEAD_BYTES = 4096;

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A short name for a compiled vocabulary: a hash of its serialised form, which is the same for
 * the same entries however they were read (text, CSV, a compiled file), and changes with any
 * label, form, type or weight.
 */
export function vocabularyFingerprint(compiled: CompiledVocabulary): string {
  return `sha256:${createHash('sha256').update(serializeCompiled(compiled)).digest('hex').slice(0, 16)}`;
}

/** Names what shapes a result besides the article: the vocabulary and the tag options. */
export function configurationKey(vocabulary: string, tagOptions: TagOptions): string {
  const options = JSON.stringify([tagOptions.top ?? null, tagOptions.minScore ?? null, !!tagOptions.explain, !!tagOptions.allMentions]);
  return createHash('sha256').update(`${vocabulary}\n${options}`).digest('hex').slice(0, 16);
}

/** The payload as text when it is UTF-8 (a cut one cut at a character boundary), else base64. */
function payloadField(data: Uint8Array, limit: number): { payload?: string; payloadBase64?: string; truncated: boolean } {
  let end = Math.min(data.length, limit);
  const truncated = end < data.length;
  if (truncated) {
    // Back off continuation bytes (10xxxxxx), at most three, to the start of a character.
    for (let i = 0; i < 3 && end > 0 && (data[end]! & 0xc0) === 0x80; i++) end--;
  }
  const part = data.subarray(0, end);
  try {
    return { payload: strictUtf8.decode(part), truncated };
  } catch {
    return { payloadBase64: Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64'), truncated };
  }
}

/**
 * The dead letter for a message: {id, error: {code, message}, source: {subject, stream, seq},
 * bytes, payload | payloadBase64, truncated}. The payload is whole unless the message was too
 * big (then its first bytes) or the dead letter would not fit the bus (then as much as fits).
 */
export function deadLetter(message: StreamMessage, error: WasimError, id: unknown, maxPayload: number, headBytes = DEAD_LETTER_HEAD_BYTES): Uint8Array {
  let limit = error.code === 'INPUT_TOO_LARGE' ? Math.min(headBytes, message.data.length) : message.data.length;
  // Bounded: the limit halves each round, and an empty payload always fits.
  for (let round = 0; round < 40; round++) {
    const body = {
      id: id ?? null,
      error: { code: error.code, message: error.message },
      source: { subject: message.subject, stream: message.stream, seq: message.seq },
      bytes: message.data.length,
      ...payloadField(message.data, limit),
    };
    const data = encoder.encode(JSON.stringify(body));
    if (data.length <= maxPayload || limit === 0) return data;
    limit = Math.floor(limit / 2);
  }
  throw new Error('unreachable: a dead letter with an empty payload did not fit');
}

/** Decodes and tags one message; never throws (what cannot be tagged becomes a dead letter). */
export function processMessage(message: StreamMessage, options: ConsumeOptions, maxPayload: number): Outcome {
  const place = `${message.stream}:${message.seq}:${options.configKey}`;
  let id: unknown = null;
  const dead = (error: WasimError): Outcome => ({ subject: options.deadLetterSubject, data: deadLetter(message, error, id, maxPayload), id: `dead:${place}`, error });
  try {
    if (message.data.length > options.maxBytes) {
      return dead(WasimError.of('INPUT_TOO_LARGE', 'messageBytes', { size: message.data.length, limit: options.maxBytes }));
    }
    let text: string;
    try {
      text = strictUtf8.decode(message.data);
    } catch {
      return dead(WasimError.of('NOT_TEXT', 'notUtf8', {}));
    }
    const parsed = parseArticleLine(text);
    id = parsed.id;
    const results = options.tagger.tag(parsed.article, options.tagOptions);
    const line = { ...toOutputLine(id, results, options.tagOptions.explain), vocabulary: options.vocabulary };
    const data = encoder.encode(lineJson(line, parsed.idLiteral));
    if (data.length > maxPayload) {
      return dead(WasimError.of('INPUT_TOO_LARGE', 'resultBytes', { size: data.length, limit: maxPayload }));
    }
    return { subject: options.publishSubject, data, id: place };
  } catch (e) {
    return dead(e instanceof WasimError ? e : WasimError.of('INTERNAL', 'unexpected', { reason: (e as Error).message }));
  }
}

/**
 * Runs until the signal aborts (then returns its counts) or the bus fails for good (then throws).
 * One batch's publishes are in flight while the next batch is tagged: the bus's round trips
 * overlap the tagging, and a batch is acked before the one after it is published.
 */
export async function consume(transport: StreamTransport, options: ConsumeOptions): Promise<ConsumeStats> {
  const stats: ConsumeStats = { received: 0, tagged: 0, deadLettered: 0, duplicates: 0, retried: 0 };
  const now = options.now ?? Date.now;
  const failingSince = new Map<string, number>();
  const pullWaitMs = options.pullWaitMs ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 1000;

  type Handled = { message: StreamMessage; outcome: Outcome }[];
  /** Acks what was stored, hands back what was not; throws once a subject has failed for too long. */
  const settle = (handled: Handled, settled: PromiseSettledResult<{ duplicate: boolean }>[]): void => {
    const failures = new Map<string, unknown>();
    settled.forEach((result, i) => {
      const { message, outcome } = handled[i]!;
      if (result.status === 'rejected') {
        transport.nak(message, retryDelayMs);
        stats.retried++;
        failures.set(outcome.subject, result.reason);
        return;
      }
      transport.ack(message);
      failingSince.delete(outcome.subject);
      if (result.value.duplicate) stats.duplicates++;
      if (outcome.error) {
        stats.deadLettered++;
        options.onDeadLetter?.(message, outcome.error);
      } else {
        stats.tagged++;
      }
    });
    for (const [subject, reason] of failures) {
      const since = failingSince.get(subject) ?? now();
      failingSince.set(subject, since);
      if (now() - since >= options.giveUpMs) {
        const why = reason instanceof Error ? reason.message : String(reason);
        throw WasimError.of('STREAM_UNAVAILABLE', 'publish', { subject, reason: why.split('\n')[0]! });
      }
    }
    options.onBatch?.(stats);
  };

  let inFlight: Promise<void> | undefined;
  while (!options.signal?.aborted) {
    // With publishes in flight, only take what is already there: their acks should not wait for a slow pull.
    const batch = await transport.pull(options.batch, inFlight ? 0 : pullWaitMs, options.signal);
    if (batch.length === 0) {
      if (inFlight) await inFlight;
      inFlight = undefined;
      continue;
    }
    stats.received += batch.length;
    const handled: Handled = batch.map((message) => ({ message, outcome: processMessage(message, options, transport.maxPayload) }));
    const published = Promise.allSettled(handled.map(({ outcome }) => transport.publish(outcome.subject, outcome.data, { id: outcome.id })));
    if (inFlight) {
      try {
        await inFlight;
      } catch (e) {
        // Giving up: this batch goes back too, whatever its publishes did.
        await published;
        for (const { message } of handled) transport.nak(message);
        throw e;
      }
    }
    inFlight = published.then((settled) => settle(handled, settled));
  }
  if (inFlight) await inFlight;
  return stats;
}
