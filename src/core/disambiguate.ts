/**
 * The disambiguation stage: between match and score, it decides for each mention whether the
 * span really names the vocabulary entry it matched, from the words around it, the vocabulary
 * and the background model of Arabic news. Every match gets a `confidence` in [0, 1] and the
 * names of the signals that lowered it; matches below KEEP_CONFIDENCE are not mentions at all
 * (they never reach the ranker, the output or a highlight).
 *
 * The signals are facts of Arabic syntax, not rules for single articles:
 * - headNoun: a facility or institution head before the name makes it part of a longer name
 *   (مستشفى الملك خالد, جامعة الملك سعود, بنك الرياض, كأس ولي العهد);
 * - completer: a word after it completes a longer name (الهلال الأحمر, كوريا الشمالية);
 * - personName: a given name followed by a family name, or a title before it, is a person,
 *   not the place or club it spells (تركي اليوسف, بدر السحيباني, الأمير تركي);
 * - nameLink: a bare name inside a longer personal name (الملك فهد, سعود in مشاري بن سعود);
 * - citation: a media outlet quoted as a source (لـ«الشرق الأوسط», وفقا لـ«الحياة», صحيفة الرياض)
 *   is the outlet, not the region or word its name spells;
 * - agreement: a definite adjective agreeing with the definite noun before it
 *   (المرحلة الجديدة, الجهة الشرقية) is the adjective, not a name;
 * - governed: a word followed by the preposition it governs in news at large (العديد من,
 *   القضاء على) is the common word;
 * - commonWord: an untyped tag (nothing says it is a name) whose word news uses as a common
 *   word: found in most articles (a particle's spelling: علي for على), rarely in headlines
 *   (بأن، فإن، له), or as often with the article as without it (نادي/النادي, سنة/السنة),
 *   where a name keeps the form it has (لبنان, الرياض).
 */
import type { BackgroundModel } from './background.js';
import type { CompiledTag, CompiledVocabulary } from './vocabulary/compile.js';
import { foldKey } from './fold.js';
import { KIND_RANK, type MatchList } from './match.js';
import type { TokenizedText, WordSpace } from './tokenize.js';
import { CUE_WINDOW, confirmingCuesFor } from './cues.js';
import { keyOfLight } from './fold.js';
import { PROCLITICS, withoutArticle } from './morph.js';
import type { TagType } from './types.js';
import { WordFacts, type TextFacts } from './word-facts.js';

/** Matches below this confidence are dropped: the span is not a mention of the entry. */
export const KEEP_CONFIDENCE = 0.5;

export type Signal = 'headNoun' | 'completer' | 'personName' | 'nameLink' | 'citation' | 'agreement' | 'governed' | 'commonWord' | 'derivedForm' | 'ambiguousName' | 'foreignPlace' | 'namesake' | 'byline';

/** How much each signal leaves of a mention's confidence. */
export const SIGNAL_CONFIDENCE: Readonly<Record<Signal, number>> = {
  headNoun: 0.15,
  completer: 0.15,
  personName: 0.2,
  nameLink: 0.3,
  citation: 0.1,
  agreement: 0.25,
  governed: 0.2,
  commonWord: 0.3,
  derivedForm: 0.3,
  // An ambiguous name nothing nearby confirms is kept, with less weight: the ranker reads it.
  ambiguousName: 0.6,
  foreignPlace: 0.3,
  namesake: 0.3,
  byline: 0.3,
};

const folded = (words: readonly string[]): ReadonlySet<string> => new Set(words.map(foldKey));

/** Heads of facility and institution names: what follows them is that facility's name. */
const FACILITY_HEADS = folded([
  'مستشفى', 'مستشفيات', 'مستوصف', 'جامعة', 'كلية', 'معهد', 'مدرسة', 'مدارس', 'أكاديمية', 'مطار', 'ميناء', 'حديقة', 'منتزه', 'متنزه',
  'كأس', 'جائزة', 'بطولة', 'بنك', 'مصرف', 'مؤشر', 'شارع', 'طريق', 'ميدان', 'دوار', 'جسر', 'مسجد', 'جامع', 'مركز', 'مجمع', 'ملعب',
  'استاد', 'ستاد', 'برج', 'فندق', 'قاعة', 'مؤسسة', 'قصر', 'مكتبة', 'كورنيش', 'حي', 'قاعدة', 'مدينة الملك', 'كرسي', 'وقف', 'برنامج', 'مشروع',
]);

/** Title words before a personal name. */
const PERSON_TITLES = folded([
  'الأمير', 'الأميرة', 'الشيخ', 'الشيخة', 'الملك', 'الملكة', 'السلطان', 'الدكتور', 'الدكتورة', 'د', 'المهندس', 'الأستاذ', 'الأستاذة', 'السيد',
  'السيدة', 'اللاعب', 'اللاعبة', 'المدرب', 'الفنان', 'الفنانة', 'الكاتب', 'الكاتبة', 'الشاعر', 'الإعلامي', 'الزميل', 'المواطن', 'المواطنة',
  'العقيد', 'اللواء', 'العميد', 'الفريق', 'النقيب', 'الرقيب', 'الإمام', 'القاضي', 'المحامي', 'الطالب', 'الطالبة', 'الشهيد', 'الرئيس', 'الوزير',
]);

