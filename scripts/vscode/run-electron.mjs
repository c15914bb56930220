// The same extension-host suite (test/integration) in desktop VS Code through
// @vscode/test-electron, for machines that can download VS Code (this project's CI cannot: it
// uses code-server, scripts/vscode/run-integration.mjs). On Linux without a display run it
// under xvfb: `xvfb-run -a npm run test:electron`.
// Usage: npm run test:electron [-- --grep PATTERN]   (CTL_VSCODE_VERSION: default 1.139.1)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { root } from '../setup.mjs';
import { bundleIntegrationTests } from './bundleTests.mjs';
import { onCleanup } from './cleanup.mjs';
import { build } from './extension.mjs';
import { ensureSampleFolder } from './sample.mjs';
import { writeStats } from './stats.mjs';

const grepAt = process.argv.indexOf('--grep');
const grep = grepAt >= 0 ? process.argv[grepAt + 1] : '';

async function main() {
  build();
  const extensionTestsPath = await bundleIntegrationTests();
  const sample = ensureSampleFolder();
  const runDir = mkdtempSync(join(tmpdir(), 'ctl-electron-'));
  onCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  const statsFile = join(runDir, 'stats.json');
  try {
    await runTests({
      version: process.env.CTL_VSCODE_VERSION ?? '1.139.1',
      extensionDevelopmentPath: root,
      extensionTestsPath,
      extensionTestsEnv: {
        CTL_SAMPLE_DIR: sample,
        CTL_PROJECT_ROOT: root,
        CTL_TEST_GREP: grep,
        CTL_STATS_FILE: statsFile,
      },
      launchArgs: [
        sample,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        join(runDir, 'user-data'),
      ],
    });
  } catch (e) {
    console.error(`desktop VS Code tests failed: ${e?.message ?? e}`);
  }
  let stats;
  try {
    stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  } catch {
    stats = { passed: 0, failed: 1, skipped: 0 };
    console.error(
      'VS Code ended without reporting test results (see above: could it download and start?)',
    );
  }
  writeStats(stats);
  return stats.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e?.stack ?? e);
    writeStats({ passed: 0, failed: 1, skipped: 0 });
    process.exit(1);
  },
);
