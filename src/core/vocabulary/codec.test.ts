import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ERRORS, isWasimError, PLACEHOLDER, type WasimError } from '../errors.js';
import { createTagger } from '../pipeline.js';
import { ENTRIES, RICH, V2, V3, V4_WITH_KEY_ORDERS } from '../testing/legacy-vocabularies.js';
import type { VocabEntry } from '../types.js';
import { deserializeCompiled, FORMAT_VERSION, serializeCompiled } from './codec.js';
import { sealContainer } from './codec/pack.js';
import { compileVocabulary, type CompiledVocabulary } from './compile.js';
import { Rows } from './rows.js';

const TEMPLATES: Readonly<Record<string, { en: string; ar: string }>> = ERRORS.BAD_COMPILED_VOCAB.templates;

/**
 * Refused with BAD_COMPILED_VOCAB from one of its catalogue templates, both languages filled in:
 * never a TypeError or RangeError, and never the code's bare default (a damage no check named).
 */
function badFile(e: unknown): boolean {
  if (!isWasimError(e) || e.code !== 'BAD_COMPILED_VOCAB') return false;
  if (e.template === undefined || !Object.hasOwn(TEMPLATES, e.template)) return false;
  const filled = (s: string): boolean => s.match(PLACEHOLDER) === null;
  return filled(e.message) && filled(e.messageAr) && /[\u0621-\u064A]{3}/.test(e.messageAr) && e.messageAr !== e.message;
}

const SENTENCES = [
  'اجتمع مجلس الأمن في الأمم المتحدة لبحث المفاوضات بين حماس وإسرائيل بشأن قطاع غزة',
  'قال المتحدث المصري إن مصر تواصل الوساطة، وإن الوفد الأميركي وصل إلى القاهرة',
  'أعلنت الامم المتحده أن المساعدات دخلت غزه عبر معبر رفح',
];

/** Everything the matcher and ranker read, field order of tags and patterns included. */
function assertSameVocabulary(back: CompiledVocabulary, cv: CompiledVocabulary): void {
  // Rows read from a serialised form are made on demand: compared as the objects they make.
  const plain = (v: CompiledVocabulary): object => ({ ...v, tags: v.tags.toArray(), patterns: v.patterns.toArray() });
  assert.deepEqual(plain(back), plain(cv));
  assert.deepEqual(back.tags.toArray().map((t) => Object.keys(t)), cv.tags.toArray().map((t) => Object.keys(t)));
  assert.deepEqual(back.patterns.toArray().map((p) => Object.keys(p)), cv.patterns.toArray().map((p) => Object.keys(p)));
}

function assertSameTagging(back: CompiledVocabulary, cv: CompiledVocabulary): void {
  const a = createTagger(back);
  const b = createTagger(cv);
  for (const body of SENTENCES) assert.deepEqual(a.tag({ title: '', body }, { explain: true }), b.tag({ title: '', body }, { explain: true }), body);
}

test('the serialised form is the current version and loads back equal, field order included', () => {
  for (const entries of [ENTRIES, RICH]) {
    const cv = compileVocabulary(entries);
    const bytes = serializeCompiled(cv);
    const back = deserializeCompiled(bytes);
    assertSameVocabulary(back, cv);
    assertSameTagging(back, cv);
    assert.deepEqual(serializeCompiled(back), bytes);
  }
});

/** The object with its own keys in reverse order. */
function reversedKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).reverse()) as T;
}

test('the bytes are written field by field: the key order of tags, patterns, the trie and the vocabulary does not change them', () => {
  const cv = compileVocabulary(RICH);
  const shuffled = reversedKeys({ ...cv, tags: Rows.of(cv.tags.toArray().map(reversedKeys)), patterns: Rows.of(cv.patterns.toArray().map(reversedKeys)), trie: reversedKeys(cv.trie) });
  assert.notDeepEqual(Object.keys(shuffled.tags.get(0)), Object.keys(cv.tags.get(0)));
  assert.deepEqual(serializeCompiled(shuffled), serializeCompiled(cv));
});

