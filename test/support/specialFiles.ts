// Hostile file-system entries for tests, made for real (no mocked fs): named pipes, sockets,
// links to devices, and a way to run the CLI as a user who cannot read what root could.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';

/** FIFOs and device links need a POSIX system; tests that use them say so when it is not one. */
export const POSIX = process.platform !== 'win32';

export function makeFifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** A listening Unix socket at `path`; close the server after the test. */
export function makeSocket(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

const ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/**
 * Runs the CLI from source in a child process as a user that file permissions apply to: the
 * current user, or `nobody` when the tests run as root (root reads any file whatever its mode).
 * `dirs` are made traversable for that user first.
 */
export function runCliUnprivileged(
  args: string[],
  dirs: string[] = [],
): { code: number; out: string; err: string } {
  if (ROOT) for (const d of dirs) chmodSync(d, 0o755);
  const r = spawnSync(
    process.execPath,
    ['--require', 'tsx/cjs', join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), ...args],
    {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
      env: { ...process.env, CTL_CLI_ENTRY: '1', HOME: ROOT ? '/tmp' : process.env.HOME },
      timeout: 60_000,
      ...(ROOT ? { uid: NOBODY, gid: NOBODY } : {}),
    },
  );
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
