/**
 * Compiles a vocabulary into a token trie over canonical folded tokens. Lookup cost per text
 * token is a handful of probes whatever the vocabulary size: token → id in one hash, then
 * (trie node, token id) → child by binary search in the node's row of a compressed trie held
 * in typed arrays (no per-edge objects, fast to serialise and load). Inflection and nisba
 * bases have their own hashes for single-token tags. The compiled form serialises to a binary
 * container (older versions were JSON, still read).
 */
import { WasimError } from './errors.js';
import { foldKey } from './fold.js';
import { articleOffset, inflectionBase, nisbaBaseFor, withoutArticle } from './morph.js';
import { ContainerReader, ContainerWriter, isBinaryContainer, unpackInts, type Ints, type StringList } from './pack.js';
import { Rows } from './rows.js';
import { tokenize, type Token } from './tokenize.js';
import type { TagType, VocabEntry } from './types.js';
import { canonicalKey } from './variants.js';

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
function tagTableOf(entityOf: Int32Array, nisbaLabel: (tag: number) => boolean, labelTokens: (tag: number) => number): TagTable {
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
function entityNumbers(count: number, entityName: (tag: number) => string): Int32Array {
  const numbers = new Map<string, number>();
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const name = entityName(i);
    let n = numbers.get(name);
    if (n === undefined) numbers.set(name, (n = numbers.size));
    out[i] = n;
  }
  return out;
}

/** The tag table of tags held as objects. */
function tagTableOfRows(tags: Rows<CompiledTag>): TagTable {
  return tagTableOf(
    entityNumbers(tags.length, (i) => tags.get(i).entity),
    (i) => tags.get(i).nisbaLabel === true,
    (i) => tags.get(i).labelTokens,
  );
}

/** Are these entity numbers dense and in the order of first tags (each at most one more than any before)? */
function isEntityNumbering(a: Ints): boolean {
  let next = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < 0 || v > next) return false;
    if (v === next) next++;
  }
  return true;
}

/**
 * The token trie in compressed rows. The children of node v are
 * childToken / childNode[childStart[v] .. childStart[v + 1]), sorted by token id; the patterns
 * ending at v are terminalPattern[terminalStart[v] .. terminalStart[v + 1]), in pattern order.
 */
export interface Trie {
  childStart: Int32Array;
  childToken: Int32Array;
  childNode: Int32Array;
  terminalStart: Int32Array;
  terminalPattern: Int32Array;
}

/** Child of a trie node by token id, or -1. */
export function trieChild(trie: Trie, node: number, token: number): number {
  let lo = trie.childStart[node]!;
  let hi = trie.childStart[node + 1]! - 1;
  const tokens = trie.childToken;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = tokens[mid]!;
    if (t === token) return trie.childNode[mid]!;
    if (t < token) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The trie while patterns are added: (node, token) → child in an open-addressing hash, and the
 * end node of each pattern. An entry's parent, token and child sit side by side, so that a
 * probe of a million-edge table touches one place in memory.
 */
class TrieBuilder {
  nodeCount = 1;
  private mask = (1 << 12) - 1;
  /** Per slot: parent (-1 when free), token, child. */
  private table = new Int32Array(3 << 12).fill(-1);
  private size = 0;
  readonly ends: number[] = [];

  private slot(node: number, token: number): number {
    let h = Math.imul(node, 0x9e3779b1) ^ Math.imul(token + 1, 0x85ebca77);
    h ^= h >>> 15;
    let i = h & this.mask;
    const t = this.table;
    while (t[3 * i] !== -1 && (t[3 * i] !== node || t[3 * i + 1] !== token)) i = (i + 1) & this.mask;
    return i;
  }

  child(node: number, token: number): number {
    let i = this.slot(node, token);
    if (this.table[3 * i] !== -1) return this.table[3 * i + 2]!;
    if ((this.size + 1) * 2 > this.mask + 1) {
      this.grow();
      i = this.slot(node, token);
    }
    const t = this.table;
    t[3 * i] = node;
    t[3 * i + 1] = token;
    t[3 * i + 2] = this.nodeCount++;
    this.size++;
    return t[3 * i + 2]!;
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.table = new Int32Array(3 * capacity).fill(-1);
    for (let k = 0; k < old.length; k += 3) {
      if (old[k] === -1) continue;
      const i = this.slot(old[k]!, old[k + 1]!);
      this.table[3 * i] = old[k]!;
      this.table[3 * i + 1] = old[k + 1]!;
      this.table[3 * i + 2] = old[k + 2]!;
    }
  }

  /** Edges as (parent, token, child) triples, in no particular order. */
  edges(): Int32Array {
    const out = new Int32Array(this.size * 3);
    let o = 0;
    const t = this.table;
    for (let k = 0; k < t.length; k += 3) {
      if (t[k] === -1) continue;
      out[o++] = t[k]!;
      out[o++] = t[k + 1]!;
      out[o++] = t[k + 2]!;
    }
    return out;
  }
}

/** The compressed trie of edges given as (parent, token, child) triples and of each pattern's end node. */
export function buildTrie(nodeCount: number, tokenCount: number, edges: Int32Array, ends: ArrayLike<number>): Trie {
  const edgeCount = edges.length / 3;
  // Edges ordered by token id (a counting sort), then dealt to their parents' rows: each row comes out sorted.
  const byToken = new Int32Array(tokenCount + 1);
  for (let e = 0; e < edgeCount; e++) byToken[edges[3 * e + 1]! + 1]!++;
  for (let t = 0; t < tokenCount; t++) byToken[t + 1]! += byToken[t]!;
  const order = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) order[byToken[edges[3 * e + 1]!]!++] = e;
  const childStart = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) childStart[edges[3 * e]! + 1]!++;
  for (let v = 0; v < nodeCount; v++) childStart[v + 1]! += childStart[v]!;
  const fill = childStart.slice(0, nodeCount);
  const childToken = new Int32Array(edgeCount);
  const childNode = new Int32Array(edgeCount);
  for (const e of order) {
    const at = fill[edges[3 * e]!]!++;
    childToken[at] = edges[3 * e + 1]!;
    childNode[at] = edges[3 * e + 2]!;
  }
  const terminalStart = new Int32Array(nodeCount + 1);
  for (let p = 0; p < ends.length; p++) terminalStart[ends[p]! + 1]!++;
  for (let v = 0; v < nodeCount; v++) terminalStart[v + 1]! += terminalStart[v]!;
  const at = terminalStart.slice(0, nodeCount);
  const terminalPattern = new Int32Array(ends.length);
  for (let p = 0; p < ends.length; p++) terminalPattern[at[ends[p]!]!++] = p;
  return { childStart, childToken, childNode, terminalStart, terminalPattern };
}


