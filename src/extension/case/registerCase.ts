// The case in VS Code: the Case view in the CloudTrail container (tags with counts, saved
// searches, annotations of events not loaded), star / tag / note from the timeline's row context
// menu, saving and reopening searches, and the evidence report (core/case/report.ts) of a
// timeline's annotated events or current result, with the detections the configured rules find.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { tagCounts } from '../../core/case/caseFile';
import { custodyOf } from '../../core/case/custody';
import {
  annotatedRows,
  buildReport,
  detectionsFor,
  reportHtml,
  reportMarkdown,
  timesketchJsonl,
} from '../../core/case/report';
import {
  loadPublicKeyFiles,
  loadSignaturesFile,
  SIGNATURES_FILE_NAME,
  ValidationReport,
  validateSource,
} from '../../core/digest';
import { writeFileAtomically } from '../../core/output/atomicFile';
import { overwrittenInput, ReadInput } from '../../core/output/outputTarget';
import { formatTerm } from '../../core/query/format';
import { ANNOTATE_ACTIONS, AnnotateAction } from '../../protocol';
import { resolvePath } from '../digest/registerDigestCommands';
import { loadConfiguredRules } from '../detect/registerDetections';
import { overwriteRefusal } from '../timeline/exportTarget';
import { TimelineRegistration } from '../timeline/registerTimeline';
import { COMMANDS } from '../commands';
import type { TimelinePanel } from '../timeline/timelinePanel';
import { CaseStore } from './caseStore';
import { messageText } from '../messageText';
import { usersSources } from '../sources/sourceConfig';
import { savedSearchOpening, savedSearchScope } from './savedSearchOpening';
import { SOURCES_SETTING } from '../sources/sourceRegistry';

export const CASE_VIEW = 'cloudtrailLens.case';

const ROW_COMMANDS: Record<AnnotateAction, string> = {
  star: COMMANDS.timelineStar,
  tag: COMMANDS.timelineTag,
  untag: COMMANDS.timelineUntag,
  note: COMMANDS.timelineNote,
};

type CaseNode =
  | { kind: 'group'; id: 'tags' | 'searches' | 'notLoaded'; label: string; count: number }
  | { kind: 'tag'; tag: string; count: number; starred?: true }
  | { kind: 'search'; name: string; filter: string; detail: string }
  | { kind: 'notLoaded'; label: string; detail: string }
  | { kind: 'problem'; message: string };

class CaseTree implements vscode.TreeDataProvider<CaseNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly store: CaseStore,
    private readonly timeline: TimelineRegistration,
  ) {
    store.onDidChange(() => this.changed.fire());
    timeline.onDidChangeIndexedFiles(() => this.changed.fire());
  }

  private notLoaded() {
    const panel = this.timeline.activePanel();
    return panel ? panel.timelineData.annotations().notLoaded : undefined;
  }

  getChildren(node?: CaseNode): CaseNode[] {
    const c = this.store.case;
    if (!node) {
      if (this.store.error) return [{ kind: 'problem', message: this.store.error }];
      if (c.annotations.length === 0 && c.searches.length === 0) return [];
      const out: CaseNode[] = [
        { kind: 'group', id: 'tags', label: 'Tags', count: tagCounts(c).length },
        { kind: 'group', id: 'searches', label: 'Saved searches', count: c.searches.length },
      ];
      const notLoaded = this.notLoaded();
      if (notLoaded?.length)
        out.push({ kind: 'group', id: 'notLoaded', label: 'Not loaded', count: notLoaded.length });
      return out;
    }
    if (node.kind !== 'group') return [];
    if (node.id === 'tags') {
      const starred = c.annotations.filter((a) => a.starred).length;
      return [
        ...(starred
          ? [{ kind: 'tag' as const, tag: '★ starred', count: starred, starred: true as const }]
          : []),
        ...tagCounts(c).map((t) => ({ kind: 'tag' as const, tag: t.tag, count: t.count })),
      ];
    }
    if (node.id === 'searches')
      return [...c.searches]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((s) => ({
          kind: 'search',
          name: s.name,
          filter: s.filter,
          detail: `${s.filter || '(all events)'}${s.range ? ` · ${new Date(s.range.from).toISOString()} → ${new Date(s.range.to).toISOString()}` : ''} · ${s.by}`,
        }));
    return (this.notLoaded() ?? []).map((a) => ({
      kind: 'notLoaded',
      label: `${a.eventTime || '(no time)'} ${a.eventID}`,
      detail: `${a.key}${a.tags.length ? ` · ${a.tags.join(' ')}` : ''}${a.note ? ` · ${a.note}` : ''}`,
    }));
  }

  getTreeItem(node: CaseNode): vscode.TreeItem {
    switch (node.kind) {
      case 'problem': {
        const item = new vscode.TreeItem('Case file cannot be read');
        item.description = node.message;
        item.tooltip = `${node.message}\nIt is left as it is; stars, tags and notes are not saved until it is fixed.`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.command = { command: COMMANDS.caseOpenFile, title: 'Open Case File' };
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.description = String(node.count);
        item.iconPath = new vscode.ThemeIcon(
          node.id === 'tags' ? 'tag' : node.id === 'searches' ? 'search' : 'warning',
        );
        if (node.id === 'notLoaded')
          item.tooltip =
            'Annotations in the case file whose events are not in the timeline opened last (kept, never dropped).';
        return item;
      }
      case 'tag': {
        const item = new vscode.TreeItem(node.tag);
        item.description = `${node.count}`;
        // The star's node by its flag: a tag may itself start with '★' (tag:★exfil).
        item.iconPath = new vscode.ThemeIcon(node.starred ? 'star-full' : 'tag');
        const filter = node.starred ? 'starred:true' : formatTerm('tag', node.tag);
        item.tooltip = `Show the events: ${filter}`;
        item.command = {
          command: COMMANDS.openTimeline,
          title: 'Show in Timeline',
          arguments: [{ filter }],
        };
        return item;
      }
      case 'search': {
        const item = new vscode.TreeItem(node.name);
        item.description = node.filter;
        item.tooltip = node.detail;
        item.iconPath = new vscode.ThemeIcon('search');
        item.contextValue = 'cloudtrailLens.savedSearch';
        item.command = {
          command: COMMANDS.caseOpenSearch,
          title: 'Open Saved Search',
          arguments: [node.name],
        };
        return item;
      }
      case 'notLoaded': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.detail;
        item.tooltip = `Not in the loaded scope: ${node.detail}`;
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        return item;
      }
    }
  }
}

