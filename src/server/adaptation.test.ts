/**
 * Learning from the service's decision log: the model it fits equals `wasim learn`'s from the
 * same decisions; a refit under load swaps the model without failing a request; admins reset
 * learned items, switch the adaptation off and decide the proposed pairs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { compileVocabulary, fitAdaptation, observe, parseVocabulary, serializeAdaptation, WEIGHTS, type Observation } from '../core/index.js';
import { FEATURE_NAMES } from '../core/adapt.js';
import { createNodeTagger } from '../node/tagger.js';
import { issueToken } from './accounts.js';
import { fitInWorker } from './adaptation.js';
import { assertError, startTestServer, TEST_VOCAB, type TestServer } from './testing.js';

const WASIM = fileURLToPath(new URL('../../bin/wasim.js', import.meta.url));

/** Articles of our own about Egypt, Sudan, the Nile and Al Ahly, each with what the editor decides. */
const STORIES = [
  {
    externalId: 'story-1',
    title: 'الأهلي يتصدر الدوري بعد فوزه في القاهرة',
    body: 'تصدر النادي الأهلي جدول الدوري بعد فوزه على ضيفه بهدفين في استاد القاهرة، وقال مدرب الأهلي إن الفريق يستعد لمباراة الأسبوع المقبل في الإسكندرية.',
    decide: { accept: ['ahly'], reject: ['alexandria'], add: ['football'] },
  },
  {
    externalId: 'story-2',
    title: 'وزير الري: مياه النيل أولوية لمصر والسودان',
    body: 'قال وزير الري إن مياه النيل أولوية قصوى لمصر والسودان، وإن المباحثات الفنية حول نهر النيل ستستأنف في القاهرة الشهر المقبل.',
    decide: { accept: ['nile', 'eg', 'sudan'], reject: ['cairo'] },
  },
  {
    externalId: 'story-3',
    title: 'جماهير الأهلي تحتفل في شوارع القاهرة',
    body: 'خرجت جماهير النادي الأهلي إلى شوارع القاهرة احتفالًا بالفوز، ورفعت أعلام الأهلي حتى ساعة متأخرة من الليل.',
    decide: { accept: ['ahly'], reject: ['cairo'], add: ['football', 'eg'] },
  },
  {
    externalId: 'story-4',
    title: 'الأهلي يعلن تجديد عقد قائده',
    body: 'أعلن النادي الأهلي تجديد عقد قائد الفريق ثلاثة مواسم، وأكد رئيس الأهلي في مؤتمر صحفي بالقاهرة أن الصفقة تمت بالتراضي.',
    decide: { accept: ['ahly'], reject: ['cairo'], add: ['football', 'eg'] },
  },
  {
    externalId: 'story-5',
    title: 'الأهلي يواصل استعداداته للقمة',
    body: 'يواصل النادي الأهلي استعداداته لمواجهة القمة المقبلة، وخاض لاعبو الأهلي مرانًا صباحيًا في ملعب التتش بالقاهرة.',
    decide: { accept: ['ahly'], reject: ['cairo'], add: ['football', 'eg'] },
  },
];

async function storeAndDecide(server: TestServer, stories = STORIES): Promise<number[]> {
  const stored = await server.request('POST', '/v1/articles', { body: stories.map(({ decide: _d, ...a }) => a) });
  assert.equal(stored.status, 201, stored.text);
  const ids: number[] = stored.json.items.map((r: any) => r.article.id);
  for (let i = 0; i < stories.length; i++) {
    const { decide } = stories[i]!;
    const article = (await server.request('GET', `/v1/articles/${ids[i]}`)).json;
    const has = new Set(article.tags.map((t: any) => t.id));
    // Only tags the article shows can be accepted or rejected; the rest are added.
    const body = { accept: decide.accept.filter((t) => has.has(t)), reject: (decide.reject ?? []).filter((t) => has.has(t)), add: [...(decide.add ?? []), ...decide.accept.filter((t) => !has.has(t))] };
    const r = await server.request('PATCH', `/v1/articles/${ids[i]}/tags`, { body });
    assert.equal(r.status, 200, r.text);
  }
  return ids;
}