test('tags are made in one field order, whichever entry brought a field', () => {
  const order = ['id', 'label', 'type', 'parent', 'ambiguous', 'key', 'labelTokens', 'entity', 'nisbaLabel'];
  const cv = compileVocabulary([...RICH, { label: 'رفح' }, { label: 'رفح', id: 'rafah', type: 'place', parent: 'غزة', ambiguous: true }, { label: 'خان يونس' }, { label: 'خان يونس', type: 'place' }]);
  for (const tag of cv.tags) {
    const keys = Object.keys(tag);
    assert.deepEqual(keys, order.filter((k) => keys.includes(k)), tag.label);
  }
  const rafah = cv.tags.toArray().find((t) => t.label === 'رفح')!;
  assert.deepEqual(rafah, { id: 'rafah', label: 'رفح', type: 'place', parent: 'غزة', ambiguous: true, key: 'رفح', labelTokens: 1, entity: 'rafah' });
  assert.equal(cv.tags.toArray().find((t) => t.label === 'خان يونس')!.type, 'place');
});

test('a version-4 file that stored the key order of rows loads as a fresh compile, and is written again without it', () => {
  const cv = compileVocabulary(RICH);
  const old = deserializeCompiled(Uint8Array.from(atob(V4_WITH_KEY_ORDERS), (c) => c.charCodeAt(0)));
  assertSameVocabulary(old, cv);
  assertSameTagging(old, cv);
  assert.deepEqual(serializeCompiled(old), serializeCompiled(cv));
});

test('bytes at any offset of a bigger buffer load alike (a file read into a shared pool is not aligned)', () => {
  const cv = compileVocabulary(RICH);
  const bytes = serializeCompiled(cv);
  for (let offset = 0; offset < 4; offset++) {
    const pool = new Uint8Array(bytes.length + 8);
    pool.set(bytes, offset);
    assertSameVocabulary(deserializeCompiled(pool.subarray(offset, offset + bytes.length)), cv);
  }
});

test('a big vocabulary loads back equal, whichever block of its strings a string is decoded with', () => {
  const entries: VocabEntry[] = [...RICH];
  const letters = 'بتثجحخدذرزسشصضطظعغفقكلمنهوي';
  for (let i = 0; i < 1500; i++) {
    const name = letters[i % 27]! + letters[((i / 27) | 0) % 27]! + letters[(i / 729) | 0]!;
    // Now and then an id with a lone surrogate or a leading BOM, which UTF-16 decoding would alter.
    entries.push(i % 97 === 0 ? { label: `وسم ${name}`, id: `\ufeff${name}\ud800${i}`, type: 'topic' } : { label: `وسم ${name}` });
  }
  const cv = compileVocabulary(entries);
  const bytes = serializeCompiled(cv);
  assertSameVocabulary(deserializeCompiled(bytes), cv);
  // Rows asked for in another order: from the end, every string's block decoded first by another string.
  const back = deserializeCompiled(bytes);
  for (let i = back.tags.length - 1; i >= 0; i--) assert.deepEqual(back.tags.get(i), cv.tags.get(i));
  for (let i = back.patterns.length - 1; i >= 0; i--) assert.deepEqual(back.patterns.get(i), cv.patterns.get(i));
  assert.deepEqual(serializeCompiled(back), bytes);
});

test('strings UTF-16 decoding would alter (lone surrogates, a leading BOM) come back unchanged', () => {
  const cv = compileVocabulary([{ label: 'مصر', id: '\ufeffمصر', type: 'place', parent: 'x\ud800y' }, { label: 'غزة', id: 'a\udc00', type: 'place' }]);
  const back = deserializeCompiled(serializeCompiled(cv));
  assert.deepEqual(back.tags.toArray(), cv.tags.toArray());
});

test('files of version 2 still load, equal to a fresh compile', () => {
  const cv = compileVocabulary(ENTRIES);
  const old = deserializeCompiled(V2);
  assert.deepEqual(old.tags.toArray(), cv.tags.toArray());
  assert.deepEqual(old.patterns.toArray(), cv.patterns.toArray());
  assert.deepEqual(old.tagTable, cv.tagTable);
  assert.deepEqual(old.trie, cv.trie);
  assert.deepEqual(old.tokenIds, cv.tokenIds);
  assert.deepEqual(old.inflection, cv.inflection);
  assert.deepEqual(old.nisbaBases, cv.nisbaBases);
});

