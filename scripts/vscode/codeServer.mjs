// Starts code-server (VS Code 1.139 in the browser) on 127.0.0.1 for `npm start` and the test
// runners, in its own process group so that stopping it stops every helper it spawned.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jsonc from 'jsonc-parser';
import { killGroup, onCleanup, stopGroup } from './cleanup.mjs';

/** Workbench settings that keep a test run quiet and deterministic (no tours, updates, AI). */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function codeServerEnv(tools, home) {
  const tmp = join(home, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return {
    ...process.env,
    PATH: `${tools.nodeBinDir}:${process.env.PATH}`,
    HOME: home,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    EXTENSIONS_GALLERY: '{}',
    VSCODE_PROXY_URI: '',
  };
}

/**
 * Installs a .vsix into a private extensions folder (never the user's own VS Code). Returns
 * the output of code-server, which names the installed version.
 */
export function installVsix(tools, vsix, extensionsDir) {
  mkdirSync(extensionsDir, { recursive: true });
  const home = mkdtempSync(join(tmpdir(), 'ctl-vsix-home-'));
  try {
    const r = spawnSync(
      tools.codeServer,
      [
        '--extensions-dir',
        extensionsDir,
        '--user-data-dir',
        join(home, 'ud'),
        '--config',
        join(home, 'config.yaml'),
        '--install-extension',
        vsix,
        '--force',
      ],
      {
        encoding: 'utf8',
        env: codeServerEnv(tools, home),
        timeout: 120_000,
      },
    );
    if (r.status !== 0) {
      throw new Error(
        `installing ${vsix} into code-server failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`,
      );
    }
    return r.stdout.trim();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * @param {object} o
 * @param {ReturnType<import('../setup.mjs').toolPaths>} o.tools
 * @param {string} o.extensionsDir private extensions folder
 * @param {string} [o.userDataDir] kept between runs when given (npm start); else a temp one
 * @param {number} [o.port] default: a free port
 * @param {boolean} [o.smokeTestDriver] needed for the `payload` (extension tests); hides toasts
 * @param {boolean} [o.workspaceTrust] keep VS Code's Workspace Trust on (a folder opens in
 *   Restricted Mode until trusted); off by default, so that tests need not trust their folders
 * @param {string} [o.logFile] code-server's output; default in the run folder
 * @param {number} [o.startTimeoutMs]
 */
export async function startCodeServer(o) {
  const runDir = mkdtempSync(join(tmpdir(), 'ctl-code-server-'));
  const removeRunDir = onCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  const userDataDir = o.userDataDir ?? join(runDir, 'user-data');
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify(QUIET_SETTINGS, null, 2));
  }
  // The trust setting follows the option, whatever an earlier run of this state folder wrote.
  const text = readFileSync(settingsFile, 'utf8');
  const trust = !!o.workspaceTrust;
  if (jsonc.parse(text)?.['security.workspace.trust.enabled'] !== trust)
    writeFileSync(
      settingsFile,
      jsonc.applyEdits(
        text,
        jsonc.modify(text, ['security.workspace.trust.enabled'], trust, {
          formattingOptions: { insertSpaces: true, tabSize: 2 },
        }),
      ),
    );
  const port = o.port ?? (await freePort());
  const config = join(runDir, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFile = o.logFile ?? join(runDir, 'code-server.log');
  const logFd = openSync(logFile, 'w');
  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(o.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--reconnection-grace-time',
    '5',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    o.extensionsDir,
    '--config',
    config,
  ];
  if (o.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  // detached: the server leads a new process group (setsid), so one kill reaches its helpers.
  const child = spawn(o.tools.codeServer, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: codeServerEnv(o.tools, join(runDir, 'home')),
  });
  closeSync(logFd);
  const killNow = onCleanup(() => killGroup(child.pid));
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const readLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base, child, o.startTimeoutMs ?? 60_000, readLog);
  } catch (e) {
    killNow();
    removeRunDir();
    throw e;
  }
  return {
    port,
    base,
    logFile,
    readLog,
    /** Settles with the exit code (or signal) if the server stops by itself. */
    exited,
    /** The vscode-remote URI of a path on this machine, as the workbench expects it. */
    remote: (path) => `vscode-remote://127.0.0.1:${port}${path}`,
    /** The workbench URL opening `folder`, with an optional `payload` (extension tests). */
    workbenchUrl(folder, payload) {
      const params = new URLSearchParams({ folder });
      if (payload) params.set('payload', JSON.stringify(payload));
      return `${base}/?${params.toString().replace(/%2F/g, '/')}`;
    },
    async stop() {
      await stopGroup(child);
      killNow();
      removeRunDir();
    },
  };
}

async function waitHealthy(base, child, timeoutMs, readLog) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `code-server exited (${child.exitCode ?? child.signalCode}) before it was ready. Its output:\n${readLog()}`,
      );
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(
    `code-server did not answer ${base}/healthz within ${timeoutMs / 1000} s. Its output:\n${readLog()}`,
  );
}
