/**
 * Distributed jobs on one PostgreSQL, with real processes: two service instances and one
 * `wasim worker` share a re-tag of 5,000 stored articles; one is SIGKILLed while it holds a
 * chunk; every article must end with exactly the tags the new vocabulary gives it, written
 * once, and the killed worker's chunk must be redone by another. Then PostgreSQL drops every
 * connection of the service in the middle of a re-tag (pg_terminate_backend from an admin
 * connection — the shared server is not restarted) and the job must resume and finish.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { compileVocabulary, foldKey, parseVocabulary } from '../core/index.js';
import { createNodeTagger } from '../node/tagger.js';
import { createTestDatabase, postgresTestUrl, type TestDatabase } from '../storage/testing.js';
import { request, TEST_TOKEN, TEST_VOCAB } from './testing.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/wasim.js', import.meta.url));
const pgUrl = postgresTestUrl();
const skip = pgUrl ? false : 'needs PostgreSQL: set TEST_DATABASE_URL=postgres://… (see docs/service.md, Tests)';

interface Proc {
  name: string;
  child: ChildProcess;
  url?: string;
  output: () => string;
  exited: Promise<void>;
}

const procs: Proc[] = [];

function spawnWasim(name: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<Proc> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: Proc = { name, child, output: () => out, exited };
  procs.push(proc);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${out}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${out}`)));
    const poll = setInterval(() => {
      const m = ready.exec(out);
      if (m) {
        clearInterval(poll);
        clearTimeout(timer);
        if (m[1]) proc.url = m[1];
        resolve(proc);
      }
    }, 10);
  });
}

function jobEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    WASIM_VOCAB: join(db.dir, 'vocab.jsonl'),
    WASIM_VOCAB_HINTS: 'false',
    WASIM_TOKEN: TEST_TOKEN,
    WASIM_LOG_LEVEL: process.env.WASIM_TEST_LOG_LEVEL ?? 'error',
    WASIM_RATE_LIMIT: '0',
    WASIM_VOCAB_POLL_MS: '500',
    WASIM_JOB_CHUNK_SIZE: '100',
    WASIM_JOB_EXPIRE_SECONDS: '3',
    WASIM_JOB_MAINTENANCE_SECONDS: '1',
    WASIM_JOB_POLL_MS: '500',
    WASIM_JOB_RETRY_LIMIT: '10',
    ...extra,
  };
}

const startInstance = (db: TestDatabase, name: string) => spawnWasim(name, [MAIN], { ...jobEnv(db), PORT: '0', HOST: '127.0.0.1' }, /wasim listening on (http:\/\/\S+)[\s\S]*write token:/);
const startWorker = (db: TestDatabase, name: string) => spawnWasim(name, [CLI, 'worker'], jobEnv(db), /wasim worker (\S+) taking jobs/);

/** A client on the test's schema, under an application name of its own. */
async function connect(db: TestDatabase, applicationName = 'wasim-test-admin'): Promise<pg.Client> {
  const u = new URL(db.url);
  const schema = u.searchParams.get('schema')!;
  u.searchParams.delete('schema');
  u.searchParams.delete('application_name');
  const client = new pg.Client({ connectionString: u.toString(), options: `-c search_path=${schema}`, application_name: applicationName });
  await client.connect();
  return client;
}

const PLACES = ['مصر', 'القاهرة', 'الإسكندرية', 'السودان', 'نهر النيل', 'الخرطوم'];

/** Article i: two places, one of them often Khartoum — a name the first vocabulary lacks. */
function article(i: number) {
  const a = PLACES[i % PLACES.length]!;
  const b = PLACES[(i * 7 + 3) % PLACES.length]!;
  return {
    externalId: `job-${i}`,
    title: `خبر ${i}: وفد من ${a} في ${b}`,
    body: `وصل وفد من ${a} إلى ${b} صباح اليوم في زيارة رسمية. وقال المتحدث إن المباحثات في ${b} تناولت التعاون بين البلدين${i % 3 === 0 ? ' وحضرها ممثلون عن النادي الأهلي' : ''}.`,
  };
}

