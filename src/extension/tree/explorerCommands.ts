// The explorer's commands: adding and removing sources, and the actions on a node (open the
// timeline, validate digests, reveal, copy a path or S3 URI, open a file, show more).
import * as vscode from 'vscode';
import { CatalogNode, digestScope, eventScope, nodePrefixes } from '../../core/sources/layoutTree';
import {
  SourceConfig,
  SourceScopeArgs,
  describeSource,
  parseS3Location,
  s3Uri,
} from '../sources/sourceConfig';
import { SourceEntry, SourceRegistry } from '../sources/sourceRegistry';
import { openSampleSource } from '../sources/sample';
import { localCopyOf } from '../s3/s3Sources';
import { ExplorerElement, ExplorerProvider, MoreElement, NodeElement } from './explorerProvider';
import { COMMANDS } from '../commands';
import { formatBytes } from '../../core/output/bytes';
import { estimateScope } from '../../core/ingest/memoryFit';
import { loadSettings } from '../sources/loadSettings';
import { messageText } from '../messageText';

export function registerExplorerCommands(
  context: vscode.ExtensionContext,
  registry: SourceRegistry,
  provider: ExplorerProvider,
  view: vscode.TreeView<ExplorerElement>,
): void {
  const selected = (el?: ExplorerElement): ExplorerElement | undefined => el ?? view.selection[0];
  const register = (id: string, fn: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  register(COMMANDS.addSource, () => addSource(registry));
  register(COMMANDS.removeSource, (el?: ExplorerElement) => removeSource(registry, selected(el)));
  register(COMMANDS.refreshExplorer, async () => {
    await registry.detectWorkspaceFolders();
    provider.refresh();
  });
  register(COMMANDS.openSample, () => openSampleSource(context, registry, view));
  register(COMMANDS.explorerShowMore, (more: MoreElement) => provider.showMore(more));

  register(COMMANDS.explorerOpenTimeline, async (el?: ExplorerElement) => {
    const args = scopeArgs(selected(el), 'events');
    if (!args)
      return void vscode.window.showInformationMessage(
        'Select a source, trail, account, region, day or log file in the CloudTrail explorer first.',
      );
    if (!(await confirmWholeS3Scope(selected(el)))) return undefined;
    const fit = await confirmFitsInMemory(provider, selected(el));
    if (fit === 'athena')
      return vscode.commands.executeCommand(COMMANDS.explorerQueryInAthena, selected(el));
    if (fit !== 'load') return undefined;
    return vscode.commands.executeCommand(COMMANDS.openTimeline, args);
  });

  register(COMMANDS.explorerValidateDigests, async (el?: ExplorerElement) => {
    const args = scopeArgs(selected(el), 'digests');
    if (!args)
      return void vscode.window.showInformationMessage(
        'There are no digest files under this node to validate.',
      );
    return vscode.commands.executeCommand(COMMANDS.validateDigests, args);
  });

  register(COMMANDS.explorerRevealInOS, (el?: ExplorerElement) => {
    const local = localPathOf(selected(el));
    if (!local)
      return void vscode.window.showInformationMessage(
        'Only items of a local folder can be revealed in the file explorer.',
      );
    return vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(local));
  });

  register(COMMANDS.explorerCopyPath, async (el?: ExplorerElement) => {
    const local = localPathOf(selected(el));
    if (!local) return void vscode.window.showInformationMessage('This item has no local path.');
    await vscode.env.clipboard.writeText(local);
    vscode.window.setStatusBarMessage(`Copied ${local}`, 3000);
  });

  register(COMMANDS.explorerCopyS3Uri, async (el?: ExplorerElement) => {
    const target = selected(el);
    if (
      !target ||
      target.kind === 'more' ||
      target.kind === 'message' ||
      target.entry.config.type !== 's3'
    ) {
      return void vscode.window.showInformationMessage(
        'Only items of an S3 source have an S3 URI.',
      );
    }
    const key =
      target.kind === 'node'
        ? target.node.type === 'file'
          ? target.node.key
          : (eventScope(target.node)?.prefix ?? nodePrefixes(target.node)[0])
        : undefined;
    const uri = s3Uri(target.entry.config, key);
    await vscode.env.clipboard.writeText(uri);
    vscode.window.setStatusBarMessage(`Copied ${uri}`, 3000);
  });

  register(COMMANDS.explorerOpenFile, (el?: ExplorerElement) => {
    const file = fileOf(selected(el));
    if (!file) return;
    return openFile(file);
  });
}

/** The config to hand to other features: folder paths absolute, so no one resolves them again. */
function portableConfig(entry: SourceEntry): SourceConfig {
  return entry.config.type === 'folder' && entry.source
    ? { type: 'folder', path: entry.source.label }
    : entry.config;
}