/** The webview context of a row's context menu: the row and the selected rows. */
function idsOf(arg: unknown): number[] {
  const a = (arg ?? {}) as { rowId?: unknown; selectedIds?: unknown };
  const row = typeof a.rowId === 'number' && Number.isSafeInteger(a.rowId) ? a.rowId : undefined;
  const selected = Array.isArray(a.selectedIds)
    ? a.selectedIds.filter(
        (v): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
      )
    : [];
  if (row === undefined) return selected;
  return selected.includes(row) ? selected : [row];
}

export function registerCase(
  context: vscode.ExtensionContext,
  store: CaseStore,
  timeline: TimelineRegistration,
  log: vscode.LogOutputChannel,
): void {
  const tree = new CaseTree(store, timeline);
  const active = (): TimelinePanel | undefined => timeline.activePanel();
  const needPanel = (): TimelinePanel | undefined => {
    const p = active();
    if (!p) void vscode.window.showInformationMessage('CloudTrail: open a timeline first.');
    return p;
  };
  for (const action of ANNOTATE_ACTIONS) {
    context.subscriptions.push(
      vscode.commands.registerCommand(ROW_COMMANDS[action], async (arg?: unknown) => {
        // The panel whose row was right-clicked (ids are rows of its own index), else the active one.
        const token = (arg as { timelinePanel?: unknown } | undefined)?.timelinePanel;
        const panel =
          typeof token === 'string' && token
            ? timeline.panels.find((p) => p.contextToken === token)
            : needPanel();
        if ((arg as { selectionPending?: unknown } | undefined)?.selectionPending === true) {
          // A Shift-click's run whose rows the page is still fetching: acting now would leave
          // some of the highlighted events out.
          void vscode.window.showInformationMessage(
            'CloudTrail: the selected rows are still loading; try again in a moment.',
          );
          return;
        }
        const ids = idsOf(arg);
        if (panel && ids.length) await panel.annotate(ids, action as AnnotateAction);
      }),
    );
  }
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider(CASE_VIEW, tree),
    vscode.commands.registerCommand(COMMANDS.caseOpenFile, async () => {
      const file = store.file;
      if (!file) return;
      if (!existsSync(file)) {
        void vscode.window.showInformationMessage(
          messageText(
            `CloudTrail: there is no case file yet (${file}); star or tag an event in the timeline to start one.`,
          ),
        );
        return;
      }
      await vscode.window.showTextDocument(vscode.Uri.file(file));
    }),
    // `given` (a keybinding's or a test's argument): the name, instead of asking for it.
    vscode.commands.registerCommand(COMMANDS.caseSaveSearch, async (given?: unknown) => {
      const panel = needPanel();
      if (!panel) return;
      const q = panel.currentQuery;
      const name =
        typeof given === 'string' && given.trim()
          ? given
          : await vscode.window.showInputBox({
              title: 'Save Search',
              prompt: messageText(
                `Name for "${q.filter || '(all events)'}"${q.range ? ' in its time range' : ''} over ${panel.scope.title}`,
              ),
              validateInput: (v) => (v.trim() ? undefined : 'Type a name'),
            });
      if (!name) return;
      await store.saveSearch({
        name: name.trim(),
        filter: q.filter,
        ...(q.range ? { range: q.range } : {}),
        ...(panel.scope.args ? { scope: savedSearchScope(panel.scope.args) } : {}),
      });
    }),
    vscode.commands.registerCommand(COMMANDS.caseOpenSearch, async (name?: unknown) => {
      const search = store.case.searches.find((s) => s.name === name);
      if (!search) return;
      const opening = savedSearchOpening(
        search,
        usersSources(
          vscode.workspace.getConfiguration('cloudtrailLens').inspect(SOURCES_SETTING),
          vscode.workspace.isTrusted,
        ),
        vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      );
      if (opening.ask) {
        const open = await vscode.window.showWarningMessage(
          messageText(opening.ask),
          { modal: true },
          'Open',
        );
        if (open !== 'Open') return;
      }
      return vscode.commands.executeCommand(COMMANDS.openTimeline, opening.open);
    }),
    vscode.commands.registerCommand(
      COMMANDS.caseDeleteSearch,
      async (node?: { name?: unknown }) => {
        if (typeof node?.name === 'string') await store.deleteSearch(node.name);
      },
    ),
    vscode.commands.registerCommand(
      COMMANDS.caseExportReport,
      (arg?: { format?: unknown; cover?: unknown; target?: unknown }) =>
        exportReport(
          store,
          needPanel(),
          log,
          () => timeline.panels.flatMap((p) => p.readInputs),
          arg,
        ),
    ),
  );
}

