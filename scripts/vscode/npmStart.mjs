// `npm start` as a child of a runner (the e2e tests, bench/timelineVsCode.ts): scripts/start.mjs
// on a free port with a state folder and .vsix of the run's own, so they drive exactly what
// `npm start` serves, and stop it the way a user does (Ctrl-C).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../setup.mjs';
import { killGroup, onCleanup } from './cleanup.mjs';
import { freePort, portIsFree } from './codeServer.mjs';

/**
 * Starts `scripts/start.mjs` (on `folder`, default the generated sample) and waits for the URL it
 * prints. stop() sends Ctrl-C (SIGINT) and returns a problem, if any.
 */
export async function npmStart(runDir, { folder } = {}) {
  const port = await freePort();
  const args = [
    join(root, 'scripts', 'start.mjs'),
    '--port',
    String(port),
    '--state',
    join(runDir, 'state'),
    '--vsix',
    join(runDir, 'cloudtrail-lens.vsix'),
  ];
  if (folder) args.push('--folder', folder);
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // On an abort, SIGTERM lets start.mjs stop its code-server (its own process group) itself.
  const forget = onCleanup(() => {
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`npm start printed no URL within 300 s:\n${seen}`)),
      300_000,
    );
    const onData = (chunk) => {
      seen += chunk;
      for (const line of String(chunk).split('\n'))
        if (line.trim() && !seen.includes('Open http')) console.log(`[npm start] ${line}`);
      const m = /Open (http:\/\/\S+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before serving:\n${seen}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    base: parsed.origin,
    folder: parsed.searchParams.get('folder'),
    /** start.mjs's process id (code-server and its extension hosts are its descendants). */
    pid: child.pid,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', () => resolve(true)));
      child.kill('SIGINT');
      const stopped = await Promise.race([
        exited,
        new Promise((r) => setTimeout(() => r(false), 15_000)),
      ]);
      killGroup(child.pid);
      forget();
      if (!stopped) return 'npm start did not stop within 15 s of Ctrl-C (SIGINT).';
      // The killed server's processes take a moment to go on a busy machine.
      for (let i = 0; i < 50; i++) {
        if (await portIsFree(port)) return undefined;
        await new Promise((r) => setTimeout(r, 200));
      }
      return `10 s after npm start stopped on Ctrl-C, something still listens on 127.0.0.1:${port}: code-server was left running.`;
    },
  };
}