test('files of version 3 still load, as text or as bytes, equal to a fresh compile', () => {
  const cv = compileVocabulary(RICH);
  for (const old of [deserializeCompiled(V3), deserializeCompiled(new TextEncoder().encode(V3))]) {
    assertSameVocabulary(old, cv);
    assertSameTagging(old, cv);
  }
});

test('a damaged JSON file or one of an unknown version is refused with BAD_COMPILED_VOCAB', () => {
  const data = JSON.parse(V3);
  const damaged = (change: (d: any) => void): string => {
    const d = structuredClone(data);
    change(d);
    return JSON.stringify(d);
  };
  const cases = [
    damaged((d) => (d.version = FORMAT_VERSION + 1)),
    damaged((d) => (d.version = 4)),
    damaged((d) => (d.trie.childNode = d.trie.childNode.slice(0, -1))),
    damaged((d) => (d.trie.childToken = d.trie.childToken + 'A')),
    damaged((d) => (d.tags.columns.label.refs = d.tags.columns.label.refs.replace(/^./, 'Z'))),
    damaged((d) => (d.strings = d.strings.slice(0, 1))),
    damaged((d) => delete d.patterns.columns.lights),
    '{"format":"wasim-compiled","version":3}',
    'not json',
    '',
  ];
  for (const text of cases) assert.throws(() => deserializeCompiled(text), badFile, text.slice(0, 80));
  for (const text of cases) assert.throws(() => deserializeCompiled(new TextEncoder().encode(text)), badFile, text.slice(0, 80));
});

/** Loads or refuses with BAD_COMPILED_VOCAB; anything else (another error, a hang) fails the test. */
function loadsOrRefuses(bytes: Uint8Array): CompiledVocabulary | undefined {
  try {
    return deserializeCompiled(bytes);
  } catch (e) {
    assert.ok(badFile(e), String(e));
    return undefined;
  }
}

test('a binary file cut short anywhere is refused with BAD_COMPILED_VOCAB', () => {
  const bytes = serializeCompiled(compileVocabulary(RICH));
  for (let n = 0; n < bytes.length; n++) assert.throws(() => deserializeCompiled(bytes.subarray(0, n)), badFile, `cut at ${n}`);
  // And one that goes on after its end.
  assert.throws(() => deserializeCompiled(Uint8Array.of(...bytes, 0, 0, 0, 0)), badFile);
});

test('a binary file with any single bit flipped is refused with BAD_COMPILED_VOCAB: its checksum no longer matches', () => {
  const bytes = serializeCompiled(compileVocabulary(RICH));
  const tagging = (cv: CompiledVocabulary): string => JSON.stringify(SENTENCES.map((body) => createTagger(cv).tag({ title: '', body }, { minScore: 0 })));
  assert.ok(tagging(deserializeCompiled(bytes)).includes('غزة'), 'the intact file loads and tags');
  // Every bit of the magic, the header and the checksum, and every 7th bit of the rest.
  const jsonEnd = 12 + new DataView(bytes.buffer).getUint32(8, true);
  let flips = 0;
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const at = bit >> 3;
    if (!(at < jsonEnd || at >= bytes.length - 4 || bit % 7 === 0)) continue;
    const damaged = bytes.slice();
    damaged[at]! ^= 1 << (bit & 7);
    assert.throws(() => deserializeCompiled(damaged), badFile, `bit ${bit & 7} of byte ${at}`);
    flips++;
  }
  assert.ok(flips > 1000, `${flips} flips tried`);
});

