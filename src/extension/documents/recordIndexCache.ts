// One structural record index per open document version, shared by lenses, hovers and the
// record actions, so a 50 MB log is scanned once per edit, not once per feature.
import * as vscode from 'vscode';
import { indexRecords, type RecordIndex } from '../../core/records/recordIndex';

// Cheap pre-check so ordinary JSON files (package.json, tsconfig.json) are never scanned.
const CLOUDTRAIL_HINT = /"(eventVersion|eventSource|CloudTrailEvent)"\s*:/;

export class RecordIndexCache implements vscode.Disposable {
  private readonly entries = new Map<string, { version: number; index: RecordIndex }>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidCloseTextDocument((doc) =>
      this.entries.delete(doc.uri.toString()),
    );
  }

  /** The index of the document's current version (computed on first use). */
  get(document: vscode.TextDocument): RecordIndex {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === document.version) return cached.index;
    const text = document.getText();
    const index: RecordIndex = CLOUDTRAIL_HINT.test(text)
      ? indexRecords(text)
      : { shape: 'none', records: [] };
    this.entries.set(key, { version: document.version, index });
    return index;
  }

  dispose(): void {
    this.subscription.dispose();
    this.entries.clear();
  }
}
