/**
 * Compiles a vocabulary into a token trie over canonical folded tokens. Lookup cost per text
 * token is a handful of hash probes whatever the vocabulary size: token → id in one hash,
 * (trie node, token id) → child in another. Inflection and nisba bases have their own
 * hashes for single-token tags. The compiled form serialises to plain JSON-able data.
 */
import { WasimError } from './errors.js';
import { foldKey } from './fold.js';
import { articleOffset, inflectionBase, nisbaBaseFor } from './morph.js';
import { tokenize } from './tokenize.js';
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
  return key.startsWith('ال') && key.length >= 5 && !key.includes(' ') ? key.slice(2) : key;
}

export interface CompiledVocabulary {
  readonly tags: CompiledTag[];
  readonly patterns: Pattern[];
  /** canonical token key → token id */
  readonly tokenIds: Map<string, number>;
  /** node * EDGE_BASE + token id → child node; the root is node 0 */
  readonly edges: Map<number, number>;
  /** node → ids of patterns ending there */
  readonly terminals: Map<number, number[]>;
  /** inflection base key → ids of single-token patterns open to inflection */
  readonly inflection: Map<string, number[]>;
  /** nisba base key → ids of single-token place-name patterns */
  readonly nisbaBases: Map<string, number[]>;
  nodeCount: number;
  /** Compile-time warnings (merged entries, unknown parents). */
  readonly warnings: string[];
}

export const EDGE_BASE = 2 ** 24;
export const FORMAT_VERSION = 1;

const INFLECTABLE_TYPES = new Set<TagType | undefined>(['topic', 'event', undefined]);

