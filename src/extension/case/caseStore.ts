// The workspace's case file (core/case/caseFile.ts) in VS Code: where it is (the setting
// cloudtrailLens.caseFile, default .cloudtrail-lens/case.json in the first workspace folder),
// read and watched (a teammate's pulled changes appear without a reload), and changed by applying
// the edit to the case as this window shows it and saving it with core/case/caseSave.ts: the file
// is replaced only while it is still the version this window last read or wrote, else the edit is
// merged with the file as it is now (another window's, a colleague's or a pull's changes are
// kept). A file that cannot be read as a case file is never written: the error names it and
// edits are refused until it is fixed; one deleted since it was read is not recreated unasked.
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
  SavedSearch,
  saveSearch,
} from '../../core/case/caseFile';
import { CaseRead, readCase, saveCase } from '../../core/case/caseSave';
import { ABSENT } from '../../core/case/caseWrite';
import { messageText } from '../messageText';

export class CaseStore implements vscode.Disposable {
  private current: CaseFile = emptyCase();
  /** The file `current` was read from or written to, and its version then (caseVersion). */
  private readFrom: string | undefined;
  private version = ABSENT;
  private problem: string | undefined;
  /** Grows with every change of the case (results computed with annotations keep it). */
  revision = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private watcher: vscode.FileSystemWatcher | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private who: Promise<string> | undefined;
  private writing = Promise.resolve();
  /** Grows with every save: a read that began before one ended is older than it. */
  private saves = 0;
  readonly ready: Promise<void>;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cloudtrailLens.caseFile')) void this.watch();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.who = undefined;
        void this.watch();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => (this.who = undefined)),
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
    const saves = this.saves;
    let next: CaseRead = { case: emptyCase(), version: ABSENT };
    let problem: string | undefined;
    if (file) {
      try {
        next = await readCase(file);
      } catch (e) {
        problem = e instanceof CaseFileError ? e.message : `${file}: ${String(e)}`;
      }
    }
    if (saves !== this.saves) return;
    // The file as this window last read or wrote it (the watcher's echo of its own save).
    if (!problem && !this.problem && file === this.readFrom && next.version === this.version)
      return;
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
    if (!problem) {
      this.current = next.case;
      this.readFrom = file;
      this.version = next.version;
    }
    this.revision++;
    this.changed.fire();
  }

  /**
   * Who is annotating. The workspace's own git configuration names them only once the user
   * trusts the workspace: an evidence folder's is the attacker's to write.
   */
  analyst(): Promise<string> {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri
      .fsPath;
    return (this.who ??= analystName(vscode.workspace.isTrusted ? folder : undefined));
  }

  /**
   * Applies a change to the case as this window shows it (what the analyst saw when asking for
   * it) and saves it, merged with whatever else changed the file since this window read it.
   */
  private update(change: (c: CaseFile, who: string) => CaseFile): Promise<boolean> {
    return this.queue(async () => {
      const file = this.file;
      if (!file) {
        void vscode.window.showWarningMessage(
          'CloudTrail: open a folder to keep a case file in (stars, tags and notes are saved in .cloudtrail-lens/case.json).',
        );
        return false;
      }
      // The setting or the folders changed and the watcher has not read the new file yet.
      if (file !== this.readFrom) await this.reload();
      const base: CaseRead =
        file === this.readFrom
          ? { case: this.current, version: this.version }
          : { case: emptyCase(), version: ABSENT };
      return this.save(file, base, change(base.case, await this.analyst()));
    });
  }

  /** Runs `task` after the saves already asked for (one save of this window at a time). */
  private queue(task: () => Promise<boolean>): Promise<boolean> {
    const run = this.writing.then(task);
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async save(file: string, base: CaseRead, ours: CaseFile): Promise<boolean> {
    const result = await saveCase(file, base, ours);
    if (result.saved) {
      this.saves++;
      this.current = result.read.case;
      this.readFrom = file;
      this.version = result.read.version;
      this.problem = undefined;
      this.revision++;
      this.changed.fire();
      if (result.merged)
        this.log.info(`Case file: ${file} had changed since it was read; the change was merged.`);
      if (result.conflicts.length) {
        for (const c of result.conflicts) this.log.warn(`Case file: ${c}`);
        void vscode.window.showWarningMessage(
          messageText(
            `CloudTrail: the case file ${file} was changed elsewhere at the same time: ${result.conflicts.slice(0, 3).join('; ')}${result.conflicts.length > 3 ? `; and ${result.conflicts.length - 3} more (in the CloudTrail Lens output)` : ''}.`,
          ),
        );
      }
      return true;
    }
    switch (result.reason) {
      case 'unreadable':
        await this.reload();
        void vscode.window
          .showErrorMessage(
            messageText(
              `CloudTrail case file: ${result.problem}. The change was not saved (the file is left as it is).`,
            ),
            'Open File',
          )
          .then((a) => {
            if (a) void vscode.window.showTextDocument(vscode.Uri.file(file));
          });
        return false;
      case 'deleted':
        void vscode.window
          .showWarningMessage(
            messageText(
              `CloudTrail: the case file ${file} was deleted since this window read it. The change was not saved. Recreate the file with the case as this window shows it, the change included, or reload (the window then shows no case)?`,
            ),
            'Recreate File',
            'Reload',
          )
          .then((a) => {
            if (a === 'Recreate File')
              void this.queue(() => this.save(file, { case: base.case, version: ABSENT }, ours));
            else if (a === 'Reload') void this.reload();
          });
        return false;
      case 'unwritable':
        this.log.error(`Case file: ${result.problem}`);
        void vscode.window.showErrorMessage(
          messageText(
            `CloudTrail case file: ${result.problem}. The change was not saved (the file is left as it is).`,
          ),
        );
        return false;
      case 'busy':
        void vscode.window.showErrorMessage(
          messageText(
            `CloudTrail: the case file ${file} kept changing while the change was being saved; it was not saved. Try again.`,
          ),
        );
        return false;
    }
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
