// The `cloudtrailLens.openTimeline` command and the open timeline panels. The same scope
// reopens its panel; a filter alone (a code lens) goes to the timeline used last, or opens one
// over the workspace's CloudTrail sources. See openTimelineArgs.ts for the argument.
import * as vscode from 'vscode';
import { registerIndexCache } from './indexCacheRuntime';
import { JobRunner, WorkerPool, defaultThreads } from '../../core/ingest/pool';
import { LogSource } from '../../core/sources/source';
import { openEventHistory, openSource } from '../sources/openSource';
import { EventHistorySource } from '../../core/sources/eventHistory';
import { describeSource, sourceIdentity, SourceConfig } from '../sources/sourceConfig';
import { OpenTimelineArgs, parseOpenTimelineArgs } from './openTimelineArgs';
import { TimelinePanel, TimelineScope } from './timelinePanel';
import type { TimeRange } from '../../protocol';
import type { CaseStore } from '../case/caseStore';
import { COMMANDS } from '../commands';
import { messageText } from '../messageText';

const TITLE = 'CloudTrail Timeline';

/** The sources the workspace knows (the explorer's registry), for a timeline opened without one. */
export interface WorkspaceSources {
  entries(): { name: string; source?: LogSource; unavailable?: string }[];
  ready?: Promise<void>;
}

export interface TimelineRegistration {
  /** Open panels, most recently active last. */
  readonly panels: readonly TimelinePanel[];
  /**
   * The timeline the user focused last (what "the active timeline" means for a command run from
   * the palette): the last panel VS Code made active. Not any panel whose `active` flag is set:
   * with timelines in two editor groups, more than one panel may still say it is active.
   */
  activePanel(): TimelinePanel | undefined;
  /** Fires when a panel's index loaded more files, finished loading, or closed. */
  readonly onDidChangeIndexedFiles: vscode.Event<void>;
  /** Opens a timeline over a scope made elsewhere (a remote query's answer). */
  openScope(
    scope: TimelineScope,
    initial?: { filter: string; range: TimeRange | null } | null,
  ): TimelinePanel;
}

