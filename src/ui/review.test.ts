/**
 * The review queue and the review API over HTTP: states with counts, filters by date, source
 * and tag type, bulk accept/reject of one tag across chosen articles, undo, and the CSRF guard
 * on the JSON endpoint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FormClient, startUiServer, type UiServer } from './testing.js';

const VOCAB = [
  { id: 'eg', label: 'مصر', type: 'place' },
  { id: 'sudan', label: 'السودان', type: 'place' },
  { id: 'nile', label: 'نهر النيل', aliases: ['النيل'], type: 'place' },
  { id: 'water', label: 'المياه', type: 'topic' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

const ARTICLES = [
  { url: 'https://alpha.example/a/1', title: 'مصر والسودان يبحثان مياه النيل', body: 'بحثت مصر مع السودان ملف نهر النيل والمياه.', publishedAt: '2024-01-10' },
  { url: 'https://alpha.example/a/2', title: 'السودان يعلن خطة للمياه', body: 'أعلن السودان خطة جديدة لإدارة المياه.', publishedAt: '2024-02-10' },
  { url: 'https://beta.example/b/3', title: 'مصر تفتتح محطة على النيل', body: 'افتتحت مصر محطة جديدة على نهر النيل.', publishedAt: '2024-03-10' },
];

let server: UiServer;
const ids: number[] = [];

before(async () => {
  server = await startUiServer({ vocabulary: VOCAB });
  for (const a of ARTICLES) {
    const r = await server.api('POST', '/v1/articles', a);
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
});

after(async () => {
  await server?.close();
});

const tabCounts = (html: string) => [...html.matchAll(/<ul class="tabs">.*?<\/ul>/gs)][0]![0].match(/<span class="badge">([^<]+)<\/span>/g)!.map((s) => s.replace(/<[^>]+>/g, ''));
const statusOf = async (id: number, tag: string) => ((await server.api('GET', `/v1/articles/${id}`)).json.tags as { id: string; status: string }[]).find((t) => t.id === tag)?.status;

describe('review queue', () => {
  it('counts articles by review state and filters by date, source and type', async () => {
    const client = new FormClient(server);
    const all = await client.get('/ui/queue');
    assert.equal(all.status, 200);
    assert.deepEqual(tabCounts(all.text), ['3 مقالات', 'لا مقالات', 'لا مقالات']);
    assert.deepEqual(tabCounts((await client.get('/ui/queue?source=alpha.example')).text), ['مقالتان', 'لا مقالات', 'لا مقالات']);
    assert.deepEqual(tabCounts((await client.get('/ui/queue?from=2024-02-01&to=2024-02-28')).text), ['مقالة واحدة', 'لا مقالات', 'لا مقالات']);
    assert.deepEqual(tabCounts((await client.get('/ui/queue?type=topic')).text), ['مقالتان', 'لا مقالات', 'لا مقالات'], 'المياه is in two articles');
    assert.match(all.text, /<option value="alpha.example">alpha.example \(2\)<\/option>/);
  });

  it('moves articles between states as editors decide, and undoes over the JSON API', async () => {
    const client = new FormClient(server);
    await client.login('منى');
    await client.get(`/ui/articles/${ids[0]}`);
    const review = (body: unknown, csrf = client.csrf) =>
      fetch(server.url + `/ui/api/articles/${ids[0]}/review`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.origin, cookie: client.cookieHeader, ...(csrf ? { 'x-csrf-token': csrf } : {}) }, body: JSON.stringify(body) });
    assert.equal((await review({ action: 'accept', tag: 'eg' }, '')).status, 403, 'no CSRF token, no decision');
    const accepted = await review({ action: 'accept', tag: 'eg' });
    assert.equal(accepted.status, 200);
    const json = (await accepted.json()) as { html: string; open: number; statuses: Record<string, string> };
    assert.equal(json.statuses.eg, 'accepted');
    assert.match(json.html, /data-tag-item="eg" data-status="accepted"/);
    assert.deepEqual(tabCounts((await client.get('/ui/queue')).text), ['مقالتان', 'مقالة واحدة', 'لا مقالات']);
    const undone = await review({ action: 'undo', tag: 'eg' });
    assert.equal(undone.status, 200);
    assert.equal(await statusOf(ids[0]!, 'eg'), 'suggested');
    assert.equal((await review({ action: 'accept-all' })).status, 200);
    assert.deepEqual(tabCounts((await client.get('/ui/queue')).text), ['مقالتان', 'لا مقالات', 'مقالة واحدة']);
    const log = (await server.api('GET', `/v1/articles/${ids[0]}/decisions`)).json.items as { action: string; editor: string }[];
    assert.ok(log.some((d) => d.action === 'undo' && d.editor === 'منى'));
  });

  it('accepts or rejects one tag across the chosen articles', async () => {
    const client = new FormClient(server);
    await client.login('منى');
    await client.get('/ui/queue');
    const form = new URLSearchParams({ _csrf: client.csrf!, tag: 'مصر', action: 'reject', back: '/ui/queue?state=unreviewed' });
    form.append('ids', String(ids[1]));
    form.append('ids', String(ids[2]));
    const res = await fetch(server.url + '/ui/queue/bulk', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.origin, cookie: client.cookieHeader }, body: form.toString() });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location')!, /msg=bulk&n=1&action=reject/, 'only the article that had مصر changed');
    assert.equal(await statusOf(ids[2]!, 'eg'), 'rejected');
    const flash = await client.get(res.headers.get('location')!);
    assert.match(flash.text, /رُفض الوسم في مقالة واحدة/);

    const add = new URLSearchParams({ _csrf: client.csrf!, tag: 'مصر', action: 'accept' });
    add.append('ids', String(ids[1]));
    const added = await fetch(server.url + '/ui/queue/bulk', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.origin, cookie: client.cookieHeader }, body: add.toString() });
    assert.match(added.headers.get('location')!, /n=1&action=accept/);
    assert.equal(await statusOf(ids[1]!, 'eg'), 'added', 'accepting a tag an article lacks adds it');
  });
});

describe('export', () => {
  it('exports the article–tag assignments of the filtered list as CSV and JSONL', async () => {
    const csv = await fetch(server.url + '/ui/export?format=csv&tag=' + encodeURIComponent('نهر النيل'));
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    assert.match(csv.headers.get('content-disposition')!, /wasim-tags\.csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark for spreadsheets');
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.trim().split('\r\n');
    assert.equal(lines[0], '"article_id","external_id","url","title","published_at","tag_id","tag","type","score","status"');
    const articlesInCsv = new Set(lines.slice(1).map((l) => l.split(',')[0]!.replace(/"/g, '')));
    assert.deepEqual([...articlesInCsv].sort(), [String(ids[0]), String(ids[2])].sort(), 'only the articles tagged النيل');
    assert.ok(lines.some((l) => l.includes('"نهر النيل"')));

    const jsonl = await fetch(server.url + '/ui/export?format=jsonl');
    const rows = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l) as { article_id: number; tag_id: string; status: string });
    assert.ok(rows.length >= 6);
    assert.ok(rows.every((r) => r.status !== 'rejected'), 'rejected tags are not assignments');
    assert.ok(rows.some((r) => r.article_id === ids[1] && r.tag_id === 'eg' && r.status === 'added'));
    assert.equal((await fetch(server.url + '/ui/export?format=xml')).status, 400);
  });
});

describe('dashboard', () => {
  it('shows rising tags against the archive, articles per day and the most rejected tags', async () => {
    const d = await server.wasim.context.repo.review.dashboard();
    assert.equal(d.latest?.slice(0, 10), '2024-03-10', 'windows end at the newest article');
    assert.equal(d.rising.day.articles, 1, 'only the newest article is in the last day');
    assert.deepEqual(d.rising.day.tags.map((t) => t.id), ['nile'], 'the last day\'s article is about النيل (its مصر was rejected above)');
    const nile = d.rising.day.tags.find((t) => t.id === 'nile')!;
    assert.equal(nile.archive, 2);
    assert.equal(nile.lift, 1 / 1 / (2 / 3), 'share in the day over share in the archive');
    assert.deepEqual(d.perDay, [{ day: '2024-02-10', count: 1 }, { day: '2024-03-10', count: 1 }], 'the last thirty days before the newest article');
    assert.deepEqual(d.rejected.map((t) => [t.id, t.count]), [['eg', 1]]);
    const page = await new FormClient(server).get('/ui/dashboard');
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>لوحة المتابعة<\/h1>/);
    assert.match(page.text, /<svg class="chart" viewBox="0 0 600 140" role="img"/);
    assert.match(page.text, /<h2 id="rejected-title">الوسوم الأكثر رفضًا<\/h2>[\s\S]*<a href="\/ui\/tags\/eg">مصر<\/a>[\s\S]*مقالة واحدة/);
  });
});
