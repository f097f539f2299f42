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

test('feeds: added, polled, stored and tagged once across feeds; 304 next time; a bad feed is a recorded error with backoff', async () => {
  const add = async (path: string) => {
    const r = await server.request('POST', '/v1/feeds', { body: { url: `${pages.base}${path}`, intervalMinutes: 10 } });
    assert.equal(r.status, 201, r.text);
    return r.json.id as number;
  };
  const wpFeed = await add('/wp/feed/');
  const jsonFeed = await add('/feeds/feed.json');
  const htmlFeed = await add('/bad/html-feed');
  assertError(await server.request('POST', '/v1/feeds', { body: { url: `${pages.base}/wp/feed/` } }), 'CONFLICT');

  const polled = await server.request('POST', `/v1/feeds/${wpFeed}/poll`);
  assert.equal(polled.status, 200, polled.text);
  assert.equal(polled.json.title, 'صحيفة الواحة الإخبارية');
  assert.equal(polled.json.itemsSeen, 3);
  assert.equal(polled.json.articlesStored, 2, 'the book fair page was stored by the fetch test already');
  assert.equal(polled.json.lastError, null);
  const json = (await server.request('POST', `/v1/feeds/${jsonFeed}/poll`)).json;
  assert.equal(json.itemsSeen, 3);
  assert.equal(json.articlesStored, 1, 'the Qatar story (same URL) and the book fair copy (same text) are not stored again');

  const list = (await server.request('GET', '/v1/articles?limit=100')).json.items as Array<{ title: string; tags: Array<{ label?: string; tag?: string }> }>;
  assert.equal(list.filter((a) => a.title.startsWith('افتتاح معرض')).length, 1);
  assert.equal(list.filter((a) => a.title.startsWith('وزير الخارجية القطري')).length, 1);
  const talks = list.find((a) => a.title.startsWith('وزير الخارجية القطري'))!;
  assert.ok(JSON.stringify(talks.tags).includes('مصر'), 'stored articles are tagged');

  const before304 = pages.notModified;
  const again = (await server.request('POST', `/v1/feeds/${wpFeed}/poll`)).json;
  assert.equal(pages.notModified, before304 + 1, 'conditional GET');
  assert.equal(again.articlesStored, 2);

  const bad = (await server.request('POST', `/v1/feeds/${htmlFeed}/poll`)).json;
  assert.equal(bad.lastError.code, 'BAD_FEED');
  assert.match(bad.lastError.message, /HTML page, not a feed/);
  assert.equal(bad.failures, 1);
  assert.ok(Date.parse(bad.nextPollAt) - Date.parse(bad.lastPollAt) >= 19 * 60_000, 'backoff doubles the interval');

  const paused = await server.request('PATCH', `/v1/feeds/${htmlFeed}`, { body: { paused: true } });
  assert.equal(paused.json.paused, true);
  assert.equal((await server.request('DELETE', `/v1/feeds/${htmlFeed}`)).status, 204);
  assert.deepEqual((await server.request('GET', '/v1/feeds')).json.items.map((f: { id: number }) => f.id), [wpFeed, jsonFeed]);
  assertError(await server.request('DELETE', `/v1/feeds/${htmlFeed}`), 'NOT_FOUND');
});

test('a crash in the middle of a poll neither duplicates nor loses an item on the next run', async () => {
  const { FeedService } = await import('./feeds.js');
  const ctx = server.wasim.context;
  let calls = 0;
  const crashing = {
    store: async (articles: Parameters<typeof ctx.service.store>[0]) => {
      if (++calls === 2) throw new Error('simulated crash');
      return ctx.service.store(articles);
    },
  } as unknown as typeof ctx.service;
  const first = new FeedService(ctx.repo, crashing);
  const feed = await first.add(`${pages.base}/atom-site/atom.xml`, 5);
  const crashed = await first.poll(feed.id);
  assert.equal(crashed.lastError?.code, 'INTERNAL');
  assert.equal(crashed.etag, null);
  const titles = async () => ((await server.request('GET', '/v1/articles?limit=100')).json.items as Array<{ title: string }>).map((a) => a.title);
  const afterCrash = await titles();
  const next = await new FeedService(ctx.repo, ctx.service).poll(feed.id);
  assert.equal(next.lastError, null);
  const afterRetry = await titles();
  assert.equal(afterRetry.filter((t) => t.startsWith('البنك المركزي السعودي')).length, 1, 'the item stored before the crash is not stored twice');
  assert.ok(afterCrash.some((t) => t.startsWith('البنك المركزي السعودي')));
  assert.equal(afterRetry.filter((t) => t.startsWith('أمطار غزيرة')).length, 1, 'the rain story repeats the WordPress one and is not a second article');
  assert.equal(new Set(afterRetry).size, afterRetry.length);
});
