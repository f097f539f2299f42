/**
 * Compiles a vocabulary into a token trie over canonical folded tokens. Lookup cost per text
 * token is a handful of probes whatever the vocabulary size: token → id in one hash, then
 * (trie node, token id) → child in the trie (see trie.ts). Inflection and nisba bases have
 * their own hashes for single-token tags. The compiled form serialises with codec.ts.
 */
import { WasimError } from '../errors.js';
import { foldKey } from '../fold.js';
import { articleOffset, inflectionBase, nisbaBaseFor, withoutArticle } from '../morph.js';
import { tokenize, type Token } from '../tokenize.js';
import type { TagType, VocabEntry } from '../types.js';
import { canonicalKey } from '../variants.js';
import { Rows } from './rows.js';
import { StringFilter, StringIndex } from './string-index.js';
import { buildTrie, TrieBuilder, type Trie } from './trie.js';

export interface CompiledTag {
  id: string;
  label: string;
  type?: TagType;
  parent?: string;
  ambiguous: boolean;
  /** Folded label: tags are compared and merged on it. */
  key: string;
  /** Number of tokens of the label (a multi-word name is stronger evidence). */
  labelTokens: number;
  /**
   * What the tag names: tags with one entity are twins (حماس / حركة حماس, مفاوضات / المفاوضات)
   * and the ranker reports only the best of them.
   */
  entity: string;
  /** The label is a nisba adjective of its entity (المصري for Egypt): never the name to report. */
  nisbaLabel?: boolean;
}

export interface Pattern {
  tag: number;
  /** Light form of each token as the vocabulary wrote it (checked against the text's letters). */
  lights: string[];
  /** Tokens rewritten by a spelling-variant rule (their letters are not checked). */
  rewritten: boolean[];
  /** A listed nisba form rather than a name. */
  nisba: boolean;
  /** Not the tag's own label: an alias (for a topic, a word that signals it). */
  alias?: boolean;
  /** Light form of the single token's inflection or nisba base, when it has one. */
  inflectionBaseLight?: string;
  nisbaBaseLight?: string;
}

export interface CompileOptions {
  /** Types known for labels of an untyped vocabulary (e.g. from the default vocabulary), by folded label. */
  typeHints?: ReadonlyMap<string, TagType>;
  /** Labels known to be ambiguous (common words), by folded label. */
  ambiguousHints?: ReadonlySet<string>;
  /** Entity known for a folded form (label, alias or nisba form of one default-vocabulary entry). */
  entityHints?: ReadonlyMap<string, string>;
  /** Nisba forms known for an entity (from the default vocabulary), lent to tags of that entity. */
  nisbaHints?: ReadonlyMap<string, readonly string[]>;
  /** Names known for an entity (label and aliases), lent to tags of that entity: أمريكا ← الولايات المتحدة. */
  aliasHints?: ReadonlyMap<string, readonly string[]>;
}

/** The entity of a tag without hints: its folded label without the article (مفاوضات = المفاوضات). */
export function entityOfKey(key: string): string {
  return key.includes(' ') ? key : withoutArticle(key);
}

export interface CompiledVocabulary {
  readonly tags: Rows<CompiledTag>;
  readonly patterns: Rows<Pattern>;
  /** canonical token key → token id */
  readonly tokenIds: Map<string, number>;
  /** The token trie; the root is node 0. */
  trie: Trie;
  /** inflection base key → ids of single-token patterns open to inflection */
  readonly inflection: Map<string, number[]>;
  /** nisba base key → ids of single-token place-name patterns */
  readonly nisbaBases: Map<string, number[]>;
  nodeCount: number;
  /** What ranking needs of every tag, in columns (see TagTable). */
  tagTable: TagTable;
  /** Compile-time warnings (merged entries, unknown parents). */
  readonly warnings: string[];
}

/**
 * What ranking needs of every tag, in columns, made once with the vocabulary: a vocabulary read
 * from its serialised form then need not make a million tag objects to rank one article.
 */
export interface TagTable {
  /** Dense number of each tag's entity, entities numbered in the order of their first tags. */
  entityOf: Int32Array;
  /** Per entity number: its first tag. */
  firstOfEntity: Int32Array;
  /** Per entity number: its first tag whose label is not a nisba of it, or -1. */
  namedOfEntity: Int32Array;
  /** 1 for a tag whose label has several words. */
  multiWord: Uint8Array;
}

