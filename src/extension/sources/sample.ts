// "Open Sample": shows the project's sample CloudTrail folder in the explorer for this session
// (nothing is written to settings). In a development checkout that is sample-data/, made by
// scripts/make-sample.ts.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SourceRegistry } from './sourceRegistry';

export function sampleFolderOf(extensionPath: string): string | undefined {
  const dir = join(extensionPath, 'sample-data');
  try {
    return existsSync(dir) && readdirSync(dir).length > 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

export async function openSampleSource(context: vscode.ExtensionContext, registry: SourceRegistry, view: vscode.TreeView<unknown>): Promise<void> {
  const folder = sampleFolderOf(context.extensionPath);
  if (!folder) {
    void vscode.window.showInformationMessage(
      'The sample CloudTrail data is not part of this installation. In a checkout of CloudTrail Lens, `npm start` generates it into sample-data/.',
    );
    return;
  }
  registry.showSessionFolder(folder, 'CloudTrail sample');
  if (!view.visible) await vscode.commands.executeCommand('cloudtrailLens.explorer.focus');
}
