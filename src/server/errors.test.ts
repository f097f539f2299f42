/**
 * Bad input and safety over real HTTP: every error is {"error": {"code", "message"}} with the
 * catalogue's code and status — malformed JSON, wrong types, huge bodies, empty articles,
 * unknown ids and routes, missing or wrong tokens, rate limits, internal failures.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ARTICLES, assertError, request, startTestServer, TEST_TOKEN, type Reply, type TestServer } from './testing.js';

let server: TestServer;

before(async () => {
  server = await startTestServer({ maxBatch: 3, maxArticleChars: 5000 });
});

after(async () => {
  await server?.close();
});

/** A raw request, for bodies fetch will not send (a lying Content-Length, a body on the wire before the answer). */
function rawRequest(url: string, method: string, path: string, headers: Record<string, string | number>, body: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: new Headers(res.headers as Record<string, string>), text, json });
      });
    });
    // The server may answer and close before the whole body is sent: that is the point.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    req.end(body);
  });
}

describe(`bad input (${process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'sqlite'})`, () => {
  test('malformed JSON is BAD_JSON', async () => {
    assertError(await server.request('POST', '/v1/articles', { raw: '{"title": "مصر", "body": ', contentType: 'application/json' }), 'BAD_JSON');
    assertError(await server.request('POST', '/v1/tag', { raw: "{'title': 'x'}", contentType: 'application/json' }), 'BAD_JSON');
    assertError(await server.request('POST', '/v1/tag', { raw: '', contentType: 'application/json' }), 'BAD_JSON');
  });

  test('wrong types are VALIDATION, naming the field', async () => {
    const r = await server.request('POST', '/v1/articles', { body: { title: 42, body: 'نص' } });
    assertError(r, 'VALIDATION');
    assert.match(r.json.error.message, /title/);
    assertError(await server.request('POST', '/v1/articles', { body: 'just a string' }), 'VALIDATION');
    assertError(await server.request('POST', '/v1/articles', { body: [{ title: 'ok', body: 'ok' }, { title: ['x'] }] }), 'VALIDATION');
    assertError(await server.request('POST', '/v1/tag', { body: { title: 'x', body: { nested: true } } }), 'VALIDATION');
    assertError(await server.request('POST', '/v1/tag?top=many', { body: { title: 'مصر' } }), 'VALIDATION');
    assertError(await server.request('GET', '/v1/articles?limit=0'), 'VALIDATION');
    assertError(await server.request('GET', '/v1/articles?limit=10000'), 'VALIDATION');
    assertError(await server.request('GET', '/v1/articles?colour=red'), 'VALIDATION');
    assertError(await server.request('GET', '/v1/articles?cursor=bm90LWEtY3Vyc29y'), 'VALIDATION');
    assertError(await server.request('GET', '/v1/articles?from=yesterday'), 'VALIDATION');
    assertError(await server.request('POST', '/v1/articles', { body: { ...ARTICLES.nile, externalId: 'v-1', publishedAt: '2024-13-40' } }), 'VALIDATION');
    assertError(await server.request('POST', '/v1/articles', { body: { id: 'a', externalId: 'b', title: 'x', body: 'y' } }), 'VALIDATION');
    assertError(await server.request('PATCH', '/v1/articles/1/tags', { body: { accept: 'eg' } }), 'VALIDATION');
    assertError(await server.request('PATCH', '/v1/vocabulary/eg', { body: { type: 'planet' } }), 'VALIDATION');
    assertError(await server.request('PATCH', '/v1/vocabulary/eg', { body: {} }), 'VALIDATION');
    assertError(await server.request('POST', '/v1/retag', { body: { ids: ['x'] } }), 'VALIDATION');
  });

  test('a 10 MB body is INPUT_TOO_LARGE, whether Content-Length announces it or not', async () => {
    const big = JSON.stringify({ title: 'مصر', body: 'ا'.repeat(5 * 1024 * 1024) });
    assert.ok(Buffer.byteLength(big) > 10 * 1024 * 1024);
    assertError(await server.request('POST', '/v1/articles', { raw: big, contentType: 'application/json' }), 'INPUT_TOO_LARGE');
    const chunked = await new Promise<Reply>((resolve, reject) => {
      const req = httpRequest(server.url + '/v1/tag', { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: new Headers(res.headers as Record<string, string>), text, json: JSON.parse(text) }));
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
      const piece = Buffer.from('ا'.repeat(512 * 1024));
      req.write('{"title":"');
      for (let i = 0; i < 10; i++) req.write(piece);
      req.end('"}');
    });
    assertError(chunked, 'INPUT_TOO_LARGE');
    // The service is still there.
    assert.equal((await server.request('GET', '/healthz')).status, 200);
  });

  test('an article longer than the limit is INPUT_TOO_LARGE; a batch over the limit is BATCH_TOO_LARGE', async () => {
    assertError(await server.request('POST', '/v1/articles', { body: { title: 'مصر', body: 'القاهرة '.repeat(700) } }), 'INPUT_TOO_LARGE');
    assertError(await server.request('POST', '/v1/tag', { body: { title: 'مصر', body: 'القاهرة '.repeat(700) } }), 'INPUT_TOO_LARGE');
    const batch = [1, 2, 3, 4].map((i) => ({ externalId: `b-${i}`, title: 'مصر', body: 'القاهرة' }));
    assertError(await server.request('POST', '/v1/articles', { body: batch }), 'BATCH_TOO_LARGE');
    assertError(await server.request('POST', '/v1/articles', { body: [] }), 'VALIDATION');
    assert.equal((await server.request('GET', '/v1/articles?externalId=b-1')).json.total, 0, 'nothing of a refused batch is stored');
  });

  test('an empty article is EMPTY_INPUT, and nothing is stored', async () => {
    assertError(await server.request('POST', '/v1/articles', { body: { externalId: 'empty', title: '', body: '   \n ' } }), 'EMPTY_INPUT');
    assertError(await server.request('POST', '/v1/articles', { body: { externalId: 'empty' } }), 'EMPTY_INPUT');
    assertError(await server.request('POST', '/v1/tag', { body: {} }), 'EMPTY_INPUT');
    assertError(await server.request('POST', '/v1/articles', { body: [{ externalId: 'ok-1', title: 'مصر', body: 'x' }, { title: '' }] }), 'EMPTY_INPUT');
    assert.equal((await server.request('GET', '/v1/articles')).json.total, 0);
    assertError(await server.request('POST', '/v1/tag', { body: { title: 'abc\u0000\u0001\u0002\u0003\u0004', body: '\u0000\u0000\u0000\u0000' } }), 'NOT_TEXT');
  });

  test('unknown ids are NOT_FOUND; malformed ids are VALIDATION; unknown routes are ROUTE_NOT_FOUND', async () => {
    assertError(await server.request('GET', '/v1/articles/999999'), 'NOT_FOUND');
    assertError(await server.request('DELETE', '/v1/articles/999999'), 'NOT_FOUND');
    assertError(await server.request('PATCH', '/v1/articles/999999/tags', { body: { accept: ['eg'] } }), 'NOT_FOUND');
    assertError(await server.request('GET', '/v1/articles/999999/decisions'), 'NOT_FOUND');
    assertError(await server.request('GET', '/v1/jobs/999999'), 'NOT_FOUND');
    assertError(await server.request('GET', '/v1/vocabulary/no-such-entry'), 'NOT_FOUND');
    assertError(await server.request('PATCH', '/v1/vocabulary/no-such-entry', { body: { note: 'x' } }), 'NOT_FOUND');
    assertError(await server.request('GET', '/v1/articles/abc'), 'VALIDATION');
    assertError(await server.request('GET', '/v1/articles/-1'), 'VALIDATION');
    assertError(await server.request('GET', '/v1/nothing-here'), 'ROUTE_NOT_FOUND');
    assertError(await server.request('PUT', '/v1/articles'), 'ROUTE_NOT_FOUND');
    assertError(await server.request('POST', '/v1/articles/1', { body: {} }), 'ROUTE_NOT_FOUND');
  });

  test('JSON only: other content types are UNSUPPORTED_MEDIA_TYPE', async () => {
    assertError(await server.request('POST', '/v1/articles', { raw: 'title=x&body=y', contentType: 'application/x-www-form-urlencoded' }), 'UNSUPPORTED_MEDIA_TYPE');
    assertError(await server.request('POST', '/v1/tag', { raw: 'مصر', contentType: 'text/plain' }), 'UNSUPPORTED_MEDIA_TYPE');
    assertError(await server.request('POST', '/v1/articles', { raw: 'x', contentType: 'text/csv' }), 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('a Content-Length that lies is refused, not waited on forever', async () => {
    const r = await rawRequest(server.url, 'POST', '/v1/tag', { 'content-type': 'application/json', 'content-length': 5, authorization: `Bearer ${TEST_TOKEN}` }, Buffer.from('{"title":"مصر"}'));
    assert.ok(r.status >= 400 && r.status < 500, String(r.status));
  });

  test('writes need the token: missing or wrong is UNAUTHORIZED; reads are open by default', async () => {
    const missing = await server.request('POST', '/v1/articles', { body: ARTICLES.nile, token: false });
    assertError(missing, 'UNAUTHORIZED');
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
    assertError(await server.request('POST', '/v1/articles', { body: ARTICLES.nile, token: 'not-the-token' }), 'UNAUTHORIZED');
    assertError(await server.request('POST', '/v1/articles', { body: ARTICLES.nile, token: false, headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 'UNAUTHORIZED');
    assertError(await server.request('DELETE', '/v1/vocabulary/eg', { token: false }), 'UNAUTHORIZED');
    assertError(await server.request('POST', '/v1/vocabulary/import', { raw: 'x', contentType: 'text/plain', token: 'wrong' }), 'UNAUTHORIZED');
    assertError(await server.request('POST', '/v1/retag', { body: {}, token: false }), 'UNAUTHORIZED');
    // A token check comes before the body is read: a wrong token with a huge body is still 401.
    assertError(await server.request('POST', '/v1/articles', { raw: 'x'.repeat(3 * 1024 * 1024), contentType: 'application/json', token: 'wrong' }), 'UNAUTHORIZED');
    assert.equal((await server.request('GET', '/v1/vocabulary/eg')).status, 200);
    assert.equal((await server.request('GET', '/v1/articles', { token: false })).status, 200);
    assert.equal((await server.request('GET', '/v1/vocabulary/eg')).status, 200, 'the refused delete deleted nothing');
  });
});

describe('configured safety', () => {
  test('reads can require the token too', async () => {
    const s = await startTestServer({ readTokenRequired: true });
    try {
      assertError(await s.request('GET', '/v1/articles', { token: false }), 'UNAUTHORIZED');
      assertError(await s.request('POST', '/v1/tag', { body: { title: 'مصر' }, token: false }), 'UNAUTHORIZED');
      assert.equal((await s.request('GET', '/v1/articles')).status, 200);
      assert.equal((await s.request('GET', '/healthz', { token: false })).status, 200, 'probes stay open');
      assert.equal((await s.request('GET', '/metrics', { token: false })).status, 200);
    } finally {
      await s.close();
    }
  });

  test('rate limiting answers RATE_LIMITED once a client exceeds its budget', async () => {
    const s = await startTestServer({ rateLimit: { max: 3, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await s.request('GET', '/v1/articles')).status, 200);
      const limited = await s.request('GET', '/v1/articles');
      assertError(limited, 'RATE_LIMITED');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.equal((await s.request('GET', '/healthz')).status, 200, 'probes are not rate limited');
    } finally {
      await s.close();
    }
  });

  test('a failure inside is INTERNAL without details, and readiness reports NOT_READY', async () => {
    const s = await startTestServer();
    try {
      await s.wasim.context.repo.close();
      const r = await s.request('GET', '/v1/articles');
      assertError(r, 'INTERNAL');
      assert.equal(r.json.error.message, 'Internal error.');
      assertError(await s.request('GET', '/readyz'), 'NOT_READY');
      assert.equal((await s.request('GET', '/healthz')).status, 200, 'the process lives on');
    } finally {
      await s.wasim.app.close().catch(() => {});
      await s.db.cleanup();
    }
  });

  test('a token is generated on first start, kept as a hash, and not shown again', async () => {
    const s = await startTestServer({ token: undefined });
    try {
      const { startup } = s.wasim;
      assert.equal(startup.token.source, 'generated');
      const token = startup.token.generated!;
      assert.match(token, /^wsm_[A-Za-z0-9_-]{32}$/);
      assert.equal((await s.request('POST', '/v1/vocabulary', { body: { label: 'بغداد' }, token })).status, 201);
      assertError(await s.request('POST', '/v1/vocabulary', { body: { label: 'دمشق' } }), 'UNAUTHORIZED');
      const stored = await s.wasim.context.repo.getSetting('api_token_sha256');
      assert.ok(stored && !stored.includes(token));
      const { setupToken } = await import('./auth.js');
      const again = await setupToken(s.wasim.context.repo, undefined);
      assert.equal(again.source, 'database');
      assert.equal(again.generated, undefined);
      assert.ok(again.check.verify(token));
      const rotated = await setupToken(s.wasim.context.repo, undefined, { rotate: true });
      assert.ok(rotated.generated && rotated.generated !== token);
      assert.ok(!(await setupToken(s.wasim.context.repo, undefined)).check.verify(token));
    } finally {
      await s.close();
    }
  });

  test('bodies beyond the configured limit are refused with the limit in the message', async () => {
    const s = await startTestServer({ bodyLimit: 64 * 1024 });
    try {
      const r = await request(s.url, 'POST', '/v1/tag', { body: { title: 'مصر', body: 'ب'.repeat(40 * 1024) } });
      assertError(r, 'INPUT_TOO_LARGE');
      assert.match(r.json.error.message, /65536/);
    } finally {
      await s.close();
    }
  });
});
