// Helpers for tests that run inside the extension host (see ../README.md).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export interface Manifest {
  publisher: string;
  name: string;
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string; title: string; category?: string }[];
    configuration?:
      | { properties?: Record<string, { default?: unknown }> }
      | { properties?: Record<string, { default?: unknown }> }[];
    menus?: Record<string, { command?: string; submenu?: string }[]>;
    views?: Record<string, { id: string; name: string }[]>;
    viewsWelcome?: { view: string }[];
    [key: string]: unknown;
  };
}

/** The extension's id, from the project's package.json (tests run from out/integration/). */
export function extensionId(): string {
  const pkg = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
  ) as Manifest;
  return `${pkg.publisher}.${pkg.name}`;
}

/** The extension under test, as VS Code loaded it. */
export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(extensionId());
  assert.ok(ext, `extension ${extensionId()} is not loaded in this VS Code`);
  return ext;
}

/** The manifest VS Code read for the extension under test. */
export function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}

/**
 * Waits until the extension has activated by itself (through its activation events), without
 * forcing it; returns what activate() returned (the test API, if it exports one).
 */
export async function waitForActivation<T = unknown>(timeoutMs = 30_000): Promise<T> {
  const ext = extension();
  await waitFor(
    () => ext.isActive,
    timeoutMs,
    `the extension did not activate within ${timeoutMs / 1000} s (activationEvents: ${JSON.stringify(manifest().activationEvents)})`,
  );
  return ext.exports as T;
}

/** The folder the tests run on (the generated sample, sample-data/). */
export function sampleFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open: the runner must open sample-data/');
  return folder.uri;
}

export function sampleFile(...parts: string[]): vscode.Uri {
  return vscode.Uri.joinPath(sampleFolder(), ...parts);
}

/**
 * Waits for diagnostics on `uri` that satisfy `accept` (default: at least one), and returns
 * them. Opens the document first, since most diagnostics appear for open documents only.
 */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (d: readonly vscode.Diagnostic[]) => boolean = (d) => d.length > 0,
  timeoutMs = 20_000,
): Promise<readonly vscode.Diagnostic[]> {
  await vscode.workspace.openTextDocument(uri);
  const current = () => vscode.languages.getDiagnostics(uri);
  if (accept(current())) return current();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(
        new Error(
          `no matching diagnostics on ${uri.fsPath} within ${timeoutMs / 1000} s; present: ${JSON.stringify(current().map((d) => d.message))}`,
        ),
      );
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && accept(current())) {
        clearTimeout(timer);
        sub.dispose();
        resolve(current());
      }
    });
  });
}

/** Polls `condition` every 50 ms until it holds; fails with `message` after timeoutMs. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, 50));
  }
}
