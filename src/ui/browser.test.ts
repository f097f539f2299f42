/**
 * The newsroom in a real browser (Debian's Chromium driven by playwright-core, never a
 * downloaded one) against the real service with the default vocabulary: log in, tag the seed
 * article, see the highlights, reject and accept tags, open a tag page, edit the vocabulary and
 * see a re-tag pick the change up, and check phone width. Screenshots of the main pages go to
 * test-output/screenshots/. Skips when /usr/bin/chromium is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { foldKey } from '../core/index.js';
import { ensureUser, startUiServer, UI_TEST_PASSWORD, type UiServer } from './testing.js';

// What the page-side callbacks use; declared here (not via lib "dom") so the rest of the code base keeps no DOM types.
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown, pseudo?: string): { content: string };

const CHROMIUM = '/usr/bin/chromium';
const REPO = new URL('../../', import.meta.url);
const SHARED = new URL('../shared/data/', REPO);
const SCREENSHOTS = fileURLToPath(new URL('test-output/screenshots/', REPO));
const PHONE = { width: 390, height: 844 };

interface ArticleText {
  title: string;
  body: string;
}

/** Written for this test: used when the shared seed article is absent. */
const OWN_ARTICLE: ArticleText = {
  title: 'مصر وقطر تكثفان الاتصالات لدفع مفاوضات التهدئة في غزة',
  body: [
    'كثفت مصر وقطر اتصالاتهما خلال الساعات الماضية لدفع مفاوضات التهدئة في قطاع غزة، وقال مصدر مصري إن الوسيطين يتبادلان المقترحات بشأن تبادل الأسرى وإدخال المساعدات.',
    'وأكد المصدر أن الدولة المصرية تواصل جهودها عبر معبر رفح لإدخال قوافل الإغاثة، على أمل التوصل إلى اتفاق في الأيام المقبلة.',
    'وتستضيف الدوحة قيادات من حركة حماس، فيما تتابع إسرائيل المحادثات عبر الوسطاء.',
  ].join('\n'),
};

/** Tags a vocabulary matcher tends to get wrong on the seed article (a common word read as a name). */
const KNOWN_WRONG = ['حركة أمل', 'صحيفة الأيام', 'صحيفة الحياة', 'قاعدة العديد', 'عنة', 'الجديدة', 'دورا'];

function seedArticle(): { article: ArticleText; wrong: Set<string>; source: string } {
  const wrong = new Set(KNOWN_WRONG.map(foldKey));
  const file = new URL('seed/article.json', SHARED);
  if (!existsSync(file)) return { article: OWN_ARTICLE, wrong, source: 'the test\'s own article (../shared/data/seed/article.json absent)' };
  const seed = JSON.parse(readFileSync(file, 'utf8')) as ArticleText;
  const judgement = new URL('seed/judgement.json', SHARED);
  if (existsSync(judgement)) {
    const j = JSON.parse(readFileSync(judgement, 'utf8')) as { old_system_tags?: { tag: string; label: string }[] };
    for (const t of j.old_system_tags ?? []) if (t.label === 'no') wrong.add(foldKey(t.tag));
  }
  return { article: { title: seed.title, body: seed.body }, wrong, source: 'the seed article' };
}

interface ApiTag {
  id: string;
  tag: string;
  score: number | null;
  status: string;
  mentions: { text: string; field: string }[];
}

