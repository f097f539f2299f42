import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileVocabulary, deserializeCompiled, FORMAT_VERSION, serializeCompiled } from './compile.js';
import { isWasimError } from './errors.js';
import type { VocabEntry } from './types.js';

const ENTRIES: VocabEntry[] = [
  { label: 'الأمم المتحدة', type: 'organisation', aliases: ['الامم المتحده'] },
  { label: 'مصر', type: 'place', nisba: ['مصري'] },
  { label: 'المفاوضات' },
  { label: 'أميركا', type: 'place' },
];

/** serializeCompiled(compileVocabulary(ENTRIES)) as version 2 wrote it. */
const V2 = "{\"format\":\"wasim-compiled\",\"version\":2,\"tags\":{\"rows\":4,\"shapes\":[[\"id\",\"label\",\"type\",\"ambiguous\",\"key\",\"labelTokens\",\"entity\"],[\"id\",\"label\",\"ambiguous\",\"key\",\"labelTokens\",\"entity\"]],\"shape\":[0,0,1,0],\"columns\":{\"id\":[\"الامم المتحده\",\"مصر\",\"المفاوضات\",\"اميركا\"],\"label\":[\"الأمم المتحدة\",0,0,\"أميركا\"],\"type\":[\"organisation\",\"place\",0,\"place\"],\"ambiguous\":[false,false,false,false],\"key\":[0,0,0,0],\"labelTokens\":[2,1,1,1],\"entity\":[\"key:الامم المتحده\",\"key:مصر\",\"key:مفاوضات\",\"key:اميركا\"]},\"textFields\":[\"id\",\"label\",\"type\",\"key\",\"entity\"]},\"patterns\":{\"rows\":6,\"shapes\":[[\"tag\",\"lights\",\"rewritten\",\"nisba\"],[\"tag\",\"lights\",\"rewritten\",\"nisba\",\"nisbaBaseLight\"],[\"tag\",\"lights\",\"rewritten\",\"nisba\",\"inflectionBaseLight\"]],\"shape\":[0,0,1,0,2,1],\"columns\":{\"tag\":[0,0,1,1,2,3],\"lights\":[[\"الأمم\",\"المتحده\"],[\"الامم\",\"المتحده\"],[\"مصر\"],[\"مصري\"],[\"المفاوضات\"],[\"امريكا\"]],\"rewritten\":[[false,false],[false,false],[false],[false],[false],[true]],\"nisba\":[false,false,false,true,false,false],\"nisbaBaseLight\":[0,0,\"مصر\",0,0,\"امريك\"],\"inflectionBaseLight\":[0,0,0,0,\"مفاوض\",0]},\"textFields\":[\"nisbaBaseLight\",\"inflectionBaseLight\"]},\"tokens\":\"الامم\\nالمتحده\\nمصر\\nمصري\\nالمفاوضات\\nامريكا\",\"nodeCount\":7,\"trie\":{\"childStart\":[0,5,6,6,6,6,6,6],\"childToken\":[0,2,3,4,5,1],\"childNode\":[1,3,4,5,6,2],\"terminalStart\":[0,0,0,2,3,4,5,6],\"terminalPattern\":[0,1,2,3,4,5]},\"inflection\":[[\"مفاوض\",[4]]],\"nisbaBases\":[[\"مصر\",[2]],[\"امريك\",[5]]]}";

const badFile = (e: unknown): boolean => isWasimError(e) && e.code === 'BAD_COMPILED_VOCAB';

test('the serialised form is the current version and loads back equal, field order included', () => {
  const cv = compileVocabulary(ENTRIES);
  const text = serializeCompiled(cv);
  assert.equal(JSON.parse(text).version, FORMAT_VERSION);
  const back = deserializeCompiled(text);
  assert.deepEqual(back, { ...cv });
  assert.deepEqual(back.tags.map((t) => Object.keys(t)), cv.tags.map((t) => Object.keys(t)));
  assert.deepEqual(back.patterns.map((p) => Object.keys(p)), cv.patterns.map((p) => Object.keys(p)));
  assert.equal(serializeCompiled(back), text);
});

test('files of version 2 still load, equal to a fresh compile', () => {
  const cv = compileVocabulary(ENTRIES);
  const old = deserializeCompiled(V2);
  assert.deepEqual(old.tags, cv.tags);
  assert.deepEqual(old.patterns, cv.patterns);
  assert.deepEqual(old.trie, cv.trie);
  assert.deepEqual(old.tokenIds, cv.tokenIds);
  assert.deepEqual(old.inflection, cv.inflection);
  assert.deepEqual(old.nisbaBases, cv.nisbaBases);
});

test('a damaged file or one of an unknown version is refused with BAD_COMPILED_VOCAB', () => {
  const data = JSON.parse(serializeCompiled(compileVocabulary(ENTRIES)));
  const damaged = (change: (d: any) => void): string => {
    const d = structuredClone(data);
    change(d);
    return JSON.stringify(d);
  };
  const cases = [
    damaged((d) => (d.version = FORMAT_VERSION + 1)),
    damaged((d) => (d.trie.childNode = d.trie.childNode.slice(0, -1))),
    damaged((d) => (d.trie.childToken = d.trie.childToken + 'A')),
    damaged((d) => (d.tags.columns.label.refs = d.tags.columns.label.refs.replace(/^./, 'Z'))),
    damaged((d) => (d.strings = d.strings.slice(0, 1))),
    damaged((d) => delete d.patterns.columns.lights),
    '{"format":"wasim-compiled","version":3}',
    'not json',
  ];
  for (const text of cases) assert.throws(() => deserializeCompiled(text), badFile, text.slice(0, 80));
});
