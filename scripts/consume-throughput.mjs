#!/usr/bin/env node
/**
 * How fast `wasim consume` drains a backlog on this machine, against the real NATS JetStream
 * (TEST_NATS_URL, default nats://127.0.0.1:4222; loopback only). Publishes --count articles of
 * about --chars characters to a stream of its own, starts the real CLI, and times from its
 * "reading" line to the last result stored; then the same articles tagged in this process with
 * the same tagger, for the cost of the bus. Deletes its stream. Bounded: gives up after 10 min.
 *
 *   npm run build && node scripts/consume-throughput.mjs --count 5000 --chars 3000 --batch 64
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from 'nats';
import { testArticle } from '../dist/node/stream/testing.js';
import { createNodeTagger } from '../dist/node/tagger.js';
import { loadDefaultVocabulary } from '../dist/node/vocab-file.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '5000' }, chars: { type: 'string', default: '0' }, batch: { type: 'string', default: '64' } } });
const count = Number(values.count);
const chars = Number(values.chars);
const url = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const BIN = fileURLToPath(new URL('../bin/wasim.js', import.meta.url));

function article(i) {
  const a = testArticle(i);
  let body = a.body;
  for (let k = 1; body.length < chars; k++) body += ' ' + testArticle(i + k * 13).body;
  return { ...a, body };
}

const articles = Array.from({ length: count }, (_, i) => article(i));
const bytes = articles.reduce((n, a) => n + Buffer.byteLength(JSON.stringify(a)), 0);
const nc = await connect({ servers: url, timeout: 3000 });
const jsm = await nc.jetstreamManager();
const js = nc.jetstream();
const name = `WASIM_BENCH_${process.pid}_${Date.now().toString(36)}`;
const subjects = { in: `${name}.in`, out: `${name}.tagged`, dead: `${name}.in.dead` };
await jsm.streams.add({ name, subjects: Object.values(subjects) });
let child;
try {
  const enc = new TextEncoder();
  for (let i = 0; i < count; i += 200) await Promise.all(articles.slice(i, i + 200).map((a) => js.publish(subjects.in, enc.encode(JSON.stringify(a)))));

  child = spawn(process.execPath, [BIN, 'consume', '--nats', url, '--subject', subjects.in, '--publish', subjects.out, '--stream', name, '--batch', values.batch], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (s) => (err += s));
  const deadline = Date.now() + 600_000;
  while (!/reading /.test(err)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the consumer did not start:\n${err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const started = performance.now();
  const stored = async () => (await jsm.streams.info(name, { subjects_filter: subjects.out })).state.subjects?.[subjects.out] ?? 0;
  while ((await stored()) < count) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  child.kill('SIGTERM');

  const tagger = createNodeTagger(loadDefaultVocabulary());
  for (const a of articles.slice(0, 200)) tagger.tag(a);
  const t0 = performance.now();
  for (const a of articles) tagger.tag(a);
  const inProcess = (performance.now() - t0) / 1000;

  const avg = Math.round(bytes / count);
  console.log(`${count} articles of ${avg} bytes on average, --batch ${values.batch}:`);
  console.log(`  wasim consume: ${seconds.toFixed(2)} s, ${(count / seconds).toFixed(0)} messages/s`);
  console.log(`  the same tagging in one process, no bus: ${inProcess.toFixed(2)} s, ${(count / inProcess).toFixed(0)} articles/s`);
} finally {
  child?.kill('SIGTERM');
  await jsm.streams.delete(name).catch(() => undefined);
  await nc.close();
}