test('newsroom in Chromium: log in, tag, decide, tag page, vocabulary edit and re-tag, phone width', { timeout: 90_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} absent: install Debian's chromium (apt-get install chromium) to run the browser tests`);
    return;
  }
  const { chromium } = await import('playwright-core');
  mkdirSync(SCREENSHOTS, { recursive: true });
  const { article: text, wrong, source } = seedArticle();
  t.diagnostic(`article: ${source}`);

  const server: UiServer = await startUiServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const errors: string[] = [];
  const dialogs: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ar' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const base = server.url;
    const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
    const apiArticle = async (id: number) => (await server.api('GET', `/v1/articles/${id}`)).json as { tags: ApiTag[] };

    await t.test('opens the app: Arabic, right to left, bundled font, keyboard skip link', async () => {
      await page.goto(base + '/');
      assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
      assert.equal(await page.getAttribute('html', 'lang'), 'ar');
      await page.getByRole('heading', { name: 'المقالات', level: 1 }).waitFor();
      const fontLoaded = await page.evaluate(async () => {
        await document.fonts.ready;
        await document.fonts.load('16px "Noto Naskh Arabic"', 'مصر');
        return [...document.fonts].some((f: any) => f.family.includes('Noto Naskh Arabic') && f.status === 'loaded');
      });
      assert.ok(fontLoaded, 'Noto Naskh Arabic loaded from /ui/assets');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'تخطَّ إلى المحتوى');
    });

    await t.test('logs in with a username and password', async () => {
      await ensureUser(server, 'سارة', 'editor');
      await page.getByRole('link', { name: 'دخول المحررين' }).click();
      await page.locator('#username').fill('سارة');
      await page.locator('#password').fill(UI_TEST_PASSWORD);
      await shot('login');
      await page.getByRole('button', { name: 'ادخل' }).click();
      await page.waitForURL(/msg=welcome/);
      await page.getByRole('link', { name: 'سارة' }).first().waitFor();
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'wasim_session');
      assert.ok(session?.httpOnly, 'HttpOnly session cookie');
      assert.equal(session?.sameSite, 'Strict');
    });

    let articleId = 0;
    let tags: ApiTag[] = [];

    await t.test('tags the article at once, then stores it, and shows every mention highlighted', async () => {
      await page.getByRole('link', { name: 'وسم نص', exact: true }).click();
      await page.locator('#title').fill(text.title);
      await page.locator('#body').fill(text.body);
      await page.getByRole('button', { name: 'ضع الوسوم' }).click();
      await page.locator('mark.hl').first().waitFor();
      assert.ok((await page.locator('mark.hl').count()) > 3);
      await shot('tag-text');

      await page.locator('input[name="save"]').check();
      await page.getByRole('button', { name: 'ضع الوسوم' }).click();
      await page.waitForURL(/\/ui\/articles\/\d+\?msg=stored/);
      articleId = Number(/\/ui\/articles\/(\d+)/.exec(page.url())![1]);
      tags = (await apiArticle(articleId)).tags;
      assert.ok(tags.length >= 3, `tags: ${tags.map((x) => x.tag).join(', ')}`);

      const marks = await page.locator('mark.hl').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-tag-id'), tags: e.getAttribute('data-tags')!.split(' '), label: e.getAttribute('data-tag'), text: e.textContent })));
      for (const tag of tags) {
        if (!tag.mentions.length) continue;
        assert.ok(marks.some((m) => m.tags.includes(tag.id)), `${tag.tag} is highlighted`);
        const own = marks.filter((m) => m.id === tag.id);
        for (const m of own) assert.equal(m.label, tag.tag);
        for (const m of own) assert.ok(tag.mentions.some((x) => x.text === m.text), `mark text ${m.text} is a mention of ${tag.tag}`);
      }
      // Focus shows the tag, its score and the kind of evidence.
      const first = page.locator('mark.hl').first();
      await first.focus();
      const tip = await first.evaluate((e) => getComputedStyle(e, '::after').content);
      const label = await first.getAttribute('data-tag');
      assert.ok(tip.includes(label!) && /\d\.\d\d/.test(tip) && /(تطابق تام|مع سابقة متصلة|صيغة مصرّفة|تهجئة بديلة|نسبة)/.test(tip), tip);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot('article-stored');
    });

    let rejected: ApiTag | undefined;
    let accepted: ApiTag | undefined;

    await t.test('rejects a wrong tag and accepts one; the API sees both decisions', async () => {
      const suggested = tags.filter((x) => x.status === 'suggested');
      rejected = suggested.find((x) => wrong.has(foldKey(x.tag)));
      if (!rejected) {
        rejected = [...suggested].sort((a, b) => (a.score ?? 0) - (b.score ?? 0))[0]!;
        t.diagnostic(`no known-wrong tag among the suggestions; rejecting the weakest: ${rejected.tag}`);
      }
      accepted = suggested.find((x) => x.id !== rejected!.id)!;
      // Decisions go through fetch: the panel and the text change in place, the URL stays.
      const url = page.url();
      await page.getByRole('button', { name: `رفض وسم ${rejected.tag}` }).click();
      await page.locator(`.rejected-list [data-tag-item="${rejected.id}"]`).waitFor({ state: 'attached' });
      assert.equal(await page.locator(`mark.hl[data-tag-id="${rejected.id}"]`).count(), 0, 'a rejected tag is no longer highlighted');
      await page.getByRole('button', { name: `قبول وسم ${accepted.tag}` }).click();
      await page.locator(`[data-tag-list] [data-tag-item="${accepted.id}"][data-status="accepted"]`).waitFor();
      assert.equal(page.url(), url, 'no navigation');
      const now = (await apiArticle(articleId)).tags;
      assert.equal(now.find((x) => x.id === rejected!.id)?.status, 'rejected');
      assert.equal(now.find((x) => x.id === accepted!.id)?.status, 'accepted');
      const log = (await server.api('GET', `/v1/articles/${articleId}/decisions`)).json;
      assert.deepEqual(log.items.map((d: { editor: string; action: string }) => `${d.editor}:${d.action}`).sort(), ['سارة:accept', 'سارة:reject']);
    });

    await t.test('adds a tag with autocomplete from the vocabulary', async () => {
      const input = page.locator('#add-tag');
      const onArticle = new Set(tags.map((x) => x.id));
      let chosen: { value: string; id: string } | undefined;
      for (const prefix of ['لبنا', 'الأرد', 'سوري']) {
        await input.fill('');
        await input.pressSequentially(prefix, { delay: 20 });
        await page.waitForFunction(() => document.querySelectorAll('#vocab-options option').length > 0);
        const options = await page.locator('#vocab-options option').evaluateAll((els) => els.map((o: any) => ({ value: o.value, label: o.label })));
        const pick = options.map((o) => ({ value: o.value, id: /\(([^()]+)\)$/.exec(o.label)?.[1] ?? '' })).find((o) => o.id && !onArticle.has(o.id));
        if (pick) {
          chosen = pick;
          break;
        }
      }
      assert.ok(chosen, 'the vocabulary offers a tag that is not on the article');
      await input.fill(chosen.value);
      await page.getByRole('button', { name: 'أضف', exact: true }).click();
      await page.locator(`[data-tag-list] [data-tag-item="${chosen.id}"]`).waitFor();
      assert.equal((await apiArticle(articleId)).tags.find((x) => x.id === chosen!.id)?.status, 'added');
    });

    await t.test('opens the tag page of the accepted tag', async () => {
      await page.locator('#tags a.chip', { hasText: accepted!.tag }).first().click();
      await page.waitForURL(/\/ui\/tags\//);
      await page.getByRole('heading', { name: accepted!.tag, level: 1 }).waitFor();
      assert.ok((await page.locator('ol.bars li').count()) >= 1, 'counts over time');
      assert.equal(await page.locator(`ol.articles a[href="/ui/articles/${articleId}"]`).count(), 1);
      await shot('tag');
    });

    await t.test('edits a vocabulary entry and sees the re-tag pick it up', async () => {
      const alias = 'الدولة المصرية';
      assert.ok(text.body.includes(alias));
      const before = (await apiArticle(articleId)).tags;
      const egypt = before.find((x) => x.tag === 'مصر');
      assert.ok(egypt, 'مصر is on the article');
      assert.ok(!egypt.mentions.some((m) => m.text === alias), 'not yet a mention of مصر');

      await page.getByRole('link', { name: 'المعجم', exact: true }).click();
      // Import a file: the page reads it in the browser and posts its text.
      await page.locator('#import > summary').click();
      const csv = 'id,label,type,aliases\nevent-wasim-press-festival,مهرجان واسم للصحافة,event,مهرجان واسم\n';
      await page.locator('#import-file').setInputFiles({ name: 'newsroom.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.waitForFunction(() => document.querySelector('#import-text').value.includes('مهرجان واسم للصحافة'));
      assert.equal(await page.locator('#import-format').inputValue(), 'csv');
      await page.getByRole('button', { name: 'استورد' }).click();
      await page.waitForURL(/msg=imported&added=1&updated=0&removed=0/);
      await page.getByText('أُضيف 1، وحُدّث 0، وحُذف 0').waitFor();
      assert.equal((await server.api('GET', '/v1/vocabulary/event-wasim-press-festival')).json.label, 'مهرجان واسم للصحافة');

      await page.locator('#vq').fill('مصر');
      await page.getByRole('button', { name: 'ابحث' }).click();
      await page.waitForURL(/\/ui\/vocabulary\?q=/);
      await shot('vocabulary');
      await page.getByRole('link', { name: 'تعديل مصر', exact: true }).click();
      const aliases = page.locator('#edit-aliases');
      await aliases.fill(`${await aliases.inputValue()}\n${alias}`);
      await shot('vocabulary-entry');
      await page.getByRole('button', { name: 'احفظ' }).click();
      // The job page follows the re-tag and comes back when it is done.
      await page.waitForURL(/\/ui\/vocabulary\/entries\/.*msg=saved/, { timeout: 30_000 });
      await page.getByText('حُفظ التعديل').waitFor();

      await page.goto(`${base}/ui/articles/${articleId}`);
      const mark = page.locator(`mark.hl[data-tag-id="${egypt.id}"]`, { hasText: alias });
      await mark.first().waitFor();
      const after = (await apiArticle(articleId)).tags;
      assert.ok(after.find((x) => x.id === egypt.id)!.mentions.some((m) => m.text === alias), 'the re-tag found the new alias');
      assert.equal(after.find((x) => x.id === rejected!.id)?.status, 'rejected', 'decisions survive the re-tag');
      assert.equal(after.find((x) => x.id === accepted!.id)?.status, 'accepted');
      // The page as an editor sees it after a morning's work. docs/screenshot-article.png is this one
      // taken without ../shared (on the test's own article): nothing of the shared data is committed.
      await page.locator('mark.hl').first().focus();
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot('article');
    });

    await t.test('shows an article with <script> in its text as text', async () => {
      const stored = await server.api('POST', '/v1/articles', { title: 'عنوان <script>alert(1)</script> القاهرة', body: 'نص <img src=x onerror="alert(2)"> عن مصر <b>غامق</b>.' });
      assert.equal(stored.status, 201);
      await page.goto(`${base}/ui/articles/${stored.json.id}`);
      assert.match((await page.locator('h1#article-title').textContent())!, /<script>alert\(1\)<\/script>/);
      assert.match((await page.locator('.article-text .body').textContent())!, /<img src=x onerror="alert\(2\)">/);
      assert.equal(await page.locator('.article-text img, .article-text b, .article-text script').count(), 0);
      assert.deepEqual(dialogs, [], 'no script from the article ran');
    });

    await t.test('fits a phone-width screen without horizontal scrolling', async () => {
      await page.setViewportSize(PHONE);
      for (const path of ['/', `/ui/articles/${articleId}`, `/ui/tags/${encodeURIComponent(accepted!.id)}`, '/ui/vocabulary', '/ui/tag', `/ui/vocabulary/entries/${encodeURIComponent(accepted!.id)}`]) {
        await page.goto(base + path);
        const [scrollWidth, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        assert.ok(scrollWidth <= width, `${path}: ${scrollWidth}px wide in a ${width}px screen`);
      }
      await page.goto(`${base}/ui/articles/${articleId}`);
      await shot('article-phone');
      await page.goto(base + '/');
      await shot('articles-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(base + '/');
      await shot('articles');
    });

    assert.deepEqual(errors, [], 'no script errors, failed loads or CSP violations on the pages');
  } finally {
    await browser.close();
    await server.close();
  }
});
