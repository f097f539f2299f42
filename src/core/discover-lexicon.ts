/**
 * Word lists of new-tag discovery (src/core/discover.ts): the words around a name that say a
 * name follows and what it names. Arabic has no capital letters, so a name is recognised by the
 * frame it stands in — a title or role before it (الرئيس، وزير الخارجية), a patronym chain
 * (بن، ابن، أبو), an organisation or place head (جامعة، محافظة) — and by how the word behaves
 * in news at large (the background statistics). Every list is written as news writes it and
 * compared on full-fold keys (foldKey), the keys the tokeniser gives.
 */
import { foldKey } from './fold.js';
import type { TagType } from './types.js';

const keys = (words: readonly string[]): ReadonlySet<string> => new Set(words.map(foldKey));

/** Titles and roles that stand directly before a person's name (with the article). */
export const PERSON_TITLES: ReadonlySet<string> = keys([
  'الرئيس', 'الرئيسة', 'الوزير', 'الوزيرة', 'الأمير', 'الأميرة', 'الشيخ', 'الشيخة', 'الملك', 'الملكة', 'السلطان', 'العاهل',
  'الدكتور', 'الدكتورة', 'د', 'المهندس', 'المهندسة', 'الأستاذ', 'الأستاذة', 'البروفيسور', 'المحامي', 'المحامية', 'القاضي',
  'اللاعب', 'اللاعبة', 'المدرب', 'الحارس', 'المهاجم', 'المدافع', 'الكابتن', 'النجمة',
  'الفنان', 'الفنانة', 'المطرب', 'المطربة', 'المغني', 'المغنية', 'الممثل', 'الممثلة', 'المخرج', 'المخرجة', 'الموسيقار', 'الملحن',
  'الكاتب', 'الكاتبة', 'الشاعر', 'الشاعرة', 'الروائي', 'الروائية', 'الأديب', 'الأديبة', 'المفكر', 'المؤرخ', 'الباحث', 'الباحثة',
  'الإعلامي', 'الإعلامية', 'الصحفي', 'الصحفية', 'الصحافي', 'الصحافية', 'المذيع', 'المذيعة', 'الرسام', 'التشكيلي', 'التشكيلية',
  'النائب', 'النائبة', 'السفير', 'السفيرة', 'المستشار', 'المستشارة', 'المحافظ', 'الزعيم', 'القيادي', 'المعارض', 'الناشط', 'الناشطة',
  'اللواء', 'العميد', 'العقيد', 'المقدم', 'الرائد', 'النقيب', 'الملازم', 'المشير', 'الجنرال', 'الرقيب',
  'الإمام', 'الداعية', 'المفتي', 'المطران', 'البابا', 'الحاخام', 'العلامة', 'السيد', 'السيدة', 'المواطن', 'المواطنة',
  'المرشح', 'المرشحة', 'الخبير', 'الخبيرة', 'المحلل', 'الطبيب', 'الطبيبة', 'الجراح', 'رجل الأعمال', 'سيدة الأعمال',
  'سمو', 'معالي', 'سعادة', 'فضيلة', 'سماحة', 'فخامة', 'مستر', 'مسيو', 'ميستر',
]);

/**
 * Role nouns in construct with what they head (وزير الخارجية، رئيس مجلس النواب، المتحدث باسم
 * الوزارة): the complement is skipped, and the name comes after it.
 */
export const ROLE_NOUNS: ReadonlySet<string> = keys([
  'وزير', 'وزيرة', 'رئيس', 'رئيسة', 'مدير', 'مديرة', 'أمين', 'أمينة', 'نائب', 'نائبة', 'وكيل', 'وكيلة', 'سفير', 'سفيرة',
  'محافظ', 'أمير', 'قائد', 'مساعد', 'مساعدة', 'عضو', 'مستشار', 'مستشارة', 'مفتي', 'عميد', 'عميدة', 'نجم', 'لاعب', 'مدرب', 'حارس',
  'زعيم', 'مؤسس', 'مؤسسة', 'المتحدث', 'المتحدثة', 'الناطق', 'الناطقة', 'متحدث', 'ناطق', 'مندوب', 'مبعوث', 'المبعوث', 'ممثل', 'رئيس مجلس',
  'قائد', 'مراسل', 'مراسلة', 'محرر', 'الأمين', 'المدير', 'ولي', 'وكيل', 'مدير عام', 'المدير العام', 'أمين عام', 'الأمين العام', 'ملك', 'ملكة',
]);

