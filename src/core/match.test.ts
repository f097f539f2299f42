import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileVocabulary, type CompileOptions } from './vocabulary/compile.js';
import { compatible, keyOfLight } from './fold.js';
import { createMatcher, lightsSurelyAgree, MatchList, matchText } from './match.js';
import { tokenize, Tokenizer } from './tokenize.js';
import type { MatchKind, VocabEntry } from './types.js';

type V = string | VocabEntry;

/** Every mention in text order: [label of its tag, the text it covers, its kind]. */
type Found = [label: string, text: string, kind: MatchKind];

function found(vocab: V[], text: string, options?: CompileOptions): Found[] {
  const cv = compileVocabulary(vocab.map((v) => (typeof v === 'string' ? { label: v } : v)), options);
  const tokens = tokenize(text);
  return matchText(cv, tokens).map((m) => [cv.tags.get(m.tag).label, text.slice(tokens[m.tokenStart]!.start, tokens[m.tokenEnd - 1]!.end), m.kind]);
}

/**
 * [rule, vocabulary, text, every mention expected]. The list is the whole answer: a mention of
 * another kind, at another place or of a tag not listed fails the row (an empty list: nothing
 * may match).
 */
type Row = [string, V[], string, Found[]];

const place = (label: string, extra: Partial<VocabEntry> = {}): VocabEntry => ({ label, type: 'place', ...extra });
const topic = (label: string): VocabEntry => ({ label, type: 'topic' });

