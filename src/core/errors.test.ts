/** Every error code has an Arabic message beside its English one (the newsroom shows the Arabic). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arabicMessage, ERRORS } from './errors.js';

test('every code of the catalogue has an Arabic message, written in Arabic', () => {
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.ok(e.ar.trim().length > 3, `${code} has an Arabic message`);
    const arabic = (e.ar.match(/[\u0621-\u064A]/g) ?? []).length;
    const latin = (e.ar.match(/[A-Za-z]/g) ?? []).length;
    assert.ok(arabic > latin, `${code}: the Arabic message is mostly Arabic letters: ${e.ar}`);
    assert.notEqual(e.ar, e.message);
    assert.equal(arabicMessage(code), e.ar);
  }
  assert.equal(arabicMessage('NO_SUCH_CODE'), undefined);
});
