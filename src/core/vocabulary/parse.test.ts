import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WasimError } from '../errors.js';
import { isIgnorable } from '../fold.js';
import { cleanLabel, parseVocabulary } from './parse.js';

test('plain text: one tag per line, # comments and blank lines skipped, WordPress "- " lists', () => {
  const { entries, warnings } = parseVocabulary('# وسوم الموقع\nمصر\n\n- قطر\n  غزة  \n', 'txt', 'tags.txt');
  assert.deepEqual(entries.map((e) => e.label), ['مصر', 'قطر', 'غزة']);
  assert.deepEqual(warnings, []);
});

test('dirty labels are cleaned with a warning each: bidi marks, diacritics, tatweel, doubled spaces, duplicates', () => {
  const text = ['\u200fالأمم  المتحدة\u200e', 'مُحَمَّد', 'الــقاهرة', 'مصر', 'مصر', 'مَصر'].join('\n');
  const { entries, warnings, lines } = parseVocabulary(text, 'txt', 'dirty.txt');
  assert.deepEqual(entries.map((e) => e.label), ['الأمم المتحدة', 'محمد', 'القاهرة', 'مصر']);
  assert.deepEqual(lines, [1, 2, 3, 4]);
  const messages = warnings.map((w) => `${w.line}: ${w.message}`).join('\n');
  assert.match(messages, /^1: .*zero-width\/bidi/m);
  assert.match(messages, /^1: .*collapsed spaces/m);
  assert.match(messages, /^2: .*diacritics/m);
  assert.match(messages, /^3: .*tatweel/m);
  assert.match(messages, /^5: "مصر" duplicates line 4, dropped/m);
  assert.match(messages, /^6: "مصر" duplicates line 4, dropped/m);
});

test('CSV: header, quoted fields with commas and quotes, aliases separated by |, every column', () => {
  const csv = [
    'label,aliases,type,id,parent,ambiguous,nisba,note',
    'مصر,"جمهورية مصر العربية|أرض الكنانة",place,eg,,,"المصري|المصرية",',
    'الحياة,صحيفة الحياة,organisation,alhayat,,yes,,"also ""life"", a common noun"',
    'القاهرة,,place,cairo,eg,false,,',
  ].join('\r\n');
  const { entries } = parseVocabulary(csv, 'csv', 'v.csv');
  assert.deepEqual(entries[0], { label: 'مصر', id: 'eg', aliases: ['جمهورية مصر العربية', 'أرض الكنانة'], nisba: ['المصري', 'المصرية'], type: 'place' });
  assert.equal(entries[1]!.ambiguous, true);
  assert.equal(entries[1]!.note, 'also "life", a common noun');
  assert.equal(entries[2]!.parent, 'eg');
  assert.equal(entries[2]!.ambiguous, false);
});

test('JSON and JSONL: objects with the same fields, or bare strings', () => {
  const json = parseVocabulary('[{"label":"قطر","type":"place","aliases":["دولة قطر"]},"الدوحة"]', 'json', 'v.json');
  assert.deepEqual(json.entries, [{ label: 'قطر', type: 'place', aliases: ['دولة قطر'] }, { label: 'الدوحة' }]);
  const jsonl = parseVocabulary('{"id":"hamas","label":"حماس","type":"organization"}\n\n"الأمم المتحدة"\n', 'jsonl', 'v.jsonl');
  assert.deepEqual(jsonl.entries, [{ label: 'حماس', id: 'hamas', type: 'organisation' }, { label: 'الأمم المتحدة' }]);
  assert.deepEqual(jsonl.lines, [1, 3]);
});

test('a broken line is an error naming the source and the line', () => {
  const cases: [string, 'txt' | 'csv' | 'json' | 'jsonl', RegExp][] = [
    ['مصر\nقطر\u0000\u0001\n', 'txt', /^v:2: .*control or replacement/],
    ['مصر\n---\n', 'txt', /^v:2: .*no letters/],
    ['label,type\nمصر,place\n"قطر,place\n', 'csv', /^v:3: unterminated quoted/],
    ['label,type\nمصر,place,extra\n', 'csv', /^v:2: 3 fields but the header has 2/],
    ['name_only\nمصر\n', 'csv', /^v:1: CSV header must name a "label" column/],
    ['{"label":"مصر"}\n{"label":\n', 'jsonl', /^v:2: invalid JSON/],
    ['{"label":"مصر","type":"planet"}\n', 'jsonl', /^v:1: unknown type "planet"/],
    ['{"label":"مصر","aliases":5}\n', 'jsonl', /^v:1: "aliases" must be a list/],
    ['{"label":"مصر","ambiguous":"maybe"}\n', 'jsonl', /^v:1: "ambiguous" must be true or false/],
    ['[1, {"label":"x"}]', 'json', /^v:1: entry 1 is not an object/],
    ['{"entries": 3}', 'json', /^v:1: expected a JSON array/],
    ['{"label":""}\n', 'jsonl', /^v:1: empty label/],
  ];
  for (const [text, format, message] of cases) {
    assert.throws(() => parseVocabulary(text, format, 'v'), (e: unknown) => e instanceof WasimError && e.code === 'BAD_VOCAB_LINE' && message.test(e.message), `${format}: ${JSON.stringify(text)}`);
  }
});

