/**
 * Test support for the service: a real server on a random port of 127.0.0.1 over a fresh
 * database (SQLite, or PostgreSQL when TEST_DATABASE_URL / DATABASE_URL says so), a small
 * vocabulary and articles written for the tests, and a thin HTTP client.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERRORS, type ErrorCode } from '../core/index.js';
import { createTestDatabase, type TestDatabase } from '../storage/testing.js';
import { buildApp, type BuildOptions, type WasimApp } from './app.js';
import { DEFAULT_CONFIG, type ServerConfig } from './config.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** A small vocabulary of our own: places, a club, a topic. */
export const TEST_VOCAB = [
  { id: 'eg', label: 'مصر', aliases: ['جمهورية مصر العربية'], type: 'place' },
  { id: 'cairo', label: 'القاهرة', type: 'place', parent: 'eg' },
  { id: 'alexandria', label: 'الإسكندرية', type: 'place', parent: 'eg' },
  { id: 'sudan', label: 'السودان', type: 'place' },
  { id: 'nile', label: 'نهر النيل', aliases: ['النيل'], type: 'place' },
  { id: 'ahly', label: 'النادي الأهلي', aliases: ['الأهلي'], type: 'organisation' },
  { id: 'football', label: 'كرة القدم', type: 'topic' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

/** Articles written for these tests; each says plainly what it is about. */
export const ARTICLES = {
  match: {
    externalId: 'cms-match-1',
    url: 'https://news.example/sport/ahly-cairo',
    title: 'الأهلي يفوز في القاهرة',
    body: 'فاز النادي الأهلي على منافسه بهدفين في مباراة كرة القدم التي أقيمت مساء أمس في استاد القاهرة الدولي، وسط حضور جماهيري كبير. وقال مدرب الأهلي إن الفريق قدم أداء قويا.',
    publishedAt: '2024-03-10T18:00:00Z',
  },
  nile: {
    externalId: 'cms-nile-2',
    url: 'https://news.example/politics/nile-talks',
    title: 'مباحثات بين مصر والسودان حول مياه النيل',
    body: 'بحث وزير الخارجية في مصر مع نظيره في السودان خلال زيارته إلى الخرطوم ملف نهر النيل، وأكد البلدان أهمية التعاون في إدارة مياه النيل. وقالت مصر إن المباحثات كانت بناءة.',
    publishedAt: '2024-04-02',
  },
  alexandria: {
    externalId: 'cms-alex-3',
    title: 'الإسكندرية تستعد لموسم الصيف',
    body: 'تستعد محافظة الإسكندرية لاستقبال المصطافين مع بداية موسم الصيف، وأعلنت المحافظة في الإسكندرية عن افتتاح شواطئ جديدة.',
    publishedAt: '2024-06-15T08:30:00+03:00',
  },
};

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (with contentType), instead of JSON. */
  raw?: string | Uint8Array;
  contentType?: string;
  /** false: no Authorization header; a string: that token. Default: the test token. */
  token?: string | false;
  headers?: Record<string, string>;
}

export interface TestServer {
  url: string;
  db: TestDatabase;
  wasim: WasimApp;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  close(): Promise<void>;
}

export function testConfig(db: TestDatabase, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const vocab = join(db.dir, 'vocab.jsonl');
  writeFileSync(vocab, TEST_VOCAB);
  // Tagging on the event loop unless a test asks for the pool: a pool's threads each load the
  // word statistics, which a hundred short-lived test servers do not need.
  return { ...DEFAULT_CONFIG, databaseUrl: db.url, token: TEST_TOKEN, vocab, rateLimit: false, logLevel: 'silent', vocabPollMs: 0, tagThreads: 0, ...overrides };
}

export async function request(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  if (token !== false) headers.authorization = `Bearer ${token}`;
  let body: string | Uint8Array | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType) headers['content-type'] = options.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A fresh database, the app built on it listening on a random port of 127.0.0.1, its tagger ready. */
export async function listenOnFreshDatabase(label: string, configFor: (db: TestDatabase) => ServerConfig, options: BuildOptions = {}): Promise<{ url: string; db: TestDatabase; wasim: WasimApp; close(): Promise<void> }> {
  const db = await createTestDatabase(label);
  let wasim: WasimApp;
  try {
    wasim = await buildApp(configFor(db), { logger: false, ...options });
  } catch (e) {
    await db.cleanup();
    throw e;
  }
  const url = await wasim.app.listen({ port: 0, host: '127.0.0.1' });
  await wasim.context.tagger.get();
  return {
    url,
    db,
    wasim,
    async close() {
      await wasim.app.close();
      await db.cleanup();
    },
  };
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}, options: BuildOptions = {}): Promise<TestServer> {
  const server = await listenOnFreshDatabase('wasim-server', (db) => testConfig(db, overrides), options);
  return { ...server, request: (method, path, opts) => request(server.url, method, path, opts) };
}

/** The one error shape, with the catalogue's status for the code. */
export function assertError(reply: Reply, code: ErrorCode): void {
  assert.equal(reply.status, ERRORS[code].status, `expected ${code} (${ERRORS[code].status}), got ${reply.status}: ${reply.text.slice(0, 300)}`);
  assert.ok(reply.json && typeof reply.json === 'object', `error body is JSON: ${reply.text.slice(0, 200)}`);
  assert.deepEqual(Object.keys(reply.json), ['error']);
  assert.deepEqual(Object.keys(reply.json.error).sort(), ['code', 'message']);
  assert.equal(reply.json.error.code, code, reply.json.error.message);
  assert.equal(typeof reply.json.error.message, 'string');
  assert.ok(reply.json.error.message.length > 0);
  assert.ok(!/\n\s+at /.test(reply.json.error.message), 'no stack trace in the message');
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
}

/** Polls a job until it finishes. */
export async function waitForJob(server: TestServer, id: number, timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await server.request('GET', `/v1/jobs/${id}`);
    assert.equal(r.status, 200);
    if (r.json.status === 'done' || r.json.status === 'failed' || r.json.status === 'cancelled') return r.json;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${r.json.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const tagIds = (article: { tags: { id?: string; status?: string }[] }, includeRejected = false): string[] =>
  article.tags
    .filter((t) => includeRejected || t.status !== 'rejected')
    .map((t) => t.id!)
    .sort();