/** Words that bind a name into a longer personal name. */
const NAME_LINKS = folded(['بن', 'ابن', 'بنت', 'أبو', 'أبي', 'أم', 'آل', 'الملك', 'الأمير', 'الأميرة', 'الشيخ', 'عبد', 'ولد']);

/** The words of a kunya or patronym (أبو بكر، ابن خلدون): the next word is a name, the one after it too. */
const KUNYA = folded(['أبو', 'أبي', 'أبا', 'ابن', 'بن', 'ابو', 'ابي']);

/** Words that complete the name before them: directions, colours, the greater/lesser of a name. */
const COMPLETERS = folded([
  'الشمالية', 'الجنوبية', 'الشرقية', 'الغربية', 'الشمالي', 'الجنوبي', 'الشرقي', 'الغربي', 'الأحمر', 'الأخضر', 'الأبيض', 'الأسود', 'الأزرق',
  'الحمراء', 'الخضراء', 'البيضاء', 'السوداء', 'الكبرى', 'الصغرى', 'الوسطى', 'العليا', 'السفلى', 'العظمى', 'الأوسط', 'الأدنى', 'الأقصى',
  'المتحدة', 'الموحدة', 'المنورة', 'المكرمة',
]);

/** Nouns that introduce a media outlet by its name: what follows is the outlet. */
const MEDIA_HEADS = folded(['صحيفة', 'الصحيفة', 'جريدة', 'الجريدة', 'مجلة', 'المجلة', 'وكالة', 'قناة', 'القناة', 'موقع', 'إذاعة', 'تلفزيون', 'شبكة', 'لصحيفة', 'لجريدة', 'لمجلة', 'لوكالة', 'لقناة', 'لموقع', 'بصحيفة', 'بجريدة']);

/** Words before a quoted source: وفقا لـ«…», نقلا عن «…», حسب «…». */
const SOURCE_WORDS = folded(['وفقا', 'وفق', 'طبقا', 'نقلا', 'حسب', 'بحسب', 'حسبما', 'تقرير', 'ل', 'عن', 'لـ']);

/** Nouns a place adjective may follow and still be the place's name (المنطقة الشرقية is the Eastern Province). */
const PLACE_HEADS = folded(['المنطقة', 'المحافظة', 'المدينة', 'العاصمة', 'الولاية', 'الإمارة', 'الجزيرة', 'البلدة', 'القرية', 'الضاحية', 'المقاطعة', 'الجمهورية', 'المملكة', 'الدولة']);

/** Prepositions a noun or verbal noun may govern (العديد من، القضاء على، الاتفاق مع). */
const GOVERNED_ORDER: readonly string[] = ['من', 'على', 'عن', 'مع'].map(foldKey);

/** A share of a word's documents followed by its preposition above which the word is that word. */
const GOVERNED_SHARE = 0.35;
const RARE_DF = 20;
/** A definite word after a given name, rarer than this in news, is most likely a family name. */
const FAMILY_NAME_DF = 400;

const MEDIA_LABEL_HEADS = folded(['صحيفة', 'جريدة', 'مجلة', 'وكالة', 'قناة', 'إذاعة', 'تلفزيون', 'موقع', 'شبكة']);

/** A newspaper, agency or channel: its label says so (صحيفة الحياة), or its default-vocabulary note. */
function isMedia(tag: CompiledTag): boolean {
  const first = foldKey(tag.label).split(' ')[0]!;
  return MEDIA_LABEL_HEADS.has(first);
}


/** A conjunction or preposition heads are often written with (بمستشفى، وجامعة). */
const HEAD_PROCLITICS = ['و', 'ب', 'ل', 'ف', 'ك', 'وب', 'ول', 'فب'];

function isDefinite(key: string): boolean {
  return (key.startsWith('ال') || key.startsWith('وال') || key.startsWith('بال') || key.startsWith('لل') || key.startsWith('فال') || key.startsWith('كال')) && key.length > 3;
}

function isFeminine(key: string): boolean {
  return key.endsWith('ه');
}

/** The marks between two tokens: quotation marks and the tatweel of لـ«…». */
function gapBefore(t: TokenizedText, i: number): string {
  const from = i > 0 ? t.ends[i - 1]! : 0;
  return t.text.slice(Math.max(from, t.starts[i]! - 8), t.starts[i]!);
}