/** The table of tags given by their entities' numbers (dense, in order of first tag) and two accessors. */
export function tagTableOf(entityOf: Int32Array, nisbaLabel: (tag: number) => boolean, labelTokens: (tag: number) => number): TagTable {
  let entities = 0;
  for (let i = 0; i < entityOf.length; i++) entities = Math.max(entities, entityOf[i]! + 1);
  const firstOfEntity = new Int32Array(entities).fill(-1);
  const namedOfEntity = new Int32Array(entities).fill(-1);
  const multiWord = new Uint8Array(entityOf.length);
  for (let i = 0; i < entityOf.length; i++) {
    const e = entityOf[i]!;
    if (firstOfEntity[e] === -1) firstOfEntity[e] = i;
    if (namedOfEntity[e] === -1 && !nisbaLabel(i)) namedOfEntity[e] = i;
    multiWord[i] = labelTokens(i) > 1 ? 1 : 0;
  }
  return { entityOf, firstOfEntity, namedOfEntity, multiWord };
}

/** Dense entity numbers of `count` tags given their entities' names. */
export function entityNumbers(count: number, entityName: (tag: number) => string): Int32Array {
  const names = new StringIndex(count);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = names.add(entityName(i));
  return out;
}

/** The tag table of tags held as objects: tagTableOf(entityNumbers(…), …) in one pass over them. */
export function tagTableOfRows(tags: Rows<CompiledTag>): TagTable {
  const n = tags.length;
  const names = new StringIndex(n);
  const entityOf = new Int32Array(n);
  const multiWord = new Uint8Array(n);
  // Per entity number, as entities are numbered: its first tag, and its first tag not named by a nisba.
  const firstOfEntity: number[] = [];
  const namedOfEntity: number[] = [];
  for (let i = 0; i < n; i++) {
    const tag = tags.get(i);
    const e = names.add(tag.entity);
    entityOf[i] = e;
    if (e === firstOfEntity.length) {
      firstOfEntity.push(i);
      namedOfEntity.push(-1);
    }
    if (namedOfEntity[e] === -1 && tag.nisbaLabel !== true) namedOfEntity[e] = i;
    multiWord[i] = tag.labelTokens > 1 ? 1 : 0;
  }
  return { entityOf, firstOfEntity: new Int32Array(firstOfEntity), namedOfEntity: new Int32Array(namedOfEntity), multiWord };
}

/**
 * Entity numbers are dense and in the order of first tags (each at most one more than any
 * before): the index of the first number that is not, or -1.
 */
export function firstNotEntityNumber(a: ArrayLike<number>): number {
  let next = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < 0 || v > next) return i;
    if (v === next) next++;
  }
  return -1;
}

/** Token ids beyond this many would not fit the serialised form's expectations (and no vocabulary needs them). */
const MAX_TOKENS = 2 ** 24;

const NO_FORMS: readonly string[] = [];

/**
 * Only common-noun topics inflect: a name's ending is part of it (كانتون is not كانت + ـون,
 * طالبان is not طالب + ـان), and an untyped tag may be a name.
 */
export const INFLECTABLE_TYPES: ReadonlySet<TagType | undefined> = new Set<TagType | undefined>(['topic', 'event']);

const EMPTY_TRIE: Trie = buildTrie(1, 0, new Int32Array(0), []);

