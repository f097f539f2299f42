/**
 * The serialised form of a compiled vocabulary, version 4: its columns in a binary container
 * (see codec/pack.ts). Files of versions 1 to 3 (JSON) are read by codec/legacy.ts.
 */
import { WasimError } from '../errors.js';
import type { TagType } from '../types.js';
import { ContainerReader, ContainerWriter, isBinaryContainer, jsonObject, type Ints, type StringList } from './codec/pack.js';
import { readLegacy } from './codec/legacy.js';
import { emptyCompiled, entityNumbers, entityOfKey, firstNotEntityNumber, makePattern, makeTag, noneRewritten, tagTableOf, type CompiledTag, type CompiledVocabulary, type Pattern, type TagTable } from './compile.js';
import { damaged } from './codec/damaged.js';
import { Rows } from './rows.js';
import { checkedTrie, firstDescent, firstOutside, type Trie } from './trie.js';

/** Version 4 since the binary container; versions 1 to 3 (JSON) are still read. */
export const FORMAT_VERSION = 4;

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

/**
 * Version 4: the columns of version 3 in a binary container (see codec/pack.ts), so that loading a
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
  /**
   * Object key orders of rows, from writers that stored them: row order k + 1 in a `.order`
   * column was orders[k]. Key order is not data (rows are made in one order, see makeTag), so
   * this writer writes none and every `.order` value 0, and the reader checks them only.
   */
  tagOrders: string[][];
  patternOrders: string[][];
}

function writeTags(out: ContainerWriter, tags: readonly CompiledTag[], entityNumber: Int32Array, strings: StringTable): void {
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
  out.ints('tags.id', id);
  out.ints('tags.label', label);
  out.ints('tags.type', type);
  out.ints('tags.parent', parent);
  out.ints('tags.key', key);
  out.ints('tags.flags', flags);
  out.ints('tags.labelTokens', labelTokens);
  out.ints('tags.entity', entity);
  out.ints('tags.order', new Int32Array(n));
  out.ints('tags.entityNumber', entityNumber);
}

function writePatterns(out: ContainerWriter, patterns: readonly Pattern[], strings: StringTable): void {
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
  out.ints('patterns.tag', tag);
  out.ints('patterns.lightCount', lightCount);
  out.ints('patterns.lights', lights);
  out.ints('patterns.rewritten', rewritten);
  out.ints('patterns.flags', flags);
  out.ints('patterns.inflection', inflection);
  out.ints('patterns.nisbaBase', nisbaBase);
  out.ints('patterns.order', new Int32Array(n));
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
  writeTags(out, cv.tags.toArray(), cv.tagTable.entityOf, strings);
  writePatterns(out, cv.patterns.toArray(), strings);
  writeIndex(out, 'inflection', cv.inflection, strings);
  writeIndex(out, 'nisbaBases', cv.nisbaBases, strings);
  const trie = cv.trie;
  out.ints('trie.childStart', trie.childStart);
  out.ints('trie.childToken', trie.childToken);
  out.ints('trie.childNode', trie.childNode);
  out.ints('trie.terminalStart', trie.terminalStart);
  out.ints('trie.terminalPattern', trie.terminalPattern);
  out.strings('strings', strings.list);
  const meta = jsonObject([
    ['format', JSON.stringify('wasim-compiled')],
    ['version', String(FORMAT_VERSION)],
    ['tags', String(cv.tags.length)],
    ['patterns', String(cv.patterns.length)],
    ['tokens', String(tokens.length)],
    ['nodeCount', String(cv.nodeCount)],
    ['tagOrders', '[]'],
    ['patternOrders', '[]'],
  ]);
  return out.finish(meta);
}

/** An integer section of `rows` values; a view into the file's bytes, not to be kept. */
function column(r: ContainerReader, name: string, rows: number): Ints {
  const c = r.ints(name);
  if (c.length !== rows) throw damaged('columnLength', { section: name, actual: c.length, expected: rows });
  return c;
}

