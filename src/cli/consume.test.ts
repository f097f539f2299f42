/**
 * `wasim consume` end to end, as child processes of the real CLI against the real NATS
 * JetStream: a consumer SIGKILLed midway through 1,000 articles and restarted, dead letters,
 * a clean stop on a signal, a dead server and a server lost mid-run. Streams and subjects are
 * unique per run and deleted afterwards. Skips, saying why, when NATS is not reachable.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { tagLine } from '../node/batch.js';
import { buildProgram } from './main.js';
import { vocabularyFingerprint } from '../node/stream/consume.js';
import { collect, natsUnavailable, TEST_NATS_URL, uniqueName, waitFor } from '../node/stream/nats-testing.js';
import { testArticle } from '../node/stream/testing.js';
import { createNodeTagger } from '../node/tagger.js';
import { loadDefaultVocabulary } from '../node/vocab-file.js';
import { EXIT } from '../core/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/wasim.js', import.meta.url));
const encoder = new TextEncoder();

const skip = await natsUnavailable();
if (skip) console.log(`# skipping wasim consume tests: ${skip}`);

let nc: NatsConnection;
let jsm: JetStreamManager;
const streams: string[] = [];
const children = new Set<ChildProcess>();

before(async () => {
  if (skip) return;
  nc = await connect({ servers: TEST_NATS_URL });
  jsm = await nc.jetstreamManager();
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (!nc) return;
  for (const s of streams) await jsm.streams.delete(s).catch(() => undefined);
  await nc.close();
});

interface Consumer {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startConsumer(args: string[]): Consumer {
  const child = spawn(process.execPath, [BIN, 'consume', ...args], { cwd: ROOT, env: { ...process.env, WASIM_DEBUG: '', WASIM_QUIET: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  child.stdout!.resume();
  const exited = once(child, 'exit').then(([code, signal]) => {
    children.delete(child);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  return { child, stderr: () => err, exited };
}

async function ready(c: Consumer): Promise<void> {
  let gone = false;
  void c.exited.then(() => (gone = true));
  await waitFor('the consumer to say it is reading', () => {
    if (gone) throw new Error(`the consumer exited before it was ready:\n${c.stderr()}`);
    return /wasim consume: reading /.test(c.stderr());
  }, 30_000);
}

async function stopped(c: Consumer, timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the consumer did not exit within ${timeoutMs} ms:\n${c.stderr()}`)), timeoutMs)));
  try {
    return await Promise.race([c.exited, limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function publishAll(subject: string, payloads: (string | Uint8Array)[]): Promise<void> {
  const js = nc.jetstream();
  for (let i = 0; i < payloads.length; i += 100) {
    await Promise.all(payloads.slice(i, i + 100).map((p) => js.publish(subject, typeof p === 'string' ? encoder.encode(p) : p)));
  }
}

async function consumerDone(stream: string, durable: string): Promise<boolean> {
  const info = await jsm.consumers.info(stream, durable);
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

test('1,000 articles, the consumer SIGKILLed midway and restarted: every article tagged, copies byte-identical', { skip, timeout: 180_000 }, async (t) => {
  const name = uniqueName('WASIM_T');
  const subjects = { in: `${name}.in`, out: `${name}.tagged`, dead: `${name}.in.dead` };
  // The publisher's own stream, made before wasim runs (the dead-letter test lets wasim make one).
  await jsm.streams.add({ name, subjects: [subjects.in, subjects.out, subjects.dead] });
  streams.push(name);
  const N = 1000;
  await publishAll(subjects.in, Array.from({ length: N }, (_, i) => JSON.stringify(testArticle(i))));

  const args = ['--nats', TEST_NATS_URL, '--subject', subjects.in, '--publish', subjects.out, '--stream', name, '--durable', 'tagger', '--batch', '16', '--ack-wait', '2'];
  let first: Consumer | undefined;
  let atKill = -1;
  const output = await collect(nc, name, subjects.out, (_m, all) => {
    if (first && atKill < 0 && all.length >= 200) {
      atKill = all.length;
      first.child.kill('SIGKILL');
    }
  });
  try {
    first = startConsumer(args);
    const firstExit = await stopped(first, 60_000);
    assert.equal(firstExit.signal, 'SIGKILL', `the first consumer was killed, not ended by itself:\n${first.stderr()}`);
    assert.ok(atKill >= 200 && atKill < N, `killed midway (after ${atKill} results)`);
    const afterKill = output.messages.length;

    const second = startConsumer(args);
    await ready(second);
    const started = Date.now();
    const ids = (): Set<string> => new Set(output.messages.map((m) => (JSON.parse(m.data) as { id: string }).id));
    await waitFor('all 1,000 articles in the output stream', () => ids().size === N, 120_000);
    const seconds = (Date.now() - started) / 1000;
    await waitFor('the durable consumer to have every message acked', () => consumerDone(name, 'tagger'), 30_000);
    second.child.kill('SIGTERM');
    const secondExit = await stopped(second);
    assert.equal(secondExit.code, 0, `SIGTERM ends with exit 0:\n${second.stderr()}`);
    assert.match(second.stderr(), /wasim consume: SIGTERM: finishing the messages in hand\nwasim consume: stopped; \d+ message\(s\): \d+ tagged, 0 dead-lettered/);
    assert.doesNotMatch(first.stderr() + second.stderr(), /\n\s+at /, 'no stack trace');

    const stored = (await jsm.streams.info(name, { subjects_filter: subjects.out })).state.subjects?.[subjects.out] ?? 0;
    await waitFor('the collector to have read the whole output subject', () => output.messages.length >= stored, 10_000);

    // Every article once, or again with exactly the same bytes.
    const byId = new Map<string, string[]>();
    for (const m of output.messages) {
      const id = (JSON.parse(m.data) as { id: string }).id;
      byId.set(id, [...(byId.get(id) ?? []), m.data]);
    }
    assert.deepEqual([...byId.keys()].sort(), Array.from({ length: N }, (_, i) => `a-${i}`).sort());
    let copies = 0;
    for (const [id, datas] of byId) {
      copies += datas.length - 1;
      for (const d of datas) assert.equal(d, datas[0], `the copies of ${id} are byte-identical`);
    }
    // And each is the line `wasim tag --input` writes for the article, with the vocabulary's fingerprint.
    const compiled = loadDefaultVocabulary();
    const vocabulary = vocabularyFingerprint(compiled);
    const tagger = createNodeTagger(compiled);
    for (let i = 0; i < N; i += 37) {
      const expected = { ...(JSON.parse(tagLine(tagger, JSON.stringify(testArticle(i)), 1, {}).out) as object), vocabulary };
      assert.equal(byId.get(`a-${i}`)![0], JSON.stringify(expected));
    }
    const dropped = /(\d+) duplicate\(s\) dropped/.exec(second.stderr())?.[1];
    t.diagnostic(`killed after ${atKill} results (${afterKill} when it was gone); ${output.messages.length} results for ${N} articles (${copies} repeated, ${dropped} republished results dropped by the server as duplicates); the restarted consumer finished in ${seconds.toFixed(1)} s, ack-wait redelivery included`);
  } finally {
    await output.stop();
  }
});

test('not JSON, too big, not an article: dead letters with the error and the payload; a stream is created; SIGINT stops cleanly', { skip, timeout: 120_000 }, async () => {
  const name = uniqueName('WASIM_T');
  const subjects = { in: `${name}.in`, out: `${name}.tagged`, dead: `${name}.in.dead` };
  streams.push(name);
  const c = startConsumer(['--nats', TEST_NATS_URL, '--subject', subjects.in, '--publish', subjects.out, '--stream', name, '--durable', 'dl', '--max-bytes', '2048']);
  await ready(c);
  assert.match(c.stderr(), new RegExp(`stream ${name} created for ${subjects.in}, ${subjects.out}, ${subjects.in}\\.dead`));
  const info = await jsm.streams.info(name);
  assert.deepEqual(info.config.subjects, [subjects.in, subjects.out, subjects.dead]);

  const big = JSON.stringify({ id: 'big', title: 'خبر طويل', body: 'استقبل الرئيس في القاهرة الوفد الزائر. '.repeat(200) });
  await publishAll(subjects.in, [JSON.stringify(testArticle(0)), 'هذا ليس JSON', big, JSON.stringify({ id: 'no-text', tags: [] }), JSON.stringify(testArticle(1))]);
  const out = await collect(nc, name, subjects.out);
  const dead = await collect(nc, name, subjects.dead);
  try {
    await waitFor('two results and three dead letters', () => out.messages.length === 2 && dead.messages.length === 3, 30_000);
    await waitFor('every message acked', () => consumerDone(name, 'dl'), 10_000);
    assert.deepEqual(out.messages.map((m) => (JSON.parse(m.data) as { id: string }).id), ['a-0', 'a-1'], 'the consumer went on after the bad messages');

    const letters = dead.messages.map((m) => JSON.parse(m.data) as { id: unknown; error: { code: string; message: string }; source: { subject: string; seq: number }; bytes: number; payload: string; truncated: boolean });
    const [notJson, tooBig, noText] = letters as [(typeof letters)[0], (typeof letters)[0], (typeof letters)[0]];
    assert.equal(notJson.error.code, 'BAD_JSON');
    assert.equal(notJson.payload, 'هذا ليس JSON');
    assert.deepEqual(notJson.source, { subject: subjects.in, stream: name, seq: 2 });
    assert.equal(tooBig.error.code, 'INPUT_TOO_LARGE');
    assert.equal(tooBig.error.message, `the message is ${Buffer.byteLength(big)} bytes; the limit is 2048 (--max-bytes)`);
    assert.equal(tooBig.truncated, true);
    assert.equal(tooBig.bytes, Buffer.byteLength(big));
    assert.ok(big.startsWith(tooBig.payload) && tooBig.payload.length > 100, 'the first bytes of the too-big message');
    assert.equal(noText.id, 'no-text');
    assert.equal(noText.error.code, 'EMPTY_INPUT');
    assert.match(c.stderr(), new RegExp(`${subjects.in.replace(/\./g, '\\.')} #2 → ${subjects.dead.replace(/\./g, '\\.')}: BAD_JSON: invalid JSON`));

    c.child.kill('SIGINT');
    const exit = await stopped(c);
    assert.equal(exit.code, 0, c.stderr());
    assert.match(c.stderr(), /stopped; 5 message\(s\): 2 tagged, 3 dead-lettered, 0 duplicate\(s\) dropped, 0 retried\n$/);
  } finally {
    await out.stop();
    await dead.stop();
  }
});

test('a dead server: one clear line and exit 6 (remote) after a bounded number of tries', { timeout: 60_000 }, async () => {
  // A port nothing listens on: bound, then released.
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  probe.close();
  await once(probe, 'close');
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'consume', '--nats', `nats://127.0.0.1:${port}`, '--subject', 'articles.in', '--publish', 'articles.tagged'], { cwd: ROOT, encoding: 'utf8', timeout: 50_000, env: { ...process.env, WASIM_DEBUG: '' } });
  assert.equal(r.status, EXIT.REMOTE, r.stderr);
  assert.equal(r.stderr, `wasim consume: cannot reach NATS at nats://127.0.0.1:${port}: connection refused\n`);
  assert.ok(Date.now() - started < 45_000);
});

test('usage errors are one line and exit 2, before any connection', { timeout: 120_000 }, async () => {
  const run = (...args: string[]): Promise<{ status: number | null; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, 'consume', '--nats', 'nats://127.0.0.1:1', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }, (error, _stdout, stderr) => {
        resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stderr });
      });
    });
  const cases: [string[], RegExp][] = [
    [['--publish', 'a.out'], /--subject SUBJECT is required/],
    [['--subject', 'a.in'], /--publish SUBJECT is required/],
    [['--subject', 'a.>', '--publish', 'a.out', '--dead-letter', 'x.dead'], /--publish a\.out is inside --subject a\.>: the consumer would read its own output/],
    [['--subject', 'a.*', '--publish', 'b.out'], /--subject a\.\* has wildcards: name the dead-letter subject with --dead-letter/],
    [['--subject', 'a in', '--publish', 'b.out'], /--subject: "a in" is not a NATS subject/],
    [['--subject', 'a.in', '--publish', 'b.*'], /--publish: "b\.\*" is not a NATS subject without wildcards/],
    [['--subject', 'a.in', '--publish', 'b.out', '--stream', 'a.b'], /--stream: "a\.b" is not a stream name/],
    [['--subject', 'a.in', '--publish', 'b.out', '--max-bytes', '1MB'], /--max-bytes must be a whole number/],
    [['--subject', 'a.in', '--publish', 'b.out', '--batch', '0'], /--batch must be a whole number ≥ 1/],
    [['--subject', 'a.in', '--publish', 'b.out', '--batch', '20000'], /--batch must be at most 10000/],
    [['--subject', 'a.in', '--publish', 'b.out', '--vocab-format', 'xml'], /--vocab-format must be txt, csv, json or jsonl/],
    [['--subject', 'a.in', '--publish', 'b.out', '--min-score', '2'], /--min-score must be a number between 0 and 1/],
    [['--subject', 'a.in', '--publish', 'b.out', '--nats', 'http://x/y'], /--nats: "http:\/\/x\/y" is not a NATS server URL/],
  ];
  const results = await Promise.all(cases.map(([args]) => run(...args)));
  for (const [i, [args, message]] of cases.entries()) {
    const r = results[i]!;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('a server lost mid-run: the consumer retries for --reconnect-for, then exits 6 (remote) with one line', { skip, timeout: 90_000 }, async (t) => {
  // The consumer reaches NATS through a proxy of ours, which we then take away.
  const target = new URL(TEST_NATS_URL);
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    const upstream = connectTcp(Number(target.port || 4222), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const port = (proxy.address() as { port: number }).port;
  const name = uniqueName('WASIM_T');
  streams.push(name);
  const c = startConsumer(['--nats', `nats://127.0.0.1:${port}`, '--subject', `${name}.in`, '--publish', `${name}.out`, '--stream', name, '--reconnect-for', '2']);
  try {
    await ready(c);
    proxy.close();
    for (const s of sockets) s.destroy();
    const exit = await stopped(c, 60_000);
    assert.equal(exit.code, EXIT.REMOTE, c.stderr());
    assert.match(c.stderr(), /wasim consume: lost NATS at 127\.0\.0\.1:\d+; retrying for 2 s\n/);
    const last = c.stderr().trim().split('\n').at(-1)!;
    assert.match(last, /^wasim consume: lost NATS and could not reconnect within 2 s: connection refused$/);
    t.diagnostic(last);
    assert.doesNotMatch(c.stderr(), /\n\s+at /, 'no stack trace');
  } finally {
    proxy.close();
  }
});

test('consume takes the tagging options of tag, worded alike, and is listed in the help', () => {
  const program = buildProgram();
  const options = (name: string): Map<string, string> => new Map(program.commands.find((c) => c.name() === name)!.options.map((o) => [o.long!, `${o.flags} ${o.description}`]));
  const tag = options('tag');
  const consume = options('consume');
  for (const flag of ['--vocab', '--vocab-format', '--with-default', '--no-hints', '--top', '--min-score', '--explain', '--all-mentions']) {
    assert.ok(consume.has(flag), `consume has ${flag}`);
    assert.equal(consume.get(flag), tag.get(flag), `${flag} reads the same in both`);
  }
  for (const flag of ['--nats', '--subject', '--publish', '--dead-letter', '--stream', '--durable', '--max-bytes', '--batch', '--ack-wait', '--reconnect-for']) assert.ok(consume.has(flag), `consume has ${flag}`);
  const top = spawnSync(process.execPath, [BIN, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 }).stdout;
  assert.match(top, /^ {2}consume \[options\] +tag articles from a NATS JetStream subject/m);
});