export function registerTimeline(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  workspace: WorkspaceSources,
  caseStore?: CaseStore,
): TimelineRegistration {
  const panels: TimelinePanel[] = [];
  const indexedFilesChanged = new vscode.EventEmitter<void>();
  context.subscriptions.push(indexedFilesChanged);
  let pool: JobRunner | undefined;
  const runner = () => (pool ??= new WorkerPool(Math.max(1, Math.min(4, defaultThreads()))));
  context.subscriptions.push({ dispose: () => void pool?.close() });
  context.subscriptions.push({ dispose: () => panels.slice().forEach((p) => p.dispose()) });
  const deps = {
    extensionUri: context.extensionUri,
    log,
    runner,
    indexCache: registerIndexCache(context, log),
    caseStore,
    // What every open timeline reads: an export or report from one never replaces another's.
    readInputs: () => panels.flatMap((p) => p.readInputs),
  };

  const workspaceBase = () =>
    vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;

  function scopeOfSource(config: SourceConfig, args: OpenTimelineArgs): TimelineScope | string {
    // Event history looks events up for the filter and range the timeline opens with.
    const opened =
      config.type === 'event-history'
        ? { source: openEventHistory(config, { filter: args.filter, range: args.range }) }
        : openSource(config, workspaceBase());
    if (!opened.source) return opened.unavailable;
    const where =
      args.label ??
      (args.keys?.length === 1
        ? args.keys[0].split('/').pop()!
        : args.keys
          ? `${args.keys.length} files in ${describeSource(config)}`
          : `${describeSource(config)}${args.prefix ? `/${args.prefix}` : ''}`);
    const lookedUp = opened.source instanceof EventHistorySource ? opened.source : undefined;
    return {
      key: JSON.stringify([
        sourceIdentity(config, workspaceBase()),
        args.prefix ?? '',
        args.keys ?? null,
        lookedUp ? lookedUp.label : null,
      ]),
      // Event history's title names its lookup: the timeline holds only what it returned.
      title: `${TITLE}: ${args.label ?? (lookedUp ? lookedUp.label : where)}`,
      ...(lookedUp ? { holds: lookedUp.holds } : {}),
      targets: [{ source: opened.source, prefix: args.prefix, keys: args.keys }],
      args: {
        source: config,
        ...(args.prefix !== undefined ? { prefix: args.prefix } : {}),
        ...(args.keys ? { keys: args.keys } : {}),
        ...(args.label ? { label: args.label } : {}),
      },
    };
  }

  async function workspaceScope(): Promise<TimelineScope | string> {
    await workspace.ready;
    // An S3 source is loaded from one of its explorer rows (a day, a region), never whole: a
    // bucket can hold years of logs, and every file would be downloaded.
    const all = workspace.entries().filter((e) => e.source);
    const entries = all.filter((e) => e.source!.type !== 's3');
    if (!entries.length && all.length)
      return 'The sources are S3 buckets: open the timeline from a day or region of one in the CloudTrail explorer, so only those files are downloaded.';
    if (!entries.length)
      return 'No CloudTrail logs found: open a folder that holds AWSLogs/… or CloudTrail JSON files, or add a source in the CloudTrail explorer.';
    return {
      key: JSON.stringify(['workspace', ...entries.map((e) => e.source!.label)]),
      title: entries.length === 1 ? `${TITLE}: ${entries[0].name}` : TITLE,
      targets: entries.map((e) => ({ source: e.source! })),
    };
  }

  function activePanel(): TimelinePanel | undefined {
    return panels[panels.length - 1];
  }

  function track(panel: TimelinePanel): void {
    panels.push(panel);
    panel.onDidChangeFiles(() => indexedFilesChanged.fire());
    void panel.loaded.then(() => indexedFilesChanged.fire());
    panel.panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.active) return;
      const i = panels.indexOf(panel);
      if (i >= 0) panels.push(...panels.splice(i, 1));
    });
    panel.onDidDispose(() => {
      const i = panels.indexOf(panel);
      if (i >= 0) panels.splice(i, 1);
      indexedFilesChanged.fire();
    });
  }

  async function open(arg: unknown): Promise<TimelinePanel | undefined> {
    const parsed = parseOpenTimelineArgs(arg);
    if (!parsed.ok) {
      void vscode.window.showErrorMessage(
        messageText(`CloudTrail: Open Timeline: ${parsed.message}.`),
      );
      return undefined;
    }
    const args = parsed.args;
    const initial =
      args.filter !== undefined || args.range
        ? { filter: args.filter ?? '', range: args.range ?? null }
        : null;
    if (!args.source && !args.workspace && initial && panels.length) {
      const last = activePanel()!;
      last.reveal();
      last.showFilter(initial.filter, initial.range);
      return last;
    }
    const scope = args.source ? scopeOfSource(args.source, args) : await workspaceScope();
    if (typeof scope === 'string') {
      void vscode.window.showInformationMessage(messageText(`CloudTrail: ${scope}`));
      return undefined;
    }
    const existing = panels.find((p) => p.scope.key === scope.key);
    if (existing) {
      existing.reveal();
      if (initial) existing.showFilter(initial.filter, initial.range);
      return existing;
    }
    const panel = new TimelinePanel(deps, scope, initial);
    track(panel);
    return panel;
  }

  function openScope(
    scope: TimelineScope,
    initial: { filter: string; range: TimeRange | null } | null = null,
  ): TimelinePanel {
    panels.find((p) => p.scope.key === scope.key)?.dispose();
    const panel = new TimelinePanel(deps, scope, initial);
    track(panel);
    return panel;
  }

  context.subscriptions.push(vscode.commands.registerCommand(COMMANDS.openTimeline, open));
  return {
    panels,
    activePanel,
    onDidChangeIndexedFiles: indexedFilesChanged.event,
    openScope,
  };
}
