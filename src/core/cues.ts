/**
 * Words near a mention that confirm the sense of a tag: read by the disambiguation stage (an
 * ambiguous name confirmed by its context) and by the ranker (the context feature).
 */
import type { CompiledTag } from './vocabulary/compile.js';
import { foldKey } from './fold.js';
import type { TagType } from './types.js';

/** Words near a mention that confirm the sense of a tag of that type (folded keys). */
export const CONTEXT_CUES: Readonly<Record<TagType, readonly string[]>> = {
  // The organisations whose names are also words are clubs, newspapers, channels and companies;
  // generic heads (مجلس، وزارة، منظمة) start other names and confirm nothing.
  organisation: ['نادي', 'النادي', 'لنادي', 'فريق', 'الفريق', 'لفريق', 'مدرب', 'لاعب', 'لاعبي', 'مباراة', 'المباراة', 'الدوري', 'دوري', 'بطولة', 'جمهور', 'صحيفة', 'الصحيفة', 'لصحيفة', 'جريدة', 'لجريدة', 'قناة', 'وكالة', 'لوكالة', 'شركة', 'حركة', 'حزب'],
  place: ['مدينة', 'محافظة', 'منطقة', 'إمارة', 'بلدة', 'عاصمة', 'قرية', 'ولاية', 'دولة', 'جمهورية', 'مملكة', 'في', 'إلى', 'من', 'بمدينة', 'بمحافظة', 'بمنطقة'],
  person: ['الرئيس', 'الأمير', 'الملك', 'الشيخ', 'السيد', 'الدكتور', 'وزير', 'الوزير', 'قال', 'أكد', 'صرح', 'اللاعب', 'المدرب', 'الفنان', 'النجم', 'المرشح', 'المرشحة'],
  topic: [],
  event: ['موسم', 'عيد', 'احتفالات', 'بطولة', 'كأس', 'قمة'],
};

const CUE_SETS = Object.fromEntries(Object.entries(CONTEXT_CUES).map(([t, words]) => [t, new Set(words.map(foldKey))])) as unknown as Record<TagType, ReadonlySet<string>>;
export const CUE_WINDOW = 3;

/** A club or a national team is confirmed by sport, not by a company or a party nearby. */
const SPORTS_CUES: ReadonlySet<string> = new Set(
  ['نادي', 'النادي', 'لنادي', 'فريق', 'الفريق', 'لفريق', 'مدرب', 'لاعب', 'لاعبي', 'مباراة', 'المباراة', 'الدوري', 'دوري', 'بطولة', 'جمهور', 'منتخب', 'المنتخب', 'ملعب', 'كأس'].map(foldKey),
);

/** Default-vocabulary ids of clubs and national teams (org-club-…, org-nt-…). */
export function cuesFor(tag: CompiledTag): ReadonlySet<string> | undefined {
  if (tag.entity.startsWith('org-club-') || tag.entity.startsWith('org-nt-')) return SPORTS_CUES;
  return tag.type ? CUE_SETS[tag.type] : undefined;
}


/** Prepositions go with any noun: near a name they confirm no sense of it. */
const PREPOSITIONS: ReadonlySet<string> = new Set(['في', 'إلى', 'من'].map(foldKey));
const withoutPrepositions = (cues: ReadonlySet<string>): ReadonlySet<string> => new Set([...cues].filter((c) => !PREPOSITIONS.has(c)));
/** Made once, from the constant cue sets above. */
const CONFIRMING: ReadonlyMap<ReadonlySet<string>, ReadonlySet<string>> = new Map([...Object.values(CUE_SETS), SPORTS_CUES].map((c) => [c, withoutPrepositions(c)]));

/** The cues that confirm an ambiguous name's sense: its type's, without the prepositions. */
export function confirmingCuesFor(tag: CompiledTag): ReadonlySet<string> | undefined {
  const cues = cuesFor(tag);
  if (cues === undefined) return undefined;
  return CONFIRMING.get(cues) ?? withoutPrepositions(cues);
}
