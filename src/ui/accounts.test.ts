/**
 * Accounts end to end, over HTTP against the real service and database: a user made by the
 * `wasim user` command signs in; personal tokens are shown once, act as their user and stop
 * working when revoked; a viewer reads but cannot write (UI and API); the old write token still
 * works as a service token; logins are rate-limited per account and per address; sessions expire.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SCRYPT, hashPassword, LoginLimiter, verifyPassword } from '../server/accounts.js';
import { ensureUser, FormClient, startUiServer, UI_TEST_PASSWORD, UI_TEST_TOKEN, type UiServer } from './testing.js';

const BIN = fileURLToPath(new URL('../../bin/wasim.js', import.meta.url));

const VOCAB = [
  { id: 'eg', label: 'مصر', type: 'place' },
  { id: 'sudan', label: 'السودان', type: 'place' },
  { id: 'nile', label: 'نهر النيل', aliases: ['النيل'], type: 'place' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

const ARTICLE = {
  externalId: 'acct-nile-1',
  title: 'مباحثات بين مصر والسودان حول مياه النيل',
  body: 'بحث وزير الخارجية في مصر مع نظيره في السودان ملف نهر النيل، وقالت مصر إن المباحثات كانت بناءة.',
};

let server: UiServer;
let articleId: number;

before(async () => {
  server = await startUiServer({ vocabulary: VOCAB, config: { loginLimits: { perAccount: 5, perAddress: 12, windowMs: 60_000 } } });
  const stored = await server.api('POST', '/v1/articles', ARTICLE);
  assert.equal(stored.status, 201, stored.text);
  articleId = stored.json.id;
});

after(async () => {
  await server?.close();
});

async function bearer(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Makes a personal token on the account page; returns it and the page's HTML. */
async function makeToken(client: FormClient, name: string): Promise<{ token: string; page: string }> {
  await client.get('/ui/account');
  const res = await client.post('/ui/account/tokens', { name });
  assert.equal(res.status, 201, res.text.slice(0, 300));
  const m = /<code dir="ltr" class="token" data-new-token>(wsmu_[A-Za-z0-9_-]+)<\/code>/.exec(res.text);
  assert.ok(m, 'the new token is shown');
  return { token: m[1]!, page: res.text };
}