const QUOTE = /[«"“”'‘’„]/;

function isTopicNounForm(tokenKey: string, tagKey: string): boolean {
  if (!tagKey.startsWith('ال') || tagKey.includes(' ')) return false;
  const bare = tagKey.slice(2);
  if (!tokenKey.endsWith(bare)) return false;
  const prefix = tokenKey.slice(0, tokenKey.length - bare.length);
  return prefix === '' || PROCLITICS.includes(prefix);
}

/** Words at either end of a field where a media outlet's name is a byline or footer. */
const BYLINE_WORDS = 6;

/** Share of articles above which a word is a particle's spelling, not a name. */
const PARTICLE_SHARE = 0.5;
/** Names make headlines: a frequent word this rarely in titles is a common word. */
const COMMON_TITLE_RATE = 0.03;
const COMMON_MIN_DF = 200;
/** Definite and bare forms both this common relative to each other: a common noun. */
const ALTERNATION = 0.3;
const ALTERNATION_MIN_DF = 50;

function commonWord(bg: BackgroundModel, key: string): boolean {
  if (key.includes(' ')) return false;
  const df = bg.df(key);
  if (df > PARTICLE_SHARE * bg.documents) return true;
  // Short words only: given names (محمد، إسماعيل) and agencies (رويترز) are rare in headlines too.
  if (key.length <= 3 && df >= COMMON_MIN_DF && bg.titleRate(key) < COMMON_TITLE_RATE) return true;
  const bare = withoutArticle(key);
  const definite = bare === key ? 'ال' + key : key;
  const a = bg.df(bare);
  const b = bg.df(definite);
  return Math.min(a, b) >= ALTERNATION_MIN_DF && Math.min(a, b) >= ALTERNATION * Math.max(a, b);
}

/** Per-vocabulary memory the stage keeps between articles; owned by the tagger that made it. */
export interface DisambiguationCache {
  /** The background's facts of the words, shared with the other stages that ask them. */
  readonly wordFacts: WordFacts;
  /**
   * Per tag of the vocabulary last judged, what does not depend on the text (FACT_* bits, 0 until
   * computed): asked for every match, and a big vocabulary's tags are made on demand.
   */
  facts: Uint16Array;
  /** Per tag, 1 + its country's index in countryNames, -1 for none, 0 until met. */
  countryOfTag: Int32Array;
  /** Per tag, the background's document frequency of its key + 1, 0 until asked (derivedForm). */
  tagKeyDf: Int32Array;
  readonly countryNames: string[];
  vocabulary: CompiledVocabulary | undefined;
  background: BackgroundModel | undefined;
  /** Per pattern, the key of its first word's light form (derivedForm), made when first asked. */
  patternForms: (string | undefined)[];
  /** Per field judged, what each token is (W_* bits and W_JOIN_*), 0 until asked: scratch, reused. */
  column: Int32Array;
  /** What the signals asked of each interned word, for this vocabulary and background. */
  readonly words: WordMemo;
}

export function createDisambiguationCache(wordFacts: WordFacts = new WordFacts()): DisambiguationCache {
  return { wordFacts, facts: new Uint16Array(0), countryOfTag: new Int32Array(0), tagKeyDf: new Int32Array(0), countryNames: [], vocabulary: undefined, background: undefined, patternForms: [], column: new Int32Array(256), words: new WordMemo() };
}

const WORD_MEMO = 2;

/**
 * Per interned word, by its tokeniser's word id (see TokenizedText.words), what the signals
 * asked of it: words recur, so this is an array access where the maps cost a hash lookup. It
 * holds for one word space, and starts again with a text of another.
 */
class WordMemo {
  private space: WordSpace | undefined = undefined;
  /**
   * WORD_MEMO ints per word id, side by side (one memory access for a word's memos): its W_*
   * bits (0 until asked), and whether it governs each preposition of GOVERNED_ORDER (2 bits
   * each: asked, yes). What the background says of the word alone is in the WordFacts.
   */
  rows = new Int32Array(0);

  /** Makes the memory hold for texts of this space; false when their words are not interned. */
  use(space: WordSpace | undefined): boolean {
    if (space === undefined) return false;
    if (space !== this.space) {
      this.space = space;
      this.rows = new Int32Array(space.size * WORD_MEMO);
    }
    return true;
  }

  clear(): void {
    this.space = undefined;
  }
}

const FACT_KNOWN = 1;
const FACT_MEDIA = 2;
const FACT_COMMON_WORD = 4;
const FACT_PLACE = 8;
// The tag's type and ambiguity, read for every match: from this array rather than the tag object,
// which a big vocabulary keeps far apart in memory.
const FACT_PERSON = 16;
const FACT_ORGANISATION = 32;
const FACT_TOPIC = 64;
const FACT_EVENT = 128;
const FACT_AMBIGUOUS = 256;
const FACT_PARENT = 512;
const FACT_NAME_TYPE = FACT_PLACE | FACT_PERSON | FACT_ORGANISATION;
const FACT_TYPED = FACT_NAME_TYPE | FACT_TOPIC | FACT_EVENT;
const TYPE_FACTS: Readonly<Record<TagType, number>> = { place: FACT_PLACE, person: FACT_PERSON, organisation: FACT_ORGANISATION, topic: FACT_TOPIC, event: FACT_EVENT };

function factsOf(cv: CompiledVocabulary, index: number, bg: BackgroundModel | undefined, cache: DisambiguationCache): number {
  let f = cache.facts[index]!;
  if (f === 0) {
    const tag = cv.tags.get(index);
    f = FACT_KNOWN | (isMedia(tag) ? FACT_MEDIA : 0) | (tag.type === undefined && bg !== undefined && !tag.key.includes(' ') && commonWord(bg, tag.key) ? FACT_COMMON_WORD : 0) | (tag.type === undefined ? 0 : TYPE_FACTS[tag.type]) | (tag.ambiguous ? FACT_AMBIGUOUS : 0) | (tag.parent !== undefined ? FACT_PARENT : 0);
    cache.facts[index] = f;
  }
  return f;
}

/** The background's document frequency of the key of tag `index`, remembered per tag. */
function tagKeyDf(bg: BackgroundModel, tag: CompiledTag, index: number, cache: DisambiguationCache): number {
  let df = cache.tagKeyDf[index]!;
  if (df === 0) cache.tagKeyDf[index] = df = bg.df(tag.key) + 1;
  return df - 1;
}

/** Only white space, tatweel and quotation marks between two offsets: the words are one phrase. */
function joined(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0640 && c !== 0xab && c !== 0xbb && c !== 0x22 && c !== 0x201c && c !== 0x201d && c !== 0x0a && c !== 0x09 && c !== 0x0d && c !== 0xa0) return false;
  }
  return true;
}

