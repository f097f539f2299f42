/**
 * «ما تعلّمه واسم» over HTTP, and in Chromium when it is installed: readers see the tags wasim
 * now suggests more and less often and why; only an admin resets, switches off and decides
 * pairs; axe-core finds no serious or critical violation on the page.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { ensureUser, FormClient, startUiServer, UI_TEST_PASSWORD, type UiServer } from './testing.js';

declare const document: any;
declare const window: any;

const CHROMIUM = '/usr/bin/chromium';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const VOCAB = [
  { id: 'jo', label: 'الأردن', type: 'place' },
  { id: 'amman', label: 'عمان', aliases: ['العاصمة عمان'], type: 'place' },
  { id: 'irbid', label: 'إربد', type: 'place' },
  { id: 'faisaly', label: 'نادي الفيصلي', aliases: ['الفيصلي'], type: 'organisation' },
  { id: 'football', label: 'كرة القدم', type: 'topic' },
  { id: 'weather', label: 'الطقس', type: 'topic' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

/** A sports desk that keeps الفيصلي, always adds كرة القدم and the country, and never wants إربد in match reports. */
function stories(): { externalId: string; title: string; body: string }[] {
  return Array.from({ length: 4 }, (_, i) => ({
    externalId: `faisaly-${i + 1}`,
    title: `الفيصلي يفوز في الجولة ${i + 1}`,
    body: `حقق نادي الفيصلي فوزًا جديدًا في الجولة رقم ${i + 1} من الدوري على ملعب مدينة إربد، وقال مدرب الفيصلي إن الفريق قدم مباراة كبيرة أمام جماهيره القادمة من إربد.`,
  }));
}

async function learned(server: UiServer): Promise<void> {
  const ctx = server.wasim.context;
  const results = await ctx.service.store(stories());
  for (const r of results) {
    const has = new Set(r.article.tags.map((t) => t.id));
    await ctx.service.decide(r.article.id, { accept: ['faisaly'].filter((t) => has.has(t)), reject: ['irbid'].filter((t) => has.has(t)), add: ['football', 'jo'] }, 'desk');
  }
  await ctx.adaptation!.refit();
}

test('the learning page: what was learned for readers, controls for admins only', async () => {
  const server = await startUiServer({ vocabulary: VOCAB });
  try {
    await learned(server);
    const anonymous = new FormClient(server);
    const page = await anonymous.get('/ui/learning');
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>ما تعلّمه واسم<\/h1>/);
    assert.match(page.text, /aria-current="page">ما تعلّمه واسم</);
    const demoted = /<h2>وسوم يقترحها أقل<\/h2>([\s\S]*?)<\/section>/.exec(page.text)![1]!;
    assert.match(demoted, /إربد/);
    assert.match(demoted, /رفضه المحررون 4 مرات من 4/);
    const boosted = /<h2>وسوم يقترحها أكثر<\/h2>([\s\S]*?)<\/section>/.exec(page.text)![1]!;
    assert.match(boosted, /الفيصلي/);
    assert.match(page.text, /كلما أبقى المحررون «نادي الفيصلي» أضافوا «كرة القدم» \(4 من 4\)/);
    assert.doesNotMatch(page.text, /انسَ هذا الوسم/, 'no controls without an admin');
    // A new article's page says why a tag scores as it does now.
    const [fresh] = await server.wasim.context.service.store([{ externalId: 'faisaly-new', title: 'الفيصلي يستعد للموسم الجديد', body: 'بدأ نادي الفيصلي استعداداته للموسم الجديد بمعسكر داخلي، وقال مدرب الفيصلي إن الفريق جاهز.' }]);
    const articlePage = await anonymous.get(`/ui/articles/${fresh!.article.id}`);
    assert.match(articlePage.text, /<li data-learned><span>تعلّمه من المحررين: قبله المحررون 4 مرات من 4<\/span>/);

    const editor = new FormClient(server);
    await editor.login('محرر', 'editor');
    const asEditor = await editor.get('/ui/learning');
    assert.match(asEditor.text, /يغيّر المسؤولون ما تعلّمه واسم/);
    const refused = await editor.post('/ui/learning/enabled', { enabled: 'false' });
    assert.equal(refused.status, 403);

    const admin = new FormClient(server);
    await admin.login('مديرة', 'admin');
    const asAdmin = await admin.get('/ui/learning');
    assert.match(asAdmin.text, /انسَ هذا الوسم/);
    const reset = await admin.post('/ui/learning/reset', { tag: 'irbid' });
    assert.equal(reset.status, 303);
    assert.equal(reset.location, '/ui/learning?msg=reset');
    assert.equal(server.wasim.context.adaptation!.current()!.tags.irbid, undefined);
    const after = await admin.get('/ui/learning?msg=reset');
    assert.match(after.text, /نُسي ما تعلّمه واسم عن هذا البند/);
    assert.doesNotMatch(/<h2>وسوم يقترحها أقل<\/h2>([\s\S]*?)<\/section>/.exec(after.text)![1]!, /إربد/);

    const off = await admin.post('/ui/learning/enabled', { enabled: 'false' });
    assert.equal(off.location, '/ui/learning?msg=off');
    assert.match((await admin.get('/ui/learning')).text, /badge rejected">متوقف/);
    assert.equal(server.wasim.context.tagger.current!.adaptationVersion, null);
    await admin.post('/ui/learning/enabled', { enabled: 'true' });
    assert.notEqual(server.wasim.context.tagger.current!.adaptationVersion, null);

    const pair = (await server.wasim.context.adaptation!.pairs()).find((p) => p.from === 'faisaly' && p.to === 'jo')!;
    assert.ok(pair);
    const accepted = await admin.post(`/ui/learning/pairs/${pair.id}/accept`, {});
    assert.equal(accepted.location, '/ui/learning?msg=accepted');
    assert.equal((await server.wasim.context.repo.getVocabulary('faisaly'))!.parent, 'jo');
  } finally {
    await server.close();
  }
});

test('the learning page in Chromium: an admin forgets a demoted tag; axe finds nothing serious', { timeout: 90_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} absent: install Debian's chromium (apt-get install chromium) to run the browser tests`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const server = await startUiServer({ vocabulary: VOCAB });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
  try {
    await learned(server);
    await ensureUser(server, 'ليلى', 'admin');
    // bypassCSP only so that the test can inject axe-core; the pages' own CSP is checked by the other tests.
    const page = await browser.newPage({ locale: 'ar', bypassCSP: true });
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/ui/login?next=/ui/learning`);
    await page.locator('#username').fill('ليلى');
    await page.locator('#password').fill(UI_TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ui\/learning/);
    const row = page.locator('tr[data-learned-tag="irbid"]');
    await row.waitFor();
    assert.match(await row.innerText(), /رفضه المحررون 4 مرات من 4/);
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id}: ${v.help}`);
    });
    assert.deepEqual(violations, []);
    await row.getByRole('button', { name: 'انسَ هذا الوسم' }).click();
    await page.waitForURL(/msg=reset/);
    assert.equal(await page.locator('tr[data-learned-tag="irbid"]').count(), 0);
    assert.match(await page.locator('[role="status"]').first().innerText(), /نُسي/);
  } finally {
    await browser.close();
    await server.close();
  }
});
