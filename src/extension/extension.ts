// Activation: wires each feature of the extension to VS Code. Features live in their own
// modules under src/extension/ and adapt src/core; this file only registers them.
import * as vscode from 'vscode';
import { registerRecordFeatures } from './lenses/registerRecordFeatures';
import { registerExplorer } from './tree/registerExplorer';
import { registerDigestCommands } from './digest/registerDigestCommands';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('CloudTrail Lens', { log: true });
  context.subscriptions.push(output);
  output.info('CloudTrail Lens activated');
  registerRecordFeatures(context);
  registerExplorer(context, output);
  registerDigestCommands(context);
}

export function deactivate(): void {
  // Every resource is owned by context.subscriptions.
}