/** `{ source, prefix | keys, label }` for the node's events or digests; undefined when it has none. */
export function scopeArgs(
  el: ExplorerElement | undefined,
  what: 'events' | 'digests',
): SourceScopeArgs | undefined {
  if (!el || el.kind === 'more' || el.kind === 'message') return undefined;
  if (el.kind === 'source')
    return { source: portableConfig(el.entry), prefix: '', label: el.entry.name };
  const scope = what === 'events' ? eventScope(el.node) : digestScope(el.node);
  if (!scope) return undefined;
  return { source: portableConfig(el.entry), ...scope, label: scopeLabel(el) };
}

/** "trail management › 111111111111 › us-east-1 › 2024-05-14" */
function scopeLabel(el: NodeElement): string {
  const parts: string[] = [];
  for (let at: ExplorerElement | undefined = el; at && at.kind === 'node'; at = at.parent)
    parts.unshift(nodeName(at.node));
  return parts.join(' › ');
}

/**
 * Above a region, an S3 row can span years of logs, all of which would be downloaded: asked
 * first. Regions, days and files load without a question (the cache keeps them for next time).
 */
async function confirmWholeS3Scope(el: ExplorerElement | undefined): Promise<boolean> {
  if (!el || (el.kind !== 'source' && el.kind !== 'node') || el.entry.config.type !== 's3')
    return true;
  if (el.kind === 'node' && !['location', 'organization', 'account'].includes(el.node.type))
    return true;
  const where = el.kind === 'source' ? describeSource(el.entry.config) : nodeName(el.node);
  const choice = await vscode.window.showWarningMessage(
    messageText(
      `Load every log file under ${where} from S3? Each file is downloaded (and cached); a trail or account can hold years of logs. Opening a region or a day loads only that.`,
    ),
    { modal: true },
    'Load All',
  );
  return choice === 'Load All';
}

/**
 * A row whose files were counted and would need more memory than the load's ceiling (an
 * estimate from their stored sizes): asked first, offering Athena; the message says how to
 * narrow the scope. Rows not counted yet load as asked (the ceiling still stops the load).
 */
async function confirmFitsInMemory(
  provider: ExplorerProvider,
  el: ExplorerElement | undefined,
): Promise<'load' | 'athena' | undefined> {
  const summary =
    el?.kind === 'node'
      ? provider.summaryOf(el)
      : el?.kind === 'source'
        ? provider.sourceTotal(el)
        : undefined;
  if (!summary) return 'load';
  const ceiling = loadSettings().limits.maxMemoryBytes;
  const estimate = estimateScope(summary.bytes);
  if (estimate.bytesNeeded <= ceiling) return 'load';
  const row = el as Exclude<ExplorerElement, { kind: 'more' | 'message' }>;
  const where = row.kind === 'source' ? describeSource(row.entry.config) : nodeName(row.node);
  const athena = row.entry.config.type === 's3' ? ['Query in Athena'] : [];
  const choice = await vscode.window.showWarningMessage(
    messageText(
      `${where} holds ${formatBytes(summary.bytes)} of logs, about ${estimate.events.toLocaleString('en-US')} events: indexing them needs about ${formatBytes(estimate.bytesNeeded)}, more than the memory ceiling of ${formatBytes(ceiling)} (cloudtrailLens.load.maxMemoryMB). Open a smaller row (a day, an account or a region)${athena.length ? ', or ask Athena' : ''}. Loaded anyway, loading stops at the ceiling with what was read kept.`,
    ),
    { modal: true },
    'Load Anyway',
    ...athena,
  );
  return choice === 'Load Anyway' ? 'load' : choice === 'Query in Athena' ? 'athena' : undefined;
}

function nodeName(node: CatalogNode): string {
  switch (node.type) {
    case 'location':
      return node.trails.length
        ? node.trails.map((t) => t.name).join(', ')
        : node.root.replace(/\/$/, '');
    case 'organization':
      return node.organizationId;
    case 'account':
      return node.accountId;
    case 'region':
      return node.region;
    case 'day':
      return node.date;
    case 'file':
      return node.key.slice(node.key.lastIndexOf('/') + 1);
    case 'loose':
      return 'Loose files';
    case 'loose-group':
      return [node.accountId, node.region, node.date].filter(Boolean).join(' ');
    case 'problem':
      return node.key;
  }
}