/** The country of a default-vocabulary place (place-ae-al-ain → place-ae), from its entity or parent. */
function countryOf(tag: CompiledTag): string | undefined {
  for (const id of [tag.entity, tag.parent]) {
    const m = id === undefined ? null : /^(place-[a-z]{2})(?:-|$)/.exec(id);
    if (m) return m[1];
  }
  return undefined;
}

/** countryOf the vocabulary's tag `index`, remembered per tag. */
function countryOfIndex(cv: CompiledVocabulary, index: number, cache: DisambiguationCache): string | undefined {
  let c = cache.countryOfTag[index]!;
  if (c === 0) {
    const name = countryOf(cv.tags.get(index));
    if (name === undefined) c = -1;
    else {
      c = cache.countryNames.indexOf(name) + 1;
      if (c === 0) c = cache.countryNames.push(name);
    }
    cache.countryOfTag[index] = c;
  }
  return c > 0 ? cache.countryNames[c - 1] : undefined;
}

/**
 * What the whole article says, for the signals that look beyond a mention: its places. Made
 * when a signal first asks (most articles need none of it), from all the matches of all fields.
 * A class, not an object literal with a getter closing over the fields: with the literal, the
 * young-generation collections promoted nearly every article's tokens and matches (1.4 MB per
 * collection against 20 KB, measured with --trace-gc-nvp), and the old generation's work made
 * the whole pipeline a third slower.
 */
class ArticleContext {
  private countrySet: Set<string> | undefined;
  private namedSet: Set<string> | undefined;

  constructor(
    private readonly cv: CompiledVocabulary,
    private readonly fields: readonly FieldMatches[],
    private readonly bg: BackgroundModel | undefined,
    private readonly cache: DisambiguationCache,
  ) {}

  /** Countries (default-vocabulary entities place-xx) of the places matched. */
  get countries(): Set<string> {
    if (this.countrySet === undefined) {
      const countries = new Set<string>();
      for (const f of this.fields) {
        const tags = f.matches.tags;
        for (let k = 0; k < f.matches.length; k++) {
          if ((factsOf(this.cv, tags[k]!, this.bg, this.cache) & FACT_PLACE) === 0) continue;
          const country = countryOfIndex(this.cv, tags[k]!, this.cache);
          if (country !== undefined) countries.add(country);
        }
      }
      this.countrySet = countries;
    }
    return this.countrySet;
  }

  /** Ids, entities and folded labels of every tag matched anywhere in the article. */
  get named(): Set<string> {
    if (this.namedSet === undefined) {
      const named = new Set<string>();
      const seen = new Set<number>();
      for (const f of this.fields) {
        const tags = f.matches.tags;
        for (let k = 0; k < f.matches.length; k++) {
          if (seen.has(tags[k]!)) continue;
          seen.add(tags[k]!);
          const tag = this.cv.tags.get(tags[k]!);
          named.add(tag.id);
          named.add(tag.entity);
          named.add(tag.key);
        }
      }
      this.namedSet = named;
    }
    return this.namedSet;
  }
}

function hasPlace(cv: CompiledVocabulary, index: number, bg: BackgroundModel | undefined, cache: DisambiguationCache): boolean {
  const facts = factsOf(cv, index, bg, cache);
  return (facts & FACT_PARENT) !== 0 || ((facts & FACT_PLACE) !== 0 && countryOfIndex(cv, index, cache) !== undefined);
}

/** The tag is placed in the article: its parent is named there, or its country. */
function placedHere(cv: CompiledVocabulary, index: number, ctx: ArticleContext, cache: DisambiguationCache): boolean {
  const tag = cv.tags.get(index);
  const country = countryOfIndex(cv, index, cache);
  return (country !== undefined && ctx.countries.has(country)) || (tag.parent !== undefined && (ctx.named.has(tag.parent) || ctx.named.has(foldKey(tag.parent))));
}

/**
 * Two entries of one name on the same words (زنجبار in Tanzania, «زنجبار (اليمن)»): when the
 * article places one of them (its parent or country named) and not the other, the other is a
 * namesake and its mention is dropped.
 */