test('a binary file with changed bytes behind a valid checksum is refused with BAD_COMPILED_VOCAB or loads a vocabulary that tags without error', () => {
  const bytes = serializeCompiled(compileVocabulary(RICH));
  let refused = 0;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 5), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (changes) => {
      const damaged = bytes.slice();
      for (const [at, value] of changes) damaged[at] = value;
      const cv = loadsOrRefuses(sealContainer(damaged));
      if (cv === undefined) refused++;
      else for (const body of SENTENCES) createTagger(cv).tag({ title: '', body });
    }),
    { numRuns: 2000 },
  );
  // Most bytes are references, counts and lengths, whose damage is seen.
  assert.ok(refused > 1000, `${refused} of 2000 refused`);
  // A reference out of range in each integer section.
  const header = new TextDecoder().decode(bytes.subarray(12, 12 + new DataView(bytes.buffer).getUint32(8, true)));
  const { sections } = JSON.parse(header) as { sections: Record<string, { at: number; bytes: number }> };
  const start = (12 + new TextEncoder().encode(header).length + 3) & ~3;
  for (const [name, place] of Object.entries(sections)) {
    if (name === 'strings' || place.bytes === 0 || name.endsWith('.order') || name.endsWith('.flags') || name === 'tags.labelTokens') continue;
    const damaged = bytes.slice();
    new DataView(damaged.buffer).setInt32(start + place.at, 0x7fffffff, true);
    assert.throws(() => deserializeCompiled(sealContainer(damaged)), badFile, name);
  }
});

test('a tag without an id is its label’s entity, kept apart from an id that is the same word', () => {
  const cv = compileVocabulary([
    { label: 'المفاوضات' },
    { label: 'مفاوضات' },
    { label: 'مصر', id: 'مصر', type: 'place' },
    { label: 'المصر' },
  ]);
  const entity = (label: string): string => cv.tags.toArray().find((t) => t.label === label)!.entity;
  assert.equal(entity('المفاوضات'), entity('مفاوضات'), 'one entity: the article does not make another');
  assert.equal(entity('مفاوضات'), 'مفاوضات', 'named by the folded label itself');
  assert.equal(entity('مصر'), 'مصر');
  assert.notEqual(entity('المصر'), entity('مصر'), 'a label-named entity never merges into an id');
  for (const back of [deserializeCompiled(serializeCompiled(cv))]) assert.deepEqual(back.tags.toArray(), cv.tags.toArray());
  // The twins are reported once, the id's tag and the label's tag apart.
  const tagger = createTagger(cv);
  const labels = tagger.tag({ title: 'المفاوضات في مصر', body: 'استؤنفت مفاوضات المصر والمفاوضات في مصر' }, { minScore: 0 }).map((r) => r.tag);
  assert.equal(labels.filter((l) => l === 'المفاوضات' || l === 'مفاوضات').length, 1, labels.join('، '));
});

interface Header {
  sections: Record<string, { at: number; bytes: number; width?: number }>;
  escapes: Record<string, unknown>;
  length: number;
  meta: Record<string, unknown>;
  checksum: string;
}

const headerLength = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(8, true);
const headerOf = (bytes: Uint8Array): Header => JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength(bytes)))) as Header;
/** Where the sections start: after the header, at a multiple of 4. */
const sectionsStart = (bytes: Uint8Array): number => (12 + headerLength(bytes) + 3) & ~3;

