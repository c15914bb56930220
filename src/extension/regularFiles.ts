// Reading a file the user (or a workspace search) points at, in the extension: only regular files,
// never more than `maxBytes`. A FIFO named *.json would block a plain read for ever, and
// /dev/zero never ends (see core/sources/regularFile.ts, which does the work for local files).
import * as vscode from 'vscode';
import { readRegularFile } from '../core/sources/regularFile';

export async function readRegularUri(uri: vscode.Uri, maxBytes: number): Promise<Uint8Array> {
  if (uri.scheme === 'file') return readRegularFile(uri.fsPath, { maxBytes });
  // Other file systems (remote, virtual) say what an entry is; FIFOs and devices are Unknown.
  const st = await vscode.workspace.fs.stat(uri);
  if (!(st.type & vscode.FileType.File))
    throw new Error(
      `${uri.toString(true)} is not a regular file; skipped (only regular files are read)`,
    );
  if (st.size > maxBytes)
    throw new Error(
      `${uri.toString(true)}: ${st.size} bytes is larger than the limit of ${maxBytes} bytes`,
    );
  return vscode.workspace.fs.readFile(uri);
}
