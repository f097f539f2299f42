/**
 * The core stays pure: no I/O and no Node-only APIs, so it runs in a browser or a worker and
 * every other layer depends on it, never the reverse.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/core/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [join(dir, d.name)] : []));
}

// Pure JavaScript packages that run anywhere the core does.
const PURE_PACKAGES = new Set(['crc-32/crc32c.js']);

test('core modules import nothing from Node or from the layers above', () => {
  const files = sources(SRC);
  assert.ok(files.length > 5);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      const inCore = spec.startsWith('.') && resolve(dirname(file), spec).startsWith(SRC);
      assert.ok(spec.startsWith('.') ? inCore || file.includes('/testing/') : PURE_PACKAGES.has(spec), `${file}: imports "${spec}"`);
    }
    assert.doesNotMatch(text, /\bprocess\.|\brequire\(|\bBuffer\b|\b__dirname\b/, `${file} uses a Node-only global`);
  }
});
