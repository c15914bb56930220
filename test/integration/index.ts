// The extension-host test entry: VS Code loads this module (extensionTestsPath) inside the
// extension host and awaits run(). Used by both runners: code-server + Chromium
// (scripts/vscode/run-integration.mjs) and @vscode/test-electron (scripts/vscode/run-electron.mjs).
// Bundled with the tests into out/integration/ by scripts/vscode/bundleTests.mjs.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha = require('mocha');
import markers from './support/markers.json';

/**
 * mocha's spec reporter plus the totals. In code-server (CTL_REPORT_MARKERS=1) the extension
 * host's console reaches the runner mixed with the workbench's own chatter, so the report's
 * lines are marked and the totals travel as one marked line; under @vscode/test-electron the
 * host writes the totals to $CTL_STATS_FILE itself.
 */
class HostReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    const marked = process.env.CTL_REPORT_MARKERS === '1';
    if (marked) {
      Mocha.reporters.Base.consoleLog = (...args: unknown[]) =>
        console.log(
          format(...args)
            .split('\n')
            .map((l) => markers.report + l)
            .join('\n'),
        );
    }
    super(runner, options);
    runner.once('end', () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      const totals = JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending });
      if (marked) console.log(`${markers.stats}${totals}`);
      else if (process.env.CTL_STATS_FILE) writeFileSync(process.env.CTL_STATS_FILE, totals);
    });
  }
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.CTL_TEST_TIMEOUT_MS ?? 60_000),
    reporter: HostReporter,
    grep: process.env.CTL_TEST_GREP || undefined,
  });
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) =>
        failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve(),
      );
    } catch (e) {
      reject(e);
    }
  });
}
