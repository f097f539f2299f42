/** The renderer on its own: escaping, highlighting, Arabic wording. No server, no browser. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Mention } from '../core/index.js';
import type { StoredArticle } from '../storage/index.js';
import { highlightLine, highlightParagraphs, spansOf, type HighlightTag } from './highlight.js';
import { escapeHtml, html, query, raw } from './html.js';
import { countLabel, FEATURE_LABELS, FEATURE_LABELS_EN, reasonsOf, textDir, timesLabel } from './labels.js';
import { FEATURES } from '../core/features.js';
import { arabicMessage } from '../core/index.js';
import { renderError } from './pages/misc.js';
import type { PageView } from './layout.js';
import { readableUrl, renderArticle } from './pages/article.js';
import { renderArticles } from './pages/articles.js';
import { renderLearning } from './pages/learning.js';
import { shownTags, tagPanel } from './pages/tags-panel.js';
import type { AdaptationSummary } from '../server/adaptation.js';
import { renderTagText } from './pages/tag-text.js';
import { safeNext } from './session.js';

const EVIL_TITLE = 'عاجل: <script>alert(1)</script> في القاهرة';
const EVIL_BODY = 'قال مسؤول في القاهرة إن <img src=x onerror="alert(2)"> و<b>مصر</b> & "الشركاء" \'معًا\'.\nفقرة ثانية عن <a href="javascript:alert(3)">النيل</a>.';

function mention(text: string, field: 'title' | 'body', word: string, kind: Mention['kind'] = 'exact', nth = 0): Mention {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = text.indexOf(word, start + 1);
  assert.ok(start >= 0, `${word} in ${text}`);
  return { field, start, end: start + word.length, text: word, kind, confidence: 1, matched: word };
}

const view: PageView = { session: undefined, path: '/ui/articles/1', assetVersion: 'test', docs: true };
const editorView: PageView = { ...view, session: { user: { id: 1, username: 'sara', displayName: 'سارة <b>', role: 'editor', createdAt: '2026-01-01T00:00:00Z' }, editor: 'sara', role: 'editor', csrf: 'csrf-value' } };

/** The page's own markup: our one script tag and nothing executable from the article. */
function assertInert(page: string): void {
  const scripts = page.match(/<script\b[^>]*>/g) ?? [];
  assert.deepEqual(scripts, [`<script src="/ui/assets/ui.js?v=test" defer>`], 'the only script is ours');
  assert.ok(!/<img\b/i.test(page), 'no <img> from the text');
  assert.ok(!/<b>مصر/.test(page), 'no <b> from the text');
  assert.ok(!/href="javascript:/i.test(page), 'no javascript: link');
  assert.ok(!/<[a-z][^>]*\sonerror\s*=/i.test(page), 'no onerror attribute on an element');
}

describe('html template', () => {
  it('escapes interpolated text in content and attributes', () => {
    const out = html`<p title="${'"><script>x</script>'}">${'<script>alert(1)</script> & أهلًا'}</p>`.value;
    assert.equal(out, '<p title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt; &amp; أهلًا</p>');
  });

  it('keeps nested templates and raw markup as they are, escapes arrays item by item, drops null/false', () => {
    const inner = html`<b>${'<i>'}</b>`;
    const out = html`<ul>${['<1>', inner, null, false, undefined, 3]}</ul>${raw('<hr>')}`.value;
    assert.equal(out, '<ul>&lt;1&gt;<b>&lt;i&gt;</b>3</ul><hr>');
  });

  it('escapes single quotes too', () => {
    assert.equal(escapeHtml(`'`), '&#39;');
  });

  it('builds query strings without empty parameters', () => {
    assert.equal(query({ q: 'مصر', tag: undefined, page: 2, x: '' }), '?q=%D9%85%D8%B5%D8%B1&page=2');
    assert.equal(query({}), '');
  });
});

describe('highlighting', () => {
  const title = 'مباحثات بين مصر والسودان حول مياه النيل';
  const body = 'بحث وزير الخارجية المصري مع نظيره في السودان ملف نهر النيل.\nوقالت القاهرة الإخبارية إن المباحثات بناءة.';
  const eg: HighlightTag = { id: 'eg', label: 'مصر', score: 0.93, type: 'place', descId: 'd0', mentions: [mention(title, 'title', 'مصر'), mention(body, 'body', 'المصري', 'nisba')] };
  const sudan: HighlightTag = { id: 'sd', label: 'السودان', score: 0.8, type: 'place', descId: 'd1', mentions: [mention(title, 'title', 'والسودان', 'clitic'), mention(body, 'body', 'السودان')] };
  const nile: HighlightTag = { id: 'nile', label: 'نهر النيل', score: 0.7, type: 'place', mentions: [mention(body, 'body', 'نهر النيل')] };
  const cairo: HighlightTag = { id: 'cairo', label: 'القاهرة', score: 0.3, type: 'place', mentions: [mention(body, 'body', 'القاهرة')] };
  const channel: HighlightTag = { id: 'qna', label: 'القاهرة الإخبارية', score: 0.9, type: 'organisation', mentions: [mention(body, 'body', 'القاهرة الإخبارية')] };

  it('marks every mention with its tag, score and kind', () => {
    const out = highlightLine(title, 'title', [eg, sudan]).value;
    assert.match(out, /<mark class="hl type-place" tabindex="-1" data-tag-id="eg" data-tag="مصر" data-tags="eg" data-score="0.93" data-kind="exact" data-tip="مصر · 0.93 · تطابق تام" aria-describedby="d0">مصر<\/mark>/);
    assert.match(out, /data-kind="clitic" data-tip="السودان · 0.80 · مع سابقة متصلة" aria-describedby="d1">والسودان<\/mark>/);
    // The text outside the marks is untouched.
    assert.equal(out.replace(/<[^>]+>/g, ''), title);
  });

  it('marks weak readings (a nisba, a low score) less strongly than strong ones', () => {
    const out = highlightParagraphs(body, 'body', [eg, nile, cairo]).value;
    assert.match(out, /<mark class="hl type-place weak"[^>]*data-kind="nisba"[^>]*>المصري<\/mark>/, 'nisba');
    assert.match(out, /<mark class="hl type-place weak"[^>]*data-tag-id="cairo"/, 'score 0.30');
    assert.match(out, /<mark class="hl type-place"[^>]*data-tag-id="nile"/, 'a strong reading is not weak');
  });

  it('gives overlapping mentions one mark, the longest, listing every tag under it', () => {
    const spans = spansOf(body, 'body', [cairo, channel]);
    assert.equal(spans.length, 1);
    assert.equal(body.slice(spans[0]!.start, spans[0]!.end), 'القاهرة الإخبارية');
    const out = highlightParagraphs(body, 'body', [cairo, channel]).value;
    assert.match(out, /data-tag-id="qna" data-tag="القاهرة الإخبارية" data-tags="qna cairo"/);
    assert.match(out, /data-tip="القاهرة الإخبارية · 0.90 · تطابق تام \| القاهرة · 0.30 · تطابق تام"/);
  });

  it('splits the body into paragraphs at line breaks, keeping marks in their paragraph', () => {
    const out = highlightParagraphs(body, 'body', [eg, sudan, nile]).value;
    const paragraphs = out.match(/<p>.*?<\/p>/g) ?? [];
    assert.equal(paragraphs.length, 2);
    assert.match(paragraphs[0]!, /data-kind="nisba"[^>]*>المصري<\/mark>/);
    assert.match(paragraphs[0]!, />نهر النيل<\/mark>/);
    assert.doesNotMatch(paragraphs[1]!, /<mark/);
  });

  it('skips mentions whose offsets no longer point at their text', () => {
    const stale: HighlightTag = { id: 'x', label: 'مصر', score: 0.5, mentions: [{ field: 'body', start: 0, end: 3, text: 'مصر', kind: 'exact', confidence: 1, matched: 'مصر' }, { field: 'body', start: 5, end: 9999, text: 'x', kind: 'exact', confidence: 1, matched: 'مصر' }] };
    assert.doesNotMatch(highlightParagraphs(body, 'body', [stale]).value, /<mark/);
  });

  it('escapes the text inside and around marks, and the tag label in attributes', () => {
    const evil: HighlightTag = { id: 'x"><script>', label: '"><script>alert(1)</script>', score: 0.5, mentions: [mention(EVIL_BODY, 'body', 'القاهرة')] };
    const out = highlightParagraphs(EVIL_BODY, 'body', [evil]).value;
    assert.ok(!out.includes('<script'), out);
    assert.ok(!out.includes('<img'), out);
    assert.match(out, /&lt;img src=x onerror=&quot;alert\(2\)&quot;&gt;/);
    assert.match(out, /data-tag="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
  });
});

function storedArticle(): StoredArticle {
  return {
    id: 7,
    externalId: '<ext>',
    url: 'javascript:alert(4)',
    title: EVIL_TITLE,
    body: EVIL_BODY,
    publishedAt: '2024-05-02T00:00:00.000Z',
    createdAt: '2024-05-02T00:00:00.000Z',
    updatedAt: '2024-05-02T00:00:00.000Z',
    taggedVersion: 1,
    tags: [
      { id: 'cairo', tag: 'القاهرة', score: 0.9, type: 'place', status: 'suggested', mentions: [mention(EVIL_TITLE, 'title', 'القاهرة'), mention(EVIL_BODY, 'body', 'القاهرة')], evidence: { titleStrong: 1, logStrong: 1.58, ambiguous: 0, bestKind: 'exact' } },
      { id: 'evil', tag: '<script>alert(5)</script>', score: 0.4, status: 'suggested', mentions: [mention(EVIL_BODY, 'body', 'النيل')] },
      { id: 'gone', tag: 'مرفوض <i>', score: 0.2, status: 'rejected', mentions: [mention(EVIL_BODY, 'body', 'مصر')] },
    ],
  };
}

describe('pages', () => {
  it('renders an article with <script> and HTML in its text as text, Arabic and right to left', () => {
    const page = renderArticle(view, { article: storedArticle(), decisions: [] }).value;
    assert.match(page, /^<!doctype html>\n<html lang="ar" dir="rtl">/);
    assertInert(page);
    assert.ok(page.includes('عاجل: &lt;script&gt;alert(1)&lt;/script&gt; في '), 'the title is shown escaped');
    assert.ok(page.includes('&lt;b&gt;مصر&lt;/b&gt; &amp; &quot;الشركاء&quot; &#39;معًا&#39;'), 'the body is shown escaped');
    assert.ok(page.includes('&lt;script&gt;alert(5)&lt;/script&gt;'), 'a tag label is shown escaped');
    assert.ok(!page.includes('javascript:alert(4)"'), 'a non-web URL is not made a link');
    // Rejected tags are listed apart and not highlighted.
    assert.doesNotMatch(page, /data-tag-id="gone"/);
    assert.match(page, /وسوم مرفوضة \(1\)/);
    // Reading without a session: no editing forms, a way to log in.
    assert.doesNotMatch(page, /name="_csrf"/);
    assert.match(page, /href="\/ui\/login\?next=%2Fui%2Farticles%2F1"/);
  });

  it('gives editors accept/reject buttons per tag with the CSRF token, and explains the score', () => {
    const page = renderArticle(editorView, { article: storedArticle(), decisions: [] }).value;
    assertInert(page);
    assert.match(page, /<input type="hidden" name="_csrf" value="csrf-value">/);
    assert.match(page, /<button type="submit" name="action" value="reject" class="reject" aria-label="رفض وسم القاهرة">رفض<\/button>/);
    assert.match(page, /aria-label="قبول وسم القاهرة"/);
    assert.match(page, /<input type="text" id="add-tag" name="add" list="vocab-options" data-vocab/);
    assert.match(page, /ورد صريحًا في العنوان/);
    assert.ok(page.includes('class="account-link">سارة &lt;b&gt;</a>'), 'the editor name is escaped');
  });

  it('renders the article list and the tag-a-text form escaped', () => {
    const a = storedArticle();
    const list = renderArticles(view, { items: [{ ...a, excerpt: a.body, tags: a.tags }], total: 1, page: 1, perPage: 20, q: '<q>' }).value;
    assertInert(list);
    assert.ok(list.includes('value="&lt;q&gt;"'));
    const tagged = renderTagText(view, { input: { title: EVIL_TITLE, body: EVIL_BODY, save: false }, results: [{ tag: '<x>', id: 'x', score: 0.5, mentions: [mention(EVIL_BODY, 'body', 'مصر')] }] }).value;
    assertInert(tagged);
    assert.ok(tagged.includes('<textarea id="body" name="body" rows="10">قال مسؤول في القاهرة إن &lt;img'), 'the pasted text goes back into the textarea escaped');
    assert.match(tagged, /data-tag="&lt;x&gt;"[^>]*>مصر<\/mark>/);
  });
});

describe('wording and helpers', () => {
  it('counts in Arabic', () => {
    assert.equal(timesLabel(1), 'مرة واحدة');
    assert.equal(timesLabel(2), 'مرتان');
    assert.equal(timesLabel(7), '7 مرات');
    assert.equal(timesLabel(12), '12 مرة');
    assert.equal(timesLabel(103), '103 مرات');
  });

  it('counts with the forms of Intl.PluralRules("ar"): 0, 1, 2, 3, 11, 100', () => {
    const forms = [0, 1, 2, 3, 11, 100].map((n) => countLabel(n, 'article'));
    assert.deepEqual(forms, ['لا مقالات', 'مقالة واحدة', 'مقالتان', '3 مقالات', '11 مقالةً', '100 مقالة']);
    assert.deepEqual([0, 1, 2, 3, 11, 100, 102, 103].map((n) => countLabel(n, 'tag')), ['لا وسوم', 'وسم واحد', 'وسمان', '3 وسوم', '11 وسمًا', '100 وسم', '102 وسم', '103 وسوم']);
    assert.equal(countLabel(25, 'suggestion'), '25 اقتراحًا');
    assert.equal(countLabel(10, 'decision'), '10 قرارات');
  });

  it('shows source links decoded and links to the encoded URL', () => {
    const url = 'https://news.example/' + encodeURIComponent('مصر-والسودان');
    assert.equal(readableUrl(url), 'https://news.example/مصر-والسودان');
    assert.equal(readableUrl('https://x.example/%E0%A4%A'), 'https://x.example/%E0%A4%A', 'a broken escape is shown as it is');
  });

  // Every feature of the ranker, from its one definition (src/core/features.ts), wherever the
  // newsroom shows it: the reasons behind a tag's score and the learning page's refitted weights.
  for (const f of FEATURES) {
    it(`shows the ranking feature ${f.name} in Arabic, with its English name beside it`, () => {
      assert.match(f.label.ar, /^[\u0621-\u064A\u064B-\u0652 ()«»،]+$/, 'Arabic words');
      assert.match(f.label.en, /^[a-z][a-z ()]+$/, 'English words');
      assert.equal(FEATURE_LABELS[f.name], f.label.ar);
      assert.equal(FEATURE_LABELS_EN[f.name], f.label.en);
      const summary: AdaptationSummary = { enabled: true, version: 3, decisions: 40, fittedAt: '2026-01-02T00:00:00Z', pending: 0, every: 20, running: false, error: null, applied: 3, boosted: [], demoted: [], weights: [{ feature: f.name, shipped: f.weight, now: f.weight + 0.25 }], cut: { shipped: 0.42, now: 0.42 }, pairs: [] };
      const learning = renderLearning(view, summary).value;
      assert.ok(learning.includes(`<th scope="row">${escapeHtml(f.label.ar)} <code dir="ltr" lang="en" title="${escapeHtml(f.label.en)}">${f.name}</code></th>`), 'learning page row');
      // The reasons list the features that moved the score: not the bias, nor a feature weighing 0.
      const panel = tagPanel(shownTags([{ id: 'cairo', score: 0.8, mentions: [], evidence: { [f.name]: 1, bestKind: 'exact' } }], () => 'القاهرة')).value;
      if (f.name === 'bias' || f.weight === 0) assert.ok(!panel.includes(escapeHtml(f.label.ar)), 'not among the reasons');
      else {
        assert.ok(panel.includes(`<span>${escapeHtml(f.label.ar)}</span>`), 'among the reasons');
        assert.ok(panel.includes(`title="${escapeHtml(f.label.en)} (${f.name} = 1)"`), 'English in the detail');
      }
    });
  }

  it('shows error pages in Arabic from the catalogue, the English detail folded away', () => {
    const out = renderError(view, { status: 403, code: 'NOT_ALLOWED', message: 'The role "viewer" may read but not write.' }).value;
    assert.ok(out.includes(`${arabicMessage('NOT_ALLOWED')} <code>NOT_ALLOWED</code>`));
    assert.match(out, /<h1 id="error-title">غير مسموح<\/h1>/);
    assert.match(out, /<summary>التفاصيل التقنية<\/summary>/);
  });

  it('orders the reasons behind a score by how much they moved it', () => {
    const reasons = reasonsOf({ titleStrong: 1, ambiguous: 1, lead: 0, bestKind: 'exact', unknownFeature: 3 });
    assert.deepEqual(
      reasons.map((r) => r.feature),
      ['titleStrong', 'ambiguous'],
    );
    assert.ok(reasons[0]!.contribution > 0 && reasons[1]!.contribution < 0);
  });

  it('reads notes in English left to right', () => {
    assert.equal(textDir('الحياة is also the common noun «life»'), 'ltr');
    assert.equal(textDir('صحيفة يومية تصدر في لندن'), 'rtl');
  });

  it('only redirects to paths of this site after login', () => {
    assert.equal(safeNext('/ui/articles/3?x=1'), '/ui/articles/3?x=1');
    for (const bad of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/x\r\nSet-Cookie: a=b', undefined, 42]) assert.equal(safeNext(bad), '/');
  });
});
