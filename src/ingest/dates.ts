/**
 * Publication dates as feeds and pages write them: RFC 822 (RSS), ISO 8601 (Atom, JSON Feed,
 * meta tags, JSON-LD), and the Arabic text dates of many sites' markup («الأحد 1 ديسمبر 2026»,
 * «1 كانون الأول 2026 - 10:30»), with Arabic-Indic digits. Returns an ISO 8601 string in UTC,
 * or null when the text holds no date we can trust.
 */

const MONTHS: Record<string, number> = {
  // Egyptian / Gulf (transliterated Latin months)
  يناير: 1, فبراير: 2, مارس: 3, أبريل: 4, ابريل: 4, إبريل: 4, مايو: 5, يونيو: 6, يونيه: 6, يوليو: 7, يوليه: 7,
  أغسطس: 8, اغسطس: 8, سبتمبر: 9, أكتوبر: 10, اكتوبر: 10, نوفمبر: 11, ديسمبر: 12,
  // Levantine / Iraqi (Syriac months)
  'كانون الثاني': 1, شباط: 2, آذار: 3, اذار: 3, نيسان: 4, أيار: 5, ايار: 5, حزيران: 6, تموز: 7, آب: 8, اب: 8,
  أيلول: 9, ايلول: 9, 'تشرين الأول': 10, 'تشرين الاول': 10, 'تشرين الثاني': 11, 'كانون الأول': 12, 'كانون الاول': 12,
  // Maghrebi
  جانفي: 1, فيفري: 2, أفريل: 4, افريل: 4, ماي: 5, جوان: 6, جويلية: 7, أوت: 8, اوت: 8,
};

const MONTH_NAMES = Object.keys(MONTHS).sort((a, b) => b.length - a.length);
const ARABIC_DATE = new RegExp(
  `(\\d{1,2})\\s*(?:من\\s+)?(${MONTH_NAMES.join('|')})\\s*[،,]?\\s*(\\d{4})(?:[^\\d]{0,12}(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*(ص|م|صباحا|صباحًا|مساء|مساءً|AM|PM)?)?`,
  'i',
);

function westernDigits(s: string): string {
  return s.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

function plausible(d: Date): boolean {
  const y = d.getUTCFullYear();
  return Number.isFinite(d.getTime()) && y >= 1990 && y <= 2100;
}

/** `zone`: minutes east of UTC assumed for an Arabic text date that does not say (default +03:00, Arabia/Levant). */
export function parseDate(input: unknown, zoneMinutes = 180): string | null {
  if (typeof input !== 'string') return null;
  const text = westernDigits(input.trim());
  if (!text) return null;

  // ISO 8601 (with or without a zone; a date alone counts as midnight UTC).
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (iso) {
    const zone = iso[7] ? (iso[7].toUpperCase() === 'Z' ? 'Z' : iso[7].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
    const d = new Date(`${iso[1]}-${iso[2]}-${iso[3]}T${iso[4] ?? '00'}:${iso[5] ?? '00'}:${iso[6] ?? '00'}${zone}`);
    return plausible(d) ? d.toISOString() : null;
  }

  // Arabic text date.
  const ar = ARABIC_DATE.exec(text);
  if (ar) {
    const day = Number(ar[1]);
    const month = MONTHS[ar[2]!]!;
    const year = Number(ar[3]);
    let hour = ar[4] ? Number(ar[4]) : 0;
    const minute = ar[5] ? Number(ar[5]) : 0;
    const second = ar[6] ? Number(ar[6]) : 0;
    const meridiem = ar[7] ?? '';
    if (/^(م|مساء|مساءً|PM)$/i.test(meridiem) && hour < 12) hour += 12;
    if (/^(ص|صباحا|صباحًا|AM)$/i.test(meridiem) && hour === 12) hour = 0;
    if (day < 1 || day > 31 || hour > 23 || minute > 59) return null;
    const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second) - zoneMinutes * 60_000);
    return plausible(d) && new Date(d.getTime() + zoneMinutes * 60_000).getUTCDate() === day ? d.toISOString() : null;
  }

  // RFC 822 / 2822 and other forms Date understands ("Tue, 02 Dec 2026 10:00:00 +0300", "GMT", "EST").
  if (/[a-z]{3}/i.test(text) && /\d{4}/.test(text)) {
    const d = new Date(text.replace(/\b(UT)\b/, 'GMT'));
    if (plausible(d)) return d.toISOString();
  }
  return null;
}
