/**
 * Each kind of ranking evidence on real Arabic sentences, through the full pipeline with the
 * background model of Arabic news.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileVocabulary, type TagResult, type VocabEntry } from '../core/index.js';
import { DEFAULT_CUT } from '../core/pipeline.js';
import { createNodeTagger } from '../node/tagger.js';
import { defaultHints } from '../node/vocab-file.js';

function tagWith(vocab: VocabEntry[], title: string, body: string, hints = false): TagResult[] {
  return createNodeTagger(compileVocabulary(vocab, hints ? defaultHints() : {})).tag({ title, body }, { top: 100, minScore: 0, explain: true });
}
const find = (rs: TagResult[], label: string): TagResult | undefined => rs.find((r) => r.tag === label);
const kept = (r: TagResult | undefined): boolean => r !== undefined && r.score >= DEFAULT_CUT.minScore;

test('club vs word: الاتحاد the club with sports context, not the word "union"', () => {
  const vocab: VocabEntry[] = [{ label: 'الاتحاد', type: 'organisation', ambiguous: true }];
  const club = tagWith(vocab, 'الاتحاد يتغلب على الهلال', 'تغلب فريق الاتحاد على ضيفه الهلال بهدفين في الدوري، وأشاد مدرب الاتحاد بلاعبيه بعد المباراة، فيما احتفل جمهور الاتحاد بالفوز.');
  const word = tagWith(vocab, 'دعوات إلى الوحدة', 'دعا المجلس الفصائل إلى الاتحاد ونبذ الخلاف، مؤكدا أن الاتحاد قوة في مواجهة التحديات.');
  assert.ok(kept(find(club, 'الاتحاد')), 'the club is tagged');
  assert.ok(!kept(find(word, 'الاتحاد')), `the word is not (${find(word, 'الاتحاد')?.score})`);
  assert.equal(find(club, 'الاتحاد')!.evidence!.context, 1);
});

test('newspaper vs word: الحياة named as a newspaper, not "life"', () => {
  const vocab: VocabEntry[] = [{ label: 'الحياة', aliases: ['صحيفة الحياة'], type: 'organisation', ambiguous: true }];
  const paper = tagWith(vocab, 'صحيفة الحياة: مفاوضات جديدة في الدوحة', 'ذكرت صحيفة الحياة في عددها الصادر اليوم أن جولة جديدة من المفاوضات ستعقد الأسبوع المقبل، ونقلت الحياة عن مصادر مطلعة أن الوفود وصلت.');
  const word = tagWith(vocab, 'عودة الهدوء إلى المدينة', 'عادت الحياة إلى طبيعتها في المدينة بعد أيام من الأمطار، وفتحت المحال أبوابها وعادت الحياة إلى الأسواق.');
  assert.ok(kept(find(paper, 'الحياة')), 'the newspaper is tagged');
  assert.ok(!kept(find(word, 'الحياة')), `life is not a newspaper (${find(word, 'الحياة')?.score})`);
});

test('علي vs على: the preposition never stands for the name', () => {
  const vocab: VocabEntry[] = [{ label: 'علي', type: 'person' }];
  const prep = tagWith(vocab, 'الوزير يوافق على الخطة', 'وافق الوزير على الخطة الجديدة وعلى الميزانية، وأكد على أهمية التنفيذ.');
  assert.equal(find(prep, 'علي'), undefined);
  const name = tagWith(vocab, 'علي يفوز بالجائزة', 'فاز علي بالجائزة الأولى، وقال علي إنه سعيد بهذا التكريم.');
  assert.ok(kept(find(name, 'علي')));
});

test('a country seen only through nisba adjectives ranks below one named outright', () => {
  const vocab: VocabEntry[] = [
    { label: 'مصر', type: 'place' },
    { label: 'السعودية', type: 'place' },
  ];
  const rs = tagWith(vocab, 'السعودية تستضيف قمة للطاقة', 'تستضيف السعودية الأسبوع المقبل قمة للطاقة بمشاركة وفود عربية، بينها الوفد المصري، وقالت وزارة الطاقة في السعودية إن الشركات المصرية مدعوة.');
  const eg = find(rs, 'مصر')!;
  const sa = find(rs, 'السعودية')!;
  assert.ok(eg.mentions.every((m) => m.kind === 'nisba'), 'Egypt only through nisba');
  assert.ok(eg.score < sa.score, `${eg.score} < ${sa.score}`);
});

test('twins are collapsed: one tag per entity, with the name preferred to its nisba', () => {
  const vocab: VocabEntry[] = ['حماس', 'حركة حماس', 'مفاوضات', 'المفاوضات', 'مصر', 'المصري'].map((label) => ({ label }));
  const rs = tagWith(vocab, 'مفاوضات جديدة بين إسرائيل وحماس', 'استؤنفت المفاوضات بين إسرائيل وحركة حماس في القاهرة بوساطة مصرية، وقال مسؤول مصري إن مصر تأمل في التوصل إلى اتفاق، فيما أكدت حماس استعدادها.', true);
  const labels = rs.map((r) => r.tag);
  assert.equal(labels.filter((l) => l === 'حماس' || l === 'حركة حماس').length, 1, labels.join('، '));
  assert.equal(labels.filter((l) => l === 'مفاوضات' || l === 'المفاوضات').length, 1, labels.join('، '));
  assert.ok(labels.includes('مصر') && !labels.includes('المصري'), labels.join('، '));
});

test('a country seen only through its nisba is reported by its name when the vocabulary has both', () => {
  const vocab: VocabEntry[] = ['إيران', 'الإيراني', 'البحرين'].map((label) => ({ label }));
  const rs = tagWith(vocab, 'البحرين ترفض التصريحات الإيرانية', 'رفضت البحرين تصريحات المرشد الإيراني، وطالبت الحكومة الإيرانية بالكف عن التدخل، وقالت الخارجية البحرينية إن الموقف الإيراني مرفوض.', true);
  const labels = rs.map((r) => r.tag);
  assert.ok(labels.includes('إيران') && !labels.includes('الإيراني'), labels.join('، '));
  assert.ok(find(rs, 'إيران')!.mentions.every((m) => m.text.includes('الإيراني')));
});

test('a fragment of a longer name is not evidence: المتحدة in الأمم المتحدة without that tag', () => {
  const rs = tagWith([{ label: 'المتحدة' }, { label: 'جنيف', type: 'place' }], 'الأمم المتحدة تحذر من المجاعة', 'حذرت الأمم المتحدة في تقرير صدر في جنيف من مجاعة وشيكة، ودعت الأمم المتحدة المانحين إلى التحرك.');
  assert.ok(!kept(find(rs, 'المتحدة')), `fragment ${find(rs, 'المتحدة')?.score}`);
});

test('a rare multi-word tag seen once outranks a frequent single word seen once', () => {
  const rs = tagWith([{ label: 'العام' }, { label: 'البنك الإسلامي للتنمية' }], 'تمويل جديد للمشاريع', 'وقع البنك الإسلامي للتنمية اتفاقية تمويل جديدة خلال العام الحالي لدعم مشاريع المياه.');
  assert.ok(find(rs, 'البنك الإسلامي للتنمية')!.score > (find(rs, 'العام')?.score ?? 0));
  assert.ok(!kept(find(rs, 'العام')));
});

test('a name after بن is a father, part of another person\'s name: مشاري بن سعود is not سعود', () => {
  const vocab: VocabEntry[] = [{ label: 'الملك سعود', aliases: ['سعود بن عبد العزيز'], type: 'person' }];
  const son = tagWith(vocab, 'أمير المنطقة يوجه بتسريع مشروع الطريق', 'نقل وكيل الإمارة توجيهات أمير المنطقة مشاري بن سعود بن عبد العزيز بأهمية الطريق، وأكد أمير المنطقة متابعته للمشروع.');
  const king = tagWith(vocab, 'مئوية الملك سعود', 'تحتفي الجامعة بذكرى الملك سعود بن عبد العزيز، وتعرض وثائق من عهد سعود بن عبد العزيز.');
  const r = find(son, 'الملك سعود');
  assert.ok(!kept(r), `the father's name (${r?.score})`);
  assert.equal(r?.evidence?.nameFragment, 1);
  assert.ok(kept(find(king, 'الملك سعود')), 'the king named for himself');
});

test('a transliterated name spelled with another long vowel: هارسون فورد in the vocabulary, هاريسون فورد in the text', () => {
  const vocab: VocabEntry[] = [{ label: 'هارسون فورد' }, { label: 'فورد', type: 'organisation' }, { label: 'محمود عباس' }];
  const title = 'هاريسون فورد يغادر المستشفى بعد حادث طائرته';
  const body = 'غادر الممثل الأمريكي هاريسون فورد المستشفى بعد أسابيع من تحطم طائرته الصغيرة في لوس أنجلوس، وقال متحدث باسم فورد إن صحته تحسنت. وكان محمد عباس قد شهد الحادث.';
  const rs = tagWith(vocab, title, body);
  const actor = find(rs, 'هارسون فورد');
  assert.ok(kept(actor), rs.map((r) => `${r.tag} ${r.score}`).join('، '));
  assert.deepEqual(actor!.mentions.map((m) => [m.text, m.kind]), [['هاريسون فورد', 'variant'], ['هاريسون فورد', 'variant']]);
  // The bare family name refers back to the actor, not to the car maker.
  assert.ok(!kept(find(rs, 'فورد')), `فورد ${find(rs, 'فورد')?.score}`);
  // محمد and محمود are two names, both common: never one for the other.
  assert.equal(find(rs, 'محمود عباس'), undefined);
});

test('«المملكة» is the kingdom the article is set in: Saudi Arabia beside Saudi places, Jordan beside Jordanian ones', () => {
  const vocab: VocabEntry[] = ['السعودية', 'الأردن', 'أبها', 'إربد'].map((label) => ({ label }));
  const saudi = tagWith(vocab, 'موجة غبار على جنوب المملكة', 'تشهد أبها ومحافظات المنطقة موجة غبار، وتوقعت الأرصاد أن تمتد إلى أجزاء واسعة من المملكة خلال الأيام المقبلة.', true);
  const jordan = tagWith(vocab, 'أمطار غزيرة في شمال المملكة', 'شهدت إربد أمطارا غزيرة، وقالت دائرة الأرصاد إن المنخفض سيؤثر على معظم مناطق المملكة حتى نهاية الأسبوع.', true);
  const none = tagWith(vocab, 'مؤتمر للطاقة المتجددة', 'قال المتحدث إن المملكة تدعم مشاريع الطاقة المتجددة وتسعى إلى زيادة حصتها في السنوات المقبلة.', true);
  assert.ok(kept(find(saudi, 'السعودية')), saudi.map((r) => `${r.tag} ${r.score}`).join('، '));
  assert.ok(!kept(find(saudi, 'الأردن')), `${find(saudi, 'الأردن')?.score}`);
  assert.ok(kept(find(jordan, 'الأردن')), jordan.map((r) => `${r.tag} ${r.score}`).join('، '));
  assert.ok(!kept(find(jordan, 'السعودية')), `${find(jordan, 'السعودية')?.score}`);
  // No place to say which kingdom: no tag.
  assert.ok(!kept(find(none, 'السعودية')) && !kept(find(none, 'الأردن')), none.map((r) => `${r.tag} ${r.score}`).join('، '));
});

test('a name written without the article does not take it: الحماس is enthusiasm, not حماس', () => {
  const vocab: VocabEntry[] = [{ label: 'حماس', type: 'organisation', ambiguous: true }];
  const word = tagWith(vocab, 'جماهير النادي تستقبل الفريق', 'استقبلت الجماهير الفريق بالحماس نفسه، وتحدث اللاعبون عن الحماس الكبير الذي رافقهم.');
  const movement = tagWith(vocab, 'حماس ترحب بالمبادرة', 'رحبت حماس بالمبادرة المصرية، وقال متحدث باسم حماس إن الحركة مستعدة للحوار.');
  const r = find(word, 'حماس');
  assert.ok(!kept(r), `enthusiasm ${r?.score}`);
  assert.equal(r?.evidence?.doubtfulClitics, 2);
  assert.ok(kept(find(movement, 'حماس')), `the movement ${find(movement, 'حماس')?.score}`);
});

test('a nisba after a given name is a family name: سعد السويدي is not Sweden', () => {
  const vocab: VocabEntry[] = [{ label: 'السويد', type: 'place' }];
  const family = tagWith(vocab, 'فرسان المحافظة يحتفلون بالعيد', 'شارك في الاحتفال الفارس سعد السويدي وعبدالله السويدي، وأكدا أن الفروسية تراث أصيل.', true);
  const sweden = tagWith(vocab, 'وفد تجاري يزور الرياض', 'وصل الوفد التجاري السويدي إلى الرياض، وقال رئيس الوفد السويدي إن الشركات السويدية تتطلع إلى شراكات جديدة.', true);
  const r = find(family, 'السويد');
  assert.equal(r?.evidence?.nameFragment, 1, 'both mentions follow a given name');
  assert.ok(!kept(r), `family name ${r?.score}`);
  assert.equal(find(sweden, 'السويد')?.evidence?.nameFragment, 0);
  assert.ok(find(sweden, 'السويد')!.score > r!.score);
});

test('a doubtful clitic reading is not evidence: وكيل is not و + كيل', () => {
  const rs = tagWith([{ label: 'كيل' }], 'تعيين وكيل جديد للوزارة', 'أصدر الوزير قرارا بتعيين وكيل جديد للوزارة، وقال الوكيل إنه سيعمل على تطوير الخدمات.');
  assert.ok(!kept(find(rs, 'كيل')), `${find(rs, 'كيل')?.score}`);
});

test('dropping hopeless candidates early changes nothing: the cut output equals the full ranking cut afterwards', async () => {
  const { readFileSync } = await import('node:fs');
  const { loadDefaultVocabulary } = await import('../node/vocab-file.js');
  const tagger = createNodeTagger(loadDefaultVocabulary());
  const lines = readFileSync(new URL('../../examples/articles.jsonl', import.meta.url), 'utf8').trim().split('\n');
  const articles = [...lines.map((l) => { try { return JSON.parse(l) as { title: string; body: string }; } catch { return undefined; } }), { title: 'x', body: readFileSync(new URL('../../examples/gaza-talks.txt', import.meta.url), 'utf8') }];
  let compared = 0;
  for (const a of articles) {
    if (!a || !(a.title + a.body).trim()) continue;
    for (const minScore of [0.2, DEFAULT_CUT.minScore, 0.6]) {
      const cut = tagger.tag(a, { minScore, top: 12 });
      const full = tagger.tag(a, { minScore: 0, top: 10_000 }).filter((r) => r.score >= minScore).slice(0, 12);
      assert.deepEqual(cut, full);
      compared++;
    }
  }
  assert.ok(compared >= 9);
});
