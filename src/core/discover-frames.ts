/**
 * Evidence frames of new-tag discovery: where in one field of an article a name stands, what
 * says so, and what it names. Pure: tokens and background statistics in, spans out.
 *
 * A frame gives a span of tokens and the shortest span it vouches for (the name after a title
 * may be one word or four: the first word alone, then each longer run, are counted, and the
 * archive decides where names end — see discover.ts).
 */
import type { BackgroundModel } from './background.js';
import {
  GIVEN_NAMES,
  headKey,
  headOf,
  KUNYA_LINKS,
  looksTransliterated,
  NAME_JOINERS,
  NISBA_END,
  PARENT_LINKS,
  PATRONYM_LINKS,
  ROLE_LINKS,
  STOP_WORDS,
  withoutClitics,
} from './discover-lexicon.js';
import { matchTokens } from './match.js';
import type { Token } from './tokenize.js';
import type { TagType } from './types.js';

export type EvidenceKind = 'title' | 'role' | 'patronym' | 'kunya' | 'given' | 'org-head' | 'place-head' | 'quote' | 'foreign';
export const EVIDENCE_KINDS: readonly EvidenceKind[] = ['title', 'role', 'patronym', 'kunya', 'given', 'org-head', 'place-head', 'quote', 'foreign'];

/** How much each kind of frame says for the type it proposes. */
export const TYPE_WEIGHT: Readonly<Record<EvidenceKind, number>> = {
  title: 1,
  role: 1,
  patronym: 1,
  kunya: 0.5,
  given: 0.8,
  'org-head': 1,
  'place-head': 1,
  quote: 0,
  foreign: 0.3,
};

export interface FrameHit {
  /** Token span [tokenStart, tokenEnd) of the longest reading. */
  tokenStart: number;
  tokenEnd: number;
  /** The shortest token end the frame vouches for (tokenStart < minTokenEnd <= tokenEnd). */
  minTokenEnd: number;
  evidence: EvidenceKind;
  type?: TagType;
  /** For a place: the text of the place the context puts it in (X في منطقة Y). */
  parent?: string;
}

/** Names known to the vocabulary: given names (first words of person tags) and family names (last words). */
export interface KnownNames {
  given: ReadonlySet<string>;
  family: ReadonlySet<string>;
}

/** A word in more than this share of news articles is a common word, not a name (unless names know it). */
export const COMMON_SHARE = 0.012;
/** A word in fewer articles than this gives too little to say it is used as a given name. */
const GIVEN_MIN_DF = 5;
/** A word followed by بن in this share of its articles is a given name (سعد بن، فيصل بن). */
const GIVEN_BIN_SHARE = 0.08;

/** A word in fewer than this share of news articles is rare enough to be a name of its own. */
const RARE_SHARE = 0.0015;

const MAX_NAME_WORDS = 5;
const MAX_COMPLEMENT = 5;
const MAX_QUOTED = 4;

