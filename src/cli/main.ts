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
import { registerConsume } from './commands/consume.js';
import { registerLearn } from './commands/learn.js';
import { EXIT, exitCodeOf } from '../core/index.js';
import { errorLine, EXIT_OK, EXIT_USAGE } from './common.js';
import { outputError, STANDARD_OUTPUT } from '../node/output-file.js';
import { registerWorker } from './commands/worker.js';

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
  registerConsume(program);
  registerLearn(program);
  registerWorker(program);
  return program;
}

/** `vocab export` for the vocab command's export subcommand: the name errors start with. */
function commandName(c: Command): string {
  const names: string[] = [];
  for (let at: Command | null = c; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/**
 * Standard output failing ends the command, whatever it is doing. A closed pipe
 * (`wasim vocab export | head -1`) is the reader saying it has enough: the command stops
 * quietly with exit 0, as it would have had the output been read to the end. Anything else
 * (`> /dev/full`) is one OUTPUT_FAILED line on stderr and the output class's exit code (5).
 */
function guardStandardOutput(command: () => string): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT_OK);
    const name = command();
    process.stderr.write(`wasim${name ? ' ' + name : ''}: ${outputError(STANDARD_OUTPUT, e).message}\n`);
    process.exit(EXIT.OUTPUT);
  });
  // Errors about errors have nowhere to go.
  process.stderr.on('error', () => {});
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  let running = '';
  program.hook('preAction', (_root, action) => {
    running = commandName(action);
  });
  guardStandardOutput(() => running);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    // What a command did not report itself: one line, and the exit code of its class.
    process.stderr.write(`wasim: ${errorLine(e)}\n`);
    process.exitCode = exitCodeOf(e);
  }
}
