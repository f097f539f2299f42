/**
 * The API's validation gaps an audit found, over real HTTP: minScore outside [0, 1], unknown
 * body fields, ids written as hex or exponents, a "__proto__" key, an import sent as bytes, a
 * numeric id JSON would round, and a 429 that names the window.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeWindow } from './app.js';
import { ARTICLES, assertError, startTestServer, type TestServer } from './testing.js';
import { sniffVocabularyFormat } from './vocab-io.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server?.close();
});

const ARTICLE = { title: 'مباحثات بين مصر والسودان', body: 'بحث وزير الخارجية في القاهرة مع نظيره ملف نهر النيل.' };
const tagsOf = (r: { json: { tags: { tag: string }[] } }) => r.json.tags.map((t) => t.tag);

describe(`API validation (${process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'sqlite'})`, () => {
  test('minScore must lie in [0, 1]', async () => {
    for (const bad of ['1.5', '-0.1', '2', '0x1', 'Infinity']) {
      const r = await server.request('POST', `/v1/tag?minScore=${bad}`, { body: ARTICLE });
      assertError(r, 'VALIDATION');
      assert.match(r.json.error.message, /minScore/, bad);
    }
    for (const good of ['0', '0.5', '1', '.25']) assert.equal((await server.request('POST', `/v1/tag?minScore=${good}`, { body: ARTICLE })).status, 200, good);
    const all = await server.request('POST', '/v1/tag?minScore=0', { body: ARTICLE });
    const none = await server.request('POST', '/v1/tag?minScore=1', { body: ARTICLE });
    assert.ok(tagsOf(all).includes('مصر'));
    assert.ok(tagsOf(none).length < tagsOf(all).length, 'a higher cut keeps fewer tags');
  });

  test('unknown body fields are VALIDATION on /v1/tag and /v1/articles, naming the field; nothing is stored', async () => {
    const tag = await server.request('POST', '/v1/tag', { body: { ...ARTICLE, colour: 'red' } });
    assertError(tag, 'VALIDATION');
    assert.match(tag.json.error.message, /unknown property "colour"/);
    const misspelt = await server.request('POST', '/v1/articles', { body: { ...ARTICLES.nile, publishedDate: '2024-04-02' } });
    assertError(misspelt, 'VALIDATION');
    assert.match(misspelt.json.error.message, /publishedDate/);
    const batch = await server.request('POST', '/v1/articles', { body: [{ ...ARTICLES.match }, { ...ARTICLES.alexandria, tags: ['x'] }] });
    assertError(batch, 'VALIDATION');
    assert.match(batch.json.error.message, /"tags"/);
    assert.equal((await server.request('GET', '/v1/articles')).json.total, 0, 'nothing of a refused request is stored');
  });

  test('ids in paths and integers in query strings are plain decimal digits only', async () => {
    const stored = await server.request('POST', '/v1/articles', { body: { ...ARTICLES.nile } });
    assert.equal(stored.status, 201, stored.text);
    const id: number = stored.json.id;
    assert.equal((await server.request('GET', `/v1/articles/${id}`)).status, 200);
    for (const spelt of [`0x${id.toString(16)}`, `${id}e0`, '1e3', `+${id}`, `${id}.0`, '%20' + id, '0b1']) {
      const r = await server.request('GET', `/v1/articles/${spelt}`);
      assertError(r, 'VALIDATION');
      assert.match(r.json.error.message, /params\/id must be a whole number written in decimal digits/, spelt);
    }
    assertError(await server.request('GET', '/v1/jobs/0x10'), 'VALIDATION');
    assertError(await server.request('DELETE', `/v1/articles/0x${id.toString(16)}`), 'VALIDATION');
    assert.equal((await server.request('GET', `/v1/articles/${id}`)).status, 200, 'the refused delete deleted nothing');
    assertError(await server.request('GET', '/v1/articles?limit=0x10'), 'VALIDATION');
    assertError(await server.request('GET', '/v1/articles?limit=1e1'), 'VALIDATION');
    assert.equal((await server.request('GET', '/v1/articles?limit=10')).json.limit, 10);
    assertError(await server.request('POST', '/v1/tag?top=0x2', { body: ARTICLE }), 'VALIDATION');
  });

  test('a "__proto__" key is valid JSON: accepted, dropped, and no prototype is touched', async () => {
    const raw = `{"title":"${ARTICLE.title}","body":"${ARTICLE.body}","__proto__":{"polluted":"yes","title":"ليس هذا"}}`;
    const tagged = await server.request('POST', '/v1/tag', { raw, contentType: 'application/json' });
    assert.equal(tagged.status, 200, tagged.text);
    assert.ok(tagsOf(tagged).includes('مصر'));
    const stored = await server.request('POST', '/v1/articles', { raw: raw.replace('{', '{"externalId":"proto-1",'), contentType: 'application/json' });
    assert.equal(stored.status, 201, stored.text);
    assert.equal(stored.json.title, ARTICLE.title);
    const ctor = await server.request('POST', '/v1/tag', { raw: `{"title":"مصر","constructor":{"prototype":{"polluted":"yes"}}}`, contentType: 'application/json' });
    assert.equal(ctor.status, 200, ctor.text);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    assertError(await server.request('POST', '/v1/tag', { raw: '{"__proto__": ', contentType: 'application/json' }), 'BAD_JSON');
  });

  test('a numeric id JSON would round is refused; as a string it is kept to the digit', async () => {
    const r = await server.request('POST', '/v1/articles', { raw: `{"id":12345678901234567890,"title":"مصر","body":"القاهرة"}`, contentType: 'application/json' });
    assertError(r, 'VALIDATION');
    assert.match(r.json.error.message, /send the id as a string/);
    assertError(await server.request('POST', '/v1/tag', { raw: `{"id":${'9'.repeat(400)},"title":"مصر"}`, contentType: 'application/json' }), 'VALIDATION');
    const kept = await server.request('POST', '/v1/articles', { body: { id: '12345678901234567890', title: 'مصر', body: 'القاهرة' } });
    assert.equal(kept.status, 201, kept.text);
    assert.equal(kept.json.externalId, '12345678901234567890');
    assert.equal((await server.request('POST', '/v1/articles', { body: { id: 9007199254740991, title: 'مصر' } })).json.externalId, '9007199254740991');
  });

  test('a vocabulary import sent as application/octet-stream is accepted, its format told by ?format= or its content', async () => {
    const bytes = (raw: string, query = '') => server.request('POST', `/v1/vocabulary/import${query}`, { raw: Buffer.from(raw, 'utf8'), contentType: 'application/octet-stream' });
    const csv = await bytes('id,label,type\nbeirut,بيروت,place\ntunis,تونس,place\n');
    assert.equal(csv.status, 200, csv.text);
    assert.deepEqual([csv.json.entries, csv.json.added], [2, 2]);
    assert.equal((await server.request('GET', '/v1/vocabulary/beirut')).json.type, 'place');
    const jsonl = await bytes('{"id":"amman","label":"عمّان","type":"place"}\n{"id":"doha","label":"الدوحة","type":"place"}\n');
    assert.deepEqual([jsonl.status, jsonl.json.added], [200, 2], jsonl.text);
    const txt = await bytes('الرباط\nالجزائر\n');
    assert.deepEqual([txt.status, txt.json.entries], [200, 2], txt.text);
    const forced = await bytes('id,label\n', '?format=txt');
    assert.deepEqual([forced.status, forced.json.entries], [200, 1], 'an explicit ?format= wins over the content');
  });

  test('the 429 names the window, not the time left in it', async () => {
    const s = await startTestServer({ rateLimit: { max: 2, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await s.request('GET', '/v1/articles')).status, 200);
      const limited = await s.request('GET', '/v1/articles', { headers: { 'x-request-id': 'limited-1' } });
      assertError(limited, 'RATE_LIMITED');
      assert.equal(limited.headers.get('x-request-id'), 'limited-1');
      assert.match(limited.json.error.message, /^Too many requests: at most 2 requests per 1 minute; retry in \d+ (?:seconds?|minutes?)\.$/);
    } finally {
      await s.close();
    }
  });
});

test('describeWindow: the window in words', () => {
  assert.deepEqual([60_000, 1000, 90_000, 3_600_000, 7_200_000, 86_400_000, 1500].map(describeWindow), ['1 minute', '1 second', '90 seconds', '1 hour', '2 hours', '1 day', '1500 ms']);
});

test('sniffVocabularyFormat: JSON arrays and {"entries"}, JSONL, CSV with a label column, else text', () => {
  assert.equal(sniffVocabularyFormat('[{"label":"مصر"}]'), 'json');
  assert.equal(sniffVocabularyFormat('\uFEFF  {"entries":[{"label":"مصر"}]}'), 'json');
  assert.equal(sniffVocabularyFormat('{"label":"مصر"}\n{"label":"قطر"}'), 'jsonl');
  assert.equal(sniffVocabularyFormat('{"label":"مصر"}'), 'jsonl');
  assert.equal(sniffVocabularyFormat('"مصر"\n"قطر"'), 'jsonl');
  assert.equal(sniffVocabularyFormat('"id","label"\nx,مصر'), 'csv');
  assert.equal(sniffVocabularyFormat('label,aliases\r\nمصر,'), 'csv');
  assert.equal(sniffVocabularyFormat('مصر\nقطر'), 'txt');
  assert.equal(sniffVocabularyFormat('مصر، القاهرة\nقطر'), 'txt');
});
