/**
 * «وسوم مقترحة» in a real browser (Debian's Chromium via playwright-core): a new name the
 * stored archive keeps naming is suggested with its examples; an editor accepts it; the next
 * article tagged gets the new tag. Also: a dismissed suggestion stays dismissed. Skips when
 * /usr/bin/chromium is absent.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { ensureUser, startUiServer, UI_TEST_PASSWORD } from './testing.js';

const CHROMIUM = '/usr/bin/chromium';

/** Written for this test: a British foreign secretary and a literary club, neither in the default vocabulary. */
function archive(): { externalId: string; title: string; body: string }[] {
  const out = [];
  for (let i = 0; i < 6; i++) {
    out.push({
      externalId: `suggest-${i}`,
      title: i % 2 === 0 ? 'وزير الخارجية البريطاني فيليب هاموند يبحث الأزمة مع نظرائه' : 'أمسية شعرية في نادي الطائف الأدبي',
      body:
        `قال وزير الخارجية البريطاني فيليب هاموند إن بلاده تدعم الحل السياسي، وأضاف هاموند أن المحادثات مستمرة. ` +
        `ونظم نادي الطائف الأدبي أمسية شعرية حضرها عدد من المثقفين في الليلة رقم ${i + 1}.`,
    });
  }
  return out;
}

test('suggested tags in Chromium: a suggestion with examples, accepted, tags the next article; a dismissal stays', { timeout: 90_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} absent: install Debian's chromium (apt-get install chromium) to run the browser tests`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const server = await startUiServer();
  await ensureUser(server, 'سارة', 'editor');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
  try {
    const ctx = server.wasim.context;
    await ctx.service.store(archive());
    await ctx.suggestions!.refresh();
    const page = await browser.newPage({ locale: 'ar' });
    page.setDefaultTimeout(15_000);

    await page.goto(`${server.url}/ui/login?next=/ui/suggestions`);
    await page.locator('#username').fill('سارة');
    await page.locator('#password').fill(UI_TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ui\/suggestions/);

    const hammond = page.locator('article.suggestion', { has: page.locator('h2', { hasText: 'فيليب هاموند' }) });
    await hammond.waitFor();
    assert.match(await hammond.locator('h2').innerText(), /شخص/);
    assert.equal(await hammond.locator('ul.examples li').count(), 3);
    assert.match(await hammond.locator('ul.examples mark').first().innerText(), /هاموند/);
    const club = page.locator('article.suggestion', { has: page.locator('h2', { hasText: 'نادي الطائف الأدبي' }) });
    await club.waitFor();

    // Dismiss the club: gone now, and gone after the archive is mined again.
    await club.getByRole('button', { name: 'أهمله' }).click();
    await page.waitForURL(/msg=dismissed/);
    assert.equal(await page.locator('article.suggestion h2', { hasText: 'نادي الطائف الأدبي' }).count(), 0);
    await ctx.suggestions!.refresh();
    await page.reload();
    assert.equal(await page.locator('article.suggestion h2', { hasText: 'نادي الطائف الأدبي' }).count(), 0);

    // Accept the person: a vocabulary entry with its type, and the tagger uses it.
    await page.locator('article.suggestion', { has: page.locator('h2', { hasText: 'فيليب هاموند' }) }).getByRole('button', { name: 'اقبله وسمًا' }).click();
    await page.waitForURL(/\/ui\/vocabulary\/entries\/.+msg=created/);
    const entry = await ctx.repo.resolveVocabulary('فيليب هاموند');
    assert.ok(entry, 'the entry exists');
    assert.equal(entry.type, 'person');
    assert.ok(entry.aliases.some((a) => a.includes('هاموند')), JSON.stringify(entry.aliases));

    await page.goto(`${server.url}/ui/tag`);
    await page.locator('#title').fill('هاموند يصل إلى الرياض');
    await page.locator('#body').fill('وصل وزير الخارجية البريطاني فيليب هاموند إلى الرياض في زيارة رسمية تستغرق يومين.');
    await page.locator('input[name="save"]').check();
    await page.getByRole('button', { name: 'ضع الوسوم' }).click();
    await page.waitForURL(/\/ui\/articles\/\d+\?msg=stored/);
    const id = Number(/\/ui\/articles\/(\d+)/.exec(page.url())![1]);
    const stored = await server.api('GET', `/v1/articles/${id}`);
    assert.ok(stored.json.tags.some((x: { id: string }) => x.id === entry.id), JSON.stringify(stored.json.tags.map((x: { tag: string }) => x.tag)));
    assert.ok((await page.locator('mark.hl', { hasText: 'فيليب هاموند' }).count()) >= 1);
    // Accepted: no longer suggested.
    await page.goto(`${server.url}/ui/suggestions`);
    assert.equal(await page.locator('article.suggestion h2', { hasText: 'فيليب هاموند' }).count(), 0);
  } finally {
    await browser.close();
    await server.close();
  }
});