function withoutNamesakes(cv: CompiledVocabulary, matches: MatchList, kept: number[], article: ArticleContext, bg: BackgroundModel | undefined, cache: DisambiguationCache): number[] {
  // A copy is made only once a match is dropped: most fields have no namesakes.
  let out: number[] | undefined;
  const { tags, tokenStarts, tokenEnds } = matches;
  for (let i = 0; i < kept.length; ) {
    const first = kept[i]!;
    let j = i + 1;
    while (j < kept.length && tokenStarts[kept[j]!] === tokenStarts[first] && tokenEnds[kept[j]!] === tokenEnds[first]) j++;
    // Only entries the vocabulary places (a parent, a country) can be told apart by the article.
    let placeable = false;
    for (let k = i; k < j && !placeable && j - i > 1; k++) placeable = hasPlace(cv, tags[kept[k]!]!, bg, cache);
    if (placeable) {
      const placed: boolean[] = [];
      for (let k = i; k < j; k++) placed.push(placedHere(cv, tags[kept[k]!]!, article, cache));
      if (placed.some(Boolean) && !placed.every(Boolean)) {
        out ??= kept.slice(0, i);
        for (let k = i; k < j; k++) {
          const row = kept[k]!;
          if (placed[k - i]) out.push(row);
          else {
            matches.confidences[row] = Math.round(matches.confidences[row]! * SIGNAL_CONFIDENCE.namesake * 1000) / 1000;
            matches.setReasons(row, [...(matches.reasons(row) ?? []), 'namesake']);
          }
        }
        i = j;
        continue;
      }
    }
    if (out !== undefined) for (let k = i; k < j; k++) out.push(kept[k]!);
    i = j;
  }
  return out ?? kept;
}

/** A field as the stage reads it: its tokens and the matches found in them. */
export interface FieldMatches {
  readonly tokenized: TokenizedText;
  readonly matches: MatchList;
}

/** Makes the cache's per-vocabulary tables hold for this vocabulary and background. */
function useVocabulary(cv: CompiledVocabulary, bg: BackgroundModel | undefined, cache: DisambiguationCache): void {
  if (cache.vocabulary === cv && cache.background === bg) return;
  cache.vocabulary = cv;
  cache.background = bg;
  cache.facts = new Uint16Array(cv.tags.length);
  cache.countryOfTag = new Int32Array(cv.tags.length);
  cache.tagKeyDf = new Int32Array(cv.tags.length);
  cache.patternForms = new Array<string | undefined>(cv.patterns.length).fill(undefined);
  cache.words.clear();
}

/**
 * Judges every match of an article's fields: writes its confidence (and reasons when below 1,
 * and kind for a topic noun's construct state) into the fields' lists, then leaves in each list
 * only the matches kept, in their order (moved up in place: no copy), and returns the lists.
 */
export function disambiguate(cv: CompiledVocabulary, fields: readonly FieldMatches[], background: BackgroundModel | undefined, cache: DisambiguationCache): MatchList[] {
  const bg = background && background.documents > 0 ? background : undefined;
  useVocabulary(cv, bg, cache);
  // The fields as given: the context reads every match, kept or not, so no list is cut down
  // before every field is judged.
  const article = new ArticleContext(cv, fields, bg, cache);
  const keptRows = fields.map((field, f) => {
    const words = new FieldWords(field.tokenized, bg, cache, f);
    const keys = field.tokenized.keys;
    const matches = field.matches;
    const kept: number[] = [];
    for (let k = 0; k < matches.length; k++) {
      const tag = cv.tags.get(matches.tags[k]!);
      const start = matches.tokenStarts[k]!;
      // A topic noun without its article after a proclitic (لأمن، بأمن) is the noun itself, as
      // much as الأمن: the construct state, not an inflection.
      if (matches.kinds[k] === KIND_RANK.inflected && matches.tokenEnds[k]! - start === 1 && (tag.type === 'topic' || tag.type === 'event') && isTopicNounForm(keys[start]!, tag.key)) matches.kinds[k] = KIND_RANK.clitic;
      const reasons = signalsOf(cv, tag, words, matches, k, bg, cache, article);
      let confidence = 1;
      if (reasons !== undefined) {
        for (const r of reasons) confidence *= SIGNAL_CONFIDENCE[r];
        matches.setReasons(k, reasons);
      }
      matches.confidences[k] = Math.round(confidence * 1000) / 1000;
      if (confidence >= KEEP_CONFIDENCE) kept.push(k);
    }
    return withoutNamesakes(cv, matches, kept, article, bg, cache);
  });
  return fields.map((field, f) => {
    field.matches.keepRows(keptRows[f]!);
    return field.matches;
  });
}

/**
 * What a word is, for the signals (W_* bits): asked of the words around every match, so
 * remembered. Facts of the word alone, not of the background (the memo is shared by taggers).
 */
