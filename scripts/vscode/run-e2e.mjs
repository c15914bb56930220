// Runs the end-to-end UI tests (test/e2e, mocha + playwright-core in Node) against one
// code-server for the whole run, served by `npm start` itself (scripts/start.mjs: the packaged
// .vsix installed, the generated sample folder) with a state folder of this run's own; at the
// end it stops it the way a user does (Ctrl-C) and checks that nothing stays listening.
// Screenshots: test-output/e2e/.
// Usage: node scripts/vscode/run-e2e.mjs [--grep PATTERN]
// Writes {"passed","failed","skipped"} to $CTL_STATS_FILE; exits non-zero when anything failed.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSetupOrExit, root } from '../setup.mjs';
import { browserEnv, CHROMIUM_ARGS } from './browser.mjs';
import { onCleanup, stopGroup } from './cleanup.mjs';
import { npmStart } from './npmStart.mjs';
import { writeStats } from './stats.mjs';

const timeoutS = Number(process.env.CTL_E2E_TIMEOUT_S ?? 900);
const grepAt = process.argv.indexOf('--grep');
const grep = grepAt >= 0 ? process.argv[grepAt + 1] : undefined;
const e2eOutput = join(root, 'test-output', 'e2e');
const E2E_PROFILE = 'cloudtrail-lens-e2e';
const E2E_FAKE_KEY_ID = 'AKIAE2EFAKEKEY000001';
const E2E_FAKE_SECRET = 'e2eFakeSecret/0123456789abcdefghijklmnop';

async function main() {
  const started = Date.now();
  // Before npm start, so that a first install shows its progress.
  const tools = await ensureSetupOrExit({ quiet: true });
  const runDir = mkdtempSync(join(tmpdir(), 'ctl-e2e-'));
  onCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  // Each test clears only its own screenshot folder: other runs in this tree may be writing theirs.
  mkdirSync(e2eOutput, { recursive: true });

  // A profile of fake credentials for the tests' loopback AWS servers (Athena, S3): VS Code and
  // its extension host inherit these variables; the tests check that the secret is never shown.
  const awsDir = join(runDir, 'aws');
  mkdirSync(awsDir, { recursive: true });
  // (The S3 test server, s3rver, accepts only its own fixed key: a second profile has it.)
  writeFileSync(
    join(awsDir, 'credentials'),
    `[${E2E_PROFILE}]\naws_access_key_id = ${E2E_FAKE_KEY_ID}\naws_secret_access_key = ${E2E_FAKE_SECRET}\n[${E2E_PROFILE}-s3]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n`,
  );
  writeFileSync(
    join(awsDir, 'config'),
    `[profile ${E2E_PROFILE}]\nregion = us-east-1\n[profile ${E2E_PROFILE}-s3]\nregion = us-east-1\n`,
  );
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(awsDir, 'credentials');
  process.env.AWS_CONFIG_FILE = join(awsDir, 'config');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const server = await npmStart(runDir);
  const sample = server.folder;
  console.log(
    `VS Code 1.139 (code-server) served by npm start on ${server.base}, workspace ${sample}`,
  );
  const statsFile = process.env.CTL_STATS_FILE ?? join(runDir, 'stats.json');
  rmSync(statsFile, { force: true });
  let outcome;
  let stopProblem;
  try {
    const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const args = [
      mocha,
      '--require',
      'tsx/cjs',
      '--require',
      'test/e2e/support/hooks.ts',
      '--reporter',
      join(root, 'test', 'support', 'countingReporter.cjs'),
      '--timeout',
      '120000',
      ...(grep ? ['--grep', grep] : []),
      'test/e2e/**/*.test.ts',
    ];
    // Its own process group: on a hang, one kill stops mocha and the Chromium it launched.
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: 'inherit',
      detached: true,
      env: {
        // The tests launch Chromium, which inherits this home of the run's own.
        ...browserEnv(join(runDir, 'browser-home')),
        CTL_STATS_FILE: statsFile,
        CTL_E2E_URL: server.base,
        CTL_E2E_FOLDER: sample,
        CTL_E2E_OUTPUT: e2eOutput,
        CTL_E2E_SETTINGS_FILE: join(runDir, 'state', 'user-data', 'User', 'settings.json'),
        CTL_E2E_CHROMIUM: tools.chromium,
        CTL_E2E_CHROMIUM_ARGS: JSON.stringify(CHROMIUM_ARGS),
        CTL_E2E_AWS_PROFILE: E2E_PROFILE,
        CTL_E2E_FAKE_SECRET: E2E_FAKE_SECRET,
        CTL_E2E_STATE_DIR: join(runDir, 'state'),
      },
    });
    // On an abort, SIGTERM lets start.mjs stop its code-server (its own process group) itself.
    const forget = onCleanup(() => {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    });
    outcome = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ timedOut: true }), timeoutS * 1000);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, signal });
      });
    });
    await stopGroup(child, 1000);
    forget();
  } finally {
    stopProblem = await server.stop();
  }

  let stats;
  try {
    stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  } catch {
    stats = undefined;
  }
  let code = outcome.code ?? 124;
  if (outcome.timedOut) {
    console.error(
      `\nThe e2e tests did not finish within ${timeoutS} s: VS Code or the browser hung (set CTL_E2E_TIMEOUT_S to change the limit). Screenshots so far: ${e2eOutput}`,
    );
    stats = {
      passed: stats?.passed ?? 0,
      failed: (stats?.failed ?? 0) + 1,
      skipped: stats?.skipped ?? 0,
    };
    code = 124;
  } else if (!stats) {
    console.error(
      `\nmocha ended (exit ${outcome.code ?? outcome.signal}) without reporting results: see its output above.`,
    );
    stats = { passed: 0, failed: 1, skipped: 0 };
  }
  if (stopProblem) {
    console.error(`\n${stopProblem}`);
    stats.failed += 1;
    code ||= 1;
  }
  if (code !== 0 && stats.failed === 0) stats.failed = 1;
  if (stats.failed > 0) keepLogs(join(runDir, 'state'));
  writeStats(stats);
  const shots = existsSync(e2eOutput) ? e2eOutput : '(none)';
  console.log(
    `e2e: ${stats.passed} passed, ${stats.failed} failed${stats.skipped ? `, ${stats.skipped} skipped` : ''} in ${Math.round((Date.now() - started) / 1000)} s; screenshots in ${shots}`,
  );
  return stats.failed > 0 ? code || 1 : 0;
}

/**
 * After a failure: code-server's logs (the extension host's, each output channel's) are copied
 * beside the screenshots, and the end of CloudTrail Lens's own channel is printed, so that a CI
 * log says what the extension did.
 */
function keepLogs(stateDir) {
  const logs = join(stateDir, 'user-data', 'logs');
  if (!existsSync(logs)) return;
  const kept = join(e2eOutput, 'logs');
  rmSync(kept, { recursive: true, force: true });
  cpSync(logs, kept, { recursive: true });
  const channels = readdirSync(kept, { recursive: true })
    .map(String)
    .filter((f) => /CloudTrail Lens\.log$/.test(f))
    .sort();
  for (const f of channels.slice(-1)) {
    const lines = readFileSync(join(kept, f), 'utf8').trimEnd().split('\n');
    console.log(`\n== the last ${Math.min(60, lines.length)} lines of ${join(kept, f)}`);
    console.log(lines.slice(-60).join('\n'));
  }
  console.log(`code-server's logs: ${kept}`);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`e2e tests could not run: ${e?.stack ?? e}`);
    writeStats({ passed: 0, failed: 1, skipped: 0 });
    process.exit(1);
  },
);