/** The decisions as the log now holds them, written as `wasim learn --decisions` reads them. */
async function decisionsFile(server: TestServer, ids: number[]): Promise<string> {
  const lines: string[] = [];
  for (const id of ids) {
    const a = (await server.request('GET', `/v1/articles/${id}`)).json;
    const of = (s: string) => a.tags.filter((t: any) => t.status === s).map((t: any) => t.id);
    lines.push(JSON.stringify({ id: a.externalId, title: a.title, body: a.body, accepted: of('accepted'), rejected: of('rejected'), added: of('added') }));
  }
  const path = join(server.db.dir, 'decisions.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

test('the service and `wasim learn --decisions` make the same model from the same decisions', async () => {
  const server = await startTestServer({}, { adaptation: { every: 0, pollMs: 0 } });
  try {
    const ids = await storeAndDecide(server);
    const refit = await server.request('POST', '/v1/adaptation/refit?wait=true');
    assert.equal(refit.status, 200, refit.text);
    assert.equal(refit.json.version, 1);
    assert.equal(refit.json.decisions, STORIES.length);
    assert.equal(refit.json.applied, 1, 'the serving tagger applies the new model');
    const fromService = (await server.request('GET', '/v1/adaptation/model')).text;

    const decisions = await decisionsFile(server, ids);
    const out = join(server.db.dir, 'model.json');
    const cli = spawnSync(process.execPath, [WASIM, 'learn', '--decisions', decisions, '--vocab', join(server.db.dir, 'vocab.jsonl'), '--output', out], { encoding: 'utf8', env: { ...process.env, WASIM_QUIET: '1' } });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stderr, /wasim learn: 5 decision\(s\) →/);
    assert.equal(readFileSync(out, 'utf8'), fromService);

    const model = JSON.parse(fromService);
    const lines = readFileSync(decisions, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const rejectedCairo = lines.filter((l) => l.rejected.includes('cairo')).length;
    assert.ok(rejectedCairo >= 3);
    assert.equal(model.tags.cairo.rejected, rejectedCairo);
    assert.equal(model.tags.ahly.accepted, 4);
    // Refitting with nothing new stores no new version; the log is learned from once.
    const again = await server.request('POST', '/v1/adaptation/refit?wait=true');
    assert.equal(again.json.version, 1);
    assert.equal(await server.wasim.context.repo.adaptation.countObservations(), STORIES.length);
    // A changed decision on an article replaces what was learned from it.
    const changedAt = lines.findIndex((l) => l.rejected.includes('cairo'));
    const undo = await server.request('PATCH', `/v1/articles/${ids[changedAt]}/tags`, { body: { accept: ['cairo'] } });
    assert.equal(undo.status, 200, undo.text);
    const changed = await server.request('POST', '/v1/adaptation/refit?wait=true');
    assert.equal(changed.json.version, 2);
    const m2 = JSON.parse((await server.request('GET', '/v1/adaptation/model')).text);
    assert.deepEqual({ accepted: m2.tags.cairo.accepted, rejected: m2.tags.cairo.rejected }, { accepted: 1, rejected: rejectedCairo - 1 });
    assert.equal(await server.wasim.context.repo.adaptation.countObservations(), STORIES.length);
  } finally {
    await server.close();
  }
});

test('a refit under load swaps the model in: no request fails, and the new model serves after', async () => {
  const server = await startTestServer({}, { adaptation: { every: 1, pollMs: 0 } });
  try {
    const probe = { title: 'زحام في القاهرة قبل مباراة الأهلي', body: 'شهدت شوارع القاهرة زحامًا كبيرًا قبل مباراة النادي الأهلي مساء اليوم في القاهرة.' };
    const before = await server.request('POST', '/v1/tag', { body: probe });
    const cairoBefore = before.json.tags.find((t: any) => t.id === 'cairo')?.score;
    assert.ok(cairoBefore > 0, before.text);
    const stories = Array.from({ length: 12 }, (_, i) => ({ ...STORIES[3]!, externalId: `burst-${i}`, title: `${STORIES[3]!.title} (${i + 1})` }));
    // Requests in waves of eight until the serving model has been swapped at least twice under
    // them (bounded: at most 400 waves or 60 s), every one answered.
    const seen = new Set<number | null>();
    let answered = 0;
    let deciding = true;
    const load = (async () => {
      const until = Date.now() + 60_000;
      for (let wave = 0; wave < 400 && Date.now() < until && (deciding || seen.size < 3); wave++) {
        await Promise.all(
          Array.from({ length: 8 }, async (_, i) => {
            const r = await server.request('POST', '/v1/tag', { body: i % 3 ? probe : { title: STORIES[1]!.title, body: STORIES[1]!.body } });
            assert.equal(r.status, 200, r.text);
            assert.ok(r.json.tags.every((t: any) => t.score >= 0 && t.score <= 1));
            if (i % 3 === 0) assert.ok(r.json.tags.some((t: any) => t.id === 'nile'), 'a tag no decision touches never flickers');
            answered++;
            seen.add(server.wasim.context.tagger.current!.adaptationVersion);
          }),
        );
      }
    })();
    // Every decision asks for a refit (every: 1): they coalesce while one runs.
    await Promise.all([load, storeAndDecide(server, stories).finally(() => (deciding = false))]);
    assert.ok(seen.size >= 3, `the model was swapped under load: versions seen ${JSON.stringify([...seen])} over ${answered} requests; ${JSON.stringify(await server.wasim.context.adaptation!.status())}`);
    await server.request('POST', '/v1/adaptation/refit?wait=true');
    const status = (await server.request('GET', '/v1/adaptation')).json;
    assert.ok(status.version >= 1 && status.applied === status.version, JSON.stringify(status));
    assert.equal(status.decisions, 12);
    const after = await server.request('POST', '/v1/tag', { body: probe });
    const cairoAfter = after.json.tags.find((t: any) => t.id === 'cairo')?.score;
    assert.ok(cairoAfter === undefined || cairoAfter < cairoBefore, `القاهرة, rejected twelve times: ${cairoBefore} → ${cairoAfter}`);
    assert.ok(status.demoted.some((t: any) => t.id === 'cairo'));
  } finally {
    await server.close();
  }
});

test('admins reset learned items and switch the adaptation off; editors may not', async () => {
  const server = await startTestServer({}, { adaptation: { every: 0, pollMs: 0 } });
  try {
    await storeAndDecide(server);
    await server.request('POST', '/v1/adaptation/refit?wait=true');
    const probe = { title: STORIES[4]!.title, body: STORIES[4]!.body };
    const shipped = server.wasim.context.tagger.current!.base.tag(probe).map((t) => [t.id, t.score]);
    const adapted = (await server.request('POST', '/v1/tag', { body: probe })).json.tags.map((t: any) => [t.id, t.score]);
    assert.notDeepEqual(adapted, shipped, 'the adaptation changes this article');
    const explained = (await server.request('POST', '/v1/tag?explain=true', { body: probe })).json.tags.find((t: any) => t.id === 'ahly');
    assert.match(explained.evidence.adaptationAr, /^قبله المحررون 4 مرات من 4/);
    assert.match(explained.evidence.adaptationEn, /^editors kept it 4 times out of 4/);
    assert.equal(typeof explained.evidence.adaptationBase, 'number');

    const { repo } = server.wasim.context;
    const user = await repo.accounts.createUser({ username: 'mona', role: 'editor', passwordHash: 'not-a-login' });
    const { token } = await issueToken(server.wasim.context, user.id, 'test');
    assertError(await server.request('PUT', '/v1/adaptation/enabled', { body: { enabled: false }, token }), 'NOT_ALLOWED');
    assertError(await server.request('POST', '/v1/adaptation/reset', { body: { all: true }, token }), 'NOT_ALLOWED');
    assertError(await server.request('POST', '/v1/adaptation/reset', { body: { tag: 'cairo', weights: true } }), 'VALIDATION');
    assertError(await server.request('POST', '/v1/adaptation/reset', { body: { tag: 'sudan-not-a-tag' } }), 'NOT_FOUND');
    assert.equal((await server.request('GET', '/v1/adaptation', { token })).status, 200, 'an editor may look');

    const off = await server.request('PUT', '/v1/adaptation/enabled', { body: { enabled: false } });
    assert.equal(off.status, 200, off.text);
    assert.deepEqual({ enabled: off.json.enabled, applied: off.json.applied }, { enabled: false, applied: null });
    assert.deepEqual((await server.request('POST', '/v1/tag', { body: probe })).json.tags.map((t: any) => [t.id, t.score]), shipped);
    await server.request('PUT', '/v1/adaptation/enabled', { body: { enabled: true } });
    assert.deepEqual((await server.request('POST', '/v1/tag', { body: probe })).json.tags.map((t: any) => [t.id, t.score]), adapted);

    // Reset one tag, by label: forgotten, and later refits do not bring it back from old decisions.
    const reset = await server.request('POST', '/v1/adaptation/reset', { body: { tag: 'القاهرة' } });
    assert.equal(reset.status, 200, reset.text);
    let model = JSON.parse((await server.request('GET', '/v1/adaptation/model')).text);
    assert.equal(model.tags.cairo, undefined);
    assert.ok(model.tags.ahly, 'the other tags stay learned');
    await server.request('POST', '/v1/adaptation/refit?wait=true');
    model = JSON.parse((await server.request('GET', '/v1/adaptation/model')).text);
    assert.equal(model.tags.cairo, undefined);
    // One form of a tag.
    const formKey = Object.keys(model.tags.ahly.forms)[0]!;
    assert.equal((await server.request('POST', '/v1/adaptation/reset', { body: { tag: 'ahly', form: formKey } })).status, 200);
    model = JSON.parse((await server.request('GET', '/v1/adaptation/model')).text);
    assert.equal(model.tags.ahly.forms[formKey], undefined);
    // Everything.
    assert.equal((await server.request('POST', '/v1/adaptation/reset', { body: { all: true } })).status, 200);
    model = JSON.parse((await server.request('GET', '/v1/adaptation/model')).text);
    assert.deepEqual(model.tags, {});
    assert.deepEqual((await server.request('POST', '/v1/tag', { body: probe })).json.tags.map((t: any) => [t.id, t.score]), shipped);
  } finally {
    await server.close();
  }
});

test('"always also tag" pairs are proposed to the admin; accepting one sets the vocabulary parent', async () => {
  const server = await startTestServer({}, { adaptation: { every: 0, pollMs: 0 } });
  try {
    await storeAndDecide(server);
    await server.request('POST', '/v1/adaptation/refit?wait=true');
    const pairs = (await server.request('GET', '/v1/adaptation/pairs')).json.items;
    const football = pairs.find((p: any) => p.from === 'ahly' && p.to === 'football');
    assert.ok(football, JSON.stringify(pairs));
    assert.equal(football.kind, 'rule');
    assert.ok(football.together >= 3 && football.together <= football.of);
    // Proposed, not applied: a new الأهلي article is not tagged كرة القدم for it.
    const fresh = await server.request('POST', '/v1/tag', { body: { title: 'الأهلي يكرم قدامى لاعبيه', body: 'كرم النادي الأهلي عددًا من قدامى لاعبيه في حفل أقيم بمقر الأهلي.' } });
    assert.ok(!fresh.json.tags.some((t: any) => t.id === 'football'));
    const egypt = pairs.find((p: any) => p.from === 'ahly' && p.to === 'eg');
    assert.ok(egypt, JSON.stringify(pairs));
    const accepted = await server.request('POST', `/v1/adaptation/pairs/${egypt.id}/accept`);
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal((await server.request('GET', '/v1/vocabulary/ahly')).json.parent, 'eg');
    const dismissed = await server.request('POST', `/v1/adaptation/pairs/${football.id}/dismiss`);
    assert.equal(dismissed.status, 200, dismissed.text);
    const left = (await server.request('GET', '/v1/adaptation/pairs')).json.items;
    assert.ok(!left.some((p: any) => p.id === football.id || p.id === egypt.id));
    assertError(await server.request('POST', `/v1/adaptation/pairs/${football.id}/accept`), 'NOT_FOUND');
  } finally {
    await server.close();
  }
});

test('a refit fitted in a worker thread is the model fitted inline', async () => {
  const cv = compileVocabulary(parseVocabulary(TEST_VOCAB, 'jsonl').entries);
  const tagger = createNodeTagger(cv);
  const real = STORIES.map((st, i) => observe(tagger, { id: st.externalId, title: st.title, body: st.body, accepted: st.decide.accept, rejected: st.decide.reject ?? [], added: st.decide.add ?? [] }, undefined, { seq: i + 1 }));
  // Enough judged candidates beside them for the weights and the cut to be refitted.
  // A feature is present in about three candidates in ten; each candidate is kept with the
  // probability the shipped weights give it, so the refit has a signal to find.
  const feature = fc.oneof({ weight: 7, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) });
  const judged = fc.record({ features: fc.tuple(...FEATURE_NAMES.map((n) => (n === 'bias' ? fc.constant(1) : feature))), draw: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) });
  const made: Observation[] = fc.sample(fc.array(judged, { minLength: 10, maxLength: 10 }), { seed: 11, numRuns: 40 }).map((candidates, i) => ({
    id: `made-${i}`,
    seq: 100 + i,
    kept: [],
    added: [],
    unmatched: {},
    candidates: candidates.map(({ features, draw }, j) => {
      const p = 1 / (1 + Math.exp(-features.reduce((sum, v, k) => sum + v * (WEIGHTS[FEATURE_NAMES[k]!] as number), 0)));
      return { id: `t${j}`, label: `وسم ${j}`, score: p, features, forms: [{ key: `صيغه ${j}`, text: `صيغة ${j}` }], shown: p >= 0.42, y: (draw < p ? 1 : 0) as 0 | 1 };
    }),
  }));
  const all = [...real, ...made];
  const inline = serializeAdaptation(fitAdaptation(cv, all));
  assert.ok(JSON.parse(inline).weights, 'weights refitted');
  assert.ok(JSON.parse(inline).pairs.length > 0, 'pairs proposed');
  assert.equal(await fitInWorker(cv, all, {}), inline);
});