function localPathOf(el: ExplorerElement | undefined): string | undefined {
  if (!el || el.kind === 'more' || el.kind === 'message') return undefined;
  const source = el.entry.source;
  if (!source?.localPath) return undefined;
  if (el.kind === 'source') return source.localPath('');
  if (el.node.type === 'loose' || el.node.type === 'loose-group' || el.node.type === 'problem')
    return source.localPath('');
  // A region or day spans one folder per kind; its log folder is the one people look for.
  const prefix = eventScope(el.node)?.prefix ?? nodePrefixes(el.node)[0] ?? '';
  return source.localPath(prefix.replace(/\/$/, ''));
}

function fileOf(el: ExplorerElement | undefined): NodeElement | undefined {
  return el?.kind === 'node' && el.node.type === 'file' ? el : undefined;
}

async function openFile(el: NodeElement): Promise<unknown> {
  if (el.node.type !== 'file') return;
  let local: string | undefined;
  try {
    // An S3 object is downloaded into the cache first (once per ETag).
    local = el.entry.source ? await localCopyOf(el.entry.source, el.node.key) : undefined;
  } catch (e) {
    return void vscode.window.showErrorMessage(
      messageText(`Cannot open ${el.node.key}: ${(e as Error).message}`),
    );
  }
  if (!local)
    return void vscode.window.showInformationMessage(
      messageText(`Opening files of ${describeSource(el.entry.config)} is not available.`),
    );
  // Shown decompressed and read-only (a .json.gz too).
  return vscode.commands.executeCommand(COMMANDS.openLogFile, vscode.Uri.file(local));
}

async function addSource(registry: SourceRegistry): Promise<void> {
  const kind = await vscode.window.showQuickPick(
    [
      {
        label: '$(folder) Local folder…',
        detail: 'A folder of CloudTrail logs: an AWSLogs/ tree, or .json / .json.gz files',
        value: 'folder' as const,
      },
      {
        label: '$(cloud) S3 bucket…',
        detail: 'A bucket (and prefix) a trail delivers to',
        value: 's3' as const,
      },
    ],
    { title: 'Add a CloudTrail source', placeHolder: 'Where are the logs?' },
  );
  if (!kind) return;
  let config: SourceConfig | undefined;
  if (kind.value === 'folder') {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Add as CloudTrail Source',
    });
    if (!picked?.[0]) return;
    config = { type: 'folder', path: picked[0].fsPath };
  } else {
    config = await askS3Source();
    if (!config) return;
  }
  const added = await registry.add(config);
  if (!added)
    void vscode.window.showInformationMessage(
      messageText(`${describeSource(config)} is already a CloudTrail source.`),
    );
}

async function askS3Source(): Promise<SourceConfig | undefined> {
  const location = await vscode.window.showInputBox({
    title: 'Add an S3 source (1/3)',
    prompt: 'The bucket and optional prefix the trail delivers to',
    placeHolder: 's3://my-trail-bucket/optional/prefix',
    validateInput: (v) =>
      parseS3Location(v)
        ? undefined
        : 'Enter s3://bucket or s3://bucket/prefix (bucket names are lowercase letters, digits, dots and hyphens)',
  });
  const parsed = location ? parseS3Location(location) : undefined;
  if (!parsed) return undefined;
  const profile = await vscode.window.showInputBox({
    title: 'Add an S3 source (2/3)',
    prompt: 'AWS profile (leave empty for the default credentials)',
    placeHolder: 'default',
  });
  if (profile === undefined) return undefined;
  const region = await vscode.window.showInputBox({
    title: 'Add an S3 source (3/3)',
    prompt: "The bucket's region (leave empty to find it out)",
    placeHolder: 'us-east-1',
  });
  if (region === undefined) return undefined;
  return { type: 's3', ...parsed, ...(profile ? { profile } : {}), ...(region ? { region } : {}) };
}

async function removeSource(
  registry: SourceRegistry,
  el: ExplorerElement | undefined,
): Promise<void> {
  let entry = el?.kind === 'source' ? el.entry : undefined;
  if (entry?.origin === 'workspace') {
    return void vscode.window.showInformationMessage(
      messageText(
        `${entry.name} is shown because it is an open workspace folder with CloudTrail data. Remove the folder from the workspace, or turn off cloudtrailLens.explorer.detectWorkspaceFolders.`,
      ),
    );
  }
  if (!entry) {
    const removable = registry.entries.filter((e) => e.origin !== 'workspace');
    if (removable.length === 0)
      return void vscode.window.showInformationMessage(
        'There is no configured CloudTrail source to remove.',
      );
    const picked = await vscode.window.showQuickPick(
      removable.map((e) => ({ label: e.name, description: describeSource(e.config), entry: e })),
      { title: 'Remove a CloudTrail source', placeHolder: 'The logs themselves are not touched' },
    );
    entry = picked?.entry;
  }
  if (entry) await registry.remove(entry);
}