type ReportFormat = 'html' | 'md' | 'timesketch';

/**
 * The evidence report of a timeline: its annotated events or its current result. The chain of
 * custody uses digest validation of the timeline's sources when public keys are configured
 * (cloudtrailLens.publicKeys); without them each file is hashed and marked not verified.
 * `arg` (for tests and keybindings) may fix the format, what it covers and the target file.
 */
async function exportReport(
  store: CaseStore,
  panel: TimelinePanel | undefined,
  log: vscode.LogOutputChannel,
  /** What every open timeline reads: never the report's target. */
  readInputs: () => ReadInput[],
  arg?: { format?: unknown; cover?: unknown; target?: unknown },
): Promise<string | undefined> {
  if (!panel) return undefined;
  const formats: Record<ReportFormat, { label: string; ext: string; filter: string }> = {
    html: { label: 'HTML (one self-contained file)', ext: 'html', filter: 'HTML' },
    md: { label: 'Markdown', ext: 'md', filter: 'Markdown' },
    timesketch: { label: 'Timesketch JSONL', ext: 'jsonl', filter: 'JSON Lines' },
  };
  const format = (
    typeof arg?.format === 'string' && arg.format in formats
      ? arg.format
      : (
          await vscode.window.showQuickPick(
            Object.entries(formats).map(([id, f]) => ({ label: f.label, id: id as ReportFormat })),
            // The report is asked for in three steps (format, events, file): a step stays open
            // when focus moves (the timeline refreshing beside it) instead of ending the export.
            { title: 'Evidence report format', ignoreFocusOut: true },
          )
        )?.id
  ) as ReportFormat | undefined;
  if (!format) return undefined;
  const data = panel.timelineData;
  const resolved = data.annotations();
  const cover =
    arg?.cover === 'annotated' || arg?.cover === 'result'
      ? arg.cover
      : (
          await vscode.window.showQuickPick(
            [
              {
                label: `The starred, tagged or noted events (${resolved.byRow.size})`,
                id: 'annotated' as const,
              },
              {
                label: `The current result (${panel.currentQuery.filter || 'all events'})`,
                id: 'result' as const,
              },
            ],
            { title: 'Events in the evidence report', ignoreFocusOut: true },
          )
        )?.id;
  if (!cover) return undefined;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target =
    typeof arg?.target === 'string'
      ? vscode.Uri.file(arg.target)
      : await vscode.window.showSaveDialog({
          title: 'Save the evidence report',
          defaultUri: base
            ? vscode.Uri.joinPath(base, `evidence-report.${formats[format].ext}`)
            : undefined,
          filters: { [formats[format].filter]: [formats[format].ext] },
        });
  if (!target) return undefined;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(
      'CloudTrail: the evidence report is written to local files only; pick a file on this machine.',
    );
    return undefined;
  }
  const overwritten = overwrittenInput(target.fsPath, readInputs());
  if (overwritten) {
    void vscode.window.showErrorMessage(messageText(overwriteRefusal(target.fsPath, overwritten)));
    return undefined;
  }
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'CloudTrail: evidence report',
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      try {
        const q = panel.currentQuery;
        const result = cover === 'result' ? await data.query(q.filter, q.range, 'asc') : undefined;
        const rows: number[] = result ? data.ids(result, 0, result.size) : annotatedRows(resolved);
        if (format === 'timesketch') {
          // Streamed to the file: a large result is never one string.
          await writeFileAtomically(
            target.fsPath,
            timesketchJsonl(data.index, resolved, rows, abort.signal),
          );
        } else {
          progress.report({ message: 'validating digests and hashing log files…' });
          const reports = await validateTargets(panel, abort.signal, log);
          const custody = await custodyOf(data.index, rows, reports, abort.signal);
          progress.report({ message: 'running the detection rules…' });
          // The built-in pack and the folders of cloudtrailLens.detections.ruleFolders (what Check Detection Rules lists).
          const ruleSet = await loadConfiguredRules();
          const detections = await detectionsFor(
            data.index,
            { rules: ruleSet.rules, notRun: ruleSet.problems.length },
            abort.signal,
          );
          const model = await buildReport(
            {
              index: data.index,
              resolved,
              rows,
              custody,
              caseFile: store.file ?? '(none)',
              scope: panel.scope.targets.map(
                (t) => `${t.source.label}${t.prefix ? `/${t.prefix}` : ''}`,
              ),
              selection:
                cover === 'annotated'
                  ? 'the starred, tagged or noted events of the case'
                  : `the events matching ${q.filter || '(everything)'}`,
              generatedBy: await store.analyst(),
              detections,
            },
            abort.signal,
          );
          await writeFileAtomically(target.fsPath, [
            format === 'html' ? reportHtml(model) : reportMarkdown(model),
          ]);
        }
        void vscode.window
          .showInformationMessage(
            messageText(
              `CloudTrail: evidence report of ${rows.length} event(s) saved to ${target.fsPath}`,
            ),
            'Open',
          )
          .then((a) => {
            if (a) void vscode.commands.executeCommand('vscode.open', target);
          });
        return target.fsPath;
      } catch (e) {
        if (abort.signal.aborted) return undefined;
        void vscode.window.showErrorMessage(
          messageText(
            `CloudTrail: the evidence report failed: ${e instanceof Error ? e.message : String(e)}`,
          ),
        );
        return undefined;
      }
    },
  );
}

