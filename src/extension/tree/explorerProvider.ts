// The CloudTrail explorer's data provider: sources → catalog levels, one level per expansion.
// File counts and sizes arrive in the background (one cancellable scan per location fills in
// every node below it); very long levels (a day with 100,000 files) are shown a page at a time.
import * as vscode from 'vscode';
import {
  CatalogNode,
  CloudTrailCatalog,
  FileNode,
  looseFileNodes,
} from '../../core/sources/layoutTree';
import { Summary, SummaryCache, summarizeFiles } from '../../core/sources/layoutSummary';
import { SourceError } from '../../core/sources/source';
import { DEFAULT_LOOKBACK_HOURS, describeSource } from '../sources/sourceConfig';
import { SourceEntry, SourceRegistry } from '../sources/sourceRegistry';
import type { Level } from '../../core/detect/levels';
import {
  Presentation,
  describeCounts,
  escapeMarkdown,
  formatCount,
  presentMessage,
  presentNode,
} from './presentation';
import { COMMANDS } from '../commands';
import { CONTEXT_TOKENS, sourceContextValue } from './contextValues';

export const EXPLORER_VIEW_ID = 'cloudtrailLens.explorer';
export const PAGE_SIZE = 1000;

export type ExplorerElement = SourceElement | NodeElement | MoreElement | MessageElement;

export interface SourceElement {
  kind: 'source';
  id: string;
  entry: SourceEntry;
}

export interface NodeElement {
  kind: 'node';
  id: string;
  entry: SourceEntry;
  node: CatalogNode;
  parent: ExplorerElement;
}

/** "Show more" at the end of a long level. */
export interface MoreElement {
  kind: 'more';
  id: string;
  parent: ExplorerElement;
  shown: number;
  total: number;
}

export interface MessageElement {
  kind: 'message';
  id: string;
  parent?: ExplorerElement;
  text: string;
  detail: string;
  icon: string;
}

/** Event counts from the index, for files and scopes that have been loaded. */
export interface EventCountSource {
  readonly onDidChange: vscode.Event<void>;
  /** Events of the node once all its event files are indexed; undefined until then. */
  eventsFor(
    entry: SourceEntry,
    node: CatalogNode,
    summary: Summary | undefined,
  ): number | undefined;
  /** Events of the node with detection hits, by highest level, once counted like its events and the rules have run. */
  hitsFor?(
    entry: SourceEntry,
    node: CatalogNode,
    summary: Summary | undefined,
  ): Record<Level, number> | undefined;
}

