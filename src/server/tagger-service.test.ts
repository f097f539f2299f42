/**
 * The tagger follows the vocabulary: compiled in a worker the same as inline, swapped in under
 * load without failing a request, and picked up by a second instance sharing the database.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileVocabulary, parseVocabulary, serializeCompiled } from '../core/index.js';
import { defaultHints } from '../node/vocab-file.js';
import { createTestDatabase } from '../storage/testing.js';
import { buildApp, type WasimApp } from './app.js';
import { compileInWorker } from './tagger-service.js';
import { ARTICLES, request, startTestServer, TEST_VOCAB, testConfig } from './testing.js';

test('a vocabulary compiled in a worker thread equals the one compiled inline', async () => {
  const base = parseVocabulary(TEST_VOCAB, 'jsonl').entries.map((e) => ({ ...e, id: e.id! }));
  // Enough distinct entries to be worth a worker: numbered districts of each place.
  const entries = [...base];
  for (let i = 0; i < 400; i++) for (const e of base) entries.push({ id: `${e.id}-${i}`, label: `حي ${e.label} رقم ${i}`, ...(e.type ? { type: e.type } : {}) });
  const inWorker = await compileInWorker(entries, true);
  const inline = compileVocabulary(entries, defaultHints());
  assert.deepEqual(serializeCompiled(inWorker), serializeCompiled(inline));
});

test('vocabulary edits under load: every request answers, and the last edit wins', async () => {
  const server = await startTestServer();
  try {
    const text = { title: 'زيارة إلى أم درمان', body: 'وصل الوفد إلى أم درمان صباح اليوم.' };
    const edits = (async () => {
      for (let i = 0; i < 6; i++) {
        const r = await server.request('PATCH', '/v1/vocabulary/sudan', { body: { aliases: i === 5 ? ['أم درمان'] : [`مدينة ${i}`] } });
        assert.equal(r.status, 200, r.text);
      }
    })();
    const load = Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const r = await server.request('POST', '/v1/tag', { body: i % 2 ? text : { title: ARTICLES.nile.title, body: ARTICLES.nile.body } });
        assert.equal(r.status, 200, r.text);
        if (i % 2 === 0) assert.ok(r.json.tags.some((t: any) => t.tag === 'مصر'), 'a tag untouched by the edits never flickers');
      }),
    );
    await Promise.all([edits, load]);
    await server.wasim.context.tagger.upToDate();
    assert.equal(server.wasim.context.tagger.current!.version, await server.wasim.context.repo.vocabularyVersion());
    const final = await server.request('POST', '/v1/tag', { body: text });
    assert.ok(final.json.tags.some((t: any) => t.tag === 'السودان'), JSON.stringify(final.json));
  } finally {
    await server.close();
  }
});

test('two instances on one database: stores are shared and a vocabulary edit reaches the other by polling', async () => {
  const db = await createTestDatabase('wasim-two');
  const config = testConfig(db, { vocabPollMs: 40 });
  const apps: WasimApp[] = [];
  try {
    // PostgreSQL instances may start together (migrations take a lock); an SQLite file has one writer process, so start in turn.
    if (db.kind === 'postgres') apps.push(...(await Promise.all([buildApp(config, { logger: false }), buildApp(config, { logger: false })])));
    else for (let i = 0; i < 2; i++) apps.push(await buildApp(config, { logger: false }));
    const [a, b] = await Promise.all(apps.map((x) => x.app.listen({ port: 0, host: '127.0.0.1' })));
    assert.equal(apps.filter((x) => x.startup.seeded).length, 1, 'the vocabulary is seeded once');
    assert.equal(apps.filter((x) => x.startup.migrations.length > 0).length, 1, 'migrations run once');
    const stored = await request(a!, 'POST', '/v1/articles', { body: ARTICLES.nile });
    assert.equal(stored.status, 201);
    const seen = await request(b!, 'GET', `/v1/articles/${stored.json.id}`);
    assert.equal(seen.status, 200);
    const again = await request(b!, 'POST', '/v1/articles', { body: ARTICLES.nile });
    assert.equal(again.status, 200, 'idempotent across instances');
    const text = { title: 'الخرطوم', body: 'اجتماع في الخرطوم لبحث الأوضاع.' };
    assert.ok(!(await request(b!, 'POST', '/v1/tag', { body: text })).json.tags.some((t: any) => t.tag === 'الخرطوم'));
    assert.equal((await request(a!, 'POST', '/v1/vocabulary?wait=true', { body: { id: 'khartoum', label: 'الخرطوم', type: 'place' } })).status, 201);
    const deadline = Date.now() + 5000;
    for (;;) {
      const r = await request(b!, 'POST', '/v1/tag', { body: text });
      if (r.json.tags.some((t: any) => t.tag === 'الخرطوم')) break;
      assert.ok(Date.now() < deadline, 'the other instance picked up the edit');
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  } finally {
    for (const x of apps) await x.app.close();
    await db.cleanup();
  }
});
