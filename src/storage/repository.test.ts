import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openRepository, type NewTag, type Repository } from './index.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

const VOCAB = [
  { id: 'eg', label: 'مصر', aliases: ['جمهورية مصر العربية'], type: 'place' as const },
  { id: 'cairo', label: 'القاهرة', type: 'place' as const, parent: 'eg' },
  { id: 'nile', label: 'نهر النيل', aliases: ['النيل'], type: 'place' as const },
  { id: 'football', label: 'كرة القدم', type: 'topic' as const },
];

const mention = (text: string, start = 0) => ({ field: 'body' as const, start, end: start + text.length, text, kind: 'exact' as const, confidence: 1, matched: text });
const tag = (tagId: string, label: string, score = 1): NewTag => ({ tagId, label, score, type: 'place', mentions: [mention(label)] });

let tdb: TestDatabase;
let repo: Repository;

before(async () => {
  tdb = await createTestDatabase('wasim-repo');
  repo = openRepository(tdb.url);
  await repo.migrate();
  assert.equal(await repo.seedVocabulary(() => VOCAB, 'test:1', { replaceIfChanged: false }), true);
});

after(async () => {
  await repo?.close();
  await tdb?.cleanup();
});

describe(`repository (${process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'sqlite'})`, () => {
  test('migrations are versioned: a second run applies nothing', async () => {
    assert.deepEqual(await repo.migrate(), []);
    await repo.ping();
  });

  test('the vocabulary is seeded once; a changed seed replaces it only when asked', async () => {
    assert.equal(await repo.vocabularySize(), 4);
    const version = await repo.vocabularyVersion();
    assert.ok(version >= 1);
    assert.equal(await repo.seedVocabulary(() => [{ label: 'غزة' }], 'test:2', { replaceIfChanged: false }), false);
    assert.equal(await repo.vocabularySize(), 4);
    assert.equal(await repo.vocabularyVersion(), version);
  });

  test('storing is idempotent on external id and on URL', async () => {
    const input = { externalId: 'cms-1', url: 'https://example.com/1', title: 'القاهرة تستضيف', body: 'قال مسؤولون في القاهرة إن مصر…', publishedAt: '2024-03-05T10:00:00.000Z' };
    const [first] = await repo.storeArticles([{ input, tags: [tag('cairo', 'القاهرة', 2), tag('eg', 'مصر', 1)] }], 1);
    assert.equal(first!.created, true);
    assert.deepEqual(first!.article.tags.map((t) => t.id), ['cairo', 'eg']);
    assert.ok(first!.article.tags.every((t) => t.status === 'suggested'));
    const [again] = await repo.storeArticles([{ input: { ...input, title: 'changed' }, tags: [] }], 1);
    assert.equal(again!.created, false);
    assert.equal(again!.article.id, first!.article.id);
    assert.equal(again!.article.title, 'القاهرة تستضيف');
    const [byUrl] = await repo.storeArticles([{ input: { url: input.url, title: 'x', body: 'y' }, tags: [] }], 1);
    assert.equal(byUrl!.created, false);
    assert.equal(byUrl!.article.id, first!.article.id);
  });

  test('a batch is one transaction: a failing item leaves nothing behind', async () => {
    const before = await repo.countArticles({});
    await assert.rejects(
      repo.storeArticles(
        [
          { input: { externalId: 'batch-ok', title: 'النيل', body: 'نهر النيل' }, tags: [tag('nile', 'نهر النيل')] },
          { input: { externalId: 'batch-bad', title: null as unknown as string, body: 'x' }, tags: [] },
        ],
        1,
      ),
    );
    assert.equal(await repo.countArticles({}), before);
    assert.equal(await repo.findArticle({ externalId: 'batch-ok' }), undefined);
  });

  test('tags missing from the vocabulary (deleted meanwhile) are not stored', async () => {
    const [r] = await repo.storeArticles([{ input: { title: 'عنوان', body: 'نص عن النيل' }, tags: [tag('nile', 'نهر النيل'), tag('gone', 'محذوف')] }], 1);
    assert.deepEqual(r!.article.tags.map((t) => t.id), ['nile']);
  });

  test('listing filters by tag, folded text, date range; pages by offset and by cursor', async () => {
    await repo.storeArticles(
      [
        { input: { externalId: 'l-1', title: 'مباراة كرة القدم', body: 'في استاد القاهرة الدولي', publishedAt: '2023-01-10T00:00:00.000Z' }, tags: [tag('football', 'كرة القدم'), tag('cairo', 'القاهرة')] },
        { input: { externalId: 'l-2', title: 'الأهرامات', body: 'زار السياح أهرامات الجيزة في مصر', publishedAt: '2023-02-10T00:00:00.000Z' }, tags: [tag('eg', 'مصر')] },
        { input: { externalId: 'l-3', title: 'النيل', body: 'فيضان نهر النيل', publishedAt: '2023-03-10T00:00:00.000Z' }, tags: [tag('nile', 'نهر النيل')] },
      ],
      1,
    );
    const cairo = await repo.listArticles({ tags: ['cairo'] }, { limit: 10 });
    assert.ok(cairo.items.some((a) => a.externalId === 'l-1'));
    assert.ok(cairo.items.every((a) => a.tags.some((t) => t.id === 'cairo')));
    assert.equal(cairo.total, cairo.items.length);
    // Hamza folded: الاهرامات finds الأهرامات.
    const q = await repo.listArticles({ q: 'الاهرامات' }, { limit: 10 });
    assert.deepEqual(q.items.map((a) => a.externalId), ['l-2']);
    const range = await repo.listArticles({ from: '2023-02-01T00:00:00.000Z', to: '2023-03-31T23:59:59.999Z' }, { limit: 10 });
    assert.deepEqual(range.items.map((a) => a.externalId).sort(), ['l-2', 'l-3']);
    const all = await repo.listArticles({}, { limit: 100 });
    const p1 = await repo.listArticles({}, { limit: 2 });
    const p2 = await repo.listArticles({}, { limit: 2, before: p1.nextBefore! });
    const p2offset = await repo.listArticles({}, { limit: 2, offset: 2 });
    assert.equal(p1.total, all.items.length);
    assert.deepEqual([...p1.items, ...p2.items].map((a) => a.id), all.items.slice(0, 4).map((a) => a.id));
    assert.deepEqual(p2offset.items.map((a) => a.id), p2.items.map((a) => a.id));
    // LIKE wildcards in the query are literal.
    assert.equal((await repo.listArticles({ q: '%' }, { limit: 10 })).total, 0);
  });

  test('editor decisions change statuses and are logged, and the log outlives the article', async () => {
    const [r] = await repo.storeArticles([{ input: { externalId: 'd-1', title: 'القاهرة', body: 'مصر' }, tags: [tag('cairo', 'القاهرة'), tag('eg', 'مصر')] }], 1);
    const id = r!.article.id;
    const updated = await repo.decideTags(
      id,
      [
        { action: 'reject', tagId: 'eg' },
        { action: 'accept', tagId: 'cairo' },
        { action: 'add', tagId: 'nile' },
      ],
      'layla',
    );
    const status = Object.fromEntries(updated.tags.map((t) => [t.id, t.status]));
    assert.deepEqual(status, { cairo: 'accepted', eg: 'rejected', nile: 'added' });
    await assert.rejects(repo.decideTags(id, [{ action: 'accept', tagId: 'football' }], 'layla'), { code: 'NOT_FOUND' });
    await assert.rejects(repo.decideTags(id, [{ action: 'add', tagId: 'no-such-tag' }], 'layla'), { code: 'NOT_FOUND' });
    await assert.rejects(repo.decideTags(999999, [{ action: 'accept', tagId: 'eg' }], 'layla'), { code: 'NOT_FOUND' });
    const log = await repo.listDecisions({ articleId: id }, { limit: 10 });
    assert.equal(log.total, 3);
    assert.deepEqual(
      log.items.map((d) => [d.tagId, d.action, d.fromStatus, d.toStatus, d.editor]).reverse(),
      [
        ['eg', 'reject', 'suggested', 'rejected', 'layla'],
        ['cairo', 'accept', 'suggested', 'accepted', 'layla'],
        ['nile', 'add', null, 'added', 'layla'],
      ],
    );
    // Rejected tags do not count and do not match a tag filter.
    assert.ok(!(await repo.listArticles({ tags: ['eg'] }, { limit: 100 })).items.some((a) => a.id === id));
    // Re-tagging replaces suggestions but keeps decisions.
    await repo.retagArticle(id, [tag('eg', 'مصر', 3), tag('football', 'كرة القدم', 2)], 2);
    const retagged = await repo.getArticle(id);
    const after = Object.fromEntries(retagged!.tags.map((t) => [t.id, t.status]));
    assert.deepEqual(after, { cairo: 'accepted', eg: 'rejected', nile: 'added', football: 'suggested' });
    assert.equal(retagged!.tags.find((t) => t.id === 'eg')!.score, 3);
    assert.equal(retagged!.taggedVersion, 2);
    assert.equal(await repo.deleteArticle(id), true);
    assert.equal(await repo.deleteArticle(id), false);
    assert.equal(await repo.getArticle(id), undefined);
    assert.equal((await repo.listDecisions({ articleId: id }, { limit: 10 })).total, 3);
  });

  test('merging two tags pools their names and repoints article tags', async () => {
    await repo.addVocabulary({ id: 'cairo-2', label: 'مدينة القاهرة', aliases: ['القاهره الكبرى'], type: 'place' });
    await assert.rejects(repo.addVocabulary({ id: 'cairo-2', label: 'x' }), { code: 'CONFLICT' });
    const [both] = await repo.storeArticles([{ input: { externalId: 'm-1', title: 'القاهرة', body: 'مدينة القاهرة' }, tags: [tag('cairo', 'القاهرة'), tag('cairo-2', 'مدينة القاهرة')] }], 1);
    const [onlyFrom] = await repo.storeArticles([{ input: { externalId: 'm-2', title: 'مدينة القاهرة', body: '' }, tags: [tag('cairo-2', 'مدينة القاهرة')] }], 1);
    await repo.decideTags(onlyFrom!.article.id, [{ action: 'accept', tagId: 'cairo-2' }], 'omar');
    const version = await repo.vocabularyVersion();
    const merged = await repo.mergeVocabulary('cairo-2', 'cairo');
    assert.deepEqual(merged.aliases, ['مدينة القاهرة', 'القاهره الكبرى']);
    assert.equal(merged.parent, 'eg');
    assert.ok((await repo.vocabularyVersion()) > version);
    assert.equal(await repo.getVocabulary('cairo-2'), undefined);
    assert.deepEqual((await repo.getArticle(both!.article.id))!.tags.map((t) => t.id).sort(), ['cairo']);
    const moved = (await repo.getArticle(onlyFrom!.article.id))!.tags;
    assert.deepEqual(moved.map((t) => [t.id, t.tag, t.status]), [['cairo', 'القاهرة', 'accepted']]);
    await assert.rejects(repo.mergeVocabulary('cairo', 'cairo'), { code: 'CONFLICT' });
    await assert.rejects(repo.mergeVocabulary('nope', 'cairo'), { code: 'NOT_FOUND' });
  });

  test('import merges by id or folded label, keeps fields a plain list lacks, and replace removes the rest', async () => {
    const summary = await repo.importVocabulary([{ label: 'مِصر' }, { label: 'غزة' }, { id: 'nile', label: 'نهر النيل', aliases: ['النيل', 'نيل مصر'] }], 'merge');
    assert.deepEqual(summary, { added: 1, updated: 2, removed: 0 });
    const eg = await repo.getVocabulary('eg');
    assert.equal(eg!.type, 'place');
    assert.deepEqual(eg!.aliases, ['جمهورية مصر العربية']);
    assert.deepEqual((await repo.getVocabulary('nile'))!.aliases, ['النيل', 'نيل مصر']);
    assert.equal((await repo.resolveVocabulary('غزه'))?.label, 'غزة');
    assert.equal((await repo.resolveVocabulary('مصر'))?.id, 'eg');
    const listed = await repo.listVocabulary({ q: 'النيل' }, { limit: 10 });
    assert.deepEqual(listed.items.map((e) => e.id), ['nile']);
    const places = await repo.listVocabulary({ type: 'place' }, { limit: 2 });
    assert.equal(places.items.length, 2);
    assert.ok(places.total >= 3);
    const size = await repo.vocabularySize();
    const replaced = await repo.importVocabulary([{ id: 'eg', label: 'مصر' }, { id: 'cairo', label: 'القاهرة' }], 'replace');
    assert.equal(replaced.removed, size - 2);
    assert.deepEqual((await repo.allVocabulary()).map((e) => e.id).sort(), ['cairo', 'eg']);
  });

  test('tags are listed with article counts and monthly counts', async () => {
    const [r] = await repo.storeArticles([{ input: { externalId: 't-1', title: 'مصر', body: 'القاهرة', publishedAt: '2022-07-01T00:00:00.000Z' }, tags: [tag('eg', 'مصر'), tag('cairo', 'القاهرة')] }], 1);
    assert.ok(r!.created);
    const tags = await repo.listTags({}, { limit: 50 });
    assert.ok(tags.items.every((t) => t.count > 0));
    const eg = tags.items.find((t) => t.id === 'eg');
    const egDetail = await repo.getTag('eg');
    assert.equal(egDetail!.count, eg!.count);
    assert.ok(egDetail!.months.some((m) => m.month === '2022-07' && m.count === 1));
    assert.equal(await repo.getTag('nope'), undefined);
  });

  test('jobs record progress', async () => {
    const job = await repo.createJob('retag', { tag: 'eg' });
    assert.equal(job.status, 'queued');
    await repo.updateJob(job.id, { status: 'running', total: 10 });
    await repo.updateJob(job.id, { done: 10, status: 'done' });
    const done = await repo.getJob(job.id);
    assert.equal(done!.status, 'done');
    assert.equal(done!.done, 10);
    assert.ok(done!.finishedAt);
    assert.deepEqual(done!.params, { tag: 'eg' });
    assert.equal(await repo.getJob(999999), undefined);
  });

  test('a re-tag job writes each article once: a chunk run again replaces nothing and skips what it did', async () => {
    const stored = await repo.storeArticles(
      [0, 1, 2, 3, 4].map((i) => ({ input: { externalId: `retag-${i}`, title: `القاهرة ${i}`, body: 'خبر من القاهرة عن نهر النيل.' }, tags: [tag('football', 'كرة القدم', 0.1)] })),
      1,
    );
    const ids = stored.map((r) => r.article.id);
    await repo.addVocabulary({ id: 'retag-a', label: 'الزمالك', type: 'organisation' });
    await repo.addVocabulary({ id: 'retag-b', label: 'الجيزة', type: 'place' });
    const [range] = await repo.planArticleRanges({ ids }, 10);
    assert.deepEqual(range, { firstId: ids[0], lastId: ids[4], total: 5 });
    assert.deepEqual(
      (await repo.planArticleRanges({ ids }, 2)).map((r) => r.total),
      [2, 2, 1],
    );
    const job = await repo.jobs.create({ kind: 'retag', params: {}, spec: {}, chunks: [range!] });
    assert.equal((await repo.articlesToRetag({ ids }, range!, job.id, 100)).length, 5);
    const fresh = [tag('retag-a', 'الزمالك', 2), tag('retag-b', 'الجيزة', 1)];
    assert.equal(await repo.retagArticle(ids[0]!, fresh, 7, job.id), true);
    assert.equal(await repo.retagArticle(ids[1]!, fresh, 7, job.id), true);
    // The chunk is run again (its worker was taken for dead): the two done are skipped.
    assert.equal(await repo.countArticlesToRetag({ ids }, range!, job.id), 3);
    assert.equal(await repo.retagArticle(ids[0]!, [tag('retag-a', 'الزمالك', 9)], 8, job.id), false, 'already re-tagged by this job');
    assert.equal((await repo.getArticle(ids[0]!))!.tags.find((t) => t.id === 'retag-a')!.score, 2, 'left as the first run wrote it');
    const first = await repo.getArticle(ids[0]!);
    assert.deepEqual(first!.tags.map((t) => t.id).sort(), ['retag-a', 'retag-b'], 'the stale suggestion went, nothing doubled');
    assert.equal(first!.taggedVersion, 7);
    // Another job re-tags it again.
    const next = await repo.jobs.create({ kind: 'retag', params: {}, spec: {}, chunks: [range!] });
    assert.equal(await repo.countArticlesToRetag({ ids }, range!, next.id), 5);
    assert.equal(await repo.retagArticle(ids[0]!, fresh, 8, next.id), true);
  });

  test('job chunks: a run of an earlier attempt, or of a cancelled job, writes nothing', async () => {
    const job = await repo.jobs.create({ kind: 'k', params: { a: 1 }, spec: { secret: true }, chunks: [{ firstId: 1, lastId: 5, total: 5 }, { firstId: 6, lastId: 9, total: 4 }] });
    assert.equal(job.total, 9);
    assert.deepEqual(job.chunks, { total: 2, queued: 2, running: 0, done: 0, failed: 0, cancelled: 0 });
    assert.equal('spec' in job, false, 'the spec is the workers\' business');
    const a = { jobId: job.id, seq: 0, attempt: 0 };
    const b = { jobId: job.id, seq: 1, attempt: 0 };
    const claim = await repo.jobs.claim(a, 'w1');
    assert.equal(claim!.job.status, 'running');
    assert.deepEqual(claim!.job.spec, { secret: true });
    assert.equal(await repo.jobs.progress(a, 3), true);
    assert.equal((await repo.getJob(job.id))!.done, 3);
    // Taken over by another worker (same attempt): allowed, and counted as a second run.
    assert.equal((await repo.jobs.claim(a, 'w2'))!.chunk.runs, 2);
    await repo.jobs.complete(a, 5);
    assert.equal(await repo.jobs.progress(a, 1), false, 'a finished chunk takes no more progress');
    await repo.jobs.fail(b, { message: 'boom' }, false);
    assert.equal((await repo.getJob(job.id))!.status, 'running', 'a failure with tries left fails nothing');
    const { job: cancelled } = await repo.jobs.cancel(job.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(await repo.jobs.claim(b, 'w1'), undefined, 'a cancelled job gives no chunk');
    const { queued } = await repo.jobs.retry(job.id);
    assert.deepEqual(queued.map((c) => [c.seq, c.attempt]), [[1, 1]]);
    assert.equal(await repo.jobs.claim(b, 'w1'), undefined, 'the run of the earlier attempt is stale');
    const b1 = { ...b, attempt: 1 };
    assert.ok(await repo.jobs.claim(b1, 'w1'));
    await repo.jobs.fail(b1, { message: 'bad input', code: 'VALIDATION' }, true);
    const failed = (await repo.getJob(job.id))!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.errorCode, 'VALIDATION');
    assert.equal(failed.error, 'bad input');
    assert.equal(failed.done, 5);
    await assert.rejects(repo.jobs.cancel(job.id), { code: 'CONFLICT' });
    await assert.rejects(repo.jobs.retry(999999), { code: 'NOT_FOUND' });
  });

  test('settings: set-if-absent stores once', async () => {
    assert.equal(await repo.setSettingIfAbsent('k', 'v1'), true);
    assert.equal(await repo.setSettingIfAbsent('k', 'v2'), false);
    assert.equal(await repo.getSetting('k'), 'v1');
    await repo.setSetting('k', 'v3');
    assert.equal(await repo.getSetting('k'), 'v3');
  });
});
