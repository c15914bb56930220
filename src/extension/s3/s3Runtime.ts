// The extension's side of S3: the on-disk cache in the extension's global storage (size cap from
// the settings), the command that clears it, and downloading part of a bucket into a folder
// (with the digests' signatures file, for offline validation).
import * as vscode from 'vscode';
import { nodePrefixes } from '../../core/sources/layoutTree';
import { S3Source } from '../../core/sources/s3';
import { S3ObjectCache } from '../../core/sources/s3Cache';
import { downloadToFolder } from '../../core/sources/s3Download';
import { disposeS3Sources, setS3Cache } from './s3Sources';
import type { ExplorerElement } from '../tree/explorerProvider';
import { COMMANDS } from '../commands';
import { formatBytes } from '../../core/output/bytes';
import { messageText } from '../messageText';

const CACHE_SETTING = 's3.cacheSizeMB';
const DEFAULT_CACHE_MB = 2048;
const MB = 1024 * 1024;

function cacheBytes(): number {
  const mb = vscode.workspace
    .getConfiguration('cloudtrailLens')
    .get<number>(CACHE_SETTING, DEFAULT_CACHE_MB);
  return Math.max(0, Number.isFinite(mb) ? mb : DEFAULT_CACHE_MB) * MB;
}

export function registerS3(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const c = new S3ObjectCache(
    vscode.Uri.joinPath(context.globalStorageUri, 's3-cache').fsPath,
    cacheBytes(),
  );
  setS3Cache(c);
  void c.load().catch((e) => log.warn(`S3 cache: ${(e as Error).message}`));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`cloudtrailLens.${CACHE_SETTING}`)) c.maxBytes = cacheBytes();
    }),
    vscode.commands.registerCommand(COMMANDS.clearS3Cache, async () => {
      const { objects, bytes } = await c.stats();
      if (objects === 0) return void vscode.window.showInformationMessage('The S3 cache is empty.');
      const ok = await vscode.window.showWarningMessage(
        messageText(
          `Remove ${objects.toLocaleString('en-US')} cached S3 object(s) (${formatBytes(bytes)})? They are downloaded again when needed; nothing in S3 changes.`,
        ),
        { modal: true },
        'Clear Cache',
      );
      if (ok !== 'Clear Cache') return;
      const freed = await c.clear();
      log.info(`S3 cache cleared: ${freed.objects} object(s), ${freed.bytes} bytes`);
      void vscode.window.showInformationMessage(
        messageText(`S3 cache cleared (${formatBytes(freed.bytes)} freed).`),
      );
    }),
    vscode.commands.registerCommand(COMMANDS.explorerDownloadFromS3, (el?: ExplorerElement) =>
      downloadCommand(el, log),
    ),
    { dispose: disposeS3Sources },
  );
}

async function downloadCommand(
  el: ExplorerElement | undefined,
  log: vscode.LogOutputChannel,
): Promise<void> {
  if (
    !el ||
    (el.kind !== 'node' && el.kind !== 'source') ||
    el.entry.config.type !== 's3' ||
    !(el.entry.source instanceof S3Source)
  ) {
    return void vscode.window.showInformationMessage(
      'Select an item of an S3 source in the CloudTrail explorer to download it.',
    );
  }
  const source = el.entry.source;
  const prefixes =
    el.kind === 'source' ? [source.prefix] : el.node.type === 'file' ? [] : nodePrefixes(el.node);
  const objects =
    el.kind === 'node' && el.node.type === 'file'
      ? [{ kind: 'object' as const, key: el.node.key, size: el.node.size }]
      : undefined;
  if (!objects && prefixes.length === 0)
    return void vscode.window.showInformationMessage('Nothing to download under this item.');
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Download Here',
    title: `Download from ${source.label} (the folder mirrors the bucket root)`,
  });
  if (!picked?.[0]) return;
  const folder = picked[0].fsPath;
  const concurrency = vscode.workspace
    .getConfiguration('cloudtrailLens')
    .get<number>('s3.concurrency', 8);
  const totals = {
    written: 0,
    unchanged: 0,
    conflicts: [] as string[],
    failed: [] as { key: string; message: string }[],
    signatures: 0,
    bytes: 0,
    cancelled: false,
    signaturesFile: undefined as string | undefined,
  };
  try {
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Downloading from ${source.label}`,
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const scopes = objects ? [{ objects }] : prefixes.map((prefix) => ({ prefix }));
        for (const scope of scopes) {
          if (abort.signal.aborted) break;
          let last = 0;
          const r = await downloadToFolder(source, scope, folder, {
            concurrency,
            signal: abort.signal,
            onProgress: (p) => {
              const pct = p.objectsTotal ? (100 * p.objectsDone) / p.objectsTotal : 0;
              progress.report({
                message: messageText(
                  `${p.objectsDone}/${p.objectsTotal} objects, ${formatBytes(p.bytes)}`,
                ),
                increment: (pct - last) / scopes.length,
              });
              last = pct;
            },
          });
          totals.written += r.written.length;
          totals.unchanged += r.unchanged.length;
          totals.conflicts.push(...r.conflicts);
          totals.failed.push(...r.failed);
          totals.signatures += r.signatures;
          totals.bytes += r.bytes;
          totals.cancelled ||= r.cancelled;
          totals.signaturesFile ??= r.signaturesFile;
        }
      },
    );
  } catch (e) {
    return void vscode.window.showErrorMessage(
      messageText(
        `Download from ${source.label} failed: ${e instanceof Error ? e.message : String(e)}`,
      ),
    );
  }
  for (const f of totals.failed) log.warn(`Download: ${f.message}`);
  for (const k of totals.conflicts)
    log.warn(
      `Download: kept the existing ${k} in ${folder} (it differs from s3://${source.bucket}/${k})`,
    );
  const parts = [
    `${totals.written} file(s) written`,
    totals.unchanged && `${totals.unchanged} already there`,
    totals.conflicts.length && `${totals.conflicts.length} kept (they differ; see the output)`,
    totals.failed.length && `${totals.failed.length} failed (see the output)`,
    totals.signatures && `${totals.signatures} digest signature(s) saved for offline validation`,
  ].filter(Boolean);
  const action = await vscode.window.showInformationMessage(
    messageText(
      `${totals.cancelled ? 'Download cancelled' : 'Downloaded'} into ${folder}: ${parts.join(', ')}.`,
    ),
    'Reveal Folder',
  );
  if (action === 'Reveal Folder')
    void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder));
}