/** Token ids beyond this many would not fit the serialised form's expectations (and no vocabulary needs them). */
const MAX_TOKENS = 2 ** 24;
/** Version 4 since the binary container; versions 1 to 3 (JSON) are still read. */
export const FORMAT_VERSION = 4;

const NO_FORMS: readonly string[] = [];

/**
 * Only common-noun topics inflect: a name's ending is part of it (كانتون is not كانت + ـون,
 * طالبان is not طالب + ـان), and an untyped tag may be a name.
 */
export const INFLECTABLE_TYPES: ReadonlySet<TagType | undefined> = new Set<TagType | undefined>(['topic', 'event']);

const EMPTY_TRIE: Trie = buildTrie(1, 0, new Int32Array(0), []);

function emptyCompiled(): CompiledVocabulary {
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
const NONE_REWRITTEN: boolean[][] = [];

function rewrittenOf(tokens: readonly Token[], keys: readonly string[]): boolean[] {
  let any = false;
  for (let k = 0; k < tokens.length && !any; k++) any = keys[k] !== tokens[k]!.key;
  if (any) return tokens.map((t, k) => keys[k] !== t.key);
  return (NONE_REWRITTEN[tokens.length] ??= new Array<boolean>(tokens.length).fill(false));
}

/**
 * Adds a form of a tag; returns its number of tokens. `seen`: the forms of the tag added so far,
 * when it has several (a tag's first form is always new).
 */
function addPattern(cv: CompiledVocabulary, trie: TrieBuilder, tagIndex: number, form: string, isNisba: boolean, seen: Set<string> | undefined, isAlias = false): number {
  const tokens = tokenize(form);
  if (tokens.length === 0) return 0;
  const keys = tokens.map((t) => canonicalKey(t.key));
  const lights = tokens.map((t, k) => (keys[k] === t.key ? t.light : keys[k]!));
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
    let id = cv.tokenIds.get(key);
    if (id === undefined) {
      id = cv.tokenIds.size;
      if (id >= MAX_TOKENS) throw new WasimError('INPUT_TOO_LARGE', `vocabulary has more than ${MAX_TOKENS} distinct tokens`);
      cv.tokenIds.set(key, id);
    }
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
 * A new tag, its label's tokens not yet counted. Optional fields are left out rather than
 * undefined, and the fields keep the order the serialised form has always had.
 */
function newTag(id: string, label: string, type: TagType | undefined, parent: string | undefined, ambiguous: boolean, key: string, entity: string): CompiledTag {
  const labelTokens = 0;
  if (type) return parent ? { id, label, type, parent, ambiguous, key, labelTokens, entity } : { id, label, type, ambiguous, key, labelTokens, entity };
  return parent ? { id, label, parent, ambiguous, key, labelTokens, entity } : { id, label, ambiguous, key, labelTokens, entity };
}

/**
 * A tag without an id names the entity of its folded label without the article, and is told
 * from an id by the shape of the string alone — the key's own string, so that a million tags
 * hold no second string each. Where an id or a hinted entity is that very string (a publisher
 * id «مصر», a tag «المصر» without one), the label-named entity takes a prefix, so they stay two.
 */
function separateEntities(tags: readonly CompiledTag[], labelNamed: readonly boolean[]): void {
  const named = new Set<string>();
  tags.forEach((t, i) => {
    if (!labelNamed[i]) named.add(t.entity);
  });
  if (named.size === 0) return;
  tags.forEach((t, i) => {
    if (labelNamed[i] && named.has(t.entity)) t.entity = LABEL_ENTITY_PREFIX + t.entity;
  });
}

const LABEL_ENTITY_PREFIX = 'key:';

/** Versions before 4 prefixed every label-named entity: read, they are named as a fresh compile names them. */
function renameLabelEntities(tags: readonly CompiledTag[]): void {
  const labelNamed = tags.map((t) => t.entity === LABEL_ENTITY_PREFIX + entityOfKey(t.key));
  tags.forEach((t, i) => {
    if (labelNamed[i]) t.entity = entityOfKey(t.key);
  });
  separateEntities(tags, labelNamed);
}

/**
 * Entries with the same id, or without ids and with labels that fold alike, are one tag;
 * the first spelling seen is the one reported.
 */
export function compileVocabulary(entries: readonly VocabEntry[], options: CompileOptions = {}): CompiledVocabulary {
  const cv = emptyCompiled();
  const trie = new TrieBuilder();
  const byId = new Map<string, number>();
  const byKey = new Map<string, number>();
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
    const named = byKey.get(key);
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
      const type = e.type ?? options.typeHints?.get(key);
      const ambiguous = e.ambiguous ?? options.ambiguousHints?.has(key) ?? false;
      const qualifiedId = otherOne && e.parent !== undefined ? `${e.label} (${e.parent})` : undefined;
      const hinted = qualifiedId ?? (e.id !== undefined && e.type ? e.id : options.entityHints?.get(key));
      const entity = hinted ?? entityOfKey(key);
      labelNamed.push(hinted === undefined);
      cv.tags.push(newTag(e.id ?? qualifiedId ?? key, e.label, type, e.parent, ambiguous, key, entity));
      moreNames.push(undefined);
      nisbaForms.push(undefined);
      if (e.id !== undefined) byId.set(e.id, index);
      hasId.push(e.id !== undefined);
      if (named === undefined) byKey.set(key, index);
    } else if (e.id !== undefined && !hasId[index]) {
      const tag = cv.tags.get(index);
      byId.set(e.id, index);
      hasId[index] = true;
      tag.id = e.id;
      if (e.type) {
        tag.entity = e.id;
        labelNamed[index] = false;
      }
      if (!tag.type && e.type) tag.type = e.type;
      if (!tag.parent && e.parent) tag.parent = e.parent;
      if (e.ambiguous) tag.ambiguous = true;
    } else if (e.id === undefined || byId.get(e.id) === index) {
      const tag = cv.tags.get(index);
      if (e.label !== tag.label) cv.warnings.push(`"${e.label}" folds like "${tag.label}": one tag, reported as "${tag.label}"`);
      if (!tag.type && e.type) tag.type = e.type;
      if (e.ambiguous) tag.ambiguous = true;
    }
    if (!isNew) (moreNames[index] ??= []).push(e.label);
    if (e.aliases?.length) (moreNames[index] ??= []).push(...e.aliases);
    if (e.nisba?.length) (nisbaForms[index] ??= []).push(...e.nisba);
  }
  separateEntities(cv.tags.toArray(), labelNamed);
  if (options.aliasHints) {
    cv.tags.forEach((tag, index) => {
      // A topic's aliases are the words that signal it, not other names for it: not lent.
      const lent = tag.type === 'topic' ? undefined : options.aliasHints!.get(tag.entity);
      if (lent?.length && !tag.nisbaLabel) (moreNames[index] ??= []).push(...lent);
    });
  }
  if (options.nisbaHints) {
    cv.tags.forEach((tag, index) => {
      const lent = options.nisbaHints!.get(tag.entity);
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
    tag.labelTokens = addPattern(cv, trie, index, tag.label, false, seen);
    for (const name of names) addPattern(cv, trie, index, name, false, seen, foldKey(name) !== tag.key);
    for (const n of nisba) addPattern(cv, trie, index, n, true, seen);
  });
  if (cv.tags.length === 0) throw new WasimError('EMPTY_VOCAB');
  cv.nodeCount = trie.nodeCount;
  cv.trie = buildTrie(trie.nodeCount, cv.tokenIds.size, trie.edges(), trie.ends);
  cv.tagTable = tagTableOfRows(cv.tags);
  return cv;
}

/**
 * Version 2 (read only). Rows of objects as columns, for a smaller and faster-to-load serialised form: each field's
 * values in one array, the field order of each row as a shape, and a string equal to an
 * earlier field of the same row (a tag's id is usually its key) as that field's index.
 */
interface Columns {
  rows: number;
  shapes: string[][];
  shape: number[];
  columns: Record<string, unknown[]>;
  /** Fields whose values are all strings: a number in them refers to an earlier field of the row. */
  textFields: string[];
}

function fromColumns<T>(c: Columns): T[] {
  const out = new Array<T>(c.rows);
  const text = new Set(c.textFields);
  const plans = c.shapes.map((fields) => fields.map((f) => ({ name: f, values: c.columns[f]!, text: text.has(f) })));
  for (let r = 0; r < c.rows; r++) {
    const plan = plans[c.shape[r]!]!;
    const row: Record<string, unknown> = {};
    for (let k = 0; k < plan.length; k++) {
      const f = plan[k]!;
      const v = f.values[r];
      row[f.name] = f.text && typeof v === 'number' ? row[plan[v]!.name] : v;
    }
    out[r] = row as T;
  }
  return out;
}

/** The second serialised form, still read. */
interface SerializedV2 {
  format: 'wasim-compiled';
  version: 2;
  tags: Columns;
  patterns: Columns;
  tokens: string;
  nodeCount: number;
  trie: { childStart: number[]; childToken: number[]; childNode: number[]; terminalStart: number[]; terminalPattern: number[] };
  inflection: [string, number[]][];
  nisbaBases: [string, number[]][];
}

/** The first serialised form (edges and terminal lists as flat number lists), still read. */
interface SerializedV1 {
  format: 'wasim-compiled';
  version: 1;
  tags: CompiledTag[];
  patterns: Pattern[];
  tokens: string;
  edges: number[];
  terminals: number[];
  inflection: [string, number[]][];
  nisbaBases: [string, number[]][];
  nodeCount: number;
}

/**
 * Version 3: rows of objects as columns again, each column packed by the kind of its values
 * (see pack.ts) and every string stored once in one table. Loading a million-tag vocabulary then
 * parses one array of distinct strings and a few dozen ASCII strings, instead of millions of
 * JSON numbers, arrays and repeated strings.
 */
type PackedColumn =
  /** String table indices; -1 - k: the value of the row's k-th field; DERIVED: the field's derivation from the row. */
  | { kind: 'text'; refs: string }
  | { kind: 'int'; values: string }
  | { kind: 'flag'; values: string }
  /** Lists of strings: their lengths, then all their items as string table indices. */
  | { kind: 'texts'; lengths: string; refs: string }
  /** Lists of booleans: their lengths, and where the true items are among all the items (rare: rewritten tokens). */
  | { kind: 'flags'; lengths: string; set: string }
  | { kind: 'json'; values: unknown[] };

interface PackedColumns {
  rows: number;
  shapes: string[][];
  shape: string;
  columns: Record<string, PackedColumn>;
}

/** A string field computed from fields before it, stored as DERIVED when it equals its derivation. */
type Derivations = Record<string, { from: string; derive: (value: string) => string }>;

const DERIVED = -100;

/** The default entity of a tag, from its key (see compileVocabulary). */
// Versions before 4 wrote a label-named entity as 'key:' + entityOfKey(key); renameLabelEntities then names it as a fresh compile does.
const TAG_DERIVATIONS: Derivations = { entity: { from: 'key', derive: (key) => LABEL_ENTITY_PREFIX + entityOfKey(key) } };

/** The strings of a serialised form, each stored once and referred to by its index. */
class StringTable {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  /** `dedupe` false: a column of (nearly) distinct strings, such as tag ids, where a lookup would find nothing to share. */
  ref(s: string, dedupe = true): number {
    if (!dedupe) {
      this.list.push(s);
      return this.list.length - 1;
    }
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}

/** A column decoded: the value of a row, given the row's fields so far. */
type Reader = (r: number, row: Record<string, unknown>, fields: readonly string[]) => unknown;

function readerOf(name: string, c: PackedColumn, rows: number, strings: readonly string[], derivations: Derivations): Reader {
  const stringAt = (ref: number): string => {
    const s = strings[ref];
    if (s === undefined) throw new WasimError('BAD_COMPILED_VOCAB');
    return s;
  };
  const text = (ref: number, row: Record<string, unknown>, fields: readonly string[]): string => {
    if (ref >= 0) return stringAt(ref);
    const value = ref === DERIVED ? derivations[name]?.derive(row[derivations[name].from] as string) : row[fields[-1 - ref]!];
    if (typeof value !== 'string') throw new WasimError('BAD_COMPILED_VOCAB');
    return value;
  };
  const counted = (a: Int32Array): Int32Array => {
    if (a.length !== rows) throw new WasimError('BAD_COMPILED_VOCAB');
    return a;
  };
  switch (c.kind) {
    case 'text': {
      const refs = counted(unpackInts(c.refs));
      return (r, row, fields) => text(refs[r]!, row, fields);
    }
    case 'int': {
      const values = counted(unpackInts(c.values));
      return (r) => values[r];
    }
    case 'flag': {
      const values = counted(unpackInts(c.values));
      return (r) => values[r] === 1;
    }
    case 'texts': {
      const lengths = counted(unpackInts(c.lengths));
      const items = unpackInts(c.refs);
      const starts = new Int32Array(rows + 1);
      for (let r = 0; r < rows; r++) starts[r + 1] = starts[r]! + lengths[r]!;
      if (starts[rows] !== items.length) throw new WasimError('BAD_COMPILED_VOCAB');
      return (r) => {
        const out = new Array<string>(lengths[r]!);
        for (let k = 0; k < out.length; k++) out[k] = stringAt(items[starts[r]! + k]!);
        return out;
      };
    }
    case 'flags': {
      const lengths = counted(unpackInts(c.lengths));
      const set = unpackInts(c.set, true);
      const starts = new Int32Array(rows + 1);
      for (let r = 0; r < rows; r++) starts[r + 1] = starts[r]! + lengths[r]!;
      const on = new Uint8Array(starts[rows]!);
      const rowHasTrue = new Uint8Array(rows);
      let row = 0;
      for (const p of set) {
        if (p < starts[row]! || p >= on.length) throw new WasimError('BAD_COMPILED_VOCAB');
        on[p] = 1;
        while (starts[row + 1]! <= p) row++;
        rowHasTrue[row] = 1;
      }
      return (r) => {
        if (!rowHasTrue[r]) return (NONE_REWRITTEN[lengths[r]!] ??= new Array<boolean>(lengths[r]!).fill(false));
        return Array.from(on.subarray(starts[r]!, starts[r + 1]!), (x) => x === 1);
      };
    }
    case 'json':
      return (r) => c.values[r];
    default:
      throw new WasimError('BAD_COMPILED_VOCAB');
  }
}

/** A row of the shape (there is one: shapes are taken from rows). */
function firstOfShape(shape: Int32Array, s: number): number {
  const r = shape.indexOf(s);
  if (r < 0) throw new WasimError('BAD_COMPILED_VOCAB');
  return r;
}

function fromPacked<T>(c: PackedColumns, strings: readonly string[], derivations: Derivations = {}): T[] {
  const readers = new Map<string, Reader>();
  for (const [name, column] of Object.entries(c.columns)) readers.set(name, readerOf(name, column, c.rows, strings, derivations));
  const plans = c.shapes.map((fields) =>
    fields.map((f) => {
      const read = readers.get(f);
      if (read === undefined) throw new WasimError('BAD_COMPILED_VOCAB');
      return read;
    }),
  );
  const shape = unpackInts(c.shape);
  if (shape.length !== c.rows) throw new WasimError('BAD_COMPILED_VOCAB');
  // Each row is a copy of its shape's template, then filled: one allocation of the final size
  // per row, where adding fields to an empty object one by one reallocates as it grows.
  const templates = c.shapes.map((fields, s) => {
    const template: Record<string, unknown> = {};
    fields.forEach((f, k) => (template[f] = plans[s]![k]!(firstOfShape(shape, s), template, fields)));
    return template;
  });
  const out = new Array<T>(c.rows);
  for (let r = 0; r < c.rows; r++) {
    const s = shape[r]!;
    const fields = c.shapes[s];
    if (fields === undefined) throw new WasimError('BAD_COMPILED_VOCAB');
    const plan = plans[s]!;
    const row: Record<string, unknown> = { ...templates[s] };
    for (let k = 0; k < plan.length; k++) row[fields[k]!] = plan[k]!(r, row, fields);
    out[r] = row as T;
  }
  return out;
}

interface SerializedV3 {
  format: 'wasim-compiled';
  version: 3;
  strings: string[];
  tags: PackedColumns;
  patterns: PackedColumns;
  tokens: string;
  nodeCount: number;
  trie: { childStart: string; childToken: string; childNode: string; terminalStart: string; terminalPattern: string };
  /** Keys as string table indices; for each its number of patterns, then all the patterns. */
  inflection: { keys: string; counts: string; patterns: string };
  nisbaBases: { keys: string; counts: string; patterns: string };
}

function unpackIndex(p: SerializedV3['inflection'], strings: readonly string[], into: Map<string, number[]>): void {
  const keys = unpackInts(p.keys);
  const counts = unpackInts(p.counts);
  const patterns = unpackInts(p.patterns);
  if (counts.length !== keys.length) throw new WasimError('BAD_COMPILED_VOCAB');
  let at = 0;
  for (let k = 0; k < keys.length; k++) {
    const key = strings[keys[k]!];
    if (key === undefined || at + counts[k]! > patterns.length) throw new WasimError('BAD_COMPILED_VOCAB');
    const ids = new Array<number>(counts[k]!);
    for (let i = 0; i < ids.length; i++) ids[i] = patterns[at++]!;
    into.set(key, ids);
  }
}

function trieFromV3(t: SerializedV3['trie'], nodeCount: number, tokenCount: number, patterns: readonly Pattern[]): Trie {
  const trie: Trie = {
    childStart: unpackInts(t.childStart, true),
    childToken: unpackInts(t.childToken),
    childNode: unpackInts(t.childNode),
    terminalStart: unpackInts(t.terminalStart, true),
    terminalPattern: unpackInts(t.terminalPattern),
  };
  return checkedTrie(trie, nodeCount, tokenCount, Int32Array.from(patterns, (p) => p.lights.length));
}

/**
 * The trie if its rows and references are in range and it is a tree whose patterns end at the
 * depth of their number of tokens: the matcher reads a pattern's lights by the depth it walked,
 * and a damaged file must not send it astray.
 */
/** `patternLengths`: the number of tokens of each pattern. */
function checkedTrie(trie: Trie, nodeCount: number, tokenCount: number, patternLengths: ArrayLike<number>): Trie {
  const edges = trie.childToken.length;
  const ok =
    trie.childStart.length === nodeCount + 1 &&
    trie.terminalStart.length === nodeCount + 1 &&
    trie.childStart[0] === 0 &&
    trie.terminalStart[0] === 0 &&
    trie.childStart[nodeCount] === edges &&
    trie.childNode.length === edges &&
    trie.terminalStart[nodeCount] === trie.terminalPattern.length &&
    ascending(trie.childStart) &&
    ascending(trie.terminalStart) &&
    allIn(trie.childNode, 1, nodeCount) &&
    allIn(trie.childToken, 0, tokenCount) &&
    allIn(trie.terminalPattern, 0, patternLengths.length) &&
    endsAtDepth(trie, nodeCount, patternLengths);
  if (!ok) throw new WasimError('BAD_COMPILED_VOCAB');
  return trie;
}

/** Every node but the root has one parent, numbered before it (so no cycle); patterns end at their length. */
function endsAtDepth(trie: Trie, nodeCount: number, patternLengths: ArrayLike<number>): boolean {
  const depth = new Int32Array(nodeCount).fill(-1);
  depth[0] = 0;
  for (let v = 0; v < nodeCount; v++) {
    for (let e = trie.childStart[v]!; e < trie.childStart[v + 1]!; e++) {
      const child = trie.childNode[e]!;
      if (child <= v || depth[child] !== -1) return false;
      depth[child] = depth[v]! + 1;
    }
    for (let t = trie.terminalStart[v]!; t < trie.terminalStart[v + 1]!; t++) if (patternLengths[trie.terminalPattern[t]!] !== depth[v]) return false;
  }
  return true;
}

function ascending(a: Ints): boolean {
  for (let i = 1; i < a.length; i++) if (a[i]! < a[i - 1]!) return false;
  return true;
}

/** Every value in [lo, hi). */
function allIn(a: Ints, lo: number, hi: number): boolean {
  for (let i = 0; i < a.length; i++) if (!(a[i]! >= lo && a[i]! < hi)) return false;
  return true;
}


function trieFromV1(data: SerializedV1, tokenCount: number): Trie {
  const e = data.edges;
  const edges = new Int32Array(e.length);
  for (let i = 0; i < e.length; i++) edges[i] = e[i]!;
  const ends = new Int32Array(data.patterns.length);
  const t = data.terminals;
  for (let i = 0; i < t.length; ) {
    const node = t[i]!;
    const n = t[i + 1]!;
    for (let k = 0; k < n; k++) ends[t[i + 2 + k]!] = node;
    i += 2 + n;
  }
  return buildTrie(data.nodeCount, tokenCount, edges, ends);
}

/**
 * The compiled vocabulary of serializeCompiled's bytes, or of the JSON text of an older version
 * (as a string or as UTF-8 bytes): the form is told by the content, not by the file's name.
 */
/** Do the bytes start as a serialised compiled vocabulary of the binary form (version 4 on)? */
export function isCompiledBinary(bytes: Uint8Array): boolean {
  return isBinaryContainer(bytes);
}

export function deserializeCompiled(input: string | Uint8Array): CompiledVocabulary {
  if (typeof input !== 'string' && isBinaryContainer(input)) {
    try {
      return fromV4(input);
    } catch (e) {
      // A damaged file: a section cut off, a reference out of range.
      if (e instanceof WasimError) throw e;
      throw new WasimError('BAD_COMPILED_VOCAB');
    }
  }
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  let data: SerializedV1 | SerializedV2 | SerializedV3;
  try {
    data = JSON.parse(text) as SerializedV1 | SerializedV2 | SerializedV3;
  } catch {
    throw new WasimError('BAD_COMPILED_VOCAB');
  }
  if (!data || data.format !== 'wasim-compiled' || (data.version !== 1 && data.version !== 2 && data.version !== 3)) throw new WasimError('BAD_COMPILED_VOCAB');
  if (data.version === 3) {
    try {
      return fromV3(data);
    } catch (e) {
      // A damaged file: a packed list that does not decode, a reference out of range.
      if (e instanceof WasimError) throw e;
      throw new WasimError('BAD_COMPILED_VOCAB');
    }
  }
  const cv = emptyCompiled();
  const tags = data.version === 1 ? data.tags : fromColumns<CompiledTag>(data.tags);
  const patterns = data.version === 1 ? data.patterns : fromColumns<Pattern>(data.patterns);
  // A loop, not push(...): a spread of a million tags overflows the call stack.
  for (const tag of tags) cv.tags.push(tag);
  for (const pattern of patterns) cv.patterns.push(pattern);
  renameLabelEntities(cv.tags.toArray());
  const tokens = data.tokens.split('\n');
  for (let id = 0; id < tokens.length; id++) cv.tokenIds.set(tokens[id]!, id);
  cv.nodeCount = data.nodeCount;
  if (data.version === 1) cv.trie = trieFromV1(data, tokens.length);
  else {
    const t = data.trie;
    cv.trie = {
      childStart: Int32Array.from(t.childStart),
      childToken: Int32Array.from(t.childToken),
      childNode: Int32Array.from(t.childNode),
      terminalStart: Int32Array.from(t.terminalStart),
      terminalPattern: Int32Array.from(t.terminalPattern),
    };
  }
  for (const [k, v] of data.inflection) cv.inflection.set(k, v);
  for (const [k, v] of data.nisbaBases) cv.nisbaBases.set(k, v);
  cv.tagTable = tagTableOfRows(cv.tags);
  return withoutNameInflection(cv);
}

/**
 * Files written before only topic nouns inflected hold inflection bases for every untyped tag:
 * read, they are what a fresh compile makes (a name's ending is part of the name).
 */
function withoutNameInflection(cv: CompiledVocabulary): CompiledVocabulary {
  const dropped = new Set<number>();
  for (const [base, pids] of cv.inflection) {
    const kept = pids.filter((pid) => INFLECTABLE_TYPES.has(cv.tags.get(cv.patterns.get(pid).tag).type));
    if (kept.length === pids.length) continue;
    for (const pid of pids) if (!kept.includes(pid)) dropped.add(pid);
    if (kept.length === 0) cv.inflection.delete(base);
    else cv.inflection.set(base, kept);
  }
  for (const pid of dropped) delete cv.patterns.get(pid).inflectionBaseLight;
  return cv;
}

function fromV3(data: SerializedV3): CompiledVocabulary {
  const strings = data.strings;
  if (!Array.isArray(strings)) throw new WasimError('BAD_COMPILED_VOCAB');
  const cv: CompiledVocabulary = {
    ...emptyCompiled(),
    tags: Rows.of(fromPacked<CompiledTag>(data.tags, strings, TAG_DERIVATIONS)),
    patterns: Rows.of(fromPacked<Pattern>(data.patterns, strings)),
  };
  renameLabelEntities(cv.tags.toArray());
  const tokens = data.tokens.split('\n');
  for (let id = 0; id < tokens.length; id++) cv.tokenIds.set(tokens[id]!, id);
  cv.nodeCount = data.nodeCount;
  cv.trie = trieFromV3(data.trie, data.nodeCount, tokens.length, cv.patterns.toArray());
  unpackIndex(data.inflection, strings, cv.inflection);
  unpackIndex(data.nisbaBases, strings, cv.nisbaBases);
  cv.tagTable = tagTableOfRows(cv.tags);
  return withoutNameInflection(cv);
}

/**
 * Version 4: the columns of version 3 in a binary container (see pack.ts), so that loading a
 * million-tag vocabulary reads int32 columns in place and decodes its strings in one call, and
 * tags and patterns are built by loops of their own rather than through generic column readers.
 * Tokens are the first strings of the table, in id order. A string reference is an index into
 * the table or one of the markers below.
 */
const ABSENT = -1;
/** The tag's key (a tag's id and label usually are). */
const SAME_AS_KEY = -2;
/** The entity a tag has without hints: entityOfKey(key). */
const KEY_ENTITY = -3;

/** Field order of tags as newTag makes them; a tag merged later may have gained fields after entity. */
const TAG_FIELDS = ['id', 'label', 'type', 'parent', 'ambiguous', 'key', 'labelTokens', 'entity', 'nisbaLabel'] as const;
/** Field order of patterns as addPattern makes them. */
const PATTERN_FIELDS = ['tag', 'lights', 'rewritten', 'nisba', 'alias', 'inflectionBaseLight', 'nisbaBaseLight'] as const;

// Bits of the flag columns: a boolean field's presence and value.
const AMBIGUOUS = 1;
const HAS_NISBA_LABEL = 2;
const NISBA_LABEL = 4;
const NISBA = 1;
const HAS_ALIAS = 2;
const ALIAS = 4;

interface MetaV4 {
  format: 'wasim-compiled';
  version: 4;
  tags: number;
  patterns: number;
  tokens: number;
  nodeCount: number;
  /** Field orders other than the usual one; row order k + 1 in a `.order` column is orders[k]. */
  tagOrders: string[][];
  patternOrders: string[][];
}

/**
 * Field orders of rows: 0 for the usual order (`fields` without the ones a row lacks), k + 1 for
 * the k-th other order. Fields outside `fields` cannot be stored: an error, not a silent loss.
 */
function ordersOf(rows: readonly object[], fields: readonly string[], what: string): { order: Int32Array; others: string[][] } {
  const order = new Int32Array(rows.length);
  const others: string[][] = [];
  const ids = new Map<string, number>();
  rows.forEach((row, r) => {
    const rec = row as Record<string, unknown>;
    const own = Object.keys(row).filter((f) => rec[f] !== undefined);
    let k = 0;
    for (const f of fields) if (k < own.length && own[k] === f) k++;
    if (k === own.length) return;
    if (own.some((f) => !fields.includes(f))) throw new Error(`serializeCompiled: ${what} ${r} has a field the format does not know: ${own.join(', ')}`);
    const sig = own.join(',');
    let id = ids.get(sig);
    if (id === undefined) {
      others.push(own);
      id = others.length;
      ids.set(sig, id);
    }
    order[r] = id;
  });
  return { order, others };
}

function writeTags(out: ContainerWriter, tags: readonly CompiledTag[], entityNumber: Int32Array, strings: StringTable): string[][] {
  const n = tags.length;
  const id = new Int32Array(n);
  const label = new Int32Array(n);
  const type = new Int32Array(n);
  const parent = new Int32Array(n);
  const key = new Int32Array(n);
  const flags = new Int32Array(n);
  const labelTokens = new Int32Array(n);
  const entity = new Int32Array(n);
  const optional = (s: string | undefined): number => (s === undefined ? ABSENT : strings.ref(s));
  for (let r = 0; r < n; r++) {
    const t = tags[r]!;
    // A one-word key shares the string of its token (a string fewer to make at every load);
    // other keys are distinct, and a lookup would find nothing to share.
    key[r] = strings.ref(t.key, !t.key.includes(' '));
    id[r] = t.id === t.key ? SAME_AS_KEY : strings.ref(t.id, false);
    label[r] = t.label === t.key ? SAME_AS_KEY : strings.ref(t.label);
    type[r] = optional(t.type);
    parent[r] = optional(t.parent);
    flags[r] = (t.ambiguous ? AMBIGUOUS : 0) | (t.nisbaLabel !== undefined ? HAS_NISBA_LABEL : 0) | (t.nisbaLabel ? NISBA_LABEL : 0);
    labelTokens[r] = t.labelTokens;
    entity[r] = t.entity === entityOfKey(t.key) ? KEY_ENTITY : strings.ref(t.entity);
  }
  const { order, others } = ordersOf(tags, TAG_FIELDS, 'tag');
  for (const [name, column] of Object.entries({ id, label, type, parent, key, flags, labelTokens, entity, order, entityNumber })) out.ints(`tags.${name}`, column);
  return others;
}

function writePatterns(out: ContainerWriter, patterns: readonly Pattern[], strings: StringTable): string[][] {
  const n = patterns.length;
  const tag = new Int32Array(n);
  const lightCount = new Int32Array(n);
  const flags = new Int32Array(n);
  const inflection = new Int32Array(n);
  const nisbaBase = new Int32Array(n);
  const lights: number[] = [];
  // Where the rewritten tokens are among all the lights (few are).
  const rewritten: number[] = [];
  const optional = (s: string | undefined): number => (s === undefined ? ABSENT : strings.ref(s));
  for (let r = 0; r < n; r++) {
    const p = patterns[r]!;
    tag[r] = p.tag;
    lightCount[r] = p.lights.length;
    if (p.rewritten.length !== p.lights.length) throw new Error(`serializeCompiled: pattern ${r} has ${p.lights.length} lights but ${p.rewritten.length} rewritten flags`);
    for (let k = 0; k < p.lights.length; k++) {
      if (p.rewritten[k]) rewritten.push(lights.length);
      lights.push(strings.ref(p.lights[k]!));
    }
    flags[r] = (p.nisba ? NISBA : 0) | (p.alias !== undefined ? HAS_ALIAS : 0) | (p.alias ? ALIAS : 0);
    inflection[r] = optional(p.inflectionBaseLight);
    nisbaBase[r] = optional(p.nisbaBaseLight);
  }
  const { order, others } = ordersOf(patterns, PATTERN_FIELDS, 'pattern');
  for (const [name, column] of Object.entries({ tag, lightCount, lights, rewritten, flags, inflection, nisbaBase, order })) out.ints(`patterns.${name}`, column);
  return others;
}

function writeIndex(out: ContainerWriter, name: string, map: ReadonlyMap<string, readonly number[]>, strings: StringTable): void {
  const keys: number[] = [];
  const counts: number[] = [];
  const patterns: number[] = [];
  for (const [k, ids] of map) {
    keys.push(strings.ref(k));
    counts.push(ids.length);
    for (const id of ids) patterns.push(id);
  }
  out.ints(`${name}.keys`, keys);
  out.ints(`${name}.counts`, counts);
  out.ints(`${name}.patterns`, patterns);
}

/** Bytes that deserializeCompiled turns back into an equal compiled vocabulary. */
export function serializeCompiled(cv: CompiledVocabulary): Uint8Array {
  const strings = new StringTable();
  const tokens = new Array<string>(cv.tokenIds.size);
  for (const [k, id] of cv.tokenIds) tokens[id] = k;
  // Tokens first, so that token id = string index; lights and bases share their strings.
  for (const token of tokens) strings.ref(token);
  if (strings.list.length !== tokens.length) throw new Error('serializeCompiled: token ids are not 0 … n - 1');
  const out = new ContainerWriter();
  const tagOrders = writeTags(out, cv.tags.toArray(), cv.tagTable.entityOf, strings);
  const patternOrders = writePatterns(out, cv.patterns.toArray(), strings);
  writeIndex(out, 'inflection', cv.inflection, strings);
  writeIndex(out, 'nisbaBases', cv.nisbaBases, strings);
  for (const [name, column] of Object.entries(cv.trie)) out.ints(`trie.${name}`, column as Int32Array);
  out.strings('strings', strings.list);
  const meta: MetaV4 = { format: 'wasim-compiled', version: 4, tags: cv.tags.length, patterns: cv.patterns.length, tokens: tokens.length, nodeCount: cv.nodeCount, tagOrders, patternOrders };
  return out.finish(meta);
}

/** An integer section of `rows` values; a view into the file's bytes, not to be kept. */
function column(r: ContainerReader, name: string, rows: number): Ints {
  const c = r.ints(name);
  if (c.length !== rows) throw new WasimError('BAD_COMPILED_VOCAB');
  return c;
}

function isOrders(x: unknown): x is string[][] {
  return Array.isArray(x) && x.every((o) => Array.isArray(o) && o.every((f) => typeof f === 'string'));
}

/** A row in one of the other field orders: its fields copied in that order, which must be all of them. */
function reordered<T>(fields: Record<string, unknown>, order: readonly string[] | undefined): T {
  const present = Object.keys(fields).filter((f) => fields[f] !== undefined);
  if (order === undefined || order.length !== present.length || !order.every((f) => fields[f] !== undefined)) throw new WasimError('BAD_COMPILED_VOCAB');
  const row: Record<string, unknown> = {};
  for (const f of order) row[f] = fields[f];
  return row as T;
}

/** Every value is `marker` or a string index: the row loops then read strings without checks. */
function refsIn(a: Ints, marker: number, stringCount: number): boolean {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(v === marker || (v >= 0 && v < stringCount))) return false;
  }
  return true;
}

