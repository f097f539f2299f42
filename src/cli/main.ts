/** The `wasim` command line: a thin shell over the core and the Node-side helpers. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerEval } from './commands/eval.js';
import { registerTag } from './commands/tag.js';
import { registerVocab } from './commands/vocab.js';
import { registerUser } from './commands/user.js';
import { registerIngest } from './commands/ingest.js';
import { registerWordPress } from './commands/wordpress.js';
import { registerDiscover } from './commands/discover.js';
import { registerWorker } from './commands/worker.js';
import { EXIT_USAGE } from './common.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('wasim')
    .description('واسم — Arabic-aware automatic tagging for news')
    .version(pkg.version)
    .showHelpAfterError('(run `wasim --help` for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerTag(program);
  registerEval(program);
  registerVocab(program);
  registerUser(program);
  registerIngest(program);
  registerWordPress(program);
  registerDiscover(program);
  registerWorker(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    process.stderr.write(`wasim: ${(e as Error).message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
