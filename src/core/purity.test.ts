/**
 * The core stays pure: no I/O and no Node-only APIs, so it runs in a browser or a worker and
 * every other layer depends on it, never the reverse; no state at module scope, so that two
 * taggers never share a cache and a stage's inputs are its arguments; no import cycles, so
 * that the modules read in one order.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
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

/**
 * The source with comments blanked, and with string, template and regular-expression bodies
 * blanked too unless `keepStrings`: same length, so offsets agree, and the delimiters kept.
 */
function blanked(src: string, keepStrings = false): string {
  const out = src.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  // Braces opened in code: 'code', or 'template' for the ${ of a template literal.
  const braces: ('code' | 'template')[] = [];
  let last = ''; // the last significant character of code, for telling a regex from a division
  let lastWord = '';
  let i = 0;
  const n = src.length;
  const template = (): void => {
    // From inside a template literal (after ` or }), to its end or to a ${.
    const from = i;
    while (i < n && src[i] !== '`' && !(src[i] === '$' && src[i + 1] === '{')) i += src[i] === '\\' ? 2 : 1;
    if (!keepStrings) blank(from, i);
    if (src[i] === '`') i++;
    else if (i < n) {
      braces.push('template');
      i += 2;
    }
    last = '`';
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i) < 0 ? n : src.indexOf('\n', i);
      blank(i, end);
      i = end;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2) < 0 ? n : src.indexOf('*/', i + 2) + 2;
      blank(i, end);
      i = end;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      if (!keepStrings) blank(i + 1, j);
      i = j + 1;
      last = c;
    } else if (c === '`') {
      i++;
      template();
    } else if (c === '/' && (/[(,=:[!&|?{};+\-*%<>~^]/.test(last) || last === '' || /^(return|typeof|case|in|of|new|delete|void|throw|yield|await)$/.test(lastWord))) {
      let j = i + 1;
      let inClass = false;
      while (j < n && src[j] !== '\n' && (inClass || src[j] !== '/')) {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        j++;
      }
      if (!keepStrings) blank(i + 1, j);
      i = j + 1;
      last = '/';
    } else {
      if (c === '{') braces.push('code');
      else if (c === '}' && braces.pop() === 'template') {
        i++;
        template();
        continue;
      }
      if (/[A-Za-z0-9_$]/.test(c)) {
        lastWord = /[A-Za-z0-9_$]/.test(last) ? lastWord + c : c;
        last = c;
      } else if (!/\s/.test(c)) {
        last = c;
        lastWord = '';
      }
      i++;
    }
  }
  return out.join('');
}

/** Per offset of the code, how deeply it is nested in braces, and in any bracket at all. */
function depths(code: string): { braces: Int32Array; all: Int32Array } {
  const braces = new Int32Array(code.length);
  const all = new Int32Array(code.length);
  let b = 0;
  let a = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '}') b--;
    if (c === '}' || c === ')' || c === ']') a--;
    braces[i] = b;
    all[i] = a;
    if (c === '{') b++;
    if (c === '{' || c === '(' || c === '[') a++;
  }
  return { braces, all };
}

/** Classes whose instances module scope may hold: their state cannot change, or (UnitMemo) changes nothing a caller can see. */
const IMMUTABLE_OR_CHECKED = /^(Map|Set|WeakMap|WeakSet|RegExp|Array|(Ui|I)nt(8|16|32)Array|Uint8ClampedArray|Float(32|64)Array|UnitMemo)$/;
const MUTATING_METHODS = 'set|add|delete|clear|push|pop|shift|unshift|splice|fill|sort|reverse|copyWithin';

interface StateFound {
  /** The variable. */
  name: string;
  problem: string;
}

