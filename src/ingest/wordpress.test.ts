/**
 * The WordPress connector against a real WordPress (Debian's package, `php -S`, MariaDB):
 * create posts, pull them, tag them with wasim, push the tags, read them back through the API;
 * then the CLI on the same site, and 401 / 500 / 429 from WordPress.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isWasimError } from '../core/index.js';
import { createNodeTagger } from '../node/tagger.js';
import { loadDefaultVocabulary } from '../node/vocab-file.js';
import { WordPressClient } from './wordpress.js';
import { startWordPress, type WordPressSite } from './wordpress-testing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function wasim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'wasim.js'), ...args], { cwd: ROOT });
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

const POSTS = [
  {
    title: 'وزير الخارجية القطري يبحث مع نظيره المصري وقف إطلاق النار في قطاع غزة',
    content:
      '<p>استقبل وزير الخارجية القطري في الدوحة نظيره المصري، وبحث الجانبان الجهود المشتركة للتوصل إلى اتفاق لوقف إطلاق النار في قطاع غزة.</p><p>وقال بيان لوزارة الخارجية القطرية إن الوزيرين استعرضا نتائج جولة المفاوضات الأخيرة في القاهرة، واتفقا على مواصلة التنسيق مع الولايات المتحدة.</p>',
  },
  {
    title: 'منتخب المغرب يتأهل إلى نصف نهائي كأس الأمم الأفريقية',
    content: '<p>تأهل منتخب المغرب إلى الدور نصف النهائي بعد فوزه على منتخب السنغال بهدفين مقابل هدف في مباراة أقيمت في الدار البيضاء.</p><p>ويلتقي المنتخب المغربي في نصف النهائي مع الفائز من مباراة مصر ونيجيريا.</p>',
  },
];

let wp: WordPressSite | { skip: string };
before(async () => {
  wp = await startWordPress();
  if ('skip' in wp) console.log(`# skipping the WordPress round trip: ${wp.skip}`);
});
after(async () => {
  if (!('skip' in wp)) await wp.stop();
});

describe('real WordPress', () => {
  test('create posts, pull, tag, push, and read the tags back through the WordPress API', async (t) => {
    if ('skip' in wp) return t.skip(wp.skip);
    const client = new WordPressClient({ site: wp.site, user: wp.user, appPassword: wp.appPassword });
    // The auto-tagger's wrong tag already on the first post: pushing replaces it.
    const wrongTag = await client.tagId('آبل');
    const ids: number[] = [];
    for (const p of POSTS) {
      const { data } = await client.request<{ id: number }>('/wp/v2/posts', { method: 'POST', body: { ...p, status: 'publish', tags: ids.length === 0 ? [wrongTag] : [] } });
      ids.push(data.id);
    }
    const since = new Date(Date.now() - 3600_000).toISOString().slice(0, 19);
    const pulled = [];
    for await (const a of client.pull({ modifiedAfter: since })) pulled.push(a);
    const ours = pulled.filter((a) => ids.includes(Number(a.id.slice(3))));
    assert.equal(ours.length, 2);
    assert.equal(ours[0]!.title, POSTS[0]!.title);
    assert.equal(ours[0]!.body.split('\n\n').length, 2, 'paragraphs kept');
    assert.deepEqual(ours[0]!.wpTags, ['آبل']);

    const tagger = createNodeTagger(loadDefaultVocabulary());
    for (const a of ours) {
      const tags = tagger.tag(a).map((r) => r.tag);
      await client.push(Number(a.id.slice(3)), tags);
    }
    const back = new WordPressClient({ site: wp.site, user: wp.user, appPassword: wp.appPassword });
    const first = await back.postTags(ids[0]!);
    assert.ok(first.includes('قطاع غزة') && first.includes('قطر') && first.includes('مصر'), first.join(', '));
    assert.ok(!first.includes('آبل'), 'the wrong tag was replaced');
    const second = await back.postTags(ids[1]!);
    assert.ok(second.includes('المنتخب المغربي') && second.includes('الدار البيضاء'), second.join(', '));
    // Terms are reused, not duplicated: one قطر on the site.
    const all = await back.tags();
    assert.equal(all.filter((x) => x.name === 'قطر').length, 1);
    assert.equal(all.find((x) => x.name === 'مصر')!.count, 2, 'مصر tags both posts, under one term');

    // An increment after now finds nothing new.
    const later = [];
    for await (const a of client.pull({ modifiedAfter: new Date(Date.now() + 3600_000).toISOString().slice(0, 19) })) later.push(a);
    assert.equal(later.length, 0);
  });

  test('the CLI: import-tags, pull, and push of accepted tags only, keeping the existing ones', async (t) => {
    if ('skip' in wp) return t.skip(wp.skip);
    const tmp = mkdtempSync(join(tmpdir(), 'wasim-wp-'));
    const auth = ['--site', wp.site, '--user', wp.user, '--app-password', wp.appPassword];
    const vocab = await wasim(['wordpress', 'import-tags', ...auth, '--output', join(tmp, 'vocab.jsonl')]);
    assert.equal(vocab.code, 0, vocab.stderr);
    const entries = readFileSync(join(tmp, 'vocab.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { label: string; id: string; note: string });
    assert.ok(entries.some((e) => e.label === 'قطر' && /^wp:\d+$/.test(e.id)));
    assert.match(entries[0]!.note, /used 2 times/, 'most used first');

    const pull = await wasim(['wordpress', 'pull', ...auth, '--output', join(tmp, 'posts.jsonl')]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stderr, /next increment: --modified-after \d{4}-/);
    const posts = readFileSync(join(tmp, 'posts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; title: string });
    const morocco = posts.find((p) => p.title.startsWith('منتخب المغرب'))!;
    writeFileSync(join(tmp, 'decisions.jsonl'), JSON.stringify({ id: morocco.id, tags: [{ tag: 'الدار البيضاء', status: 'accepted' }, { tag: 'السنغال', status: 'rejected' }] }) + '\n');
    const push = await wasim(['wordpress', 'push', ...auth, '--input', join(tmp, 'decisions.jsonl'), '--accepted-only', '--keep-existing']);
    assert.equal(push.code, 0, push.stderr);
    const tags = await new WordPressClient({ site: wp.site, user: wp.user, appPassword: wp.appPassword }).postTags(Number(morocco.id.slice(3)));
    assert.ok(tags.includes('الدار البيضاء') && tags.includes('المنتخب المغربي'), 'accepted tag added, existing kept: ' + tags.join(', '));
    assert.ok(!tags.includes('السنغال'), 'a rejected tag is not pushed');

    const denied = await wasim(['wordpress', 'push', '--site', wp.site, '--user', wp.user, '--app-password', 'wrong pass word', '--input', join(tmp, 'decisions.jsonl')]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /refused the credentials \(HTTP 401\)/);
  });
});

describe('WordPress faults', () => {
  let server: Server;
  let base = '';
  let calls = 0;
  before(async () => {
    server = createServer((req, res) => {
      calls++;
      if (req.url?.includes('status=500')) return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"internal_server_error","message":"<p>There has been a critical error on this website.</p>"}');
      if (req.url?.includes('limit')) return void res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"code":"too_many","message":"slow down"}');
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":"incorrect_password","message":"The provided password is an invalid application password."}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const fails = async (p: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(p, (e: unknown) => isWasimError(e) && e.code === 'FETCH_FAILED' && pattern.test(e.message));

  test('401, 500 and persistent 429 are clear errors; 429 is retried first', async () => {
    const c = new WordPressClient({ site: base, user: 'u', appPassword: 'x', retries: 2, maxWaitMs: 50 });
    await fails(c.tags(), /refused the credentials \(HTTP 401\).*invalid application password/);
    await fails(c.request('/wp/v2/posts', { query: { status: 500 } }), /WordPress failed \(HTTP 500\): There has been a critical error/);
    calls = 0;
    await fails(c.request('/wp/v2/posts', { query: { limit: 1 } }), /kept rate-limiting \(HTTP 429\) after 2 retries/);
    assert.equal(calls, 3);
  });
});
