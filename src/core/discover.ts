/**
 * New-tag discovery: the people, organisations and places an archive names again and again
 * that the vocabulary lacks. Pure (no I/O): the caller streams the archive through twice.
 *
 *   const d = new Discovery({ vocabulary, background });
 *   for (const a of archive) d.observe(a);   // pass 1: evidence frames (discover-frames.ts)
 *   d.prepare();                              // where names end, merges, what the vocabulary covers
 *   for (const a of archive) d.count(a);     // pass 2: every mention of the candidates, clitics and all
 *   const suggestions = d.results();
 *
 * Pass 1 counts, for every span a frame vouches for, the articles in which a frame stood
 * before it; its table is pruned of single sightings when it grows, so memory is bounded
 * whatever the archive's size. Where a name ends is read from those counts: a run that
 * continues as often as not (فيليب → فيليب هاموند) is a fragment of the longer one; a run that
 * continues rarely (فيليب هاموند → فيليب هاموند يزور) ends there. Pass 2 matches the candidates
 * as a vocabulary with the core matcher, so mentions with clitics and the article (وهاموند،
 * لهاموند) and hamza variants count, and examples carry offsets into the caller's text.
 */
import type { BackgroundModel } from './background.js';
import { compileVocabulary, type CompiledVocabulary } from './vocabulary/compile.js';
import { EVIDENCE_KINDS, fieldView, findFrames, spanKey, spanText, TYPE_WEIGHT, type EvidenceKind, type FieldView, type FrameHit, type KnownNames } from './discover-frames.js';
import { COMMON_SHARE } from './discover-frames.js';
import { DETACHABLE_ORG_HEADS, GIVEN_NAMES, headOf, PATRONYM_LINKS, looksTransliterated, NAME_JOINERS, PLACE_HEADS, KEPT_PLACE_HEADS } from './discover-lexicon.js';
import { foldKey } from './fold.js';
import { withoutArticle } from './morph.js';
import { createMatcher, type Matcher, type MatchList } from './match.js';
import { oneVowelApart } from './names.js';
import { createTokenizer, type TokenizedText } from './tokenize.js';
import type { Field, TagType, VocabEntry } from './types.js';

export interface DiscoverArticle {
  id: string;
  title: string;
  body: string;
  /** ISO date (YYYY-MM-DD…): first and last seen, and the burst score, read it. */
  date?: string;
}

export interface DiscoverOptions {
  /** The vocabulary whose coverage is excluded. */
  vocabulary: CompiledVocabulary;
  background: BackgroundModel;
  /** Keep at most this many suggestions (default 100). */
  top?: number;
  /** A suggestion is named in at least this many articles (default 3). */
  minArticles?: number;
  /** Candidates counted in pass 2, at most (bounds memory; default 60,000). */
  maxCandidates?: number;
  /** Pass 1's table is pruned of single sightings above this size (default 400,000). */
  maxSeen?: number;
}

export interface SuggestionExample {
  id: string;
  field: Field;
  start: number;
  end: number;
  /** Exactly title|body.slice(start, end). */
  text: string;
  /** Up to 60 characters either side, for a reader. */
  context: string;
}

export interface Suggestion {
  label: string;
  type?: TagType;
  score: number;
  mentions: number;
  articles: number;
  variants: string[];
  examples: SuggestionExample[];
  /** For a place, the place the context puts it in (a vocabulary label when the vocabulary has it). */
  parent?: string;
  firstSeen?: string;
  lastSeen?: string;
  /** log2 of the share of recent articles naming it over the share before (recent: the archive's last quarter). */
  burst: number;
  titleArticles: number;
  /** Articles in which an evidence frame stood before it, by kind of frame. */
  evidence: Partial<Record<EvidenceKind, number>>;
}

export const DISCOVER_DEFAULTS = { top: 100, minArticles: 3, maxCandidates: 60_000, maxSeen: 400_000 } as const;

/** A run continues into a longer name when the longer one is seen at least this share as often. */
const EXTENSION_SHARE = 0.5;
/** A run seen less than this share as often as the name it extends is that name and a stray word. */
const STRAY_SHARE = 0.15;
/** A fragment is folded into a longer candidate when they share at least this share of its articles. */
const FRAGMENT_SHARE = 0.5;
/** Fewer news articles than this use a spelling that is a variant rather than a name of its own (as names.ts). */
const RARE_SPELLING_DF = 20;
const MAX_SURFACES = 12;
/** Below this share of its articles with a frame, a candidate is a word a frame caught by chance. */
const MIN_FRAME_SHARE = 0.1;
const MIN_FRAME_SHARE_ONE_WORD = 0.3;
const MAX_EXAMPLES = 3;

type TypeVotes = [person: number, organisation: number, place: number];
const VOTE_TYPES: readonly TagType[] = ['person', 'organisation', 'place'];

