/** POST /v1/articles/fetch against pages served over real HTTP by the ingest fixture server. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFixtureServer, type FixtureServer } from '../ingest/testing.js';
import { assertError, startTestServer, type TestServer } from './testing.js';

let server: TestServer;
let pages: FixtureServer;
before(async () => {
  server = await startTestServer();
  pages = await startFixtureServer();
});
after(async () => {
  await server.close();
  await pages.close();
});

test('a page by URL is fetched, extracted, stored under its canonical URL and tagged; a second fetch is the same article', async () => {
  const r = await server.request('POST', '/v1/articles/fetch', { body: { url: `${pages.base}/pages/book-fair.html` } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.title, 'افتتاح معرض الرياض الدولي للكتاب بمشاركة ألفي دار نشر');
  assert.equal(r.json.url, `${pages.base}/wp/2026/11/27/riyadh-book-fair`);
  assert.equal(r.json.publishedAt, '2026-11-27T15:05:00.000Z');
  assert.match(r.json.body, /^افتتح معرض الرياض/);
  assert.doesNotMatch(r.json.body, /الأكثر قراءة|ريال مدريد/);
  const again = await server.request('POST', '/v1/articles/fetch', { body: { url: `${pages.base}/pages/book-fair.html` } });
  assert.equal(again.status, 200);
  assert.equal(again.json.id, r.json.id);
});

test('a page with no article, a dead link, a redirect loop and a bad URL are clear errors, and nothing is stored', async () => {
  const before = await server.request('GET', '/v1/articles');
  assertError(await server.request('POST', '/v1/articles/fetch', { body: { url: `${pages.base}/index.html` } }), 'NO_ARTICLE');
  assertError(await server.request('POST', '/v1/articles/fetch', { body: { url: `${pages.base}/missing` } }), 'FETCH_FAILED');
  assertError(await server.request('POST', '/v1/articles/fetch', { body: { url: `${pages.base}/bad/loop-a` } }), 'FETCH_FAILED');
  assertError(await server.request('POST', '/v1/articles/fetch', { body: { url: 'ftp://example.com/x' } }), 'VALIDATION');
  assertError(await server.request('POST', '/v1/articles/fetch', { body: { url: `${pages.base}/index.html` }, token: false }), 'UNAUTHORIZED');
  const afterList = await server.request('GET', '/v1/articles');
  assert.equal(afterList.json.items.length, before.json.items.length);
});
