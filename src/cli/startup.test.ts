/**
 * Every `wasim` run loads the CLI's entry module and every command's registration. The server,
 * database, queue and HTML packages take longer to load (≈ 0.8 s of CPU) than tagging a few
 * hundred articles, so the commands that need them (worker, user, ingest, wordpress) load them
 * when they run. This keeps it so: a command that imports one of them at the top fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const HEAVY = ['fastify', 'pg', 'pg-boss', 'better-sqlite3', 'kysely', 'linkedom', '@mozilla/readability', 'piscina', 'fast-xml-parser'];

test('loading the CLI loads no server, database, queue or HTML package', () => {
  const script = `
    import { createRequire } from 'node:module';
    const { buildProgram } = await import(${JSON.stringify(MAIN)});
    const names = buildProgram().commands.map((c) => c.name());
    const loaded = Object.keys(createRequire(import.meta.url).cache)
      .map((k) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(k)?.[1])
      .filter(Boolean);
    process.stdout.write(JSON.stringify({ names, loaded: [...new Set(loaded)] }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { names, loaded } = JSON.parse(r.stdout) as { names: string[]; loaded: string[] };
  for (const command of ['tag', 'worker', 'user', 'ingest', 'wordpress', 'consume']) assert.ok(names.includes(command), `${command} is still registered`);
  assert.ok(loaded.includes('commander'), 'the check sees packages the CLI does load');
  assert.deepEqual(
    loaded.filter((p) => HEAVY.includes(p)),
    [],
  );
});
