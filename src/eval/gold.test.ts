import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWasimError } from '../core/errors.js';
import { alignGold, parseArticles, parseGold } from './gold.js';

const jsonl = (...rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

function throwsAt(fn: () => unknown, code: string, file: string, line: number | null, fragment?: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isWasimError(e), 'a WasimError');
    assert.equal(e.code, code);
    assert.ok(e.message.startsWith(line === null ? `${file}:` : `${file}:${line}:`), `message names ${file}:${line}: ${e.message}`);
    if (fragment) assert.match(e.message, fragment);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('dev-format gold keeps labels and entity groups, keyed by the scoring fold', () => {
  const gold = parseGold(
    jsonl(
      {
        id: 'a1',
        tags: [
          { tag: 'أبها', label: 'must', entity: 'Abha' },
          { tag: 'ابها', label: 'must', entity: 'Abha' },
          { tag: 'السياحة', label: 'ok', entity: 'Tourism' },
        ],
        notes: 'ignored',
      },
      '',
      { id: 'a2', tags: [] },
    ),
    'gold.jsonl',
  );
  assert.equal(gold.articles.length, 2);
  const [a1, a2] = gold.articles;
  assert.deepEqual(
    a1!.tags.map((t) => [t.key, t.label, t.entity]),
    [
      ['ابها', 'must', 'Abha'],
      ['ابها', 'must', 'Abha'],
      ['السياحه', 'ok', 'Tourism'],
    ],
  );
  assert.equal(a2!.line, 3, 'blank lines still count for line numbers');
});

test('simple publisher gold: every tag is must and its own entity', () => {
  const gold = parseGold(jsonl({ id: 7, tags: ['وزارة الصحة', 'جدة', 'جده'] }), 'pub.jsonl');
  const a = gold.articles[0]!;
  assert.equal(a.id, '7', 'integer ids become strings');
  assert.ok(a.tags.every((t) => t.label === 'must'));
  assert.equal(new Set(a.tags.map((t) => t.entity)).size, 2, 'جدة and جده fold alike: one entity');
});

test('gold tolerates a BOM and CRLF line ends', () => {
  const gold = parseGold('\ufeff' + jsonl({ id: 'x', tags: ['الرياض'] }, { id: 'y', tags: [] }).replace('\n', '\r\n'), 'g');
  assert.deepEqual(
    gold.articles.map((a) => a.id),
    ['x', 'y'],
  );
});

test('bad gold lines are errors naming the file and line', () => {
  const ok = JSON.stringify({ id: 'a', tags: ['جدة'] });
  throwsAt(() => parseGold(ok + '\n{"id": "b", "tags": [', 'g.jsonl'), 'BAD_JSON', 'g.jsonl', 2, /not valid JSON/);
  throwsAt(() => parseGold(ok + '\n\n' + JSON.stringify({ tags: [] }), 'g.jsonl'), 'BAD_GOLD', 'g.jsonl', 3, /missing "id"/);
  throwsAt(() => parseGold(JSON.stringify({ id: '', tags: [] }), 'g.jsonl'), 'BAD_GOLD', 'g.jsonl', 1, /"id"/);
  throwsAt(() => parseGold(JSON.stringify({ id: 'a' }), 'g.jsonl'), 'BAD_GOLD', 'g.jsonl', 1, /missing "tags"/);
  throwsAt(() => parseGold(JSON.stringify({ id: 'a', tags: 'جدة' }), 'g.jsonl'), 'BAD_GOLD', 'g.jsonl', 1, /array/);
  throwsAt(() => parseGold(JSON.stringify(['a']), 'g.jsonl'), 'BAD_GOLD', 'g.jsonl', 1, /object/);
  throwsAt(
    () => parseGold(JSON.stringify({ id: 'a', tags: [{ tag: 'جدة', label: 'maybe', entity: 'Jeddah' }] }), 'g.jsonl'),
    'BAD_GOLD',
    'g.jsonl',
    1,
    /tags\[0\].*label/,
  );
  throwsAt(() => parseGold(JSON.stringify({ id: 'a', tags: [{ tag: 5, label: 'ok' }] }), 'g.jsonl'), 'BAD_GOLD', 'g.jsonl', 1, /"tag"/);
  throwsAt(() => parseGold(JSON.stringify({ id: 'a', tags: [42] }), 'g.jsonl'), 'BAD_GOLD', 'g.jsonl', 1, /tags\[0\]/);
  throwsAt(() => parseGold(JSON.stringify({ id: 'a', tags: ['\u064e\u200f'] }), 'g.jsonl'), 'BAD_GOLD', 'g.jsonl', 1, /empty tag/);
  throwsAt(() => parseGold(ok + '\n' + ok, 'g.jsonl'), 'BAD_GOLD', 'g.jsonl', 2, /duplicate id "a" \(first on line 1\)/);
  throwsAt(
    () =>
      parseGold(
        JSON.stringify({
          id: 'a',
          tags: [
            { tag: 'الهلال', label: 'must', entity: 'Al-Hilal' },
            { tag: 'الهلال', label: 'ok', entity: 'Al-Hilal' },
          ],
        }),
        'g.jsonl',
      ),
    'BAD_GOLD',
    'g.jsonl',
    1,
    /judged twice/,
  );
});

test('an empty gold file is an error naming the file', () => {
  throwsAt(() => parseGold('', 'empty.jsonl'), 'BAD_GOLD', 'empty.jsonl', null, /empty file/);
  throwsAt(() => parseGold('\n  \n', 'blank.jsonl'), 'BAD_GOLD', 'blank.jsonl', null, /empty file/);
});

test('articles: title and body read, bad lines name the file and line', () => {
  const articles = parseArticles(
    jsonl(
      { id: 'n1', title: 'أمطار على أبها', body: 'هطلت أمطار غزيرة.', source: 'x' },
      { id: 'n2', body: 'نص بلا عنوان' },
    ),
    'a.jsonl',
  );
  assert.deepEqual(
    articles.map((a) => [a.id, a.title, a.body, a.line]),
    [
      ['n1', 'أمطار على أبها', 'هطلت أمطار غزيرة.', 1],
      ['n2', '', 'نص بلا عنوان', 2],
    ],
  );
  const ok = JSON.stringify({ id: 'n1', title: 'عنوان', body: 'نص' });
  throwsAt(() => parseArticles(ok + '\n{"id":', 'a.jsonl'), 'BAD_JSON', 'a.jsonl', 2);
  throwsAt(() => parseArticles(ok + '\n' + JSON.stringify({ title: 'عنوان' }), 'a.jsonl'), 'BAD_ARTICLE', 'a.jsonl', 2, /missing "id"/);
  throwsAt(() => parseArticles(JSON.stringify({ id: 'n', title: ['x'], body: '' }), 'a.jsonl'), 'BAD_ARTICLE', 'a.jsonl', 1, /"title"/);
  throwsAt(() => parseArticles(JSON.stringify({ id: 'n', title: ' ', body: '' }), 'a.jsonl'), 'BAD_ARTICLE', 'a.jsonl', 1, /no "title"/);
  throwsAt(() => parseArticles(ok + '\n' + ok, 'a.jsonl'), 'BAD_ARTICLE', 'a.jsonl', 2, /duplicate id/);
  throwsAt(() => parseArticles('', 'a.jsonl'), 'BAD_ARTICLE', 'a.jsonl', null, /empty file/);
});

test('ids missing on either side are reported, not fatal', () => {
  const gold = parseGold(jsonl({ id: 'a', tags: ['جدة'] }, { id: 'b', tags: ['مكة'] }), 'g.jsonl');
  const articles = parseArticles(
    jsonl({ id: 'a', title: 'جدة', body: '' }, { id: 'c', title: 'الطائف', body: '' }, { id: 'd', title: 'تبوك', body: '' }),
    'a.jsonl',
  );
  const al = alignGold(gold, articles, 'a.jsonl');
  assert.deepEqual(
    al.pairs.map((p) => p.gold.id),
    ['a'],
  );
  assert.deepEqual(al.goldWithoutArticle, ['b']);
  assert.deepEqual(al.articlesWithoutGold, ['c', 'd']);
  assert.equal(al.warnings.length, 2);
  assert.match(al.warnings[0]!, /^1 gold id\(s\) not found in a\.jsonl/);
  assert.match(al.warnings[1]!, /^2 article\(s\) in a\.jsonl have no gold/);
});
