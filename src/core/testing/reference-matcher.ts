/**
 * A second, deliberately naive matcher for property tests, written from the matching notes
 * (../shared/notes/arabic-matching.md) and sharing no table, fold or data structure with the
 * core: it reads the vocabulary entries as the publisher wrote them and the text as a string.
 *
 * The core analyses each text word backwards (strips clitics and endings, one hash probe per
 * reading, a trie over tag words). This one goes forwards: it spells out every surface form
 * each tag word can take in a text — clitics, the article, endings — and compares whole words.
 * Where the two disagree on generated text, one of them has a rule wrong.
 *
 * It covers what the property test generates (Arabic words between single spaces, entries
 * with label, type, aliases and nisba forms, no ids), not everything the core handles.
 */
import type { MatchKind, TagType, VocabEntry } from '../types.js';

// ---- Folding: the letters writers confuse (notes, «Orthography»).

/** Diacritics, superscript alef, tatweel, and the zero-width and bidi marks of CMS copy-paste. */
const IGNORED = /[\u064b-\u065f\u0670\u0640\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Keeps the letters a writer marks on purpose (hamza seats, ى); ة and ه are confused in news, so one. */
function lightOf(word: string): string {
  return word.replace(IGNORED, '').replace(/ة/g, 'ه');
}

/** Erases hamza seats and ى as well: two spellings of one word get one key. */
function keyOf(light: string): string {
  return light.replace(/[أإآ]/g, 'ا').replace(/ى/g, 'ي').replace(/ؤ/g, 'و').replace(/ئ/g, 'ي');
}

/**
 * May the tag's letter stand for the text's (same key)? Writers drop a hamza freely but rarely
 * add a wrong one, and write ي for a final ى: so a bare letter in the text accepts any tag
 * letter, while a marked one must be what the tag has.
 */
function letterAgrees(tag: string, text: string, final: boolean, longWord: boolean): boolean {
  if (tag === text) return true;
  if (text === 'ا' || tag === 'ا') return 'أإآ'.includes(tag) || 'أإآ'.includes(text);
  if ('آأ'.includes(tag) && 'آأ'.includes(text)) return true;
  if ('ؤئ'.includes(tag)) return true;
  if (tag === 'ى' && text === 'ي') return true;
  // Egyptian typography writes every final ي as ى (السيسى); short words keep the difference (على / علي).
  return final && longWord && tag === 'ي' && text === 'ى';
}

function lightsAgree(tag: string, text: string): boolean {
  if (tag.length !== text.length) return false;
  for (let i = 0; i < tag.length; i++) if (!letterAgrees(tag[i]!, text[i]!, i === tag.length - 1, tag.length >= 4)) return false;
  return true;
}

/** Foreign names the press spells two ways (notes: أمريكا/أميركا, فلاديمير/فلاديمر): one spelling stands for both. */
const SPELLINGS: readonly [string, string][] = [
  ['اميرك', 'امريك'],
  ['فلاديمر', 'فلاديمير'],
];

interface Word {
  key: string;
  /** The light form, or the key again when a spelling was rewritten (its letters are then not checked). */
  light: string;
  respelled: boolean;
}

function wordOf(written: string): Word {
  const light = lightOf(written);
  const key = keyOf(light);
  for (const [from, to] of SPELLINGS) if (key.includes(from)) return { key: key.replace(from, to), light: key.replace(from, to), respelled: true };
  return { key, light, respelled: false };
}

// ---- Clitics and endings (notes, «Proclitics», «Forms of the same tag»).

/** Conjunction (و ف) and/or preposition (ب ك ل), written on the word. */
const CLITICS = ['و', 'ف', 'ب', 'ك', 'ل', 'وب', 'وك', 'ول', 'فب', 'فك', 'فل'];
/** The same with the article; with ل the article loses its alef (للقاهرة). */
const WITH_ARTICLE = ['ال', 'وال', 'فال', 'بال', 'كال', 'وبال', 'وكال', 'فبال', 'فكال', 'لل', 'ولل', 'فلل'];
const ALL_PREFIXES = ['', ...CLITICS, ...WITH_ARTICLE];
/** Stripping must leave at least this many letters. */
const SHORTEST_STEM = 2;

const SOUND_ENDINGS = ['', 'ون', 'ين', 'ان', 'ات', 'ه', 'تان', 'تين'];
/** Attached pronouns; ـه alone is left out, being also a folded ة. */
const PRONOUNS = ['ها', 'هم', 'هما', 'هن', 'كم', 'كما', 'نا'];
const NISBA_ENDINGS = ['ي', 'يه', 'يا', 'يون', 'يين', 'يات', 'يان', 'يتان', 'يتين'];

/** The word without its article, when enough is left to be a word of its own. */
function withoutArticle(key: string): string {
  return key.startsWith('ال') && key.length >= 5 ? key.slice(2) : key;
}

/** Topic and event nouns take sound endings on a base of four letters or more (three-letter nouns take broken plurals). */
function soundBase(key: string): string {
  const s = withoutArticle(key);
  for (const e of ['تان', 'تين', 'ون', 'ين', 'ان', 'ات', 'ه']) if (s.endsWith(e) && s.length - e.length >= 4) return s.slice(0, -e.length);
  return s;
}

/** The base a place's adjective is built on: مصر→مصر، سوريا→سور، السعودية→سعود، أمريكا→أمريك; '' when too short to trust (حماة). */
function placeNisbaBase(key: string): string {
  const s = withoutArticle(key);
  if (s.endsWith('يا') || s.endsWith('يه')) return s.length >= 5 ? s.slice(0, -2) : '';
  if (s.endsWith('ا') || s.endsWith('ه')) return s.length >= 5 ? s.slice(0, -1) : '';
  return s.length >= 3 ? s : '';
}

/** A topic's relational adjective: السياحة→السياحية، الصحة→الصحية. */
function topicNisbaBase(key: string): string {
  const s = withoutArticle(key);
  if (s.endsWith('ه')) return s.length >= 3 ? s.slice(0, -1) : '';
  return s.length >= 3 ? s : '';
}

const RANK: Record<MatchKind, number> = { exact: 0, variant: 1, clitic: 2, inflected: 3, nisba: 4 };
const weaker = (a: MatchKind, b: MatchKind): MatchKind => (RANK[a] >= RANK[b] ? a : b);

/**
 * One way a tag word can be written in a text: the whole text word (its key), and which of its
 * letters are the tag's — those are checked against the tag's light form.
 */
interface Surface {
  key: string;
  kind: MatchKind;
  /** The text word's letters [from, from + tagLight.length) are the tag's letters tagLight. */
  from: number;
  tagLight: string;
}

/** Forms of a tag word as the name itself, under clitics and the article. */
function nameSurfaces(w: Word, oneWordTopic: boolean): Surface[] {
  const out: Surface[] = [{ key: w.key, kind: 'exact', from: 0, tagLight: w.light }];
  const bare = w.key.startsWith('ال') ? w.key.slice(2) : undefined;
  for (const p of [...CLITICS, ...WITH_ARTICLE]) {
    // Text with more clitics than the tag: بمصر، والقاهرة، ومفاوضات for a tag مفاوضات written without its article.
    if (w.key.length >= SHORTEST_STEM) out.push({ key: p + w.key, kind: 'clitic', from: p.length, tagLight: w.light });
  }
  if (bare !== undefined && bare.length >= SHORTEST_STEM) {
    const bareLight = w.light.slice(2);
    // The tag's article under a clitic: والقاهرة، بالقاهرة, and with ل: للقاهرة, للجنة (the article's lam merged).
    for (const p of ['و', 'ف', 'ب', 'ك', 'وب', 'وك', 'فب', 'فك']) out.push({ key: p + 'ال' + bare, kind: 'clitic', from: p.length + 2, tagLight: bareLight });
    for (const p of ['لل', 'ولل', 'فلل']) {
      out.push({ key: p + bare, kind: 'clitic', from: p.length, tagLight: bareLight });
      if (bare.startsWith('ل') && bare.length - 1 >= SHORTEST_STEM) out.push({ key: p + bare.slice(1), kind: 'clitic', from: p.length, tagLight: bareLight.slice(1) });
    }
    // A one-word topic or event noun written with the article also stands for the word without it, more weakly.
    if (oneWordTopic && !bare.startsWith('ال')) {
      for (const p of ['', ...CLITICS]) out.push({ key: p + bare, kind: 'inflected', from: p.length, tagLight: bareLight });
    }
  }
  return out.filter((s) => s.key.length - s.from >= SHORTEST_STEM);
}

/** Sound plurals, duals, the feminine and attached pronouns of a one-word topic or event noun. */
function soundSurfaces(w: Word): Surface[] {
  const base = soundBase(w.key);
  if (base.length < 4) return [];
  const offset = w.key.startsWith('ال') && w.key.length >= 5 ? 2 : 0;
  let baseLight = w.light.slice(offset, offset + base.length);
  // A ي ending the base but not the tag (مستشفيات) is written ى when the ending goes (مستشفى).
  const yaBeforeEnding = offset + base.length < w.key.length && baseLight.endsWith('ي');
  const out: Surface[] = [];
  for (const e of SOUND_ENDINGS) {
    const noun = base + e;
    const spellings: [written: string, light: string][] = [[noun, baseLight]];
    for (const pronoun of PRONOUNS) {
      // The taa marbuta is written ت before a pronoun (حكومتها); careless text keeps ة. When the
      // ة is the base's own last letter (لجنة → لجنتها), the text's ت stands for it.
      if (noun.endsWith('ه')) spellings.push([noun.slice(0, -1) + 'ت' + pronoun, e === '' ? baseLight.slice(0, -1) + 'ت' : baseLight], [noun + pronoun, baseLight]);
      else spellings.push([noun + pronoun, baseLight]);
    }
    for (const [written, light] of spellings) for (const p of ALL_PREFIXES) out.push({ key: p + written, kind: 'inflected', from: p.length, tagLight: light });
  }
  if (yaBeforeEnding) for (const s of out) s.tagLight = s.tagLight.slice(0, -1) + 'ى';
  return out;
}

/** The nisba adjectives of a one-word place or topic tag: المصري، السورية، القطريون. */
function nisbaSurfaces(w: Word, type: TagType | undefined): Surface[] {
  const base = type === 'place' ? placeNisbaBase(w.key) : type === 'topic' ? topicNisbaBase(w.key) : '';
  if (base === '') return [];
  const offset = w.key.startsWith('ال') && w.key.length >= 5 ? 2 : 0;
  const baseLight = w.light.slice(offset, offset + base.length);
  const out: Surface[] = [];
  for (const e of NISBA_ENDINGS) for (const p of ALL_PREFIXES) out.push({ key: p + base + e, kind: 'nisba', from: p.length, tagLight: baseLight });
  return out;
}

/** Does the text word realise the surface (its key, and the tag's letters as the writer marked them)? */
function realises(s: Surface, tagWord: Word, text: Word): MatchKind | undefined {
  if (s.key !== text.key) return undefined;
  const checked = tagWord.respelled || text.respelled || agreesAt(s, text.light);
  if (!checked) return undefined;
  return tagWord.respelled !== text.respelled ? weaker(s.kind, 'variant') : s.kind;
}

function agreesAt(s: Surface, textLight: string): boolean {
  const part = textLight.slice(s.from, s.from + s.tagLight.length);
  // A ى the tag's base carries for its ending's sake accepts either ya.
  if (s.tagLight.endsWith('ى') && part.endsWith('ي')) return lightsAgree(s.tagLight.slice(0, -1), part.slice(0, -1));
  return lightsAgree(s.tagLight, part);
}

// ---- Tags and matches.

interface Form {
  words: Word[];
  nisba: boolean;
}

interface RefTag {
  label: string;
  type: TagType | undefined;
  forms: Form[];
}

/** Entries whose labels fold alike are one tag, reported in the first spelling; a later twin may give the type. */
function tagsOf(entries: readonly VocabEntry[]): RefTag[] {
  const byKey = new Map<string, RefTag>();
  const tags: RefTag[] = [];
  const written = (s: string): string[] => s.split(/\s+/).filter((x) => x !== '');
  const words = (s: string): Word[] => written(s).map(wordOf);
  const add = (tag: RefTag, s: string, nisba: boolean): void => {
    const w = words(s);
    if (w.length > 0) tag.forms.push({ words: w, nisba });
  };
  for (const e of entries) {
    // Twins by their letters as written: أمريكا and أميركا are two entries the variant rule makes match alike.
    const key = written(e.label).map((w) => keyOf(lightOf(w))).join(' ');
    if (key === '') continue;
    let tag = byKey.get(key);
    if (tag === undefined) {
      tag = { label: e.label, type: e.type, forms: [] };
      byKey.set(key, tag);
      tags.push(tag);
    } else tag.type ??= e.type;
    add(tag, e.label, false);
    for (const a of e.aliases ?? []) add(tag, a, false);
    for (const n of e.nisba ?? []) add(tag, n, true);
  }
  return tags;
}

export interface ReferenceMention {
  /** Label of the tag (its first spelling). */
  label: string;
  /** UTF-16 offsets of the text covered. */
  start: number;
  end: number;
  kind: MatchKind;
}

/** The mentions of the entries' tags in the text, longest match resolved. */
export function referenceMatch(entries: readonly VocabEntry[], text: string): ReferenceMention[] {
  const spans = [...text.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: wordOf(m[0]) }));
  const raw: { tag: number; from: number; to: number; kind: MatchKind }[] = [];
  tagsOf(entries).forEach((tag, t) => {
    const topicLike = tag.type === 'topic' || tag.type === 'event';
    for (const form of tag.forms) {
      const [first, ...rest] = form.words;
      const single = rest.length === 0;
      const surfaces = nameSurfaces(first!, single && topicLike);
      // Endings belong to the tag's own one-word names, not to its listed adjectives.
      if (single && !form.nisba && topicLike) surfaces.push(...soundSurfaces(first!));
      if (single && !form.nisba) surfaces.push(...nisbaSurfaces(first!, tag.type));
      for (let i = 0; i + form.words.length <= spans.length; i++) {
        let kind: MatchKind | undefined;
        for (const s of surfaces) {
          const k = realises(s, first!, spans[i]!.word);
          if (k !== undefined && (kind === undefined || RANK[k] < RANK[kind])) kind = k;
        }
        // The other words of a multi-word name stand as the tag writes them: no clitics inside a name.
        for (let k = 0; k < rest.length && kind !== undefined; k++) {
          const tw = rest[k]!;
          const xw = spans[i + 1 + k]!.word;
          if (tw.key !== xw.key || !(tw.respelled || xw.respelled || lightsAgree(tw.light, xw.light))) kind = undefined;
          else if (tw.respelled !== xw.respelled) kind = weaker(kind, 'variant');
        }
        if (kind !== undefined) raw.push({ tag: t, from: i, to: i + form.words.length, kind: form.nisba ? 'nisba' : kind });
      }
    }
  });
  const labels = tagsOf(entries).map((t) => t.label);
  // Longest match: a span inside another is a fragment of a longer name (المتحدة in الأمم المتحدة).
  const kept = raw.filter((m) => !raw.some((o) => o.from <= m.from && o.to >= m.to && o.to - o.from > m.to - m.from));
  const out: ReferenceMention[] = [];
  const seen = new Set<string>();
  for (const m of kept) {
    // Per span, the strongest reading wins: لبنان is Lebanon before it is ل + بنان. One mention per tag and span.
    const best = Math.min(...kept.filter((o) => o.from === m.from && o.to === m.to).map((o) => RANK[o.kind]));
    const id = `${m.tag}@${m.from}-${m.to}`;
    if (RANK[m.kind] !== best || seen.has(id)) continue;
    seen.add(id);
    out.push({ label: labels[m.tag]!, start: spans[m.from]!.start, end: spans[m.to - 1]!.end, kind: m.kind });
  }
  return out;
}
