/**
 * Test support for the newsroom UI: the real service with the UI plugin on a random port of
 * 127.0.0.1 over a fresh database (SQLite, or PostgreSQL when TEST_DATABASE_URL says so), and a
 * tiny cookie-keeping client that logs in the way a browser does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../server/accounts.js';
import type { WasimApp } from '../server/app.js';
import type { Role, User } from '../storage/index.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../server/config.js';
import { listenOnFreshDatabase, request } from '../server/testing.js';
import type { TestDatabase } from '../storage/testing.js';
import uiPlugin from './index.js';

export const UI_TEST_TOKEN = 'ui-test-token-1f2e3d4c5b6a';
export const UI_TEST_PASSWORD = 'كلمة-مرور-الاختبار-42';
/** Cheaper scrypt for the many test users (verification reads the cost from the hash, so logins run the real check). */
const TEST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };

/** A user made as `wasim user add` makes one (the same store), with UI_TEST_PASSWORD unless told otherwise. */
export async function ensureUser(server: { wasim: WasimApp }, username: string, role: Role = 'editor', password = UI_TEST_PASSWORD): Promise<User> {
  const accounts = server.wasim.context.repo.accounts;
  const known = await accounts.findUser(username);
  if (known) {
    const { passwordHash: _, ...user } = known;
    return user;
  }
  return accounts.createUser({ username, role, passwordHash: await hashPassword(password, TEST_SCRYPT) });
}

export interface UiServer {
  url: string;
  origin: string;
  wasim: WasimApp;
  db: TestDatabase;
  /** A call to the JSON API with the bearer token. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }>;
  close(): Promise<void>;
}

export interface UiServerOptions {
  /** JSONL vocabulary to seed from; default: the default vocabulary. */
  vocabulary?: string;
  config?: Partial<ServerConfig>;
}

export async function startUiServer(options: UiServerOptions = {}): Promise<UiServer> {
  const server = await listenOnFreshDatabase(
    'wasim-ui',
    (db) => {
      let vocab: string | undefined;
      if (options.vocabulary !== undefined) {
        vocab = join(db.dir, 'vocab.jsonl');
        writeFileSync(vocab, options.vocabulary);
      }
      return { ...DEFAULT_CONFIG, databaseUrl: db.url, token: UI_TEST_TOKEN, rateLimit: false, logLevel: 'silent', vocabPollMs: 0, tagThreads: 0, ...(vocab ? { vocab } : {}), ...options.config };
    },
    { ui: uiPlugin },
  );
  const url = server.url;
  return {
    ...server,
    origin: new URL(url).origin,
    async api(method, path, body) {
      const reply = await request(url, method, path, { token: UI_TEST_TOKEN, ...(body !== undefined ? { body } : {}) });
      return { status: reply.status, json: reply.json, text: reply.text };
    },
  };
}

export interface PageReply {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** A browser-like client: keeps cookies, posts forms from the server's own origin. */
export class FormClient {
  private cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(
    private readonly server: UiServer,
    private readonly origin: string = server.origin,
  ) {}

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string): Promise<PageReply> {
    const res = await fetch(this.server.url + path, { redirect: 'manual', headers: this.cookies.size ? { cookie: this.cookieHeader } : {} });
    this.keep(res);
    const text = await res.text();
    const m = /<meta name="csrf-token" content="([^"]+)">/.exec(text);
    if (m) this.csrf = m[1];
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  /** Posts a urlencoded form; the CSRF token of the last page read is added unless `csrf: false`. */
  async post(path: string, fields: Record<string, string>, options: { csrf?: boolean; origin?: string | null } = {}): Promise<PageReply> {
    const form = new URLSearchParams(fields);
    if (options.csrf !== false && this.csrf && !('_csrf' in fields)) form.set('_csrf', this.csrf);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (origin !== null) headers.origin = origin;
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    const res = await fetch(this.server.url + path, { method: 'POST', redirect: 'manual', headers, body: form.toString() });
    this.keep(res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  /** Signs in as this user (created with the role when new). */
  async login(username = 'محررة', role: Role = 'editor'): Promise<void> {
    await ensureUser(this.server, username, role);
    const res = await this.post('/ui/login', { username, password: UI_TEST_PASSWORD, next: '/' });
    if (res.status !== 303) throw new Error(`login failed: ${res.status} ${res.text.slice(0, 200)}`);
    await this.get('/');
  }
}
