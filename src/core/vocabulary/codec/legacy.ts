/**
 * Readers of the JSON serialised forms, versions 1 to 3, frozen: files written before the
 * binary container still load, as what a fresh compile of their vocabulary makes. Nothing
 * writes these forms any more.
 */
import { WasimError } from '../../errors.js';
import { emptyCompiled, entityOfKey, INFLECTABLE_TYPES, inPatternOrder, inTagOrder, LABEL_ENTITY_PREFIX, noneRewritten, separateEntities, tagTableOfRows, type CompiledTag, type CompiledVocabulary, type Pattern } from '../compile.js';
import { Rows } from '../rows.js';
import { buildTrie, checkedTrie, type Trie } from '../trie.js';
import { damaged } from './damaged.js';
import { unpackInts } from './pack.js';

/** Version 3's error for a damaged part of the file, named by its path in the JSON. */
const damagedV3 = (part: string): WasimError => damaged('legacyDamaged', { version: 3, part });

/** A packed list of version 3 (`part` names it), refused as the file's damage when it is not one. */
function unpacked(text: string, part: string, delta = false): Int32Array {
  try {
    return unpackInts(text, delta);
  } catch {
    throw damagedV3(part);
  }
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


/** A column decoded: the value of a row, given the row's fields so far. */
type Reader = (r: number, row: Record<string, unknown>, fields: readonly string[]) => unknown;

/** `part`: the column's path in the file, for the error of a damaged one. */
function readerOf(name: string, part: string, c: PackedColumn, rows: number, strings: readonly string[], derivations: Derivations): Reader {
  const stringAt = (ref: number): string => {
    const s = strings[ref];
    if (s === undefined) throw damagedV3(part);
    return s;
  };
  const text = (ref: number, row: Record<string, unknown>, fields: readonly string[]): string => {
    if (ref >= 0) return stringAt(ref);
    const value = ref === DERIVED ? derivations[name]?.derive(row[derivations[name].from] as string) : row[fields[-1 - ref]!];
    if (typeof value !== 'string') throw damagedV3(part);
    return value;
  };
  const counted = (a: Int32Array): Int32Array => {
    if (a.length !== rows) throw damagedV3(part);
    return a;
  };
  switch (c.kind) {
    case 'text': {
      const refs = counted(unpacked(c.refs, part));
      return (r, row, fields) => text(refs[r]!, row, fields);
    }
    case 'int': {
      const values = counted(unpacked(c.values, part));
      return (r) => values[r];
    }
    case 'flag': {
      const values = counted(unpacked(c.values, part));
      return (r) => values[r] === 1;
    }
    case 'texts': {
      const lengths = counted(unpacked(c.lengths, part));
      const items = unpacked(c.refs, part);
      const starts = new Int32Array(rows + 1);
      for (let r = 0; r < rows; r++) starts[r + 1] = starts[r]! + lengths[r]!;
      if (starts[rows] !== items.length) throw damagedV3(part);
      return (r) => {
        const out = new Array<string>(lengths[r]!);
        for (let k = 0; k < out.length; k++) out[k] = stringAt(items[starts[r]! + k]!);
        return out;
      };
    }
    case 'flags': {
      const lengths = counted(unpacked(c.lengths, part));
      const set = unpacked(c.set, part, true);
      const starts = new Int32Array(rows + 1);
      for (let r = 0; r < rows; r++) starts[r + 1] = starts[r]! + lengths[r]!;
      const on = new Uint8Array(starts[rows]!);
      const rowHasTrue = new Uint8Array(rows);
      let row = 0;
      for (const p of set) {
        if (p < starts[row]! || p >= on.length) throw damagedV3(part);
        on[p] = 1;
        while (starts[row + 1]! <= p) row++;
        rowHasTrue[row] = 1;
      }
      return (r) => {
        if (!rowHasTrue[r]) return noneRewritten(lengths[r]!);
        return Array.from(on.subarray(starts[r]!, starts[r + 1]!), (x) => x === 1);
      };
    }
    case 'json':
      return (r) => c.values[r];
    default:
      throw damagedV3(part);
  }
}

/** A row of the shape (there is one: shapes are taken from rows). */
function firstOfShape(shape: Int32Array, s: number, part: string): number {
  const r = shape.indexOf(s);
  if (r < 0) throw damagedV3(part);
  return r;
}

/** `table`: tags or patterns, the rows' place in the file. */
function fromPacked<T>(table: string, c: PackedColumns, strings: readonly string[], derivations: Derivations = {}): T[] {
  const readers = new Map<string, Reader>();
  for (const [name, column] of Object.entries(c.columns)) readers.set(name, readerOf(name, `${table}.columns.${name}`, column, c.rows, strings, derivations));
  const plans = c.shapes.map((fields) =>
    fields.map((f) => {
      const read = readers.get(f);
      if (read === undefined) throw damagedV3(`${table}.columns.${f}`);
      return read;
    }),
  );
  const shape = unpacked(c.shape, `${table}.shape`);
  if (shape.length !== c.rows) throw damagedV3(`${table}.shape`);
  // Each row is a copy of its shape's template, then filled: one allocation of the final size
  // per row, where adding fields to an empty object one by one reallocates as it grows.
  const templates = c.shapes.map((fields, s) => {
    const template: Record<string, unknown> = {};
    fields.forEach((f, k) => (template[f] = plans[s]![k]!(firstOfShape(shape, s, `${table}.shape`), template, fields)));
    return template;
  });
  const out = new Array<T>(c.rows);
  for (let r = 0; r < c.rows; r++) {
    const s = shape[r]!;
    const fields = c.shapes[s];
    if (fields === undefined) throw damagedV3(`${table}.shape`);
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

function unpackIndex(name: string, p: SerializedV3['inflection'], strings: readonly string[], into: Map<string, number[]>): void {
  const keys = unpacked(p.keys, `${name}.keys`);
  const counts = unpacked(p.counts, `${name}.counts`);
  const patterns = unpacked(p.patterns, `${name}.patterns`);
  if (counts.length !== keys.length) throw damagedV3(`${name}.counts`);
  let at = 0;
  for (let k = 0; k < keys.length; k++) {
    const key = strings[keys[k]!];
    if (key === undefined) throw damagedV3(`${name}.keys`);
    if (at + counts[k]! > patterns.length) throw damagedV3(`${name}.counts`);
    const ids = new Array<number>(counts[k]!);
    for (let i = 0; i < ids.length; i++) ids[i] = patterns[at++]!;
    into.set(key, ids);
  }
}

function trieFromV3(t: SerializedV3['trie'], nodeCount: number, tokenCount: number, patterns: readonly Pattern[]): Trie {
  const trie: Trie = {
    childStart: unpacked(t.childStart, 'trie.childStart', true),
    childToken: unpacked(t.childToken, 'trie.childToken'),
    childNode: unpacked(t.childNode, 'trie.childNode'),
    terminalStart: unpacked(t.terminalStart, 'trie.terminalStart', true),
    terminalPattern: unpacked(t.terminalPattern, 'trie.terminalPattern'),
  };
  return checkedTrie(trie, nodeCount, tokenCount, Int32Array.from(patterns, (p) => p.lights.length));
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

/** Versions before 4 prefixed every label-named entity: read, they are named as a fresh compile names them. */
function renameLabelEntities(tags: readonly CompiledTag[]): void {
  const labelNamed = tags.map((t) => t.entity === LABEL_ENTITY_PREFIX + entityOfKey(t.key));
  tags.forEach((t, i) => {
    if (labelNamed[i]) t.entity = entityOfKey(t.key);
  });
  separateEntities(tags, labelNamed);
}

/**
 * The compiled vocabulary of the JSON text of version 1, 2 or 3 (as a string or as UTF-8 bytes).
 * `current`: the version of the binary form, for the error of a file of another version.
 */
export function readLegacy(input: string | Uint8Array, current: number): CompiledVocabulary {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  let data: SerializedV1 | SerializedV2 | SerializedV3;
  try {
    data = JSON.parse(text) as SerializedV1 | SerializedV2 | SerializedV3;
  } catch {
    throw damaged('unknownForm', {});
  }
  if (!data || data.format !== 'wasim-compiled') throw damaged('jsonNotCompiled', {});
  const version: unknown = data.version;
  if (version !== 1 && version !== 2 && version !== 3) throw damaged('jsonVersion', { version: JSON.stringify(version ?? null), current });
  try {
    return data.version === 3 ? fromV3(data) : fromV1OrV2(data);
  } catch (e) {
    if (e instanceof WasimError) throw e;
    // A field missing or of another kind, met as a TypeError: these frozen readers check the
    // references and counts they read, not the shape of the JSON around them.
    throw damaged('legacyMalformed', { version });
  }
}

function fromV1OrV2(data: SerializedV1 | SerializedV2): CompiledVocabulary {
  const cv = emptyCompiled();
  const tags = data.version === 1 ? data.tags : fromColumns<CompiledTag>(data.tags);
  const patterns = data.version === 1 ? data.patterns : fromColumns<Pattern>(data.patterns);
  // A loop, not push(...): a spread of a million tags overflows the call stack.
  // In the fields' one order (these forms kept each row's own), as a fresh compile makes them.
  for (const tag of tags) cv.tags.push(inTagOrder(tag));
  for (const pattern of patterns) cv.patterns.push(inPatternOrder(pattern));
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
  if (!Array.isArray(strings)) throw damagedV3('strings');
  const cv: CompiledVocabulary = {
    ...emptyCompiled(),
    tags: Rows.of(fromPacked<CompiledTag>('tags', data.tags, strings, TAG_DERIVATIONS).map(inTagOrder)),
    patterns: Rows.of(fromPacked<Pattern>('patterns', data.patterns, strings).map(inPatternOrder)),
  };
  renameLabelEntities(cv.tags.toArray());
  const tokens = data.tokens.split('\n');
  for (let id = 0; id < tokens.length; id++) cv.tokenIds.set(tokens[id]!, id);
  cv.nodeCount = data.nodeCount;
  cv.trie = trieFromV3(data.trie, data.nodeCount, tokens.length, cv.patterns.toArray());
  unpackIndex('inflection', data.inflection, strings, cv.inflection);
  unpackIndex('nisbaBases', data.nisbaBases, strings, cv.nisbaBases);
  cv.tagTable = tagTableOfRows(cv.tags);
  return withoutNameInflection(cv);
}
