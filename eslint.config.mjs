// ESLint (typescript-eslint) for src/, test/, bench/ and scripts/. Besides the recommended rules,
// it enforces the layering (ARCHITECTURE.md):
// - src/core and src/cli never import `vscode` (tsconfig.core.json also checks them without the DOM);
// - src/webview never imports Node modules nor uses Node globals (it runs in a browser page);
// - only src/extension imports `vscode`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_MODULES = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'zlib', 'worker_threads', 'stream', 'util', 'events', 'http', 'https', 'net', 'url'];

export default tseslint.config(
  { ignores: ['dist/**', 'media/**', 'node_modules/**', '.vscode-test/**', 'out/**', 'src/core/ingest/assembly/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // The code reads untyped JSON (CloudTrail records, settings) in many places on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Control characters in regular expressions are how hidden characters are found.
      'no-control-regex': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Tests and benchmarks write terse assertions and hostile strings on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      'no-misleading-character-class': 'off',
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/protocol.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core, src/cli and the protocol are pure: only src/extension uses vscode.' }], patterns: [{ group: ['**/extension/**', '**/webview/**'], message: 'core and cli never depend on the extension or the webview.' }] }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } },
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The webview talks to the host through src/protocol.ts only.' }], patterns: [{ group: NODE_MODULES, message: 'The webview runs in a browser page: no Node modules.' }, { group: ['**/extension/**', '**/cli/**'], message: 'The webview depends on the protocol and pure core modules only.' }] }],
      'no-restricted-globals': ['error', ...['process', 'Buffer', 'require', '__dirname', '__filename', 'global', 'setImmediate'].map((name) => ({ name, message: 'The webview runs in a browser page: no Node globals.' }))],
    },
  },
);
