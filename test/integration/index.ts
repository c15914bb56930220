// The extension-host test entry: VS Code loads this module (extensionTestsPath) inside the
// extension host and awaits run(). Used by both runners: code-server + Chromium
// (scripts/vscode/run-integration.mjs) and @vscode/test-electron (scripts/vscode/run-electron.mjs).
// Bundled with the tests into out/integration/ by scripts/vscode/bundleTests.mjs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha = require('mocha');
import markers from './support/markers.json';

/**
 * mocha's spec reporter, its lines marked so that the runner can show them apart from the
 * workbench's own console chatter (the extension host forwards console.log to the runner), plus
 * one line with the totals that the runner parses.
 */
class HostReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) =>
      console.log(format(...args).split('\n').map((l) => markers.report + l).join('\n'));
    super(runner, options);
    runner.once('end', () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      console.log(`${markers.stats}${JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending })}`);
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
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e);
    }
  });
}