describe('passwords', () => {
  it('hashes with scrypt at the default cost, salted, and verifies only the right password', async () => {
    const a = await hashPassword('كلمة سر طويلة بما يكفي');
    const b = await hashPassword('كلمة سر طويلة بما يكفي');
    assert.match(a, new RegExp(`^scrypt\\$${DEFAULT_SCRYPT.N}\\$8\\$1\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
    assert.notEqual(a, b, 'a new salt each time');
    assert.equal(await verifyPassword('كلمة سر طويلة بما يكفي', a), true);
    assert.equal(await verifyPassword('كلمة سر طويلة بما يكفى', a), false, 'one letter off');
    assert.equal(await verifyPassword('anything at all', 'not-a-hash'), false);
    await assert.rejects(hashPassword('short'), /too short/);
  });

  it('counts failures per account and per address in a sliding window', () => {
    const limiter = new LoginLimiter({ perAccount: 3, perAddress: 5, windowMs: 1000 });
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.retryAfter('sara', '10.0.0.1', 100 + i), 0);
      limiter.fail('sara', '10.0.0.1', 100 + i);
    }
    assert.ok(limiter.retryAfter('sara', '10.0.0.2', 200) > 0, 'the account is locked from any address');
    assert.equal(limiter.retryAfter('SARA', '10.0.0.2', 1200), 0, 'the window slides');
    for (let i = 0; i < 2; i++) limiter.fail(`u${i}`, '10.0.0.1', 300);
    assert.ok(limiter.retryAfter('someone-else', '10.0.0.1', 400) > 0, 'the address is over its limit');
  });
});

describe('accounts over HTTP', () => {
  it('`wasim user add` makes a user who can sign in, and `reset-password` ends their sessions', async () => {
    const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, 'user', ...args, '--database', server.db.url], { input, encoding: 'utf8', timeout: 60_000 });
    const add = run(['add', 'هدى', '--role', 'editor', '--name', 'هدى سالم', '--password-stdin'], 'باب-النهر-الطويل\n');
    assert.equal(add.status, 0, add.stderr);
    assert.match(add.stdout, /created هدى \(editor\)/);
    assert.doesNotMatch(add.stdout, /باب-النهر/, 'a given password is never printed');
    const list = run(['list', '--format', 'json']);
    assert.ok((JSON.parse(list.stdout) as { username: string; role: string }[]).some((u) => u.username === 'هدى' && u.role === 'editor'));

    const client = new FormClient(server);
    const login = await client.post('/ui/login', { username: 'هدى', password: 'باب-النهر-الطويل', next: '/' });
    assert.equal(login.status, 303, login.text.slice(0, 200));
    assert.match((await client.get('/ui/account')).text, /هدى سالم/);

    const reset = run(['reset-password', 'هدى']);
    assert.equal(reset.status, 0, reset.stderr);
    const fresh = /password: (\S+)/.exec(reset.stdout)![1]!;
    assert.equal((await client.get('/ui/account')).status, 302, 'the old session ended: sent to log in');
    assert.equal((await client.post('/ui/login', { username: 'هدى', password: 'باب-النهر-الطويل', next: '/' })).status, 401);
    assert.equal((await client.post('/ui/login', { username: 'هدى', password: fresh, next: '/' })).status, 303);

    const remove = run(['remove', 'هدى']);
    assert.equal(remove.status, 0, remove.stderr);
    assert.equal((await client.get('/ui/account')).status, 302, 'a removed user has no session');
    const again = run(['remove', 'هدى']);
    assert.equal(again.status, 7, 'NOT_FOUND: refused by what is stored');
    assert.match(again.stderr, /no user "هدى"/);
  });

  it('keeps the old write token working as a service token', async () => {
    const res = await bearer(UI_TEST_TOKEN, 'PATCH', `/v1/articles/${articleId}/tags`, { accept: ['eg'], editor: 'cms-bot' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const log = await bearer(UI_TEST_TOKEN, 'GET', `/v1/articles/${articleId}/decisions`);
    assert.equal(log.json.items[0].editor, 'cms-bot', 'the service token names its editor as before');
  });

  it('shows a personal token once; it acts as its user until revoked', async () => {
    const client = new FormClient(server);
    await client.login('ريم', 'editor');
    const { token } = await makeToken(client, 'نظام المحتوى');
    const listed = (await client.get('/ui/account')).text;
    assert.ok(!listed.includes(token), 'the account page never shows the token again');
    assert.match(listed, /نظام المحتوى/);

    const decided = await bearer(token, 'PATCH', `/v1/articles/${articleId}/tags`, { reject: ['sudan'], editor: 'someone-else' });
    assert.equal(decided.status, 200, JSON.stringify(decided.json));
    const log = await bearer(token, 'GET', `/v1/articles/${articleId}/decisions`);
    assert.equal(log.json.items[0].editor, 'ريم', 'the decision log records the token\'s user, not a name the caller types');

    const id = /action="\/ui\/account\/tokens\/(\d+)\/revoke"/.exec(listed)![1]!;
    const revoked = await client.post(`/ui/account/tokens/${id}/revoke`, {});
    assert.equal(revoked.status, 303);
    const after = await bearer(token, 'PATCH', `/v1/articles/${articleId}/tags`, { accept: ['sudan'] });
    assert.equal(after.status, 401);
    assert.equal(after.json.error.code, 'UNAUTHORIZED');
    assert.equal((await bearer(token, 'GET', `/v1/articles/${articleId}`)).status, 200, 'reads stay open by default (no token needed)');
    // Someone else cannot revoke another user's token.
    const other = new FormClient(server);
    await other.login('غيث', 'editor');
    await other.get('/ui/account');
    assert.equal((await other.post(`/ui/account/tokens/${id}/revoke`, {})).status, 404);
  });

  it('lets a viewer read but not write, in the UI and through the API', async () => {
    const viewer = new FormClient(server);
    await viewer.login('قارئ', 'viewer');
    const page = await viewer.get(`/ui/articles/${articleId}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /name="action" value="accept"/, 'no accept buttons for a viewer');
    const post = await viewer.post(`/ui/articles/${articleId}/tags`, { tag: 'nile', action: 'reject' });
    assert.equal(post.status, 403);
    assert.match(post.text, /NOT_ALLOWED/);
    const { token } = await makeToken(viewer, 'قراءة');
    assert.equal((await bearer(token, 'GET', `/v1/articles/${articleId}`)).status, 200);
    const write = await bearer(token, 'PATCH', `/v1/articles/${articleId}/tags`, { reject: ['nile'] });
    assert.equal(write.status, 403);
    assert.equal(write.json.error.code, 'NOT_ALLOWED');
    const store = await bearer(token, 'POST', '/v1/articles', { title: 'مقالة من قارئ', body: 'عن مصر' });
    assert.equal(store.status, 403);
    const stored = (await server.api('GET', `/v1/articles/${articleId}`)).json;
    assert.equal(stored.tags.find((t: { id: string }) => t.id === 'nile').status, 'suggested', 'nothing changed');
  });

  it('rate-limits logins per account and per address before checking the password', async () => {
    // A server of its own: the other tests' failed logins come from the same address.
    const limited = await startUiServer({ vocabulary: VOCAB, config: { loginLimits: { perAccount: 5, perAddress: 12, windowMs: 60_000 } } });
    try {
      await rateLimited(limited);
    } finally {
      await limited.close();
    }
  });

  it('expires sessions on the server', async () => {
    const accounts = server.wasim.context.repo.accounts;
    const user = await ensureUser(server, 'مؤقت', 'editor');
    await accounts.createSession('expired-session-hash', user.id, 'csrf', -1000);
    assert.equal(await accounts.getSession('expired-session-hash'), undefined);
    await accounts.createSession('live-session-hash', user.id, 'csrf', 60_000);
    assert.equal((await accounts.getSession('live-session-hash'))?.user.username, 'مؤقت');
  });
});

async function rateLimited(limited: UiServer): Promise<void> {
  await ensureUser(limited, 'target', 'editor');
  const statuses: number[] = [];
  const started = Date.now();
  for (let i = 0; i < 40; i++) statuses.push((await new FormClient(limited).post('/ui/login', { username: 'target', password: `guess-number-${i}`, next: '/' })).status);
  assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.ok(statuses.slice(5).every((s) => s === 429), `then refused: ${statuses.join(',')}`);
  // Even the right password is refused while the account is locked.
  const right = await new FormClient(limited).post('/ui/login', { username: 'target', password: UI_TEST_PASSWORD, next: '/' });
  assert.equal(right.status, 429);
  assert.ok(Number(right.headers.get('retry-after')) > 0);
  assert.match(right.text, /محاولات دخول خاطئة كثيرة/);
  // Spraying other names from the same address runs into the address's limit (12 here, 5 spent).
  const spray: number[] = [];
  for (let i = 0; i < 10; i++) spray.push((await new FormClient(limited).post('/ui/login', { username: `name${i}`, password: 'whatever-it-is', next: '/' })).status);
  assert.deepEqual(spray.slice(0, 7), Array(7).fill(401));
  assert.ok(spray.slice(7).every((s) => s === 429), spray.join(','));
  assert.ok(Date.now() - started < 30_000);
}
