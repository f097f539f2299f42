/**
 * Reviewing in a real browser (Debian's Chromium through playwright-core): an editor signs in
 * and walks the review queue with the keyboard only — accept, reject, undo, accept all — with
 * no page load in between (asserted), then moves to the next article; a viewer cannot write;
 * the queue's counts use the Arabic plural forms; axe-core finds no serious or critical
 * violation on any page; screenshots of the queue and the article at desktop and phone width
 * go to test-output/screenshots/. Skips when /usr/bin/chromium is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ensureUser, startUiServer, UI_TEST_PASSWORD, type UiServer } from './testing.js';

declare const document: any;
declare const window: any;

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PHONE = { width: 390, height: 844 };

const VOCAB = [
  { id: 'eg', label: 'مصر', type: 'place' },
  { id: 'sudan', label: 'السودان', type: 'place' },
  { id: 'khartoum', label: 'الخرطوم', type: 'place', parent: 'sudan' },
  { id: 'nile', label: 'نهر النيل', aliases: ['النيل'], type: 'place' },
  { id: 'water', label: 'المياه', type: 'topic' },
  { id: 'cairo', label: 'القاهرة', type: 'place', parent: 'eg' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

const ARTICLES = [
  { externalId: 'rv-1', title: 'مباحثات بين مصر والسودان حول مياه النيل', body: 'بحث وزير الخارجية في مصر مع نظيره في السودان خلال زيارته إلى الخرطوم ملف نهر النيل.\nوأكد البلدان أهمية التعاون في إدارة المياه، وقالت مصر إن المباحثات كانت بناءة.', publishedAt: '2024-04-02' },
  { externalId: 'rv-2', title: 'القاهرة تستضيف مؤتمرًا عن المياه', body: 'تستضيف القاهرة الأسبوع المقبل مؤتمرًا دوليًا عن المياه ونهر النيل بمشاركة السودان.', publishedAt: '2024-04-03' },
  { externalId: 'rv-3', title: 'الخرطوم تعلن خطة جديدة', body: 'أعلنت الخرطوم خطة جديدة لإدارة مياه النيل بالتعاون مع مصر.', publishedAt: '2024-04-04' },
];

interface ApiTag {
  id: string;
  status: string;
}

test('review in Chromium: keyboard-only queue walk without reloads, viewer, plurals, axe, screenshots', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} absent: install Debian's chromium (apt-get install chromium) to run the browser tests`);
    return;
  }
  const { chromium } = await import('playwright-core');
  mkdirSync(SCREENSHOTS, { recursive: true });
  const server: UiServer = await startUiServer({ vocabulary: VOCAB });
  const ids: number[] = [];
  for (const a of ARTICLES) {
    const r = await server.api('POST', '/v1/articles', a);
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  await ensureUser(server, 'ليلى', 'editor');
  await ensureUser(server, 'قارئ', 'viewer');
  const tagsOf = async (id: number) => ((await server.api('GET', `/v1/articles/${id}`)).json as { tags: ApiTag[] }).tags;
  const statusOf = async (id: number, tag: string) => (await tagsOf(id)).find((x) => x.id === tag)?.status;

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const errors: string[] = [];
  try {
    // bypassCSP only so that the test can inject axe-core; the pages' own CSP is checked by the other tests.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ar', bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    const base = server.url;
    const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
    const audited: string[] = [];
    const axe = async (label: string) => {
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
      });
      const bad = result.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad, [], `${label}: axe-core found serious or critical violations`);
      audited.push(label);
    };

    await t.test('signs in with the keyboard', async () => {
      await page.goto(`${base}/ui/login?next=${encodeURIComponent('/ui/queue')}`);
      await axe('login');
      await page.locator('#username').focus();
      await page.keyboard.type('ليلى');
      await page.keyboard.press('Tab');
      await page.keyboard.type(UI_TEST_PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/ui\/queue\?msg=welcome/);
    });

    await t.test('the queue counts in Arabic plural forms and opens the first article with n', async () => {
      await page.getByRole('heading', { name: 'طابور المراجعة' }).waitFor();
      const tabs = await page.locator('.tabs a').allTextContents();
      assert.deepEqual(tabs.map((s) => s.replace(/\s+/g, ' ').trim()), ['لم تُراجع 3 مقالات', 'رُوجعت جزئيًا لا مقالات', 'رُوجعت لا مقالات']);
      await axe('queue');
      await shot('queue');
      await page.keyboard.press('n');
      await page.waitForURL(new RegExp(`/ui/articles/${ids[2]}\\?queue=unreviewed`));
    });

    await t.test('accepts, rejects, undoes and accepts all with the keyboard, without a page load', async () => {
      const id = ids[2]!;
      await page.locator('[data-tag-list]').waitFor();
      await axe('article');
      let navigations = 0;
      const onNav = (frame: any) => {
        if (frame === page.mainFrame()) navigations++;
      };
      page.on('framenavigated', onNav);
      await page.setViewportSize({ width: 1280, height: 500 });
      const scrolled: number = await page.evaluate(() => {
        window.__sameDocument = 'yes';
        window.scrollTo(0, 120);
        return window.scrollY;
      });
      assert.ok(scrolled > 0, 'the page scrolls');
      const tagIds = await page.locator('[data-tag-list] > li').evaluateAll((els: any[]) => els.map((e) => e.getAttribute('data-tag-item')));
      assert.ok(tagIds.length >= 3, `at least three suggestions: ${tagIds.join(', ')}`);
      const [first, second, third] = tagIds as [string, string, string];

      await page.keyboard.press('j');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-tag-item')), first, 'j focuses the first tag');
      await page.keyboard.press('a');
      await page.locator(`[data-tag-item="${first}"][data-status="accepted"]`).waitFor();
      assert.equal(await statusOf(id, first), 'accepted');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-tag-item')), first, 'focus stays on the tag');

      await page.keyboard.press('j');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-tag-item')), second);
      await page.keyboard.press('r');
      await page.locator(`.rejected-list [data-tag-item="${second}"]`).waitFor({ state: 'attached' });
      assert.equal(await statusOf(id, second), 'rejected');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-tag-item')), third, 'the next tag takes the rejected one\'s place');

      await page.keyboard.press('u');
      await page.locator(`[data-tag-list] [data-tag-item="${second}"][data-status="suggested"]`).waitFor();
      assert.equal(await statusOf(id, second), 'suggested', 'undo brought the suggestion back');

      await page.keyboard.press('A');
      await page.locator('[data-accept-all]').waitFor({ state: 'detached' });
      const after = await tagsOf(id);
      assert.ok(after.every((x) => x.status !== 'suggested'), `no suggestion left: ${after.map((x) => `${x.id}:${x.status}`).join(', ')}`);
      assert.match((await page.locator('[data-review-status]').textContent()) ?? '', /قُبلت كل المقترحات/);
      assert.match((await page.locator('[data-review-status]').textContent()) ?? '', /اضغط n للمقالة التالية/, 'finished: the next article is offered');
      assert.equal(await page.locator('a[data-key="n"].next-ready').count(), 1);

      // A tag the vocabulary lacks, created and attached inline: label, type and parent in one step.
      await page.locator('[data-create-details] > summary').click();
      await page.locator('#new-tag-label').fill('وزارة الري');
      await page.locator('#new-tag-type').selectOption('organisation');
      await page.locator('#new-tag-parent').fill('مصر');
      await page.locator('#new-tag-label').press('Enter');
      const created = page.locator('[data-tag-list] > li', { hasText: 'وزارة الري' });
      await created.waitFor();
      assert.equal(await created.getAttribute('data-status'), 'added');
      const entry = (await server.api('GET', '/v1/vocabulary?q=' + encodeURIComponent('وزارة الري'))).json.items.find((e: { label: string }) => e.label === 'وزارة الري');
      assert.ok(entry, 'the new entry is in the vocabulary');
      assert.equal(entry.type, 'organisation');
      assert.equal(entry.parent, 'eg');
      assert.equal(await statusOf(id, entry.id), 'added');

      await page.keyboard.press('?');
      await page.locator('dialog#shortcuts[open]').waitFor();
      await axe('shortcuts overlay');
      await page.keyboard.press('Escape');
      await page.locator('dialog#shortcuts[open]').waitFor({ state: 'detached' });

      assert.equal(navigations, 0, 'no navigation happened');
      assert.equal(await page.evaluate(() => window.__sameDocument), 'yes', 'the same document: nothing reloaded');
      assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'scroll position kept');
      await page.setViewportSize({ width: 1280, height: 900 });
      page.off('framenavigated', onNav);
      const log = (await server.api('GET', `/v1/articles/${id}/decisions`)).json.items as { editor: string; action: string }[];
      assert.ok(log.length >= 4 && log.every((d) => d.editor === 'ليلى'), 'decisions logged under the signed-in user');
      assert.ok(log.some((d) => d.action === 'undo'));
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot('article-review');
    });

    await t.test('n opens the next article in the queue; the highlights are not Tab stops', async () => {
      await page.keyboard.press('n');
      await page.waitForURL(new RegExp(`/ui/articles/${ids[1]}\\?queue=unreviewed`));
      const tabStops = await page.evaluate(() => [...document.querySelectorAll('mark.hl')].filter((m: any) => m.tabIndex >= 0).length);
      assert.equal(tabStops, 0);
      // From the skip link, few Tab presses reach the tag list (it was 37 to the first «قبول»).
      await page.locator('a.skip').focus();
      let presses = 0;
      while (presses < 25) {
        await page.keyboard.press('Tab');
        presses++;
        if (await page.evaluate(() => document.activeElement?.hasAttribute('data-tag-list'))) break;
      }
      assert.ok(presses < 25, `the tag list is reached in ${presses} Tab presses`);
      t.diagnostic(`Tab presses from the skip link to the tag list: ${presses}`);
      await page.setViewportSize(PHONE);
      await shot('article-phone-review');
      await page.goto(`${base}/ui/queue`);
      await shot('queue-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.setViewportSize(PHONE);
      await page.goto(`${base}/ui/dashboard`);
      await shot('dashboard-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${base}/ui/dashboard`);
      await axe('dashboard');
      await shot('dashboard');
      await page.goto(`${base}/ui/account`);
      await axe('account');
    });

    await t.test('a viewer reads but cannot write, in the page and through its API', async () => {
      const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ar' });
      try {
        const v = await viewerContext.newPage();
        await v.goto(`${base}/ui/login?next=${encodeURIComponent(`/ui/articles/${ids[0]}`)}`);
        await v.locator('#username').fill('قارئ');
        await v.locator('#password').fill(UI_TEST_PASSWORD);
        await v.keyboard.press('Enter');
        await v.waitForURL(/msg=welcome/);
        assert.equal(await v.locator('button.accept, button.reject, [data-accept-all]').count(), 0, 'no decision buttons');
        const status: unknown = await v.evaluate(async (id: number) => {
          const csrf = document.querySelector('meta[name="csrf-token"]').content;
          const r = await fetch(`/ui/api/articles/${id}/review`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ action: 'accept-all' }) });
          const body = (await r.json()) as { error: { code: string } };
          return [r.status, body.error.code];
        }, ids[0]!);
        assert.deepEqual(status, [403, 'NOT_ALLOWED']);
        assert.ok((await tagsOf(ids[0]!)).every((x) => x.status === 'suggested'), 'nothing changed');
      } finally {
        await viewerContext.close();
      }
    });

    t.diagnostic(`axe-core: no serious or critical violations on ${audited.join(', ')}`);
    assert.deepEqual(errors, [], 'no script errors on the pages');
  } finally {
    await browser.close();
    await server.close();
  }
});
