/**
 * The NATS adapter: subject and URL checks (no server needed), and against the real JetStream
 * at 127.0.0.1:4222 the set-up of streams and the durable consumer, acks, naks, duplicate
 * publishes and what close hands back. Skips, saying why, when NATS is not reachable.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { WasimError } from '../../core/index.js';
import { isValidSubject, openNatsTransport, parseServers, subjectMatches, type NatsSetup } from './nats.js';
import { natsUnavailable, TEST_NATS_URL, uniqueName } from './nats-testing.js';
import type { StreamTransport } from './transport.js';

test('subjects: tokens without spaces; wildcards only where allowed, > only last', () => {
  const table: [string, boolean, boolean][] = [
    // subject, valid as a filter, valid to publish to
    ['articles.in', true, true],
    ['articles', true, true],
    ['أخبار.واردة', true, true],
    ['articles.*', true, false],
    ['articles.>', true, false],
    ['articles.>.x', false, false],
    ['articles..in', false, false],
    ['.articles', false, false],
    ['articles in', false, false],
    ['', false, false],
    ['a*b.c', false, false],
  ];
  for (const [s, filter, publish] of table) {
    assert.equal(isValidSubject(s, true), filter, `filter ${s}`);
    assert.equal(isValidSubject(s, false), publish, `publish ${s}`);
  }
});

test('subject filters match as NATS matches them', () => {
  const table: [string, string, boolean][] = [
    ['articles.in', 'articles.in', true],
    ['articles.in', 'articles.in.dead', false],
    ['articles.>', 'articles.in.dead', true],
    ['articles.>', 'articles', false],
    ['articles.*', 'articles.tagged', true],
    ['articles.*', 'articles.in.dead', false],
    ['*.in', 'articles.in', true],
    ['articles.in.>', 'articles.tagged', false],
  ];
  for (const [filter, subject, expected] of table) assert.equal(subjectMatches(filter, subject), expected, `${filter} ~ ${subject}`);
});

test('server URLs: nats://, tls:// or host:port, several separated by commas', () => {
  assert.deepEqual(parseServers('nats://127.0.0.1:4222'), ['nats://127.0.0.1:4222']);
  assert.deepEqual(parseServers('nats://a:4222, tls://b:4223,c:4224'), ['nats://a:4222', 'tls://b:4223', 'c:4224']);
  assert.deepEqual(parseServers('nats://user:pass@[::1]:4222'), ['nats://user:pass@[::1]:4222']);
  for (const bad of ['', ' , ', 'http://a:4222', 'nats://a:4222/x/y', 'a b:4222']) {
    assert.throws(() => parseServers(bad), (e: unknown) => e instanceof WasimError && e.code === 'USAGE', bad);
  }
});

const skip = await natsUnavailable();
if (skip) console.log(`# skipping NATS adapter tests: ${skip}`);

let nc: NatsConnection;
let jsm: JetStreamManager;
const streams: string[] = [];
const open: StreamTransport[] = [];

before(async () => {
  if (skip) return;
  nc = await connect({ servers: TEST_NATS_URL });
  jsm = await nc.jetstreamManager();
});

after(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  if (!nc) return;
  for (const s of streams) await jsm.streams.delete(s).catch(() => undefined);
  await nc.close();
});

function setup(name: string, over: Partial<NatsSetup> = {}): NatsSetup {
  return { servers: [TEST_NATS_URL], subject: `${name}.in`, outputs: [`${name}.out`, `${name}.in.dead`], stream: name, durable: 'd', ackWaitMs: 60_000, batch: 10, reconnectForMs: 2000, ...over };
}

async function openTransport(s: NatsSetup): Promise<StreamTransport> {
  const { transport } = await openNatsTransport(s);
  open.push(transport);
  return transport;
}

async function pullAtLeast(t: StreamTransport, n: number, max = 100): Promise<Awaited<ReturnType<StreamTransport['pull']>>> {
  const got: Awaited<ReturnType<StreamTransport['pull']>> = [];
  // Bounded: 100 pulls of at most 200 ms.
  for (let round = 0; round < 100 && got.length < n; round++) got.push(...(await t.pull(max - got.length, 200)));
  return got;
}

test('a stream that exists is extended with the subjects no stream captures; its own subjects stay', { skip, timeout: 60_000 }, async () => {
  const name = uniqueName('WASIM_A');
  await jsm.streams.add({ name, subjects: [`${name}.in`, `${name}.other`] });
  streams.push(name);
  const { transport, info } = await openNatsTransport(setup(name));
  open.push(transport);
  assert.equal(info.stream, name);
  assert.deepEqual(info.changes, [`stream ${name} now also captures ${name}.out, ${name}.in.dead`, `durable consumer d created on stream ${name}`]);
  assert.deepEqual((await jsm.streams.info(name)).config.subjects, [`${name}.in`, `${name}.other`, `${name}.out`, `${name}.in.dead`]);
  const c = await jsm.consumers.info(name, 'd');
  assert.equal(c.config.filter_subject, `${name}.in`);
  assert.equal(c.config.ack_policy, 'explicit');
});

test('the input in a stream of its own and the outputs in another: the consumer reads the input’s', { skip, timeout: 60_000 }, async () => {
  const name = uniqueName('WASIM_B');
  const input = `${name}_IN`;
  await jsm.streams.add({ name: input, subjects: [`${name}.in`] });
  streams.push(input, name);
  const { info } = await openNatsTransport(setup(name)).then((r) => (open.push(r.transport), r));
  assert.equal(info.stream, input);
  assert.deepEqual((await jsm.streams.info(name)).config.subjects, [`${name}.out`, `${name}.in.dead`]);
});

test('a durable name already used for another subject is refused with a USAGE error', { skip, timeout: 60_000 }, async () => {
  const name = uniqueName('WASIM_C');
  streams.push(name);
  await openTransport(setup(name, { subject: `${name}.in`, durable: 'shared' }));
  await assert.rejects(
    openNatsTransport(setup(name, { subject: `${name}.in2`, outputs: [`${name}.out2`, `${name}.in2.dead`], durable: 'shared' })),
    (e: unknown) => e instanceof WasimError && e.code === 'USAGE' && e.message === `consumer shared on stream ${name} reads ${name}.in, not ${name}.in2: choose another --durable`,
  );
});

test('pull, ack and nak; a publish under the same id is a duplicate', { skip, timeout: 60_000 }, async () => {
  const name = uniqueName('WASIM_D');
  streams.push(name);
  const t = await openTransport(setup(name));
  const js = nc.jetstream();
  for (let i = 1; i <= 3; i++) await js.publish(`${name}.in`, new TextEncoder().encode(`{"id":${i},"title":"خبر ${i}"}`));

  const got = await pullAtLeast(t, 3, 3);
  assert.deepEqual(got.map((m) => m.seq), [1, 2, 3]);
  assert.equal(got[0]!.stream, name);
  assert.equal(got[0]!.subject, `${name}.in`);
  assert.equal(new TextDecoder().decode(got[0]!.data), '{"id":1,"title":"خبر 1"}');
  assert.equal(got[0]!.deliveries, 1);
  t.ack(got[0]!);
  t.ack(got[1]!);
  t.nak(got[2]!);
  const again = await pullAtLeast(t, 1, 1);
  assert.equal(again[0]!.seq, 3, 'the nakked message is delivered again');
  assert.equal(again[0]!.deliveries, 2);
  t.ack(again[0]!);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal((await jsm.consumers.info(name, 'd')).num_ack_pending, 0, 'every message acked');

  assert.deepEqual(await t.publish(`${name}.out`, new TextEncoder().encode('r'), { id: 'x:1' }), { duplicate: false });
  assert.deepEqual(await t.publish(`${name}.out`, new TextEncoder().encode('r'), { id: 'x:1' }), { duplicate: true });
  assert.equal((await jsm.streams.info(name, { subjects_filter: `${name}.out` })).state.subjects?.[`${name}.out`], 1);
  assert.ok(t.maxPayload > 1000 && t.maxPayload < (nc.info?.max_payload ?? 0));
});

test('close hands back what was delivered but not yet pulled: the next consumer has it at once, not after the ack wait', { skip, timeout: 60_000 }, async () => {
  const name = uniqueName('WASIM_E');
  streams.push(name);
  const first = await openTransport(setup(name));
  const js = nc.jetstream();
  for (let i = 1; i <= 8; i++) await js.publish(`${name}.in`, new TextEncoder().encode(`{"id":${i},"title":"خبر ${i}"}`));
  const two = await pullAtLeast(first, 2, 2);
  for (const m of two) first.ack(m);
  // The rest reached the first transport's buffer (batch 10) without being pulled.
  for (let round = 0; round < 100 && (await jsm.consumers.info(name, 'd')).num_pending > 0; round++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal((await jsm.consumers.info(name, 'd')).num_pending, 0, 'all eight delivered to the first transport');
  await first.close();
  open.splice(open.indexOf(first), 1);

  const second = await openTransport(setup(name));
  const rest = await pullAtLeast(second, 6, 10);
  assert.deepEqual(rest.map((m) => m.seq).sort((a, b) => a - b), [3, 4, 5, 6, 7, 8]);
  assert.ok(rest.every((m) => m.deliveries === 2), 'delivered before, handed back by close (the ack wait is 60 s)');
  for (const m of rest) second.ack(m);
});
