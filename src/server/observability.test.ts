/**
 * What operators watch: /readyz false while the vocabulary compiles for the first time and
 * while the database does not answer (a PostgreSQL URL to a closed port), /healthz alive
 * throughout; X-Request-Id taken in, sent back and in every JSON log line of the request; the
 * event-loop lag in /metrics.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { openRepository, type Repository } from '../storage/index.js';
import { createTestDatabase } from '../storage/testing.js';
import { buildApp, requestIdOf, type BuildOptions } from './app.js';
import { assertError, request, testConfig } from './testing.js';

/** The real repository of `url`, with some of its methods replaced. */
function repositoryWith(url: string, replacing: (real: Repository) => Partial<Pick<Repository, 'ping' | 'allVocabulary'>>): Repository {
  const real = openRepository(url);
  const replace = replacing(real);
  return new Proxy(real, {
    get(target, prop) {
      if (prop in replace) return replace[prop as keyof typeof replace];
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function serve(label: string, makeRepo: (url: string) => Repository, options: BuildOptions = {}) {
  const db = await createTestDatabase(label);
  const wasim = await buildApp(testConfig(db), { logger: false, ...options, repo: makeRepo(db.url) });
  const url = await wasim.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    wasim,
    get: (path: string, headers: Record<string, string> = {}) => request(url, 'GET', path, { token: false, headers }),
    async close() {
      await wasim.app.close();
      await db.cleanup();
    },
  };
}

test('readyz: 503 while the vocabulary is compiled for the first time, 200 once the tagger serves; healthz stays 200', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const s = await serve('wasim-ready-compile', (url) =>
    repositoryWith(url, (real) => ({
      allVocabulary: async () => {
        await gate;
        return real.allVocabulary();
      },
    })),
  );
  try {
    const compiling = await s.get('/readyz');
    assertError(compiling, 'NOT_READY');
    assert.equal(compiling.json.error.message, 'The vocabulary is being compiled for the first time.');
    assert.deepEqual((await s.get('/healthz')).json, { status: 'ok' }, 'liveness is not readiness');
    assert.match((await s.get('/metrics')).text, /^wasim_tagger_ready 0$/m);
    release();
    await s.wasim.context.tagger.get();
    const ready = await s.get('/readyz');
    assert.equal(ready.status, 200, ready.text);
    assert.equal(ready.json.status, 'ready');
    assert.ok(ready.json.tagger.vocabularySize >= 7);
  } finally {
    release();
    await s.close();
  }
});

test('readyz: 503 naming the database while it does not answer (PostgreSQL on a closed port), 200 when it is back', async () => {
  const dead = openRepository('postgres://postgres@127.0.0.1:1/wasim_unreachable');
  let down = true;
  const s = await serve('wasim-ready-db', (url) => repositoryWith(url, (real) => ({ ping: () => (down ? dead.ping() : real.ping()) })));
  try {
    await s.wasim.context.tagger.get();
    const r = await s.get('/readyz');
    assertError(r, 'NOT_READY');
    assert.match(r.json.error.message, /^The database does not answer: .*ECONNREFUSED/);
    assert.doesNotMatch(r.json.error.message, /compiled/, 'the tagger is fine');
    assert.equal((await s.get('/healthz')).status, 200, 'the process lives on');
    down = false;
    assert.equal((await s.get('/readyz')).status, 200);
  } finally {
    await dead.close();
    await s.close();
  }
});

test('X-Request-Id: a caller\'s id is sent back and is in the JSON log lines of its request; otherwise one is made', async () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const s = await serve('wasim-request-id', (url) => openRepository(url), { logger: { level: 'info', stream } });
  try {
    await s.wasim.context.tagger.get();
    const tagged = await request(s.url, 'POST', '/v1/tag', { body: { title: 'مصر', body: 'القاهرة' }, headers: { 'x-request-id': 'cms-7f3a.42' } });
    assert.equal(tagged.status, 200);
    assert.equal(tagged.headers.get('x-request-id'), 'cms-7f3a.42');
    const refused = await request(s.url, 'POST', '/v1/tag', { body: { title: 42 }, headers: { 'x-request-id': 'cms-refused' } });
    assert.equal(refused.headers.get('x-request-id'), 'cms-refused', 'errors carry it too');
    const made = await s.get('/v1/articles');
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const odd = await s.get('/v1/articles', { 'x-request-id': 'two words\u00e9' });
    assert.notEqual(odd.headers.get('x-request-id'), 'two words\u00e9', 'an id that is not a plain token is replaced');
    await new Promise((resolve) => setImmediate(resolve));
    const ofTagged = lines.filter((l) => l.reqId === 'cms-7f3a.42');
    assert.ok(ofTagged.length >= 1, JSON.stringify(lines.slice(-5)));
    assert.deepEqual(
      { msg: ofTagged.at(-1)!.msg, method: ofTagged.at(-1)!.method, route: ofTagged.at(-1)!.route, statusCode: ofTagged.at(-1)!.statusCode },
      { msg: 'request', method: 'POST', route: '/v1/tag', statusCode: 200 },
    );
    assert.ok(lines.some((l) => l.reqId === 'cms-refused' && l.statusCode === 400));
    assert.ok(lines.some((l) => l.reqId === made.headers.get('x-request-id')));
    assert.equal(typeof ofTagged.at(-1)!.level, 'number', 'pino JSON');
  } finally {
    await s.close();
  }
});

test('requestIdOf keeps plain tokens up to 128 characters and replaces anything else', () => {
  const of = (v: string | string[] | undefined) => requestIdOf({ headers: { 'x-request-id': v } });
  assert.equal(of('abc-DEF_123.4:5'), 'abc-DEF_123.4:5');
  for (const bad of ['', 'a'.repeat(129), 'a b', 'x\ny', '<script>', ['a', 'b'], undefined]) assert.notEqual(of(bad as string), bad);
});

test('metrics: the event-loop lag of a blocked loop shows in the max since the previous scrape', async () => {
  const s = await serve('wasim-loop-lag', (url) => openRepository(url));
  try {
    await s.get('/metrics');
    // The histogram's first interval after a reset (each scrape) is not recorded: block after it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = Date.now() + 150;
    while (Date.now() < until) {
      // the loop is blocked on purpose
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = (await s.get('/metrics')).text;
    for (const q of ['0.5', '0.9', '0.99']) assert.match(text, new RegExp(`^wasim_event_loop_lag_seconds\\{quantile="${q}"\\} [0-9.e-]+$`, 'm'));
    const max = Number(/^wasim_event_loop_lag_max_seconds ([0-9.e-]+)$/m.exec(text)?.[1]);
    assert.ok(max >= 0.1, `a 150 ms block shows as at least 0.1 s of lag, got ${max}`);
  } finally {
    await s.close();
  }
});