const table: Row[] = [
  // Whole tokens only: never letters inside a longer word.
  ['no آبل in مقابل', ['آبل'], 'مقابل مطالب حماس بوقف القتال', []],
  ['no لوسي in الوسيطين', ['لوسي'], 'وصل الوسيطين إلى القاهرة', []],
  ['no قنا in لقناة', [{ label: 'قنا', type: 'organisation' }], 'في تصريح لقناة الجزيرة', []],
  ['no طالب in مطالب', ['طالب'], 'مقابل مطالب الحركة', []],
  ['no كاف in بكافة', ['كاف'], 'الالتزام بكافة البنود', []],
  ['no حادث in المحادثات', ['حادث'], 'استؤنفت المحادثات أمس', []],
  ['no المدن in المدنيين', ['المدن'], 'حماية المدنيين واجبة', []],
  ['no الرئيس in الرئيسية', ['الرئيس'], 'العقبات الرئيسية أمام الاتفاق', []],
  // Proclitics and the article.
  ['article + preposition: بالقاهرة', ['القاهرة'], 'اجتمع الوفدان بالقاهرة', [['القاهرة', 'بالقاهرة', 'clitic']]],
  ['conjunction + article: والقاهرة', ['القاهرة'], 'بين الدوحة والقاهرة', [['القاهرة', 'والقاهرة', 'clitic']]],
  ['لل = ل + ال: للقاهرة', ['القاهرة'], 'زيارة للقاهرة', [['القاهرة', 'للقاهرة', 'clitic']]],
  ['لل before a stem starting with ل: للجنة', ['اللجنة'], 'قدم تقريره للجنة', [['اللجنة', 'للجنة', 'clitic']]],
  ['ولل: وللقاهرة', ['القاهرة'], 'وللقاهرة دور', [['القاهرة', 'وللقاهرة', 'clitic']]],
  ['proclitics on a name without article', ['مصر'], 'ومصر بمصر لمصر فمصر', [['مصر', 'ومصر', 'clitic'], ['مصر', 'بمصر', 'clitic'], ['مصر', 'لمصر', 'clitic'], ['مصر', 'فمصر', 'clitic']]],
  ['a name starting with ل stays whole', ['لبنان'], 'زار لبنان', [['لبنان', 'لبنان', 'exact']]],
  ['a name starting with ب stays whole', ['بغداد'], 'وصل إلى بغداد', [['بغداد', 'بغداد', 'exact']]],
  ['ب on غزة', ['غزة'], 'الأوضاع بغزة', [['غزة', 'بغزة', 'clitic']]],
  ['tag without ال matches text with ال', ['مفاوضات'], 'تعثرت المفاوضات', [['مفاوضات', 'المفاوضات', 'clitic']]],
  ['tag with ال matches text without ال (weaker)', [topic('المفاوضات')], 'جولة مفاوضات جديدة', [['المفاوضات', 'مفاوضات', 'inflected']]],
  ['never strip to one letter', ['ل'], 'ول بل', []],
  // Inflection of topic nouns.
  ['sound plural ون ↔ ين', [topic('النازحين')], 'عودة النازحون إلى الشمال', [['النازحين', 'النازحون', 'inflected']]],
  ['plural of a singular tag', [topic('مراقب')], 'يرى المراقبون', [['مراقب', 'المراقبون', 'inflected']]],
  ['feminine of a topic noun', [topic('موظف')], 'رواتب الموظفين والموظفات', [['موظف', 'الموظفين', 'inflected'], ['موظف', 'والموظفات', 'inflected']]],
  ['possessive suffix on taa marbuta', [topic('حكومة')], 'أعلنت حكومتها', [['حكومة', 'حكومتها', 'inflected']]],
  ['places do not inflect', [place('مطروح')], 'القضايا المطروحة', []],
  ['three-letter bases do not take sound endings', [topic('عمل')], 'تداول العملات', []],
  // Nisba of places: distinct, weaker evidence.
  ['nisba of مصر', [place('مصر')], 'الجهود المصرية والوفد المصري', [['مصر', 'المصرية', 'nisba'], ['مصر', 'المصري', 'nisba']]],
  ['nisba keeps the whole stem of إسرائيل', [place('إسرائيل')], 'القوات الإسرائيلية', [['إسرائيل', 'الإسرائيلية', 'nisba']]],
  ['nisba of لبنان', [place('لبنان')], 'على الحدود اللبنانية', [['لبنان', 'اللبنانية', 'nisba']]],
  ['nisba drops ـيا', [place('سوريا')], 'الحكومة السورية', [['سوريا', 'السورية', 'nisba']]],
  ['nisba drops ـية', [place('السعودية')], 'الوفد السعودي', [['السعودية', 'السعودي', 'nisba']]],
  ['no nisba from a three-letter remainder of ـة', [place('حماة')], 'حماية المدنيين', []],
  ['accusative nisba', [place('مصر')], 'أرسلت وفدا مصريا', [['مصر', 'مصريا', 'nisba']]],
  ['nisba plural', [place('قطر')], 'المسؤولون القطريون', [['قطر', 'القطريون', 'nisba']]],
  ['no nisba for untyped tags', ['الدول'], 'القانون الدولي', []],
  ['relational adjective of a topic noun', [topic('السياحة')], 'المواقع السياحية', [['السياحة', 'السياحية', 'nisba']]],
  ['relational adjective of a topic on a two-letter stem', [topic('الصحة')], 'الخدمات الصحية', [['الصحة', 'الصحية', 'nisba']]],
  ['listed nisba forms are nisba', [{ label: 'الولايات المتحدة', type: 'place', nisba: ['الأمريكي', 'الأمريكية'] }], 'الموقف الأمريكية', [['الولايات المتحدة', 'الأمريكية', 'nisba']]],
  // Orthography: hamza and final ya.
  ['إمام refuses أمام', ['إمام'], 'وقف أمام المبنى', []],
  ['إمام accepts bare امام', ['إمام'], 'خطبة الامام', [['إمام', 'الامام', 'clitic']]],
  ['علي refuses على', ['علي'], 'وافق على الخطة', []],
  ['علي accepts علي', ['علي'], 'قال علي إن', [['علي', 'علي', 'exact']]],
  ['إيران ↔ ايران', ['إيران'], 'زار ايران', [['إيران', 'ايران', 'exact']]],
  ['ايران ↔ إيران', ['ايران'], 'زار إيران', [['ايران', 'إيران', 'exact']]],
  ['ة ↔ ه', ['غزة'], 'قطاع غزه', [['غزة', 'غزه', 'exact']]],
  ['diacritics in the text', ['محمد'], 'قال مُحَمَّدٌ', [['محمد', 'مُحَمَّدٌ', 'exact']]],
  // Spelling variants.
  ['أمريكا ↔ أميركا', ['أمريكا'], 'زار أميركا', [['أمريكا', 'أميركا', 'variant']]],
  ['variant with clitics', ['أمريكا'], 'وأميركا', [['أمريكا', 'وأميركا', 'clitic']]],
  // Multi-word tags.
  ['multi-word with a clitic on the first token', ['الأمم المتحدة'], 'وفقا للأمم المتحدة', [['الأمم المتحدة', 'للأمم المتحدة', 'clitic']]],
  ['multi-word exact', ['وقف إطلاق النار'], 'التوصل إلى وقف إطلاق النار', [['وقف إطلاق النار', 'وقف إطلاق النار', 'exact']]],
  ['multi-word needs every token', ['وقف إطلاق النار'], 'وقف إطلاق سراح', []],
  ['no clitic inside a multi-word tag', ['قطاع غزة'], 'قطاع وغزة', []],
  // Longest match wins.
  ['المتحدة inside الأمم المتحدة', ['الأمم المتحدة', 'المتحدة'], 'حذرت الأمم المتحدة', [['الأمم المتحدة', 'الأمم المتحدة', 'exact']]],
  ['الشعب inside الشعب الفلسطيني', ['الشعب', 'الشعب الفلسطيني'], 'حقوق الشعب الفلسطيني', [['الشعب الفلسطيني', 'الشعب الفلسطيني', 'exact']]],
  ['الغربية inside الضفة الغربية', ['الغربية', 'الضفة الغربية'], 'في الضفة الغربية', [['الضفة الغربية', 'الضفة الغربية', 'exact']]],
  ['a shorter tag still matches elsewhere', ['الأمم المتحدة', 'المتحدة'], 'الأمم المتحدة والمملكة المتحدة', [['الأمم المتحدة', 'الأمم المتحدة', 'exact'], ['المتحدة', 'المتحدة', 'exact']]],
  ['exact reading beats a stripped one at the same span', ['النصر', 'نصر'], 'فاز النصر', [['النصر', 'النصر', 'exact']]],
  // Entries that fold alike are one tag, reported in the vocabulary's first spelling.
  ['folded twins are one tag', ['الأمم المتحدة', 'الامم المتحدة'], 'الامم المتحدة', [['الأمم المتحدة', 'الامم المتحدة', 'exact']]],
  // Several mentions in one text, each with its own kind.
  ['a name, its nisba and a clitic form', [place('مصر')], 'مصر والمصريون ومصر تعلن', [['مصر', 'مصر', 'exact'], ['مصر', 'والمصريون', 'nisba'], ['مصر', 'ومصر', 'clitic']]],
  ['three places, three kinds, the nisba first', [place('قطر'), place('القاهرة'), place('بغداد')], 'زار وفد قطري القاهرة وبغداد ثم عاد إلى قطر', [['قطر', 'قطري', 'nisba'], ['القاهرة', 'القاهرة', 'exact'], ['بغداد', 'وبغداد', 'clitic'], ['قطر', 'قطر', 'exact']]],
  ['the marked prepositions refuse the names between the mentions', ['إمام', 'علي'], 'وقف أمام الإمام وعلى يمينه علي والامام', [['إمام', 'الإمام', 'clitic'], ['علي', 'علي', 'exact'], ['إمام', 'والامام', 'clitic']]],
  ['آ and أ stand for each other; مقابل is no mention', [{ label: 'آبل', type: 'organisation' }], 'مقابل عرض آبل وأبل ترد', [['آبل', 'آبل', 'exact'], ['آبل', 'وأبل', 'clitic']]],
  ['a topic with, without and after لل', [topic('المفاوضات')], 'المفاوضات ومفاوضات جديدة وللمفاوضات', [['المفاوضات', 'المفاوضات', 'exact'], ['المفاوضات', 'ومفاوضات', 'inflected'], ['المفاوضات', 'وللمفاوضات', 'clitic']]],
  ['a spelling variant under a clitic, and a nisba', [place('أمريكا')], 'أمريكا وأميركا والأمريكيون', [['أمريكا', 'أمريكا', 'exact'], ['أمريكا', 'وأميركا', 'clitic'], ['أمريكا', 'والأمريكيون', 'nisba']]],
  ['a topic noun: the article, a possessive, a plural', [topic('حكومة')], 'الحكومة وحكومتها وحكومات', [['حكومة', 'الحكومة', 'clitic'], ['حكومة', 'وحكومتها', 'inflected'], ['حكومة', 'وحكومات', 'inflected']]],
  ['the longer name where it is written, the shorter elsewhere', [place('غزة'), place('قطاع غزة')], 'قطاع غزة وغزة وقطاع وغزة', [['قطاع غزة', 'قطاع غزة', 'exact'], ['غزة', 'وغزة', 'clitic'], ['غزة', 'وغزة', 'clitic']]],
  ['a shorter tag after the longer one, both exact, then a clitic', ['الأمم المتحدة', 'المتحدة'], 'الأمم المتحدة والمملكة المتحدة وللأمم المتحدة', [['الأمم المتحدة', 'الأمم المتحدة', 'exact'], ['المتحدة', 'المتحدة', 'exact'], ['الأمم المتحدة', 'وللأمم المتحدة', 'clitic']]],
];

