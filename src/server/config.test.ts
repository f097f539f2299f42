import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, loadConfig } from './config.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-config-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('no configuration: the documented defaults', () => {
  withDir((cwd) => {
    const c = loadConfig({ env: {}, cwd });
    assert.deepEqual(c, DEFAULT_CONFIG);
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.databaseUrl, 'sqlite:./data/wasim.db');
    assert.equal(c.token, undefined);
    assert.equal(c.readTokenRequired, false);
    assert.ok(c.tagThreads >= 1, 'a tagging thread per core');
    assert.equal(c.tagQueue, 64);
    assert.equal(c.tagDeadlineMs, 10_000);
    assert.equal(c.tagLongChars, 20_000);
    assert.equal(c.tagLongThreads, 1);
  });
});

test('environment variables set every documented setting', () => {
  withDir((cwd) => {
    const c = loadConfig({
      cwd,
      env: {
        PORT: '8080',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://wasim@db/wasim',
        WASIM_TOKEN: 'a-long-enough-token-123',
        WASIM_VOCAB: '/srv/tags.csv',
        WASIM_READ_TOKEN_REQUIRED: 'true',
        WASIM_BODY_LIMIT: '4mb',
        WASIM_MAX_ARTICLE_CHARS: '50000',
        WASIM_MAX_BATCH: '20',
        WASIM_RATE_LIMIT: '100',
        WASIM_RATE_LIMIT_WINDOW_MS: '1000',
        WASIM_VOCAB_POLL_MS: '0',
        WASIM_TAG_TOP: '8',
        WASIM_TAG_MIN_SCORE: '0.2',
        WASIM_TRUST_PROXY: 'yes',
        WASIM_LOG_LEVEL: 'warn',
        WASIM_DOCS: 'false',
        WASIM_TAG_THREADS: '3',
        WASIM_TAG_QUEUE: '12',
        WASIM_TAG_DEADLINE_MS: '2500',
        WASIM_TAG_LONG_CHARS: '50000',
        WASIM_TAG_LONG_THREADS: '2',
      },
    });
    assert.equal(c.port, 8080);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.databaseUrl, 'postgres://wasim@db/wasim');
    assert.equal(c.token, 'a-long-enough-token-123');
    assert.equal(c.vocab, '/srv/tags.csv');
    assert.equal(c.readTokenRequired, true);
    assert.equal(c.bodyLimit, 4 * 1024 * 1024);
    assert.equal(c.maxArticleChars, 50000);
    assert.equal(c.maxBatch, 20);
    assert.deepEqual(c.rateLimit, { max: 100, windowMs: 1000 });
    assert.equal(c.vocabPollMs, 0);
    assert.equal(c.tagTop, 8);
    assert.equal(c.tagMinScore, 0.2);
    assert.equal(c.trustProxy, true);
    assert.equal(c.logLevel, 'warn');
    assert.equal(c.docs, false);
    assert.equal(c.tagThreads, 3);
    assert.equal(c.tagQueue, 12);
    assert.equal(c.tagDeadlineMs, 2500);
    assert.equal(c.tagLongChars, 50000);
    assert.equal(c.tagLongThreads, 2);
    assert.equal(loadConfig({ cwd, env: { WASIM_TAG_THREADS: '0' } }).tagThreads, 0, '0: tagging on the event loop');
    assert.equal(loadConfig({ cwd, env: { WASIM_RATE_LIMIT: '0' } }).rateLimit, false);
  });
});

test('wasim.config.json is read, the environment wins over it, and its vocabulary path is relative to it', () => {
  withDir((cwd) => {
    writeFileSync(join(cwd, 'wasim.config.json'), JSON.stringify({ port: 4000, host: '::1', vocab: 'tags/list.txt', rateLimit: { max: 5 }, maxBatch: 7 }));
    const c = loadConfig({ cwd, env: { PORT: '4100' } });
    assert.equal(c.port, 4100);
    assert.equal(c.host, '::1');
    assert.equal(c.vocab, join(cwd, 'tags', 'list.txt'));
    assert.deepEqual(c.rateLimit, { max: 5, windowMs: 60_000 });
    assert.equal(c.maxBatch, 7);
    const other = join(cwd, 'other.json');
    writeFileSync(other, JSON.stringify({ rateLimit: false }));
    assert.equal(loadConfig({ cwd, env: { WASIM_CONFIG: other } }).rateLimit, false);
  });
});

test('invalid settings are USAGE errors that name the setting', () => {
  withDir((cwd) => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ PORT: '70000' }, /PORT/],
      [{ PORT: '3000abc' }, /PORT/],
      [{ WASIM_BODY_LIMIT: 'lots' }, /WASIM_BODY_LIMIT/],
      [{ WASIM_READ_TOKEN_REQUIRED: 'maybe' }, /WASIM_READ_TOKEN_REQUIRED/],
      [{ WASIM_TOKEN: 'short' }, /at least 16/],
      [{ WASIM_LOG_LEVEL: 'loud' }, /WASIM_LOG_LEVEL/],
      [{ WASIM_VOCAB_FORMAT: 'xml' }, /WASIM_VOCAB_FORMAT/],
      [{ WASIM_TAG_THREADS: '-1' }, /WASIM_TAG_THREADS/],
      [{ WASIM_TAG_QUEUE: 'many' }, /WASIM_TAG_QUEUE/],
      [{ WASIM_TAG_DEADLINE_MS: '1.5' }, /WASIM_TAG_DEADLINE_MS/],
      [{ WASIM_TAG_LONG_THREADS: '0' }, /WASIM_TAG_LONG_THREADS/],
    ];
    for (const [env, message] of bad) assert.throws(() => loadConfig({ cwd, env }), (e: any) => e.code === 'USAGE' && message.test(e.message), JSON.stringify(env));
    writeFileSync(join(cwd, 'wasim.config.json'), JSON.stringify({ colour: 'blue' }));
    assert.throws(() => loadConfig({ cwd, env: {} }), (e: any) => e.code === 'USAGE' && /unknown setting "colour"/.test(e.message));
    writeFileSync(join(cwd, 'wasim.config.json'), '[1, 2]');
    assert.throws(() => loadConfig({ cwd, env: {} }), { code: 'USAGE' });
    writeFileSync(join(cwd, 'wasim.config.json'), '{');
    assert.throws(() => loadConfig({ cwd, env: {} }), { code: 'BAD_JSON' });
    assert.throws(() => loadConfig({ cwd, env: { WASIM_CONFIG: join(cwd, 'nope.json') } }), { code: 'FILE_NOT_FOUND' });
  });
});
