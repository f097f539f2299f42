import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReferenceTagger } from './reference-taggers.js';

const ARTICLE = {
  title: 'الهلال يستعد لاستهلال الموسم في جدة',
  body: 'أعلن نادي الهلال أنه سيبدأ معسكره في مدينة جدّة، ووصل اللاعبون إلى الرياض أمس. وقالت وزارة الرياضة إن المدرب البرازيلي يصل غداً.',
};

test('substring matches inside other words, as the old systems did', () => {
  const tags = createReferenceTagger('substring', ['هلال', 'الرياض', 'البرازيل', 'جده', 'القاهرة']).tag(ARTICLE).map((t) => t.tag);
  // هلال is inside استهلال and الهلال; الرياض inside الرياضة; البرازيل inside البرازيلي.
  assert.deepEqual(new Set(tags), new Set(['هلال', 'الرياض', 'البرازيل', 'جده']));
});

test('whole-word needs the folded tokens to match exactly, with no clitic handling', () => {
  const tagger = createReferenceTagger('wholeword', ['هلال', 'الهلال', 'الرياض', 'البرازيل', 'جدة', 'وزارة الرياضة', 'نادي', 'الموسم في جدة']);
  const tags = tagger.tag(ARTICLE).map((t) => t.tag);
  assert.deepEqual(new Set(tags), new Set(['الهلال', 'الرياض', 'جدة', 'وزارة الرياضة', 'نادي', 'الموسم في جدة']));
  // وجدة-style clitics are not stripped: والرياض would not match الرياض.
  assert.deepEqual(tagger.tag({ title: '', body: 'سافر والرياض' }), []);
});

test('whole-word phrases never run across title and body', () => {
  const tagger = createReferenceTagger('wholeword', ['جدة أعلن']);
  assert.deepEqual(tagger.tag(ARTICLE), []);
  assert.deepEqual(createReferenceTagger('substring', ['جده اعلن']).tag(ARTICLE), []);
});

test('mentions are offsets into the original text, diacritics included', () => {
  const [jeddah] = createReferenceTagger('wholeword', ['جدة']).tag({ title: '', body: ARTICLE.body });
  assert.ok(jeddah);
  assert.equal(jeddah.mentions.length, 1);
  const m = jeddah.mentions[0]!;
  assert.equal(m.field, 'body');
  assert.equal(m.text, 'جدّة');
  assert.equal(ARTICLE.body.slice(m.start, m.end), 'جدّة');
});

test('tags are ranked title first, then by first position, longer first at one place', () => {
  const tagger = createReferenceTagger('wholeword', ['الرياض', 'جدة', 'وزارة', 'وزارة الرياضة', 'الهلال']);
  assert.deepEqual(
    tagger.tag(ARTICLE).map((t) => t.tag),
    ['الهلال', 'جدة', 'الرياض', 'وزارة الرياضة', 'وزارة'],
  );
});

test('vocabulary entries apply through aliases and are reported by label', () => {
  const tagger = createReferenceTagger('wholeword', [{ label: 'المملكة العربية السعودية', aliases: ['الرياض'] }]);
  const [result] = tagger.tag(ARTICLE);
  assert.equal(result?.tag, 'المملكة العربية السعودية');
  assert.equal(result?.mentions[0]?.text, 'الرياض');
});

test('a substring match inside a longer word names that word', () => {
  const [hilal] = createReferenceTagger('substring', ['هلال']).tag({ title: '', body: 'في استهلال الموسم' });
  assert.equal(hilal?.mentions[0]?.text, 'هلال');
  assert.equal(hilal?.mentions[0]?.inWord, 'استهلال');
  const [whole] = createReferenceTagger('wholeword', ['الموسم']).tag({ title: '', body: 'في استهلال الموسم' });
  assert.equal(whole?.mentions[0]?.inWord, undefined);
});