for (const [rule, vocab, text, expected] of table) {
  test(`match: ${rule}`, () => {
    assert.deepEqual(found(vocab, text), expected, `mentions in «${text}»`);
  });
}

test('mention offsets index the original string, diacritics and marks included', () => {
  const text = 'قال \u200fمُحَمَّدٌ إنّ الأُمَمَ المتّحدة';
  const cv = compileVocabulary([{ label: 'محمد' }, { label: 'الأمم المتحدة' }]);
  const toks = tokenize(text);
  const spans = matchText(cv, toks).map((m) => text.slice(toks[m.tokenStart]!.start, toks[m.tokenEnd - 1]!.end));
  assert.deepEqual(spans, ['مُحَمَّدٌ', 'الأُمَمَ المتّحدة']);
});

test('a slot the tokeniser gave to another word does not bring back the analysis of the first', () => {
  const cv = compileVocabulary([{ label: 'مصر' }, { label: 'قطر' }, { label: 'لبنان' }]);
  const labels = (toks: ReturnType<typeof tokenize>): string[] => matchText(cv, toks).map((m) => cv.tags.get(m.tag).label);
  const before = tokenize('مصر وقطر');
  // Distinct words (none of them a tag's letters), more than the intern table keeps: it is cleared
  // and its slots are given to new words.
  const letters = 'ثجحخدذزسشضظعغفكهي';
  const words: string[] = [];
  for (let i = 0; words.length < 400_000; i++) {
    let w = '';
    for (let k = i; w.length < 5; k = Math.floor(k / letters.length)) w += letters[k % letters.length];
    words.push(w);
  }
  for (let from = 0; from < words.length; from += 50_000) assert.deepEqual(labels(tokenize(words.slice(from, from + 50_000).join(' '))), []);
  assert.deepEqual(labels(tokenize('لبنان ومصر وقطر')), ['لبنان', 'مصر', 'قطر']);
  assert.deepEqual(labels(before), ['مصر', 'قطر']);
});