/** Every value of section `name` in [lo, hi). */
function checkIn(a: Ints, name: string, lo: number, hi: number): void {
  const i = firstOutside(a, lo, hi);
  if (i >= 0) throw damaged('outOfRange', { section: name, value: a[i]!, index: i, min: lo, max: hi - 1 });
}

function isOrders(x: unknown): x is string[][] {
  return Array.isArray(x) && x.every((o) => Array.isArray(o) && o.every((f) => typeof f === 'string'));
}

/** Every value of section `name` is `marker` or a string index: the row loops then read strings without checks. */
function checkRefs(a: Ints, name: string, marker: number, stringCount: number): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(v === marker || (v >= 0 && v < stringCount))) throw damaged('outOfRange', { section: name, value: v, index: i, min: 0, max: stringCount - 1 });
  }
}

/** A column kept beyond the load: a copy, since a view would keep the whole file in memory. */
function kept(r: ContainerReader, name: string, rows: number): Ints {
  return column(r, name, rows).slice();
}

/**
 * A `.order` column: each value 0 or the number of one of the file's other key orders. Read
 * only to refuse a damaged file; the rows are made in the one order of makeTag.
 */
function checkOrders(r: ContainerReader, name: string, rows: number, orders: number): void {
  checkIn(column(r, name, rows), name, 0, orders + 1);
}

