// Runs the extension-host tests (test/integration) inside a real VS Code 1.139: code-server
// loads the built extension from the project (extensionDevelopmentPath) with the generated
// sample folder as its workspace, Chromium opens the workbench, and the tests' console output
// and exit code come back through the smoke-test driver's codeAutomationLog/Exit hooks.
// Usage: node scripts/vscode/run-integration.mjs [--grep PATTERN]
// Writes {"passed","failed","skipped"} to $CTL_STATS_FILE; exits non-zero when anything failed.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { ensureSetupOrExit, root } from '../setup.mjs';
import { launchChromium, VIEWPORT } from './browser.mjs';
import { bundleIntegrationTests } from './bundleTests.mjs';
import { onCleanup } from './cleanup.mjs';
import { startCodeServer } from './codeServer.mjs';
import { build } from './extension.mjs';
import { ensureSampleFolder } from './sample.mjs';
import { writeStats } from './stats.mjs';

const markers = JSON.parse(
  readFileSync(join(root, 'test', 'integration', 'support', 'markers.json'), 'utf8'),
);
const timeoutS = Number(process.env.CTL_INTEGRATION_TIMEOUT_S ?? 600);
const grepAt = process.argv.indexOf('--grep');
const grep = grepAt >= 0 ? process.argv[grepAt + 1] : '';
const outputDir = join(root, 'test-output', 'integration');

async function main() {
  const started = Date.now();
  const tools = await ensureSetupOrExit({ quiet: true });
  build();
  const testEntry = await bundleIntegrationTests();
  const sample = ensureSampleFolder();
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  // Everything VS Code and the extension print besides the test report (console.log in tests too).
  const consoleLog = join(outputDir, 'console.log');

  const extensionsDir = mkdtempSync(join(tmpdir(), 'ctl-it-extensions-'));
  onCleanup(() => rmSync(extensionsDir, { recursive: true, force: true }));
  const server = await startCodeServer({ tools, extensionsDir, smokeTestDriver: true });
  let stats;
  let exitCode;
  let browser;
  try {
    browser = await launchChromium(tools.chromium);
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();

    let settle;
    const finished = new Promise((resolve) => (settle = resolve));
    await context.exposeFunction('codeAutomationLog', (type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      for (const l of line.split('\n')) {
        if (l.startsWith(markers.stats)) stats = JSON.parse(l.slice(markers.stats.length));
        else if (l.startsWith(markers.report)) console.log(l.slice(markers.report.length));
        else appendFileSync(consoleLog, `[${type}] ${l}\n`);
      }
    });
    await context.exposeFunction('codeAutomationExit', (code) => settle({ code }));

    const env = {
      CTL_SAMPLE_DIR: sample,
      CTL_PROJECT_ROOT: root,
      CTL_TEST_GREP: grep,
      CTL_REPORT_MARKERS: '1',
    };
    const payload = [
      ['extensionDevelopmentPath', server.remote(root)],
      ['extensionTestsPath', server.remote(testEntry)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
      ['extensionEnvironment', JSON.stringify(env)],
    ];
    console.log(`VS Code 1.139 (code-server) on ${server.base}, workspace ${sample}`);
    await page.goto(server.workbenchUrl(sample, payload));
    // Fail fast, with its own message, when the workbench itself never comes up.
    page
      .locator('.monaco-workbench')
      .waitFor({ state: 'attached', timeout: 90_000 })
      .catch(() => settle({ noWorkbench: true }));

    const timer = setTimeout(() => settle({ timedOut: true }), timeoutS * 1000);
    const outcome = await finished;
    clearTimeout(timer);

    if (outcome.noWorkbench) {
      console.error(
        `\nThe VS Code workbench did not load within 90 s at ${server.base}. Last code-server output:\n${tail(server.readLog(), 20)}`,
      );
      exitCode = 124;
    } else if (outcome.timedOut) {
      console.error(
        `\nVS Code did not finish the integration tests within ${timeoutS} s: the extension host hung or never loaded the tests (set CTL_INTEGRATION_TIMEOUT_S to change the limit). Last code-server output:\n${tail(server.readLog(), 20)}`,
      );
      exitCode = 124;
    } else {
      exitCode = outcome.code;
      if (!stats && exitCode !== 0) {
        console.error(
          `\nThe extension host could not run the tests (exit ${exitCode}): see the error above (often the test bundle failed to load).`,
        );
      }
    }
    if (exitCode !== 0 && !stats) {
      console.error(
        `\nlast lines of the VS Code console (all of it in ${consoleLog}):\n${tail(existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8') : '', 25)}`,
      );
    } else if (exitCode !== 0) {
      console.error(`VS Code's console output (and the tests' own console.log): ${consoleLog}`);
    }
    if (exitCode !== 0) {
      const shot = join(outputDir, 'failure.png');
      await page.screenshot({ path: shot }).then(
        () => console.error(`screenshot of the workbench: ${shot}`),
        () => {},
      );
    }
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }

  // A hang or a load failure counts as one failed test, on top of what did report.
  const result = stats ?? { passed: 0, failed: 0, skipped: 0 };
  if (exitCode !== 0 && result.failed === 0) result.failed = 1;
  writeStats(result);
  console.log(
    `integration: ${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return result.failed > 0 ? (exitCode === 124 ? 124 : 1) : 0;
}

function tail(text, lines) {
  return text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((l) => `  ${l}`)
    .join('\n');
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`integration tests could not run: ${e?.stack ?? e}`);
    writeStats({ passed: 0, failed: 1, skipped: 0 });
    process.exit(1);
  },
);
