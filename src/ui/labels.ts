/** Arabic wording for the values the service stores in English (types, statuses, match kinds, ranking features). */
import { byFeature, TAG_TYPES, WEIGHTS, type FeatureName, type MatchKind, type TagType } from '../core/index.js';
import type { Role, TagStatus } from '../storage/index.js';

export const TYPE_LABELS: Record<TagType, string> = {
  place: 'مكان',
  person: 'شخص',
  organisation: 'مؤسسة',
  topic: 'موضوع',
  event: 'حدث',
};

export function typeLabel(type: string | undefined | null): string {
  return type && type in TYPE_LABELS ? TYPE_LABELS[type as TagType] : 'بلا نوع';
}

export const TYPES: readonly TagType[] = TAG_TYPES;

export const KIND_LABELS: Record<MatchKind, string> = {
  exact: 'تطابق تام',
  clitic: 'مع سابقة متصلة',
  inflected: 'صيغة مصرّفة',
  variant: 'تهجئة بديلة',
  nisba: 'نسبة',
};

/** One line of explanation per kind, for the tooltip and the legend. */
export const KIND_HINTS: Record<MatchKind, string> = {
  exact: 'الكلمة كما هي في المعجم',
  clitic: 'مع حرف متصل أو «ال» (وإسرائيل، بالقاهرة)',
  inflected: 'مثنى أو جمع أو مؤنث أو مضاف إلى ضمير',
  variant: 'تهجئة أخرى مسجلة (أمريكا/أميركا)',
  nisba: 'صفة منسوبة إلى مكان (المصري ← مصر)، دليل أضعف',
};

export function kindLabel(kind: string | undefined): string {
  return kind && kind in KIND_LABELS ? KIND_LABELS[kind as MatchKind] : (kind ?? '');
}

export const STATUS_LABELS: Record<TagStatus, string> = {
  suggested: 'مقترح',
  accepted: 'مقبول',
  rejected: 'مرفوض',
  added: 'أضافه محرر',
};

export function statusLabel(status: string): string {
  return status in STATUS_LABELS ? STATUS_LABELS[status as TagStatus] : status;
}

/** The ranker's named features as an editor would say them, from their definitions (src/core/features.ts). */
export const FEATURE_LABELS: Readonly<Record<FeatureName, string>> = byFeature((f) => f.label.ar);
/** The same in English, for the technical detail beside them. */
export const FEATURE_LABELS_EN: Readonly<Record<FeatureName, string>> = byFeature((f) => f.label.en);

export interface Reason {
  feature: FeatureName;
  label: string;
  en: string;
  value: number;
  /** weight × value: how much the feature pushed the score up (positive) or down. */
  contribution: number;
}

/**
 * The features behind a score, largest push first. The score is a logistic function of the
 * weighted sum, so weight × value is each feature's share of the decision.
 */
export function reasonsOf(evidence: Record<string, unknown> | undefined, limit = 6): Reason[] {
  if (!evidence) return [];
  const reasons: Reason[] = [];
  for (const [key, value] of Object.entries(evidence)) {
    if (typeof value !== 'number' || !Object.hasOwn(WEIGHTS, key) || key === 'bias') continue;
    const feature = key as FeatureName;
    const contribution = WEIGHTS[feature] * value;
    if (Math.abs(contribution) < 0.05) continue;
    reasons.push({ feature, label: FEATURE_LABELS[feature], en: FEATURE_LABELS_EN[feature], value, contribution });
  }
  return reasons.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)).slice(0, limit);
}

const NUMBER = new Intl.NumberFormat('ar-u-nu-latn');
const DATE = new Intl.DateTimeFormat('ar-u-nu-latn', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const MONTH = new Intl.DateTimeFormat('ar-u-nu-latn', { year: 'numeric', month: 'long', timeZone: 'UTC' });

export const formatNumber = (n: number): string => NUMBER.format(n);
/** Scores with a point, as the API and the CLI print them (the Arabic locale's decimal comma reads as a list). */
export const formatScore = (s: number | null | undefined): string => (typeof s === 'number' ? s.toFixed(2) : '—');

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : DATE.format(t);
}

/** "2024-03" → "مارس 2024". */
export function formatMonth(month: string): string {
  const t = Date.parse(`${month}-01T00:00:00Z`);
  return Number.isNaN(t) ? month : MONTH.format(t);
}

/** "مرة واحدة", "مرتان", "3 مرات", "12 مرة": Arabic counted nouns change with the number. */
export function timesLabel(n: number): string {
  if (n === 1) return 'مرة واحدة';
  if (n === 2) return 'مرتان';
  const mod = n % 100;
  return `${formatNumber(n)} ${mod >= 3 && mod <= 10 ? 'مرات' : 'مرة'}`;
}

/** Text mostly in Latin letters (the vocabulary's notes are often English) reads left to right. */
export function textDir(text: string): 'rtl' | 'ltr' {
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  const arabic = (text.match(/[\u0600-\u06FF]/g) ?? []).length;
  return latin > arabic ? 'ltr' : 'rtl';
}

export const ROLE_LABELS: Record<Role, string> = { admin: 'مسؤول', editor: 'محرر', viewer: 'قارئ' };

export type CountedNoun = 'article' | 'tag' | 'suggestion' | 'decision';

/** Each noun in the forms Intl.PluralRules('ar') asks for: zero, one, two, few (3–10), many (11–99), other (100, 101…). */
const COUNTED: Record<CountedNoun, Record<Intl.LDMLPluralRule, string>> = {
  article: { zero: 'لا مقالات', one: 'مقالة واحدة', two: 'مقالتان', few: '# مقالات', many: '# مقالةً', other: '# مقالة' },
  tag: { zero: 'لا وسوم', one: 'وسم واحد', two: 'وسمان', few: '# وسوم', many: '# وسمًا', other: '# وسم' },
  suggestion: { zero: 'لا اقتراحات', one: 'اقتراح واحد', two: 'اقتراحان', few: '# اقتراحات', many: '# اقتراحًا', other: '# اقتراح' },
  decision: { zero: 'لا قرارات', one: 'قرار واحد', two: 'قراران', few: '# قرارات', many: '# قرارًا', other: '# قرار' },
};
const PLURAL = new Intl.PluralRules('ar');

/** "مقالة واحدة"، "مقالتان"، "3 مقالات"، "11 مقالةً"، "100 مقالة". */
export function countLabel(n: number, noun: CountedNoun): string {
  return COUNTED[noun][PLURAL.select(n)].replace('#', formatNumber(n));
}
