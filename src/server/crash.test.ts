/**
 * Kill the real server (SIGKILL) while it is storing a stream of articles, start it again on the
 * same database, and check that every article it acknowledged is there and complete, and that
 * nothing is half-written: no article without its tags, no tag without its article.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../storage/testing.js';
import { request, TEST_VOCAB } from './testing.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  token?: string;
}

function startServer(db: TestDatabase, extraEnv: Record<string, string> = {}): Promise<Running> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    WASIM_VOCAB: join(db.dir, 'vocab.jsonl'),
    WASIM_LOG_LEVEL: 'warn',
    WASIM_RATE_LIMIT: '0',
    ...extraEnv,
  };
  const child = spawn(process.execPath, [MAIN], { cwd: db.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => {
    // A server that never says it listens is stopped, or the test run would wait on it forever.
    const timer = setTimeout(() => {
      clearInterval(poll);
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, 15_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
    const poll = setInterval(() => {
      const url = /wasim listening on (http:\/\/\S+)/.exec(out)?.[1];
      // The token line comes after the URL line; wait for the whole banner.
      if (url && /write token: \S+/.test(out)) {
        clearInterval(poll);
        clearTimeout(timer);
        const token = /write token: (wsm_\S+)/.exec(out)?.[1];
        resolve({ child, url, output: () => out, ...(token ? { token } : {}) });
      }
    }, 10);
  });
}

const PLACES = ['مصر', 'القاهرة', 'الإسكندرية', 'السودان', 'نهر النيل'];

/** Article i: our own sentences, always naming two places of the test vocabulary. */
function article(i: number) {
  const a = PLACES[i % PLACES.length]!;
  const b = PLACES[(i * 3 + 1) % PLACES.length]!;
  return {
    externalId: `crash-${i}`,
    title: `خبر ${i}: وفد من ${a} يزور ${b}`,
    body: `وصل وفد رسمي من ${a} إلى ${b} صباح اليوم في زيارة تستمر ثلاثة أيام. وقال المتحدث باسم الوفد إن المباحثات في ${b} تتناول التعاون الاقتصادي. ${'وأضاف أن الزيارة تأتي في إطار تعزيز العلاقات. '.repeat(1 + (i % 4))}`,
    publishedAt: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`,
  };
}

async function countHalfWritten(db: TestDatabase): Promise<{ withoutTags: number; orphanTags: number; articles: number }> {
  const queries = {
    withoutTags: 'select count(*) as n from articles a where not exists (select 1 from article_tags t where t.article_id = a.id)',
    orphanTags: 'select count(*) as n from article_tags t where not exists (select 1 from articles a where a.id = t.article_id)',
    articles: 'select count(*) as n from articles',
  };
  const out = { withoutTags: 0, orphanTags: 0, articles: 0 };
  if (db.kind === 'sqlite') {
    const conn = new SqliteDatabase(db.url.slice('sqlite:'.length), { readonly: true });
    try {
      for (const [k, q] of Object.entries(queries)) out[k as keyof typeof out] = Number((conn.prepare(q).get() as { n: number }).n);
    } finally {
      conn.close();
    }
  } else {
    const u = new URL(db.url);
    const schema = u.searchParams.get('schema')!;
    u.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: u.toString(), options: `-c search_path=${schema}` });
    await client.connect();
    try {
      for (const [k, q] of Object.entries(queries)) out[k as keyof typeof out] = Number((await client.query(q)).rows[0].n);
    } finally {
      await client.end();
    }
  }
  return out;
}

let db: TestDatabase;
let running: Running | undefined;

before(async () => {
  db = await createTestDatabase('wasim-crash');
  writeFileSync(join(db.dir, 'vocab.jsonl'), TEST_VOCAB);
});

after(async () => {
  running?.child.kill('SIGKILL');
  await db?.cleanup();
});

test(`SIGKILL mid-stream loses no acknowledged article and leaves none half-written (${process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'sqlite'})`, async (t) => {
  const first = await startServer(db);
  running = first;
  assert.ok(first.token, `a token is printed on first start:\n${first.output()}`);
  const token = first.token;

  const acked = new Map<string, { id: number; tags: string[] }>();
  const sent = new Map<string, ReturnType<typeof article>>();
  let next = 0;
  let killed = false;
  const exited = new Promise<void>((resolve) => first.child.once('exit', () => resolve()));

  // Eight clients post singles and batches of four until the server dies under them.
  const client = async () => {
    while (!killed) {
      const batch = next % 3 === 0;
      const items = (batch ? [0, 1, 2, 3] : [0]).map(() => article(next++));
      for (const a of items) sent.set(a.externalId, a);
      let r;
      try {
        r = await request(first.url, 'POST', '/v1/articles', { body: batch ? items : items[0], token });
      } catch {
        return; // the connection died with the server: not acknowledged
      }
      if (r.status !== 200 && r.status !== 201) {
        if (killed) return;
        throw new Error(`unexpected ${r.status}: ${r.text}`);
      }
      const stored = batch ? r.json.items.map((i: any) => i.article) : [r.json];
      for (const s of stored) acked.set(s.externalId, { id: s.id, tags: s.tags.map((t: any) => t.id).sort() });
      if (acked.size >= 150 && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  await exited;
  assert.equal(first.child.signalCode, 'SIGKILL');
  assert.ok(acked.size >= 150);
  assert.ok(sent.size > acked.size, 'requests were in flight at the kill');

  const second = await startServer(db);
  running = second;
  assert.equal(second.token, undefined, 'the token is printed only once');
  assert.match(second.output(), /write token: stored/);

  for (const [externalId, ack] of acked) {
    const r = await request(second.url, 'GET', `/v1/articles?externalId=${externalId}`);
    assert.equal(r.json.total, 1, `${externalId} acknowledged before the kill is stored`);
    const full = await request(second.url, 'GET', `/v1/articles/${r.json.items[0].id}`);
    const original = sent.get(externalId)!;
    assert.equal(full.json.id, ack.id);
    assert.equal(full.json.title, original.title);
    assert.equal(full.json.body, original.body);
    assert.deepEqual(
      full.json.tags.map((t: any) => t.id).sort(),
      ack.tags,
    );
    assert.ok(ack.tags.length > 0);
  }
  const state = await countHalfWritten(db);
  t.diagnostic(`${sent.size} sent, ${acked.size} acknowledged, ${state.articles} stored after the restart`);
  assert.equal(state.withoutTags, 0, 'no article without its tags');
  assert.equal(state.orphanTags, 0, 'no tag without its article');
  assert.ok(state.articles >= acked.size && state.articles <= sent.size);

  // Idempotency survives the restart: a client retrying after the crash gets the same articles.
  const retry = await request(second.url, 'POST', '/v1/articles', { body: [...sent.values()].slice(0, 4), token });
  assert.ok(retry.status === 200 || retry.status === 201, retry.text);
  for (const item of retry.json.items) {
    const ack = acked.get(item.article.externalId);
    if (ack) {
      assert.equal(item.created, false);
      assert.equal(item.article.id, ack.id);
    }
  }
  second.child.kill('SIGTERM');
  await new Promise((resolve) => second.child.once('exit', resolve));
  assert.equal(second.child.exitCode, 0, 'SIGTERM closes cleanly');
  running = undefined;
});
