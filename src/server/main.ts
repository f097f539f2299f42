/**
 * `npm start`: reads the configuration (environment, optional wasim.config.json), migrates the
 * database, listens, prints the URL — and, on first start without a configured token, the
 * generated token, once. `--new-token` replaces the stored token with a new one.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT, exitCodeOf, isWasimError } from '../core/index.js';
import { describeDatabaseUrl } from '../storage/index.js';
import { buildApp, type UiPlugin, type WasimApp } from './app.js';
import { loadConfig } from './config.js';

/** The newsroom UI, when it is built: src/ui/index.ts default-exports a Fastify plugin. */
async function loadUi(): Promise<UiPlugin | undefined> {
  const entry = new URL('../ui/index.js', import.meta.url);
  if (!existsSync(fileURLToPath(entry))) return undefined;
  const mod = (await import(entry.href)) as { default?: UiPlugin; uiPlugin?: UiPlugin };
  return mod.default ?? mod.uiPlugin;
}

const USAGE = `usage: node dist/server/main.js [--new-token]

Configuration comes from the environment (and wasim.config.json, or the file WASIM_CONFIG names):
  PORT (3000)  HOST (127.0.0.1)  DATABASE_URL (sqlite:./data/wasim.db | postgres://…)
  WASIM_TOKEN  WASIM_VOCAB  WASIM_READ_TOKEN_REQUIRED  … — see docs/service.md`;

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const unknown = argv.filter((a) => a !== '--new-token');
  if (unknown.length) {
    process.stderr.write(`wasim-server: unknown argument ${unknown[0]}\n${USAGE}\n`);
    process.exitCode = EXIT.USAGE;
    return;
  }
  const config = loadConfig();
  let wasim: WasimApp;
  try {
    wasim = await buildApp(config, { ui: await loadUi(), rotateToken: argv.includes('--new-token') });
  } catch (e) {
    process.stderr.write(`wasim-server: cannot start with DATABASE_URL=${describeDatabaseUrl(config.databaseUrl)}: ${(e as Error).message}\n`);
    // Our errors carry their class; anything else here is the database not answering.
    process.exitCode = isWasimError(e) ? e.exitCode : EXIT.REMOTE;
    return;
  }
  const { app, startup } = wasim;
  const address = await app.listen({ port: config.port, host: config.host });
  const lines = [
    `wasim listening on ${address}`,
    `  newsroom:   ${address}/`,
    `  API docs:   ${address}/docs`,
    `  database:   ${describeDatabaseUrl(config.databaseUrl)}${startup.migrations.length ? ` (migrated: ${startup.migrations.join(', ')})` : ''}`,
    `  vocabulary: ${startup.vocabularySource}${startup.seeded ? ' (loaded into the database)' : ''}`,
  ];
  if (startup.token.generated) {
    lines.push(
      '',
      `  write token: ${startup.token.generated}`,
      '  This token is shown once: only its hash is stored. Send it as "Authorization: Bearer <token>".',
      '  Set WASIM_TOKEN to choose your own, or run with --new-token to replace it.',
    );
  } else {
    lines.push(`  write token: ${startup.token.source === 'config' ? 'from WASIM_TOKEN / config' : 'stored (generated on first start; --new-token replaces it)'}`);
  }
  if ((await wasim.context.repo.accounts.countUsers().catch(() => 1)) === 0) {
    lines.push(
      '',
      '  No newsroom users yet. Create the first admin (same DATABASE_URL), then sign in at /ui/login:',
      '    npx wasim user add NAME --role admin',
      '  (prints a generated password once; --password-stdin reads yours).',
    );
  }
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: closing`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`wasim-server: ${isWasimError(e) ? e.message : (e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = exitCodeOf(e);
});