/*
 * Tags and patterns of a serialised vocabulary are made when first asked for (see Rows): the
 * load checks every column, so that making a row cannot fail.
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
  checkOrders(r, 'tags.order', n, meta.tagOrders.length);
  const S = strings.length;
  // A key is always a string (0 is no marker: the check is of the range alone).
  checkRefs(key, 'tags.key', 0, S);
  checkRefs(id, 'tags.id', SAME_AS_KEY, S);
  checkRefs(label, 'tags.label', SAME_AS_KEY, S);
  checkRefs(type, 'tags.type', ABSENT, S);
  checkRefs(parent, 'tags.parent', ABSENT, S);
  checkRefs(entity, 'tags.entity', KEY_ENTITY, S);
  const make = (i: number): CompiledTag => {
    const tagKey = strings.get(key[i]!);
    const tagId = id[i] === SAME_AS_KEY ? tagKey : strings.get(id[i]!);
    const tagLabel = label[i] === SAME_AS_KEY ? tagKey : strings.get(label[i]!);
    const tagType = type[i] === ABSENT ? undefined : (strings.get(type[i]!) as TagType);
    const tagParent = parent[i] === ABSENT ? undefined : strings.get(parent[i]!);
    const tagEntity = entity[i] === KEY_ENTITY ? entityOfKey(tagKey) : strings.get(entity[i]!);
    const f = flags[i]!;
    return makeTag(tagId, tagLabel, tagType, tagParent, (f & AMBIGUOUS) !== 0, tagKey, labelTokens[i]!, tagEntity, f & HAS_NISBA_LABEL ? (f & NISBA_LABEL) !== 0 : undefined);
  };
  const tags = Rows.lazy(n, make);
  // Files written before the entity numbers were: numbered here from the entities' names.
  const entityOf = r.has('tags.entityNumber')
    ? new Int32Array(column(r, 'tags.entityNumber', n))
    : entityNumbers(n, (i) => (entity[i] === KEY_ENTITY ? entityOfKey(strings.get(key[i]!)) : strings.get(entity[i]!)));
  const notNumbered = firstNotEntityNumber(entityOf);
  if (notNumbered >= 0) throw damaged('entityNumbers', { section: 'tags.entityNumber', value: entityOf[notNumbered]!, index: notNumbered });
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
  checkOrders(r, 'patterns.order', n, meta.patternOrders.length);
  const lights = r.ints('patterns.lights').slice();
  // Positions among all the lights of the rewritten ones (few), ascending.
  const rewritten = r.ints('patterns.rewritten').slice();
  const S = strings.length;
  checkRefs(lights, 'patterns.lights', 0, S);
  checkRefs(inflection, 'patterns.inflection', ABSENT, S);
  checkRefs(nisbaBase, 'patterns.nisbaBase', ABSENT, S);
  checkIn(tag, 'patterns.tag', 0, meta.tags);
  checkIn(lightCount, 'patterns.lightCount', 0, lights.length + 1);
  const descent = firstDescent(rewritten);
  if (descent >= 0) throw damaged('notAscending', { section: 'patterns.rewritten', value: rewritten[descent]!, index: descent });
  checkIn(rewritten, 'patterns.rewritten', 0, lights.length);
  const lightStart = new Int32Array(n + 1);
  let at = 0;
  // Each count is at most lights.length (checked above): the sum is exact, and checked once.
  for (let i = 0; i < n; i++) {
    at += lightCount[i]!;
    lightStart[i + 1] = at;
  }
  if (at !== lights.length) throw damaged('countsTotal', { section: 'patterns.lightCount', total: at, other: 'patterns.lights', actual: lights.length });
  const make = (i: number): Pattern => {
    const start = lightStart[i]!;
    const count = lightCount[i]!;
    const ls = lightsOf(lights, start, count, strings);
    let rw: boolean[];
    let k = firstAtLeast(rewritten, start);
    if (k < rewritten.length && rewritten[k]! < start + count) {
      rw = new Array<boolean>(count).fill(false);
      for (; k < rewritten.length && rewritten[k]! < start + count; k++) rw[rewritten[k]! - start] = true;
    } else rw = noneRewritten(count);
    const f = flags[i]!;
    const infl = inflection[i]!;
    const nb = nisbaBase[i]!;
    return makePattern(tag[i]!, ls, rw, (f & NISBA) !== 0, f & HAS_ALIAS ? (f & ALIAS) !== 0 : undefined, infl === ABSENT ? undefined : strings.get(infl), nb === ABSENT ? undefined : strings.get(nb));
  };
  return Rows.lazy(n, make);
}

/** `bases`: the patterns' column of this index's key (section `basesName`), ABSENT for a pattern not in it. */
function readIndex(r: ContainerReader, name: string, strings: StringList, bases: Ints, basesName: string, into: Map<string, number[]>): void {
  const keys = r.ints(`${name}.keys`);
  const counts = column(r, `${name}.counts`, keys.length);
  const ids = r.ints(`${name}.patterns`);
  checkIn(ids, `${name}.patterns`, 0, bases.length);
  // From the columns, not the pattern objects: a million objects are a million cache misses.
  for (let i = 0; i < ids.length; i++) if (bases[ids[i]!] === ABSENT) throw damaged('unlistedPattern', { section: `${name}.patterns`, pattern: ids[i]!, column: basesName });
  checkIn(keys, `${name}.keys`, 0, strings.length);
  checkIn(counts, `${name}.counts`, 0, ids.length + 1);
  let at = 0;
  for (let k = 0; k < keys.length; k++) {
    const ref = keys[k]!;
    const count = counts[k]!;
    if (at + count > ids.length) throw damaged('countsTotal', { section: `${name}.counts`, total: sum(counts), other: `${name}.patterns`, actual: ids.length });
    const key = strings.get(ref);
    // A literal for the usual single pattern, as in lightsOf.
    into.set(key, count === 1 ? [ids[at]!] : Array.from(ids.subarray(at, at + count)));
    at += count;
  }
  if (at !== ids.length) throw damaged('countsTotal', { section: `${name}.counts`, total: at, other: `${name}.patterns`, actual: ids.length });
}

function sum(a: Ints): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i]!;
  return total;
}