test('a matcher that renews its memory of words still matches the words it knew', () => {
  const cv = compileVocabulary([{ label: 'مصر' }, { label: 'لبنان' }, { label: 'الأمم المتحدة' }, { label: 'إيران' }]);
  const matcher = createMatcher(cv);
  const tokenizer = new Tokenizer();
  const labels = (text: string): string[] => matcher.match(tokenizer.tokenize(text)).matches.toMatches().map((m) => cv.tags.get(m.tag).label);
  assert.deepEqual(labels('لبنان والأمم المتحدة وأيران'), ['لبنان', 'الأمم المتحدة']);
  // More distinct words than the matcher keeps in one generation: it renews before some text,
  // and what it knew is then in the old generation, or forgotten.
  const letters = 'ثجحخدذزسشضظعغفكهي';
  for (let chunk = 0; chunk < 6; chunk++) {
    const words: string[] = [];
    for (let i = chunk * 50_000; i < (chunk + 1) * 50_000; i++) {
      let w = '';
      for (let k = i; w.length < 5; k = Math.floor(k / letters.length)) w += letters[k % letters.length];
      words.push(w);
    }
    // The next text then has words of this one, which the tokeniser gives the same ids.
    assert.deepEqual(labels(words.join(' ') + ' لبنان ومصر'), ['لبنان', 'مصر']);
    assert.deepEqual(labels('لبنان والأمم المتحدة وأيران ومصر'), ['لبنان', 'الأمم المتحدة', 'مصر'], `after ${chunk + 1} chunks`);
  }
});