/** Words inside a role's complement that are no name (العام in الأمين العام, باسم in المتحدث باسم). */
export const ROLE_LINKS: ReadonlySet<string> = keys(['باسم', 'العام', 'العامة', 'الأول', 'الأعلى', 'المساعد', 'التنفيذي', 'الدائم', 'السابق', 'الحالي', 'الأسبق', 'الجديد', 'المكلف', 'العهد', 'المعزول', 'المخلوع', 'المنتخب', 'المؤقت', 'الراحل', 'المستقيل', 'المقال', 'الفخري', 'ولي', 'الأمين', 'لشؤون', 'للشؤون', 'بوزارة', 'بمجلس', 'بهيئة']);

/** Patronym and kunya links inside a person's name. */
export const PATRONYM_LINKS: ReadonlySet<string> = keys(['بن', 'ابن', 'بنت']);
export const KUNYA_LINKS: ReadonlySet<string> = keys(['أبو', 'أبي', 'أبا', 'أم']);
/** Words that join the parts of one name and never end it. */
export const NAME_JOINERS: ReadonlySet<string> = keys(['بن', 'ابن', 'بنت', 'أبو', 'أبي', 'أبا', 'عبد', 'آل', 'ولد', 'دي', 'دا', 'فان', 'فون', 'دو', 'لا', 'أم']);

/** Heads of organisation names: the label keeps the head (جامعة الملك سعود، حزب العمال). */
export const ORG_HEADS: ReadonlySet<string> = keys([
  'شركة', 'هيئة', 'جمعية', 'وزارة', 'مجلس', 'نادي', 'حزب', 'حركة', 'جبهة', 'بنك', 'مصرف', 'مستشفى', 'جامعة', 'كلية', 'معهد',
  'منظمة', 'مؤسسة', 'اتحاد', 'صحيفة', 'جريدة', 'مجلة', 'قناة', 'إذاعة', 'وكالة', 'مركز', 'جماعة', 'تنظيم', 'لجنة', 'ائتلاف', 'تحالف',
  'مجموعة', 'صندوق', 'برنامج', 'مهرجان', 'مدرسة', 'محكمة', 'ديوان', 'بلدية', 'أمانة', 'غرفة', 'رابطة', 'نقابة', 'منتدى', 'مكتب',
  'مصنع', 'فندق', 'متحف', 'مطار', 'ميناء', 'كتائب', 'لواء', 'ألوية', 'قوات', 'مليشيا', 'ميليشيا', 'فرقة', 'فريق',
]);
/** Of those, the heads news drops (صحيفة الحياة → الحياة، شركة أرامكو → أرامكو) when what follows is a name of its own. */
export const DETACHABLE_ORG_HEADS: ReadonlySet<string> = keys(['شركة', 'صحيفة', 'جريدة', 'مجلة', 'قناة', 'وكالة', 'حركة', 'تنظيم', 'جماعة', 'مجموعة', 'فريق', 'نادي', 'إذاعة', 'بنك', 'مصرف', 'فندق']);