/** Between two tokens of one name: white space, quotation marks, tatweel; any other punctuation breaks it. */
const NAME_GAP = /^[\s«»"“”„‹›'‘’\u0640\u200c\u200d\u200e\u200f]*$/;
const OPEN_QUOTE = /[«"“„‹]/;
const CLOSE_QUOTE = /[»"”›]/;

export interface FieldView {
  readonly text: string;
  readonly tokens: readonly Token[];
  /** Canonical token keys, as the matcher and the background statistics see them. */
  readonly keys: readonly string[];
}

export function fieldView(text: string, tokens: readonly Token[]): FieldView {
  return { text, tokens, keys: matchTokens(tokens).map((t) => t.key) };
}

/** The frames of one field. */
export function findFrames(field: FieldView, background: BackgroundModel, known: KnownNames): FrameHit[] {
  return new FrameFinder(field, background, known).run();
}

class FrameFinder {
  private readonly n: number;
  private readonly hits: FrameHit[] = [];
  private readonly nameMemo = new Map<string, boolean>();

  constructor(
    private readonly f: FieldView,
    private readonly bg: BackgroundModel,
    private readonly known: KnownNames,
  ) {
    this.n = f.tokens.length;
  }

  run(): FrameHit[] {
    for (let i = 0; i < this.n; i++) {
      const key = this.f.keys[i]!;
      if (this.f.tokens[i]!.script !== 'arabic') continue;
      const head = headOf(key);
      if (head?.kind === 'title') this.title(i);
      else if (head?.kind === 'role') this.role(i, i + 1);
      else if (head?.kind === 'org') this.orgHead(i, head.keep);
      else if (head?.kind === 'place') this.placeHead(i, head.keep);
      if (PATRONYM_LINKS.has(key)) this.patronym(i);
      else if (KUNYA_LINKS.has(key)) this.kunya(i);
      else if (head === undefined && this.isGiven(key)) this.given(i);
      if (OPEN_QUOTE.test(this.gapBefore(i))) this.quote(i);
      if (head === undefined && looksTransliterated(key) && this.nameish(i) && !this.isCommon(key)) this.foreign(i);
    }
    return this.hits;
  }

  private gapBefore(i: number): string {
    const t = this.f.tokens;
    if (i === 0) return '';
    return this.f.text.slice(t[i - 1]!.end, i < this.n ? t[i]!.start : this.f.text.length);
  }

  /** Does punctuation other than quotation marks stand between token i - 1 and token i? */
  private breakBefore(i: number): boolean {
    return i > 0 && !NAME_GAP.test(this.gapBefore(i));
  }

  private isCommon(key: string): boolean {
    return this.bg.documents > 0 && this.bg.df(key) > COMMON_SHARE * this.bg.documents;
  }

  /** Does an organisation or place head stand just before token s, maybe with a title between (مستشفى الملك فهد)? */
  private insideOrgName(s: number): boolean {
    for (let k = s - 1; k >= 0 && k >= s - 2; k--) {
      if (this.breakBefore(k + 1)) return false;
      const head = headOf(this.f.keys[k]!);
      if (head?.kind === 'org' || head?.kind === 'place') return true;
      if (head?.kind !== 'title') return false;
    }
    return false;
  }

  /** A given name: listed, known to the vocabulary, or one news often follows with بن. */
  isGiven(key: string): boolean {
    if (GIVEN_NAMES.has(key) || this.known.given.has(key)) return true;
    if (this.bg.documents === 0) return false;
    const df = this.bg.df(key);
    return df >= GIVEN_MIN_DF && this.bg.bigramDf(key, 'بن') >= GIVEN_BIN_SHARE * df;
  }

  private isNamePart(key: string): boolean {
    return this.isGiven(key) || this.known.family.has(key);
  }

  /** Can token i be part of a name? Not a function word, head or number; a name part or not a common word. */
  nameish(i: number): boolean {
    const t = this.f.tokens[i];
    if (t === undefined || t.script !== 'arabic') return false;
    const key = this.f.keys[i]!;
    let r = this.nameMemo.get(key);
    if (r === undefined) {
      r = key.length >= 2 && !STOP_WORDS.has(key) && !(key.length > 3 && key.startsWith('و') && STOP_WORDS.has(key.slice(1))) && headOf(key) === undefined && (this.isNamePart(key) || !this.isCommon(key));
      this.nameMemo.set(key, r);
    }
    return r;
  }

  /** End of the name run starting at i (i itself when there is none). */
  private nameRun(i: number, max = MAX_NAME_WORDS): number {
    let j = i;
    while (j < this.n && j - i < max && !(j > i && this.breakBefore(j))) {
      const key = this.f.keys[j]!;
      // للعلوم، والتقنية، ومعارض: a genitive with ل or a conjunct is no part of a person's name.
      if (key.startsWith('لل') || key.startsWith('وال') || key.startsWith('بال') || (j > i && key.startsWith('و') && !this.isNamePart(key))) break;
      // يتفقد، تستقبل: an imperfect verb ends the name and starts the predicate.
      if (j > i && /^س?[يتن]/.test(key) && key.length >= 4 && !this.isNamePart(key) && !looksTransliterated(key)) break;
      // منصور التركي، محمد المصري: a family name shaped like a nisba, after a given name.
      if (j > i && this.isGiven(this.f.keys[j - 1]!) && key.startsWith('ال') && NISBA_END.test(key) && !STOP_WORDS.has(key)) {
        j++;
        continue;
      }
      if (this.nameish(j)) j++;
      else if (NAME_JOINERS.has(key) && j + 1 < this.n && !this.breakBefore(j + 1) && this.nameish(j + 1)) j += 2;
      else break;
    }
    while (j > i && NAME_JOINERS.has(this.f.keys[j - 1]!)) j--;
    return Math.min(j, i + max + 1);
  }

  /**
   * Can token i start a name after a title or role? Not an imperfect verb (يتفقد، تهنئ: a name
   * after the role is missing, and the sentence goes on), nor a preposition on a common word
   * (بذكرى، بمعاملة).
   */
  private canStartName(i: number): boolean {
    const key = this.f.keys[i]!;
    if (this.isNamePart(key)) return true;
    if (/^س?[يتن]/.test(key) && key.length >= 4 && !looksTransliterated(key)) return false;
    if (/^[بلك]/.test(key) && key.length >= 4 && this.isCommonAt(key.slice(1), RARE_SHARE)) return false;
    // ومسؤولو، وأعضاء: a conjunction starts a new phrase, not a name.
    if (key.startsWith('و') && key.length >= 4 && !looksTransliterated(key)) return false;
    return true;
  }

  private isCommonAt(key: string, share: number): boolean {
    return this.bg.documents > 0 && this.bg.df(key) > share * this.bg.documents;
  }

  private add(hit: FrameHit): void {
    if (hit.tokenEnd > hit.tokenStart && hit.minTokenEnd > hit.tokenStart && hit.minTokenEnd <= hit.tokenEnd) this.hits.push(hit);
  }

  private isNisba(i: number): boolean {
    const key = this.f.keys[i]!;
    return key.startsWith('ال') && key.length >= 5 && NISBA_END.test(key) && !this.isNamePart(key);
  }

  /** Title words, role links and nisba adjectives after a title (الرئيس الأمريكي، الشيخ الدكتور). */
  private skipTitleTail(j: number): number {
    while (j < this.n && !this.breakBefore(j)) {
      const key = this.f.keys[j]!;
      const head = headOf(key);
      if (head?.kind === 'title' || ROLE_LINKS.has(key) || this.isNisba(j)) j++;
      // المدرب الوطني خالد، الرئيس المعزول محمد: a definite adjective, then a given name.
      else if (key.startsWith('ال') && !this.isNamePart(key) && j + 1 < this.n && !this.breakBefore(j + 1) && this.isGiven(this.f.keys[j + 1]!)) j++;
      else break;
    }
    return j;
  }

  private title(i: number): void {
    let j = this.skipTitleTail(i + 1);
    if (j >= this.n || this.breakBefore(j)) return;
    if (headOf(this.f.keys[j]!)?.kind === 'role') return this.role(j, j + 1);
    // مدينة الملك عبدالعزيز للعلوم، جامعة الأمير سلطان: an organisation's name, read by its head.
    if (i > 0 && !this.breakBefore(i) && headOf(this.f.keys[i - 1]!)?.kind === 'org') return;
    if (i > 0 && !this.breakBefore(i) && headOf(this.f.keys[i - 1]!)?.kind === 'place') return;
    if (!this.canStartName(j)) return;
    const end = this.nameRun(j);
    if (end > j) this.add({ tokenStart: j, tokenEnd: end, minTokenEnd: j + 1, evidence: 'title', type: 'person' });
  }

  /** وزير الخارجية البريطاني فيليب هاموند: the complement (الخارجية) and its adjectives are skipped. */
  private role(i: number, from: number): void {
    let j = from;
    let complement = 0;
    while (j < this.n && complement < MAX_COMPLEMENT && !this.breakBefore(j)) {
      const key = this.f.keys[j]!;
      const head = headOf(key);
      const definite = key.startsWith('ال') || key.startsWith('لل');
      if (head?.kind === 'title') return this.title(j);
      if (ROLE_LINKS.has(key) || head?.kind === 'org' || head?.kind === 'place' || (definite && !this.isNamePart(key))) {
        j++;
        complement++;
      } else break;
    }
    if (complement === 0 || j >= this.n || this.breakBefore(j)) return;
    j = this.skipTitleTail(j);
    if (j >= this.n || !this.canStartName(j)) return;
    const end = this.nameRun(j);
    if (end > j) this.add({ tokenStart: j, tokenEnd: end, minTokenEnd: j + 1, evidence: 'role', type: 'person' });
  }

  /** محمد بن سلمان، عبد الله بن زايد آل نهيان: the name from the given name before بن. */
  private patronym(i: number): void {
    if (i === 0 || this.breakBefore(i) || !this.nameish(i - 1) || i + 1 >= this.n || this.breakBefore(i + 1) || !this.nameish(i + 1)) return;
    let s = i - 1;
    if (s > 0 && !this.breakBefore(s) && this.f.keys[s - 1] === 'عبد') s--;
    // Inside a longer chain (فيصل بن عبدالله بن محمد) the chain's first بن has made the name.
    if (s > 0 && !this.breakBefore(s) && PATRONYM_LINKS.has(this.f.keys[s - 1]!)) return;
    // جامعة الإمام محمد بن سعود: the organisation's head reads it.
    if (this.insideOrgName(s)) return;
    const end = this.nameRun(i + 1, MAX_NAME_WORDS);
    this.add({ tokenStart: s, tokenEnd: end, minTokenEnd: i + 2, evidence: 'patronym', type: 'person' });
  }

  /** أبو بكر البغدادي: a kunya and what follows. */
  private kunya(i: number): void {
    if (i + 1 >= this.n || this.breakBefore(i + 1) || !this.nameish(i + 1)) return;
    if (i > 0 && !this.breakBefore(i) && this.nameish(i - 1)) return;
    const end = this.nameRun(i + 1, 3);
    this.add({ tokenStart: i, tokenEnd: end, minTokenEnd: i + 2, evidence: 'kunya', type: 'person' });
  }

  /** خالد الفيصل: a known given name starting a name of two words or more. */
  private given(i: number): void {
    if (i > 0 && !this.breakBefore(i) && (this.nameish(i - 1) || NAME_JOINERS.has(this.f.keys[i - 1]!))) return;
    const prevHead = i > 0 ? headOf(this.f.keys[i - 1]!) : undefined;
    if (prevHead !== undefined) return;
    if (i + 1 >= this.n || this.breakBefore(i + 1)) return;
    const end = this.nameRun(i);
    let rare = false;
    for (let k = i + 1; k < end; k++) {
      const key = this.f.keys[k]!;
      if ((!this.isCommonAt(key, RARE_SHARE) || (key.startsWith('ال') && NISBA_END.test(key))) && !NAME_JOINERS.has(key)) rare = true;
    }
    if (end >= i + 2 && rare) this.add({ tokenStart: i, tokenEnd: end, minTokenEnd: i + 2, evidence: 'given', type: 'person' });
  }

  /** The words an organisation or place head governs: definite nouns and adjectives, names. */
  private complementRun(from: number, max: number): number {
    let j = from;
    // In a construct chain, once a definite noun has come, what follows is definite too
    // (نادي الرياض الأدبي); an indefinite word starts another phrase (… أمسية شعرية) — except a
    // name after a title (جامعة الملك سعود).
    let definiteSeen = false;
    while (j < this.n && j - from < max && !this.breakBefore(j)) {
      const key = this.f.keys[j]!;
      if (this.f.tokens[j]!.script !== 'arabic') break;
      // هيئة الأمر بالمعروف والنهي عن المنكر: a preposition inside the chain, a definite noun after it.
      if (STOP_WORDS.has(key)) {
        const next = this.f.keys[j + 1];
        if (j > from && definiteSeen && (key === 'عن' || key === 'في' || key === 'من') && next !== undefined && next.startsWith('ال') && !this.breakBefore(j + 1)) {
          j += 2;
          continue;
        }
        break;
      }
      if (headOf(key)?.kind === 'title') {
        j++;
        definiteSeen = false;
        continue;
      }
      const definite = key.startsWith('ال') || key.startsWith('لل') || key.startsWith('وال') || (j > from && key.startsWith('بال'));
      if (definite) {
        definiteSeen = true;
        j++;
      } else if (!definiteSeen && (this.nameish(j) || NAME_JOINERS.has(key))) j++;
      else break;
    }
    while (j > from && (NAME_JOINERS.has(this.f.keys[j - 1]!) || this.f.keys[j - 1]!.startsWith('وال') && j - 1 === from)) j--;
    return j;
  }

  /** May what follows a detachable head stand alone as the name (شركة أرامكو → أرامكو)? */
  private ownName(i: number, end: number): boolean {
    for (let k = i; k < end; k++) if (this.isCommon(this.f.keys[k]!) || !this.nameish(k)) return false;
    return true;
  }

  private orgHead(i: number, keep: 'always' | 'unless-name' | 'never'): void {
    const from = i + 1;
    if (from >= this.n || this.breakBefore(from)) return;
    const first = this.f.keys[from]!;
    // مجلس إدارة، شركة كبيرة: an indefinite common word is a description, not a name.
    const definite = first.startsWith('ال') || first.startsWith('لل');
    // تنظيم «داعش»: a quoted word after a head is a name, however common it is in news.
    const quoted = OPEN_QUOTE.test(this.gapBefore(from));
    if (!definite && (!this.nameish(from) || (!quoted && this.isCommonAt(first, RARE_SHARE)))) return;
    const end = this.complementRun(from, MAX_COMPLEMENT);
    if (end <= from) return;
    if (keep !== 'always' && (quoted || this.ownName(from, Math.min(end, from + 1))) && !definite) {
      this.add({ tokenStart: from, tokenEnd: end, minTokenEnd: from + 1, evidence: 'org-head', type: 'organisation' });
    } else {
      this.add({ tokenStart: i, tokenEnd: end, minTokenEnd: from + 1, evidence: 'org-head', type: 'organisation' });
    }
  }

  private placeHead(i: number, keep: 'always' | 'unless-name' | 'never'): void {
    const from = i + 1;
    if (from >= this.n || this.breakBefore(from) || !this.nameish(from)) return;
    const first = this.f.keys[from]!;
    const definite = first.startsWith('ال');
    if (!definite && this.isCommon(first) && !this.isNamePart(first)) return;
    const end = this.nameRun(from, 3);
    if (end <= from) return;
    const parent = this.parentAfter(end);
    const named = keep !== 'always' && this.ownName(from, end);
    const start = named ? from : i;
    this.add({ tokenStart: start, tokenEnd: end, minTokenEnd: from + 1, evidence: 'place-head', type: 'place', ...(parent !== undefined ? { parent } : {}) });
  }

  /** X في منطقة Y، X التابعة لمحافظة Y، X شمال Y: the text of Y. */
  private parentAfter(end: number): string | undefined {
    let j = end;
    let linked = false;
    for (let steps = 0; steps < 3 && j < this.n && !this.breakBefore(j); steps++) {
      const key = this.f.keys[j]!;
      if (PARENT_LINKS.has(key)) {
        linked = true;
        j++;
        if (/^[بل]/.test(key) && key.length > 3 && headOf(key)?.kind === 'place') break;
      } else if (linked && headOf(key)?.kind === 'place') j++;
      else break;
    }
    if (!linked || j >= this.n || this.breakBefore(j) || !this.nameish(j)) return undefined;
    const stop = this.nameRun(j, 2);
    if (stop <= j) return undefined;
    const t = this.f.tokens;
    return this.f.text.slice(t[j]!.start, t[stop - 1]!.end);
  }

  /** «داعش»، «عاصفة الحزم»: a short quoted run that is not a common word. */
  private quote(i: number): void {
    let k = i;
    while (k < this.n && k - i < MAX_QUOTED) {
      if (k > i && this.breakBefore(k)) return;
      if (CLOSE_QUOTE.test(this.gapBefore(k + 1))) break;
      k++;
    }
    if (k >= this.n || k - i >= MAX_QUOTED) return;
    const head = i > 0 && !this.breakBefore(i) ? headOf(this.f.keys[i - 1]!) : undefined;
    // After an organisation or place head a quoted word is a name even when news uses it a lot.
    let rare = head?.kind === 'org' || head?.kind === 'place';
    for (let m = i; m <= k; m++) {
      const key = this.f.keys[m]!;
      if (STOP_WORDS.has(key) || this.f.tokens[m]!.script !== 'arabic') return;
      if (!this.isCommon(key) && headOf(key) === undefined) rare = true;
    }
    if (!rare) return;
    const type = head?.kind === 'org' ? 'organisation' : head?.kind === 'place' ? 'place' : head !== undefined ? 'person' : undefined;
    this.add({ tokenStart: i, tokenEnd: k + 1, minTokenEnd: k + 1, evidence: 'quote', ...(type !== undefined ? { type } : {}) });
  }

  /** كاميرون، هاموند: a transliterated foreign word, with the name words around it. */
  private foreign(i: number): void {
    let s = i;
    if (s > 0 && !this.breakBefore(s) && this.nameish(s - 1) && (looksTransliterated(this.f.keys[s - 1]!) || this.isGiven(this.f.keys[s - 1]!))) s--;
    // Only where a name starts: the frames before have seen a name that starts earlier.
    if (s > 0 && !this.breakBefore(s) && this.nameish(s - 1)) return;
    const end = this.nameRun(s, 3);
    if (end > i) this.add({ tokenStart: s, tokenEnd: end, minTokenEnd: i + 1, evidence: 'foreign', type: 'person' });
  }
}

/** The key of a token span: its canonical keys joined by spaces, the first without its proclitics when it had some. */
export function spanKey(field: FieldView, start: number, end: number): string {
  const parts = field.keys.slice(start, end);
  parts[0] = headKey(parts[0]!);
  return parts.join(' ');
}

/** The text of a token span as written, proclitics of its first word dropped when they are plain clitics on a head. */
export function spanText(field: FieldView, start: number, end: number): string {
  const t = field.tokens;
  let from = t[start]!.start;
  const key = field.keys[start]!;
  const bare = headKey(key);
  if (bare !== key && bare.length < key.length && !bare.startsWith('ال')) from += key.length - bare.length;
  else if (bare !== key && bare.startsWith('ال') && key.startsWith('لل')) {
    // للرئيس → الرئيس: the written form has no alef to keep; the article is written back.
    return 'ال' + field.text.slice(from + 2, t[end - 1]!.end);
  }
  return field.text.slice(from, t[end - 1]!.end);
}

export { withoutClitics };