/** The container with its header changed (and its checksum written anew), its sections as they were. */
function withHeader(bytes: Uint8Array, change: (header: Header) => void): Uint8Array {
  const header = headerOf(bytes);
  change(header);
  const body = bytes.subarray(sectionsStart(bytes));
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = (12 + json.length + 3) & ~3;
  const out = new Uint8Array(start + body.length);
  out.set(bytes.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(body, start);
  return sealContainer(out);
}

/** The container with one section left out of its header (its bytes stay, unreferenced), as an older writer would have made it. */
function withoutSection(bytes: Uint8Array, name: string): Uint8Array {
  return withHeader(bytes, (header) => {
    assert.ok(header.sections[name], `the writer writes ${name}`);
    delete header.sections[name];
  });
}

test('a version-4 file written before entity numbers were stored loads alike, its entities numbered from their names', () => {
  const cv = compileVocabulary(RICH);
  const old = deserializeCompiled(withoutSection(serializeCompiled(cv), 'tags.entityNumber'));
  assertSameVocabulary(old, cv);
  assertSameTagging(old, cv);
});

test('a vocabulary read from its serialised form makes only the tags and patterns tagging asks for', () => {
  const entries: VocabEntry[] = [...RICH];
  // Many tags the sentences never mention: they are never made.
  for (let i = 0; i < 300; i++) entries.push({ label: `وسم${String.fromCharCode(0x0628 + (i % 20))}${String.fromCharCode(0x0628 + Math.floor(i / 20))} تجريبي` });
  const cv = compileVocabulary(entries);
  const back = deserializeCompiled(serializeCompiled(cv));
  // None made at load.
  assert.equal(back.tags.madeCount, 0);
  assert.equal(back.patterns.madeCount, 0);
  assertSameTagging(back, cv);
  assert.ok(back.tags.madeCount > 0 && back.tags.madeCount < 20, `${back.tags.madeCount} of ${back.tags.length} tags made`);
  assert.ok(back.patterns.madeCount < 30, `${back.patterns.madeCount} of ${back.patterns.length} patterns made`);
  // And a damaged entity numbering is refused at load, not met while tagging.
  const bytes = serializeCompiled(cv);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + new DataView(bytes.buffer).getUint32(8, true)))) as { sections: Record<string, { at: number; bytes: number; width: number }> };
  const place = header.sections['tags.entityNumber']!;
  const damaged = bytes.slice();
  const start = (12 + new DataView(bytes.buffer).getUint32(8, true) + 3) & ~3;
  // The last tag's entity number made bigger than the number of tags: not dense.
  const last = start + place.at + place.bytes - place.width;
  assert.equal(place.width, 2, 'entity numbers of some 300 tags take two bytes');
  new DataView(damaged.buffer).setInt16(last, cv.tags.length + 5, true);
  assert.throws(() => deserializeCompiled(sealContainer(damaged)), badFile);
});

/** A copy of the bytes changed by `change`. */
function changed(bytes: Uint8Array, change: (b: Uint8Array, view: DataView) => void): Uint8Array {
  const out = bytes.slice();
  change(out, new DataView(out.buffer));
  return out;
}