/** Heads of place names: the label drops the head when what follows is a name of its own (محافظة الطائف → الطائف). */
export const PLACE_HEADS: ReadonlySet<string> = keys(['مدينة', 'محافظة', 'قرية', 'منطقة', 'حي', 'بلدة', 'ولاية', 'إقليم', 'جزيرة', 'مخيم', 'مقاطعة', 'ضاحية', 'شارع', 'بلدات', 'قرى', 'مركز', 'جبل', 'وادي', 'بحيرة', 'نهر', 'ميدان']);
/** Place heads that name a kind of place rather than a region (a street, a quarter): kept in the label. */
export const KEPT_PLACE_HEADS: ReadonlySet<string> = keys(['شارع', 'حي', 'ميدان', 'جبل', 'وادي', 'بحيرة', 'نهر', 'جزيرة', 'مخيم']);

/** What may stand between a place name and its parent (X في منطقة Y، X التابعة لمحافظة Y، X شمال Y). */
export const PARENT_LINKS: ReadonlySet<string> = keys(['في', 'التابعة', 'التابع', 'شمال', 'جنوب', 'شرق', 'غرب', 'شمالي', 'جنوبي', 'شرقي', 'غربي', 'وسط', 'بمنطقة', 'بمحافظة', 'بمدينة', 'بولاية', 'بإقليم', 'لمنطقة', 'لمحافظة', 'لمدينة', 'لولاية', 'لإقليم', 'قرب', 'بالقرب']);

/**
 * Function words, pronouns, time words and reporting verbs: never part of a name, and a name
 * ends before them. Common content words are told by the background statistics instead.
 */
export const STOP_WORDS: ReadonlySet<string> = keys([
  'في', 'من', 'إلى', 'على', 'عن', 'مع', 'بين', 'حتى', 'منذ', 'خلال', 'عند', 'لدى', 'نحو', 'ضد', 'دون', 'غير', 'بعد', 'قبل', 'أمام', 'وراء', 'حول', 'عبر',
  'و', 'أو', 'ثم', 'لكن', 'بل', 'أن', 'إن', 'بأن', 'لأن', 'كأن', 'بأنه', 'لأنه', 'بإن', 'أنه', 'إنه', 'أنها', 'إنها', 'كان', 'كانت', 'يكون', 'تكون', 'ليس', 'قد', 'لقد', 'لم', 'لن', 'لا', 'ما', 'ماذا', 'هل',
  'هو', 'هي', 'هم', 'هن', 'نحن', 'أنا', 'أنت', 'هذا', 'هذه', 'ذلك', 'تلك', 'هؤلاء', 'الذي', 'التي', 'الذين', 'اللذين', 'اللتين', 'اللواتي', 'كل', 'بعض', 'أي', 'كما', 'إذا', 'إذ', 'لو', 'حيث', 'عندما', 'بينما', 'أيضا', 'فقط',
  'قال', 'قالت', 'يقول', 'تقول', 'أكد', 'أكدت', 'يؤكد', 'أوضح', 'أوضحت', 'أشار', 'أشارت', 'أضاف', 'أضافت', 'ذكر', 'ذكرت', 'أعلن', 'أعلنت', 'صرح', 'وقال', 'وأكد', 'وأضاف', 'وأوضح', 'وأشار', 'عبر', 'دعا', 'طالب', 'بحث', 'استقبل', 'التقى', 'زار', 'وصل', 'غادر', 'رعى', 'افتتح', 'ترأس', 'شدد', 'نفى', 'كشف', 'أفاد', 'أفادت', 'لفت', 'بين', 'تابع',
  'اليوم', 'أمس', 'غدا', 'الآن', 'الأحد', 'الاثنين', 'الثلاثاء', 'الأربعاء', 'الخميس', 'الجمعة', 'السبت', 'يوم', 'مساء', 'صباح', 'صباحا', 'مساء', 'ليلة', 'أسبوع', 'شهر', 'عام', 'سنة',
  'يناير', 'فبراير', 'مارس', 'أبريل', 'مايو', 'يونيو', 'يوليو', 'أغسطس', 'سبتمبر', 'أكتوبر', 'نوفمبر', 'ديسمبر', 'محرم', 'صفر', 'رمضان', 'شوال', 'شعبان',
  'واحد', 'اثنين', 'ثلاثة', 'أربعة', 'خمسة', 'عشرة', 'مئة', 'مائة', 'ألف', 'مليون', 'مليار', 'الأول', 'الثاني', 'الثالث',
  'السابق', 'الحالي', 'الجديد', 'الجديدة', 'الأسبق', 'المكلف', 'الراحل', 'الراحلة', 'المتوفى', 'الشهير', 'الشهيرة', 'المعروف', 'المعروفة', 'السابقة',
  'فيه', 'فيها', 'منه', 'منها', 'عليه', 'عليها', 'له', 'لها', 'لهم', 'به', 'بها', 'إليه', 'عنه', 'عنها', 'معه', 'وهو', 'وهي', 'الى', 'وفي', 'ومن', 'وعلى',
  'رحمه', 'الله', 'تعالى', 'حفظه', 'يحفظه', 'صلى', 'عليه', 'وسلم', 'رضي', 'ال', 'نفسه', 'نفسها', 'ذاته', 'شخصيا',
]);

