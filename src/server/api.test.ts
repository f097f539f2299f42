/**
 * The API over real HTTP, on SQLite or (with DATABASE_URL=postgres://…) PostgreSQL:
 * tag, store, list by tag, correct tags, vocabulary edit → retag, idempotent store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ARTICLES, assertError, startTestServer, tagIds, waitForJob, type TestServer } from './testing.js';

let server: TestServer;
const stored: Record<string, any> = {};

before(async () => {
  server = await startTestServer({ maxBatch: 5 });
});

after(async () => {
  await server?.close();
});

describe(`API over HTTP (${process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'sqlite'})`, () => {
  test('POST /v1/tag tags without storing, in the CLI output shape', async () => {
    const r = await server.request('POST', '/v1/tag', { body: { id: 'x1', title: ARTICLES.nile.title, body: ARTICLES.nile.body }, token: false });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ['id', 'tags']);
    assert.equal(r.json.id, 'x1');
    const labels = r.json.tags.map((t: any) => t.tag);
    for (const must of ['مصر', 'السودان', 'نهر النيل']) assert.ok(labels.includes(must), `${must} in ${labels}`);
    assert.ok(!labels.includes('النادي الأهلي'));
    for (const t of r.json.tags) {
      assert.deepEqual(Object.keys(t), t.type ? ['tag', 'score', 'type', 'mentions', 'id'] : ['tag', 'score', 'mentions', 'id']);
      for (const m of t.mentions) assert.ok(typeof m.kind === 'string' && m.confidence >= 0.5 && m.confidence <= 1 && typeof m.matched === 'string', JSON.stringify(m));
      for (const m of t.mentions) {
        const field = m.field === 'title' ? ARTICLES.nile.title : ARTICLES.nile.body;
        assert.equal(field.slice(m.start, m.end), m.text);
      }
    }
    const explained = await server.request('POST', '/v1/tag?explain=true&top=1', { body: { title: ARTICLES.nile.title, body: ARTICLES.nile.body } });
    assert.equal(explained.json.id, null);
    assert.equal(explained.json.tags.length, 1);
    assert.equal(typeof explained.json.tags[0].id, 'string');
    assert.equal(typeof explained.json.tags[0].evidence, 'object');
    assert.equal((await server.request('GET', '/v1/articles')).json.total, 0, 'nothing stored');
  });

  test('POST /v1/articles stores and tags; the same external id or URL again returns the same article', async () => {
    const first = await server.request('POST', '/v1/articles', { body: ARTICLES.match });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('location'), `/v1/articles/${first.json.id}`);
    assert.equal(first.json.externalId, ARTICLES.match.externalId);
    assert.equal(first.json.publishedAt, '2024-03-10T18:00:00.000Z');
    assert.ok(tagIds(first.json).includes('ahly'), JSON.stringify(tagIds(first.json)));
    assert.ok(tagIds(first.json).includes('football'));
    assert.ok(tagIds(first.json).includes('cairo'));
    assert.ok(!tagIds(first.json).includes('sudan'));
    assert.ok(first.json.tags.every((t: any) => t.status === 'suggested' && t.mentions.length > 0));
    const again = await server.request('POST', '/v1/articles', { body: ARTICLES.match });
    assert.equal(again.status, 200);
    assert.equal(again.json.id, first.json.id);
    assert.deepEqual(again.json, first.json);
    const byUrl = await server.request('POST', '/v1/articles', { body: { url: ARTICLES.match.url, title: 'عنوان آخر', body: 'نص آخر' } });
    assert.equal(byUrl.status, 200);
    assert.equal(byUrl.json.id, first.json.id);
    stored.match = first.json;
  });

  test('a batch is stored in one request; items already stored come back with created=false', async () => {
    const r = await server.request('POST', '/v1/articles', { body: [ARTICLES.nile, ARTICLES.alexandria, ARTICLES.match] });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(
      r.json.items.map((i: any) => i.created),
      [true, true, false],
    );
    stored.nile = r.json.items[0].article;
    stored.alexandria = r.json.items[1].article;
    assert.equal(stored.nile.publishedAt, '2024-04-02T00:00:00.000Z');
    assert.equal(stored.alexandria.publishedAt, '2024-06-15T05:30:00.000Z');
    for (const must of ['eg', 'sudan', 'nile']) assert.ok(tagIds(stored.nile).includes(must), must);
    assert.ok(tagIds(stored.alexandria).includes('alexandria'));
    assert.ok(!tagIds(stored.alexandria).includes('cairo'));
    const same = await server.request('POST', '/v1/articles', { body: [ARTICLES.nile] });
    assert.equal(same.status, 200);
    assert.equal(same.json.items[0].article.id, stored.nile.id);
  });

  test('GET /v1/articles filters by tag, text and date, and pages', async () => {
    const byTag = await server.request('GET', '/v1/articles?tag=sudan');
    assert.equal(byTag.status, 200);
    assert.deepEqual(
      byTag.json.items.map((a: any) => a.id),
      [stored.nile.id],
    );
    assert.equal(byTag.json.total, 1);
    assert.ok(byTag.json.items[0].excerpt.length <= 280);
    const two = await server.request('GET', '/v1/articles?tag=eg&tag=nile');
    assert.deepEqual(
      two.json.items.map((a: any) => a.id),
      [stored.nile.id],
    );
    // Folded search: hamza and taa marbuta need not match the stored spelling.
    const text = await server.request('GET', `/v1/articles?q=${encodeURIComponent('الاسكندريه')}`);
    assert.deepEqual(
      text.json.items.map((a: any) => a.id),
      [stored.alexandria.id],
    );
    const dated = await server.request('GET', '/v1/articles?from=2024-04-01&to=2024-04-02');
    assert.deepEqual(
      dated.json.items.map((a: any) => a.id),
      [stored.nile.id],
    );
    const page1 = await server.request('GET', '/v1/articles?limit=2');
    assert.equal(page1.json.total, 3);
    assert.equal(page1.json.items.length, 2);
    assert.ok(page1.json.nextCursor);
    const page2 = await server.request('GET', `/v1/articles?limit=2&cursor=${page1.json.nextCursor}`);
    const viaOffset = await server.request('GET', '/v1/articles?limit=2&offset=2');
    assert.deepEqual(
      page2.json.items.map((a: any) => a.id),
      viaOffset.json.items.map((a: any) => a.id),
    );
    assert.equal(page2.json.items.length, 1);
    assert.equal(page2.json.nextCursor, null);
    const all = [...page1.json.items, ...page2.json.items].map((a: any) => a.id);
    assert.deepEqual(all, [stored.alexandria.id, stored.nile.id, stored.match.id]);
    const byExternal = await server.request('GET', `/v1/articles?externalId=${ARTICLES.nile.externalId}`);
    assert.deepEqual(
      byExternal.json.items.map((a: any) => a.id),
      [stored.nile.id],
    );
  });

  test('GET /v1/articles/:id returns the article with mentions that index its text, and evidence on request', async () => {
    const r = await server.request('GET', `/v1/articles/${stored.nile.id}`, { token: false });
    assert.equal(r.status, 200);
    assert.equal(r.json.body, ARTICLES.nile.body);
    for (const t of r.json.tags) for (const m of t.mentions) assert.equal(r.json[m.field].slice(m.start, m.end), m.text);
    assert.ok(r.json.tags.every((t: any) => t.evidence === undefined));
    const explained = await server.request('GET', `/v1/articles/${stored.nile.id}?explain=true`, { token: false });
    assert.ok(explained.json.tags.length > 0 && explained.json.tags.every((t: any) => typeof t.evidence === 'object'));
  });

  test('editors accept, reject and add tags; every decision is logged', async () => {
    const id = stored.match.id;
    const r = await server.request('PATCH', `/v1/articles/${id}/tags`, {
      body: { accept: ['ahly'], reject: ['cairo'], add: ['الإسكندرية'] },
      headers: { 'x-wasim-editor': 'layla' },
    });
    assert.equal(r.status, 200, r.text);
    const status = Object.fromEntries(r.json.tags.map((t: any) => [t.id, t.status]));
    assert.equal(status.ahly, 'accepted');
    assert.equal(status.cairo, 'rejected');
    assert.equal(status.alexandria, 'added');
    const log = await server.request('GET', `/v1/articles/${id}/decisions`);
    assert.equal(log.json.total, 3);
    assert.deepEqual(
      log.json.items.map((d: any) => [d.tagId, d.action, d.fromStatus, d.toStatus, d.editor]).sort(),
      [
        ['ahly', 'accept', 'suggested', 'accepted', 'layla'],
        ['alexandria', 'add', null, 'added', 'layla'],
        ['cairo', 'reject', 'suggested', 'rejected', 'layla'],
      ],
    );
    assert.ok(log.json.items.every((d: any) => !Number.isNaN(Date.parse(d.at))));
    // The body's editor wins over the header.
    const second = await server.request('PATCH', `/v1/articles/${id}/tags`, { body: { editor: 'omar', accept: ['football'] }, headers: { 'x-wasim-editor': 'layla' } });
    assert.equal(second.status, 200);
    const all = await server.request('GET', `/v1/decisions?editor=omar`);
    assert.deepEqual(
      all.json.items.map((d: any) => d.tagId),
      ['football'],
    );
    // A rejected tag no longer files the article under it.
    const cairo = await server.request('GET', '/v1/articles?tag=cairo');
    assert.ok(!cairo.json.items.some((a: any) => a.id === id));
    const alex = await server.request('GET', '/v1/articles?tag=alexandria');
    assert.ok(alex.json.items.some((a: any) => a.id === id));
    const unknown = await server.request('PATCH', `/v1/articles/${id}/tags`, { body: { accept: ['sudan'] } });
    assertError(unknown, 'NOT_FOUND');
    const nothing = await server.request('PATCH', `/v1/articles/${id}/tags`, { body: {} });
    assertError(nothing, 'VALIDATION');
  });

  test('GET /v1/tags counts articles per tag; GET /v1/tags/:id lists its articles by month', async () => {
    const r = await server.request('GET', '/v1/tags?limit=100');
    assert.equal(r.status, 200);
    const count = Object.fromEntries(r.json.items.map((t: any) => [t.id, t.count]));
    assert.equal(count.sudan, 1);
    assert.equal(count.alexandria, 2);
    assert.equal(count.cairo, undefined, 'the only cairo tag was rejected');
    for (const t of r.json.items) {
      const listed = await server.request('GET', `/v1/articles?tag=${encodeURIComponent(t.id)}&limit=1`);
      assert.equal(listed.json.total, t.count, t.id);
    }
    const all = await server.request('GET', '/v1/tags?all=true&limit=100');
    assert.equal(all.json.total, 7);
    assert.ok(all.json.items.some((t: any) => t.id === 'cairo' && t.count === 0));
    const tag = await server.request('GET', '/v1/tags/alexandria');
    assert.equal(tag.status, 200);
    assert.equal(tag.json.tag.label, 'الإسكندرية');
    assert.equal(tag.json.tag.parent, 'eg');
    assert.equal(tag.json.tag.count, 2);
    assert.deepEqual(tag.json.tag.months, [
      { month: '2024-03', count: 1 },
      { month: '2024-06', count: 1 },
    ]);
    assert.deepEqual(tag.json.articles.items.map((a: any) => a.id).sort(), [stored.match.id, stored.alexandria.id].sort());
    assertError(await server.request('GET', '/v1/tags/no-such-tag'), 'NOT_FOUND');
  });

  test('a vocabulary edit recompiles the tagger, and a retag job picks it up without undoing decisions', async () => {
    const before = await server.request('POST', '/v1/tag', { body: { title: ARTICLES.nile.title, body: ARTICLES.nile.body } });
    assert.ok(!before.json.tags.some((t: any) => t.tag === 'الخرطوم'));
    const added = await server.request('POST', '/v1/vocabulary?wait=true', { body: { id: 'khartoum', label: 'الخرطوم', type: 'place', parent: 'sudan' } });
    assert.equal(added.status, 201, added.text);
    const now = await server.request('POST', '/v1/tag', { body: { title: ARTICLES.nile.title, body: ARTICLES.nile.body } });
    assert.ok(now.json.tags.some((t: any) => t.tag === 'الخرطوم'), 'the new entry tags at once');
    // Stored articles keep their tags until re-tagged.
    assert.ok(!tagIds((await server.request('GET', `/v1/articles/${stored.nile.id}`)).json).includes('khartoum'));
    // An alias added to an entry: the match article's "استاد القاهرة الدولي" becomes a tag of its own.
    await server.request('POST', '/v1/vocabulary', { body: { id: 'stadium', label: 'استاد القاهرة الدولي', type: 'place' } });
    const job = await server.request('POST', '/v1/retag', { body: {} });
    assert.equal(job.status, 202, job.text);
    assert.equal(job.headers.get('location'), `/v1/jobs/${job.json.id}`);
    const done = await waitForJob(server, job.json.id);
    assert.equal(done.status, 'done', done.error);
    assert.equal(done.total, 3);
    assert.equal(done.done, 3);
    const nile = (await server.request('GET', `/v1/articles/${stored.nile.id}`)).json;
    assert.ok(tagIds(nile).includes('khartoum'));
    const match = (await server.request('GET', `/v1/articles/${stored.match.id}`)).json;
    assert.ok(tagIds(match).includes('stadium'));
    const status = Object.fromEntries(match.tags.map((t: any) => [t.id, t.status]));
    assert.equal(status.cairo, 'rejected', 'a rejection survives the retag');
    assert.equal(status.ahly, 'accepted');
    assert.equal(status.alexandria, 'added');
    assert.ok(match.taggedVersion > stored.match.taggedVersion);
    // A filtered retag touches only what it selects.
    const filtered = await server.request('POST', '/v1/retag', { body: { tag: 'السودان' } });
    assert.equal((await waitForJob(server, filtered.json.id)).total, 1);
  });

  test('vocabulary: search, edit, merge, delete', async () => {
    const search = await server.request('GET', `/v1/vocabulary?q=${encodeURIComponent('النيل')}`);
    assert.deepEqual(
      search.json.items.map((e: any) => e.id),
      ['nile'],
    );
    const places = await server.request('GET', '/v1/vocabulary?type=place&limit=2');
    assert.equal(places.json.items.length, 2);
    assert.ok(places.json.total >= 6);
    const patched = await server.request('PATCH', '/v1/vocabulary/sudan?wait=true', { body: { aliases: ['جمهورية السودان'], ambiguous: false, note: 'دولة' } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.json.aliases, ['جمهورية السودان']);
    assert.equal(patched.json.note, 'دولة');
    const cleared = await server.request('PATCH', '/v1/vocabulary/sudan', { body: { note: null } });
    assert.equal(cleared.json.note, undefined);
    const tagged = await server.request('POST', '/v1/tag', { body: { title: 'زيارة', body: 'وصل الوفد إلى جمهورية السودان أمس.' } });
    assert.ok(tagged.json.tags.some((t: any) => t.tag === 'السودان'), 'the new alias tags');
    const relabel = await server.request('PATCH', '/v1/vocabulary/alexandria?wait=true', { body: { label: 'الاسكندرية', aliases: ['الإسكندرية'] } });
    assert.equal(relabel.status, 200);
    const alexArticle = (await server.request('GET', `/v1/articles/${stored.alexandria.id}`)).json;
    assert.equal(alexArticle.tags.find((t: any) => t.id === 'alexandria').tag, 'الاسكندرية', 'stored tags follow a new label');
    const merged = await server.request('POST', '/v1/vocabulary/merge?wait=true', { body: { from: 'stadium', into: 'cairo' } });
    assert.equal(merged.status, 200, merged.text);
    assert.ok(merged.json.aliases.includes('استاد القاهرة الدولي'));
    assertError(await server.request('GET', '/v1/vocabulary/stadium'), 'NOT_FOUND');
    const match = (await server.request('GET', `/v1/articles/${stored.match.id}`)).json;
    assert.ok(!tagIds(match, true).includes('stadium'));
    assert.ok(tagIds(match, true).includes('cairo'));
    const del = await server.request('DELETE', '/v1/vocabulary/khartoum?wait=true');
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assertError(await server.request('DELETE', '/v1/vocabulary/khartoum'), 'NOT_FOUND');
    assert.ok(!tagIds((await server.request('GET', `/v1/articles/${stored.nile.id}`)).json).includes('khartoum'));
    assertError(await server.request('POST', '/v1/vocabulary', { body: { id: 'eg', label: 'مصر' } }), 'CONFLICT');
    assertError(await server.request('POST', '/v1/vocabulary', { body: { label: '   ' } }), 'BAD_VOCAB_LINE');
    assertError(await server.request('POST', '/v1/vocabulary', { body: { label: 'x', colour: 'red' } }), 'VALIDATION');
    assertError(await server.request('POST', '/v1/vocabulary/merge', { body: { from: 'eg', into: 'nope' } }), 'NOT_FOUND');
  });

  test('vocabulary import (txt, csv, jsonl) and export round-trip', async () => {
    const txt = await server.request('POST', '/v1/vocabulary/import', { raw: 'غزة\nمصر\n# تعليق\n', contentType: 'text/plain; charset=utf-8' });
    assert.equal(txt.status, 200, txt.text);
    assert.equal(txt.json.entries, 2);
    assert.equal(txt.json.added, 1);
    assert.equal((await server.request('GET', '/v1/vocabulary/eg')).json.type, 'place', 'a plain list keeps existing fields');
    const csv = await server.request('POST', '/v1/vocabulary/import?format=csv', { raw: 'id,label,aliases,type\nbeirut,بيروت,,place\ntunis,تونس,"تونس العاصمة|الحاضرة",place\n', contentType: 'text/csv' });
    assert.equal(csv.json.added, 2, csv.text);
    assertError(await server.request('POST', '/v1/vocabulary/import?format=csv', { raw: 'name,x\nbad,row\n', contentType: 'text/csv' }), 'BAD_VOCAB_LINE');
    assertError(await server.request('POST', '/v1/vocabulary/import', { raw: '\n# nothing\n', contentType: 'text/plain' }), 'EMPTY_VOCAB');
    assertError(await server.request('POST', '/v1/vocabulary/import', { raw: 'x', contentType: 'image/png' }), 'UNSUPPORTED_MEDIA_TYPE');
    for (const format of ['jsonl', 'csv'] as const) {
      const exported = await server.request('GET', `/v1/vocabulary/export?format=${format}`);
      assert.equal(exported.status, 200);
      const back = await server.request('POST', `/v1/vocabulary/import?format=${format}&mode=replace`, { raw: exported.text, contentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
      assert.equal(back.status, 200, back.text);
      assert.deepEqual([back.json.added, back.json.updated, back.json.removed], [0, 0, 0], `${format} export imports back unchanged`);
    }
    const txtExport = await server.request('GET', '/v1/vocabulary/export?format=txt');
    assert.ok(txtExport.text.split('\n').includes('تونس'));
    assert.match(txtExport.headers.get('content-type')!, /^text\/plain/);
    const jsonl = (await server.request('GET', '/v1/vocabulary/export')).text.trim().split('\n').map((l) => JSON.parse(l));
    const replaced = await server.request('POST', '/v1/vocabulary/import?mode=replace&wait=true', { raw: jsonl.filter((e) => e.id !== 'beirut').map((e) => JSON.stringify(e)).join('\n'), contentType: 'application/x-ndjson' });
    assert.equal(replaced.json.removed, 1);
    assertError(await server.request('GET', '/v1/vocabulary/beirut'), 'NOT_FOUND');
  });

  test('DELETE /v1/articles/:id removes the article and its tags; the decision log stays', async () => {
    const id = stored.match.id;
    const r = await server.request('DELETE', `/v1/articles/${id}`);
    assert.equal(r.status, 204);
    assertError(await server.request('GET', `/v1/articles/${id}`), 'NOT_FOUND');
    assertError(await server.request('DELETE', `/v1/articles/${id}`), 'NOT_FOUND');
    const log = await server.request('GET', `/v1/decisions?article=${id}`);
    assert.equal(log.json.total, 4);
  });

  test('health, readiness, metrics and the OpenAPI document', async () => {
    const health = await server.request('GET', '/healthz', { token: false });
    assert.deepEqual(health.json, { status: 'ok' });
    const ready = await server.request('GET', '/readyz', { token: false });
    assert.equal(ready.status, 200);
    assert.equal(ready.json.database, server.db.kind);
    assert.ok(ready.json.tagger.vocabularySize >= 7);
    const metrics = await server.request('GET', '/metrics', { token: false });
    assert.match(metrics.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    assert.match(metrics.text, /^wasim_http_requests_total\{method="POST",route="\/v1\/articles",status="201"\} \d+$/m);
    assert.match(metrics.text, /^wasim_http_request_duration_seconds_bucket\{method="GET",route="\/v1\/articles\/:id",le="\+Inf"\} \d+$/m);
    const tagged = Number(/^wasim_articles_tagged_total (\d+)$/m.exec(metrics.text)?.[1]);
    assert.ok(tagged >= 5, `articles tagged: ${tagged}`);
    assert.match(metrics.text, new RegExp(`^wasim_tagger_vocabulary_size ${ready.json.tagger.vocabularySize}$`, 'm'));
    const openapi = await server.request('GET', '/docs/json', { token: false });
    assert.equal(openapi.status, 200);
    assert.match(openapi.json.openapi, /^3\./);
    for (const path of ['/v1/tag', '/v1/articles', '/v1/articles/{id}', '/v1/articles/{id}/tags', '/v1/tags', '/v1/tags/{id}', '/v1/vocabulary', '/v1/vocabulary/{id}', '/v1/vocabulary/merge', '/v1/vocabulary/import', '/v1/vocabulary/export', '/v1/retag', '/v1/jobs/{id}']) {
      assert.ok(openapi.json.paths[path], `${path} documented`);
    }
    assert.deepEqual(openapi.json.paths['/v1/articles'].post.security, [{ bearer: [] }]);
    const ui = await fetch(server.url + '/docs', { redirect: 'follow' });
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger/i);
  });
});
