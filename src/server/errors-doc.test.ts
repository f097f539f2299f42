/**
 * docs/errors.md and the error catalogue (src/core/errors.ts) say the same: every code with its
 * status, exit code and default message, every template in both languages, and the exit-code
 * classes — as fastify's test keeps its Errors.md in step with lib/errors.js.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERRORS, EXIT, type ErrorCode } from '../core/index.js';
import { errorResponseSchema } from './http-errors.js';

const DOC = new URL('../../docs/errors.md', import.meta.url);

/** The cells of a table row: split on unescaped pipes, `\|` and `&lt;` read back as text. */
function cells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|\s*$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|').replace(/&lt;/g, '<'));
}

/** The rows of the table whose header starts with these cells. */
function table(header: string[]): string[][] {
  const lines = readFileSync(DOC, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith('|') && header.every((h, i) => cells(l)[i] === h));
  assert.ok(at >= 0, `docs/errors.md has a table | ${header.join(' | ')} |`);
  const rows: string[][] = [];
  for (let i = at + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
  return rows;
}

const unquote = (c: string): string => c.replace(/^`(.*)`$/, '$1');

test('docs/errors.md lists every code of the catalogue with its status, exit code and message, and nothing else', () => {
  assert.ok(existsSync(DOC), 'docs/errors.md exists');
  const documented = new Map<string, { status: number; exit: number; message: string }>();
  for (const [code, status, exit, message] of table(['Code', 'HTTP status', 'Exit', 'Default message', 'When'])) {
    const name = unquote(code!);
    assert.ok(!documented.has(name), `${name} is documented twice`);
    documented.set(name, { status: Number(status), exit: Number(exit), message: message! });
  }
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.ok(documented.has(code), `${code} is missing from docs/errors.md`);
    assert.deepEqual(documented.get(code), { status: e.status, exit: e.exit, message: e.message }, `${code} in docs/errors.md differs from src/core/errors.ts`);
  }
  for (const code of documented.keys()) assert.ok(code in ERRORS, `docs/errors.md lists ${code}, which the catalogue does not have`);
});

test('docs/errors.md lists every template of every code, in English and Arabic, and nothing else', () => {
  const documented = new Map<string, { en: string; ar: string }>();
  for (const [code, name, en, ar] of table(['Code', 'Template', 'English', 'Arabic'])) {
    const key = `${unquote(code!)}.${unquote(name!)}`;
    assert.ok(!documented.has(key), `${key} is documented twice`);
    documented.set(key, { en: en!, ar: ar! });
  }
  const catalogue = new Map<string, { en: string; ar: string }>();
  for (const [code, e] of Object.entries(ERRORS)) {
    for (const [name, t] of Object.entries((e as { templates?: Record<string, { en: string; ar: string }> }).templates ?? {})) catalogue.set(`${code}.${name}`, { en: t.en, ar: t.ar });
  }
  for (const [key, t] of catalogue) {
    assert.ok(documented.has(key), `template ${key} is missing from docs/errors.md`);
    assert.deepEqual(documented.get(key), t, `template ${key} in docs/errors.md differs from src/core/errors.ts`);
  }
  for (const key of documented.keys()) assert.ok(catalogue.has(key), `docs/errors.md lists template ${key}, which the catalogue does not have`);
});

test('docs/errors.md explains every exit code the catalogue uses, and the classes are those of src/core/errors.ts', () => {
  const explained = new Map(table(['Exit', 'Class', 'Meaning']).map(([exit, cls]) => [Number(exit), cls!]));
  assert.deepEqual([...explained.keys()].sort((a, b) => a - b), Object.values(EXIT).sort((a, b) => a - b), 'one row per exit code');
  for (const [name, exit] of Object.entries(EXIT)) assert.equal(explained.get(exit), name.toLowerCase(), `exit ${exit} is the class ${name.toLowerCase()}`);
  for (const code of Object.keys(ERRORS) as ErrorCode[]) assert.ok(explained.has(ERRORS[code].exit), `${code}: exit ${ERRORS[code].exit} is explained`);
});

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [join(dir, d.name)] : []));

test('call sites name a template instead of writing a message of their own', () => {
  const found: string[] = [];
  for (const file of sources(SRC)) {
    const name = relative(SRC, file).split('\\').join('/');
    const text = readFileSync(file, 'utf8');
    // A code and then a string or template literal: a message written at the call site.
    for (const m of text.matchAll(/new WasimError\(\s*'([A-Z_]+)'\s*,\s*[`'"]/g)) found.push(`${name}: new WasimError('${m[1]}', …)`);
    for (const m of text.matchAll(/usageError\(\s*[`]/g)) found.push(`${name}: ${m[0]}…`);
  }
  assert.deepEqual(found, [], 'use WasimError.of(code, template, params) with a template of src/core/errors.ts');
});

test('every template is named somewhere in the sources', () => {
  const text = sources(SRC).filter((f) => !f.endsWith(join('core', 'errors.ts'))).map((f) => readFileSync(f, 'utf8')).join('\n');
  for (const [code, e] of Object.entries(ERRORS)) {
    for (const name of Object.keys((e as { templates?: object }).templates ?? {})) assert.ok(text.includes(`'${name}'`), `${code}.${name} is never used: drop it from the catalogue`);
  }
});

test('the OpenAPI error schema allows exactly the catalogue codes', () => {
  assert.deepEqual([...errorResponseSchema.properties.error.properties.code.enum].sort(), Object.keys(ERRORS).sort());
});