test('collecting errors reports every broken line and keeps the good ones', () => {
  const { entries, errors } = parseVocabulary('{"label":"مصر"}\n{broken\n{"label":"قطر","type":"x"}\n{"label":"غزة"}\n', 'jsonl', 'v', { collectErrors: true });
  assert.deepEqual(entries.map((e) => e.label), ['مصر', 'غزة']);
  assert.deepEqual(errors.map((e) => e.details?.line), [2, 3]);
});

test('an unknown format is refused', () => {
  assert.throws(() => parseVocabulary('مصر', 'xml' as 'txt', 'v'), (e: unknown) => e instanceof WasimError && e.code === 'BAD_VOCAB_FORMAT');
});

test('cleanLabel: what it keeps and what it reports', () => {
  const cases: [string, string, string[]][] = [
    ['الأمم المتحدة', 'الأمم المتحدة', []],
    ['  غزة  ', 'غزة', []],
    ['الأمم  المتحدة', 'الأمم المتحدة', ['collapsed spaces']],
    ['الأمم\u00a0المتحدة', 'الأمم المتحدة', ['collapsed spaces']],
    ['الأمم\tالمتحدة', 'الأمم المتحدة', ['collapsed spaces']],
    ['\u200fمصر\u200e', 'مصر', ['removed zero-width/bidi marks']],
    ['مُحَمَّد بن سلمان', 'محمد بن سلمان', ['removed diacritics/tatweel']],
    ['الــقاهرة', 'القاهرة', ['removed diacritics/tatweel']],
    ['\u064e', '', ['removed diacritics/tatweel']],
    ['', '', []],
  ];
  for (const [raw, label, changes] of cases) assert.deepEqual(cleanLabel(raw), { label, changes }, JSON.stringify(raw));
});

/** cleanLabel as first written: every label rebuilt letter by letter, every space rule run. */
function referenceCleanLabel(raw: string): { label: string; changes: string[] } {
  const changes: string[] = [];
  let out = '';
  let marks = false;
  let formats = false;
  for (const ch of raw) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && isIgnorable(c)) {
      if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff || c === 0x061c || c === 0x00ad) formats = true;
      else marks = true;
      continue;
    }
    out += ch;
  }
  const spaced = out.replace(/[\s\u00a0]+/g, ' ').trim();
  if (formats) changes.push('removed zero-width/bidi marks');
  if (marks) changes.push('removed diacritics/tatweel');
  if (spaced !== out.trim() || /\S[\s\u00a0]{2,}\S/.test(out)) changes.push('collapsed spaces');
  return { label: spaced, changes };
}

test('cleanLabel agrees with the letter-by-letter reference on random labels (its fast path for clean labels changes nothing)', () => {
  // Letters, every kind of space, marks, format characters and an astral character.
  const alphabet = ['م', 'ص', 'ر', 'ا', 'ل', ' ', ' ', ' ', '\u00a0', '\t', '\u2009', '\u3000', '\ufeff', '\u064e', '\u0640', '\u200f', '\u00ad', '😀', 'a'];
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 3000; i++) {
    let raw = '';
    const length = next(9);
    for (let k = 0; k < length; k++) raw += alphabet[next(alphabet.length)];
    assert.deepEqual(cleanLabel(raw), referenceCleanLabel(raw), JSON.stringify(raw));
  }
});

test('numeric ids and parents keep the digits the file wrote, in JSONL and in a JSON array', () => {
  const twenty = '12345678901234567890';
  const jsonl = parseVocabulary(`{"label":"مصر","id":${twenty}}\n{"label":"القاهرة","id":12345678901234567891,"parent":${twenty}}\n{"label":"السودان","id":7}\n`, 'jsonl', 'ids.jsonl');
  assert.deepEqual(jsonl.entries.map((e) => [e.id, e.parent]), [[twenty, undefined], ['12345678901234567891', twenty], ['7', undefined]]);
  const array = parseVocabulary(`[{"label":"مصر","id":${twenty}}, "قطر", {"label":"غزة","id":${'9'.repeat(400)}}]`, 'json', 'ids.json');
  assert.deepEqual(array.entries.map((e) => e.id), [twenty, undefined, '9'.repeat(400)]);
  const wrapped = parseVocabulary(`{"entries":[{"label":"مصر","id":${twenty}}]}`, 'json', 'ids.json');
  assert.equal(wrapped.entries[0]!.id, twenty);
});
