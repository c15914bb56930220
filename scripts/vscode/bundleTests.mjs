// Bundles the extension-host tests (test/integration/*.test.ts and the entry index.ts) into
// out/integration/ as CommonJS: `vscode` comes from the host, mocha from node_modules.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../setup.mjs';

export const integrationOut = join(root, 'out', 'integration');
export const integrationEntry = join(integrationOut, 'index.js');

export async function bundleIntegrationTests() {
  const dir = join(root, 'test', 'integration');
  const entries = readdirSync(dir)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
  rmSync(integrationOut, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: integrationOut,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // DuckDB (the loopback SQL server's engine) is a native module: loaded from node_modules if used.
    external: ['vscode', 'mocha', '@duckdb/node-api'],
    logLevel: 'warning',
    // As in scripts/build.mjs: jsonc-parser's UMD "main" cannot be bundled, its ES module build can.
    mainFields: ['module', 'main'],
  });
  return integrationEntry;
}
