/**
 * The consume loop on the in-memory transport: results in the batch output's shape, dead
 * letters for what cannot be tagged, acks only after a publish is stored, redeliveries that
 * repeat byte-identical results under the same id, and bounded giving up when the bus fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileVocabulary, parseVocabulary, WasimError, type TagOptions } from '../../core/index.js';
import { tagLine } from '../batch.js';
import { createNodeTagger } from '../tagger.js';
import { loadDefaultVocabulary } from '../vocab-file.js';
import { configurationKey, consume, deadLetter, processMessage, vocabularyFingerprint, type ConsumeOptions, type ConsumeStats } from './consume.js';
import { MemoryTransport } from './memory.js';
import { testArticle } from './testing.js';
import type { StreamMessage } from './transport.js';

const compiled = loadDefaultVocabulary();
const vocabulary = vocabularyFingerprint(compiled);
const decoder = new TextDecoder();

function options(over: Partial<ConsumeOptions> = {}): ConsumeOptions {
  const tagOptions: TagOptions = over.tagOptions ?? {};
  return {
    tagger: createNodeTagger(compiled),
    tagOptions,
    publishSubject: 'articles.tagged',
    deadLetterSubject: 'articles.in.dead',
    vocabulary,
    configKey: configurationKey(vocabulary, tagOptions),
    maxBytes: 64 * 1024,
    batch: 8,
    pullWaitMs: 20,
    giveUpMs: 60_000,
    retryDelayMs: 0,
    ...over,
  };
}

/** Runs the loop until `until` holds after a batch (at most `maxMs`), then stops it. */
async function runUntil(transport: MemoryTransport, opts: ConsumeOptions, until: (s: ConsumeStats) => boolean, maxMs = 20_000): Promise<ConsumeStats> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), maxMs);
  try {
    const stats = await consume(transport, {
      ...opts,
      signal: stop.signal,
      onBatch: (s) => {
        opts.onBatch?.(s);
        if (until(s)) stop.abort();
      },
    });
    assert.ok(until(stats), `the loop stopped after ${maxMs} ms before its goal: ${JSON.stringify(stats)}`);
    return stats;
  } finally {
    clearTimeout(timer);
  }
}

const json = (data: Uint8Array): Record<string, unknown> => JSON.parse(decoder.decode(data)) as Record<string, unknown>;

test('every message is tagged, published as the batch line plus the vocabulary, and acked', async () => {
  const transport = new MemoryTransport();
  for (let i = 0; i < 40; i++) transport.send(JSON.stringify(testArticle(i)));
  const stats = await runUntil(transport, options(), (s) => s.tagged === 40);
  assert.deepEqual(stats, { received: 40, tagged: 40, deadLettered: 0, duplicates: 0, retried: 0 });
  assert.equal(transport.ackedCount, 40);
  assert.equal(transport.inFlight, 0);
  assert.equal(transport.published.length, 40);
  const tagger = createNodeTagger(compiled);
  for (const [i, p] of transport.published.entries()) {
    assert.equal(p.subject, 'articles.tagged');
    const batchLine = JSON.parse(tagLine(tagger, JSON.stringify(testArticle(i)), 1, {}).out) as Record<string, unknown>;
    assert.deepEqual(json(p.data), { ...batchLine, vocabulary });
    // Key order is the batch line's, the fingerprint after it.
    assert.deepEqual(Object.keys(json(p.data)), ['id', 'tags', 'vocabulary']);
  }
  const first = json(transport.published[0]!.data) as { id: string; tags: { tag: string; mentions: { field: string; start: number; end: number; text: string }[] }[] };
  assert.equal(first.id, 'a-0');
  assert.ok(first.tags.some((t) => t.tag === 'القاهرة'), `القاهرة is among the tags of «${testArticle(0).title}»: ${first.tags.map((t) => t.tag).join('، ')}`);
  for (const t of first.tags) for (const m of t.mentions) assert.equal((m.field === 'title' ? testArticle(0).title : testArticle(0).body).slice(m.start, m.end), m.text);
});