/** Stores n articles in one go (SQL), each with a stale suggestion no vocabulary gives it. */
async function storeArticles(db: TestDatabase, n: number): Promise<void> {
  const client = await connect(db);
  try {
    const at = new Date().toISOString();
    for (let start = 0; start < n; start += 500) {
      const rows = Array.from({ length: Math.min(500, n - start) }, (_, k) => article(start + k));
      const values: unknown[] = [];
      const tuples = rows.map((a, k) => {
        values.push(a.externalId, a.title, a.body, foldKey(a.title + '\n' + a.body), at);
        const o = k * 5;
        return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 5}, 1)`;
      });
      await client.query(`insert into articles (external_id, title, body, search_text, created_at, updated_at, tagged_version) values ${tuples.join(', ')}`, values);
    }
    await client.query(`insert into article_tags (article_id, tag_id, label, score, type, mentions, evidence, status, created_at, updated_at)
      select id, 'football', 'كرة القدم', 0.01, 'topic', '[]', null, 'suggested', $1, $1 from articles`, [at]);
  } finally {
    await client.end();
  }
}

/** What the tagger with the final vocabulary says of each article: the tags a re-tag must leave. */
function expectedTags(vocabJsonl: string, n: number): Map<string, string[]> {
  const { entries } = parseVocabulary(vocabJsonl, 'jsonl', 'vocab');
  const tagger = createNodeTagger(compileVocabulary(entries, {}), { limits: { maxChars: 200_000 } });
  const out = new Map<string, string[]>();
  for (let i = 0; i < n; i++) {
    const a = article(i);
    out.set(a.externalId, tagger.tag({ title: a.title, body: a.body }, {}).map((r) => r.id!).sort());
  }
  return out;
}

async function checkEveryArticle(db: TestDatabase, jobId: number, version: number, expected: Map<string, string[]>): Promise<void> {
  const client = await connect(db);
  try {
    const articles = await client.query('select id, external_id, tagged_version, tagged_job from articles order by id');
    assert.equal(articles.rows.length, expected.size);
    const tags = await client.query('select article_id, tag_id from article_tags order by article_id, tag_id');
    const byArticle = new Map<number, string[]>();
    for (const t of tags.rows) {
      const list = byArticle.get(t.article_id) ?? [];
      list.push(t.tag_id);
      byArticle.set(t.article_id, list);
    }
    let wrong = 0;
    for (const a of articles.rows) {
      const got = (byArticle.get(a.id) ?? []).sort();
      const want = expected.get(a.external_id)!;
      if (a.tagged_version !== version || a.tagged_job !== jobId || JSON.stringify(got) !== JSON.stringify(want)) {
        if (wrong++ < 3) assert.fail(`article ${a.external_id}: version ${a.tagged_version} (want ${version}), job ${a.tagged_job} (want ${jobId}), tags ${got} (want ${want})`);
      }
    }
    assert.ok(expected.get('job-5')!.includes('khartoum'), 'the new vocabulary entry is found');
  } finally {
    await client.end();
  }
}

async function chunksOf(client: pg.Client, jobId: number): Promise<{ seq: number; status: string; worker: string | null; runs: number; done: number; total: number }[]> {
  return (await client.query('select seq, status, worker, runs, done, total from job_chunks where job_id = $1 order by seq', [jobId])).rows;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const KHARTOUM = { id: 'khartoum', label: 'الخرطوم', type: 'place' };

describe('distributed jobs on PostgreSQL', { skip, concurrency: false }, () => {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    for (const db of dbs) await db.cleanup();
  });

  test('two instances and a worker share a re-tag of 5,000 articles; one is SIGKILLed holding a chunk; every article ends with one tag set of the new version', async (t) => {
    const db = await createTestDatabase('wasim-jobs');
    dbs.push(db);
    writeFileSync(join(db.dir, 'vocab.jsonl'), TEST_VOCAB);
    const N = 5000;
    const a = await startInstance(db, 'instance A');
    await storeArticles(db, N);
    const [b, w] = await Promise.all([startInstance(db, 'instance B'), startWorker(db, 'worker')]);
    const pids = new Map([a, b, w].map((p) => [p.child.pid!, p]));

    // The vocabulary changes (a new place), then the archive is re-tagged.
    const added = await request(a.url!, 'POST', '/v1/vocabulary?wait=true', { body: KHARTOUM });
    assert.equal(added.status, 201, added.text);
    const version = (await request(a.url!, 'GET', '/readyz')).json.tagger.vocabularyVersion;
    const started = Date.now();
    const job = await request(a.url!, 'POST', '/v1/retag', { body: {} });
    assert.equal(job.status, 202, job.text);
    assert.equal(job.json.total, N);
    assert.equal(job.json.chunks.total, N / 100);

    // The victim: the worker, once it has finished a chunk and is part-way through another.
    const admin = await connect(db);
    const pidOf = (worker: string | null) => Number(worker?.split(':')[1]);
    let victimChunk = -1;
    try {
      victimChunk = await until(
        'the worker to hold a chunk half done',
        async () => {
          const chunks = await chunksOf(admin, job.json.id);
          const mine = chunks.filter((c) => pidOf(c.worker) === w.child.pid);
          const holding = mine.find((c) => c.status === 'running' && c.done > 0 && c.done < c.total);
          return mine.some((c) => c.status === 'done') && holding ? holding.seq + 1 : undefined;
        },
        60_000,
      ) - 1;
      w.child.kill('SIGKILL');
      await w.exited;
      const killedAt = Date.now();

      const finished = await until(
        'the job to finish',
        async () => {
          const r = await request(a.url!, 'GET', `/v1/jobs/${job.json.id}`);
          return r.json.status === 'done' || r.json.status === 'failed' ? r.json : undefined;
        },
        90_000,
      );
      assert.equal(finished.status, 'done', finished.error);
      assert.equal(finished.done, N);
      assert.deepEqual(finished.chunks, { total: N / 100, queued: 0, running: 0, done: N / 100, failed: 0, cancelled: 0 });
      // Any instance answers for the job.
      assert.equal((await request(b.url!, 'GET', `/v1/jobs/${job.json.id}`)).json.status, 'done');

      const chunks = await chunksOf(admin, job.json.id);
      const byProcess = new Map<string, number>();
      for (const c of chunks) byProcess.set(pids.get(pidOf(c.worker))?.name ?? String(c.worker), (byProcess.get(pids.get(pidOf(c.worker))?.name ?? String(c.worker)) ?? 0) + 1);
      t.diagnostic(`chunks finished by: ${JSON.stringify(Object.fromEntries(byProcess))}; ${((Date.now() - started) / 1000).toFixed(1)} s in all, ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
      for (const p of [a, b, w]) assert.ok((byProcess.get(p.name) ?? 0) > 0, `${p.name} did some chunks: ${JSON.stringify(Object.fromEntries(byProcess))}`);
      const redone = chunks[victimChunk]!;
      assert.ok(redone.runs >= 2 && pidOf(redone.worker) !== w.child.pid && redone.status === 'done', `the killed worker's chunk was redone by another: ${JSON.stringify(redone)}`);
    } finally {
      await admin.end();
    }
    await checkEveryArticle(db, job.json.id, version, expectedTags(TEST_VOCAB + '\n' + JSON.stringify(KHARTOUM), N));

    for (const p of [a, b]) p.child.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
    assert.equal(a.child.exitCode, 0, a.output());
    assert.equal(b.child.exitCode, 0, b.output());
  });

  test('PostgreSQL drops every connection of the service during a re-tag: the job resumes and finishes', async (t) => {
    const db = await createTestDatabase('wasim-jobs-restart');
    dbs.push(db);
    // Connections of this test's processes carry a name of their own: only they are terminated.
    const appName = `wasim-test-${process.pid}-${Date.now()}`;
    const u = new URL(db.url);
    u.searchParams.set('application_name', appName);
    const target = { ...db, url: u.toString() };
    writeFileSync(join(db.dir, 'vocab.jsonl'), TEST_VOCAB);
    const N = 1500;
    const a = await startInstance(target, 'instance');
    await storeArticles(db, N);
    const w = await startWorker(target, 'worker');
    await request(a.url!, 'POST', '/v1/vocabulary?wait=true', { body: KHARTOUM });
    const version = (await request(a.url!, 'GET', '/readyz')).json.tagger.vocabularyVersion;
    const job = await request(a.url!, 'POST', '/v1/retag', { body: {} });
    assert.equal(job.status, 202, job.text);

    const admin = await connect(db);
    try {
      await until('a third of the job', async () => (await admin.query('select coalesce(sum(done), 0)::int as n from job_chunks where job_id = $1', [job.json.id])).rows[0].n >= N / 3, 60_000);
      const killed = await admin.query('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = $1', [appName]);
      t.diagnostic(`terminated ${killed.rows[0].n} connections of the service`);
      assert.ok(killed.rows[0].n > 0);
      const finished = await until(
        'the job to finish',
        async () => {
          const r = await request(a.url!, 'GET', `/v1/jobs/${job.json.id}`).catch(() => undefined);
          return r?.status === 200 && (r.json.status === 'done' || r.json.status === 'failed') ? r.json : undefined;
        },
        90_000,
      ).catch(async (e) => {
        throw new Error(`${(e as Error).message}: chunks ${JSON.stringify(await chunksOf(admin, job.json.id))}\n${a.output().slice(-3000)}`);
      });
      assert.equal(finished.status, 'done', finished.error);
      assert.equal(finished.done, N);
    } finally {
      await admin.end();
    }
    await checkEveryArticle(db, job.json.id, version, expectedTags(TEST_VOCAB + '\n' + JSON.stringify(KHARTOUM), N));
    assert.equal(a.child.exitCode, null, 'the instance lived through it');
    assert.equal(w.child.exitCode, null, 'the worker lived through it');
    assert.equal((await request(a.url!, 'GET', '/readyz')).status, 200);
    // SIGTERM: both stop cleanly.
    a.child.kill('SIGTERM');
    w.child.kill('SIGTERM');
    await Promise.all([a.exited, w.exited]);
    assert.equal(a.child.exitCode, 0, a.output());
    assert.equal(w.child.exitCode, 0, w.output());
  });
});
