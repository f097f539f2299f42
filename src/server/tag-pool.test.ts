/**
 * Tagging on the worker-thread pool: the same results as on the event loop, vocabulary swaps
 * under concurrent requests, a burst far beyond capacity, the deadline, a thread that dies.
 * Real servers on 127.0.0.1, real threads, Arabic news text written for the tests.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileVocabulary, learnAdaptation, parseVocabulary, serializeCompiled } from '../core/index.js';
import { createNodeTagger } from '../node/tagger.js';
import { newsArticle, NEWS_PARAGRAPHS } from '../bench/news-text.js';
import { TagPool } from './tag-pool.js';
import { VersionedTaggers } from './tag-task.js';
import { ARTICLES, assertError, startTestServer, tagIds, waitForJob, type Reply, type TestServer } from './testing.js';

const ARABIC_ARTICLES = [
  { id: 'energy', ...newsArticle(1650, 0) },
  { id: 'cairo', ...newsArticle(900, 2) },
  { id: 'health', ...newsArticle(2500, 4) },
  { id: 'long', ...newsArticle(40_000, 7) },
  { id: 'nile', title: ARTICLES.nile.title, body: ARTICLES.nile.body },
];

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  assert.ok(line, `metric ${name} present`);
  return Number(line.slice(name.length + 1));
}

test('a thread keeps a tagger per vocabulary version: built once, the two newest kept', () => {
  const entries = parseVocabulary('{"id":"eg","label":"مصر"}\n{"id":"sd","label":"السودان"}', 'jsonl').entries.map((e) => ({ ...e, id: e.id! }));
  const share = (list: typeof entries) => {
    const bytes = serializeCompiled(compileVocabulary(list));
    const shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    return shared;
  };
  const v1 = share(entries.slice(0, 1));
  const v2 = share(entries);
  const taggers = new VersionedTaggers({});
  const article = { title: 'مصر والسودان', body: 'اتفقت مصر والسودان على التنسيق.' };
  const first = taggers.taggerFor(1, v1);
  assert.equal(taggers.taggerFor(1, v1), first, 'the same version is not built again');
  const r1 = taggers.run({ version: 1, vocabulary: v1, article });
  const r2 = taggers.run({ version: 2, vocabulary: v2, article });
  assert.ok(r1.ok && r2.ok);
  assert.deepEqual(r1.results.map((r) => r.id), ['eg']);
  assert.deepEqual(r2.results.map((r) => r.id).sort(), ['eg', 'sd']);
  assert.equal(r2.version, 2, 'a result names the version that made it');
  taggers.taggerFor(3, v2);
  assert.deepEqual(taggers.versions, [2, 3], 'at most two versions are held');
  const t0 = Date.now();
  taggers.taggerFor(2, v2, t0);
  taggers.taggerFor(3, v2, t0 + 5_000);
  assert.deepEqual(taggers.versions, [2, 3], 'an older version still in use is kept');
  taggers.taggerFor(3, v2, t0 + 20_000);
  assert.deepEqual(taggers.versions, [3], 'an older version no task asked for lately is dropped');
  const bad = taggers.run({ version: 4, vocabulary: v2, article: { title: '', body: '' } });
  assert.ok(!bad.ok && bad.code === 'EMPTY_INPUT', 'a tagger error comes back as its code');
});

test('a pool with no queue: one article per thread, the next refused at once, work of the service itself waits', async () => {
  const entries = parseVocabulary('{"id":"eg","label":"مصر"}\n{"id":"sd","label":"السودان"}', 'jsonl').entries.map((e) => ({ ...e, id: e.id! }));
  const bytes = serializeCompiled(compileVocabulary(entries));
  const vocabulary = new SharedArrayBuffer(bytes.length);
  new Uint8Array(vocabulary).set(bytes);
  const pool = new TagPool({ threads: 1, maxQueue: 0, deadlineMs: 0, tagger: {} });
  try {
    await pool.prime(1, vocabulary);
    const article = newsArticle(100_000, 2);
    const first = pool.run({ version: 1, vocabulary, article });
    const refused = await pool.run({ version: 1, vocabulary, article }).then(
      () => undefined,
      (e: any) => e,
    );
    assert.equal(refused?.code, 'BUSY');
    assert.ok(refused.details.retryAfterSeconds >= 1);
    const background = pool.run({ version: 1, vocabulary, article: { title: 'السودان', body: 'زيارة إلى السودان.' } }, { background: true });
    assert.ok((await first).results.some((r) => r.id === 'eg'));
    assert.deepEqual((await background).results.map((r) => r.id), ['sd']);
    assert.equal(pool.stats().refused.queueFull, 1);
    assert.ok((await pool.run({ version: 1, vocabulary, article })).results.length > 0, 'an idle thread takes the next article');
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.run({ version: 1, vocabulary, article: { title: 'مصر', body: '' } }), { code: 'NOT_READY' });
});

test('through the pool, tags equal those made on the event loop (default vocabulary, /v1/tag and /v1/articles)', async () => {
  // The default vocabulary: big enough to be compiled on a thread and shared serialised.
  const pooled = await startTestServer({ tagThreads: 2, vocab: undefined });
  const inline = await startTestServer({ tagThreads: 0, vocab: undefined });
  try {
    // Two threads for most articles, one of lower priority for those of 20,000 characters or more.
    assert.equal(pooled.wasim.context.tagger.poolStats()?.lanes.standard.threads, 2);
    assert.equal(pooled.wasim.context.tagger.poolStats()?.lanes.long?.threads, 1);
    assert.equal(inline.wasim.context.tagger.poolStats(), undefined);
    for (const query of ['', '?explain=true', '?top=3&minScore=0.2']) {
      for (const a of ARABIC_ARTICLES) {
        const [p, i] = await Promise.all([pooled.request('POST', `/v1/tag${query}`, { body: a }), inline.request('POST', `/v1/tag${query}`, { body: a })]);
        assert.equal(p.status, 200, p.text);
        assert.equal(p.text, i.text, `${a.id}${query}: same answer through the pool`);
        assert.equal(p.headers.get('x-wasim-vocabulary-version'), String(pooled.wasim.context.tagger.current!.version));
      }
    }
    const { lanes } = pooled.wasim.context.tagger.poolStats()!;
    // The 40,000-character article went to the long lane (3 queries, and the priming), the rest did not.
    assert.equal(lanes.long!.tasks, 3 + 1);
    assert.equal(lanes.standard.tasks, 3 * (ARABIC_ARTICLES.length - 1) + 2);
    const metrics = await pooled.request('GET', '/metrics');
    assert.equal(metric(metrics.text, 'wasim_tag_pool_threads{lane="long"}'), 1);
    assert.equal(metric(metrics.text, 'wasim_tag_pool_tasks_total{lane="long"}'), 4);
    const energy = await pooled.request('POST', '/v1/tag', { body: ARABIC_ARTICLES[0] });
    assert.ok(energy.json.tags.some((t: any) => t.tag === 'أرامكو'), energy.text);
    const batch = ARABIC_ARTICLES.map((a) => ({ externalId: a.id, title: a.title, body: a.body }));
    const [p, i] = await Promise.all([pooled.request('POST', '/v1/articles?explain=true', { body: batch }), inline.request('POST', '/v1/articles?explain=true', { body: batch })]);
    assert.equal(p.status, 201, p.text);
    for (let k = 0; k < batch.length; k++) {
      assert.deepEqual(p.json.items[k].article.tags, i.json.items[k].article.tags, `${batch[k]!.externalId}: same stored tags`);
      assert.equal(p.json.items[k].article.taggedVersion, pooled.wasim.context.tagger.current!.version);
    }
  } finally {
    await pooled.close();
    await inline.close();
  }
});

test('a vocabulary swap under concurrent requests: none fails, each result matches the version it names, later ones use the new version', async () => {
  const server = await startTestServer({ tagThreads: 2 });
  try {
    const text = { title: 'اجتماع في الخرطوم', body: 'عقد في الخرطوم اجتماع لبحث ملف مياه النيل بين مصر والسودان.' };
    const before = server.wasim.context.tagger.current!.version;
    let stop = false;
    const seen: { version: number; khartoum: boolean; sentAt: number }[] = [];
    const failures: Reply[] = [];
    let swappedAt = Infinity;
    const client = async () => {
      while (!stop) {
        const sentAt = Date.now();
        const r = await server.request('POST', '/v1/tag', { body: text });
        if (r.status !== 200) failures.push(r);
        else seen.push({ version: Number(r.headers.get('x-wasim-vocabulary-version')), khartoum: r.json.tags.some((t: any) => t.tag === 'الخرطوم'), sentAt });
      }
    };
    const clients = Array.from({ length: 6 }, client);
    await until('requests before the swap', () => seen.length >= 20);
    const added = await server.request('POST', '/v1/vocabulary?wait=true', { body: { id: 'khartoum', label: 'الخرطوم', type: 'place' } });
    assert.equal(added.status, 201, added.text);
    swappedAt = Date.now();
    const after = server.wasim.context.tagger.current!.version;
    assert.ok(after > before);
    const count = seen.length;
    await until('requests after the swap', () => seen.length >= count + 20);
    stop = true;
    await Promise.all(clients);
    assert.deepEqual(failures.map((f) => f.text), [], 'no request failed during the swap');
    for (const s of seen) {
      assert.ok(s.version === before || s.version === after, `version ${s.version}`);
      assert.equal(s.khartoum, s.version === after, 'the tags are those of the version the answer names');
    }
    // Requests sent once the edit was answered (?wait=true: the new tagger serves) use the new vocabulary.
    const late = seen.filter((s) => s.sentAt > swappedAt);
    assert.ok(late.length > 0);
    assert.ok(late.every((s) => s.version === after && s.khartoum));
    assert.ok(seen.some((s) => s.version === before), 'some requests ran before the swap');

    // A re-tag job goes through the pool too, and records the new version.
    const stored = await server.request('POST', '/v1/articles', { body: { externalId: 'k1', ...text } });
    assert.equal(stored.status, 201);
    await server.request('POST', '/v1/vocabulary?wait=true', { body: { id: 'omdurman', label: 'أم درمان', type: 'place' } });
    const newest = server.wasim.context.tagger.current!.version;
    const job = await server.request('POST', '/v1/retag', { body: { ids: [stored.json.id] } });
    assert.equal(job.status, 202);
    assert.equal((await waitForJob(server, job.json.id)).status, 'done');
    const retagged = await server.request('GET', `/v1/articles/${stored.json.id}`);
    assert.equal(retagged.json.taggedVersion, newest);
    assert.ok(tagIds(retagged.json).includes('khartoum'));
  } finally {
    await server.close();
  }
});

test('a burst of ten times the capacity: clean 503 BUSY answers with Retry-After, no crash, and the service answers after', async () => {
  const threads = 2;
  const maxQueue = 4;
  const server = await startTestServer({ tagThreads: threads, tagQueue: maxQueue, tagLongChars: 0 });
  try {
    const big = newsArticle(100_000, 3);
    const burst = 10 * (threads + maxQueue);
    const replies = await Promise.all(Array.from({ length: burst }, () => server.request('POST', '/v1/tag', { body: big })));
    const ok = replies.filter((r) => r.status === 200);
    const busy = replies.filter((r) => r.status !== 200);
    for (const r of busy) {
      assertError(r, 'BUSY');
      assert.match(r.headers.get('retry-after') ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');
    }
    assert.ok(ok.length >= threads + maxQueue, `at least the capacity is served (${ok.length})`);
    assert.ok(busy.length > 0, 'the rest is refused');
    assert.ok(ok.every((r) => r.json.tags.length > 0));
    const metrics = await server.request('GET', '/metrics');
    assert.equal(metric(metrics.text, 'wasim_tag_pool_refused_total{lane="standard",reason="queue_full"}'), busy.length);
    assert.equal(metric(metrics.text, 'wasim_tag_pool_threads{lane="standard"}'), threads);
    assert.equal(metric(metrics.text, 'wasim_tag_pool_queue_limit{lane="standard"}'), maxQueue);
    assert.equal(metric(metrics.text, 'wasim_tag_pool_queue_depth{lane="standard"}'), 0);
    assert.ok(metric(metrics.text, 'wasim_tag_pool_busy_seconds_total{lane="standard"}') > 0);
    assert.equal((await server.request('GET', '/healthz')).status, 200);
    const after = await server.request('POST', '/v1/tag', { body: ARTICLES.nile });
    assert.equal(after.status, 200);
    assert.ok(after.json.tags.some((t: any) => t.tag === 'مصر'));
  } finally {
    await server.close();
  }
});

test('past the deadline: 504 TAG_TIMEOUT, nothing stored, and the threads serve on', async () => {
  const server = await startTestServer({ tagThreads: 1, tagDeadlineMs: 5, tagLongChars: 0 });
  try {
    // A long article takes far more than 5 ms to tag; a second one waits behind it.
    const big = newsArticle(150_000, 1);
    const [tagged, stored] = await Promise.all([server.request('POST', '/v1/tag', { body: big }), server.request('POST', '/v1/articles', { body: { externalId: 'late', ...big } })]);
    assertError(tagged, 'TAG_TIMEOUT');
    assertError(stored, 'TAG_TIMEOUT');
    assert.equal((await server.request('GET', '/v1/articles')).json.total, 0, 'nothing stored');
    const pool = server.wasim.context.tagger.tagPool!;
    await until('the queue to drain', () => pool.stats().queued === 0 && pool.stats().busy === 0);
    assert.equal(pool.stats().refused.deadline, 2);
    assert.equal(pool.workers.length, 1, 'the thread was not replaced for a deadline');
    // The same thread still tags, given the time.
    const r = await pool.run({ version: server.wasim.context.tagger.current!.version, vocabulary: server.wasim.context.tagger.current!.shared!, article: { title: ARTICLES.nile.title, body: ARTICLES.nile.body } }, { deadlineMs: 0 });
    assert.ok(r.results.some((t) => t.tag === 'مصر'));
  } finally {
    await server.close();
  }
});

test('a thread that dies mid-request: the request gets 500 WORKER_FAILED, not a hang, and a new thread serves the next', async () => {
  const server: TestServer = await startTestServer({ tagThreads: 2, tagLongChars: 0 });
  try {
    const pool = server.wasim.context.tagger.tagPool!;
    const big = newsArticle(150_000, 5);
    const pending = server.request('POST', '/v1/tag', { body: big });
    await until('the article to reach a thread', () => pool.stats().busy > 0);
    // As a crash would: every thread goes away while the article is being tagged.
    await Promise.all(pool.workers.map((w) => w.terminate()));
    const failed = await pending;
    assertError(failed, 'WORKER_FAILED');
    assert.equal(pool.stats().refused.workerFailed, 1);
    const next = await server.request('POST', '/v1/tag', { body: { title: 'ندوة', body: NEWS_PARAGRAPHS[1]! } });
    assert.equal(next.status, 200, next.text);
    assert.ok(next.json.tags.some((t: any) => t.tag === 'السودان'), next.text);
    assert.equal(pool.workers.length, 2, 'the threads were replaced');
  } finally {
    await server.close();
  }
});

test("a thread applies the newsroom's adaptation the task names: the same tags as the adapted tagger on the event loop", () => {
  const entries = parseVocabulary(
    ['{"id":"sa","label":"السعودية","type":"place"}', '{"id":"riyadh","label":"الرياض","type":"place","parent":"sa"}', '{"id":"moh","label":"وزارة الصحة","type":"organisation"}'].join('\n'),
    'jsonl',
  ).entries.map((e) => ({ ...e, id: e.id! }));
  const compiled = compileVocabulary(entries);
  const bytes = serializeCompiled(compiled);
  const vocabulary = new SharedArrayBuffer(bytes.length);
  new Uint8Array(vocabulary).set(bytes);
  const article = {
    title: 'وزارة الصحة تطلق حملة للتطعيم في الرياض',
    body: 'أعلنت وزارة الصحة اليوم في الرياض إطلاق حملة وطنية للتطعيم. وقال المتحدث باسم وزارة الصحة إن الحملة تشمل المدارس في الرياض.',
  };
  const shipped = createNodeTagger(compiled);
  assert.ok(shipped.tag(article).some((t) => t.id === 'riyadh'), 'the shipped model tags الرياض');
  // Ten editors' rejections of الرياض in this very article: the adaptation drops it.
  const decisions = Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, ...article, accepted: ['moh'], rejected: ['riyadh'], added: [] }));
  const model = learnAdaptation(shipped, decisions);
  const adapted = createNodeTagger(compiled, { adaptation: model });
  assert.ok(!adapted.tag(article).some((t) => t.id === 'riyadh'), 'the adapted model drops الرياض');
  const json = new TextEncoder().encode(JSON.stringify(model));
  const shared = new SharedArrayBuffer(json.length);
  new Uint8Array(shared).set(json);
  const taggers = new VersionedTaggers({});
  const plain = taggers.run({ version: 1, vocabulary, article });
  const withModel = taggers.run({ version: 1, vocabulary, adaptation: { version: 7, model: shared }, article });
  assert.ok(plain.ok && withModel.ok);
  assert.deepEqual(plain.results, shipped.tag(article), 'without an adaptation, the shipped tags');
  assert.deepEqual(withModel.results, adapted.tag(article), "with one, exactly the adapted tagger's tags");
  assert.equal(taggers.taggerFor(1, vocabulary, Date.now(), { version: 7, model: shared }), taggers.taggerFor(1, vocabulary, Date.now(), { version: 7, model: shared }), 'an adaptation version is built once per thread');
});
