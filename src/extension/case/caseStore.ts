// The workspace's case file (core/case/caseFile.ts) in VS Code: where it is (the setting
// cloudtrailLens.caseFile, default .cloudtrail-lens/case.json in the first workspace folder),
// read and watched (a teammate's pulled changes appear without a reload), and changed by
// re-reading the file, applying the edit and writing it back whole (core/case/caseWrite.ts). A
// file that cannot be read as a case file is never written: the error names it and edits are
// refused until it is fixed.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analystName } from '../../core/case/analyst';
import {
  AnnotationEdit,
  applyEdit,
  CaseFile,
  CaseFileError,
  DEFAULT_CASE_FILE,
  deleteSearch,
  emptyCase,
  EventRef,
  parseCase,
  SavedSearch,
  saveSearch,
  serializeCase,
} from '../../core/case/caseFile';
import { writeCaseFile } from '../../core/case/caseWrite';
import { messageText } from '../messageText';

export class CaseStore implements vscode.Disposable {
  private current: CaseFile = emptyCase();
  private problem: string | undefined;
  /** Grows with every change of the case (results computed with annotations keep it). */
  revision = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private watcher: vscode.FileSystemWatcher | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private who: Promise<string> | undefined;
  private writing = Promise.resolve();
  /** The text this store last wrote: the watcher's echo of its own write is not a change. */
  private lastWritten: string | undefined;
  readonly ready: Promise<void>;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cloudtrailLens.caseFile')) void this.watch();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.watch()),
    );
    this.ready = this.watch();
  }

  /** The case file's path, or undefined without a workspace folder (nothing to keep it in). */
  get file(): string | undefined {
    const setting = vscode.workspace
      .getConfiguration('cloudtrailLens')
      .get<string>('caseFile', '')
      ?.trim();
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri
      .fsPath;
    if (setting && path.isAbsolute(setting)) return setting;
    if (!folder) return undefined;
    return path.join(folder, setting || DEFAULT_CASE_FILE);
  }

  get case(): CaseFile {
    return this.current;
  }

  /** Why the case file could not be read (then it is left alone), or undefined. */
  get error(): string | undefined {
    return this.problem;
  }

  private async watch(): Promise<void> {
    this.watcher?.dispose();
    const file = this.file;
    if (file) {
      this.watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
      );
      const reload = () => void this.reload();
      this.watcher.onDidChange(reload);
      this.watcher.onDidCreate(reload);
      this.watcher.onDidDelete(reload);
    }
    await this.reload();
  }

  /** Reads the file again (the watcher calls this on every change on disk). */
  async reload(): Promise<void> {
    const file = this.file;
    let next = emptyCase();
    let problem: string | undefined;
    let text: string | undefined;
    if (file) {
      try {
        text = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString(
          'utf8',
        );
        next = parseCase(text, file);
      } catch (e) {
        if (e instanceof CaseFileError) problem = e.message;
        else if (!(e instanceof vscode.FileSystemError && e.code === 'FileNotFound'))
          problem = `${file}: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    if (text !== undefined && text === this.lastWritten && !problem) return;
    const wasProblem = this.problem;
    this.problem = problem;
    if (problem && problem !== wasProblem) {
      this.log.error(`Case file: ${problem}`);
      void vscode.window
        .showErrorMessage(
          messageText(
            `CloudTrail case file: ${problem}. Stars, tags and notes are not saved until it is fixed.`,
          ),
          'Open File',
        )
        .then((a) => {
          if (a && file) void vscode.window.showTextDocument(vscode.Uri.file(file));
        });
    }
    if (!problem) this.current = next;
    this.revision++;
    this.changed.fire();
  }

  private analyst(): Promise<string> {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri
      .fsPath;
    return (this.who ??= analystName(folder));
  }

  /** Applies a change to the file as it is on disk now (a teammate's pulled edits are kept). */
  private update(change: (c: CaseFile, who: string) => CaseFile): Promise<boolean> {
    const run = this.writing.then(async () => {
      const file = this.file;
      if (!file) {
        void vscode.window.showWarningMessage(
          'CloudTrail: open a folder to keep a case file in (stars, tags and notes are saved in .cloudtrail-lens/case.json).',
        );
        return false;
      }
      await this.reload();
      if (this.problem) {
        void vscode.window.showErrorMessage(
          messageText(
            `CloudTrail case file: ${this.problem}. The change was not saved (the file is left as it is).`,
          ),
        );
        return false;
      }
      const next = change(this.current, await this.analyst());
      const text = serializeCase(next);
      await writeCaseFile(file, text);
      this.lastWritten = text;
      this.current = parseCase(text, file);
      this.revision++;
      this.changed.fire();
      return true;
    });
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  annotate(events: readonly EventRef[], edit: AnnotationEdit): Promise<boolean> {
    return this.update((c, who) => applyEdit(c, events, edit, who));
  }

  saveSearch(search: Omit<SavedSearch, 'by' | 'at'>): Promise<boolean> {
    return this.update((c, who) => saveSearch(c, search, who));
  }

  deleteSearch(name: string): Promise<boolean> {
    return this.update((c) => deleteSearch(c, name));
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
