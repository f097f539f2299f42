/**
 * `wasim worker`: takes background job chunks from the PostgreSQL queue and serves no HTTP.
 * Configured as the service is (DATABASE_URL, WASIM_VOCAB, WASIM_JOB_*, wasim.config.json).
 */
import type { Command } from 'commander';
import type { startWorker } from '../../server/worker.js';
import { EXIT_OK, reportError } from '../common.js';

export function registerWorker(program: Command): Command {
  return program
    .command('worker')
    .description('take background jobs (re-tag chunks, vocabulary imports) from the PostgreSQL queue the service instances share; serves no HTTP')
    .option('--database <url>', 'DATABASE_URL of the service (default: the service configuration)')
    .action(async (opts: { database?: string }) => {
      let worker: Awaited<ReturnType<typeof startWorker>>;
      try {
        // Loaded here, not at the top: the server's modules take longer to load than a
        // short `wasim tag` takes to run, and every command would pay for them.
        const [{ describeDatabaseUrl }, { loadConfig }, worker_] = await Promise.all([import('../../storage/index.js'), import('../../server/config.js'), import('../../server/worker.js')]);
        const config = loadConfig();
        if (opts.database) config.databaseUrl = opts.database;
        worker = await worker_.startWorker(config);
        process.stdout.write(`wasim worker ${worker.jobs.instanceId} taking jobs from ${describeDatabaseUrl(config.databaseUrl)}\n`);
      } catch (e) {
        process.exitCode = reportError('worker', e);
        return;
      }
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
          worker.close().then(
            () => {
              process.exitCode = EXIT_OK;
              resolve();
            },
            (e) => {
              process.exitCode = reportError('worker', e);
              resolve();
            },
          );
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
