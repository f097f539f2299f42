/** `wasim ingest` end to end: feeds over real HTTP into JSONL that `wasim tag --input` takes. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFixtureServer, type FixtureServer } from '../ingest/testing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'wasim.js');
const tmp = mkdtempSync(join(tmpdir(), 'wasim-ingest-'));

// Asynchronous, so that the fixture server in this process can answer the child.
function wasim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, WASIM_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

let s: FixtureServer;
before(async () => {
  s = await startFixtureServer();
});
after(async () => {
  await s.close();
});

test('wasim ingest: four feeds into deduped JSONL with source, url and published date; wasim tag reads it', async () => {
  const out = join(tmp, 'articles.jsonl');
  const r = await wasim(['ingest', `${s.base}/wp/feed/`, `${s.base}/atom-site/atom.xml`, `${s.base}/feeds/feed.json`, `${s.base}/old-site/rss.asp`, '--output', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /7 articles, 3 duplicates merged/);
  assert.match(r.stderr, /news\.asp\?id=7782: .*HTTP 404 .*kept from the feed's text/);
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 7);
  const talks = lines[0]!;
  assert.equal(talks.id, `${s.base}/wp/2026/12/02/qatar-egypt-talks`);
  assert.equal(talks.source, `${s.base}/wp/feed/`);
  assert.equal(talks.published, '2026-12-02T08:30:00.000Z');
  assert.equal((talks.sources as unknown[]).length, 2);
  for (const l of lines) {
    assert.equal(typeof l.title, 'string');
    assert.ok((l.body as string).length > 200);
    assert.ok(String(l.url).startsWith(s.base));
  }

  const tagged = await wasim(['tag', '--input', out, '--output', '-']);
  assert.equal(tagged.code, 0, tagged.stderr);
  const results = tagged.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; tags: Array<{ tag: string }> });
  assert.equal(results[0]!.id, talks.id);
  const tags = results[0]!.tags.map((t) => t.tag);
  assert.ok(tags.includes('قطاع غزة') && tags.includes('قطر'), tags.join(', '));
  const fair = results.find((x) => x.id.endsWith('/riyadh-book-fair'))!;
  for (const wrong of ['آبل', 'ريال مدريد', 'أوبك', 'تسلا']) assert.ok(!fair.tags.some((t) => t.tag === wrong), `boilerplate tag ${wrong} absent`);
});

test('wasim ingest: a feed that fails is one line on stderr and exit 1; the others are still written', async () => {
  const r = await wasim(['ingest', `${s.base}/bad/html-feed`, `${s.base}/atom-site/atom.xml`, '--timeout', '2000']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\/html-feed: The URL returned an HTML page, not a feed/);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/);
  assert.equal(r.stdout.trim().split('\n').length, 2);
  const bad = await wasim(['ingest', `${s.base}/atom-site/atom.xml`, '--timeout', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--timeout must be a whole number/);
});
