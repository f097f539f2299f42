/** The «المصادر» page over HTTP: add a feed, poll it, see its health, pause and remove it. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFixtureServer, type FixtureServer } from '../ingest/testing.js';
import { FormClient, startUiServer, type UiServer } from './testing.js';

let server: UiServer;
let feeds: FixtureServer;
before(async () => {
  server = await startUiServer({ config: {} });
  feeds = await startFixtureServer();
});
after(async () => {
  await server.close();
  await feeds.close();
});

test('the sources page: add, poll now (health and counts), a broken feed shows its error, pause, remove', async () => {
  const anonymous = await new FormClient(server).get('/ui/sources');
  assert.equal(anonymous.status, 200);
  assert.match(anonymous.text, /<h1 id="sources-title">المصادر<\/h1>/);
  assert.match(anonymous.text, /aria-current="page">المصادر</);
  assert.doesNotMatch(anonymous.text, /أضف المصدر/);

  const client = new FormClient(server);
  await client.login();
  await client.get('/ui/sources');
  let res = await client.post('/ui/sources', { url: `${feeds.base}/wp/feed/`, interval: '30' });
  assert.equal(res.status, 303);
  await client.get('/ui/sources');
  res = await client.post('/ui/sources', { url: `${feeds.base}/bad/truncated.xml`, interval: '30' });
  assert.equal(res.status, 303);
  const list = (await server.api('GET', '/v1/feeds')).json.items as Array<{ id: number }>;
  await client.get('/ui/sources');
  assert.equal((await client.post(`/ui/sources/${list[0]!.id}/poll`, {})).status, 303);
  await client.get('/ui/sources');
  assert.equal((await client.post(`/ui/sources/${list[1]!.id}/poll`, {})).status, 303);
  let page = (await client.get('/ui/sources?msg=feed-polled')).text;
  assert.match(page, /صحيفة الواحة الإخبارية/);
  assert.match(page, /سليم/);
  assert.match(page, /<td>3 \/ 3<\/td>/);
  assert.match(page, /not well-formed XML \(line \d+/);
  assert.match(page, /<code>BAD_FEED<\/code>/);
  assert.equal((await server.api('GET', '/v1/articles')).json.items.length, 3);

  assert.equal((await client.post(`/ui/sources/${list[1]!.id}/pause`, {})).status, 303);
  page = (await client.get('/ui/sources')).text;
  assert.match(page, /موقوف/);
  assert.equal((await client.post(`/ui/sources/${list[1]!.id}/delete`, {})).status, 303);
  page = (await client.get('/ui/sources')).text;
  assert.doesNotMatch(page, /truncated\.xml/);
  // No CSRF token, no change.
  assert.equal((await client.post(`/ui/sources/${list[0]!.id}/delete`, {}, { csrf: false })).status, 403);
});
