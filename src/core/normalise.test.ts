import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WasimError, type ErrorCode } from './errors.js';
import { normaliseArticle } from './normalise.js';

/** Passes only for a WasimError of that code: a TypeError from a bug in the checks fails it. */
function rejects(input: unknown, code: ErrorCode, what: string): void {
  assert.throws(
    () => normaliseArticle(input),
    (e: unknown) => {
      assert.ok(e instanceof WasimError, `${what}: a WasimError, not ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      assert.equal(e.code, code, `${what}: code`);
      return true;
    },
    what,
  );
}

const BODY = 'وصل الوفد المصري إلى الدوحة لبحث وقف إطلاق النار في غزة';

// [what, input, expected code]
const REFUSED: [string, unknown, ErrorCode][] = [
  ['null', null, 'BAD_ARTICLE'],
  ['undefined', undefined, 'BAD_ARTICLE'],
  ['a string, not an object', BODY, 'BAD_ARTICLE'],
  ['a number', 42, 'BAD_ARTICLE'],
  ['an array', [{ title: 'مصر' }], 'BAD_ARTICLE'],
  ['a numeric title', { title: 5, body: BODY }, 'BAD_ARTICLE'],
  ['an object as body', { title: 'مصر', body: { text: BODY } }, 'BAD_ARTICLE'],
  ['an id that is an object', { id: { n: 1 }, title: 'مصر', body: BODY }, 'BAD_ARTICLE'],
  ['an id that is a boolean', { id: true, title: 'مصر', body: BODY }, 'BAD_ARTICLE'],
  ['blank title and body', { title: ' ', body: '\n\t' }, 'EMPTY_INPUT'],
  ['no fields at all', {}, 'EMPTY_INPUT'],
  ['only an id', { id: 'a1' }, 'EMPTY_INPUT'],
  ['over the length limit', { title: 'مصر', body: 'ق'.repeat(2_000_001) }, 'INPUT_TOO_LARGE'],
  ['binary junk decoded as text', { title: 'x', body: '\u0000\u0001\ufffd\ufffd\u0007'.repeat(10) + 'مصر' }, 'NOT_TEXT'],
  ['a title of U+FFFD', { title: '\ufffd'.repeat(30) + 'غزة', body: BODY }, 'NOT_TEXT'],
];

for (const [what, input, code] of REFUSED) {
  test(`normalise refuses ${what} with ${code}`, () => rejects(input, code, what));
}

// [what, input, expected {id?, title, body}]
const ACCEPTED: [string, unknown, { id?: string; title: string; body: string }][] = [
  ['a title alone is an article', { title: 'مصر' }, { title: 'مصر', body: '' }],
  ['a body alone is an article', { body: BODY }, { title: '', body: BODY }],
  ['a numeric id becomes a string', { id: 7, title: 'مصر', body: '' }, { id: '7', title: 'مصر', body: '' }],
  ['a null id is no id', { id: null, title: 'قطر', body: BODY }, { title: 'قطر', body: BODY }],
  ['text is not rewritten: diacritics and marks stay', { title: 'مُحَمَّدٌ\u200f', body: ' الأُمَمَ ' }, { title: 'مُحَمَّدٌ\u200f', body: ' الأُمَمَ ' }],
  ['exactly at the limit', { title: '', body: 'ق'.repeat(2_000_000) }, { title: '', body: 'ق'.repeat(2_000_000) }],
  // A few stray control characters occur in real CMS exports (SUB, U+001A).
  ['stray control characters from a CMS', { title: '\u001a رئيس بلدية وسط الدمام', body: ' \u001a\u001a يلعب تخطيط التدريب الرياضي دورا أساسيا في المملكة. ' }, { title: '\u001a رئيس بلدية وسط الدمام', body: ' \u001a\u001a يلعب تخطيط التدريب الرياضي دورا أساسيا في المملكة. ' }],
];

for (const [what, input, expected] of ACCEPTED) {
  test(`normalise accepts: ${what}`, () => assert.deepEqual(normaliseArticle(input), expected));
}

test('the limit is the caller\'s', () => {
  assert.throws(() => normaliseArticle({ title: 'مصر', body: BODY }, { maxChars: 10 }), (e: unknown) => e instanceof WasimError && e.code === 'INPUT_TOO_LARGE');
  assert.deepEqual(normaliseArticle({ title: 'مصر' }, { maxChars: 3 }), { title: 'مصر', body: '' });
});
