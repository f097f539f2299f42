/** Feeds, pages and dedupe over real HTTP against a local server of fixture feeds modelled on Arabic news sites. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isWasimError } from '../core/index.js';
import { parseDate } from './dates.js';
import { parseFeed } from './feed.js';
import { postIdOf } from './wordpress.js';
import { fetchPage, ingestFeeds, loadFeed } from './ingest.js';
import { HostLimiter } from './fetch.js';
import { canonicalUrl, textHash } from './text.js';
import { startFixtureServer, type FixtureServer } from './testing.js';

let s: FixtureServer;
before(async () => {
  s = await startFixtureServer();
});
after(async () => {
  await s.close();
});

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isWasimError(e), `a WasimError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('feed formats', () => {
  test('WordPress RSS: CDATA, entities, content:encoded, relative links, two enclosures, a missing date', async () => {
    const { feed } = await loadFeed(`${s.base}/wp/feed/`);
    assert.ok(feed);
    assert.equal(feed.format, 'rss');
    assert.equal(feed.title, 'صحيفة الواحة الإخبارية');
    const [a, b, d] = feed.items;
    assert.equal(a!.title, 'وزير الخارجية القطري يبحث مع نظيره المصري وقف إطلاق النار في قطاع غزة');
    assert.equal(a!.guid, `${s.base}/wp/?p=1201`);
    assert.equal(a!.author, 'محرر الشؤون السياسية');
    assert.deepEqual(a!.categories, ['سياسة', 'غزة']);
    assert.equal(a!.published, '2026-12-02T08:30:00.000Z');
    assert.match(a!.content, /“نحن أمام فرصة حقيقية” & قال مصدر مطلع\./);
    assert.equal(a!.content.split('\n\n').length, 5, 'paragraphs kept');
    assert.doesNotMatch(a!.content, /<p>|&#8220;/);
    assert.deepEqual(a!.enclosures.map((e) => e.type), ['image/jpeg', 'audio/mpeg']);
    assert.equal(a!.enclosures[1]!.length, 1048576);
    assert.equal(a!.image, `${s.base}/wp/wp-content/uploads/2026/12/doha.jpg`);
    assert.equal(b!.url, `${s.base}/wp/2026/12/02/riyadh-rain/`, 'a relative link is resolved against the channel link');
    assert.equal(b!.published, null, 'no pubDate: no date invented');
    assert.equal(d!.content, '');
    assert.match(d!.summary, /\[…\]$/);
  });

  test('Atom: xml:base, relative alternate and enclosure links, escaped HTML and inline XHTML content', async () => {
    const { feed } = await loadFeed(`${s.base}/atom-site/atom.xml`);
    assert.ok(feed);
    assert.equal(feed.format, 'atom');
    const [c, b] = feed.items;
    assert.equal(c!.url, `${s.base}/atom-site/economy/2026/12/sama-rates`);
    assert.equal(c!.image, `${s.base}/atom-site/img/sama.png`);
    assert.equal(c!.published, '2026-12-02T04:45:00.000Z');
    assert.equal(c!.author, 'وكالة أنباء المشرق', 'the feed author stands in for an entry without one');
    assert.deepEqual(c!.categories, ['اقتصاد']);
    assert.equal(c!.content.split('\n\n').length, 3);
    assert.equal(b!.published, '2026-12-02T09:00:00.000Z', 'updated stands in for a missing published');
    assert.match(b!.content, /^شهدت مدينة الرياض/);
    assert.equal(b!.content.split('\n\n').length, 3);
  });

  test('JSON Feed: content_html, summary, attachments, a relative image', async () => {
    const { feed } = await loadFeed(`${s.base}/feeds/feed.json`);
    assert.ok(feed);
    assert.equal(feed.format, 'json');
    assert.equal(feed.items.length, 3);
    assert.equal(feed.items[0]!.image, `${s.base}/json-site/img/doha.jpg`);
    assert.equal(feed.items[0]!.author, 'نبض الخليج');
    assert.deepEqual(feed.items[1]!.enclosures, [{ url: `${s.base}/json-site/goal.mp4`, type: 'video/mp4', length: 5000000 }]);
    assert.match(feed.items[1]!.summary, /…$/);
  });

  test('windows-1256 declared only in the XML prolog, Arabic text dates and Arabic-Indic digits', async () => {
    const { feed } = await loadFeed(`${s.base}/old-site/rss.asp`);
    assert.ok(feed);
    assert.equal(feed.title, 'جريدة الأخبار العربية');
    assert.equal(feed.items[0]!.title, 'البنك المركزي السعودي يثبت أسعار الفائدة الرئيسية - نسخة الأرشيف');
    assert.match(feed.items[0]!.summary, /^الرياض: أبقى البنك المركزي السعودي/);
    assert.equal(feed.items[0]!.published, '2026-12-02T07:30:00.000Z');
    assert.equal(feed.items[1]!.published, '2026-11-29T21:00:00.000Z');
    assert.equal(feed.items[1]!.url, `${s.base}/old-site/news.asp?id=7782`);
  });
});

describe('article pages', () => {
  test('a page with JSON-LD NewsArticle: headline, date, author, image, canonical URL', async () => {
    const page = await fetchPage(`${s.base}/json-site/morocco-semifinal`);
    assert.equal(page.title, 'منتخب المغرب يتأهل إلى نصف نهائي كأس الأمم الأفريقية');
    assert.equal(page.published, '2026-12-01T21:15:00.000Z');
    assert.equal(page.author, 'سعيد الإدريسي');
    assert.equal(page.image, `${s.base}/media/morocco.jpg`);
    assert.equal(page.canonicalUrl, `${s.base}/json-site/morocco-semifinal`);
    assert.equal(page.siteName, 'الرياضة اليوم');
    assert.equal(page.body.split('\n\n').length, 3);
    assert.doesNotMatch(page.body, /كرة السلة|جميع الحقوق/);
  });

  test('a page with heavy boilerplate: paragraphs kept; menus, related stories, widgets, comments and footer dropped', async () => {
    const page = await fetchPage(`${s.base}/pages/book-fair.html`);
    assert.equal(page.title, 'افتتاح معرض الرياض الدولي للكتاب بمشاركة ألفي دار نشر');
    assert.equal(page.published, '2026-11-27T15:05:00.000Z');
    assert.equal(page.author, 'القسم الثقافي');
    assert.equal(page.canonicalUrl, `${s.base}/wp/2026/11/27/riyadh-book-fair`, 'og:url without its tracking parameter');
    assert.equal(page.image, `${s.base}/wp/wp-content/uploads/2026/11/fair.jpg`);
    const paragraphs = page.body.split('\n\n');
    assert.equal(paragraphs.length, 4);
    assert.match(paragraphs[0]!, /^افتتح معرض الرياض الدولي للكتاب/);
    // Every one of these would be a wrong tag: آبل, ريال مدريد, أوبك, الهلال, تسلا, حزب الله, أبوظبي …
    for (const noise of ['آبل', 'ريال مدريد', 'أوبك', 'الهلال', 'تسلا', 'حزب الله', 'أبوظبي', 'الأكثر قراءة', 'النشرة البريدية', 'سياسة الخصوصية', 'التعليقات', 'شارك الخبر', 'الرئيسية']) {
      assert.ok(!page.body.includes(noise), `boilerplate «${noise}» is not in the body`);
    }
  });

  test('a windows-1256 page declared in a meta tag', async () => {
    const page = await fetchPage(`${s.base}/old-site/news.asp?id=7781`);
    assert.match(page.body, /^أبقى البنك المركزي السعودي/);
    assert.doesNotMatch(page.body, /\ufffd/);
  });

  test('a page with no article is NO_ARTICLE; an image is not a page', async () => {
    await rejectsWith(fetchPage(`${s.base}/index.html`), 'NO_ARTICLE', /no article text/);
    await rejectsWith(fetchPage(`${s.base}/bad/image.jpg`), 'NO_ARTICLE', /image\/jpeg/);
  });
});

describe('dedupe across feeds', () => {
  test('the same story from two feeds is one article with both sources: by canonical URL and by text hash', async () => {
    const runs = await ingestFeeds([`${s.base}/wp/feed/`, `${s.base}/atom-site/atom.xml`, `${s.base}/feeds/feed.json`, `${s.base}/old-site/rss.asp`]);
    const articles = runs.flatMap((r) => r.articles);
    assert.deepEqual(runs.map((r) => [r.articles.length, r.duplicates]), [[3, 0], [1, 1], [1, 2], [2, 0]]);
    const ids = articles.map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length);
    const talks = articles.find((a) => a.title.startsWith('وزير الخارجية القطري'))!;
    assert.equal(talks.id, `${s.base}/wp/2026/12/02/qatar-egypt-talks`, 'the id is the canonical URL: utm_* dropped');
    assert.deepEqual(talks.sources.map((x) => x.guid), [`${s.base}/wp/?p=1201`, 'jf-901'], 'same URL after fbclid/utm/fragment are dropped');
    const rain = articles.find((a) => a.title.startsWith('أمطار غزيرة'))!;
    assert.deepEqual(rain.sources.map((x) => x.feed), [`${s.base}/wp/feed/`, `${s.base}/atom-site/atom.xml`], 'same text under another URL');
    const fair = articles.find((a) => a.title.startsWith('افتتاح معرض'))!;
    assert.equal(fair.bodyFrom, 'page', 'a summary-only item is completed from its page');
    assert.deepEqual(fair.sources.map((x) => x.guid), [`${s.base}/wp/?p=1188`, 'jf-903'], 'the page body hashes like the other feed\'s full text');
    const morocco = articles.find((a) => a.title.startsWith('منتخب المغرب'))!;
    assert.equal(morocco.bodyFrom, 'page');
    assert.equal(morocco.author, 'سعيد الإدريسي');
    // A page that will not load leaves the item as its summary, with the error reported.
    const [old] = runs.slice(-1);
    assert.equal(old!.error, undefined);
    assert.equal(old!.errors.length, 1);
    assert.match(old!.errors[0]!.message, /HTTP 404/);
    assert.equal(old!.articles[1]!.bodyFrom, 'summary');
  });

  test('text hash ignores diacritics, hamza seats, spacing and punctuation; canonical URLs drop tracking only', () => {
    assert.equal(textHash('مُنتخَب المغرب', 'فاز   المنتخب، أمس.'), textHash('منتخب المغرب', 'فاز المنتخب امس'));
    assert.notEqual(textHash('منتخب المغرب', 'فاز المنتخب'), textHash('منتخب مصر', 'فاز المنتخب'));
    assert.equal(canonicalUrl('HTTP://Example.COM:80/a/b/?utm_source=x&id=5&fbclid=1#top'), 'http://example.com/a/b?id=5');
    assert.equal(canonicalUrl('https://example.com/news/123/amp'), 'https://example.com/news/123');
    assert.equal(canonicalUrl('javascript:alert(1)'), null);
  });
});

describe('bad input and faults', () => {
  test('an HTML page given as a feed', async () => {
    await rejectsWith(loadFeed(`${s.base}/bad/html-feed`), 'BAD_FEED', /HTML page, not a feed/);
  });
  test('truncated XML names the line', async () => {
    await rejectsWith(loadFeed(`${s.base}/bad/truncated.xml`), 'BAD_FEED', /not well-formed XML \(line \d+/);
  });
  test('a 50 MB response is cut at the size cap', async () => {
    await rejectsWith(loadFeed(`${s.base}/bad/huge.xml`, { maxBytes: 1024 * 1024 }), 'FETCH_FAILED', /over the 1048576-byte limit/);
  });
  test('a redirect loop', async () => {
    await rejectsWith(loadFeed(`${s.base}/bad/loop-a`), 'FETCH_FAILED', /redirect loop/);
  });
  test('a slow server times out', async () => {
    const t0 = Date.now();
    await rejectsWith(loadFeed(`${s.base}/bad/slow.xml`, { timeoutMs: 300 }), 'FETCH_FAILED', /within 300 ms/);
    assert.ok(Date.now() - t0 < 3000);
  });
  test('a dead server and a missing file', async () => {
    await rejectsWith(loadFeed('http://127.0.0.1:1/feed'), 'FETCH_FAILED', /could not connect/);
    await rejectsWith(loadFeed('/nonexistent/feed.xml'), 'FILE_NOT_FOUND', /no such file/);
  });
  test('JSON that is not a JSON Feed, and XML that is neither RSS nor Atom', async () => {
    s.override.set('/bad/other.json', { body: '{"items": 3}', type: 'application/json' });
    s.override.set('/bad/other.xml', { body: '<?xml version="1.0"?><sitemap><url/></sitemap>', type: 'application/xml' });
    await rejectsWith(loadFeed(`${s.base}/bad/other.json`), 'BAD_FEED', /not a JSON Feed/);
    await rejectsWith(loadFeed(`${s.base}/bad/other.xml`), 'BAD_FEED', /root element is <sitemap>/);
  });
});

describe('polite fetching', () => {
  test('conditional GET: the ETag from one fetch makes the next a 304', async () => {
    const first = await loadFeed(`${s.base}/wp/feed/`);
    assert.equal(first.etag, '"wp-feed-v1"');
    assert.equal(first.lastModified, 'Tue, 02 Dec 2026 09:12:44 GMT');
    const before304 = s.notModified;
    const second = await loadFeed(`${s.base}/wp/feed/`, { etag: first.etag, lastModified: first.lastModified });
    assert.equal(second.notModified, true);
    assert.equal(second.feed, null);
    assert.equal(s.notModified, before304 + 1);
  });

  test('no more than the per-host limit of requests in flight', async () => {
    const limiter = new HostLimiter(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        limiter.run('h', async () => {
          peak = Math.max(peak, ++active);
          await new Promise((r) => setTimeout(r, 10));
          active--;
        }),
      ),
    );
    assert.equal(peak, 2);
  });
});

describe('dates', () => {
  const cases: Array<[string, string | null]> = [
    ['Tue, 02 Dec 2026 08:30:00 +0000', '2026-12-02T08:30:00.000Z'],
    ['Thu, 27 Nov 2026 18:05:00 +0300', '2026-11-27T15:05:00.000Z'],
    ['Tue, 02 Dec 2026 08:30:00 GMT', '2026-12-02T08:30:00.000Z'],
    ['2026-12-02T07:45:00+03:00', '2026-12-02T04:45:00.000Z'],
    ['2026-12-02', '2026-12-02T00:00:00.000Z'],
    ['الثلاثاء 2 ديسمبر 2026 - 10:30 ص', '2026-12-02T07:30:00.000Z'],
    ['2 ديسمبر 2026 - 10:30 م', '2026-12-02T19:30:00.000Z'],
    ['١٥ أيلول ٢٠٢٦', '2026-09-14T21:00:00.000Z'],
    ['3 كانون الثاني 2027', '2027-01-02T21:00:00.000Z'],
    ['12 جويلية 2026', '2026-07-11T21:00:00.000Z'],
    ['31 فبراير 2026', null],
    ['منذ ساعتين', null],
    ['', null],
  ];
  for (const [input, expected] of cases) test(`«${input}»`, () => assert.equal(parseDate(input), expected));
});

test('numeric ids JSON.parse would round: a JSON Feed item keeps its digits; a WordPress post id is refused', () => {
  const feed = parseFeed(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'أخبار', items: ['x', { id: 0, title: 'أ' }, { id: 1, title: 'ب' }] }).replace('"id":0', '"id":12345678901234567890').replace('"id":1,', '"id":12345678901234567891,'));
  assert.deepEqual(feed.items.map((i) => i.guid), ['12345678901234567890', '12345678901234567891']);
  assert.equal(postIdOf(12345678901234567890), null);
  assert.equal(postIdOf('wp:12345678901234567890'), null);
  assert.equal(postIdOf('wp:42'), 42);
  assert.equal(postIdOf(42), 42);
});