test('what cannot be tagged goes to the dead-letter subject with its error and payload, is acked, and the loop goes on', async () => {
  const transport = new MemoryTransport();
  const big = JSON.stringify({ id: 'big', title: 'عنوان', body: 'نص طويل '.repeat(2000) });
  const notUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x81]);
  const sent = {
    good1: transport.send(JSON.stringify(testArticle(1))),
    notJson: transport.send('{"id": "x", "title": "خبر'),
    tooBig: transport.send(big),
    binary: transport.send(notUtf8),
    empty: transport.send(JSON.stringify({ id: 'e-1' })),
    array: transport.send('[1,2,3]'),
    good2: transport.send(JSON.stringify(testArticle(2))),
  };
  const deadSeen: string[] = [];
  const stats = await runUntil(transport, options({ maxBytes: 4096, onDeadLetter: (m, e) => deadSeen.push(`${m.seq}:${e.code}`) }), (s) => s.received === 7);
  assert.equal(stats.tagged, 2);
  assert.equal(stats.deadLettered, 5);
  assert.equal(transport.ackedCount, 7, 'dead letters are acked: never delivered again');
  const dead = transport.published.filter((p) => p.subject === 'articles.in.dead').map((p) => json(p.data));
  const bySeq = new Map(dead.map((d) => [(d.source as { seq: number }).seq, d]));
  assert.deepEqual(deadSeen, [`${sent.notJson}:BAD_JSON`, `${sent.tooBig}:INPUT_TOO_LARGE`, `${sent.binary}:NOT_TEXT`, `${sent.empty}:EMPTY_INPUT`, `${sent.array}:BAD_ARTICLE`]);

  const notJson = bySeq.get(sent.notJson)!;
  assert.equal((notJson.error as { code: string }).code, 'BAD_JSON');
  assert.match((notJson.error as { message: string }).message, /^invalid JSON/);
  assert.equal(notJson.payload, '{"id": "x", "title": "خبر');
  assert.equal(notJson.truncated, false);
  assert.deepEqual(notJson.source, { subject: 'articles.in', stream: 'memory', seq: sent.notJson });

  const tooBig = bySeq.get(sent.tooBig)!;
  assert.equal((tooBig.error as { code: string }).code, 'INPUT_TOO_LARGE');
  assert.match((tooBig.error as { message: string }).message, new RegExp(`${Buffer.byteLength(big)} bytes; the limit is 4096`));
  assert.equal(tooBig.bytes, Buffer.byteLength(big));
  assert.equal(tooBig.truncated, true);
  assert.ok(big.startsWith(tooBig.payload as string), 'the payload is the message’s first bytes');
  assert.ok(Buffer.byteLength(tooBig.payload as string) <= 4096 && Buffer.byteLength(tooBig.payload as string) > 4090, 'cut at a character boundary near 4 KiB');

  const binary = bySeq.get(sent.binary)!;
  assert.equal((binary.error as { code: string }).code, 'NOT_TEXT');
  assert.deepEqual(new Uint8Array(Buffer.from(binary.payloadBase64 as string, 'base64')), notUtf8);

  assert.equal(bySeq.get(sent.empty)!.id, 'e-1', 'the id is kept when the message had one');
  assert.equal((bySeq.get(sent.empty)!.error as { code: string }).code, 'EMPTY_INPUT');
  assert.equal((bySeq.get(sent.array)!.error as { code: string }).code, 'BAD_ARTICLE');
  assert.deepEqual(
    transport.published.filter((p) => p.subject === 'articles.tagged').map((p) => json(p.data).id),
    ['a-1', 'a-2'],
  );
});

test('a dead letter never exceeds what the bus takes: the payload is cut to fit', () => {
  const transport = new MemoryTransport('articles.in', { maxPayload: 700 });
  const message: StreamMessage = { data: new TextEncoder().encode('ليس JSON '.repeat(300)), subject: 'articles.in', stream: 'memory', seq: 9, deliveries: 1 };
  const data = deadLetter(message, new WasimError('BAD_JSON', 'invalid JSON'), null, transport.maxPayload);
  assert.ok(data.length <= 700, `${data.length} bytes`);
  const d = json(data);
  assert.equal(d.truncated, true);
  assert.equal(d.bytes, message.data.length);
  assert.ok(('ليس JSON '.repeat(300)).startsWith(d.payload as string));
});

test('a result too big for the bus becomes a dead letter instead of a publish that can never succeed', () => {
  const message: StreamMessage = { data: new TextEncoder().encode(JSON.stringify(testArticle(3))), subject: 'articles.in', stream: 'memory', seq: 1, deliveries: 1 };
  const out = processMessage(message, options(), 600);
  assert.equal(out.subject, 'articles.in.dead');
  assert.equal(out.error?.code, 'INPUT_TOO_LARGE');
  assert.match(out.error!.message, /^the result is \d+ bytes; the bus takes at most 600$/);
  assert.ok(out.data.length <= 600);
});

test('a consumer that dies before acking: its messages come again and their results are byte-identical under the same ids', async () => {
  const transport = new MemoryTransport();
  for (let i = 0; i < 30; i++) transport.send(JSON.stringify(testArticle(i)));
  // A crash between publish and ack: the first consumer publishes but its acks never arrive.
  const ack = transport.ack.bind(transport);
  transport.ack = () => undefined;
  await runUntil(transport, options(), (s) => s.tagged >= 16);
  const firstIds = transport.published.map((p) => p.id);
  assert.equal(transport.ackedCount, 0);
  transport.ack = ack;
  transport.redeliverOutstanding();

  // A second consumer, with its own tagger (a fresh process), finishes the work.
  const stats = await runUntil(transport, options(), (s) => transport.ackedCount === 30 && s.received > 0);
  assert.equal(transport.ackedCount, 30);
  assert.equal(stats.duplicates, firstIds.length, 'each redelivered message published under the id it had');
  assert.equal(transport.published.length, 30, 'one result per article in the output');
  assert.deepEqual(transport.published.map((p) => json(p.data).id).sort(), Array.from({ length: 30 }, (_, i) => `a-${i}`).sort());
  assert.ok(transport.deliveries.some((d) => d.deliveries === 2), 'some messages were delivered twice');

  // Without a bus that drops copies (a plain Kafka topic), the copy is the same bytes.
  for (const d of transport.deliveries.filter((m) => m.deliveries === 2)) {
    const again = processMessage(d, options(), transport.maxPayload);
    const stored = transport.published.find((p) => p.id === again.id)!;
    assert.deepEqual(again.data, stored.data);
  }
});

