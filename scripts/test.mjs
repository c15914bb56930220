// Runs every test suite (or the ones named: unit, integration, e2e), then prints one closing
// line with the totals of all suites: "tests: N passed, N failed, N skipped".
// Each suite's runner writes its totals as JSON to $CTL_STATS_FILE.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');

const suites = {
  unit: [
    'node',
    [
      mocha,
      '--require',
      'tsx/cjs',
      '--reporter',
      join(root, 'test/support/countingReporter.cjs'),
      '--timeout',
      '60000',
      'test/unit/**/*.test.ts',
    ],
  ],
  integration: ['node', ['scripts/vscode/run-integration.mjs']],
  e2e: ['node', ['scripts/vscode/run-e2e.mjs']],
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(suites);
for (const name of wanted) {
  if (!suites[name]) {
    console.error(`unknown suite "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}

function run(cmd, args, env = {}) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
}

const build = run('node', ['scripts/build.mjs']);
if (build.status !== 0) {
  console.error('build failed');
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];
const statsDir = mkdtempSync(join(tmpdir(), 'ctl-stats-'));
// The CLI's persisted index goes to a folder of this run, not the user's cache.
process.env.CLOUDTRAIL_LENS_CACHE_DIR ??= join(statsDir, 'index-cache');
for (const name of wanted) {
  const [cmd, args] = suites[name];
  const script = args.find((a) => a.startsWith('scripts/'));
  if (script && !existsSync(join(root, script))) {
    console.log(`\n== ${name}: no runner (${script}) yet, skipped`);
    continue;
  }
  console.log(`\n== ${name} tests`);
  const statsFile = join(statsDir, `${name}.json`);
  const result = run(cmd, args, { CTL_STATS_FILE: statsFile });
  let stats;
  try {
    stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  } catch {
    stats = undefined;
  }
  if (!stats) {
    problems.push(
      `${name}: the suite ended (exit ${result.status ?? result.signal}) without reporting results`,
    );
    totals.failed += 1;
    continue;
  }
  totals.passed += stats.passed;
  totals.failed += stats.failed;
  totals.skipped += stats.skipped ?? 0;
  if (result.status !== 0 && stats.failed === 0) {
    problems.push(`${name}: exit ${result.status} although no test failed`);
    totals.failed += 1;
  }
  console.log(
    `== ${name}: ${stats.passed} passed, ${stats.failed} failed${stats.skipped ? `, ${stats.skipped} skipped` : ''}`,
  );
}
rmSync(statsDir, { recursive: true, force: true });

for (const p of problems) console.error(p);
console.log(
  `\ntests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(totals.failed > 0 ? 1 : 0);