/** Common Arabic given names: a person's name starts with one (besides the names the vocabulary knows). */
export const GIVEN_NAMES: ReadonlySet<string> = keys([
  'محمد', 'أحمد', 'محمود', 'مصطفى', 'عبدالله', 'عبدالرحمن', 'عبدالعزيز', 'عبدالمجيد', 'عبدالكريم', 'عبداللطيف', 'عبدالرحيم', 'عبدالإله', 'عبدالمحسن', 'عبدالملك',
  'علي', 'عمر', 'عثمان', 'حسن', 'حسين', 'خالد', 'سعد', 'سعود', 'سعيد', 'سلمان', 'سليمان', 'سلطان', 'فهد', 'فيصل', 'تركي', 'بندر', 'نايف', 'ماجد', 'مشعل', 'متعب', 'منصور',
  'ناصر', 'نواف', 'طلال', 'وليد', 'عادل', 'طارق', 'سامي', 'سامر', 'هاني', 'هشام', 'يوسف', 'يحيى', 'إبراهيم', 'إسماعيل', 'موسى', 'عيسى', 'داود', 'صالح', 'صلاح', 'جمال',
  'كمال', 'أنور', 'رامي', 'زياد', 'زيد', 'عمرو', 'مازن', 'ماهر', 'مروان', 'مراد', 'نبيل', 'نزار', 'نادر', 'وائل', 'ياسر', 'يزيد', 'راشد', 'حمد', 'حمدان', 'زايد', 'مكتوم',
  'إياد', 'أسامة', 'أيمن', 'باسم', 'بشار', 'بشير', 'توفيق', 'ثامر', 'جابر', 'جاسم', 'جعفر', 'حازم', 'حامد', 'حسام', 'حمزة', 'خليل', 'رائد', 'رضا', 'سالم', 'سلام', 'شريف',
  'صابر', 'ضياء', 'عامر', 'عبيد', 'عدنان', 'عصام', 'علاء', 'عماد', 'غازي', 'فارس', 'فاروق', 'فؤاد', 'فواز', 'قاسم', 'كريم', 'لؤي', 'مالك', 'مجدي', 'محسن', 'مشاري',
  'معاذ', 'منير', 'مهدي', 'مؤيد', 'نبيه', 'نجيب', 'نصر', 'نعيم', 'هادي', 'هيثم', 'وجدي', 'ياسين', 'يونس', 'بدر', 'تامر', 'شادي', 'عبير', 'فاطمة', 'عائشة', 'مريم',
  'نورة', 'نوره', 'سارة', 'هند', 'هدى', 'ليلى', 'منى', 'نادية', 'ريم', 'لطيفة', 'أمل', 'سلمى', 'رانيا', 'دينا', 'هالة', 'جيهان', 'سميرة', 'وفاء', 'حصة', 'الجوهرة',
  'ديفيد', 'جون', 'جورج', 'مايكل', 'بيتر', 'جيمس', 'روبرت', 'توني', 'باراك', 'دونالد', 'هيلاري', 'جون', 'فلاديمير', 'فرانسوا', 'أنجيلا', 'بوريس', 'فيليب', 'نيكولا',
]);