test('the result id names the message and the configuration: other options publish under other ids', () => {
  const message: StreamMessage = { data: new TextEncoder().encode(JSON.stringify(testArticle(5))), subject: 'articles.in', stream: 'S', seq: 42, deliveries: 1 };
  const a = processMessage(message, options(), 1 << 20);
  const b = processMessage({ ...message, deliveries: 3 }, options(), 1 << 20);
  assert.equal(a.id, b.id);
  assert.deepEqual(a.data, b.data);
  const top1 = processMessage(message, options({ tagOptions: { top: 1 } }), 1 << 20);
  assert.notEqual(top1.id, a.id);
  assert.equal((json(top1.data).tags as unknown[]).length, 1);
  assert.notEqual(processMessage({ ...message, seq: 43 }, options(), 1 << 20).id, a.id, 'the same article published again is a new message');
});

test('the vocabulary fingerprint is the same for the same entries and changes with them', () => {
  const entries = parseVocabulary('القاهرة\nالرياض\n', 'txt', 'a.txt').entries;
  const fp = vocabularyFingerprint(compileVocabulary(entries));
  assert.match(fp, /^sha256:[0-9a-f]{16}$/);
  assert.equal(vocabularyFingerprint(compileVocabulary(parseVocabulary('label,type\nالقاهرة,\nالرياض,\n', 'csv', 'a.csv').entries)), fp, 'the same list as CSV');
  assert.notEqual(vocabularyFingerprint(compileVocabulary(parseVocabulary('القاهرة\nدمشق\n', 'txt', 'b.txt').entries)), fp);
  assert.equal(vocabularyFingerprint(loadDefaultVocabulary()), vocabulary);
});

test('a failed publish hands the message back for redelivery; it is acked once a publish succeeds', async () => {
  const transport = new MemoryTransport();
  for (let i = 0; i < 5; i++) transport.send(JSON.stringify(testArticle(i)));
  transport.failNextPublishes = 3;
  const stats = await runUntil(transport, options(), (s) => s.tagged === 5);
  assert.equal(stats.retried, 3);
  assert.equal(transport.ackedCount, 5);
  assert.equal(transport.published.length, 5);
});

test('a bus that keeps refusing publishes ends the loop with STREAM_UNAVAILABLE after the give-up time', async () => {
  const transport = new MemoryTransport();
  for (let i = 0; i < 3; i++) transport.send(JSON.stringify(testArticle(i)));
  transport.failNextPublishes = Number.MAX_SAFE_INTEGER;
  let clock = 0;
  const stop = new AbortController();
  const guard = setTimeout(() => stop.abort(), 20_000);
  try {
    // Each batch moves the clock on by 10 s: the loop must give up at 30 s, after a few rounds.
    await assert.rejects(
      consume(transport, { ...options({ giveUpMs: 30_000 }), signal: stop.signal, now: () => (clock += 10_000) }),
      (e: unknown) => e instanceof WasimError && e.code === 'STREAM_UNAVAILABLE' && /^cannot publish to articles\.tagged: publish refused/.test(e.message),
    );
  } finally {
    clearTimeout(guard);
  }
  assert.ok(!stop.signal.aborted, 'it gave up by itself, not by the guard');
  assert.equal(transport.ackedCount, 0, 'nothing is acked whose result was not stored');
  assert.equal(transport.inFlight, 0, 'every message was handed back');
});

test('a transport that fails for good ends the loop with its error; an abort while idle returns at once', async () => {
  const failing = new MemoryTransport();
  setTimeout(() => failing.fail(new WasimError('STREAM_UNAVAILABLE', 'lost NATS: connection refused')), 30);
  await assert.rejects(consume(failing, options({ pullWaitMs: 10_000 })), /lost NATS: connection refused/);

  const idle = new MemoryTransport();
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 30);
  const stats = await consume(idle, options({ pullWaitMs: 60_000, signal: stop.signal }));
  assert.deepEqual(stats, { received: 0, tagged: 0, deadLettered: 0, duplicates: 0, retried: 0 });
});

test('an abort mid-batch still publishes and acks the batch in hand', async () => {
  const transport = new MemoryTransport();
  for (let i = 0; i < 20; i++) transport.send(JSON.stringify(testArticle(i)));
  const stop = new AbortController();
  const publish = transport.publish.bind(transport);
  transport.publish = async (subject, data, o) => {
    stop.abort();
    return publish(subject, data, o);
  };
  const stats = await consume(transport, options({ batch: 8, signal: stop.signal }));
  assert.equal(stats.tagged, 8, 'the batch in hand, and no more');
  assert.equal(transport.ackedCount, 8);
  assert.equal(transport.inFlight, 0);
  assert.equal(transport.waiting, 12);
});
