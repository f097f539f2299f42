/** docs/errors.md and the error catalogue (src/core/errors.ts) list the same codes, statuses and messages. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS } from '../core/index.js';
import { errorResponseSchema } from './http-errors.js';

const DOC = new URL('../../docs/errors.md', import.meta.url);

function documentedCodes(): Map<string, { status: number; message: string }> {
  const rows = new Map<string, { status: number; message: string }>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const m = /^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*([^|]*?)\s*\|/.exec(line);
    if (!m) continue;
    assert.ok(!rows.has(m[1]!), `${m[1]} is documented twice`);
    rows.set(m[1]!, { status: Number(m[2]), message: m[3]! });
  }
  return rows;
}

test('docs/errors.md lists every code of the catalogue with its status and message, and nothing else', () => {
  assert.ok(existsSync(DOC), 'docs/errors.md exists');
  const documented = documentedCodes();
  const catalogue = new Map(Object.entries(ERRORS).map(([code, e]) => [code, { status: e.status, message: e.message }]));
  for (const [code, e] of catalogue) {
    assert.ok(documented.has(code), `${code} is missing from docs/errors.md`);
    assert.deepEqual(documented.get(code), e, `${code} in docs/errors.md differs from src/core/errors.ts`);
  }
  for (const code of documented.keys()) assert.ok(catalogue.has(code), `docs/errors.md lists ${code}, which the catalogue does not have`);
});

test('the OpenAPI error schema allows exactly the catalogue codes', () => {
  assert.deepEqual([...errorResponseSchema.properties.error.properties.code.enum].sort(), Object.keys(ERRORS).sort());
});
