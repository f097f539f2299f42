/**
 * The job API on whichever backend the tests run on (SQLite: the in-process queue; PostgreSQL:
 * pg-boss): progress as the sum of chunks, cancel and retry, the 409s, and a job whose chunks
 * never reached the queue (the submitting process died) being picked up.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { buildApp } from './app.js';
import { ARTICLES, assertError, startTestServer, testConfig, waitForJob, type TestServer } from './testing.js';
import { openRepository, type ChunkRef } from '../storage/index.js';
import { createTestDatabase } from '../storage/testing.js';
import type { ChunkQueue } from './jobs/queue.js';
import { JobService } from './jobs/service.js';

const backend = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'sqlite';

function article(i: number) {
  const places = ['مصر', 'القاهرة', 'السودان', 'الإسكندرية'];
  return { externalId: `jobs-${i}`, title: `زيارة ${i} إلى ${places[i % 4]}`, body: `وصل الوفد إلى ${places[(i + 1) % 4]} في زيارة تستمر يومين، وقال إن المباحثات في ${places[i % 4]} كانت مثمرة.` };
}

describe(`jobs (${backend})`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ jobChunkSize: 2, jobExpireSeconds: 2, jobMaintenanceSeconds: 1, jobPollMs: 500 });
    for (let i = 0; i < 80; i += 40) {
      const r = await server.request('POST', '/v1/articles', { body: Array.from({ length: 40 }, (_, k) => article(i + k)) });
      assert.equal(r.status, 201, r.text);
    }
  });
  after(() => server?.close());

  test('a re-tag job is cut into chunks; its progress is their sum', async () => {
    const r = await server.request('POST', '/v1/retag', { body: {} });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.total, 80);
    assert.equal(r.json.chunks.total, 40);
    const done = await waitForJob(server, r.json.id);
    assert.equal(done.status, 'done', done.error);
    assert.equal(done.done, 80);
    assert.deepEqual(done.chunks, { total: 40, queued: 0, running: 0, done: 40, failed: 0, cancelled: 0 });
    assert.ok(done.finishedAt);
    // A filter that selects nothing finishes at once, with nothing to do.
    const none = await server.request('POST', '/v1/retag', { body: { q: 'لا توجد مقالة بهذه الكلمات' } });
    assert.equal(none.status, 202);
    const empty = await waitForJob(server, none.json.id);
    assert.equal(empty.status, 'done');
    assert.equal(empty.total, 0);
  });

  test('cancel stops a job part-way; retry runs only the chunks that did not finish', async () => {
    const r = await server.request('POST', '/v1/retag', { body: {} });
    assert.equal(r.status, 202);
    const cancelled = await server.request('POST', `/v1/jobs/${r.json.id}/cancel`);
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.status, 'cancelled');
    assert.ok(cancelled.json.chunks.cancelled > 0, JSON.stringify(cancelled.json.chunks));
    // A chunk running at the cancel stops at its next step; nothing runs after that.
    const settled = await waitForJob(server, r.json.id);
    assert.equal(settled.status, 'cancelled');
    assert.ok(settled.done < 80, `cancelled before the end: ${settled.done} of 80`);
    // Cancelling again changes nothing; a cancelled job cannot be cancelled into anything else.
    assert.equal((await server.request('POST', `/v1/jobs/${r.json.id}/cancel`)).json.status, 'cancelled');

    const retried = await server.request('POST', `/v1/jobs/${r.json.id}/retry`);
    assert.equal(retried.status, 202, retried.text);
    assert.equal(retried.headers.get('location'), `/v1/jobs/${r.json.id}`);
    assert.equal(retried.json.status, 'queued');
    assert.equal(retried.json.error, null);
    const done = await waitForJob(server, r.json.id);
    assert.equal(done.status, 'done', done.error);
    assert.equal(done.done, 80);
    assert.equal(done.chunks.done, 40);

    // Every article was re-tagged by this job, once: the stored tags are those of the tagger.
    const list = await server.request('GET', '/v1/articles?limit=100');
    for (const item of list.json.items) {
      const full = await server.request('GET', `/v1/articles/${item.id}`);
      assert.ok(full.json.tags.length > 0, `article ${item.id} has tags`);
      assert.equal(new Set(full.json.tags.map((t: { id: string }) => t.id)).size, full.json.tags.length, 'no tag twice');
    }

    assertError(await server.request('POST', `/v1/jobs/${r.json.id}/cancel`), 'CONFLICT');
    assertError(await server.request('POST', `/v1/jobs/${r.json.id}/retry`), 'CONFLICT');
    assertError(await server.request('POST', '/v1/jobs/999999/cancel'), 'NOT_FOUND');
    assertError(await server.request('POST', '/v1/jobs/999999/retry'), 'NOT_FOUND');
    assertError(await server.request('POST', `/v1/jobs/${r.json.id}/retry`, { token: false }), 'UNAUTHORIZED');
  });
});

test(`a job whose chunks never reached the queue is picked up (${backend})`, async () => {
  const db = await createTestDatabase('wasim-jobs-lost');
  const config = testConfig(db, { jobChunkSize: 1, jobExpireSeconds: 1, jobMaintenanceSeconds: 1, jobPollMs: 500 });
  try {
    let wasim = await buildApp(config, { logger: false });
    const stored = await wasim.context.service.store([ARTICLES.match, ARTICLES.nile]);
    // As if the process died between writing the job and queueing its chunks.
    const job = await wasim.context.repo.jobs.create({
      kind: 'retag',
      params: {},
      spec: { filter: {}, targetVersion: await wasim.context.repo.vocabularyVersion() },
      chunks: stored.map((s) => ({ firstId: s.article.id, lastId: s.article.id, total: 1 })),
    });
    // Open jobs show in the metrics: the queue's depth and each job's progress.
    const metrics = (await wasim.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /^wasim_job_queue_depth\{state="queued"\} \d+$/m);
    assert.match(metrics, /^wasim_job_queue_depth\{state="active"\} \d+$/m);
    assert.match(metrics, /^wasim_jobs_open\{status="queued"\} 1$/m);
    assert.match(metrics, new RegExp(`^wasim_job_progress_ratio\\{job="${job.id}",kind="retag"\\} 0$`, 'm'));
    assert.match(metrics, new RegExp(`^wasim_job_total\\{job="${job.id}",kind="retag"\\} 2$`, 'm'));
    if (wasim.context.repo.kind === 'sqlite') {
      // On SQLite the service is the only worker: its next start resumes the job.
      await wasim.app.close();
      wasim = await buildApp(config, { logger: false });
    }
    // On PostgreSQL the sweep finds the chunks nobody touched and queues them.
    const done = await wasim.context.service.jobs.waitFor(job.id);
    assert.equal(done.status, 'done', done.error ?? '');
    assert.equal(done.done, 2);
    const article = await wasim.context.repo.getArticle(stored[0]!.article.id);
    assert.ok(article!.tags.length > 0);
    await wasim.app.close();
  } finally {
    await db.cleanup();
  }
});

test('wasim worker on SQLite says in one line that it needs PostgreSQL', () => {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../../bin/wasim.js', import.meta.url)), 'worker', '--database', 'sqlite:/nonexistent-dir-wasim/x.db'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^wasim worker: wasim worker takes jobs from PostgreSQL: set DATABASE_URL=postgres:\/\/…/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test(`a chunk whose tries ran out while its workers kept dying fails its job instead of leaving it running (${backend})`, async () => {
  const db = await createTestDatabase('wasim-jobs-sweep');
  const repo = openRepository(db.url);
  try {
    await repo.migrate();
    const job = await repo.jobs.create({ kind: 'retag', params: {}, spec: {}, chunks: [{ firstId: 1, lastId: 9, total: 9 }, { firstId: 10, lastId: 12, total: 3 }] });
    // The queue's view: chunk 1 expired on its last try (its worker was killed each time), chunk 2 was never sent.
    const sent: ChunkRef[] = [];
    const queue: ChunkQueue = {
      backend: 'pg-boss',
      start: async () => {},
      enqueue: async (refs) => void sent.push(...refs),
      cancel: async () => {},
      depth: async () => ({ queued: 0, active: 0 }),
      inspect: async (ref) => (ref.seq === 0 ? 'failed' : 'missing'),
      stop: async () => {},
    };
    await repo.jobs.claim({ jobId: job.id, seq: 0, attempt: 0 }, 'a-worker-that-died');
    const quiet = { info() {}, warn() {}, error() {} };
    const jobs = new JobService(repo, queue, { work: false, sweepMs: 0, staleMs: 0, log: quiet });
    await new Promise((r) => setTimeout(r, 5));
    await jobs.sweep();
    const after = await jobs.get(job.id);
    assert.equal(after.status, 'failed');
    assert.match(after.error!, /retries ran out/);
    assert.ok(after.finishedAt);
    assert.deepEqual(sent, [{ jobId: job.id, seq: 1, attempt: 0 }], 'the chunk the queue never got is sent again');
  } finally {
    await repo.close();
    await db.cleanup();
  }
});