export function emptyCompiled(): CompiledVocabulary {
  const tags = Rows.of<CompiledTag>([]);
  return { tags, patterns: Rows.of([]), tokenIds: new Map(), trie: EMPTY_TRIE, inflection: new Map(), nisbaBases: new Map(), nodeCount: 1, tagTable: tagTableOfRows(tags), warnings: [] };
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/**
 * `rewritten` of the patterns none of whose tokens a variant rule rewrote (nearly all), by length:
 * shared, since patterns are never changed once compiled, and a million arrays are memory.
 */
const NONE_REWRITTEN: readonly boolean[][] = Array.from({ length: 65 }, (_, n) => new Array<boolean>(n).fill(false));

/** The shared all-false `rewritten` of a pattern of `count` tokens (a fresh one past 64 tokens). */
export function noneRewritten(count: number): boolean[] {
  return count < NONE_REWRITTEN.length ? NONE_REWRITTEN[count]! : new Array<boolean>(count).fill(false);
}

function rewrittenOf(tokens: readonly Token[], keys: readonly string[]): boolean[] {
  let any = false;
  for (let k = 0; k < tokens.length && !any; k++) any = keys[k] !== tokens[k]!.key;
  if (any) return tokens.map((t, k) => keys[k] !== t.key);
  return noneRewritten(tokens.length);
}

/** A token's light form, or its canonical key where a variant rule rewrote it. */
function lightOf(token: Token, key: string): string {
  return key === token.key ? token.light : key;
}

/**
 * The lights of a pattern. Array literals for the usual lengths: V8 allocates what a literal
 * makes straight in the old generation once it sees such arrays outlive their function, as a
 * vocabulary's do, and a million of them are then not copied out of the young generation.
 */
function lightsOf(tokens: readonly Token[], keys: readonly string[]): string[] {
  switch (tokens.length) {
    case 1:
      return [lightOf(tokens[0]!, keys[0]!)];
    case 2:
      return [lightOf(tokens[0]!, keys[0]!), lightOf(tokens[1]!, keys[1]!)];
    case 3:
      return [lightOf(tokens[0]!, keys[0]!), lightOf(tokens[1]!, keys[1]!), lightOf(tokens[2]!, keys[2]!)];
    default:
      return tokens.map((t, k) => lightOf(t, keys[k]!));
  }
}

/**
 * Adds a form of a tag; returns its number of tokens. `seen`: the forms of the tag added so far,
 * when it has several (a tag's first form is always new).
 */
function addPattern(cv: CompiledVocabulary, trie: TrieBuilder, tokenIds: StringIndex, tagIndex: number, form: string, isNisba: boolean, seen: Set<string> | undefined, isAlias = false): number {
  const tokens = tokenize(form);
  if (tokens.length === 0) return 0;
  const keys = tokens.map((t) => canonicalKey(t.key));
  const lights = lightsOf(tokens, keys);
  if (seen !== undefined) {
    const dedupe = keys.join(' ') + '\u0000' + lights.join(' ') + (isNisba ? '\u0000n' : '');
    if (seen.has(dedupe)) return tokens.length;
    seen.add(dedupe);
  }
  const patternId = cv.patterns.length;
  const pattern: Pattern = { tag: tagIndex, lights, rewritten: rewrittenOf(tokens, keys), nisba: isNisba };
  if (isAlias) pattern.alias = true;
  cv.patterns.push(pattern);
  let node = 0;
  for (const key of keys) {
    const id = tokenIds.add(key);
    if (id >= MAX_TOKENS) throw WasimError.of('INPUT_TOO_LARGE', 'vocabularyTokens', { limit: MAX_TOKENS });
    node = trie.child(node, id);
  }
  trie.ends[patternId] = node;
  if (keys.length !== 1 || isNisba) return tokens.length;
  const tag = cv.tags.get(tagIndex);
  const key = keys[0]!;
  const light = lights[0]!;
  if (INFLECTABLE_TYPES.has(tag.type)) {
    const base = inflectionBase(key);
    const offset = articleOffset(key);
    let baseLight = light.slice(offset, offset + base.length);
    // A ي that ends the base but not the tag (مستشفيات) is not a final ya: the text's singular may
    // write it ى (مستشفى). Stored as ى, it accepts both.
    if (offset + base.length < key.length && baseLight.endsWith('ي')) baseLight = baseLight.slice(0, -1) + 'ى';
    pattern.inflectionBaseLight = baseLight;
    pushTo(cv.inflection, base, patternId);
  }
  {
    const base = nisbaBaseFor(key, tag.type);
    if (base) {
      const offset = articleOffset(key);
      pattern.nisbaBaseLight = light.slice(offset, offset + base.length);
      pushTo(cv.nisbaBases, base, patternId);
    }
  }
  return 1;
}

/**
 * A tag made field by field in the one order every tag has, an absent field left out rather
 * than undefined: tags share a few object shapes, whatever the order their fields became known
 * in, and an equal tag is an equal object wherever it was made (compiled or read from a file).
 */
export function makeTag(
  id: string,
  label: string,
  type: TagType | undefined,
  parent: string | undefined,
  ambiguous: boolean,
  key: string,
  labelTokens: number,
  entity: string,
  nisbaLabel?: boolean,
): CompiledTag {
  const tag: CompiledTag =
    type !== undefined
      ? parent !== undefined
        ? { id, label, type, parent, ambiguous, key, labelTokens, entity }
        : { id, label, type, ambiguous, key, labelTokens, entity }
      : parent !== undefined
        ? { id, label, parent, ambiguous, key, labelTokens, entity }
        : { id, label, ambiguous, key, labelTokens, entity };
  // Last of the fields, so adding it keeps the order.
  if (nisbaLabel !== undefined) tag.nisbaLabel = nisbaLabel;
  return tag;
}

/** The tag's fields in the order of makeTag (a tag given in any order, as an older file's reader makes it). */
export function inTagOrder(t: CompiledTag): CompiledTag {
  return makeTag(t.id, t.label, t.type, t.parent, t.ambiguous, t.key, t.labelTokens, t.entity, t.nisbaLabel);
}

/** A pattern made field by field in the one order every pattern has (see makeTag). */
export function makePattern(tag: number, lights: string[], rewritten: boolean[], nisba: boolean, alias?: boolean, inflectionBaseLight?: string, nisbaBaseLight?: string): Pattern {
  const p: Pattern = { tag, lights, rewritten, nisba };
  if (alias !== undefined) p.alias = alias;
  if (inflectionBaseLight !== undefined) p.inflectionBaseLight = inflectionBaseLight;
  if (nisbaBaseLight !== undefined) p.nisbaBaseLight = nisbaBaseLight;
  return p;
}

/** The pattern's fields in the order of makePattern. */
export function inPatternOrder(p: Pattern): Pattern {
  return makePattern(p.tag, p.lights, p.rewritten, p.nisba, p.alias, p.inflectionBaseLight, p.nisbaBaseLight);
}

/** A new tag, its label's tokens not yet counted; an empty type or parent is none. */
function newTag(id: string, label: string, type: TagType | undefined, parent: string | undefined, ambiguous: boolean, key: string, entity: string): CompiledTag {
  return makeTag(id, label, type || undefined, parent || undefined, ambiguous, key, 0, entity);
}

/**
 * A tag without an id names the entity of its folded label without the article, and is told
 * from an id by the shape of the string alone — the key's own string, so that a million tags
 * hold no second string each. Where an id or a hinted entity is that very string (a publisher
 * id «مصر», a tag «المصر» without one), the label-named entity takes a prefix, so they stay two.
 */
export function separateEntities(tags: readonly CompiledTag[], labelNamed: readonly boolean[]): void {
  const named = new Set<string>();
  tags.forEach((t, i) => {
    if (!labelNamed[i]) named.add(t.entity);
  });
  if (named.size === 0) return;
  tags.forEach((t, i) => {
    if (labelNamed[i] && named.has(t.entity)) t.entity = LABEL_ENTITY_PREFIX + t.entity;
  });
}

export const LABEL_ENTITY_PREFIX = 'key:';


/**
 * Entries with the same id, or without ids and with labels that fold alike, are one tag;
 * the first spelling seen is the one reported.
 */
export function compileVocabulary(entries: readonly VocabEntry[], options: CompileOptions = {}): CompiledVocabulary {
  const cv = emptyCompiled();
  // Most labels have two tokens or fewer, and most tokens are shared: an edge or so per entry.
  const trie = new TrieBuilder(entries.length + (entries.length >>> 1));
  const tokens = new StringIndex(entries.length >>> 2);
  const byId = new Map<string, number>();
  // Folded labels, and per folded label the first tag made with it, or -1 while there is none.
  const keys = new StringIndex(entries.length);
  const tagOfKey: number[] = [];
  const { typeHints, ambiguousHints, entityHints, aliasHints, nisbaHints } = options;
  const keyHints = typeHints || ambiguousHints || entityHints ? new StringFilter([typeHints?.keys() ?? [], ambiguousHints ?? [], entityHints?.keys() ?? []]) : undefined;
  const entityLoans = aliasHints || nisbaHints ? new StringFilter([aliasHints?.keys() ?? [], nisbaHints?.keys() ?? []]) : undefined;
  // The names of a tag after its label, and its nisba forms, for the few tags that have any
  // (a million tags would otherwise hold a million lists).
  const moreNames: (string[] | undefined)[] = [];
  const nisbaForms: (string[] | undefined)[] = [];
  const hasId: boolean[] = [];
  // Tags whose entity is named by their label (no id with a type, no hint): see separateEntities.
  const labelNamed: boolean[] = [];
  for (const e of entries) {
    const key = foldKey(e.label);
    if (!key) continue;
    const keyNumber = keys.add(key);
    if (keyNumber === tagOfKey.length) tagOfKey.push(-1);
    const named = tagOfKey[keyNumber] === -1 ? undefined : tagOfKey[keyNumber];
    // The same name with another parent is another place or person (زنجبار in Tanzania, and
    // «زنجبار (اليمن)»): a tag of its own, named by its label and parent.
    const otherOne = e.id === undefined && named !== undefined && !hasId[named] && (e.parent ?? '') !== (cv.tags.get(named).parent ?? '');
    let index = e.id !== undefined ? byId.get(e.id) : otherOne ? undefined : named;
    // An entry with an id joins a tag of the same name that has none (a publisher's plain tag
    // merged with the default vocabulary's entry): the publisher's spelling stays the label.
    if (index === undefined && e.id !== undefined && named !== undefined && !hasId[named]) index = named;
    const isNew = index === undefined;
    if (index === undefined) {
      index = cv.tags.length;
      // The filter has every hinted key: one it refuses is in no hint map.
      const hintable = keyHints?.mayHave(key) === true;
      const type = e.type ?? (hintable ? typeHints?.get(key) : undefined);
      const ambiguous = e.ambiguous ?? (hintable ? ambiguousHints?.has(key) : undefined) ?? false;
      const qualifiedId = otherOne && e.parent !== undefined ? `${e.label} (${e.parent})` : undefined;
      const hinted = qualifiedId ?? (e.id !== undefined && e.type ? e.id : hintable ? entityHints?.get(key) : undefined);
      const entity = hinted ?? entityOfKey(key);
      labelNamed.push(hinted === undefined);
      cv.tags.push(newTag(e.id ?? qualifiedId ?? key, e.label, type, e.parent, ambiguous, key, entity));
      moreNames.push(undefined);
      nisbaForms.push(undefined);
      if (e.id !== undefined) byId.set(e.id, index);
      hasId.push(e.id !== undefined);
      if (named === undefined) tagOfKey[keyNumber] = index;
    } else if (e.id !== undefined && !hasId[index]) {
      const tag = cv.tags.get(index);
      byId.set(e.id, index);
      hasId[index] = true;
      if (e.type) labelNamed[index] = false;
      // Made anew rather than given the fields it lacked: see makeTag.
      cv.tags.set(index, newTag(e.id, tag.label, tag.type || e.type, tag.parent || e.parent, tag.ambiguous || e.ambiguous === true, tag.key, e.type ? e.id : tag.entity));
    } else if (e.id === undefined || byId.get(e.id) === index) {
      const tag = cv.tags.get(index);
      if (e.label !== tag.label) cv.warnings.push(`"${e.label}" folds like "${tag.label}": one tag, reported as "${tag.label}"`);
      if (!tag.type && e.type) cv.tags.set(index, newTag(tag.id, tag.label, e.type, tag.parent, tag.ambiguous, tag.key, tag.entity));
      if (e.ambiguous) cv.tags.get(index).ambiguous = true;
    }
    if (!isNew) (moreNames[index] ??= []).push(e.label);
    if (e.aliases?.length) (moreNames[index] ??= []).push(...e.aliases);
    if (e.nisba?.length) (nisbaForms[index] ??= []).push(...e.nisba);
  }
  separateEntities(cv.tags.toArray(), labelNamed);
  if (aliasHints) {
    cv.tags.forEach((tag, index) => {
      // A topic's aliases are the words that signal it, not other names for it: not lent.
      const lent = tag.type === 'topic' || !entityLoans!.mayHave(tag.entity) ? undefined : aliasHints.get(tag.entity);
      if (lent?.length && !tag.nisbaLabel) (moreNames[index] ??= []).push(...lent);
    });
  }
  if (nisbaHints) {
    cv.tags.forEach((tag, index) => {
      const lent = entityLoans!.mayHave(tag.entity) ? nisbaHints.get(tag.entity) : undefined;
      if (!lent) return;
      if (lent.some((n) => foldKey(n) === tag.key)) tag.nisbaLabel = true;
      else if (tag.type === 'place' && lent.length > 0) (nisbaForms[index] ??= []).push(...lent);
    });
  }
  cv.tags.forEach((_, index) => {
    const names = moreNames[index] ?? NO_FORMS;
    const nisba = nisbaForms[index] ?? NO_FORMS;
    const seen = names.length + nisba.length > 0 ? new Set<string>() : undefined;
    const tag = cv.tags.get(index);
    // The label comes first: its tokens are counted as it is added.
    tag.labelTokens = addPattern(cv, trie, tokens, index, tag.label, false, seen);
    for (const name of names) addPattern(cv, trie, tokens, index, name, false, seen, foldKey(name) !== tag.key);
    for (const n of nisba) addPattern(cv, trie, tokens, index, n, true, seen);
  });
  if (cv.tags.length === 0) throw new WasimError('EMPTY_VOCAB');
  for (let id = 0; id < tokens.size; id++) cv.tokenIds.set(tokens.strings[id]!, id);
  cv.nodeCount = trie.nodeCount;
  cv.trie = buildTrie(trie.nodeCount, tokens.size, trie.edges(), trie.ends);
  cv.tagTable = tagTableOfRows(cv.tags);
  return cv;
}

