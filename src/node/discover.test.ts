/**
 * New-tag discovery on sentences written for these tests: the evidence frames one by one
 * (negatives too), then the whole two-pass discovery on a small archive, through the CLI's
 * Node layer, with the real background statistics and the default vocabulary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Discovery, fieldView, findFrames, knownNamesOf, tokenize, type FrameHit, type KnownNames } from '../core/index.js';
import { loadBackground } from './background.js';
import { articleOfJson, discoverFile } from './discover.js';
import { loadDefaultVocabulary } from './vocab-file.js';

const background = loadBackground();
const vocabulary = loadDefaultVocabulary();
const known: KnownNames = knownNamesOf(vocabulary);

interface Found {
  text: string;
  evidence: FrameHit['evidence'];
  type?: string;
  shortest: string;
  parent?: string;
}

function frames(sentence: string): Found[] {
  const field = fieldView(sentence, tokenize(sentence));
  const t = field.tokens;
  return findFrames(field, background, known).map((h) => ({
    text: sentence.slice(t[h.tokenStart]!.start, t[h.tokenEnd - 1]!.end),
    shortest: sentence.slice(t[h.tokenStart]!.start, t[h.minTokenEnd - 1]!.end),
    evidence: h.evidence,
    ...(h.type !== undefined ? { type: h.type } : {}),
    ...(h.parent !== undefined ? { parent: h.parent } : {}),
  }));
}

const positives: { sentence: string; text: string; evidence: FrameHit['evidence']; type?: string; parent?: string }[] = [
  { sentence: 'قال وزير الخارجية البريطاني فيليب هاموند إن المحادثات مستمرة', text: 'فيليب هاموند', evidence: 'role', type: 'person' },
  { sentence: 'وقال رئيس مجلس النواب العراقي سليم الجبوري في مؤتمر صحفي', text: 'سليم الجبوري', evidence: 'role', type: 'person' },
  { sentence: 'وأوضح المتحدث باسم وزارة الداخلية اللواء منصور التركي أن', text: 'منصور التركي', evidence: 'title', type: 'person' },
  { sentence: 'استقبل الرئيس الأمريكي باراك أوباما ضيفه', text: 'باراك أوباما', evidence: 'title', type: 'person' },
  { sentence: 'رعى الأمير فيصل بن خالد بن عبدالعزيز الحفل', text: 'فيصل بن خالد بن عبدالعزيز', evidence: 'patronym', type: 'person' },
  { sentence: 'ظهر زعيم التنظيم أبو بكر البغدادي في تسجيل', text: 'أبو بكر البغدادي', evidence: 'kunya', type: 'person' },
  { sentence: 'وأكد مشعل الحربي أن الفريق جاهز', text: 'مشعل الحربي', evidence: 'given', type: 'person' },
  { sentence: 'افتتحت جامعة الملك سعود معرضا للكتاب', text: 'جامعة الملك سعود', evidence: 'org-head', type: 'organisation' },
  { sentence: 'أعلنت شركة توشيبا خسائر كبيرة', text: 'توشيبا', evidence: 'org-head', type: 'organisation' },
  { sentence: 'نظم نادي الرياض الأدبي أمسية شعرية', text: 'نادي الرياض الأدبي', evidence: 'org-head', type: 'organisation' },
  { sentence: 'وقع الحادث في قرية العوامية التابعة لمحافظة القطيف مساء أمس', text: 'العوامية', evidence: 'place-head', type: 'place', parent: 'القطيف' },
  { sentence: 'نشر تنظيم «داعش» صورا جديدة', text: 'داعش', evidence: 'quote', type: 'organisation' },
  { sentence: 'وصرح كارلوس فيلاسكيز للصحفيين', text: 'كارلوس فيلاسكيز', evidence: 'foreign', type: 'person' },
];

for (const p of positives) {
  test(`frame ${p.evidence}: «${p.text}» in «${p.sentence}»`, () => {
    const found = frames(p.sentence);
    // A frame gives its longest reading and its shortest; the name is one of the runs between.
    const hit = found.find((f) => f.evidence === p.evidence && (f.text === p.text || f.text.startsWith(p.text + ' ')) && (p.text + ' ').startsWith(f.shortest + ' '));
    assert.ok(hit, `expected ${p.evidence} «${p.text}», found ${JSON.stringify(found)}`);
    assert.equal(hit.type, p.type);
    if (p.parent !== undefined) assert.equal(hit.parent, p.parent);
  });
}

/** Sentences with a frame word and no name after it: nothing of the named words is proposed. */
const negatives: { sentence: string; not: string; why: string }[] = [
  { sentence: 'أكد الرئيس الجديد أن الحكومة ستعمل بجد', not: 'الجديد', why: 'a common adjective after a title' },
  { sentence: 'أعلن الرئيس «الجديد» خطته للمرحلة المقبلة', not: 'الجديد', why: 'a quoted common word after a title' },
  { sentence: 'وصل وزير «الخارجية» إلى الرياض أمس', not: 'الخارجية', why: 'a role complement, quoted' },
  { sentence: 'وصل وزير الخارجية إلى الرياض أمس', not: 'الخارجية', why: 'a role complement' },
  { sentence: 'قال أمير منطقة الجوف يتفقد المشاريع', not: 'يتفقد', why: 'a verb where the name is missing' },
  { sentence: 'اجتمع مجلس إدارة الشركة أمس', not: 'مجلس إدارة', why: 'an indefinite common noun after an organisation head' },
  { sentence: 'تقع في مدينة كبيرة على الساحل', not: 'كبيرة', why: 'an indefinite adjective after a place head' },
  { sentence: 'زار محمد المدرسة صباحا', not: 'محمد المدرسة', why: 'a given name followed by a common word' },
  { sentence: 'حضر الحفل مدينة الملك عبدالعزيز للعلوم والتقنية', not: 'عبدالعزيز للعلوم', why: 'a title inside an organisation name' },
];

