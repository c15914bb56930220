// Bundles the extension, the CLI, the ingest worker and the webview with esbuild.
// Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // jsonc-parser's "main" is a UMD build whose require('./impl/…') calls esbuild cannot follow;
  // its ES module build bundles cleanly.
  mainFields: ['module', 'main'],
  // The yaml package's Node build reads process.env.LOG_TOKENS (a debugging switch) for every
  // token, a quarter of its parse time (BENCHMARKS.md, Lint); its browser build is the same code
  // without that read, and runs in Node as it is.
  alias: { yaml: './node_modules/yaml/browser/index.js' },
};

/** Every bundle the project ships. An entry whose source does not exist yet is skipped. */
const bundles = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/core/ingest/ingestWorker.ts'],
    outfile: 'dist/ingestWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'media/timeline.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
].filter((b) => existsSync(join(root, b.entryPoints[0])));

/**
 * WebAssembly the bundles load at run time, copied beside them: web-tree-sitter's runtime and the
 * Terraform grammar the lint engine parses .tf files with (src/core/lint/formats/hcl.ts).
 */
const require = createRequire(import.meta.url);
const wasmFiles = [
  'web-tree-sitter/tree-sitter.wasm',
  '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
];
mkdirSync(join(root, 'dist'), { recursive: true });
for (const f of wasmFiles) copyFileSync(require.resolve(f), join(root, 'dist', f.split('/').pop()));

if (watch) {
  for (const b of bundles) (await esbuild.context(b)).watch();
  console.log(`watching ${bundles.length} bundles`);
} else {
  const started = Date.now();
  await Promise.all(bundles.map((b) => esbuild.build(b)));
  console.log(`built ${bundles.map((b) => b.outfile).join(', ')} in ${Date.now() - started} ms`);
}
