// The extension as a user gets it: built, packaged into a .vsix with @vscode/vsce, installed
// into a private code-server extensions folder. Used by `npm start` and the e2e runner, so the
// UI tests exercise the very package a user installs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../setup.mjs';
import { installVsix } from './codeServer.mjs';

export const manifest = () => JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
export const extensionId = () => `${manifest().publisher}.${manifest().name}`;
export const VSIX = join(root, 'dist', 'cloudtrail-lens.vsix');

function runOrThrow(what, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export function build() {
  return runOrThrow('the build (node scripts/build.mjs)', process.execPath, [join(root, 'scripts', 'build.mjs')]).trim();
}

/** Packages what `build()` produced (the files .vscodeignore keeps) into `out`. */
export function packageVsix(out = VSIX) {
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  runOrThrow('packaging the .vsix (vsce package)', process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--out', out]);
  return out;
}

/** Build, package into `vsix` and install it into `extensionsDir`. */
export function buildAndInstall(tools, extensionsDir, vsix = VSIX) {
  build();
  packageVsix(vsix);
  installVsix(tools, vsix, extensionsDir);
  return vsix;
}