/** A column kept beyond the load: a copy, since a view would keep the whole file in memory. */
function kept(r: ContainerReader, name: string, rows: number): Ints {
  return column(r, name, rows).slice();
}

/*
 * Tags and patterns of a serialised vocabulary are made when first asked for (see Rows): the
 * load checks every column, so that making a row cannot fail, and makes at once only the rare
 * rows in another field order, whose order it must check against their fields.
 */
function readTags(r: ContainerReader, meta: MetaV4, strings: StringList): { tags: Rows<CompiledTag>; table: TagTable } {
  const n = meta.tags;
  const id = kept(r, 'tags.id', n);
  const label = kept(r, 'tags.label', n);
  const type = kept(r, 'tags.type', n);
  const parent = kept(r, 'tags.parent', n);
  const key = kept(r, 'tags.key', n);
  const flags = kept(r, 'tags.flags', n);
  const labelTokens = kept(r, 'tags.labelTokens', n);
  const entity = kept(r, 'tags.entity', n);
  const order = kept(r, 'tags.order', n);
  const S = strings.length;
  const checked = refsIn(key, 0, S) && refsIn(id, SAME_AS_KEY, S) && refsIn(label, SAME_AS_KEY, S) && refsIn(type, ABSENT, S) && refsIn(parent, ABSENT, S) && refsIn(entity, KEY_ENTITY, S);
  if (!checked) throw new WasimError('BAD_COMPILED_VOCAB');
  const make = (i: number): CompiledTag => {
    const tagKey = strings.get(key[i]!);
    const tagId = id[i] === SAME_AS_KEY ? tagKey : strings.get(id[i]!);
    const tagLabel = label[i] === SAME_AS_KEY ? tagKey : strings.get(label[i]!);
    const typeText = type[i] === ABSENT ? undefined : strings.get(type[i]!);
    const tagType = typeText as TagType | undefined;
    const tagParent = parent[i] === ABSENT ? undefined : strings.get(parent[i]!);
    const tagEntity = entity[i] === KEY_ENTITY ? entityOfKey(tagKey) : strings.get(entity[i]!);
    const f = flags[i]!;
    // newTag leaves out an empty type or parent: such a tag takes the general path.
    if (order[i] === 0 && typeText !== '' && tagParent !== '') {
      const tag = newTag(tagId, tagLabel, tagType, tagParent, (f & AMBIGUOUS) !== 0, tagKey, tagEntity);
      tag.labelTokens = labelTokens[i]!;
      if (f & HAS_NISBA_LABEL) tag.nisbaLabel = (f & NISBA_LABEL) !== 0;
      return tag;
    }
    const fields = {
      id: tagId,
      label: tagLabel,
      type: tagType,
      parent: tagParent,
      ambiguous: (f & AMBIGUOUS) !== 0,
      key: tagKey,
      labelTokens: labelTokens[i]!,
      entity: tagEntity,
      nisbaLabel: f & HAS_NISBA_LABEL ? (f & NISBA_LABEL) !== 0 : undefined,
    };
    return reordered<CompiledTag>(fields, order[i] === 0 ? TAG_FIELDS.filter((name) => fields[name] !== undefined) : meta.tagOrders[order[i]! - 1]);
  };
  const tags = Rows.lazy(n, make);
  for (let i = 0; i < n; i++) if (order[i] !== 0) tags.get(i);
  // Files written before the entity numbers were: numbered here from the entities' names.
  const entityOf = r.has('tags.entityNumber')
    ? Int32Array.from(column(r, 'tags.entityNumber', n))
    : entityNumbers(n, (i) => (entity[i] === KEY_ENTITY ? entityOfKey(strings.get(key[i]!)) : strings.get(entity[i]!)));
  if (!isEntityNumbering(entityOf)) throw new WasimError('BAD_COMPILED_VOCAB');
  const table = tagTableOf(
    entityOf,
    (i) => (flags[i]! & (HAS_NISBA_LABEL | NISBA_LABEL)) === (HAS_NISBA_LABEL | NISBA_LABEL),
    (i) => labelTokens[i]!,
  );
  return { tags, table };
}

