/**
 * The embedded default vocabulary on sentences written like news: each type picks up its
 * entries through clitics, nisba forms, aliases and spelling variants.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TagResult } from '../core/index.js';
import { createNodeTagger } from '../node/tagger.js';
import { loadDefaultVocabulary, readDefaultEntries } from '../node/vocab-file.js';
import { vocabStats, lintVocabulary } from '../cli/commands/vocab.js';

const tagger = createNodeTagger(loadDefaultVocabulary());
const tag = (title: string, body: string): TagResult[] => tagger.tag({ title, body });
const labels = (rs: TagResult[]): string[] => rs.map((r) => r.tag);
const idsOf = (rs: TagResult[]): string[] => rs.map((r) => r.id);

function expectIds(rs: TagResult[], ids: string[]): void {
  for (const id of ids) assert.ok(idsOf(rs).includes(id), `${id} in ${labels(rs).join('، ')}`);
}

test('default vocabulary: at least 5,000 entries, every type, no lint errors', () => {
  const entries = readDefaultEntries();
  const stats = vocabStats(entries);
  assert.ok(stats.entries >= 5000, `${stats.entries} entries`);
  for (const t of ['place', 'person', 'organisation', 'topic', 'event']) assert.ok(stats.byType[t]! > 50, `${t}: ${stats.byType[t]}`);
  assert.ok(stats.ambiguous > 100);
  const problems = lintVocabulary({ entries, lines: entries.map((_, k) => k + 1), errors: [], warnings: [], source: 'default' });
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
});

test('places: clitics, nisba and press variants', () => {
  const rs = tag('الرياض تستضيف وفدا مصريا', 'وصل إلى الرياض وفد من القاهرة، وقال مسؤولون سعوديون إن المحادثات مع الجانب المصري تناولت الأوضاع في السودان وليبيا، فيما أكدت أميركا دعمها.');
  expectIds(rs, ['place-sa-riyadh', 'place-eg']);
  const eg = rs.find((r) => r.id === 'place-eg')!;
  assert.ok(eg.mentions.some((m) => m.kind === 'nisba'), 'Egypt through its nisba');
  const us = tag('واشنطن تعلق المساعدات', 'أعلنت الولايات المتحدة الأمريكية تعليق المساعدات، وقالت أميركا إن القرار مؤقت، وأكد المسؤولون الأمريكيون أن واشنطن ستراجع الموقف.');
  expectIds(us, ['place-us']);
});

test('people: full names, titles and short forms', () => {
  const rs = tag('ولي العهد يستقبل الرئيس الفرنسي', 'استقبل ولي العهد السعودي الأمير محمد بن سلمان الرئيس الفرنسي إيمانويل ماكرون في الرياض، وبحث الجانبان مع ماكرون العلاقات الثنائية.');
  assert.ok(rs.some((r) => r.type === 'person' && /محمد بن سلمان/.test(r.tag + r.mentions.map((m) => m.text).join(' '))), labels(rs).join('، '));
  assert.ok(rs.some((r) => r.type === 'person' && r.mentions.some((m) => m.text.includes('ماكرون'))), labels(rs).join('، '));
});

test('organisations: clubs with sports context, movements with clitics, agencies', () => {
  const sport = tag('الهلال يتغلب على النصر', 'تغلب فريق الهلال على ضيفه النصر بهدفين مقابل هدف في الدوري السعودي، وقال مدرب الهلال إن لاعبي الفريق قدموا مباراة كبيرة أمام النصر.');
  assert.ok(sport.some((r) => r.type === 'organisation' && r.tag.includes('الهلال')), labels(sport).join('، '));
  assert.ok(sport.some((r) => r.type === 'organisation' && r.tag.includes('النصر')), labels(sport).join('، '));
  const politics = tag('حماس توافق على المقترح', 'أعلنت حركة حماس موافقتها على المقترح، وقال متحدث باسم حماس إن الحركة سلمت ردها للوسطاء، بحسب وكالة رويترز.');
  expectIds(politics, ['org-hamas']);
});

test('topics: names, definite and indefinite forms, relational adjectives', () => {
  const rs = tag('مفاوضات لوقف إطلاق النار في غزة', 'تتواصل المفاوضات من أجل وقف إطلاق النار في قطاع غزة وإدخال المساعدات الإنسانية، وسط تحذيرات من كارثة إنسانية.');
  assert.ok(rs.some((r) => r.type === 'topic' && r.mentions.some((m) => m.text.includes('وقف إطلاق النار'))), labels(rs).join('، '));
  const health = tag('وزارة الصحة تطلق حملة تطعيم', 'أطلقت وزارة الصحة حملة للتطعيم في المستشفيات والمراكز الصحية، ضمن خطة لتحسين الرعاية الصحية للمواطنين.');
  assert.ok(health.some((r) => r.type === 'organisation' && r.tag.includes('وزارة الصحة')), labels(health).join('، '));
});

test('events: feasts and tournaments', () => {
  const rs = tag('المصلون يؤدون صلاة عيد الفطر', 'أدى المصلون صلاة عيد الفطر المبارك في المسجد الحرام، وسط أجواء من الفرح بعد انقضاء شهر رمضان.');
  assert.ok(rs.some((r) => r.type === 'event' && r.tag.includes('عيد الفطر')), labels(rs).join('، '));
  const cup = tag('المنتخب يستعد لكأس العالم', 'يواصل المنتخب السعودي استعداداته للمشاركة في كأس العالم، وأكد المدرب جاهزية اللاعبين لبطولة كأس العالم.');
  assert.ok(cup.some((r) => r.type === 'event' && r.tag.includes('كأس العالم')), labels(cup).join('، '));
});

test('the old substring hits stay out: آبل، قنا، مطروح، البن، طالب inside other words', () => {
  const rs = tag('قراءة في المقترحات المطروحة', 'مقابل مطالب الطلاب بكافة حقوقهم، قال في تصريح لقناة محلية إن البنود المطروحة تتطلب دراسة، وإن الوسيطين يعملان على ذلك.');
  for (const wrong of ['آبل', 'قنا', 'مطروح', 'البن', 'طالب', 'كاف', 'لوسي']) assert.ok(!labels(rs).includes(wrong), `${wrong}: ${labels(rs).join('، ')}`);
});