const W_KNOWN = 1 << 0;
const W_FACILITY_HEAD = 1 << 1;
const W_MEDIA_HEAD = 1 << 2;
const W_MEDIA_HEAD_EXACT = 1 << 3;
const W_TITLE = 1 << 4;
const W_LINK = 1 << 5;
const W_COMPLETER = 1 << 6;
const W_SOURCE = 1 << 7;
const W_GOVERNED_PREPOSITION = 1 << 8;
const W_DEFINITE = 1 << 9;
const W_PLACE_HEAD = 1 << 10;
const W_KUNYA = 1 << 11;
const W_FEMININE = 1 << 12;
const W_PLURAL_ENDING = 1 << 13;
const W_ARTICLE = 1 << 17;
const W_PATRONYM = 1 << 18;
/** Beside W_GOVERNED_PREPOSITION: which one it is, its index in GOVERNED_ORDER. */
const W_PREPOSITION_SHIFT = 21;
const WORD_BITS = ((1 << 19) - 1) | (3 << W_PREPOSITION_SHIFT);
/** In a field's column beside the word's bits: whether it is joined to the token before (see joined). */
const W_JOIN_KNOWN = 1 << 19;
const W_JOINED = 1 << 20;

/**
 * The words of one field as the signals read them. What a word is comes from the cache's memo
 * of it by word id when there is one for this very key (an array access: words recur), else
 * from its key; each token's answer is kept in a column for the rest of the field, since a
 * token is the neighbour of several matches. What the background says of it comes from the
 * WordFacts the same way.
 */
class FieldWords {
  readonly tokenized: TokenizedText;
  readonly keys: readonly string[];
  readonly length: number;
  private readonly memo: WordMemo;
  /** The word ids of the tokens, when the memo holds for them. */
  private readonly words: Int32Array | undefined;
  private readonly column: Int32Array;
  /** The background's facts of the tokens; undefined without a background. */
  private readonly facts: TextFacts | undefined;

  /** `slot` is the field's index in the article: fields are judged one at a time, but the score stage reads the same facts. */
  constructor(field: TokenizedText, bg: BackgroundModel | undefined, cache: DisambiguationCache, slot: number) {
    this.tokenized = field;
    this.facts = bg === undefined ? undefined : cache.wordFacts.of(field, bg, slot);
    this.keys = field.keys;
    this.length = field.length;
    this.memo = cache.words;
    this.words = this.memo.use(field.space) ? field.words : undefined;
    const n = field.length;
    if (cache.column.length < n) cache.column = new Int32Array(Math.max(n, 2 * cache.column.length));
    this.column = cache.column;
    this.column.fill(0, 0, n);
  }

  /** Where token i's memos start in the memo's rows, -1 when it has none. */
  private row(i: number): number {
    return this.words !== undefined && this.words[i]! >= 0 ? this.words[i]! * WORD_MEMO : -1;
  }

  /** The W_* bits of token i. */
  bits(i: number): number {
    const c = this.column[i]! & WORD_BITS;
    if (c !== 0) return c;
    const key = this.keys[i]!;
    const r = this.row(i);
    let w: number;
    if (r >= 0) {
      const rows = this.memo.rows;
      if (rows[r] === 0) rows[r] = wordOf(key);
      w = rows[r]!;
    } else w = wordOf(key);
    this.column[i]! |= w;
    return w;
  }

  /** Only white space and quotation marks between token i - 1 and token i. */
  joinedBefore(i: number): boolean {
    if (i <= 0 || i >= this.length) return false;
    const c = this.column[i]!;
    if ((c & W_JOIN_KNOWN) !== 0) return (c & W_JOINED) !== 0;
    const yes = joined(this.tokenized.text, this.tokenized.ends[i - 1]!, this.tokenized.starts[i]!);
    this.column[i] = c | W_JOIN_KNOWN | (yes ? W_JOINED : 0);
    return yes;
  }

  /** Token i is a word news uses as a given name (false without a background). */
  givenName(i: number): boolean {
    return this.facts !== undefined && this.facts.givenName(i);
  }

  /** The background's document frequency of token i (the background must be there). */
  df(i: number): number {
    return this.facts!.df(i);
  }

  /**
   * Whether token i governs the preposition after it (العديد من): followed by it in at least
   * GOVERNED_SHARE of its documents. Token i + 1 is the preposition (W_GOVERNED_PREPOSITION).
   */
  governs(i: number): boolean {
    const r = this.row(i);
    if (r < 0) return this.governsNext(i);
    const asked = 1 << (2 * ((this.bits(i + 1) >>> W_PREPOSITION_SHIFT) & 3));
    const rows = this.memo.rows;
    if ((rows[r + 1]! & asked) === 0) rows[r + 1]! |= asked | (this.governsNext(i) ? asked << 1 : 0);
    return (rows[r + 1]! & (asked << 1)) !== 0;
  }

  private governsNext(i: number): boolean {
    const df = this.df(i);
    return df >= 50 && this.facts!.pairBefore(i + 1) >= GOVERNED_SHARE * df;
  }
}