interface Seen {
  key: string;
  words: number;
  frameArticles: number;
  lastArticle: number;
  /** Articles with a frame that says a name follows (not only quotation marks or a foreign look). */
  strongArticles: number;
  lastStrong: number;
  votes: TypeVotes;
  kinds: number[];
  surfaces: Map<string, number>;
  parents: Map<string, number>;
  /** Keys merged into this one (spelling and article variants). */
  merged: string[];
  /** How many different longer runs continue it (عبدالله بن محمد بن …: many; فيصل بن تركي: few). */
  continuations?: number;
  /** Counted only to be folded into the longer name it is the family name of (هاموند for فيليب هاموند). */
  fragmentOnly?: boolean;
}

interface Counted {
  seen: Seen;
  label: string;
  mentions: number;
  articles: number;
  titleArticles: number;
  recentArticles: number;
  lastArticle: number;
  lastTitleArticle: number;
  firstSeen?: string;
  lastSeen?: string;
  surfaces: Map<string, number>;
  exactSurfaces: Map<string, number>;
  examples: SuggestionExample[];
  /** Indices of longer candidates containing this one, and the articles shared with each. */
  supers: number[];
  shared: number[];
  foldedInto: number;
  extraVariants: string[];
}

/** Given names (first words of person tags) and family names (last words) of a vocabulary. */
export function knownNamesOf(vocabulary: CompiledVocabulary): KnownNames {
  const given = new Set<string>();
  const family = new Set<string>();
  for (let t = 0; t < vocabulary.tags.length; t++) {
    const tag = vocabulary.tags.get(t);
    if (tag.type !== 'person') continue;
    const words = tag.key.split(' ').filter((w) => headOf(w) === undefined);
    if (words.length < 2) continue;
    if (!NAME_JOINERS.has(words[0]!)) given.add(words[0]!);
    const last = words[words.length - 1]!;
    if (!NAME_JOINERS.has(last)) family.add(last);
  }
  return { given, family };
}

function emptyVotes(): TypeVotes {
  return [0, 0, 0];
}

function bump(map: Map<string, number>, key: string, by = 1, cap = MAX_SURFACES): void {
  const v = map.get(key);
  if (v !== undefined) map.set(key, v + by);
  else if (map.size < cap) map.set(key, by);
}

function best(map: ReadonlyMap<string, number>): string | undefined {
  let out: string | undefined;
  let n = -1;
  for (const [k, v] of map) if (v > n || (v === n && k < out!)) [out, n] = [k, v];
  return out;
}