/** A place's type word before a parent, to read X في منطقة Y as X's parent Y. */
export const NISBA_END = /(?:ي|يه|يين|يون|يات)$/;

export type HeadKind = 'title' | 'role' | 'org' | 'place';

export interface HeadWord {
  kind: HeadKind;
  type: TagType;
  /** The head stays in the label (جامعة الملك سعود) or, when what follows is a name of its own, may go (محافظة الطائف). */
  keep: 'always' | 'unless-name' | 'never';
}

/** Proclitics a head word may carry (لوزارة، وبمحافظة، والرئيس): removed before a head is looked up. */
const CLITIC_RE = /^(?:و|ف)?(?:ب|ل|ك)?/;

/** The word without proclitics; with ل + ال folded back into the article (للرئيس → الرئيس). */
export function withoutClitics(key: string): string[] {
  const out = [key];
  if (key.startsWith('لل') && key.length > 4) out.push('ال' + key.slice(2));
  for (const p of ['ول', 'فل']) if (key.startsWith(p + 'ل') && key.length > 5) out.push('ال' + key.slice(3));
  const m = CLITIC_RE.exec(key);
  if (m !== null && m[0].length > 0 && key.length - m[0].length >= 2) out.push(key.slice(m[0].length));
  return out;
}

/** What a word says as a head: a title, a role, an organisation or place head; undefined for anything else. */
export function headOf(key: string): HeadWord | undefined {
  for (const k of withoutClitics(key)) {
    if (PERSON_TITLES.has(k)) return { kind: 'title', type: 'person', keep: 'never' };
    if (ROLE_NOUNS.has(k)) return { kind: 'role', type: 'person', keep: 'never' };
    if (ORG_HEADS.has(k)) return { kind: 'org', type: 'organisation', keep: DETACHABLE_ORG_HEADS.has(k) ? 'unless-name' : 'always' };
    if (PLACE_HEADS.has(k)) return { kind: 'place', type: 'place', keep: KEPT_PLACE_HEADS.has(k) ? 'always' : 'unless-name' };
  }
  return undefined;
}

/** The head word's own key without its proclitics (the form a label starts with). */
export function headKey(key: string): string {
  for (const k of withoutClitics(key)) if (PERSON_TITLES.has(k) || ROLE_NOUNS.has(k) || ORG_HEADS.has(k) || PLACE_HEADS.has(k)) return k;
  return key;
}

/**
 * A foreign name transliterated into Arabic writes its vowels as letters (كاميرون، هاموند،
 * بوتين، ميركل): several long vowels inside a word without the article or a native ending is
 * rare in native words of the same length, which write short vowels not at all.
 */
export function looksTransliterated(key: string): boolean {
  if (key.length < 5 || NISBA_END.test(key) || key.endsWith('ات') || key.endsWith('ه') || key.endsWith('ا')) return false;
  // The article, or a proclitic with it (بالفيديو), marks a native word or a common noun.
  if (/^(?:[وفبكل]{0,2})ال/.test(key) || key.startsWith('لل')) return false;
  let stem = key;
  for (const e of ['ون', 'ين', 'وا']) if (stem.endsWith(e)) stem = stem.slice(0, -2);
  let vowels = 0;
  for (let i = 1; i < stem.length; i++) {
    const c = stem[i]!;
    if (c === 'ا' || c === 'و' || c === 'ي') vowels++;
  }
  // Imperfect verbs (يعايد، تعايد، نتابع) and their kin: a prefix letter and a native pattern.
  if (/^[يتن]/.test(key) && vowels < 3) return false;
  // Three vowel letters, or two in a row (يو، وي، او) in a longer word: patterns of transliteration.
  return vowels >= 3 || (vowels >= 2 && stem.length >= 6 && /(?:يو|وي|او|اي|يا|وا)/.test(stem.slice(1)));
}
