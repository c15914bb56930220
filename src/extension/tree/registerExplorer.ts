// The CloudTrail explorer: the sources registry, the tree view and its commands.
import * as vscode from 'vscode';
import { SourceRegistry } from '../sources/sourceRegistry';
import { registerExplorerCommands } from './explorerCommands';
import {
  EXPLORER_VIEW_ID,
  EventCountSource,
  ExplorerElement,
  ExplorerProvider,
} from './explorerProvider';

export interface Explorer {
  registry: SourceRegistry;
  provider: ExplorerProvider;
  view: vscode.TreeView<ExplorerElement>;
  /** Resolves once workspace folders have been searched for CloudTrail data. */
  ready: Promise<void>;
}

export function registerExplorer(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  eventCounts?: EventCountSource,
): Explorer {
  const registry = new SourceRegistry(log);
  const provider = new ExplorerProvider(registry, log, eventCounts);
  const view = vscode.window.createTreeView(EXPLORER_VIEW_ID, {
    treeDataProvider: provider,
    showCollapseAll: true,
    canSelectMany: false,
  });
  context.subscriptions.push(registry, provider, view);
  registerExplorerCommands(context, registry, provider, view);
  const ready = registry.detectWorkspaceFolders();
  return { registry, provider, view, ready };
}
