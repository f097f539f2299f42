import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileVocabulary, type CompileOptions } from './vocabulary/compile.js';
import { matchText } from './match.js';
import { tokenize } from './tokenize.js';
import type { MatchKind, VocabEntry } from './types.js';

type V = string | VocabEntry;

/** label → kinds of its mentions in the text. */
function found(vocab: V[], text: string, options?: CompileOptions): Map<string, MatchKind[]> {
  const cv = compileVocabulary(vocab.map((v) => (typeof v === 'string' ? { label: v } : v)), options);
  const out = new Map<string, MatchKind[]>();
  for (const m of matchText(cv, tokenize(text))) {
    const label = cv.tags.get(m.tag).label;
    out.set(label, [...(out.get(label) ?? []), m.kind]);
  }
  return out;
}

/** [rule, vocabulary, text, expected {label: kind of first mention}, labels that must not match] */
type Row = [string, V[], string, Record<string, MatchKind>, string[]];

const place = (label: string, extra: Partial<VocabEntry> = {}): VocabEntry => ({ label, type: 'place', ...extra });
const topic = (label: string): VocabEntry => ({ label, type: 'topic' });

const table: Row[] = [
  // Whole tokens only: never letters inside a longer word.
  ['no آبل in مقابل', ['آبل'], 'مقابل مطالب حماس بوقف القتال', {}, ['آبل']],
  ['no لوسي in الوسيطين', ['لوسي'], 'وصل الوسيطين إلى القاهرة', {}, ['لوسي']],
  ['no قنا in لقناة', [{ label: 'قنا', type: 'organisation' }], 'في تصريح لقناة الجزيرة', {}, ['قنا']],
  ['no طالب in مطالب', ['طالب'], 'مقابل مطالب الحركة', {}, ['طالب']],
  ['no كاف in بكافة', ['كاف'], 'الالتزام بكافة البنود', {}, ['كاف']],
  ['no حادث in المحادثات', ['حادث'], 'استؤنفت المحادثات أمس', {}, ['حادث']],
  ['no المدن in المدنيين', ['المدن'], 'حماية المدنيين واجبة', {}, ['المدن']],
  ['no الرئيس in الرئيسية', ['الرئيس'], 'العقبات الرئيسية أمام الاتفاق', {}, ['الرئيس']],
  // Proclitics and the article.
  ['article + preposition: بالقاهرة', ['القاهرة'], 'اجتمع الوفدان بالقاهرة', { القاهرة: 'clitic' }, []],
  ['conjunction + article: والقاهرة', ['القاهرة'], 'بين الدوحة والقاهرة', { القاهرة: 'clitic' }, []],
  ['لل = ل + ال: للقاهرة', ['القاهرة'], 'زيارة للقاهرة', { القاهرة: 'clitic' }, []],
  ['لل before a stem starting with ل: للجنة', ['اللجنة'], 'قدم تقريره للجنة', { اللجنة: 'clitic' }, []],
  ['ولل: وللقاهرة', ['القاهرة'], 'وللقاهرة دور', { القاهرة: 'clitic' }, []],
  ['proclitics on a name without article', ['مصر'], 'ومصر بمصر لمصر فمصر', { مصر: 'clitic' }, []],
  ['a name starting with ل stays whole', ['لبنان'], 'زار لبنان', { لبنان: 'exact' }, []],
  ['a name starting with ب stays whole', ['بغداد'], 'وصل إلى بغداد', { بغداد: 'exact' }, []],
  ['ب on غزة', ['غزة'], 'الأوضاع بغزة', { غزة: 'clitic' }, []],
  ['tag without ال matches text with ال', ['مفاوضات'], 'تعثرت المفاوضات', { مفاوضات: 'clitic' }, []],
  ['tag with ال matches text without ال (weaker)', [topic('المفاوضات')], 'جولة مفاوضات جديدة', { المفاوضات: 'inflected' }, []],
  ['never strip to one letter', ['ل'], 'ول بل', {}, ['ل']],
  // Inflection of topic nouns.
  ['sound plural ون ↔ ين', [topic('النازحين')], 'عودة النازحون إلى الشمال', { النازحين: 'inflected' }, []],
  ['plural of a singular tag', [topic('مراقب')], 'يرى المراقبون', { مراقب: 'inflected' }, []],
  ['feminine of a topic noun', [topic('موظف')], 'رواتب الموظفين والموظفات', { موظف: 'inflected' }, []],
  ['possessive suffix on taa marbuta', [topic('حكومة')], 'أعلنت حكومتها', { حكومة: 'inflected' }, []],
  ['places do not inflect', [place('مطروح')], 'القضايا المطروحة', {}, ['مطروح']],
  ['three-letter bases do not take sound endings', [topic('عمل')], 'تداول العملات', {}, ['عمل']],
  // Nisba of places: distinct, weaker evidence.
  ['nisba of مصر', [place('مصر')], 'الجهود المصرية والوفد المصري', { مصر: 'nisba' }, []],
  ['nisba keeps the whole stem of إسرائيل', [place('إسرائيل')], 'القوات الإسرائيلية', { إسرائيل: 'nisba' }, []],
  ['nisba of لبنان', [place('لبنان')], 'على الحدود اللبنانية', { لبنان: 'nisba' }, []],
  ['nisba drops ـيا', [place('سوريا')], 'الحكومة السورية', { سوريا: 'nisba' }, []],
  ['nisba drops ـية', [place('السعودية')], 'الوفد السعودي', { السعودية: 'nisba' }, []],
  ['no nisba from a three-letter remainder of ـة', [place('حماة')], 'حماية المدنيين', {}, ['حماة']],
  ['accusative nisba', [place('مصر')], 'أرسلت وفدا مصريا', { مصر: 'nisba' }, []],
  ['nisba plural', [place('قطر')], 'المسؤولون القطريون', { قطر: 'nisba' }, []],
  ['no nisba for untyped tags', ['الدول'], 'القانون الدولي', {}, ['الدول']],
  ['relational adjective of a topic noun', [topic('السياحة')], 'المواقع السياحية', { السياحة: 'nisba' }, []],
  ['relational adjective of a topic on a two-letter stem', [topic('الصحة')], 'الخدمات الصحية', { الصحة: 'nisba' }, []],
  ['listed nisba forms are nisba', [{ label: 'الولايات المتحدة', type: 'place', nisba: ['الأمريكي', 'الأمريكية'] }], 'الموقف الأمريكية', { 'الولايات المتحدة': 'nisba' }, []],
  // Orthography: hamza and final ya.
  ['إمام refuses أمام', ['إمام'], 'وقف أمام المبنى', {}, ['إمام']],
  ['إمام accepts bare امام', ['إمام'], 'خطبة الامام', { إمام: 'clitic' }, []],
  ['علي refuses على', ['علي'], 'وافق على الخطة', {}, ['علي']],
  ['علي accepts علي', ['علي'], 'قال علي إن', { علي: 'exact' }, []],
  ['إيران ↔ ايران', ['إيران'], 'زار ايران', { إيران: 'exact' }, []],
  ['ايران ↔ إيران', ['ايران'], 'زار إيران', { ايران: 'exact' }, []],
  ['ة ↔ ه', ['غزة'], 'قطاع غزه', { غزة: 'exact' }, []],
  ['diacritics in the text', ['محمد'], 'قال مُحَمَّدٌ', { محمد: 'exact' }, []],
  // Spelling variants.
  ['أمريكا ↔ أميركا', ['أمريكا'], 'زار أميركا', { أمريكا: 'variant' }, []],
  ['variant with clitics', ['أمريكا'], 'وأميركا', { أمريكا: 'clitic' }, []],
  // Multi-word tags.
  ['multi-word with a clitic on the first token', ['الأمم المتحدة'], 'وفقا للأمم المتحدة', { 'الأمم المتحدة': 'clitic' }, []],
  ['multi-word exact', ['وقف إطلاق النار'], 'التوصل إلى وقف إطلاق النار', { 'وقف إطلاق النار': 'exact' }, []],
  ['multi-word needs every token', ['وقف إطلاق النار'], 'وقف إطلاق سراح', {}, ['وقف إطلاق النار']],
  ['no clitic inside a multi-word tag', ['قطاع غزة'], 'قطاع وغزة', {}, ['قطاع غزة']],
  // Longest match wins.
  ['المتحدة inside الأمم المتحدة', ['الأمم المتحدة', 'المتحدة'], 'حذرت الأمم المتحدة', { 'الأمم المتحدة': 'exact' }, ['المتحدة']],
  ['الشعب inside الشعب الفلسطيني', ['الشعب', 'الشعب الفلسطيني'], 'حقوق الشعب الفلسطيني', { 'الشعب الفلسطيني': 'exact' }, ['الشعب']],
  ['الغربية inside الضفة الغربية', ['الغربية', 'الضفة الغربية'], 'في الضفة الغربية', { 'الضفة الغربية': 'exact' }, ['الغربية']],
  ['a shorter tag still matches elsewhere', ['الأمم المتحدة', 'المتحدة'], 'الأمم المتحدة والمملكة المتحدة', { 'الأمم المتحدة': 'exact', المتحدة: 'exact' }, []],
  ['exact reading beats a stripped one at the same span', ['النصر', 'نصر'], 'فاز النصر', { النصر: 'exact' }, ['نصر']],
  // Entries that fold alike are one tag, reported in the vocabulary's first spelling.
  ['folded twins are one tag', ['الأمم المتحدة', 'الامم المتحدة'], 'الامم المتحدة', { 'الأمم المتحدة': 'exact' }, ['الامم المتحدة']],
];

for (const [rule, vocab, text, expected, absent] of table) {
  test(`match: ${rule}`, () => {
    const got = found(vocab, text);
    for (const [label, kind] of Object.entries(expected)) {
      assert.ok(got.has(label), `${label} should match in «${text}»; got ${[...got.keys()].join(', ') || 'nothing'}`);
      assert.equal(got.get(label)![0], kind, `kind of ${label} in «${text}»`);
    }
    for (const label of absent) assert.ok(!got.has(label), `${label} must not match in «${text}»`);
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
