/**
 * The service under the load test (src/bench/load.ts), in a process of its own: the real app
 * (buildApp) on a fresh SQLite file with the default vocabulary, on a free port of 127.0.0.1.
 * It tells its parent the address once the tagger serves, and answers memory questions over
 * the IPC channel (the whole process's RSS, worker threads included; the main thread's heap).
 * WASIM_TAG_THREADS and WASIM_TAG_LONG_CHARS in its environment choose the pool, its lanes, or the
 * event loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';

export const LOAD_TOKEN = 'load-test-token-0123456789';

export type ToLoadServer = { type: 'memory' } | { type: 'stop' };
export type FromLoadServer =
  | { type: 'ready'; url: string; threads: number; longThreads: number; startMs: number }
  | { type: 'memory'; rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }
  | { type: 'error'; message: string };

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'wasim-load-'));
  const config = loadConfig({
    cwd: dir,
    overrides: { databaseUrl: `sqlite:${join(dir, 'load.db')}`, host: '127.0.0.1', port: 0, token: LOAD_TOKEN, rateLimit: false, logLevel: 'silent', docs: false, vocabPollMs: 0 },
  });
  const { app, context } = await buildApp(config, { logger: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  await context.tagger.get();
  const send = (m: FromLoadServer) => process.send!(m);
  const lanes = context.tagger.poolStats()?.lanes;
  send({ type: 'ready', url, threads: lanes?.standard.threads ?? 0, longThreads: lanes?.long?.threads ?? 0, startMs: Date.now() - started });
  const stop = async () => {
    await app.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('message', (m: ToLoadServer) => {
    if (m.type === 'memory') {
      const u = process.memoryUsage();
      send({ type: 'memory', rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, arrayBuffers: u.arrayBuffers });
    } else if (m.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
}

if (process.send) {
  main().catch((e: unknown) => {
    process.send!({ type: 'error', message: (e as Error).message } satisfies FromLoadServer);
    process.exit(1);
  });
}