/** The listed words' bits, the heads' also with a conjunction or preposition on them (HEAD_PROCLITICS). */
const LISTED_WORDS: ReadonlyMap<string, number> = (() => {
  const table = new Map<string, number>();
  const mark = (key: string, bit: number): void => {
    table.set(key, (table.get(key) ?? 0) | bit);
  };
  const heads: [ReadonlySet<string>, number][] = [[FACILITY_HEADS, W_FACILITY_HEAD], [MEDIA_HEADS, W_MEDIA_HEAD], [PLACE_HEADS, W_PLACE_HEAD]];
  for (const [set, bit] of heads) {
    for (const key of set) {
      mark(key, bit);
      if (key.length >= 2) for (const p of HEAD_PROCLITICS) mark(p + key, bit);
    }
  }
  const exact: [ReadonlySet<string>, number][] = [[MEDIA_HEADS, W_MEDIA_HEAD_EXACT], [PERSON_TITLES, W_TITLE], [NAME_LINKS, W_LINK], [COMPLETERS, W_COMPLETER], [SOURCE_WORDS, W_SOURCE], [KUNYA, W_KUNYA]];
  for (const [set, bit] of exact) for (const key of set) mark(key, bit);
  GOVERNED_ORDER.forEach((key, k) => mark(key, W_GOVERNED_PREPOSITION | (k << W_PREPOSITION_SHIFT)));
  mark('بن', W_PATRONYM);
  mark('ابن', W_PATRONYM);
  return table;
})();

/** What a word is (W_* bits): one lookup for the listed words, then its shape. */
function wordOf(key: string): number {
  let w = W_KNOWN | (LISTED_WORDS.get(key) ?? 0);
  if (isDefinite(key)) w |= W_DEFINITE;
  if (isFeminine(key)) w |= W_FEMININE;
  if (key.endsWith('ات') || key.endsWith('ين') || key.endsWith('ون')) w |= W_PLURAL_ENDING;
  if (key.startsWith('ال')) w |= W_ARTICLE;
  return w;
}

/** The key of a pattern's first word (what an inflected or nisba match was read as), remembered per pattern. */
function formOf(cv: CompiledVocabulary, pattern: number, cache: DisambiguationCache): string {
  let form = cache.patternForms[pattern];
  if (form === undefined) cache.patternForms[pattern] = form = keyOfLight(cv.patterns.get(pattern).lights[0]!);
  return form;
}

