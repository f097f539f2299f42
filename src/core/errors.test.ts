/** The error catalogue: every code and template speaks both languages, and templates fill both from one set of parameters. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arabicMessage, choices, ERRORS, EXIT, exitCodeOf, formatMessage, PLACEHOLDER, WasimError, type ErrorCode } from './errors.js';

const arabicLetters = (s: string): number => (s.match(/[\u0621-\u064A]/g) ?? []).length;
const latinLetters = (s: string): number => (s.match(/[A-Za-z]/g) ?? []).length;
const placeholders = (s: string): string[] => [...s.matchAll(PLACEHOLDER)].map((m) => m[1]!).sort();

const templatesOf = (code: ErrorCode): [string, { en: string; ar: string }][] => Object.entries((ERRORS[code] as { templates?: Record<string, { en: string; ar: string }> }).templates ?? {});

test('every code of the catalogue has an Arabic message, written in Arabic', () => {
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.ok(e.ar.trim().length > 3, `${code} has an Arabic message`);
    assert.ok(arabicLetters(e.ar) > latinLetters(e.ar), `${code}: the Arabic message is mostly Arabic letters: ${e.ar}`);
    assert.notEqual(e.ar, e.message);
    assert.equal(arabicMessage(code), e.ar);
  }
  assert.equal(arabicMessage('NO_SUCH_CODE'), undefined);
});

test('every template names the same parameters in both languages, and its Arabic is Arabic', () => {
  let count = 0;
  for (const code of Object.keys(ERRORS) as ErrorCode[]) {
    for (const [name, t] of templatesOf(code)) {
      count++;
      assert.deepEqual(placeholders(t.ar), placeholders(t.en), `${code}.${name}: the same parameters`);
      assert.match(name, /^[a-z][A-Za-z0-9]*$/, `${code}.${name}: a camelCase name`);
      const words = (s: string) => s.replace(PLACEHOLDER, '').replace(/HTTP/g, '');
      if (t.ar === t.en) {
        // Only a template that is all parameters and punctuation may read the same in both.
        assert.doesNotMatch(words(t.en), /[A-Za-z]{2,}/, `${code}.${name}: has English words, so needs an Arabic wording`);
      } else {
        assert.ok(arabicLetters(t.ar) >= 4, `${code}.${name}: the Arabic is written in Arabic: ${t.ar}`);
      }
    }
  }
  assert.ok(count > 100, `templates: ${count}`);
});

test('every code has a documented exit code of its class; USAGE is 2 as it always was', () => {
  const classes = new Set<number>(Object.values(EXIT));
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.ok(classes.has(e.exit) && (e.exit as number) !== EXIT.OK && (e.exit as number) !== EXIT.PARTIAL, `${code}: exit ${e.exit} is an error class`);
  }
  assert.equal(ERRORS.USAGE.exit, 2);
  assert.equal(ERRORS.OUTPUT_FAILED.exit, EXIT.OUTPUT);
  assert.equal(ERRORS.INTERNAL.exit, EXIT.INTERNAL);
  assert.equal(exitCodeOf(WasimError.of('FILE_NOT_FOUND', 'noSuchFile', { path: 'مقالات.jsonl' })), EXIT.INPUT);
  assert.equal(exitCodeOf(new TypeError('x is undefined')), EXIT.INTERNAL, 'anything not from the catalogue is a bug');
  assert.equal(exitCodeOf('a string'), EXIT.INTERNAL);
});

test('a template fills both languages from one set of parameters', () => {
  const e = WasimError.of('INPUT_TOO_LARGE', 'articleChars', { chars: 2_000_001, limit: 2_000_000 });
  assert.equal(e.code, 'INPUT_TOO_LARGE');
  assert.equal(e.status, 413);
  assert.equal(e.template, 'articleChars');
  assert.equal(e.message, 'The article has 2000001 characters; the limit is 2000000.');
  assert.equal(e.messageAr, 'في المقالة 2000001 حرفًا، والحد 2000000.');
  // Translated parameters take each language's words.
  const u = WasimError.of('USAGE', 'oneOf', { option: '--format', choices: choices(['text', 'json']), value: 'xml' });
  assert.equal(u.message, '--format must be text or json, got "xml"');
  assert.equal(u.messageAr, 'يجب أن يكون --format text أو json، والمعطى «xml»');
  // Braces that are not a parameter name are text.
  assert.equal(formatMessage('USAGE', 'discoverInput', {}).en, '--input IN.jsonl is required (an archive: one {"id","title","body","date"?} a line)');
});

test('a message given as is keeps the code\'s default Arabic; at() says where in both languages', () => {
  const passed = new WasimError('BAD_JSON', 'Unexpected token } in JSON at position 7');
  assert.equal(passed.messageAr, ERRORS.BAD_JSON.ar);
  assert.equal(passed.template, undefined);
  assert.equal(new WasimError('EMPTY_INPUT').message, ERRORS.EMPTY_INPUT.message);
  const line = WasimError.of('BAD_JSON', 'invalid', { reason: 'Unexpected end of JSON input' }).at({ en: 'line 7', ar: 'السطر 7' });
  assert.equal(line.message, 'line 7: invalid JSON (Unexpected end of JSON input)');
  assert.equal(line.messageAr, 'السطر 7: JSON غير صالح (Unexpected end of JSON input)');
  assert.equal(line.code, 'BAD_JSON');
  assert.equal(line.template, 'invalid');
  assert.deepEqual(line.toJSON(), { code: 'BAD_JSON', message: line.message }, 'what is serialised stays code and message');
});

test('choices are listed as each language lists them', () => {
  assert.deepEqual(choices(['txt', 'csv', 'json', 'jsonl']), { en: 'txt, csv, json or jsonl', ar: 'txt أو csv أو json أو jsonl' });
  assert.deepEqual(choices(['text']), { en: 'text', ar: 'text' });
});

test('a template name or parameter that does not exist is a type error, and a missing template throws', () => {
  assert.throws(() => formatMessage('USAGE', 'noSuchTemplate' as 'required', { option: '--x' }), /USAGE has no template "noSuchTemplate"/);
  // Checked by the compiler: these lines do not type-check.
  // @ts-expect-error the template needs {path}
  void (() => WasimError.of('FILE_NOT_FOUND', 'noSuchFile', {}));
  // @ts-expect-error no such template
  void (() => WasimError.of('FILE_NOT_FOUND', 'noSuchThing', { path: 'x' }));
  // @ts-expect-error EMPTY_INPUT has no templates
  void (() => WasimError.of('EMPTY_INPUT', 'any', {}));
});