/** Digest validation of the timeline's sources with the configured public keys; undefined when none are configured. */
async function validateTargets(
  panel: TimelinePanel,
  signal: AbortSignal,
  log: vscode.LogOutputChannel,
): Promise<ValidationReport[] | undefined> {
  const config = vscode.workspace.getConfiguration('cloudtrailLens');
  const keyFiles = (config.get<string[]>('publicKeys') ?? [])
    .map(resolvePath)
    .filter((f): f is string => !!f && existsSync(f));
  if (!keyFiles.length) return undefined;
  const publicKeys = await loadPublicKeyFiles(keyFiles);
  const reports: ValidationReport[] = [];
  for (const source of new Set(panel.scope.targets.map((t) => t.source))) {
    const local = source.type === 'folder' ? source.localPath?.('') : undefined;
    const sigSetting = config.get<string>('digestSignaturesFile');
    const sigFile = sigSetting
      ? resolvePath(sigSetting)
      : local
        ? path.join(local, SIGNATURES_FILE_NAME)
        : undefined;
    try {
      const signatures =
        sigFile && (sigSetting || existsSync(sigFile))
          ? await loadSignaturesFile(sigFile)
          : undefined;
      reports.push(await validateSource(source, { publicKeys, signatures, signal }));
    } catch (e) {
      if (signal.aborted) throw e;
      log.warn(
        `Evidence report: digest validation of ${source.label} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  return reports;
}