test('light forms the flags call compatible are compatible', () => {
  // Every pair of light forms of up to three letters with one key, over the letters the key erases and their bare forms.
  const letters = ['ا', 'أ', 'إ', 'آ', 'ي', 'ى', 'ئ', 'و', 'ؤ', 'ب'];
  const forms: string[] = [''];
  for (let length = 1; length <= 3; length++) {
    for (const f of forms.filter((x) => x.length === length - 1)) for (const c of letters) forms.push(f + c);
  }
  const byKey = new Map<string, string[]>();
  for (const f of forms) byKey.set(keyOfLight(f), [...(byKey.get(keyOfLight(f)) ?? []), f]);
  let sure = 0;
  for (const group of byKey.values()) {
    for (const tag of group) {
      for (const text of group) {
        if (!lightsSurelyAgree(tag, text)) continue;
        sure++;
        assert.ok(compatible(tag, text), `tag ${tag}, text ${text}`);
      }
    }
  }
  assert.ok(sure > 1000, `${sure} pairs decided by the flags`);
});

test('a text with more matches than a list first holds keeps every one, in text order', () => {
  const sentence = 'زار مصر وقطر ولبنان';
  const text = Array.from({ length: 12 }, () => sentence).join('، ');
  const expected: Found[] = [];
  for (let i = 0; i < 12; i++) expected.push(['مصر', 'مصر', 'exact'], ['قطر', 'وقطر', 'clitic'], ['لبنان', 'ولبنان', 'clitic']);
  assert.deepEqual(found(['مصر', 'قطر', 'لبنان'], text), expected);
});

test('a match list copies or keeps a row with its verdict, and a row without reasons has none', () => {
  const cv = compileVocabulary([{ label: 'مصر' }, { label: 'الأمم المتحدة' }]);
  const tokens = tokenize(Array.from({ length: 20 }, () => 'مصر والأمم المتحدة').join(' '));
  const list = MatchList.of(matchText(cv, tokens));
  assert.equal(list.length, 40);
  list.confidences[33] = 0.3;
  list.setReasons(33, ['citation']);
  const copy = new MatchList(2);
  for (const k of [0, 33, 35]) copy.addRow(list, k);
  const rows = copy.toMatches().map((m) => [cv.tags.get(m.tag).label, m.tokenStart, m.tokenEnd, m.kind, m.confidence, m.reasons]);
  assert.deepEqual(rows, [
    ['مصر', 0, 1, 'exact', 1, undefined],
    ['الأمم المتحدة', 49, 51, 'clitic', 0.3, ['citation']],
    ['الأمم المتحدة', 52, 54, 'clitic', 1, undefined],
  ]);
  assert.equal(list.reasons(32), undefined, 'a row before the one given reasons has none');
  // Kept in place, the rows move up with their verdicts: the same matches as the copy.
  list.keepRows([0, 33, 35]);
  assert.deepEqual(list.toMatches(), copy.toMatches());
});
