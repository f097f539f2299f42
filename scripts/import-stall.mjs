#!/usr/bin/env node
/**
 * How long a large vocabulary import stalls the service: imports N generated lines through
 * POST /v1/vocabulary/import (loopback only) while two clients ask GET /healthz and a small
 * POST /v1/tag back to back, and prints the slowest and the 99th-percentile answers of each.
 *
 *   npm run build && node scripts/import-stall.mjs [--lines 200000] [--database sqlite|postgres://…]
 *
 * It starts its own service (a temporary SQLite file, or a schema of its own on PostgreSQL,
 * dropped afterwards), stops after the import and its recompilation, and never loops unbounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../dist/server/app.js';
import { DEFAULT_CONFIG } from '../dist/server/config.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const LINES = Number(arg('--lines', '200000'));
const database = arg('--database', 'sqlite');
const TOKEN = 'import-stall-token-0123456789';
const LETTERS = [...'بتثجحخدذرزسشصضطظعغفقكلمنو'];

function label(i) {
  let s = '';
  for (let n = i + LETTERS.length ** 3; n > 0; n = Math.floor(n / LETTERS.length)) s = LETTERS[n % LETTERS.length] + s;
  return `مركز ${s}`;
}

const dir = mkdtempSync(join(tmpdir(), 'wasim-import-stall-'));
let url = `sqlite:${join(dir, 'wasim.db')}`;
let schema;
if (database.startsWith('postgres')) {
  schema = `wasim_stall_${process.pid}`;
  const u = new URL(database);
  u.searchParams.set('schema', schema);
  url = u.toString();
}
const { app } = await buildApp({ ...DEFAULT_CONFIG, databaseUrl: url, token: TOKEN, rateLimit: false, logLevel: 'silent', vocabPollMs: 0 }, { logger: false });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
await app.wasim.tagger.get();

const text = Array.from({ length: LINES }, (_, i) => label(i)).join('\n') + '\n';
const stats = { healthz: [], tag: [] };
let importing = true;
const probe = async (name, make) => {
  while (importing) {
    const t0 = performance.now();
    const r = await make();
    await r.arrayBuffer();
    stats[name].push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
};
const small = JSON.stringify({ title: 'وفد من مصر يزور السودان', body: 'وصل وفد من القاهرة إلى الخرطوم.' });
const probes = [
  probe('healthz', () => fetch(`${base}/healthz`)),
  probe('tag', () => fetch(`${base}/v1/tag`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: small })),
];
await new Promise((r) => setTimeout(r, 300));
const t0 = performance.now();
const res = await fetch(`${base}/v1/vocabulary/import?wait=true`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain; charset=utf-8' }, body: text });
const answer = await res.json();
const seconds = (performance.now() - t0) / 1000;
importing = false;
await Promise.all(probes);
await app.close();
if (schema) {
  const c = new pg.Client({ connectionString: database });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.query(`drop schema if exists "${schema}_pgboss" cascade`);
  await c.end();
}
rmSync(dir, { recursive: true, force: true });

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (xs) => `n=${xs.length} p50=${pct(xs, 50).toFixed(1)} ms p99=${pct(xs, 99).toFixed(1)} ms max=${Math.max(...xs).toFixed(1)} ms`;
console.log(`import of ${LINES} lines (${(text.length / 1e6).toFixed(1)} M chars) on ${database.split('?')[0]}: HTTP ${res.status} in ${seconds.toFixed(1)} s (${JSON.stringify({ added: answer.added, entries: answer.entries })})`);
console.log(`  GET /healthz beside it: ${fmt(stats.healthz)}`);
console.log(`  POST /v1/tag beside it: ${fmt(stats.tag)}`);