export class ExplorerProvider
  implements vscode.TreeDataProvider<ExplorerElement>, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<ExplorerElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly catalogs = new Map<string, CloudTrailCatalog>();
  /** Every child of a listed element (before paging), so paging and refreshes don't list again. */
  private readonly listed = new Map<string, ExplorerElement[]>();
  private readonly pages = new Map<string, number>();
  private readonly summaries = new SummaryCache();
  private readonly scanning = new Set<string>();
  private readonly scanQueue: NodeElement[] = [];
  private scansRunning = 0;
  private abort = new AbortController();
  private roots: SourceElement[] | undefined;
  private eventsTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly registry: SourceRegistry,
    private readonly log: vscode.LogOutputChannel,
    private eventCounts?: EventCountSource,
  ) {
    this.disposables.push(
      this.changed,
      registry.onDidChange(() => this.refresh()),
    );
    if (eventCounts) this.setEventCounts(eventCounts);
  }

  /** Shows event counts from an index (the timeline's) as files get loaded. */
  setEventCounts(eventCounts: EventCountSource): void {
    this.eventCounts = eventCounts;
    // An index reports every batch it loads; the rows are redrawn at most twice a second.
    this.disposables.push(
      eventCounts.onDidChange(() => {
        this.eventsTimer ??= setTimeout(() => {
          this.eventsTimer = undefined;
          this.changed.fire(undefined);
        }, 500);
      }),
    );
  }

  /** Forgets every listing and figure and lists again. */
  refresh(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.roots = undefined;
    this.catalogs.clear();
    this.listed.clear();
    this.pages.clear();
    this.summaries.clear();
    this.scanning.clear();
    this.scanQueue.length = 0;
    this.changed.fire(undefined);
  }

  async getChildren(element?: ExplorerElement): Promise<ExplorerElement[]> {
    // The same element objects until a refresh: VS Code resolves later updates by identity.
    if (!element)
      return (this.roots ??= this.registry.entries.map((entry): SourceElement => ({
        kind: 'source',
        id: `S|${entry.id}`,
        entry,
      })));
    if (element.kind === 'more' || element.kind === 'message') return [];
    let all = this.listed.get(element.id);
    if (!all) {
      all = await this.list(element);
      this.listed.set(element.id, all);
    }
    const shown = this.pages.get(element.id) ?? PAGE_SIZE;
    if (all.length <= shown) return all;
    const more: MoreElement = {
      kind: 'more',
      id: `${element.id}|more`,
      parent: element,
      shown,
      total: all.length,
    };
    return [...all.slice(0, shown), more];
  }

  getParent(element: ExplorerElement): ExplorerElement | undefined {
    return element.kind === 'source' ? undefined : element.parent;
  }

  /** Shows the next page of a long level. */
  showMore(more: MoreElement): void {
    this.pages.set(more.parent.id, more.shown + PAGE_SIZE);
    this.changed.fire(more.parent);
  }

  getTreeItem(element: ExplorerElement): vscode.TreeItem {
    switch (element.kind) {
      case 'source':
        return this.sourceItem(element);
      case 'node':
        return this.nodeItem(element);
      case 'more': {
        const item = new vscode.TreeItem(
          `Show ${formatCount(Math.min(PAGE_SIZE, element.total - element.shown), 'more file')}…`,
        );
        item.id = element.id;
        item.description = `${element.shown.toLocaleString('en-US')} of ${element.total.toLocaleString('en-US')} shown`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = {
          command: COMMANDS.explorerShowMore,
          title: 'Show More',
          arguments: [element],
        };
        item.contextValue = CONTEXT_TOKENS.more;
        return item;
      }
      case 'message': {
        const shown = presentMessage(element.text, element.detail);
        const item = new vscode.TreeItem(shown.label);
        item.id = element.id;
        item.tooltip = new vscode.MarkdownString(shown.tooltip);
        item.iconPath = new vscode.ThemeIcon(element.icon);
        item.contextValue = CONTEXT_TOKENS.message;
        return item;
      }
    }
  }

  /** The catalog of a source (one per source, kept until refresh). */
  catalogFor(entry: SourceEntry): CloudTrailCatalog | undefined {
    if (!entry.source) return undefined;
    let catalog = this.catalogs.get(entry.id);
    // Each S3 listing is a request: name trails from fewer accounts there.
    if (!catalog)
      this.catalogs.set(
        entry.id,
        (catalog = new CloudTrailCatalog(
          entry.source,
          entry.config.type === 's3' ? { maxTrailAccounts: 3 } : {},
        )),
      );
    return catalog;
  }

  summaryOf(element: NodeElement): Summary | undefined {
    return this.summaries.get(element.node.id);
  }

  dispose(): void {
    this.abort.abort();
    if (this.eventsTimer) clearTimeout(this.eventsTimer);
    for (const d of this.disposables) d.dispose();
  }

  private async list(element: SourceElement | NodeElement): Promise<ExplorerElement[]> {
    const entry = element.entry;
    if (entry.unavailable) {
      return [
        {
          kind: 'message',
          id: `${element.id}|unavailable`,
          parent: element,
          text: 'Cannot open this source',
          detail: entry.unavailable,
          icon: 'info',
        },
      ];
    }
    if (entry.config.type === 'event-history') {
      // Looking events up takes requests (2 a second per region): only a timeline does it.
      const detail = `${describeSource(entry.config)}: 90 days of management events, looked up when a timeline opens (the last ${entry.config.lookbackHours ?? DEFAULT_LOOKBACK_HOURS} hours, or the timeline's range; the filter's narrowest exact term goes to the API).`;
      return [
        {
          kind: 'message',
          id: `${element.id}|history`,
          parent: element,
          text: 'Open the timeline to look up events',
          detail,
          icon: 'history',
        },
      ];
    }
    const catalog = this.catalogFor(entry)!;
    const signal = this.abort.signal;
    try {
      const nodes = await vscode.window.withProgress(
        { location: { viewId: EXPLORER_VIEW_ID } },
        () =>
          element.kind === 'source'
            ? catalog.roots(signal)
            : catalog.children(element.node, signal),
      );
      if (element.kind === 'node' && element.node.type === 'day') {
        // The listing is the exact figure for the day, whatever a scan said before.
        this.summaries.set(
          element.node.id,
          summarizeFiles(nodes.filter((n): n is FileNode => n.type === 'file')),
        );
        setTimeout(() => this.changed.fire(element), 0);
      }
      if (element.kind === 'source' && nodes.length === 0) {
        return [
          {
            kind: 'message',
            id: `${element.id}|empty`,
            parent: element,
            text: 'No CloudTrail logs found',
            detail: `Looked in ${entry.source!.label} for AWSLogs/ folders and .json, .json.gz or .jsonl files (up to 6 folders deep).`,
            icon: 'info',
          },
        ];
      }
      for (const node of nodes) {
        // Loose files are listed with their sizes already: their figures need no scan.
        if (node.type === 'loose' || node.type === 'loose-group')
          this.summaries.set(node.id, summarizeFiles(looseFileNodes(node.files)));
      }
      // The source row sums its children's figures; VS Code drew it before they were listed.
      if (element.kind === 'source') setTimeout(() => this.changed.fire(element), 0);
      return nodes.map((node): NodeElement => ({
        kind: 'node',
        id: `${element.id}|${node.id}`,
        entry,
        node,
        parent: element,
      }));
    } catch (e) {
      if (e instanceof SourceError && e.code === 'cancelled') return [];
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`Listing ${entry.source!.label}: ${message}`);
      return [
        {
          kind: 'message',
          id: `${element.id}|error`,
          parent: element,
          text: message,
          detail: `Could not list ${describeSource(entry.config)}: ${message}`,
          icon: 'error',
        },
      ];
    }
  }

  private sourceItem(element: SourceElement): vscode.TreeItem {
    const { entry } = element;
    const item = new vscode.TreeItem(entry.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = element.id;
    const origin =
      entry.origin === 'workspace'
        ? 'workspace folder'
        : entry.origin === 'sample'
          ? 'sample data'
          : undefined;
    const total = this.sourceTotal(element);
    item.description =
      [origin, entry.unavailable ? 'not available yet' : describeCounts(total)]
        .filter(Boolean)
        .join(' · ') || undefined;
    const lines = [
      `**${escapeMarkdown(entry.name)}**`,
      escapeMarkdown(describeSource(entry.config)),
    ];
    if (origin)
      lines.push(
        escapeMarkdown(
          entry.origin === 'workspace'
            ? 'Found automatically: this workspace folder holds CloudTrail data.'
            : 'Shown for this session only.',
        ),
      );
    if (entry.unavailable) lines.push(presentMessage('', entry.unavailable).tooltip);
    item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    item.iconPath = new vscode.ThemeIcon(
      entry.config.type === 's3'
        ? 'cloud'
        : entry.config.type === 'event-history'
          ? 'history'
          : 'root-folder',
    );
    // Validate Digests Here is offered while the files are uncounted, and once counted only if some are digests.
    item.contextValue = sourceContextValue(
      entry.config.type,
      entry.origin !== 'workspace',
      !total || (total.byKind.digest ?? 0) > 0,
    );
    return item;
  }

  /** A source's figures once every location below it has been counted. */
  sourceTotal(element: SourceElement): Summary | undefined {
    const children = this.listed.get(element.id);
    if (!children) return undefined;
    const total: Summary = { files: 0, bytes: 0, byKind: {} };
    for (const child of children) {
      if (child.kind !== 'node' || child.node.type === 'problem') continue;
      const s = this.summaries.get(child.node.id);
      if (!s) return undefined;
      total.files += s.files;
      total.bytes += s.bytes;
      for (const [kind, n] of Object.entries(s.byKind) as [keyof Summary['byKind'], number][])
        total.byKind[kind] = (total.byKind[kind] ?? 0) + n;
    }
    return total;
  }

  private nodeItem(element: NodeElement): vscode.TreeItem {
    const { node, entry } = element;
    const summary = node.type === 'file' ? undefined : this.summaries.get(node.id);
    const counted = countsInBackground(element);
    if (!summary && counted) this.queueScan(element);
    const p: Presentation = presentNode(node, {
      sourceLabel: entry.source?.label ?? describeSource(entry.config),
      // An S3 source may have cached copies, but nothing to reveal or copy a path of.
      local: entry.config.type === 'folder',
      s3: entry.config.type === 's3',
      summary,
      countsOnExpand: !counted,
      events: this.eventCounts?.eventsFor(
        entry,
        node,
        summary ?? (node.type === 'file' ? undefined : this.summaries.get(node.id)),
      ),
      hits: this.eventCounts?.hitsFor?.(
        entry,
        node,
        summary ?? (node.type === 'file' ? undefined : this.summaries.get(node.id)),
      ),
    });
    const item = new vscode.TreeItem(
      p.label,
      p.collapsible
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = element.id;
    item.description = p.description;
    const tip = new vscode.MarkdownString(p.tooltip);
    tip.isTrusted = false;
    tip.supportHtml = false;
    item.tooltip = tip;
    item.iconPath = new vscode.ThemeIcon(
      p.icon,
      p.iconColor ? new vscode.ThemeColor(p.iconColor) : undefined,
    );
    item.contextValue = p.contextTokens.join(' ');
    if (node.type === 'file') {
      item.command = {
        command: COMMANDS.explorerOpenFile,
        title: 'Open Log File',
        arguments: [element],
      };
      const local = entry.source?.localPath?.(node.key);
      if (local) item.resourceUri = vscode.Uri.file(local);
    }
    return item;
  }

  /** Counts files below a node in the background, one scan at a time, then updates its row. */
  private queueScan(element: NodeElement): void {
    if (this.scanning.has(element.node.id)) return;
    this.scanning.add(element.node.id);
    this.scanQueue.push(element);
    void this.drainScans();
  }

  private async drainScans(): Promise<void> {
    if (this.scansRunning > 0) return;
    this.scansRunning++;
    try {
      for (let next = this.scanQueue.shift(); next; next = this.scanQueue.shift()) {
        const element = next;
        const signal = this.abort.signal;
        // An earlier scan of an ancestor may already have counted this node.
        if (this.summaries.get(element.node.id)) {
          this.changed.fire(element);
          continue;
        }
        const catalog = this.catalogFor(element.entry);
        if (!catalog) continue;
        try {
          await this.summaries.scan(catalog.source, element.node, signal);
        } catch (e) {
          if (signal.aborted) return;
          this.log.warn(
            `Counting files under ${element.node.id.slice(2)} in ${catalog.source.label}: ${e instanceof Error ? e.message : String(e)}`,
          );
          continue;
        }
        if (signal.aborted) return;
        this.changed.fire(element);
        // The source row sums its locations.
        if (element.parent.kind === 'source') this.changed.fire(element.parent);
      }
    } finally {
      this.scansRunning--;
    }
  }
}

/**
 * Which rows count their files in the background. On S3 every 1,000 keys is a request, so only
 * regions and days (bounded, and what people open) are counted there; the rest on expanding.
 */
function countsInBackground(element: NodeElement): boolean {
  const { node } = element;
  // Loose files and their groups have their figures from the listing already.
  if (
    node.type === 'file' ||
    node.type === 'problem' ||
    node.type === 'loose' ||
    node.type === 'loose-group'
  )
    return false;
  if (element.entry.config.type !== 's3') return true;
  return node.type === 'region' || node.type === 'day';
}
