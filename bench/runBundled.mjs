// Runs a benchmark as the extension runs: bundled by esbuild, with the bundled ingest worker
// (dist/ingestWorker.js) beside it, so worker threads start from plain JavaScript instead of
// compiling TypeScript through tsx on start-up (which would be counted in "time to first rows").
// Usage: node scripts/build.mjs && node bench/runBundled.mjs bench/timeline.ts [args…]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bench/runBundled.mjs bench/<name>.ts [args…]');
  process.exit(2);
}
const outDir = join(root, 'bench', 'results', 'bundled');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, basename(entry).replace(/\.ts$/, '.js'));
await esbuild.build({
  entryPoints: [join(root, entry)],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  outfile,
  external: ['playwright-core'],
  logLevel: 'warning',
  define: { 'process.env.CTL_BENCH_ROOT': JSON.stringify(root) },
});
copyFileSync(join(root, 'dist', 'ingestWorker.js'), join(outDir, 'ingestWorker.js'));
const r = spawnSync(process.execPath, [outfile, ...args], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