function signalsOf(cv: CompiledVocabulary, tag: CompiledTag, words: FieldWords, matches: MatchList, row: number, bg: BackgroundModel | undefined, cache: DisambiguationCache, article: ArticleContext): Signal[] | undefined {
  const start = matches.tokenStarts[row]!;
  const end = matches.tokenEnds[row]!;
  const kind = matches.kind(row);
  const tokens = words.tokenized;
  const keys = words.keys;
  const single = end - start === 1;
  const firstKey = keys[start]!;
  const hasPrev = start > 0;
  const hasNext = end < words.length;
  const wf = words.bits(start);
  const wp = hasPrev ? words.bits(start - 1) : 0;
  const wn = hasNext ? words.bits(end) : 0;
  // Punctuation between tokens ends a phrase: a head or completer across it binds nothing.
  const joinedBefore = hasPrev && words.joinedBefore(start);
  const joinedAfter = hasNext && words.joinedBefore(end);
  let out: Signal[] | undefined;
  const facts = factsOf(cv, matches.tags[row]!, bg, cache);
  const media = (facts & FACT_MEDIA) !== 0;
  const person = (facts & FACT_PERSON) !== 0;
  const ambiguous = (facts & FACT_AMBIGUOUS) !== 0;

  // A head noun before the name, looking back over titles and name links (مستشفى الملك فهد).
  if (joinedBefore && kind !== 'nisba' && (wp & (W_LINK | W_TITLE | W_FACILITY_HEAD | W_MEDIA_HEAD)) !== 0) {
    let k = start - 1;
    let wk = wp;
    while (k > start - 4 && (wk & (W_LINK | W_TITLE)) !== 0 && --k >= 0) wk = words.bits(k);
    // A preposition clitic ends a name: مستشفى الملك خالد بتبوك does mention Tabuk.
    const prepositionOn = kind === 'clitic' && /^[وف]?[بلك]/.test(firstKey);
    if (k >= 0 && (wk & W_FACILITY_HEAD) !== 0 && !prepositionOn) (out ??= []).push('headNoun');
    else if (k >= 0 && !media && (wk & W_MEDIA_HEAD) !== 0 && k === start - 1) (out ??= []).push('citation');
  }
  // A word completing a longer name after it: الهلال الأحمر, كوريا الشمالية.
  if (single && joinedAfter && (facts & FACT_TOPIC) === 0 && (wn & W_COMPLETER) !== 0 && kind !== 'nisba') (out ??= []).push('completer');

  if (single && !person) {
    // A name inside a personal name: after بن, الملك, أبو … (an untyped tag may be that person).
    if (joinedBefore && (wp & W_LINK) !== 0) {
      if ((facts & FACT_TYPED) !== 0) (out ??= []).push('nameLink');
    }
    // After a title an indefinite word is a name (الأمير تركي); a definite nisba is its adjective (الرئيس السوري).
    else if (joinedBefore && (wp & W_TITLE) !== 0 && (facts & FACT_NAME_TYPE) !== 0 && !media && kind === 'exact' && (wf & W_ARTICLE) === 0) (out ??= []).push('personName');
    else if ((wf & W_ARTICLE) === 0 && joinedAfter && (wn & (W_PATRONYM | W_ARTICLE)) !== 0 && words.givenName(start)) {
      // تركي اليوسف، بدر السحيباني: a given name, then بن or a family name — the place it spells,
      // or a bare given name of the vocabulary, is a fragment of that person's name.
      if ((wn & W_PATRONYM) !== 0 || (bg !== undefined && (wn & W_ARTICLE) !== 0 && words.df(end) < FAMILY_NAME_DF)) (out ??= []).push('personName');
    } else if (joinedBefore && (wp & W_ARTICLE) === 0 && (kind === 'nisba' || (wf & W_ARTICLE) !== 0) && (words.givenName(start - 1) || (start > 1 && (words.bits(start - 2) & W_KUNYA) !== 0))) {
      // سعد السويدي، محمد المصري، أبو بكر البغدادي: a place's nisba or name after a given name (or
      // a kunya) is a family name.
      (out ??= []).push('personName');
    }
  }

  // A media outlet named in the first or last words of an article is its byline or its «read the
  // story in» footer, not what the article is about.
  if (media && words.length > 2 * BYLINE_WORDS && (start < BYLINE_WORDS || end > words.length - BYLINE_WORDS)) (out ??= []).push('byline');

  // A quoted source: لـ«الشرق الأوسط», وفقا لـ«الحياة».
  if (!media && hasPrev && ((wp & W_SOURCE) !== 0 || (keys[start - 1] === 'ل' && tokens.joiner(start - 1))) && !person && QUOTE.test(gapBefore(tokens, start))) {
    if (!out?.includes('citation')) (out ??= []).push('citation');
  }

  if (single && kind === 'exact' && joinedBefore && (wf & W_ARTICLE) !== 0 && (wp & W_DEFINITE) !== 0 && (wp & (W_TITLE | W_PLACE_HEAD)) === 0) {
    // المرحلة الجديدة: both definite, the same gender: the word is an adjective of the noun.
    const sameGender = (wp & W_FEMININE) === (wf & W_FEMININE) && (wp & W_PLURAL_ENDING) === 0;
    const introduced = (facts & FACT_ORGANISATION) !== 0 && (wp & W_MEDIA_HEAD_EXACT) !== 0;
    if (sameGender && !introduced && (ambiguous || (facts & FACT_TYPED) === 0 || (facts & (FACT_PLACE | FACT_ORGANISATION)) !== 0) && !(bg !== undefined && words.df(start) < RARE_DF)) (out ??= []).push('agreement');
  }

  // A title before it or a patronym after it makes the word a name (الإمام علي، علي بن أبي طالب).
  if (single && (facts & FACT_COMMON_WORD) !== 0) {
    const named = (wp & (W_TITLE | W_LINK)) !== 0 || (wn & W_PATRONYM) !== 0;
    if (!named && (wp & W_MEDIA_HEAD) === 0) (out ??= []).push('commonWord');
  }

  // A plural or adjective of another word: مجريات is not a plural of المجر's nisba, nor المظاهرات of المظاهر.
  if (single && bg !== undefined && (kind === 'nisba' || kind === 'inflected')) {
    const form = formOf(cv, matches.patterns[row]!, cache);
    if (!firstKey.endsWith(form)) {
      const whole = words.df(start);
      if (whole >= 30 && whole > 2 * tagKeyDf(bg, tag, matches.tags[row]!, cache)) (out ??= []).push('derivedForm');
    }
  }

  // A place the vocabulary qualifies by its parent or country (زنجبار (اليمن), العين in the UAE)
  // is another place of that name when the article is set elsewhere: other countries, not its own.
  if ((facts & FACT_PLACE) !== 0 && ambiguous) {
    const ctx = article;
    const country = countryOfIndex(cv, matches.tags[row]!, cache);
    const own = placedHere(cv, matches.tags[row]!, ctx, cache);
    let elsewhere = false;
    for (const c of ctx.countries) elsewhere ||= c !== country;
    if (!own && elsewhere && (country !== undefined || tag.parent !== undefined)) (out ??= []).push('foreignPlace');
  }

  // An ambiguous name is confirmed by a word of its sense nearby (نادي الهلال، صحيفة «الحياة»).
  if (ambiguous && single && out === undefined) {
    const cues = confirmingCuesFor(tag);
    let confirmed = media && QUOTE.test(gapBefore(tokens, start));
    if (!confirmed && cues !== undefined && cues.size > 0) {
      const to = Math.min(words.length, end + CUE_WINDOW);
      for (let i = Math.max(0, start - CUE_WINDOW); i < to && !confirmed; i++) confirmed = (i < start || i >= end) && cues.has(keys[i]!);
    }
    if (!confirmed) (out ??= []).push('ambiguousName');
  }

  // العديد من: the word governs the preposition after it in most of its uses.
  if (single && hasNext && joinedAfter && (wn & W_GOVERNED_PREPOSITION) !== 0 && !person && bg !== undefined) {
    if (words.governs(start)) (out ??= []).push('governed');
  }
  return out;
}
