/**
 * The ranking features are defined once (features.ts): every view of them follows from that
 * definition, the scores the tagger reports are explained by it, and no copy of it lives elsewhere.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadBackground } from '../node/background.js';
import { FEATURE_NAMES, FEATURES, HAND_SET_WEIGHTS, WEIGHTS } from './features.js';
import { compileVocabulary, createTagger, type VocabEntry } from './index.js';

const background = loadBackground();

// The evidence --explain prints, in its order: callers parse it, so it changes only on purpose.
const EVIDENCE_KEYS = [
  'titleStrong', 'titleWeak', 'lead', 'logStrong', 'logStrongTyped', 'logWeak', 'spread', 'specificity', 'titleRate', 'multiword', 'fragment',
  'ambiguous', 'context', 'typed', 'listedNisba', 'nisbaOnly', 'weakOnly', 'nameFragment', 'rareNeighbour', 'coordination', 'headAnaphor',
  'twins', 'doubtfulClitics', 'bestKind',
];

test('every view of the features is in the registry order, with the registry values', () => {
  assert.deepEqual(FEATURE_NAMES, FEATURES.map((f) => f.name));
  assert.deepEqual(Object.keys(WEIGHTS), FEATURE_NAMES);
  assert.deepEqual(Object.keys(HAND_SET_WEIGHTS), FEATURE_NAMES);
  for (const f of FEATURES) {
    assert.equal(WEIGHTS[f.name], f.weight, f.name);
    assert.equal(HAND_SET_WEIGHTS[f.name], f.handSet, f.name);
  }
  assert.equal(new Set(FEATURE_NAMES).size, FEATURE_NAMES.length, 'names are unique');
});

// The bounds that prune candidates take each unknown fact at its most favourable for the
// feature's direction (the sign of its hand-set weight): a shipped weight of the other sign
// would make them drop tags that score.
for (const f of FEATURES) {
  test(`${f.name}: its weight keeps the direction of its hand-set weight, and its bound is defined`, () => {
    assert.ok(Number.isFinite(f.weight) && Number.isFinite(f.handSet));
    if (f.name !== 'bias') {
      if (f.handSet === 0) assert.equal(f.weight, 0, 'a hand-set 0 stays 0');
      else assert.ok(f.weight === 0 || Math.sign(f.weight) === Math.sign(f.handSet), `${f.weight} against ${f.handSet}`);
    }
    const b = f.bound;
    if (typeof b === 'object' && 'with' in b) {
      const by = FEATURES.find((g) => g.name === b.with);
      assert.ok(by && typeof by.bound === 'function', `bounded with ${b.with}, which bounds itself`);
      assert.ok(FEATURE_NAMES.indexOf(by.name) < FEATURE_NAMES.indexOf(f.name), 'by a feature before it');
    }
  });
}

const CASES: [what: string, entries: VocabEntry[], title: string, body: string, expected: Record<string, number | string>][] = [
  ['a place named in the title and twice in the body', [{ label: 'الرياض', type: 'place' }], 'الرياض تستضيف القمة العربية', 'قال مسؤول في الرياض إن القمة تبدأ غدا. وأضاف أن وفودا وصلت إلى الرياض أمس.', { titleStrong: 1, titleWeak: 0, lead: 1, logStrong: 2, logStrongTyped: 2, logWeak: 0, typed: 1, weakOnly: 0, bestKind: 'exact' }],
  ['a country only by its listed nisba', [{ label: 'مصر', type: 'place', nisba: ['المصري'] }], 'وزير الخارجية يلتقي نظيره', 'التقى وزير الخارجية نظيره المصري أمس في عمان.', { titleStrong: 0, logStrong: 0, logWeak: 1, listedNisba: 1, nisbaOnly: 1, weakOnly: 1, bestKind: 'nisba' }],
  ['a given name inside a longer personal name', [{ label: 'فهد' }], 'افتتاح جامعة جديدة', 'افتتح الملك فهد الجامعة في حفل كبير.', { nameFragment: 1, logStrong: 1, typed: 0 }],
  ['a modifier cut from its name', [{ label: 'المتحدة' }], 'اجتماع في نيويورك', 'دعت الأمم المتحدة إلى وقف القتال.', { logStrong: 0, logWeak: 1, weakOnly: 1, nameFragment: 0 }],
];

for (const [what, entries, title, body, expected] of CASES) {
  test(`explained feature by feature: ${what}`, () => {
    const tagger = createTagger(compileVocabulary(entries), { background });
    const [r] = tagger.tag({ title, body }, { explain: true, top: 10, minScore: 0 });
    assert.ok(r, 'tagged');
    const evidence = r.evidence!;
    assert.deepEqual(Object.keys(evidence), EVIDENCE_KEYS);
    for (const [k, v] of Object.entries(expected)) assert.equal(evidence[k], v, k);
    // The score is the logistic of the weighted features, to three decimals.
    let z = WEIGHTS.bias;
    for (const name of FEATURE_NAMES) if (name !== 'bias') z += WEIGHTS[name] * (evidence[name] as number);
    assert.equal(r.score, Math.round(1000 / (1 + Math.exp(-z))) / 1000);
  });
}

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [join(dir, d.name)] : []));
}

test('no copy of the weights or of the labels outside the registry', () => {
  const files = sources(SRC).filter((f) => !f.endsWith(join('core', 'features.ts')));
  assert.ok(files.length > 20);
  const weightOf = new RegExp(`\\b(${FEATURE_NAMES.join('|')})\\s*:\\s*-?\\d`, 'g');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    // A table of weights names many features with a number each; a few may share a name with a count.
    const named = new Set([...text.matchAll(weightOf)].map((m) => m[1]));
    assert.ok(named.size < FEATURE_NAMES.length / 2, `${file} sets numbers for ${[...named].join(', ')}`);
    for (const f of FEATURES) {
      assert.ok(!text.includes(`'${f.label.ar}'`), `${file} has the Arabic label of ${f.name}`);
      assert.ok(!text.includes(`'${f.label.en}'`), `${file} has the English label of ${f.name}`);
    }
  }
});
