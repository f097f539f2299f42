/**
 * The newsroom pages over real HTTP on a listening port: escaping of stored text, highlights,
 * login and the CSRF guard, the read policy, editing through forms landing in the same storage
 * the API reads, the bundled font.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureUser, FormClient, startUiServer, UI_TEST_PASSWORD, UI_TEST_TOKEN, type UiServer } from './testing.js';

const VOCAB = [
  { id: 'eg', label: 'مصر', aliases: ['جمهورية مصر العربية'], nisba: ['المصري', 'المصرية'], type: 'place' },
  { id: 'cairo', label: 'القاهرة', type: 'place', parent: 'eg' },
  { id: 'sudan', label: 'السودان', type: 'place' },
  { id: 'khartoum', label: 'الخرطوم', type: 'place', parent: 'sudan' },
  { id: 'nile', label: 'نهر النيل', aliases: ['النيل'], type: 'place' },
  { id: 'water', label: 'المياه', type: 'topic' },
  { id: 'ahly', label: 'النادي الأهلي', aliases: ['الأهلي'], type: 'organisation' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

const NILE = {
  externalId: 'ui-nile-1',
  title: 'مباحثات بين مصر والسودان حول مياه النيل',
  body: 'بحث وزير الخارجية المصري مع نظيره في السودان خلال زيارته إلى الخرطوم ملف نهر النيل.\nوأكد البلدان أهمية التعاون في إدارة مياه النيل، وقالت مصر إن المباحثات كانت بناءة.',
  publishedAt: '2024-04-02',
};

const EVIL = {
  externalId: 'ui-evil-2',
  title: 'القاهرة <script>alert(1)</script> تستضيف',
  body: 'أعلنت القاهرة <img src=x onerror="alert(2)"> عن <b>خطة</b> لمياه النيل & "أكثر" \'من ذلك\'.',
};

let server: UiServer;
let nileId: number;
let evilId: number;

before(async () => {
  server = await startUiServer({ vocabulary: VOCAB });
  const a = await server.api('POST', '/v1/articles', NILE);
  assert.equal(a.status, 201, a.text);
  nileId = a.json.id;
  const b = await server.api('POST', '/v1/articles', EVIL);
  assert.equal(b.status, 201, b.text);
  evilId = b.json.id;
});

after(async () => {
  await server?.close();
});

function onlyOurScript(page: string): void {
  assert.deepEqual(page.match(/<script\b[^>]*>/g), [page.match(/<script src="\/ui\/assets\/ui\.js\?v=[0-9a-f]+" defer>/)![0]]);
}

describe('reading pages', () => {
  it('serves the article list in Arabic, right to left, with security headers', async () => {
    const res = await new FormClient(server).get('/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/html; charset=utf-8/);
    assert.match(res.text, /<html lang="ar" dir="rtl">/);
    assert.match(res.headers.get('content-security-policy')!, /script-src 'self'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.text, /مقالتان/);
    assert.match(res.text, /<a class="chip type-place" href="\/ui\/tags\/eg"[^>]*>مصر<\/a>/);
  });

  it('shows an article whose text holds <script> and HTML escaped, in the list and on its page', async () => {
    const client = new FormClient(server);
    for (const path of ['/', `/ui/articles/${evilId}`, '/ui/tags/cairo']) {
      const res = await client.get(path);
      assert.equal(res.status, 200, path);
      onlyOurScript(res.text);
      assert.ok(!/<img\b/.test(res.text), `${path}: no <img> from the article`);
      assert.ok(!/<b>خطة/.test(res.text), `${path}: no <b> from the article`);
      assert.ok(res.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${path}: the title is escaped`);
    }
    const page = (await client.get(`/ui/articles/${evilId}`)).text;
    assert.ok(page.includes('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;'));
    assert.ok(page.includes('&lt;b&gt;خطة&lt;/b&gt;'));
    // The highlight sits on the word, around the escaped markup.
    assert.match(page, /<mark class="hl type-place"[^>]*data-tag="القاهرة"[^>]*>القاهرة<\/mark> &lt;script&gt;/);
  });

  it('highlights every stored mention with tag, score and kind of evidence', async () => {
    const stored = (await server.api('GET', `/v1/articles/${nileId}`)).json;
    const page = (await new FormClient(server).get(`/ui/articles/${nileId}`)).text;
    const marks = [...page.matchAll(/<mark [^>]*data-tag-id="([^"]+)"[^>]*data-kind="([^"]+)"[^>]*>([^<]+)<\/mark>/g)].map((m) => ({ id: m[1], kind: m[2], text: m[3] }));
    assert.ok(marks.length > 0);
    for (const tag of stored.tags) {
      assert.ok(marks.some((m) => m.id === tag.id), `a mark for ${tag.tag}`);
    }
    assert.ok(marks.some((m) => m.id === 'eg' && m.kind === 'nisba' && m.text === 'المصري'), JSON.stringify(marks));
    assert.ok(marks.some((m) => m.id === 'sudan' && m.kind === 'clitic' && m.text === 'والسودان'), JSON.stringify(marks));
    assert.match(page, /data-tip="مصر · \d\.\d\d · نسبة"/);
  });

  it('tags a pasted text at once without storing it', async () => {
    const client = new FormClient(server);
    const res = await client.post('/ui/tag', { title: 'الأهلي يفوز في القاهرة', body: 'فاز النادي الأهلي <i>أمس</i> في استاد القاهرة.' });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.match(res.text, /data-tag="النادي الأهلي"[^>]*>الأهلي<\/mark>/);
    assert.match(res.text, /data-tag="القاهرة"[^>]*>القاهرة<\/mark>/);
    assert.ok(res.text.includes('&lt;i&gt;أمس&lt;/i&gt;'));
    assert.equal((await server.api('GET', '/v1/articles')).json.total, 2, 'nothing stored');
    const empty = await client.post('/ui/tag', { title: ' ', body: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /الصق عنوانًا أو نصًا أولًا/);
  });

  it('shows a tag page with its parent, counts per month and articles', async () => {
    const res = await new FormClient(server).get('/ui/tags/cairo');
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1 id="tag-title">القاهرة<\/h1>/);
    assert.match(res.text, /<dt>يتبع<\/dt><dd><ul class="chips"><li><a class="chip type-place" href="\/ui\/tags\/eg"/);
    assert.match(res.text, /<ol class="bars">/);
    assert.ok(res.text.includes(`href="/ui/articles/${evilId}"`));
  });

  it('filters the list by tag and by text, and answers unknown pages with an HTML 404', async () => {
    const client = new FormClient(server);
    const byTag = await client.get('/?tag=' + encodeURIComponent('الخرطوم'));
    assert.match(byTag.text, /مقالة واحدة موسومة بـ <a href="\/ui\/tags\/khartoum">الخرطوم<\/a>/);
    assert.ok(byTag.text.includes(`href="/ui/articles/${nileId}"`) && !byTag.text.includes(`href="/ui/articles/${evilId}"`));
    const byText = await client.get('/?q=' + encodeURIComponent('استضيف'));
    assert.match(byText.text, /لا مقالات تطابق البحث/);
    for (const path of ['/ui/articles/99999', '/ui/no-such-page', '/ui/tags/nope', '/ui/articles/abc']) {
      const res = await client.get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type')!, /^text\/html/);
      assert.match(res.text, /غير موجود/);
    }
  });

  it('serves the bundled Arabic webfont from node_modules, and nothing else from there', async () => {
    const font = await fetch(`${server.url}/ui/assets/fonts/noto-naskh-arabic-arabic-400-normal.woff2`);
    assert.equal(font.status, 200);
    assert.equal(font.headers.get('content-type'), 'font/woff2');
    assert.equal(Buffer.from(await font.arrayBuffer()).subarray(0, 4).toString('latin1'), 'wOF2');
    for (const bad of ['..%2Fpackage.json', '..%2F..%2F..%2Fpackage.json', 'index.css']) {
      assert.equal((await fetch(`${server.url}/ui/assets/fonts/${bad}`)).status, 404, bad);
    }
    const css = await (await fetch(`${server.url}/ui/assets/ui.css`)).text();
    assert.match(css, /font-family: 'Noto Naskh Arabic'/);
    assert.match(css, /src: url\(\/ui\/assets\/fonts\/noto-naskh-arabic-arabic-400-normal\.woff2\)/);
  });
});

describe('login and the CSRF guard', () => {
  it('refuses a wrong password and keeps only a random session id in an HttpOnly, SameSite=Strict cookie', async () => {
    await ensureUser(server, 'سارة', 'editor');
    const client = new FormClient(server);
    const wrong = await client.post('/ui/login', { username: 'سارة', password: 'not-the-password', next: '/' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /اسم المستخدم أو كلمة المرور غير صحيح/);
    const unknown = await client.post('/ui/login', { username: 'nobody', password: UI_TEST_PASSWORD, next: '/' });
    assert.equal(unknown.status, 401, 'an unknown user gets the same answer');
    assert.match(unknown.text, /اسم المستخدم أو كلمة المرور غير صحيح/);
    const oldWay = await client.post('/ui/login', { token: UI_TEST_TOKEN, editor: 'سارة', next: '/' });
    assert.equal(oldWay.status, 401, 'the service token is for the API, not a login');
    const right = await client.post('/ui/login', { username: 'سارة', password: UI_TEST_PASSWORD, next: `/ui/articles/${nileId}` });
    assert.equal(right.status, 303);
    assert.equal(right.location, `/ui/articles/${nileId}?msg=welcome`);
    const cookie = right.headers.getSetCookie().find((c) => c.startsWith('wasim_session='))!;
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.doesNotMatch(cookie, /Secure/i, 'plain HTTP on localhost: no Secure flag');
    assert.match(cookie, /^wasim_session=[A-Za-z0-9_-]{43};/, 'the cookie is a random id only');
    assert.ok(!cookie.includes(UI_TEST_TOKEN) && !cookie.includes(encodeURIComponent(UI_TEST_PASSWORD)));
    const page = await client.get(right.location!);
    assert.match(page.text, /<a href="\/ui\/account" class="account-link">سارة<\/a>/);
    assert.ok(client.csrf);
  });

  it('marks the session cookie Secure when served over HTTPS (behind a proxy)', async () => {
    const proxied = await startUiServer({ config: { trustProxy: true } });
    try {
      await ensureUser(proxied, 'نور');
      const res = await fetch(proxied.url + '/ui/login', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https', origin: 'https://' + new URL(proxied.url).host },
        body: new URLSearchParams({ username: 'نور', password: UI_TEST_PASSWORD, next: '/' }).toString(),
      });
      assert.equal(res.status, 303);
      assert.match(res.headers.getSetCookie().find((c) => c.startsWith('wasim_session='))!, /;\s*Secure/i);
    } finally {
      await proxied.close();
    }
  });

  it('never redirects to another site after login', async () => {
    await ensureUser(server, 'سارة', 'editor');
    const res = await new FormClient(server).post('/ui/login', { username: 'سارة', password: UI_TEST_PASSWORD, next: '//evil.example/' });
    assert.equal(res.location, '/?msg=welcome');
  });

  it('refuses edits without a session, without the CSRF token, or from another origin', async () => {
    const anonymous = new FormClient(server);
    await anonymous.get('/');
    const noSession = await anonymous.post(`/ui/articles/${nileId}/tags`, { tag: 'eg', action: 'reject' });
    assert.equal(noSession.status, 401);

    const client = new FormClient(server);
    await client.login();
    const noCsrf = await client.post(`/ui/articles/${nileId}/tags`, { tag: 'eg', action: 'reject' }, { csrf: false });
    assert.equal(noCsrf.status, 403);
    const badCsrf = await client.post(`/ui/articles/${nileId}/tags`, { tag: 'eg', action: 'reject', _csrf: 'forged' });
    assert.equal(badCsrf.status, 403);
    const crossSite = await client.post(`/ui/articles/${nileId}/tags`, { tag: 'eg', action: 'reject' }, { origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    const stored = (await server.api('GET', `/v1/articles/${nileId}`)).json;
    assert.equal(stored.tags.find((t: { id: string }) => t.id === 'eg').status, 'suggested', 'nothing changed');
  });

  it('logs out', async () => {
    const client = new FormClient(server);
    await client.login();
    const stolen = client.cookieHeader;
    assert.match(stolen, /^wasim_session=/);
    const out = await client.post('/ui/logout', {});
    assert.equal(out.status, 303);
    const page = await client.get('/');
    assert.match(page.text, /دخول المحررين/);
    assert.equal(client.cookieHeader, '');
    // A copy of the cookie taken before logging out no longer works: the session record is gone.
    const replay = await fetch(server.url + `/ui/articles/${nileId}/tags`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.origin, cookie: stolen },
      body: new URLSearchParams({ tag: 'eg', action: 'reject', _csrf: client.csrf ?? '' }).toString(),
    });
    assert.equal(replay.status, 401);
    const store = await fetch(server.url + '/ui/tag', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.origin, cookie: stolen },
      body: new URLSearchParams({ title: 'مقالة بعد الخروج', body: 'نص عن القاهرة', save: '1', _csrf: client.csrf ?? '' }).toString(),
    });
    assert.equal(store.status, 401, 'no article is stored with a logged-out cookie');
  });
});

describe('editing through the pages', () => {
  it('accepts, rejects and adds tags: the API sees the same decisions, with the editor', async () => {
    const client = new FormClient(server);
    await client.login('ليلى');
    await client.get(`/ui/articles/${nileId}`);
    const reject = await client.post(`/ui/articles/${nileId}/tags`, { tag: 'sudan', action: 'reject' });
    assert.equal(reject.status, 303);
    assert.equal(reject.location, `/ui/articles/${nileId}?msg=rejected#tags`);
    assert.equal((await client.post(`/ui/articles/${nileId}/tags`, { tag: 'eg', action: 'accept' })).status, 303);
    const before = (await server.api('GET', `/v1/articles/${nileId}`)).json;
    assert.ok(!before.tags.some((t: { id: string }) => t.id === 'cairo'), 'القاهرة is not in the article: adding it is an editor\'s call');
    assert.equal((await client.post(`/ui/articles/${nileId}/tags`, { add: 'القاهرة' })).status, 303);

    const stored = (await server.api('GET', `/v1/articles/${nileId}`)).json;
    const status = Object.fromEntries(stored.tags.map((t: { id: string; status: string }) => [t.id, t.status]));
    assert.equal(status.sudan, 'rejected');
    assert.equal(status.eg, 'accepted');
    assert.equal(status.cairo, 'added');
    const log = (await server.api('GET', `/v1/articles/${nileId}/decisions`)).json;
    assert.deepEqual(log.items.map((d: { editor: string; action: string; tagId: string }) => `${d.editor}:${d.action}:${d.tagId}`).sort(), ['ليلى:accept:eg', 'ليلى:add:cairo', 'ليلى:reject:sudan']);

    const page = (await client.get(reject.location!.replace(/#.*/, ''))).text;
    assert.doesNotMatch(page, /<mark [^>]*data-tag-id="sudan"/, 'a rejected tag is not highlighted');
    assert.match(page, /رُفض الوسم/);
    assert.match(page, /وسوم مرفوضة \(1\)/);

    const unknown = await client.post(`/ui/articles/${nileId}/tags`, { add: 'كوكب <زحل>' });
    assert.equal(unknown.status, 404);
    assert.ok(unknown.text.includes('لا يوجد في المعجم وسم «كوكب &lt;زحل&gt;»'));
  });

  it('adds and edits vocabulary entries, re-tags the affected articles, merges, imports and deletes', async () => {
    const client = new FormClient(server);
    await client.login();
    await client.get('/ui/vocabulary');

    const added = await client.post('/ui/vocabulary', { label: 'وزارة الخارجية', type: 'organisation', aliases: '', nisba: '', parent: 'eg', note: '' });
    assert.equal(added.status, 303, added.text.slice(0, 300));
    const entry = (await server.api('GET', '/v1/vocabulary?q=' + encodeURIComponent('وزارة الخارجية'))).json.items[0];
    assert.equal(entry.label, 'وزارة الخارجية');
    assert.equal(entry.parent, 'eg');
    assert.equal(added.location, `/ui/vocabulary/entries/${encodeURIComponent(entry.id)}?msg=created`);

    // An alias that the stored article uses; saving re-tags it as a job.
    const listed = await client.get('/ui/vocabulary?q=' + encodeURIComponent('الخارجية'));
    assert.ok(listed.text.includes(`<a class="small" href="/ui/vocabulary/entries/${encodeURIComponent(entry.id)}" aria-label="تعديل وزارة الخارجية">`), 'the list links to the edit page');
    const form = await client.get(`/ui/vocabulary/entries/${encodeURIComponent(entry.id)}`);
    assert.ok(form.text.includes(`<form method="post" action="/ui/vocabulary/entries/${encodeURIComponent(entry.id)}" class="card">`), 'the edit form posts where the test posts');
    assert.ok(form.text.includes(`action="/ui/vocabulary/entries/${encodeURIComponent(entry.id)}/delete"`));
    assert.ok(form.text.includes(`action="/ui/vocabulary/entries/${encodeURIComponent(entry.id)}/merge"`));
    const saved = await client.post(`/ui/vocabulary/entries/${encodeURIComponent(entry.id)}`, { label: 'وزارة الخارجية', type: 'organisation', aliases: 'وزير الخارجية\nالخارجية', nisba: '', parent: 'eg', note: '', retag: '1' });
    assert.equal(saved.status, 303);
    const job = /^\/ui\/jobs\/(\d+)\?then=/.exec(saved.location ?? '');
    assert.ok(job, saved.location ?? '');
    const jobPage = await client.get(saved.location!);
    assert.equal(jobPage.status, 200);
    assert.match(jobPage.text, /إعادة الوسم/);
    for (let i = 0; ; i++) {
      const j = (await server.api('GET', `/v1/jobs/${job[1]}`)).json;
      if (j.status === 'done') {
        assert.deepEqual(j.params, { ids: [nileId] }, 'only the article that uses the forms');
        break;
      }
      assert.notEqual(j.status, 'failed', j.error);
      assert.ok(i < 200, 'job finishes');
      await new Promise((r) => setTimeout(r, 25));
    }
    const finished = await client.get(saved.location!);
    assert.match(finished.text, /اكتمل — 1 \/ 1/);
    assert.doesNotMatch(finished.text, /data-job-id/, 'a finished job is not polled');
    assert.ok(finished.text.includes(`<a class="button" href="/ui/vocabulary/entries/${encodeURIComponent(entry.id)}?msg=saved">`));
    const retagged = (await server.api('GET', `/v1/articles/${nileId}`)).json;
    const ministry = retagged.tags.find((t: { id: string }) => t.id === entry.id);
    assert.ok(ministry, JSON.stringify(retagged.tags.map((t: { tag: string }) => t.tag)));
    assert.equal(ministry.mentions[0].text, 'وزير الخارجية');
    assert.equal(retagged.tags.find((t: { id: string }) => t.id === 'sudan').status, 'rejected', 'decisions survive the re-tag');

    // Merge it into another entry, import a file, delete.
    await client.get('/ui/vocabulary');
    const merged = await client.post('/ui/vocabulary/merge', { from: entry.id, into: 'eg' });
    assert.equal(merged.status, 303);
    assert.equal((await server.api('GET', `/v1/vocabulary/${encodeURIComponent(entry.id)}`)).status, 404);
    assert.ok((await server.api('GET', '/v1/vocabulary/eg')).json.aliases.includes('وزارة الخارجية'));

    const imported = await client.post('/ui/vocabulary/import', { text: 'id,label,type\nport-said,بورسعيد,place\nsuez,السويس,place\n', format: 'csv', mode: 'merge' });
    assert.equal(imported.status, 303);
    assert.match(imported.location!, /msg=imported&added=2&updated=0&removed=0/);
    assert.match((await client.get(imported.location!)).text, /أُضيف 2، وحُدّث 0، وحُذف 0/);
    assert.equal((await server.api('GET', '/v1/vocabulary/suez')).json.label, 'السويس');

    const deleted = await client.post('/ui/vocabulary/entries/suez/delete', {});
    assert.equal(deleted.status, 303);
    assert.equal((await server.api('GET', '/v1/vocabulary/suez')).status, 404);

    const bad = await client.post('/ui/vocabulary', { label: 'اسم', type: 'planet' });
    assert.equal(bad.status, 400);
  });

  it('lists tags never used and tags used on too many articles', async () => {
    const client = new FormClient(server);
    const unused = await client.get('/ui/vocabulary?view=unused');
    assert.match(unused.text, /href="\/ui\/tags\/ahly"/);
    assert.doesNotMatch(unused.text, /href="\/ui\/tags\/cairo"/);
    const overused = await client.get('/ui/vocabulary?view=overused');
    // القاهرة is on every stored article by now (one by an editor's addition): more than 30 % of them.
    assert.match(overused.text, /href="\/ui\/tags\/cairo"/);
    assert.doesNotMatch(overused.text, /href="\/ui\/tags\/ahly"/);
  });

  it('stores a pasted text as an article when asked', async () => {
    const client = new FormClient(server);
    await client.login();
    await client.get('/ui/tag');
    assert.match((await client.get('/ui/tag')).text, /<input type="date" id="publishedAt" name="publishedAt"/);
    const res = await client.post('/ui/tag', { title: 'الخرطوم تستقبل وفدًا من القاهرة', body: 'وصل وفد من القاهرة إلى الخرطوم لبحث ملف مياه النيل.', externalId: 'ui-store-3', publishedAt: '2024-05-01', save: '1' });
    assert.equal(res.status, 303);
    const id = Number(/^\/ui\/articles\/(\d+)\?msg=stored$/.exec(res.location!)![1]);
    const stored = (await server.api('GET', `/v1/articles/${id}`)).json;
    assert.equal(stored.externalId, 'ui-store-3');
    assert.equal(stored.publishedAt?.slice(0, 10), '2024-05-01', 'the publication date given in the form');
    assert.ok(stored.tags.some((t: { id: string }) => t.id === 'khartoum'));
    const again = await client.post('/ui/tag', { title: 'x', body: 'y', externalId: 'ui-store-3', save: '1' });
    assert.equal(again.location, `/ui/articles/${id}?msg=known`);
  });
});

describe('read policy', () => {
  it('sends readers to the login page when the service requires the token to read', async () => {
    const locked = await startUiServer({ vocabulary: VOCAB, config: { readTokenRequired: true } });
    try {
      const client = new FormClient(locked);
      const res = await client.get('/ui/vocabulary?q=x');
      assert.equal(res.status, 302);
      assert.equal(res.location, '/ui/login?next=' + encodeURIComponent('/ui/vocabulary?q=x'));
      assert.equal((await client.get('/ui/api/vocabulary?q=' + encodeURIComponent('مصر'))).status, 401);
      assert.equal((await client.get('/ui/login')).status, 200);
      await client.login();
      assert.equal((await client.get('/')).status, 200);
      const api = await client.get('/ui/api/vocabulary?q=' + encodeURIComponent('مصر'));
      assert.equal(JSON.parse(api.text).items[0].id, 'eg');
    } finally {
      await locked.close();
    }
  });
});
