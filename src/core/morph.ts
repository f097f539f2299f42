/**
 * The Arabic morphology wasim needs for matching, on folded keys: proclitics, the article,
 * inflectional endings of topic nouns and nisba endings of place adjectives. Everything is
 * expressed on full-fold keys (ة is ه, ى is ي, hamza seats erased), so the tables are small.
 */

/** Proclitic strings without the article: conjunction (و ف) + preposition (ب ك ل). */
export const PROCLITICS: readonly string[] = ['و', 'ف', 'ب', 'ك', 'ل', 'وب', 'وك', 'ول', 'فب', 'فك', 'فل'];

/**
 * Proclitics ending in the article. With ل the article loses its alef (ل + القاهرة → للقاهرة),
 * and before a stem starting with ل the article's lam merges too (ل + اللجنة → للجنة).
 */
export const ARTICLE_PREFIXES: readonly string[] = ['ال', 'وال', 'فال', 'بال', 'كال', 'وبال', 'وكال', 'فبال', 'فكال', 'لل', 'ولل', 'فلل'];

export const ARTICLE = 'ال';

/** Never strip so much that fewer letters than this remain. */
export const MIN_STEM = 2;
/** Nisba bases shorter than this are too ambiguous to analyse (قطر and مصر are three letters). */
export const MIN_BASE = 3;
/**
 * Inflection bases shorter than this are not analysed: three-letter nouns mostly take broken
 * plurals, so a sound ending on a three-letter base is usually another word (عملات is not
 * عمل + ات, بكافة is not كاف + ة).
 */
export const MIN_INFLECTION_BASE = 4;

/** Sound plural, dual and feminine endings of nouns (ة is ه after folding). '' = the bare base. */
export const INFLECTION_ENDINGS: readonly string[] = ['', 'ون', 'ين', 'ان', 'ات', 'ه', 'تان', 'تين'];
/** Possessive pronoun suffixes attached to nouns (حكومتها، رئيسهم). ـه alone is left out: it is also a folded ة. */
export const POSSESSIVE_SUFFIXES: readonly string[] = ['ها', 'هم', 'هما', 'هن', 'كم', 'كما', 'نا'];
/** Nisba endings: masculine, feminine, accusative (وفدا مصريا), plurals, duals. */
export const NISBA_ENDINGS: readonly string[] = ['ي', 'يه', 'يا', 'يون', 'يين', 'يات', 'يان', 'يتان', 'يتين'];

export function endsWithLam(prefix: string): boolean {
  return prefix.endsWith('لل');
}

/** The base a topic-noun tag token shares with its inflected forms: no article, no ending. */
/** Where the base of a tag token starts: after its article, if it has one. */
export function articleOffset(key: string): number {
  return key.startsWith(ARTICLE) && key.length - ARTICLE.length >= MIN_BASE ? ARTICLE.length : 0;
}

/** The key without its article (الرياض → رياض), when what remains is long enough to be a word (MIN_BASE). */
export function withoutArticle(key: string): string {
  return articleOffset(key) > 0 ? key.slice(ARTICLE.length) : key;
}

export function inflectionBase(key: string): string {
  const s = key.slice(articleOffset(key));
  for (const e of ['تان', 'تين', 'ون', 'ين', 'ان', 'ات', 'ه']) {
    if (s.endsWith(e) && s.length - e.length >= MIN_INFLECTION_BASE) return s.slice(0, s.length - e.length);
  }
  return s;
}

/**
 * The base a place name shares with its nisba adjectives: drop the article and a final
 * ـيا / ـية / ـا / ـة (سوريا→سور، السعودية→سعود، أمريكا→أمريك), keep the rest
 * (مصر، لبنان، إسرائيل، الإمارات→إمارات). Returns '' when too short to be safe.
 */
export function nisbaBase(key: string): string {
  let s = key.slice(articleOffset(key));
  if (s.endsWith('يا') || s.endsWith('يه')) return s.length - 2 >= MIN_BASE ? s.slice(0, -2) : '';
  // Without the ي of ـيا / ـية a three-letter remainder is too often another word (حماة → حماية).
  if (s.endsWith('ا') || s.endsWith('ه')) return s.length - 1 > MIN_BASE ? s.slice(0, -1) : '';
  return s.length >= MIN_BASE ? s : '';
}

/**
 * The base a topic noun shares with its relational adjective: السياحة → السياحية، الصحة →
 * الصحية، التعليم → التعليمية. Only the taa marbuta is dropped; two letters may remain when it
 * was (صحة → صح), since the adjective ending then follows a real noun stem.
 */
export function topicNisbaBase(key: string): string {
  const s = key.slice(articleOffset(key));
  if (s.endsWith('ه')) return s.length - 1 >= 2 ? s.slice(0, -1) : '';
  return s.length >= MIN_BASE ? s : '';
}

/** The nisba base of a single-token tag of a type, or '' when its type has none. */
export function nisbaBaseFor(key: string, type: string | undefined): string {
  if (type === 'place') return nisbaBase(key);
  // Only for tags known to be topics: in an untyped list the same rule reads المدنيين as the
  // adjective of المدن and الرئيسية as that of الرئيس.
  if (type === 'topic') return topicNisbaBase(key);
  return '';
}
