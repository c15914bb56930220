// The extension's side of the persisted index (core/ingest/indexCache.ts): packs kept in the
// extension's global storage, the setting that turns it off, and the command that clears it.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import {
  DEFAULT_INDEX_CACHE_MAX_BYTES,
  clearIndexCache,
  indexCacheSize,
} from '../../core/ingest/indexCache';
import { formatBytes } from '../../core/output/bytes';
import { savesSettled } from './timelineLoader';
import { messageText } from '../messageText';

const SETTING = 'indexCache.maxSizeMB';
const MB = 1024 * 1024;

export interface IndexCacheSettings {
  /** Where packs go; undefined when the cache is off (a size of 0). */
  dir: string | undefined;
  maxBytes: number;
}

/** Registers Clear Index Cache; returns how a timeline finds the cache's folder and size cap. */
export function registerIndexCache(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): () => IndexCacheSettings {
  const dir = vscode.Uri.joinPath(context.globalStorageUri, 'index-cache').fsPath;
  const settings = (): IndexCacheSettings => {
    const mb = vscode.workspace
      .getConfiguration('cloudtrailLens')
      .get<number>(SETTING, DEFAULT_INDEX_CACHE_MAX_BYTES / MB);
    const maxBytes =
      Math.max(0, Number.isFinite(mb) ? mb : DEFAULT_INDEX_CACHE_MAX_BYTES / MB) * MB;
    return { dir: maxBytes > 0 ? dir : undefined, maxBytes };
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.clearIndexCache, async () => {
      const { files, bytes } = indexCacheSize(dir);
      if (files === 0)
        return void vscode.window.showInformationMessage('The index cache is empty.');
      const ok = await vscode.window.showWarningMessage(
        messageText(
          `Remove the saved indexes of ${files.toLocaleString('en-US')} timeline scope(s) (${formatBytes(bytes)})? A timeline then reads its files again when it opens; no log file changes.`,
        ),
        { modal: true },
        'Clear Index Cache',
      );
      if (ok !== 'Clear Index Cache') return;
      // A save under way (a timeline just loaded or closed) would put its files back after.
      await savesSettled();
      const freed = clearIndexCache(dir);
      log.info(
        `Index cache cleared: ${freed.files} file(s) (packs and snapshots), ${freed.bytes} bytes`,
      );
      void vscode.window.showInformationMessage(
        messageText(`Index cache cleared (${formatBytes(freed.bytes)} freed).`),
      );
    }),
  );
  return settings;
}
