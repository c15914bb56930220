// Readable CloudTrail log documents: a `.json.gz` file opens decompressed and pretty-printed in a
// read-only JSON editor (the `cloudtrail-log:` scheme). The user's file is only ever read.
import * as vscode from 'vscode';
import { LogTextError, renderLogText } from '../../core/records/logText';
import { readRegularUri } from '../regularFiles';
import { COMMANDS } from '../commands';
import { messageText } from '../messageText';

export const LOG_SCHEME = 'cloudtrail-log';
const CUSTOM_EDITOR_VIEW_TYPE = 'cloudtrailLens.gzipLog';
const DEFAULT_MAX_MB = 512;

/** The read-only document URI showing `file` decompressed; the original URI travels in the query. */
export function logDocumentUri(file: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: file.path, query: file.toString() });
}

/** The file a `cloudtrail-log:` document shows. */
export function sourceOfLogDocument(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.parse(uri.query, true);
}

function maxBytes(): number {
  const mb = vscode.workspace
    .getConfiguration('cloudtrailLens')
    .get<number>('documents.maxDecompressedSizeMB', DEFAULT_MAX_MB);
  return Math.max(1, Number.isFinite(mb) ? mb : DEFAULT_MAX_MB) * 1024 * 1024;
}

function displayName(file: vscode.Uri): string {
  return file.scheme === 'file' ? file.fsPath : file.toString(true);
}

class LogDocumentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const file = sourceOfLogDocument(uri);
    const name = displayName(file);
    let bytes: Uint8Array;
    const max = maxBytes();
    try {
      // A compressed file is never larger than what it decompresses to: the same cap applies.
      bytes = await readRegularUri(file, max);
    } catch (e) {
      throw new Error(`Cannot read ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const result = renderLogText(bytes, name, max);
    if (result.warning) void vscode.window.showWarningMessage(messageText(result.warning));
    return result.text;
  }
}

/** Opens a log file (.json.gz or .json) decompressed and pretty-printed, read-only. */
export async function openLogFile(
  file: vscode.Uri,
  options: vscode.TextDocumentShowOptions = {},
): Promise<vscode.TextEditor | undefined> {
  try {
    const doc = await vscode.workspace.openTextDocument(logDocumentUri(file));
    if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
    return await vscode.window.showTextDocument(doc, { preview: true, ...options });
  } catch (e) {
    const message = e instanceof LogTextError || e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(
      messageText(`CloudTrail Lens: could not open ${displayName(file)}: ${message}`),
    );
    return undefined;
  }
}

// Double-clicking a .json.gz in the explorer would show "binary file". This read-only custom
// editor takes that slot and immediately hands over to the readable text document.
class GzipLogRedirectEditor implements vscode.CustomReadonlyEditorProvider {
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(
    document: vscode.CustomDocument,
    panel: vscode.WebviewPanel,
  ): Promise<void> {
    panel.webview.html =
      '<!DOCTYPE html><html><body><p>Opening the decompressed log…</p></body></html>';
    const column = panel.viewColumn;
    const editor = await openLogFile(document.uri, { viewColumn: column, preview: false });
    if (editor) panel.dispose();
    else
      panel.webview.html =
        '<!DOCTYPE html><html><body><p>This file could not be opened as a CloudTrail log; see the error notification.</p></body></html>';
  }
}

export function registerLogDocuments(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, new LogDocumentProvider()),
    vscode.commands.registerCommand(COMMANDS.openLogFile, async (arg?: vscode.Uri) => {
      let file = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!file || file.scheme === LOG_SCHEME) {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          filters: { 'CloudTrail logs': ['gz', 'json', 'jsonl'] },
          title: 'Open CloudTrail Log File',
        });
        file = picked?.[0];
      }
      if (file) await openLogFile(file);
    }),
    vscode.window.registerCustomEditorProvider(
      CUSTOM_EDITOR_VIEW_TYPE,
      new GzipLogRedirectEditor(),
      { supportsMultipleEditorsPerDocument: true },
    ),
  );
}
