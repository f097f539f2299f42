/**
 * inexactNumbers finds the number literals JSON.parse changes, by JSON Pointer: checked on the
 * ids the audit found (20 digits, 400 nines) and, as a property, against a reference that
 * builds the JSON text itself and knows where each literal went.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { inexactNumbers, numberLiteral } from './json-numbers.js';

const NINES = '9'.repeat(400);

test('ids JSON.parse rounds are found with their digits; ids it keeps are not listed', () => {
  const line = `{"id":12345678901234567890,"title":"مصر","body":"القاهرة"}`;
  assert.equal(JSON.parse(line).id, 12345678901234567000);
  assert.deepEqual([...inexactNumbers(line)], [['/id', '12345678901234567890']]);
  assert.equal(numberLiteral(line, '/id', JSON.parse(line).id), '12345678901234567890');
  const nines = `{"title":"x","id":${NINES}}`;
  assert.equal(JSON.stringify(JSON.parse(nines)), '{"title":"x","id":null}');
  assert.equal(numberLiteral(nines, '/id', JSON.parse(nines).id), NINES);
  assert.equal(inexactNumbers('{"id":42,"n":-7.5,"e":0}').size, 0);
  assert.equal(numberLiteral('{"id":"12345678901234567890"}', '/id', '12345678901234567890'), undefined, 'a string is never scanned');
});

test('other spellings JSON.stringify would not give back are found too', () => {
  assert.deepEqual(Object.fromEntries(inexactNumbers('[1e3, 1.0, -0, 10, 2.50, 1E+2, 0.1]')), { '/0': '1e3', '/1': '1.0', '/2': '-0', '/4': '2.50', '/5': '1E+2' });
});

test('strings with quotes, escapes and brackets do not derail the scan', () => {
  const text = ' { "a\\"}" : "x\\\\", "b" : [ "]\\"[" , { } , [ ] , 12345678901234567890 ] , "c\\u002fd" : { "e~f" : 99999999999999999999 } , "id" : true } ';
  assert.deepEqual(Object.fromEntries(inexactNumbers(text)), { '/b/3': '12345678901234567890', '/c~1d/e~0f': '99999999999999999999' });
});

test('a duplicated key: the last one counts, as in JSON.parse', () => {
  assert.deepEqual(Object.fromEntries(inexactNumbers('{"id":12345678901234567890,"id":12345678901234567891}')), { '/id': '12345678901234567891' });
  assert.equal(numberLiteral('{"id":12345678901234567890,"id":5}', '/id', 5), undefined);
});

test('deep nesting does not overflow the stack', () => {
  const depth = 100_000;
  const text = '['.repeat(depth) + '12345678901234567890' + ']'.repeat(depth);
  assert.equal(inexactNumbers(text).size, 1);
});

// ---- property: against a reference that records where it writes each literal

type Tree = { kind: 'number'; literal: string } | { kind: 'string'; value: string } | { kind: 'atom'; text: string } | { kind: 'array'; items: Tree[] } | { kind: 'object'; members: [string, Tree][] };

const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
const integerPart = fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digits(0, 30)).map(([a, b]) => a + b));
const numberLiteralArb = fc
  .tuple(fc.boolean(), integerPart, fc.option(digits(1, 5), { nil: undefined }), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 3)), { nil: undefined }))
  .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}${frac !== undefined ? '.' + frac : ''}${exp ? exp.join('') : ''}`);
const text = fc.string({ unit: fc.constantFrom('a', 'ب', '"', '\\', '/', '~', '{', '}', '[', ']', ',', ':', ' ', '\n', 'é', '\u0000') });

const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberLiteralArb.map((literal): Tree => ({ kind: 'number', literal })),
    text.map((value): Tree => ({ kind: 'string', value })),
    fc.constantFrom('true', 'false', 'null').map((t): Tree => ({ kind: 'atom', text: t })),
    fc.array(tie('tree'), { maxLength: 4 }).map((items): Tree => ({ kind: 'array', items })),
    fc.uniqueArray(fc.tuple(text, tie('tree')), { maxLength: 4, selector: ([k]) => k }).map((members): Tree => ({ kind: 'object', members })),
  ),
})).tree;

/** JSON string text, sometimes with \u escapes where JSON.stringify would write the character. */
function quote(s: string, escapeAll: boolean): string {
  return escapeAll ? '"' + [...s].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('') + '"' : JSON.stringify(s);
}

function render(t: Tree, pointer: string, expected: Map<string, string>, space: string, escapeAll: boolean): string {
  switch (t.kind) {
    case 'number':
      if (JSON.stringify(Number(t.literal)) !== t.literal) expected.set(pointer, t.literal);
      return t.literal;
    case 'string':
      return quote(t.value, escapeAll);
    case 'atom':
      return t.text;
    case 'array':
      return `[${space}${t.items.map((x, i) => render(x, `${pointer}/${i}`, expected, space, escapeAll)).join(`${space},${space}`)}${space}]`;
    case 'object':
      return `{${space}${t.members.map(([k, v]) => `${quote(k, escapeAll)}${space}:${space}${render(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, expected, space, escapeAll)}`).join(`${space},${space}`)}${space}}`;
  }
}

test('property: exactly the literals that do not survive, at their pointers', () => {
  fc.assert(
    fc.property(tree, fc.constantFrom('', ' ', '\n\t ', '\r\n'), fc.boolean(), (t, space, escapeAll) => {
      const expected = new Map<string, string>();
      const json = space + render(t, '', expected, space, escapeAll) + space;
      JSON.parse(json); // the reference writes valid JSON
      assert.deepEqual(inexactNumbers(json), expected);
    }),
    { numRuns: 500 },
  );
});