/** The run one word shorter, link words at its end dropped too (the parent of محمد بن سعود is محمد). */
function parentKey(key: string): string {
  const words = key.split(' ');
  words.pop();
  while (words.length > 1 && NAME_JOINERS.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

/** The word without its long vowels after the first letter (one-vowel variants share it). */
function skeleton(word: string): string {
  let out = word[0] ?? '';
  for (let i = 1; i < word.length; i++) if (!'اوي'.includes(word[i]!)) out += word[i];
  return out;
}

function contextOf(text: string, start: number, end: number): string {
  const from = Math.max(0, start - 60);
  const to = Math.min(text.length, end + 60);
  return (from > 0 ? '…' : '') + text.slice(from, to).replace(/\s+/g, ' ') + (to < text.length ? '…' : '');
}

export class Discovery {
  private readonly vocabulary: CompiledVocabulary;
  private readonly bg: BackgroundModel;
  private readonly known: KnownNames;
  private readonly top: number;
  private readonly minArticles: number;
  private readonly maxCandidates: number;
  private readonly maxSeen: number;

  private readonly seen = new Map<string, Seen>();
  private articlesSeen = 0;
  private readonly dateCounts = new Map<string, number>();

  private readonly tokenizer = createTokenizer();
  /** The vocabulary's matcher, made when first needed. */
  private vocabularyMatcher: Matcher | undefined;
  private counted: Counted[] = [];
  /** The candidates as a vocabulary (after prepare), and its matcher. */
  private candidates: CompiledVocabulary | undefined;
  private candidateMatcher: Matcher | undefined;
  private tagToCandidate: Int32Array = new Int32Array(0);
  private recentFrom: string | number = Infinity;
  private recentTotal = 0;
  private articlesCounted = 0;
  private prepared = false;

  constructor(options: DiscoverOptions) {
    this.vocabulary = options.vocabulary;
    this.bg = options.background;
    this.known = knownNamesOf(options.vocabulary);
    this.top = options.top ?? DISCOVER_DEFAULTS.top;
    this.minArticles = options.minArticles ?? DISCOVER_DEFAULTS.minArticles;
    this.maxCandidates = options.maxCandidates ?? DISCOVER_DEFAULTS.maxCandidates;
    this.maxSeen = options.maxSeen ?? DISCOVER_DEFAULTS.maxSeen;
  }

  /** Candidates in pass 1's table (for tests and progress). */
  get seenSize(): number {
    return this.seen.size;
  }

  /** Candidates counted in pass 2 (after prepare). */
  get candidateCount(): number {
    return this.counted.length;
  }

  /** Pass 1: the frames of one article. */
  observe(article: DiscoverArticle): void {
    if (this.prepared) throw new Error('Discovery.observe after prepare');
    const ordinal = ++this.articlesSeen;
    if (article.date !== undefined) this.dateCounts.set(article.date, (this.dateCounts.get(article.date) ?? 0) + 1);
    for (const text of [article.title, article.body]) {
      if (text === '') continue;
      const field = fieldView(text, this.tokenizer.tokenObjects(text));
      for (const hit of findFrames(field, this.bg, this.known)) this.record(field, hit, ordinal);
    }
    if (this.seen.size > this.maxSeen) this.prune();
  }

  private record(field: FieldView, hit: FrameHit, ordinal: number): void {
    for (let end = hit.minTokenEnd; end <= hit.tokenEnd; end++) {
      if (NAME_JOINERS.has(field.keys[end - 1]!)) continue;
      const key = spanKey(field, hit.tokenStart, end);
      let s = this.seen.get(key);
      if (s === undefined) {
        s = { key, words: end - hit.tokenStart, frameArticles: 0, lastArticle: 0, strongArticles: 0, lastStrong: 0, votes: emptyVotes(), kinds: new Array<number>(EVIDENCE_KINDS.length).fill(0), surfaces: new Map(), parents: new Map(), merged: [] };
        this.seen.set(key, s);
      }
      const kind = EVIDENCE_KINDS.indexOf(hit.evidence);
      if (hit.evidence !== 'quote' && hit.evidence !== 'foreign' && s.lastStrong !== ordinal) {
        s.lastStrong = ordinal;
        s.strongArticles++;
      }
      if (s.lastArticle !== ordinal) {
        s.lastArticle = ordinal;
        s.frameArticles++;
        // Kinds are counted once per article: the lowest bit of the article's ordinal marks them.
        s.kinds = s.kinds.map((v) => (v < 0 ? -v : v));
      }
      if (s.kinds[kind]! >= 0) {
        s.kinds[kind] = -(s.kinds[kind]! + 1);
        const vote = hit.type === undefined ? -1 : VOTE_TYPES.indexOf(hit.type);
        if (vote >= 0) s.votes[vote]! += TYPE_WEIGHT[hit.evidence];
      }
      bump(s.surfaces, spanText(field, hit.tokenStart, end));
      if (hit.parent !== undefined && end === hit.tokenEnd) bump(s.parents, hit.parent, 1, 5);
    }
  }

  /** Drops what was seen in one article only: kept, it could only ever reach the cut again by chance. */
  private prune(): void {
    for (const [key, s] of this.seen) if (s.frameArticles <= 1) this.seen.delete(key);
  }

  /** Between the passes: where names end, variants merged, the vocabulary's coverage excluded; compiles the candidates. */
  prepare(): number {
    if (this.prepared) return this.counted.length;
    this.prepared = true;
    for (const s of this.seen.values()) s.kinds = s.kinds.map((v) => (v < 0 ? -v : v));
    const all = this.seen;
    // Where names end.
    const longestChild = new Map<string, number>();
    for (const s of all.values()) {
      if (s.words >= 2) {
        const p = all.get(parentKey(s.key));
        if (p !== undefined) p.continuations = (p.continuations ?? 0) + 1;
      }
      // A longer run seen once can never be a suggestion: it does not take the name's place.
      if (s.words < 2 || s.frameArticles < 2) continue;
      const parent = parentKey(s.key);
      longestChild.set(parent, Math.max(longestChild.get(parent) ?? 0, s.frameArticles));
    }
    // A run ends a name when it does not go on as often as not.
    // Several longer names on one stem are all kept: pass 2 counts the stem only where it stands
    // alone, and folds it into the name it then mostly stands beside.
    const endsName = (s: Seen): boolean => (longestChild.get(s.key) ?? 0) < EXTENSION_SHARE * s.frameArticles;
    let kept: Seen[] = [];
    for (const s of all.values()) {
      if (s.frameArticles < 2 || !endsName(s)) continue;
      // A longer run seen far less often than a name that ends before it is that name and a
      // stray word (فيليب هاموند → فيليب هاموند يزور); after a stem that is no name (ديفيد) it is a name.
      if (s.words >= 2) {
        const parent = all.get(parentKey(s.key));
        if (parent !== undefined && parent.frameArticles >= 2 && endsName(parent) && !(parent.words === 1 && this.known.given.has(parent.key)) && !GIVEN_NAMES.has(parent.key) && s.frameArticles < STRAY_SHARE * parent.frameArticles) continue;
      }
      kept.push(s);
    }
    this.seen.clear();
    kept = this.mergeVariants(kept);
    kept = kept.filter((s) => !this.isCoveredOrVoid(s));
    kept.sort((a, b) => b.frameArticles - a.frameArticles || (a.key < b.key ? -1 : 1));
    kept = kept.slice(0, this.maxCandidates);
    kept.push(...this.familyNames(kept));

    // Dates: the archive's last quarter is "recent".
    const dates = [...this.dateCounts.keys()].sort();
    if (dates.length >= 2) {
      let acc = 0;
      const total = [...this.dateCounts.values()].reduce((a, b) => a + b, 0);
      let cut = dates[dates.length - 1]!;
      for (let i = dates.length - 1; i >= 0; i--) {
        acc += this.dateCounts.get(dates[i]!)!;
        cut = dates[i]!;
        if (acc >= 0.25 * total) break;
      }
      this.recentFrom = cut;
    } else {
      this.recentFrom = Math.floor(this.articlesSeen * 0.75) + 1;
    }

    const entries: VocabEntry[] = kept.map((s, i) => {
      const surfaces = [...s.surfaces.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
      return { id: `c${i}`, label: surfaces[0]!, aliases: surfaces.slice(1, 6), type: 'organisation' as const };
    });
    this.counted = kept.map((s, i) => ({
      seen: s,
      label: entries[i]!.label,
      mentions: 0,
      articles: 0,
      titleArticles: 0,
      recentArticles: 0,
      lastArticle: 0,
      lastTitleArticle: 0,
      surfaces: new Map(),
      exactSurfaces: new Map(),
      examples: [],
      supers: [],
      shared: [],
      foldedInto: -1,
      extraVariants: [],
    }));
    if (entries.length > 0) {
      this.candidates = compileVocabulary(entries);
      this.candidateMatcher = createMatcher(this.candidates);
      this.tagToCandidate = new Int32Array(this.candidates.tags.length);
      for (let t = 0; t < this.candidates.tags.length; t++) this.tagToCandidate[t] = Number(this.candidates.tags.get(t).id.slice(1));
    }
    // Longer candidates containing each candidate's words.
    const byKey = new Map<string, number>();
    this.counted.forEach((c, i) => byKey.set(c.seen.key, i));
    this.counted.forEach((c, i) => {
      const words = c.seen.key.split(' ');
      for (let len = 1; len < words.length; len++) {
        for (let s = 0; s + len <= words.length; s++) {
          const sub = byKey.get(words.slice(s, s + len).join(' '));
          if (sub !== undefined && !this.counted[sub]!.supers.includes(i)) {
            this.counted[sub]!.supers.push(i);
            this.counted[sub]!.shared.push(0);
          }
        }
      }
    });
    return this.counted.length;
  }

  /**
   * A person named in full once is then named by the family name (هاموند): the last word of
   * each person candidate is counted too, to be folded into the name, never proposed alone.
   */
  private familyNames(kept: readonly Seen[]): Seen[] {
    const have = new Set(kept.map((s) => s.key));
    const out: Seen[] = [];
    for (const s of kept) {
      if (s.words < 2 || s.votes[0] < Math.max(s.votes[1], s.votes[2]) || headOf(s.key.split(' ')[0]!) !== undefined) continue;
      const last = s.key.slice(s.key.lastIndexOf(' ') + 1);
      if (have.has(last) || last.length < 3 || NAME_JOINERS.has(last) || GIVEN_NAMES.has(last) || this.known.given.has(last)) continue;
      if (this.bg.documents > 0 && this.bg.df(last) > COMMON_SHARE * this.bg.documents) continue;
      have.add(last);
      const surface = best(s.surfaces) ?? last;
      out.push({ key: last, words: 1, frameArticles: 0, lastArticle: 0, strongArticles: 0, lastStrong: 0, votes: emptyVotes(), kinds: new Array<number>(EVIDENCE_KINDS.length).fill(0), surfaces: new Map([[surface.slice(surface.lastIndexOf(' ') + 1), 1]]), parents: new Map(), merged: [], fragmentOnly: true });
    }
    return out;
  }

  /** Spelling variants: the same name with or without the article, or one long vowel apart. */
  private mergeVariants(list: Seen[]): Seen[] {
    const absorb = (into: Seen, from: Seen): void => {
      into.frameArticles += from.frameArticles;
      into.strongArticles += from.strongArticles;
      for (let k = 0; k < 3; k++) into.votes[k]! += from.votes[k]!;
      into.kinds = into.kinds.map((v, k) => v + from.kinds[k]!);
      for (const [t, n] of from.surfaces) bump(into.surfaces, t, n);
      for (const [t, n] of from.parents) bump(into.parents, t, n, 5);
      into.merged.push(from.key, ...from.merged);
    };
    const groups = new Map<string, Seen[]>();
    for (const s of list) {
      const words = s.key.split(' ');
      const norm = words.map((w) => skeleton(withoutArticle(w))).join(' ');
      const g = groups.get(norm);
      if (g === undefined) groups.set(norm, [s]);
      else g.push(s);
    }
    const out: Seen[] = [];
    for (const group of groups.values()) {
      group.sort((a, b) => b.frameArticles - a.frameArticles || (a.key < b.key ? -1 : 1));
      const heads: Seen[] = [];
      for (const s of group) {
        const into = heads.find((h) => this.variantOf(h.key, s.key));
        if (into !== undefined) absorb(into, s);
        else heads.push(s);
      }
      out.push(...heads);
    }
    return out;
  }

  private variantOf(a: string, b: string): boolean {
    const wa = a.split(' ');
    const wb = b.split(' ');
    if (wa.length !== wb.length) return false;
    let diffs = 0;
    for (let i = 0; i < wa.length; i++) {
      const x = wa[i]!;
      const y = wb[i]!;
      if (x === y) continue;
      const bx = withoutArticle(x);
      const by = withoutArticle(y);
      if (bx === by && i === 0) continue;
      if (++diffs > 1) return false;
      if (!oneVowelApart(bx, by)) return false;
      // Two common spellings are two names (محمد / محمود) — unless the rest of a longer name is the
      // same and neither is a given name (ميشال بلاتيني / ميشيل بلاتيني).
      const given = (w: string): boolean => GIVEN_NAMES.has(w) || this.known.given.has(w);
      const rare = this.bg.documents > 0 && (this.bg.df(x) < RARE_SPELLING_DF || this.bg.df(y) < RARE_SPELLING_DF);
      if (!rare && !(wa.length >= 2 && !given(x) && !given(y))) return false;
    }
    return true;
  }

  /**
   * Is the candidate already a tag, or no name at all? Covered: the vocabulary matches all its
   * words; or, for a person, a person tag matches its last word (its family name: هاموند covers
   * فيليب هاموند); or an organisation or place tag matches all the words after its head
   * (الهلال covers نادي الهلال). No name: a given name alone (خالد), a head with nothing after it.
   */
  private isCoveredOrVoid(s: Seen): boolean {
    const words = s.key.split(' ');
    const headKind = headOf(words[0]!)?.kind;
    // جامعة الملك، مطار الأمير: a name cut before the name that completes it.
    const lastHead = headOf(words[words.length - 1]!);
    if (lastHead !== undefined || NAME_JOINERS.has(words[words.length - 1]!)) return true;
    if (words.length === 1 && (GIVEN_NAMES.has(words[0]!) || this.known.given.has(words[0]!))) return true;
    const text = best(s.surfaces) ?? s.key;
    const tokens = this.tokenizer.tokenize(text);
    if (tokens.length === 0) return true;
    const matches = this.matchVocabulary(tokens);
    const covered = new Array<boolean>(tokens.length).fill(false);
    let personLast = false;
    const orgPlace = new Array<boolean>(tokens.length).fill(false);
    for (let i = 0; i < matches.length; i++) {
      const type = this.vocabulary.tags.get(matches.tags[i]!).type;
      const kind = matches.kind(i);
      const tokenStart = matches.tokenStarts[i]!;
      const tokenEnd = matches.tokenEnds[i]!;
      // A topic (جامعة ~ التعليم الجامعي) or a nisba (الخارجية ~ الخارجة) names no entity.
      if (type === 'topic' || kind === 'nisba' || kind === 'inflected') continue;
      for (let k = tokenStart; k < tokenEnd; k++) {
        covered[k] = true;
        if (headKind === 'org' ? type === 'organisation' : type === 'place') orgPlace[k] = true;
      }
      // هاموند covers فيليب هاموند; محمد بن نايف covers محمد بن نايف بن عبدالعزيز آل سعود.
      // Not a patronym's tail: سلمان بن عبدالعزيز does not cover سلطان بن سلمان بن عبدالعزيز.
      const afterLink = tokenStart > 0 && PATRONYM_LINKS.has(tokens.keys[tokenStart - 1]!);
      if (type === 'person' && ((tokenEnd === tokens.length && !afterLink) || (tokenStart === 0 && tokenEnd - tokenStart >= 2))) personLast = true;
    }
    if (covered.every(Boolean)) return true;
    const votedPerson = s.votes[0] >= Math.max(s.votes[1], s.votes[2]);
    if (personLast && votedPerson && headKind === undefined) return true;
    if ((headKind === 'org' || headKind === 'place') && tokens.length > 1 && orgPlace.slice(1).every(Boolean)) return true;
    return false;
  }

  /** Pass 2: the candidates' mentions in one article. */
  count(article: DiscoverArticle): void {
    if (!this.prepared) this.prepare();
    const ordinal = ++this.articlesCounted;
    const recent = typeof this.recentFrom === 'number' ? ordinal >= this.recentFrom : article.date !== undefined && article.date >= this.recentFrom;
    if (recent) this.recentTotal++;
    const matcher = this.candidateMatcher;
    if (matcher === undefined) return;
    const inArticle: number[] = [];
    for (const field of ['title', 'body'] as const) {
      const text = article[field];
      if (text === '') continue;
      const tokens = this.tokenizer.tokenize(text);
      // Where a vocabulary name stands, the candidates inside it are fragments of that name
      // (جامعة الملك in جامعة الملك سعود): the vocabulary's matches, topics and nisbas aside.
      const taken = this.vocabularySpans(tokens);
      const matches = matcher.match(tokens).matches;
      for (let i = 0; i < matches.length; i++) {
        const tokenStart = matches.tokenStarts[i]!;
        const tokenEnd = matches.tokenEnds[i]!;
        if (taken !== undefined && this.insideVocabularyName(taken, tokenStart, tokenEnd)) continue;
        const ci = this.tagToCandidate[matches.tags[i]!]!;
        const c = this.counted[ci]!;
        if (c.seen.words === 1 && tokenEnd - tokenStart === 1 && !this.singleWordReading(c.seen.key, tokens.keys[tokenStart]!)) continue;
        const start = tokens.starts[tokenStart]!;
        const end = tokens.ends[tokenEnd - 1]!;
        const surface = text.slice(start, end);
        c.mentions++;
        bump(c.surfaces, surface);
        if (matches.kind(i) === 'exact' || matches.kind(i) === 'variant') bump(c.exactSurfaces, surface);
        if (c.lastArticle !== ordinal) {
          c.lastArticle = ordinal;
          c.articles++;
          inArticle.push(ci);
          if (recent) c.recentArticles++;
          if (article.date !== undefined) {
            if (c.firstSeen === undefined || article.date < c.firstSeen) c.firstSeen = article.date;
            if (c.lastSeen === undefined || article.date > c.lastSeen) c.lastSeen = article.date;
          }
          if (c.examples.length < MAX_EXAMPLES) c.examples.push({ id: article.id, field, start, end, text: surface, context: contextOf(text, start, end) });
        }
        if (field === 'title' && c.lastTitleArticle !== ordinal) {
          c.lastTitleArticle = ordinal;
          c.titleArticles++;
        }
      }
    }
    if (inArticle.length > 1) {
      const here = new Set(inArticle);
      for (const ci of inArticle) {
        const c = this.counted[ci]!;
        for (let k = 0; k < c.supers.length; k++) if (here.has(c.supers[k]!)) c.shared[k]!++;
      }
    }
  }

  /** The vocabulary's matches in the tokens. */
  private matchVocabulary(tokens: TokenizedText): MatchList {
    this.vocabularyMatcher ??= createMatcher(this.vocabulary);
    return this.vocabularyMatcher.match(tokens).matches;
  }

  private vocabularySpans(tokens: TokenizedText): Int32Array | undefined {
    let spans: Int32Array | undefined;
    const matches = this.matchVocabulary(tokens);
    for (let i = 0; i < matches.length; i++) {
      const kind = matches.kind(i);
      if (kind === 'nisba' || kind === 'inflected' || this.vocabulary.tags.get(matches.tags[i]!).type === 'topic') continue;
      const tokenStart = matches.tokenStarts[i]!;
      const tokenEnd = matches.tokenEnds[i]!;
      // Per token: the end of the longest vocabulary match covering it, and where that match starts.
      spans ??= new Int32Array(tokens.length * 2).fill(-1);
      for (let k = tokenStart; k < tokenEnd; k++) {
        if (tokenEnd - tokenStart > spans[2 * k + 1]! - spans[2 * k]!) {
          spans[2 * k] = tokenStart;
          spans[2 * k + 1] = tokenEnd;
        }
      }
    }
    return spans;
  }

  /** Does a vocabulary match at least as long overlap tokens [start, end) and reach beyond them? */
  private insideVocabularyName(spans: Int32Array, start: number, end: number): boolean {
    for (let k = start; k < end; k++) {
      const s = spans[2 * k]!;
      const e = spans[2 * k + 1]!;
      if (s < 0) continue;
      if (e - s >= end - start && (s < start || e > end || (s === start && e === end))) return true;
    }
    return false;
  }

  /**
   * A one-word name read into a word only by dropping its article and adding clitics (الين in
   * بين) is another word: a one-word candidate is counted where the word ends with it, its
   * article written (or merged into لل).
   */
  private singleWordReading(candidate: string, tokenKey: string): boolean {
    if (tokenKey.endsWith(candidate)) return true;
    return candidate.startsWith('ال') && tokenKey.endsWith('ل' + candidate.slice(2)) && tokenKey.startsWith('لل');
  }

  /** The suggestions, best first. */
  results(): Suggestion[] {
    if (!this.prepared) this.prepare();
    const counted = this.counted;
    // Fragments into the longer names they stand for (هاموند in articles about فيليب هاموند); the
    // shorter first, so that what a fragment carries follows its name if that is folded in turn.
    const order = counted.map((_, i) => i).sort((a, b) => counted[a]!.seen.words - counted[b]!.seen.words);
    const root = (i: number): number => {
      while (counted[i]!.foldedInto >= 0) i = counted[i]!.foldedInto;
      return i;
    };
    for (const i of order) {
      const c = counted[i]!;
      if (c.articles === 0) continue;
      let target = -1;
      let shared = 0;
      for (let k = 0; k < c.supers.length; k++) {
        if (c.shared[k]! > shared) [target, shared] = [c.supers[k]!, c.shared[k]!];
      }
      // A head and its name (شركة أرامكو / أرامكو): the bare name is the tag news uses.
      if (target >= 0 && shared >= FRAGMENT_SHARE * c.articles) {
        const t = root(target);
        this.foldInto(counted[t]!, c, shared);
        c.foldedInto = t;
      }
    }
    for (const c of counted) {
      if (c.foldedInto >= 0) continue;
      const words = c.seen.key.split(' ');
      if (words.length === 2 && DETACHABLE_ORG_HEADS.has(words[0]!)) {
        const bare = counted.findIndex((o) => o.seen.key === words[1] && o.foldedInto < 0);
        if (bare >= 0 && counted[bare]!.articles >= c.articles) {
          this.foldInto(counted[bare]!, c, 0);
          c.foldedInto = bare;
        }
      }
    }
    // One person named short and long (عادل الطريفي / عادل بن زيد الطريفي): the same given and
    // family name, patronyms between. The name news uses more takes the other.
    const byEnds = new Map<string, number[]>();
    counted.forEach((c, i) => {
      if (c.foldedInto >= 0 || c.seen.fragmentOnly) return;
      const w = c.seen.key.split(' ');
      if (w.length < 2 || headOf(w[0]!) !== undefined || c.seen.votes[0] < Math.max(c.seen.votes[1], c.seen.votes[2])) return;
      const ends = `${w[0]} ${w[w.length - 1]}`;
      const list = byEnds.get(ends);
      if (list === undefined) byEnds.set(ends, [i]);
      else list.push(i);
    });
    for (const list of byEnds.values()) {
      if (list.length < 2) continue;
      list.sort((x, y) => counted[y]!.articles - counted[x]!.articles);
      const [first, ...rest] = list;
      for (const i of rest) {
        const w = counted[i]!.seen.key.split(' ');
        const f = counted[first!]!.seen.key.split(' ');
        // Only patronym chains between: not two people of one family (فهد العتيبي / خالد فهد العتيبي).
        const between = (x: string[]): boolean => x.slice(1, -1).every((v, k, arr) => PATRONYM_LINKS.has(v) || (k > 0 && PATRONYM_LINKS.has(arr[k - 1]!)));
        if (!between(w) || !between(f)) continue;
        this.foldInto(counted[first!]!, counted[i]!, 0);
        counted[i]!.foldedInto = first!;
      }
    }
    const out: Suggestion[] = [];
    for (const c of counted) {
      if (c.foldedInto >= 0 || c.articles < this.minArticles || c.seen.fragmentOnly) continue;
      const s = this.suggestion(c);
      if (s !== undefined) out.push(s);
    }
    out.sort((a, b) => b.score - a.score || b.articles - a.articles || (a.label < b.label ? -1 : 1));
    return out.slice(0, this.top);
  }

  private foldInto(into: Counted, from: Counted, shared: number): void {
    into.mentions += from.mentions;
    into.articles += from.articles - shared;
    into.titleArticles += from.titleArticles;
    into.recentArticles += Math.max(0, from.recentArticles - Math.round((shared * from.recentArticles) / Math.max(1, from.articles)));
    for (let k = 0; k < 3; k++) into.seen.votes[k]! += from.seen.votes[k]!;
    into.seen.kinds = into.seen.kinds.map((v, k) => v + from.seen.kinds[k]!);
    into.seen.frameArticles += from.seen.frameArticles;
    into.seen.strongArticles += from.seen.strongArticles;
    for (const [t, n] of from.surfaces) bump(into.surfaces, t, n);
    if (from.firstSeen !== undefined && (into.firstSeen === undefined || from.firstSeen < into.firstSeen)) into.firstSeen = from.firstSeen;
    if (from.lastSeen !== undefined && (into.lastSeen === undefined || from.lastSeen > into.lastSeen)) into.lastSeen = from.lastSeen;
    into.extraVariants.push(from.exactSurfaces.size > 0 ? best(from.exactSurfaces)! : from.label);
  }

  /** A given name: listed, known to the vocabulary, or one news often follows with بن (as the frames read it). */
  private isGivenName(key: string): boolean {
    if (GIVEN_NAMES.has(key) || this.known.given.has(key)) return true;
    if (this.bg.documents === 0) return false;
    const df = this.bg.df(key);
    return df >= 5 && this.bg.bigramDf(key, 'بن') >= 0.08 * df;
  }

  private share(key: string): number {
    return this.bg.documents === 0 ? 0 : this.bg.df(key) / this.bg.documents;
  }

  private suggestion(c: Counted): Suggestion | undefined {
    const s = c.seen;
    const words = s.key.split(' ');
    const head = headOf(words[0]!);
    const nameWords = head !== undefined && words.length > 1 ? words.slice(1) : words;
    const a = c.articles;
    // Share of its articles in which a frame says a name stands there: high for names (titles
    // precede them again and again), low for a word a frame caught once or twice.
    const frameShare = Math.min(1, (s.strongArticles + 0.3 * (s.frameArticles - s.strongArticles)) / a);
    if (frameShare < (nameWords.length === 1 ? MIN_FRAME_SHARE_ONE_WORD : MIN_FRAME_SHARE)) return undefined;
    const titleShare = (c.titleArticles + 1) / (a + 5);
    const commonWords = nameWords.filter((w) => this.share(w) > COMMON_SHARE / 4 && !GIVEN_NAMES.has(w) && !this.known.given.has(w)).length;
    const allCommon = commonWords === nameWords.length;
    const known = (GIVEN_NAMES.has(nameWords[0]!) || this.known.given.has(nameWords[0]!) ? 1 : 0) + (nameWords.length > 1 && this.known.family.has(nameWords[nameWords.length - 1]!) ? 1 : 0);
    const foreign = nameWords.some(looksTransliterated);
    // A name of given names only (محمد أحمد، عبدالله بن محمد) is shared by many people: the
    // more different ways news goes on after it, the less it names one person.
    const links = nameWords.filter((w) => NAME_JOINERS.has(w)).length;
    const givenOnly = nameWords.length >= 2 && nameWords.every((w) => NAME_JOINERS.has(w) || this.isGivenName(w));
    const spread = givenOnly ? Math.min(1, (s.continuations ?? 0) / Math.max(1, 0.2 * s.frameArticles)) : 0;
    void links;
    if (nameWords.length === 1 && this.isGivenName(nameWords[0]!)) return undefined;
    // Common phrases: frequent everywhere, rare in headlines (مجلس الإدارة، رجل الأمن).
    if (allCommon && a >= 10 && c.titleArticles / a < 0.03) return undefined;
    // Type: what the frames said, unless the label's own head says otherwise.
    const votes = [...s.votes] as TypeVotes;
    if (head?.kind === 'org') votes[1] += 2;
    if (head?.kind === 'place' || (words.length > 1 && PLACE_HEADS.has(words[0]!) && KEPT_PLACE_HEADS.has(words[0]!))) votes[2] += 2;
    const total = votes[0] + votes[1] + votes[2];
    const top = votes.indexOf(Math.max(...votes));
    const confidence = total > 0 ? votes[top]! / total : 0;
    const type = total >= 1 && confidence >= 0.6 ? VOTE_TYPES[top] : undefined;
    // Names named often are the ones worth a tag: the number of articles weighs as much as the
    // frames; z is spread (÷ 2) so that the scores of strong candidates stay apart.
    const z =
      -4.2 +
      0.55 * Math.log(1 + s.strongArticles + 0.3 * (s.frameArticles - s.strongArticles)) +
      0.65 * Math.log(a) +
      1.6 * Math.sqrt(frameShare) +
      2.5 * (titleShare - 0.1) +
      0.8 * confidence +
      0.3 * known +
      0.3 * (foreign ? 1 : 0) +
      0.3 * (nameWords.length >= 2 ? 1 : 0) -
      0.8 * (nameWords.length === 1 && type !== 'place' ? 1 : 0) -
      (givenOnly ? 0.8 + 1.2 * spread : 0) -
      1.5 * (commonWords / nameWords.length) -
      (type === undefined ? 0.6 : 0);
    const score = Math.round(1000 / (1 + Math.exp(-z / 2))) / 1000;
    const label = best(c.exactSurfaces) ?? best(c.surfaces) ?? c.label;
    const labelKey = foldKey(label);
    const variants: string[] = [];
    const seenKeys = new Set([label]);
    for (const [t] of [...c.surfaces.entries()].sort((x, y) => y[1] - x[1])) {
      if (!seenKeys.has(t)) {
        seenKeys.add(t);
        variants.push(t);
      }
    }
    for (const t of c.extraVariants) if (!seenKeys.has(t)) (seenKeys.add(t), variants.push(t));
    const recentShare = (c.recentArticles + 0.5) / (this.recentTotal + 1);
    const beforeShare = (a - c.recentArticles + 0.5) / (this.articlesCounted - this.recentTotal + 1);
    const evidence: Partial<Record<EvidenceKind, number>> = {};
    EVIDENCE_KINDS.forEach((k, i) => {
      if (s.kinds[i]! > 0) evidence[k] = s.kinds[i]!;
    });
    const parentText = type === 'place' ? best(s.parents) : undefined;
    const parent = parentText !== undefined ? this.parentLabel(parentText) : undefined;
    void labelKey;
    return {
      label,
      ...(type !== undefined ? { type } : {}),
      score,
      mentions: c.mentions,
      articles: a,
      variants: variants.slice(0, 12),
      examples: c.examples,
      ...(parent !== undefined ? { parent } : {}),
      ...(c.firstSeen !== undefined ? { firstSeen: c.firstSeen } : {}),
      ...(c.lastSeen !== undefined ? { lastSeen: c.lastSeen } : {}),
      burst: Math.round(1000 * Math.log2(recentShare / beforeShare)) / 1000,
      titleArticles: c.titleArticles,
      evidence,
    };
  }

  /** The vocabulary's label for a parent place written in the text, or the text itself. */
  private parentLabel(text: string): string {
    const matches = this.matchVocabulary(this.tokenizer.tokenize(text));
    for (let i = 0; i < matches.length; i++) {
      const tag = this.vocabulary.tags.get(matches.tags[i]!);
      if (tag.type === 'place' && matches.tokenStarts[i] === 0) return tag.label;
    }
    return text;
  }
}
