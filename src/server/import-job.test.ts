/**
 * A vocabulary import is a job that does not block the service: while 200,000 generated lines
 * are parsed, planned, written and compiled, /healthz and a small /v1/tag keep answering. (How
 * fast they answer is measured by scripts/import-stall.mjs, not asserted here.) A bad file
 * fails its job with the error's code, and the synchronous form answers with that error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, startTestServer, waitForJob, type TestServer } from './testing.js';

const LETTERS = [...'بتثجحخدذرزسشصضطظعغفقكلمنو'];

/** A distinct Arabic label per number: letters that no folding merges. */
function label(i: number): string {
  let s = '';
  for (let n = i + LETTERS.length ** 3; n > 0; n = Math.floor(n / LETTERS.length)) s = LETTERS[n % LETTERS.length] + s;
  return `مركز ${s}`;
}

describe(`vocabulary import as a job (${process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'sqlite'})`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ bodyLimit: 4 * 1024 * 1024 });
  });
  after(() => server?.close());

  test('200,000 lines import in the background while /healthz and /v1/tag answer', async (t) => {
    const LINES = 200_000;
    const text = Array.from({ length: LINES }, (_, i) => label(i)).join('\n') + '\n';
    const started = await server.request('POST', '/v1/vocabulary/import?async=true', { raw: text, contentType: 'text/plain; charset=utf-8' });
    assert.equal(started.status, 202, started.text);
    assert.equal(started.json.kind, 'vocabulary-import');
    assert.equal(started.headers.get('location'), `/v1/jobs/${started.json.id}`);

    let healthy = 0;
    let tagged = 0;
    let job = started.json;
    while (job.status === 'queued' || job.status === 'running') {
      const h = await server.request('GET', '/healthz', { token: false });
      assert.equal(h.status, 200);
      healthy++;
      const r = await server.request('POST', '/v1/tag', { body: { title: 'وفد من مصر', body: 'وصل وفد من القاهرة إلى السودان.' } });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.tags.some((x: { tag: string }) => x.tag === 'مصر'), 'the old tagger serves until the new one is ready');
      tagged++;
      job = (await server.request('GET', `/v1/jobs/${started.json.id}`)).json;
    }
    t.diagnostic(`${healthy} /healthz and ${tagged} /v1/tag answered during the import`);
    assert.equal(job.status, 'done', job.error);
    assert.ok(healthy >= 1, 'the service answered while the import ran');
    assert.equal(job.done, job.total);
    assert.equal(job.result.entries, LINES);
    assert.equal(job.result.added, LINES);
    assert.equal(job.result.removed, 0);
    const list = await server.request('GET', `/v1/vocabulary?q=${encodeURIComponent(label(123_456))}`);
    assert.equal(list.json.items[0]?.label, label(123_456));
  });

  test('a bad file fails its job with the error code; the waiting form answers the error', async () => {
    const bad = await server.request('POST', '/v1/vocabulary/import?format=csv&async=true', { raw: 'name,x\nbad,row\n', contentType: 'text/csv' });
    assert.equal(bad.status, 202, bad.text);
    const failed = await waitForJob(server, bad.json.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.errorCode, 'BAD_VOCAB_LINE');
    assert.match(failed.error, /label/);
    assertError(await server.request('POST', '/v1/vocabulary/import?format=csv', { raw: 'name,x\nbad,row\n', contentType: 'text/csv' }), 'BAD_VOCAB_LINE');
    const ok = await server.request('POST', '/v1/vocabulary/import?wait=true', { raw: 'بنغازي\n', contentType: 'text/plain' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.added, 1);
    assert.equal(typeof ok.json.job, 'number');
  });
});
