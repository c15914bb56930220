// The extension as a user gets it: built, packaged into a .vsix with @vscode/vsce, installed
// into a private code-server extensions folder. Used by `npm start` and the e2e runner, so the
// UI tests exercise the very package a user installs.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { root } from '../setup.mjs';
import { installVsix } from './codeServer.mjs';

export const manifest = () => JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
export const extensionId = () => `${manifest().publisher}.${manifest().name}`;
export const VSIX = join(root, 'dist', 'cloudtrail-lens.vsix');

function runOrThrow(what, cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0)
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export function build() {
  return runOrThrow('the build (node scripts/build.mjs)', process.execPath, [
    join(root, 'scripts', 'build.mjs'),
  ]).trim();
}

// vsce walks every file under the folder before applying .vscodeignore; these (code-server
// alone is 800 MB) made packaging take a minute, so it runs on a copy without them.
const NOT_PACKAGED = new Set([
  '.git',
  'node_modules',
  '.vscode-test',
  'sample-data',
  'test-output',
  'out',
  'bench/data',
  'bench/results',
]);

/**
 * vsce rewrites the README's relative links against the repository, and refuses to package when
 * it cannot tell where that is (it only recognises GitHub and GitLab URLs).
 */
function linkBases() {
  const url = manifest().repository?.url ?? manifest().repository;
  if (typeof url !== 'string' || /github\.com|gitlab\.com/.test(url)) return [];
  const base = url.replace(/^git\+/, '').replace(/\.git$/, '');
  return ['--baseContentUrl', `${base}/blob/HEAD/`, '--baseImagesUrl', `${base}/raw/HEAD/`];
}

/** Packages what `build()` produced (the files .vscodeignore keeps) into `out`. */
export function packageVsix(out = VSIX) {
  const staging = mkdtempSync(join(tmpdir(), 'ctl-vsce-'));
  try {
    cpSync(root, staging, {
      recursive: true,
      filter: (src) => {
        const rel = relative(root, src);
        return !NOT_PACKAGED.has(rel) && !rel.endsWith('.vsix');
      },
    });
    const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    runOrThrow(
      'packaging the .vsix (vsce package)',
      process.execPath,
      [
        vsce,
        'package',
        '--no-dependencies',
        '--skip-license',
        ...linkBases(),
        '--out',
        resolve(out),
      ],
      staging,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return out;
}

/** Build, package into `vsix` and install it into `extensionsDir`. */
export function buildAndInstall(tools, extensionsDir, vsix = VSIX) {
  build();
  packageVsix(vsix);
  installVsix(tools, vsix, extensionsDir);
  return vsix;
}