/** The header's meta as MetaV4, or the error that names what is wrong with it. */
function metaV4(m: unknown): MetaV4 {
  if (!m || typeof m !== 'object') throw damaged('headerField', { field: 'meta' });
  const x = m as MetaV4;
  if (x.format !== 'wasim-compiled') throw damaged('headerField', { field: 'meta.format' });
  if (x.version !== FORMAT_VERSION) {
    if (typeof x.version !== 'number') throw damaged('headerField', { field: 'meta.version' });
    throw damaged('binaryVersion', { version: x.version, current: FORMAT_VERSION });
  }
  const count = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  for (const field of ['tags', 'patterns', 'tokens', 'nodeCount'] as const) if (!count(x[field])) throw damaged('headerField', { field: `meta.${field}` });
  // The root.
  if (x.nodeCount < 1) throw damaged('headerField', { field: 'meta.nodeCount' });
  if (!isOrders(x.tagOrders)) throw damaged('headerField', { field: 'meta.tagOrders' });
  if (!isOrders(x.patternOrders)) throw damaged('headerField', { field: 'meta.patternOrders' });
  return x;
}

function fromV4(bytes: Uint8Array): CompiledVocabulary {
  const r = new ContainerReader(bytes);
  const meta = metaV4(r.meta);
  const strings = r.strings('strings');
  if (meta.tokens > strings.length) throw damaged('tokenCount', { tokens: meta.tokens, strings: strings.length });
  const cv = emptyCompiled();
  const { tags, table } = readTags(r, meta, strings);
  const patterns = readPatterns(r, meta, strings);
  for (let id = 0; id < meta.tokens; id++) cv.tokenIds.set(strings.get(id), id);
  if (cv.tokenIds.size !== meta.tokens) throw repeatedToken(strings, meta.tokens);
  // Copies: a view would keep the whole file in memory.
  const trie: Trie = {
    childStart: new Int32Array(r.ints('trie.childStart')),
    childToken: new Int32Array(r.ints('trie.childToken')),
    childNode: new Int32Array(r.ints('trie.childNode')),
    terminalStart: new Int32Array(r.ints('trie.terminalStart')),
    terminalPattern: new Int32Array(r.ints('trie.terminalPattern')),
  };
  readIndex(r, 'inflection', strings, column(r, 'patterns.inflection', meta.patterns), 'patterns.inflection', cv.inflection);
  readIndex(r, 'nisbaBases', strings, column(r, 'patterns.nisbaBase', meta.patterns), 'patterns.nisbaBase', cv.nisbaBases);
  return { ...cv, tags, patterns, tagTable: table, trie: checkedTrie(trie, meta.nodeCount, meta.tokens, column(r, 'patterns.lightCount', meta.patterns)), nodeCount: meta.nodeCount };
}

/** The error for tokens that are not distinct: found again only once the count says so, off the load's path. */
function repeatedToken(strings: StringList, tokens: number): WasimError {
  const first = new Map<string, number>();
  for (let id = 0; id < tokens; id++) {
    const s = strings.get(id);
    const earlier = first.get(s);
    if (earlier !== undefined) return damaged('tokenRepeats', { index: id, first: earlier });
    first.set(s, id);
  }
  // Not reached: fewer distinct tokens than ids means one repeats.
  return damaged('tokenCount', { tokens, strings: strings.length });
}

/** Do the bytes start as a serialised compiled vocabulary of the binary form (version 4 on)? */
export function isCompiledBinary(bytes: Uint8Array): boolean {
  return isBinaryContainer(bytes);
}

/**
 * The compiled vocabulary of serializeCompiled's bytes, or of the JSON text of an older version
 * (as a string or as UTF-8 bytes): the form is told by the content, not by the file's name.
 */
export function deserializeCompiled(input: string | Uint8Array): CompiledVocabulary {
  if (typeof input !== 'string' && isBinaryContainer(input)) {
    try {
      return fromV4(input);
    } catch (e) {
      if (e instanceof WasimError) throw e;
      // The checks above name every damage they see (the tests hold them to it); a damage they
      // miss is still the file's, refused, not a stack trace.
      throw new WasimError('BAD_COMPILED_VOCAB');
    }
  }
  return readLegacy(input, FORMAT_VERSION);
}