/** What in one module's source is mutable state at module scope. */
function moduleState(src: string): StateFound[] {
  const code = blanked(src);
  const { braces, all } = depths(code);
  const problems: StateFound[] = [];
  const lineOf = (at: number): number => src.slice(0, at).split('\n').length;
  for (const m of code.matchAll(/(?<![\w$.])(let|var)\s+([\w$[{]+)/g)) {
    if (all[m.index] === 0) problems.push({ name: m[2]!, problem: `line ${lineOf(m.index)}: module-level ${m[1]}` });
  }
  for (const m of code.matchAll(/(?<![\w$.])const\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*/g)) {
    if (all[m.index] !== 0) continue;
    const name = m[1]!;
    const init = code.slice(m.index + m[0].length, m.index + m[0].length + 200);
    const made = /^new\s+([A-Za-z_$][\w$]*)/.exec(init);
    if (made && !IMMUTABLE_OR_CHECKED.test(made[1]!)) problems.push({ name, problem: `line ${lineOf(m.index)}: holds a ${made[1]}, which module scope may not hold` });
    const at = (re: RegExp): number[] => [...code.matchAll(re)].map((x) => x.index).filter((k) => braces[k]! > 0);
    const id = name.replace(/\$/g, '\\$');
    const mutations = [
      ...at(new RegExp(`(?<![\\w$.])${id}\\s*\\.\\s*(?:${MUTATING_METHODS})\\s*\\(`, 'g')),
      ...at(new RegExp(`(?<![\\w$.])${id}\\s*\\.\\s*[\\w$]+\\s*(?:[-+*/%&|^]|\\*\\*|<<|>>>?|&&|\\|\\||\\?\\?)?=(?!=)`, 'g')),
      ...at(new RegExp(`(?<![\\w$.])${id}\\s*\\[[^\\]\\n]*\\]\\s*(?:(?:[-+*/%&|^]|\\*\\*|<<|>>>?|&&|\\|\\||\\?\\?)?=(?!=)|\\+\\+|--)`, 'g')),
      ...at(new RegExp(`(?:\\+\\+|--)\\s*${id}\\s*[[.]`, 'g')),
    ];
    if (mutations.length > 0) problems.push({ name, problem: `line ${lineOf(Math.min(...mutations))}: written at run time` });
    // A global or sticky regular expression keeps lastIndex between test/exec calls.
    const regex = /^\/ *\/([a-z]*)/.exec(init);
    if (regex && /[gy]/.test(regex[1]!) && at(new RegExp(`(?<![\\w$.])${id}\\s*\\.\\s*(?:test|exec)\\s*\\(`, 'g')).length > 0) problems.push({ name, problem: `line ${lineOf(m.index)}: a /${regex[1]} regular expression keeping lastIndex` });
  }
  return problems;
}

test('the scan for module state finds lets, written caches and stateful objects, not what only looks like them', () => {
  const table: [string, number][] = [
    ['let last = 0;', 1],
    ['export let count = 0;', 1],
    ['var x;', 1],
    ['function f() { let a = 1; var b = 2; return a + b; }', 0],
    ['for (let i = 0; i < 4; i++) TABLE[i] = i;', 0],
    ['const cache = new Map<string, number>();\nexport function get(k: string) { cache.set(k, 1); }', 1],
    ['const seen = new WeakMap<object, number>();\nfunction f(o: object) { return seen.get(o); }', 0],
    ['const buf: number[] = [];\nfunction f() { buf.push(1); }', 1],
    ['const codes = new Int32Array(8);\nfunction f(c: number) { codes[c] = 1; }', 1],
    ['const codes = new Int32Array(8);\nfor (let c = 0; c < 8; c++) codes[c] = c;\nfunction f(c: number) { return codes[c] === 1; }', 0],
    ['const state = { n: 0 };\nfunction f() { state.n += 1; }', 1],
    ['const state = { n: 0 };\nfunction f() { return state.n === 1; }', 0],
    ['const tokenizer = new Tokenizer();', 1],
    ['const table = new UnitMemo((c) => c);', 0],
    ['const RE = /a;b/g;\nfunction f(s: string) { return RE.test(s); }', 1],
    ['const RE = /a/g;\nfunction f(s: string) { return s.match(RE); }', 0],
    ['const QUOTE = /[«"\'`]/;\nconst s = `let ${"x"} = 1`; // let y = 2;\n/* var z */', 0],
    ['const TABLE = (() => {\n  const t = new Map<string, number>();\n  t.set("a", 1);\n  return t;\n})();', 0],
  ];
  for (const [src, problems] of table) assert.equal(moduleState(src).length, problems, `${src}\n→ ${moduleState(src).map((p) => `${p.name} ${p.problem}`).join('; ')}`);
});

test('core modules hold no mutable state at module scope', () => {
  const found: string[] = [];
  for (const file of sources(SRC)) {
    for (const p of moduleState(readFileSync(file, 'utf8'))) found.push(`${relative(SRC, file)} ${p.name} ${p.problem}`);
  }
  assert.deepEqual(found, []);
});

/** The relative modules a source imports or re-exports, type-only ones included: they are dependencies too. */
function importsOf(file: string): string[] {
  const code = blanked(readFileSync(file, 'utf8'), true);
  const specs = [...code.matchAll(/(?<![\w$.])(?:import|export)\s[^;'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|(?<![\w$.])import\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1] ?? m[2]!);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** The import cycles among the files, each as the list of its modules. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (!graph.has(d)) continue;
      if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

test('the cycle search finds a cycle through type-only imports and none in a chain', () => {
  assert.deepEqual(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(importCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), []);
  assert.ok(importsOf(join(SRC, 'names.ts')).some((f) => basename(f) === 'match.ts'), 'names.ts imports types from match.ts');
});

test('core modules import each other without cycles', () => {
  const files = sources(SRC);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  assert.ok([...graph.values()].flat().length > 50, 'imports found');
  assert.deepEqual(importCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' → ')), []);
});