test('each kind of damage to a compiled file is refused with a catalogue message that says what is wrong, in English and Arabic', () => {
  const bytes = serializeCompiled(compileVocabulary(RICH));
  const header = headerOf(bytes);
  const start = sectionsStart(bytes);
  const at = (section: string): number => start + header.sections[section]!.at;
  const v3 = JSON.parse(V3);
  const v2 = JSON.parse(V2);
  const json = (data: unknown): string => JSON.stringify(data);
  /** What is damaged, the file, the template it is refused with, and words both messages must show (the parameters). */
  const cases: [string, string | Uint8Array, string, string[]][] = [
    ['cut to 10 bytes', bytes.subarray(0, 10), 'tooShort', ['10', '16']],
    ['cut in the header', bytes.subarray(0, 40), 'checksum', []],
    ['cut in the sections', bytes.subarray(0, start + 20), 'checksum', []],
    ['cut by its last byte', bytes.subarray(0, bytes.length - 1), 'checksum', []],
    ['cut in the sections, checksum written anew', sealContainer(Uint8Array.of(...bytes.subarray(0, bytes.length - 12), 0, 0, 0, 0)), 'sectionsLength', [String(header.length - 8), String(header.length)]],
    ['a byte flipped in the checksum', changed(bytes, (b) => (b[b.length - 1]! ^= 0x10)), 'checksum', []],
    ['a byte flipped in the header', changed(bytes, (b) => (b[20]! ^= 0x01)), 'checksum', []],
    ...Object.keys(header.sections)
      .filter((name) => header.sections[name]!.bytes > 0)
      .map((name): [string, Uint8Array, string, string[]] => [`a byte flipped in section ${name}`, changed(bytes, (b) => (b[at(name)]! ^= 0x40)), 'checksum', []]),
    ['the wrong magic', changed(bytes, (b) => (b[0] = 0x58)), 'unknownForm', ['WASIM-CV']],
    ['the wrong version', withHeader(bytes, (h) => (h.meta.version = FORMAT_VERSION + 1)), 'binaryVersion', [String(FORMAT_VERSION + 1), String(FORMAT_VERSION)]],
    ['the wrong version, checksum not written anew', changed(withHeader(bytes, (h) => (h.meta.version = FORMAT_VERSION + 1)), (b) => (b[b.length - 1]! ^= 0xff)), 'checksum', []],
    ['no version', withHeader(bytes, (h) => delete h.meta.version), 'headerField', ['meta.version']],
    ['a count in the header that is no count', withHeader(bytes, (h) => (h.meta.tokens = -1)), 'headerField', ['meta.tokens']],
    ['the header runs past the end', sealContainer(changed(bytes, (_, view) => view.setUint32(8, bytes.length, true))), 'headerCutOff', [String(bytes.length)]],
    ['the header is not JSON', sealContainer(changed(bytes, (b) => (b[12] = 0x7b + 1))), 'headerNotJson', []],
    ['a section missing', withoutSection(bytes, 'patterns.lights'), 'sectionMissing', ['patterns.lights']],
    ['a section outside the file', withHeader(bytes, (h) => (h.sections['tags.key']!.at = h.length + 4)), 'sectionPlace', ['tags.key', String(header.length + 4)]],
    ['a section of another width', withHeader(bytes, (h) => (h.sections['tags.key']!.width = 3)), 'sectionWidth', ['tags.key', '3']],
    ['string lengths that do not fit', sealContainer(changed(bytes, (b) => (b[at('strings.lengths')]! += 1))), 'stringLengths', ['strings']],
    ['a string reference out of range', sealContainer(changed(bytes, (b) => (b[at('tags.label')] = 0x7f))), 'outOfRange', ['tags.label', '127']],
    ['a pattern of a tag that does not exist', sealContainer(changed(bytes, (b) => (b[at('patterns.tag')] = 0x7f))), 'outOfRange', ['patterns.tag', '127']],
    ['entity numbers not in order', sealContainer(changed(bytes, (b) => (b[at('tags.entityNumber')] = 3))), 'entityNumbers', ['tags.entityNumber', '3']],
    ['a trie edge to a token that does not exist', sealContainer(changed(bytes, (b) => (b[at('trie.childToken')] = 0x7f))), 'trie', ['trie.childToken']],
    ['more patterns in an index than the patterns section holds', sealContainer(changed(bytes, (b) => (b[at('nisbaBases.counts')] = 0))), 'countsTotal', ['nisbaBases.counts', 'nisbaBases.patterns']],
    ['not a compiled vocabulary at all', 'مصر\nغزة\n', 'unknownForm', []],
    ['JSON that is not a compiled vocabulary', json({ label: 'مصر' }), 'jsonNotCompiled', ['wasim-compiled']],
    ['JSON of an unknown version', json({ ...v3, version: 9 }), 'jsonVersion', ['9', String(FORMAT_VERSION)]],
    ['JSON of version 3 with a damaged column', json({ ...v3, tags: { ...v3.tags, columns: { ...v3.tags.columns, label: { ...v3.tags.columns.label, refs: '!' } } } }), 'legacyDamaged', ['3', 'tags.columns.label']],
    ['JSON of version 3 without its tokens', json({ ...v3, tokens: undefined }), 'legacyMalformed', ['3']],
    ['JSON of version 2 without its trie', json({ ...v2, trie: undefined }), 'legacyMalformed', ['2']],
  ];
  const seen = new Set<string>();
  for (const [what, file, template, words] of cases) {
    let error: WasimError | undefined;
    assert.throws(
      () => deserializeCompiled(file),
      (e: unknown) => {
        error = e as WasimError;
        return badFile(e);
      },
      `${what}: a catalogue error, not ${String(error)}`,
    );
    assert.equal(error!.template, template, `${what}: ${error!.message}`);
    for (const w of words) {
      assert.ok(error!.message.includes(w), `${what}: "${w}" in ${error!.message}`);
      assert.ok(error!.messageAr.includes(w), `${what}: "${w}" in ${error!.messageAr}`);
    }
    seen.add(template);
  }
  assert.ok(seen.size >= 20, `${seen.size} templates met`);
});