/**
 * The lights of a pattern. Array literals for the usual lengths: packed arrays of their exact
 * size (an array made by length starts holey), and V8 allocates what a literal makes straight in
 * the old generation once it sees it outlive its function, as a vocabulary's patterns do.
 */
function lightsOf(lights: Ints, at: number, count: number, strings: StringList): string[] {
  switch (count) {
    case 1:
      return [strings.get(lights[at]!)];
    case 2:
      return [strings.get(lights[at]!), strings.get(lights[at + 1]!)];
    case 3:
      return [strings.get(lights[at]!), strings.get(lights[at + 1]!), strings.get(lights[at + 2]!)];
    default: {
      const out = new Array<string>(count);
      for (let k = 0; k < count; k++) out[k] = strings.get(lights[at + k]!);
      return out;
    }
  }
}

/** The first index of ascending `a` whose value is at least `value`. */
function firstAtLeast(a: Ints, value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function readPatterns(r: ContainerReader, meta: MetaV4, strings: StringList): Rows<Pattern> {
  const n = meta.patterns;
  const tag = kept(r, 'patterns.tag', n);
  const lightCount = kept(r, 'patterns.lightCount', n);
  const flags = kept(r, 'patterns.flags', n);
  const inflection = kept(r, 'patterns.inflection', n);
  const nisbaBase = kept(r, 'patterns.nisbaBase', n);
  const order = kept(r, 'patterns.order', n);
  const lights = r.ints('patterns.lights').slice();
  // Positions among all the lights of the rewritten ones (few), ascending.
  const rewritten = r.ints('patterns.rewritten').slice();
  const S = strings.length;
  const checked =
    refsIn(lights, 0, S) && refsIn(inflection, ABSENT, S) && refsIn(nisbaBase, ABSENT, S) && allIn(tag, 0, meta.tags) && allIn(lightCount, 0, lights.length + 1) && ascending(rewritten) && allIn(rewritten, 0, lights.length);
  if (!checked) throw new WasimError('BAD_COMPILED_VOCAB');
  const lightStart = new Int32Array(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    at += lightCount[i]!;
    if (at > lights.length) throw new WasimError('BAD_COMPILED_VOCAB');
    lightStart[i + 1] = at;
  }
  if (at !== lights.length) throw new WasimError('BAD_COMPILED_VOCAB');
  const make = (i: number): Pattern => {
    const start = lightStart[i]!;
    const count = lightCount[i]!;
    const ls = lightsOf(lights, start, count, strings);
    let rw: boolean[];
    let k = firstAtLeast(rewritten, start);
    if (k < rewritten.length && rewritten[k]! < start + count) {
      rw = new Array<boolean>(count).fill(false);
      for (; k < rewritten.length && rewritten[k]! < start + count; k++) rw[rewritten[k]! - start] = true;
    } else rw = NONE_REWRITTEN[count] ??= new Array<boolean>(count).fill(false);
    const f = flags[i]!;
    const infl = inflection[i]!;
    const nb = nisbaBase[i]!;
    if (order[i] === 0) {
      const p: Pattern = { tag: tag[i]!, lights: ls, rewritten: rw, nisba: (f & NISBA) !== 0 };
      if (f & HAS_ALIAS) p.alias = (f & ALIAS) !== 0;
      if (infl !== ABSENT) p.inflectionBaseLight = strings.get(infl);
      if (nb !== ABSENT) p.nisbaBaseLight = strings.get(nb);
      return p;
    }
    const fields = {
      tag: tag[i]!,
      lights: ls,
      rewritten: rw,
      nisba: (f & NISBA) !== 0,
      alias: f & HAS_ALIAS ? (f & ALIAS) !== 0 : undefined,
      inflectionBaseLight: infl === ABSENT ? undefined : strings.get(infl),
      nisbaBaseLight: nb === ABSENT ? undefined : strings.get(nb),
    };
    return reordered<Pattern>(fields, meta.patternOrders[order[i]! - 1]);
  };
  const patterns = Rows.lazy(n, make);
  for (let i = 0; i < n; i++) if (order[i] !== 0) patterns.get(i);
  return patterns;
}

function readIndex(r: ContainerReader, name: string, strings: StringList, bases: Ints, into: Map<string, number[]>): void {
  const keys = r.ints(`${name}.keys`);
  const counts = column(r, `${name}.counts`, keys.length);
  const ids = r.ints(`${name}.patterns`);
  if (!allIn(ids, 0, bases.length)) throw new WasimError('BAD_COMPILED_VOCAB');
  // From the columns, not the pattern objects: a million objects are a million cache misses.
  for (let i = 0; i < ids.length; i++) if (bases[ids[i]!] === ABSENT) throw new WasimError('BAD_COMPILED_VOCAB');
  let at = 0;
  for (let k = 0; k < keys.length; k++) {
    const ref = keys[k]!;
    const count = counts[k]!;
    if (!(ref >= 0 && ref < strings.length) || !(count >= 0 && at + count <= ids.length)) throw new WasimError('BAD_COMPILED_VOCAB');
    const key = strings.get(ref);
    // A literal for the usual single pattern, as in lightsOf.
    into.set(key, count === 1 ? [ids[at]!] : Array.from(ids.subarray(at, at + count)));
    at += count;
  }
  if (at !== ids.length) throw new WasimError('BAD_COMPILED_VOCAB');
}

function isMetaV4(m: unknown): m is MetaV4 {
  const x = m as MetaV4;
  const count = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  return (
    !!x && x.format === 'wasim-compiled' && x.version === 4 && count(x.tags) && count(x.patterns) && count(x.tokens) && count(x.nodeCount) && x.nodeCount >= 1 && isOrders(x.tagOrders) && isOrders(x.patternOrders)
  );
}

function fromV4(bytes: Uint8Array): CompiledVocabulary {
  const r = new ContainerReader(bytes);
  const meta = r.meta;
  if (!isMetaV4(meta)) throw new WasimError('BAD_COMPILED_VOCAB');
  const strings = r.strings('strings');
  if (meta.tokens > strings.length) throw new WasimError('BAD_COMPILED_VOCAB');
  const cv = emptyCompiled();
  const { tags, table } = readTags(r, meta, strings);
  const patterns = readPatterns(r, meta, strings);
  for (let id = 0; id < meta.tokens; id++) cv.tokenIds.set(strings.get(id), id);
  if (cv.tokenIds.size !== meta.tokens) throw new WasimError('BAD_COMPILED_VOCAB');
  // Copies: a view would keep the whole file in memory.
  const trie: Trie = {
    childStart: new Int32Array(r.ints('trie.childStart')),
    childToken: new Int32Array(r.ints('trie.childToken')),
    childNode: new Int32Array(r.ints('trie.childNode')),
    terminalStart: new Int32Array(r.ints('trie.terminalStart')),
    terminalPattern: new Int32Array(r.ints('trie.terminalPattern')),
  };
  readIndex(r, 'inflection', strings, column(r, 'patterns.inflection', meta.patterns), cv.inflection);
  readIndex(r, 'nisbaBases', strings, column(r, 'patterns.nisbaBase', meta.patterns), cv.nisbaBases);
  return { ...cv, tags, patterns, tagTable: table, trie: checkedTrie(trie, meta.nodeCount, meta.tokens, column(r, 'patterns.lightCount', meta.patterns)), nodeCount: meta.nodeCount };
}