for (const n of negatives) {
  test(`no frame proposes «${n.not}» (${n.why})`, () => {
    const found = frames(n.sentence);
    assert.ok(!found.some((f) => f.text.includes(n.not) && f.evidence !== 'org-head'), `found ${JSON.stringify(found)}`);
    if (n.not === 'مجلس إدارة') assert.deepEqual(found.filter((f) => f.evidence === 'org-head' && f.text.startsWith('مجلس')), []);
  });
}

test('a title vouches for the first word of a name and every longer run after it', () => {
  const [hit] = frames('قال الرئيس عبدربه منصور هادي إن');
  assert.equal(hit?.text, 'عبدربه منصور هادي');
  assert.equal(hit?.shortest, 'عبدربه');
});

// A small archive: one new name with its title, mentioned later without it and with clitics;
// a name the default vocabulary has (عادل الجبير) in the same frames; a title word followed
// by a common word in every article.
function archive(): { id: string; title: string; body: string; date: string }[] {
  const out = [];
  for (let i = 0; i < 8; i++) {
    const day = `2015-08-${String(10 + i).padStart(2, '0')}`;
    out.push({
      id: `a${i}`,
      title: i % 2 === 0 ? 'وزير الخارجية البريطاني فيليب هاموند يزور المنطقة' : 'الرئيس الجديد يلتقي الوفود',
      body: `قال وزير الخارجية البريطاني فيليب هاموند إن بلاده تدعم الحل. وأكد هاموند أن الرئيس الجديد سيعمل بجد. والتقى وزير الخارجية عادل الجبير نظيره، ولهاموند رأي في ذلك.`,
      date: day,
    });
  }
  return out;
}

test('discovery proposes the new name with its variants and examples, never a vocabulary name or a common phrase', () => {
  const d = new Discovery({ vocabulary, background, minArticles: 3 });
  const articles = archive();
  for (const a of articles) d.observe(a);
  d.prepare();
  for (const a of articles) d.count(a);
  const results = d.results();
  const hammond = results.find((s) => s.label === 'فيليب هاموند');
  assert.ok(hammond, JSON.stringify(results.map((s) => s.label)));
  assert.equal(hammond.type, 'person');
  assert.equal(hammond.articles, 8);
  // هاموند alone and لهاموند are folded into the full name.
  assert.ok(hammond.variants.includes('هاموند') && hammond.variants.includes('ولهاموند'), JSON.stringify(hammond.variants));
  assert.ok(hammond.mentions >= 8 * 3);
  assert.equal(hammond.examples.length, 3);
  for (const e of hammond.examples) {
    const a = articles.find((x) => x.id === e.id)!;
    assert.equal(a[e.field].slice(e.start, e.end), e.text);
  }
  assert.equal(hammond.firstSeen, '2015-08-10');
  assert.equal(hammond.lastSeen, '2015-08-17');
  assert.ok(!results.some((s) => s.label.includes('الجبير')), 'a vocabulary name is not proposed');
  assert.ok(!results.some((s) => s.label.includes('الجديد') || s.label === 'الخارجية'), JSON.stringify(results.map((s) => s.label)));
});

test('a name seen in fewer articles than --min-articles is not proposed; the archive file is read twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-discover-'));
  const path = join(dir, 'archive.jsonl');
  const lines = archive().map((a) => JSON.stringify(a));
  writeFileSync(path, [...lines, 'not json', JSON.stringify({ id: 'empty', title: '', body: '' })].join('\n') + '\n');
  const { suggestions, stats } = await discoverFile(path, { vocabulary, minArticles: 3 });
  assert.ok(suggestions.some((s) => s.label === 'فيليب هاموند'));
  assert.equal(stats.articles, 8);
  assert.equal(stats.skipped, 2);
  const few = await discoverFile(path, { vocabulary, minArticles: 9 });
  assert.deepEqual(few.suggestions, []);
});

test('an archive line with a numeric id keeps its digits in the suggestions\' examples', () => {
  const line = '{"id":12345678901234567890,"title":"زيارة","body":"نص"}';
  assert.equal((articleOfJson(JSON.parse(line), 1, line) as { id: string }).id, '12345678901234567890');
  assert.equal((articleOfJson(JSON.parse('{"id":42,"title":"زيارة"}'), 1, '{"id":42,"title":"زيارة"}') as { id: string }).id, '42');
});
