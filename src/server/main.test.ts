/**
 * `npm start` on a fresh machine: no configuration at all — an SQLite file created with its
 * folder under ./data, the default vocabulary, the URL and a generated token printed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { DEFAULT_VOCAB_JSONL } from '../node/vocab-file.js';
import { request } from './testing.js';
import { EXIT } from '../core/index.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  // Nothing of the developer's environment: no DATABASE_URL, no token, no vocabulary.
  return { PATH: process.env.PATH ?? '', PORT: '0', WASIM_LOG_LEVEL: 'warn', ...extra };
}

test('a first start with no configuration uses ./data/wasim.db and the default vocabulary, and prints URL and token', async (t) => {
  if (!existsSync(DEFAULT_VOCAB_JSONL)) {
    t.skip('the default vocabulary is not built (npm run build)');
    return;
  }
  const cwd = mkdtempSync(join(tmpdir(), 'wasim-fresh-'));
  const child = spawn(process.execPath, [MAIN], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner:\n${out}`)), 20_000);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
      const poll = setInterval(() => {
        if (/write token: /.test(out)) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }
      }, 10);
    });
    const url = /wasim listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(url, out);
    const token = /write token: (wsm_\S+)/.exec(out)?.[1];
    assert.ok(token, out);
    assert.match(out, /vocabulary: default \(loaded into the database\)/);
    assert.ok(existsSync(join(cwd, 'data', 'wasim.db')), 'the database file is created with its folder');
    const tagged = await request(url, 'POST', '/v1/tag', {
      token: false,
      body: { title: 'الرئيس يستقبل وفدا في القاهرة', body: 'استقبل الرئيس في القاهرة اليوم وفدا رفيع المستوى، وبحث الجانبان العلاقات بين مصر والدول العربية.' },
    });
    assert.equal(tagged.status, 200, tagged.text);
    const labels = tagged.json.tags.map((x: { tag: string }) => x.tag);
    assert.ok(labels.includes('مصر'), `مصر in ${labels.join('، ')}`);
    assert.ok(labels.includes('القاهرة'), `القاهرة in ${labels.join('، ')}`);
    const stored = await request(url, 'POST', '/v1/articles', { token, body: { title: 'القاهرة', body: 'مصر' } });
    assert.equal(stored.status, 201, stored.text);
  } finally {
    child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a bad configuration stops the start with a clear message, not a stack trace', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'wasim-badconf-'));
  try {
    const badPort = spawnSync(process.execPath, [MAIN], { cwd, env: cleanEnv({ PORT: 'eighty' }), encoding: 'utf8' });
    assert.equal(badPort.status, EXIT.USAGE);
    assert.match(badPort.stderr, /PORT: expected an integer/);
    assert.doesNotMatch(badPort.stderr, /\n\s+at /);
    writeFileSync(join(cwd, 'wasim.config.json'), '{"port": 3000,');
    const badFile = spawnSync(process.execPath, [MAIN], { cwd, env: cleanEnv(), encoding: 'utf8' });
    assert.equal(badFile.status, EXIT.INPUT, 'a configuration file that is not JSON');
    assert.match(badFile.stderr, /wasim\.config\.json/);
    rmSync(join(cwd, 'wasim.config.json'));
    const badVocab = spawnSync(process.execPath, [MAIN], { cwd, env: cleanEnv({ WASIM_VOCAB: join(cwd, 'missing.txt') }), encoding: 'utf8' });
    assert.equal(badVocab.status, EXIT.INPUT);
    assert.match(badVocab.stderr, /missing\.txt: no such file/);
    const badDb = spawnSync(process.execPath, [MAIN], { cwd, env: cleanEnv({ DATABASE_URL: 'mysql://x@y/z' }), encoding: 'utf8' });
    assert.equal(badDb.status, EXIT.USAGE);
    assert.match(badDb.stderr, /Unsupported DATABASE_URL/);
    const badArg = spawnSync(process.execPath, [MAIN, '--frobnicate'], { cwd, env: cleanEnv(), encoding: 'utf8' });
    assert.equal(badArg.status, 2);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
