/**
 * A real WordPress for tests: Debian's `wordpress` package served by `php -S` on an ephemeral
 * port, on a fresh MariaDB database, installed through wp-admin/install.php, with a user and an
 * Application Password (allowed over HTTP because WP_ENVIRONMENT_TYPE is `local`).
 * `startWordPress()` returns a reason to skip instead when PHP, MariaDB or WordPress is absent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const WP_ROOT = '/usr/share/wordpress';
const CONFIG = '/etc/wordpress/config-wasim-test.php';
const FIXTURE = fileURLToPath(new URL('../../src/ingest/wordpress-fixture/', import.meta.url));

export interface WordPressSite {
  site: string;
  user: string;
  appPassword: string;
  stop(): Promise<void>;
}

function php(args: string[], env: Record<string, string> = {}): { ok: boolean; out: string } {
  const r = spawnSync('php', args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  return { ok: r.status === 0, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startWordPress(database = 'wasim_wp_test'): Promise<WordPressSite | { skip: string }> {
  if (spawnSync('php', ['-v']).status !== 0) return { skip: 'PHP is not installed (apt-get install php-cli php-mysql)' };
  if (!existsSync(`${WP_ROOT}/wp-settings.php`)) return { skip: `WordPress is not installed at ${WP_ROOT} (apt-get install wordpress)` };
  const db = php(['-r', `$m=@new mysqli("127.0.0.1","root","",null,3306); if ($m->connect_errno) { fwrite(STDERR, $m->connect_error); exit(1); } $m->query("DROP DATABASE IF EXISTS ${database}"); if (!$m->query("CREATE DATABASE ${database} CHARACTER SET utf8mb4")) exit(1);`]);
  if (!db.ok) return { skip: `MariaDB at 127.0.0.1:3306 (root, no password) is not reachable or php-mysql is missing: ${db.out.trim().slice(0, 200)}` };
  const ours = readFileSync(`${FIXTURE}config-wasim-test.php`, 'utf8');
  if (!existsSync(CONFIG) || readFileSync(CONFIG, 'utf8') !== ours) {
    try {
      copyFileSync(`${FIXTURE}config-wasim-test.php`, CONFIG);
    } catch (e) {
      return { skip: `cannot write ${CONFIG}: ${(e as Error).message}` };
    }
  }
  const port = await freePort();
  const site = `http://127.0.0.1:${port}`;
  const env = { WASIM_WP_DB: database };
  const server: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, `${FIXTURE}router.php`], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    if (server.exitCode === null) {
      server.kill();
      await new Promise((r) => server.once('exit', r));
    }
  };
  try {
    for (let i = 0; ; i++) {
      try {
        await fetch(`${site}/wp-includes/version.php`, { signal: AbortSignal.timeout(1000) });
        break;
      } catch {
        if (i > 50) throw new Error('php -S did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const user = 'editor';
    const password = 'wasim-test-' + Math.random().toString(36).slice(2);
    const form = new URLSearchParams({ weblog_title: 'صحيفة الاختبار', user_name: user, admin_password: password, admin_password2: password, pw_weak: '1', admin_email: 'editor@wasim.local', blog_public: '0', language: '' });
    const install = await fetch(`${site}/wp-admin/install.php?step=2`, { method: 'POST', body: form, signal: AbortSignal.timeout(90_000) });
    const page = await install.text();
    if (!install.ok || !/wp-login\.php|Success|نجاح/i.test(page)) throw new Error(`install.php failed: HTTP ${install.status}`);
    const app = php([`${FIXTURE}apppw.php`, user], { ...env, WASIM_WP_HOST: `127.0.0.1:${port}` });
    if (!app.ok) throw new Error(`could not create an application password: ${app.out.slice(0, 300)}`);
    const { password: appPassword } = JSON.parse(app.out.slice(app.out.indexOf('{'))) as { password: string };
    return { site, user, appPassword, stop };
  } catch (e) {
    await stop();
    return { skip: `WordPress did not come up: ${(e as Error).message}` };
  }
}
