/**
 * `wasim user add|list|remove|reset-password|role`: the newsroom's accounts, in the service's
 * database (DATABASE_URL or --database, migrated first so that the first admin can be made
 * before the first start). A password is read from stdin with --password-stdin, else one is
 * generated and printed once.
 */
import type { Command } from 'commander';
import type { Repository } from '../../storage/index.js';
import { WasimError } from '../../core/index.js';
import { EXIT_OK, parseChoice, reportError, usageError } from '../common.js';

/**
 * The accounts' and the storage's modules, loaded when a user command runs: they take longer
 * to load than a short `wasim tag` takes to run, and every command would pay for them.
 */
async function server() {
  const [accounts, config, storage] = await Promise.all([import('../../server/accounts.js'), import('../../server/config.js'), import('../../storage/index.js')]);
  return { ...accounts, ...config, ...storage };
}

interface DbOptions {
  database?: string;
}

async function withRepo<T>(options: DbOptions, fn: (repo: Repository) => Promise<T>): Promise<T> {
  const { loadConfig, openRepository } = await server();
  const url = options.database ?? loadConfig().databaseUrl;
  const repo = openRepository(url);
  try {
    await repo.migrate();
    return await fn(repo);
  } finally {
    await repo.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One line: the password, without its line end.
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function passwordOf(options: { passwordStdin?: boolean }): Promise<{ password: string; generated: boolean }> {
  if (options.passwordStdin) return { password: await readStdin(), generated: false };
  return { password: (await server()).generatePassword(), generated: true };
}

function run(name: string, fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await fn();
      process.exitCode = EXIT_OK;
    } catch (e) {
      process.exitCode = reportError(name, e);
    }
  };
}

export function registerUser(program: Command): Command {
  const user = program.command('user').description("manage the newsroom's accounts (roles: admin, editor, viewer)");
  const db = (c: Command) => c.option('--database <url>', 'DATABASE_URL of the service (default: the service configuration)');

  db(
    user
      .command('add <username>')
      .description('create a user; prints a generated password unless --password-stdin')
      .option('--role <role>', 'admin, editor or viewer', 'editor')
      .option('--name <display>', 'the name shown in the newsroom (default: the username)')
      .option('--password-stdin', 'read the password from the first line of stdin'),
  ).action(function (this: Command, username: string) {
    const o = this.opts<DbOptions & { role: string; name?: string; passwordStdin?: boolean }>();
    return run('user add', async () => {
      const { checkRole, hashPassword } = await server();
      const role = checkRole(o.role);
      const { password, generated } = await passwordOf(o);
      const passwordHash = await hashPassword(password);
      const made = await withRepo(o, (repo) => repo.accounts.createUser({ username, role, passwordHash, ...(o.name ? { displayName: o.name } : {}) }));
      process.stdout.write(`created ${made.username} (${made.role})\n`);
      if (generated) process.stdout.write(`password: ${password}\n(shown once: only its hash is stored)\n`);
    })();
  });

  db(user.command('list').description('list users').option('--format <format>', 'text or json', 'text')).action(function (this: Command) {
    const o = this.opts<DbOptions & { format: string }>();
    return run('user list', async () => {
      parseChoice('--format', o.format, ['text', 'json']);
      const users = await withRepo(o, (repo) => repo.accounts.listUsers());
      if (o.format === 'json') process.stdout.write(JSON.stringify(users) + '\n');
      else process.stdout.write(users.map((u) => `${u.username}\t${u.role}\t${u.displayName}\t${u.createdAt}`).join('\n') + (users.length ? '\n' : ''));
    })();
  });

  db(user.command('remove <username>').description('delete a user, their sessions and tokens (the decision log keeps their name)')).action(function (this: Command, username: string) {
    const o = this.opts<DbOptions>();
    return run('user remove', async () => {
      if (!(await withRepo(o, (repo) => repo.accounts.removeUser(username)))) throw WasimError.of('NOT_FOUND', 'user', { username });
      process.stdout.write(`removed ${username}\n`);
    })();
  });

  db(
    user
      .command('reset-password <username>')
      .description("set a new password and end the user's sessions; prints a generated one unless --password-stdin")
      .option('--password-stdin', 'read the password from the first line of stdin'),
  ).action(function (this: Command, username: string) {
    const o = this.opts<DbOptions & { passwordStdin?: boolean }>();
    return run('user reset-password', async () => {
      const { hashPassword } = await server();
      const { password, generated } = await passwordOf(o);
      const passwordHash = await hashPassword(password);
      if (!(await withRepo(o, (repo) => repo.accounts.setPassword(username, passwordHash)))) throw WasimError.of('NOT_FOUND', 'user', { username });
      process.stdout.write(`new password set for ${username}; their sessions have ended\n`);
      if (generated) process.stdout.write(`password: ${password}\n(shown once: only its hash is stored)\n`);
    })();
  });

  db(user.command('role <username> <role>').description("change a user's role")).action(function (this: Command, username: string, role: string) {
    const o = this.opts<DbOptions>();
    return run('user role', async () => {
      const { checkRole } = await server();
      if (!(await withRepo(o, (repo) => repo.accounts.setRole(username, checkRole(role))))) throw WasimError.of('NOT_FOUND', 'user', { username });
      process.stdout.write(`${username} is now ${role}\n`);
    })();
  });

  return user;
}
