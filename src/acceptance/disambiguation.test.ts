/**
 * The disambiguation stage, one table per kind of error, on sentences written for these tests:
 * each row is [text, vocabulary entry's label, whether a mention of it is kept], and every table
 * has its negatives (the same name where it is the name). Run through the full pipeline in
 * mention mode with the background model of Arabic news.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileVocabulary, parseVocabulary, type TagResult, type VocabEntry } from '../core/index.js';
import { createNodeTagger } from '../node/tagger.js';

type Row = [text: string, tag: string, kept: boolean];

function mentionsOf(vocab: VocabEntry[], body: string, title = ''): TagResult[] {
  return createNodeTagger(compileVocabulary(vocab)).tag({ title, body }, { allMentions: true, explain: true });
}

function table(name: string, vocab: VocabEntry[], rows: Row[]): void {
  describe(name, () => {
    for (const [text, label, expected] of rows) {
      test(`${expected ? 'keeps' : 'drops'} ${label} in «${text}»`, () => {
        const rs = mentionsOf(vocab, text);
        const found = rs.find((r) => r.tag === label);
        assert.equal(found !== undefined, expected, rs.map((r) => `${r.tag}: ${r.mentions.map((m) => `${m.text} ${m.confidence} ${m.reasons?.join('+') ?? ''}`).join(', ')}`).join(' | ') || '(nothing)');
        if (found) for (const m of found.mentions) assert.ok(m.confidence >= 0.5 && m.confidence <= 1 && typeof m.matched === 'string' && m.kind);
      });
    }
  });
}

table('a head noun before a name makes it part of a longer name; a preposition clitic ends it', [
  { label: 'الملك خالد', type: 'person' },
  { label: 'الملك سعود', type: 'person' },
  { label: 'تبوك', type: 'place' },
  { label: 'الرياض', type: 'place' },
  { label: 'ولي العهد', type: 'person' },
], [
  ['نقل المصاب إلى مستشفى الملك خالد الجامعي لتلقي العلاج.', 'الملك خالد', false],
  ['افتتح مستشفى الملك خالد بتبوك قسما جديدا للطوارئ.', 'تبوك', true],
  ['تخرج الطالب في جامعة الملك سعود بتقدير ممتاز.', 'الملك سعود', false],
  ['أعلن بنك الرياض عن أرباحه الفصلية.', 'الرياض', false],
  ['وصل الوفد إلى الرياض مساء أمس.', 'الرياض', true],
  ['توج الفريق بلقب كأس ولي العهد بعد فوزه في النهائي.', 'ولي العهد', false],
  ['استقبل ولي العهد السفراء في قصره.', 'ولي العهد', true],
]);

table('a word after a name can complete a longer name', [
  { label: 'الهلال', type: 'organisation', ambiguous: true },
  { label: 'كوريا', type: 'place' },
], [
  ['قدمت جمعية الهلال الأحمر مساعدات للنازحين.', 'الهلال', false],
  ['أطلقت كوريا الشمالية صاروخا جديدا فوق البحر.', 'كوريا', false],
  ['فاز فريق الهلال على ضيفه في الدوري.', 'الهلال', true],
]);

table('a given name and a family name, or a title, make a person, not the place they spell', [
  { label: 'تركيا', type: 'place', nisba: ['تركي', 'التركي'] },
  { label: 'السويد', type: 'place' },
], [
  ['قال الكاتب تركي اليوسف إن الرواية تستحق القراءة.', 'تركيا', false],
  ['التقى الأمير تركي بالوفد الزائر.', 'تركيا', false],
  ['أعلن الجيش التركي بدء عملية عسكرية على الحدود.', 'تركيا', true],
  ['ترأس الاجتماع سعد السويدي بحضور أعضاء المجلس.', 'السويد', false],
  ['وقعت السويد اتفاقية تجارية جديدة.', 'السويد', true],
]);

table('a media outlet quoted as a source is the outlet, not the word or region it spells', [
  { label: 'الشرق الأوسط', type: 'place' },
  { label: 'الرياض', type: 'place' },
  { label: 'صحيفة الحياة', aliases: ['الحياة'], type: 'organisation', ambiguous: true },
], [
  ['وقال المسؤول في تصريح لـ«الشرق الأوسط» إن المفاوضات مستمرة.', 'الشرق الأوسط', false],
  ['تشهد منطقة الشرق الأوسط توترا متزايدا.', 'الشرق الأوسط', true],
  ['ذكرت صحيفة الرياض أن المشروع سيكتمل العام المقبل.', 'الرياض', false],
  ['وفقا لـ«الحياة» فإن الوفد سيصل غدا.', 'صحيفة الحياة', true],
  ['أعلنت الوزارة أن الوفد سيصل غدا إلى العاصمة لبحث ملفات التعاون الاقتصادي والتجاري بين البلدين. اقرأ التفاصيل في صحيفة الحياة', 'صحيفة الحياة', false],
  ['أعلنت الوزارة أن الوفد سيصل غدا، وقالت صحيفة الحياة في تقرير نشرته أمس إن الملفات كثيرة ومعقدة وتحتاج إلى وقت.', 'صحيفة الحياة', true],
]);

table('a definite adjective agreeing with the noun before it is the adjective', [
  { label: 'الجديدة', type: 'place', ambiguous: true, note: 'also «new»' },
  { label: 'الشرقية', type: 'place', ambiguous: true, note: 'also «eastern»' },
], [
  ['دخلت المفاوضات المرحلة الجديدة بعد لقاء الوفدين.', 'الجديدة', false],
  ['تقدمت القوات من الجهة الشرقية للمدينة.', 'الشرقية', false],
  ['هطلت أمطار غزيرة على المنطقة الشرقية أمس.', 'الشرقية', true],
]);

table('morphology is only what is true: a name keeps its ending, a clitic split keeps a word', [
  { label: 'كانتون' },
  { label: 'طالبان', type: 'organisation' },
  { label: 'بان' },
  { label: 'الله' },
  { label: 'المراقب', type: 'topic' },
], [
  ['كانت الأجواء هادئة في المدينة.', 'كانتون', false],
  ['طالب المحتجون بالإفراج عن المعتقلين.', 'طالبان', false],
  ['أعلنت حركة طالبان وقف القتال.', 'طالبان', true],
  ['قال له المدير إن القرار نهائي.', 'الله', false],
  ['أكد المراقبون أن الانتخابات جرت بهدوء.', 'المراقب', true],
]);

table('an untyped tag news uses as a common word needs a sign that it is the name', [
  { label: 'علي' },
  { label: 'النادي' },
], [
  ['وعلي الرغم من الأمطار خرج الناس إلى الشوارع.', 'علي', false],
  ['وقال الإمام علي في خطبته إن العدل أساس الحكم.', 'علي', true],
  ['أعلن النادي تعاقده مع مدرب جديد.', 'النادي', false],
]);

table('a place qualified by its parent is the place of the article, not its namesake', parseVocabulary('زنجبار\nزنجبار (اليمن)\nاليمن\nتنزانيا\nأبين\n', 'txt').entries, [
  ['سيطر مسلحون على مدينة زنجبار في محافظة أبين جنوب اليمن.', 'زنجبار', true],
  ['وصل السياح إلى جزيرة زنجبار في تنزانيا.', 'زنجبار', true],
]);

test('the Yemeni and the Tanzanian زنجبار are two tags, each kept where the article is set', () => {
  const vocab = parseVocabulary('زنجبار\nزنجبار (اليمن)\nاليمن\nتنزانيا\nأبين\n', 'txt').entries;
  const idsIn = (body: string): string[] => mentionsOf(vocab, body).filter((r) => r.tag === 'زنجبار').map((r) => r.id);
  assert.deepEqual(idsIn('سيطر مسلحون على مدينة زنجبار في محافظة أبين جنوب اليمن.'), ['زنجبار (اليمن)']);
  assert.deepEqual(idsIn('وصل السياح إلى جزيرة زنجبار في تنزانيا.'), ['زنجبار']);
});

test('spellings that fold alike both match: either hamza seat, آ for أ', () => {
  const vocab = parseVocabulary('أسبانيا\nإسبانيا\nآبل\n', 'txt').entries;
  const rs = mentionsOf(vocab, 'فاز منتخب إسبانيا على ضيفه، وأعلنت شركة أبل عن هاتف جديد.');
  assert.deepEqual(rs.map((r) => r.tag).sort(), ['آبل', 'أسبانيا']);
  assert.equal(rs.find((r) => r.tag === 'أسبانيا')!.mentions[0]!.text, 'إسبانيا');
  // إ is not أ: a writer who wrote إمام did not mean أمام.
  assert.equal(mentionsOf([{ label: 'إمام' }], 'وقف أمام المبنى').length, 0);
});

test('mention mode: every kept mention, with kind, confidence and the matched entry; twins keep their own label', () => {
  const vocab: VocabEntry[] = [{ id: 'org-hamas', label: 'حماس', aliases: ['حركة حماس'], type: 'organisation' }, { label: 'غزة', type: 'place' }];
  const rs = createNodeTagger(compileVocabulary(vocab)).tag({ title: '', body: 'قالت حركة حماس إن وفدها وصل إلى غزة، وأكدت حماس أن الحوار مستمر.' }, { allMentions: true });
  const hamas = rs.find((r) => r.id === 'org-hamas')!;
  assert.deepEqual(hamas.mentions.map((m) => [m.text, m.kind, m.matched]), [['حركة حماس', 'exact', 'حماس'], ['حماس', 'exact', 'حماس']]);
  assert.ok(rs.every((r) => r.mentions.length > 0 && r.mentions.every((m) => m.confidence >= 0.5)));
});