function emptyCompiled(): CompiledVocabulary {
  return { tags: [], patterns: [], tokenIds: new Map(), edges: new Map(), terminals: new Map(), inflection: new Map(), nisbaBases: new Map(), nodeCount: 1, warnings: [] };
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function addPattern(cv: CompiledVocabulary, tagIndex: number, form: string, isNisba: boolean, seen: Set<string>, isAlias = false): void {
  const tokens = tokenize(form);
  if (tokens.length === 0) return;
  const keys = tokens.map((t) => canonicalKey(t.key));
  const lights = tokens.map((t, k) => (keys[k] === t.key ? t.light : keys[k]!));
  const dedupe = keys.join(' ') + '\u0000' + lights.join(' ') + (isNisba ? '\u0000n' : '');
  if (seen.has(dedupe)) return;
  seen.add(dedupe);
  const patternId = cv.patterns.length;
  const pattern: Pattern = { tag: tagIndex, lights, rewritten: tokens.map((t, k) => keys[k] !== t.key), nisba: isNisba };
  if (isAlias) pattern.alias = true;
  cv.patterns.push(pattern);
  let node = 0;
  for (const key of keys) {
    let id = cv.tokenIds.get(key);
    if (id === undefined) {
      id = cv.tokenIds.size;
      if (id >= EDGE_BASE) throw new WasimError('INPUT_TOO_LARGE', `vocabulary has more than ${EDGE_BASE} distinct tokens`);
      cv.tokenIds.set(key, id);
    }
    const edge = node * EDGE_BASE + id;
    let child = cv.edges.get(edge);
    if (child === undefined) {
      child = cv.nodeCount++;
      cv.edges.set(edge, child);
    }
    node = child;
  }
  pushTo(cv.terminals, node, patternId);
  if (keys.length !== 1 || isNisba) return;
  const tag = cv.tags[tagIndex]!;
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
}

/**
 * Entries with the same id, or without ids and with labels that fold alike, are one tag;
 * the first spelling seen is the one reported.
 */
export function compileVocabulary(entries: readonly VocabEntry[], options: CompileOptions = {}): CompiledVocabulary {
  const cv = emptyCompiled();
  const byId = new Map<string, number>();
  const byKey = new Map<string, number>();
  const forms: { names: string[]; nisba: string[] }[] = [];
  const hasId: boolean[] = [];
  for (const e of entries) {
    const key = foldKey(e.label);
    if (!key) continue;
    let index = e.id !== undefined ? byId.get(e.id) : byKey.get(key);
    // An entry with an id joins a tag of the same name that has none (a publisher's plain tag
    // merged with the default vocabulary's entry): the publisher's spelling stays the label.
    if (index === undefined && e.id !== undefined) {
      const named = byKey.get(key);
      if (named !== undefined && !hasId[named]) index = named;
    }
    if (index === undefined) {
      index = cv.tags.length;
      const type = e.type ?? options.typeHints?.get(key);
      cv.tags.push({
        id: e.id ?? key,
        label: e.label,
        ...(type ? { type } : {}),
        ...(e.parent ? { parent: e.parent } : {}),
        ambiguous: e.ambiguous ?? options.ambiguousHints?.has(key) ?? false,
        key,
        labelTokens: tokenize(e.label).length,
        entity: e.id !== undefined && e.type ? e.id : (options.entityHints?.get(key) ?? 'key:' + entityOfKey(key)),
      });
      forms.push({ names: [], nisba: [] });
      if (e.id !== undefined) byId.set(e.id, index);
      hasId.push(e.id !== undefined);
      if (!byKey.has(key)) byKey.set(key, index);
    } else if (e.id !== undefined && !hasId[index]) {
      const tag = cv.tags[index]!;
      byId.set(e.id, index);
      hasId[index] = true;
      tag.id = e.id;
      tag.entity = e.type ? e.id : tag.entity;
      if (!tag.type && e.type) tag.type = e.type;
      if (!tag.parent && e.parent) tag.parent = e.parent;
      if (e.ambiguous) tag.ambiguous = true;
    } else if (e.id === undefined || byId.get(e.id) === index) {
      const tag = cv.tags[index]!;
      if (e.label !== tag.label) cv.warnings.push(`"${e.label}" folds like "${tag.label}": one tag, reported as "${tag.label}"`);
      if (!tag.type && e.type) tag.type = e.type;
      if (e.ambiguous) tag.ambiguous = true;
    }
    const f = forms[index]!;
    f.names.push(e.label, ...(e.aliases ?? []));
    f.nisba.push(...(e.nisba ?? []));
  }
  if (options.aliasHints) {
    cv.tags.forEach((tag, index) => {
      // A topic's aliases are the words that signal it, not other names for it: not lent.
      const lent = tag.type === 'topic' ? undefined : options.aliasHints!.get(tag.entity);
      if (lent && !tag.nisbaLabel) forms[index]!.names.push(...lent);
    });
  }
  if (options.nisbaHints) {
    cv.tags.forEach((tag, index) => {
      const lent = options.nisbaHints!.get(tag.entity);
      if (!lent) return;
      if (lent.some((n) => foldKey(n) === tag.key)) tag.nisbaLabel = true;
      else if (tag.type === 'place') forms[index]!.nisba.push(...lent);
    });
  }
  cv.tags.forEach((_, index) => {
    const seen = new Set<string>();
    const labelKey = cv.tags[index]!.key;
    for (const name of forms[index]!.names) addPattern(cv, index, name, false, seen, foldKey(name) !== labelKey);
    for (const n of forms[index]!.nisba) addPattern(cv, index, n, true, seen);
  });
  if (cv.tags.length === 0) throw new WasimError('EMPTY_VOCAB');
  return cv;
}

interface SerializedV1 {
  format: 'wasim-compiled';
  version: number;
  tags: CompiledTag[];
  patterns: Pattern[];
  tokens: string;
  edges: number[];
  terminals: number[];
  inflection: [string, number[]][];
  nisbaBases: [string, number[]][];
  nodeCount: number;
}

/** A JSON string that deserializeCompiled turns back into an equal compiled vocabulary. */
export function serializeCompiled(cv: CompiledVocabulary): string {
  const tokens = new Array<string>(cv.tokenIds.size);
  for (const [k, id] of cv.tokenIds) tokens[id] = k;
  const edges: number[] = [];
  for (const [k, child] of cv.edges) edges.push(Math.floor(k / EDGE_BASE), k % EDGE_BASE, child);
  const terminals: number[] = [];
  for (const [node, list] of cv.terminals) terminals.push(node, list.length, ...list);
  const data: SerializedV1 = {
    format: 'wasim-compiled',
    version: FORMAT_VERSION,
    tags: cv.tags,
    patterns: cv.patterns,
    tokens: tokens.join('\n'),
    edges,
    terminals,
    inflection: [...cv.inflection],
    nisbaBases: [...cv.nisbaBases],
    nodeCount: cv.nodeCount,
  };
  return JSON.stringify(data);
}

export function deserializeCompiled(text: string): CompiledVocabulary {
  let data: SerializedV1;
  try {
    data = JSON.parse(text) as SerializedV1;
  } catch {
    throw new WasimError('BAD_COMPILED_VOCAB');
  }
  if (!data || data.format !== 'wasim-compiled' || data.version !== FORMAT_VERSION) throw new WasimError('BAD_COMPILED_VOCAB');
  const cv = emptyCompiled();
  // A loop, not push(...): a spread of a million tags overflows the call stack.
  for (const tag of data.tags) cv.tags.push(tag);
  for (const pattern of data.patterns) cv.patterns.push(pattern);
  data.tokens.split('\n').forEach((k, id) => cv.tokenIds.set(k, id));
  const e = data.edges;
  for (let i = 0; i < e.length; i += 3) cv.edges.set(e[i]! * EDGE_BASE + e[i + 1]!, e[i + 2]!);
  const t = data.terminals;
  for (let i = 0; i < t.length; ) {
    const node = t[i]!;
    const n = t[i + 1]!;
    cv.terminals.set(node, t.slice(i + 2, i + 2 + n));
    i += 2 + n;
  }
  for (const [k, v] of data.inflection) cv.inflection.set(k, v);
  for (const [k, v] of data.nisbaBases) cv.nisbaBases.set(k, v);
  cv.nodeCount = data.nodeCount;
  return cv;
}
