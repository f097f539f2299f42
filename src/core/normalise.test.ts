import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WasimError } from './errors.js';
import { normaliseArticle } from './normalise.js';

test('an article needs string fields and some text', () => {
  const code = (input: unknown): string | undefined => {
    try {
      normaliseArticle(input);
      return undefined;
    } catch (e) {
      return (e as WasimError).code;
    }
  };
  assert.equal(code(null), 'BAD_ARTICLE');
  assert.equal(code([]), 'BAD_ARTICLE');
  assert.equal(code({ title: 5, body: 'مصر' }), 'BAD_ARTICLE');
  assert.equal(code({ title: ' ', body: '\n\t' }), 'EMPTY_INPUT');
  assert.equal(code({ title: 'مصر', body: 'ق'.repeat(2_000_001) }), 'INPUT_TOO_LARGE');
  assert.equal(code({ title: 'مصر' }), undefined, 'a title alone is an article');
  assert.equal(normaliseArticle({ id: 7, title: 'مصر', body: '' }).id, '7');
});

test('stray control characters from a CMS do not make an article binary junk', () => {
  const body = ' \u001a\u001a يلعب تخطيط التدريب الرياضي دورا أساسيا في تحقيق المستويات الرياضية العالية في المملكة. ';
  assert.equal(normaliseArticle({ title: '\u001a رئيس بلدية وسط الدمام', body }).body, body);
  assert.throws(() => normaliseArticle({ title: 'x', body: '\u0000\u0001\ufffd\ufffd\u0007'.repeat(10) + 'مصر' }), /not text/);
});
