// One "CloudTrail Timeline" webview panel: owns the index of its scope (loaded in the
// background, first rows shown while files are still being read), answers the view through a
// TimelineSession and performs the editor actions (open raw, copy, export). The webview is not
// kept alive when hidden: it saves its own state and asks again when shown.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EventIndex, IndexedFile } from '../../core/index/eventIndex';
import type { Origin } from '../../core/origin/resolve';
import type { EventIdSet } from '../../core/sql/remote';
import type { JobRunner } from '../../core/ingest/pool';
import { AnnotateAction, LoadProgress, TimeRange } from '../../protocol';
import { defaultExportFolder, overwriteRefusal } from './exportTarget';
import { overwrittenInput, ReadInput } from '../../core/output/outputTarget';
import { writeExport } from './exportWriter';
import { readPageAssets, timelineHtml } from './html';
import { IndexTimelineData } from './indexAdapter';
import {
  fileNoteViews,
  LoadOutcome,
  loadScope,
  saveUnderway,
  ScopeCache,
  ScopeTarget,
} from './timelineLoader';
import { ResultSet } from './timelineData';
import { TimelineSession } from './timelineSession';
import { loadSettings, RAISE_BUDGET_SETTINGS } from '../sources/loadSettings';
import type { CaseStore } from '../case/caseStore';
import { annotateEvents } from '../case/annotateCommands';
import { onTimeZoneChange, openTimeZoneSetting, timeZoneSetting } from '../timeZone';
import { loadConfiguredRules } from '../detect/registerDetections';
import { problemLine } from '../../core/detect/ruleSet';
import { levelCountsText } from '../../core/detect/results';
import type { Level } from '../../core/detect/levels';
import type { SigmaRule } from '../../core/detect/rule';
import { messageText } from '../messageText';

export const TIMELINE_VIEW_TYPE = 'cloudtrailLens.timeline';
/**
 * How long progress waits before going to the view once a load has run `elapsedMs`: 150 ms at
 * first, growing to a second after about 7 s. The view re-queries and repaints on each update, a
 * query over every event loaded so far and a repaint of rows, histogram and facets: at a million
 * events, one every 150 ms kept the browser's renderer and GPU processes busy for 7 CPU seconds,
 * taken from the load on a small machine.
 */
export function progressInterval(elapsedMs: number): number {
  return Math.min(1000, 150 + elapsedMs / 8);
}
/**
 * Once the first events are in, the load waits for the view to show them, at most this long.
 * The webview's start (VS Code's part, then the page's) otherwise competes with the load for
 * the cores, and on a small machine the first rows came a second or more later.
 */
const FIRST_SCREEN_HOLD_MS = 2000;
/**
 * When the index is saved to the cache after a load (LoadOutcome.persist): once the view has been
 * quiet this long (no query, no scrolling), so that saving (0.3–0.5 s of the host's thread at a
 * million events) neither holds up the loaded timeline nor a filter typed just after; at the
 * latest PERSIST_LATEST_MS after the load; and when the panel closes sooner.
 */
const PERSIST_QUIET_MS = 2000;
const PERSIST_LATEST_MS = 30_000;
/**
 * Once the save has begun, a message from the view pauses its steps until the view has been
 * quiet this long: a filter and the facets after it are answered without a step of the save
 * (up to about 20 ms each) before each of them.
 */
const PERSIST_PAUSE_MS = 300;

export interface TimelineScope {
  /** Identifies the scope: the same scope opens the same panel. */
  key: string;
  title: string;
  targets: ScopeTarget[];
  /** Limit the timeline to these events (an Athena query's matches in whole downloaded files). */
  only?: EventIdSet;
  /** What the timeline holds when it is less than its sources (an Event history lookup): said under every result. */
  holds?: string;
  /** The open-timeline argument that reopens this scope (a saved search keeps it); absent: the workspace's sources. */
  args?: Record<string, unknown>;
}

export interface PanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  runner: () => JobRunner;
  /** The workspace's case file: annotations shown and made in the timeline. */
  caseStore?: CaseStore;
  /** Where the persisted index goes (the folder is unset when it is turned off). */
  indexCache: () => ScopeCache;
  /** What every open timeline reads (their readInputs): never the target of an export. */
  readInputs?: () => ReadInput[];
}

export class TimelinePanel implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  /** Names this panel in its page's context menu arguments (timelineHtml). */
  readonly contextToken = randomUUID();
  private readonly session: TimelineSession;
  private readonly data: IndexTimelineData;
  private readonly loading = new AbortController();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private readonly filesChanged = new vscode.EventEmitter<void>();
  /** Fires as the index loads more files (at most every progress interval) and when loading ends. */
  readonly onDidChangeFiles = this.filesChanged.event;
  /** Resolves when loading ends (finished, cancelled or failed). */
  readonly loaded: Promise<void>;
  /**
   * Starts the index cache's save if it has not begun (schedulePersist); `viewActive`: what a
   * message from the view does to the save (puts it off, or pauses its steps).
   */
  private startPersisting: (() => void) | undefined;
  private viewActive: (() => void) | undefined;
  private closed = false;
  /** How the last load went (set when it ends without failing): progress, and what came from the index cache. */
  lastLoad?: LoadOutcome;
  /** Settles when the view has shown its first events (or the hold ran out, or loading stopped). */
  private readonly firstScreen: Promise<void>;
  private firstScreenShown = false;
  private firstScreenTimer?: ReturnType<typeof setTimeout>;
  private releaseFirstScreen!: () => void;

  constructor(
    private readonly deps: PanelDeps,
    readonly scope: TimelineScope,
    initial: { filter: string; range: TimeRange | null } | null,
  ) {
    this.panel = vscode.window.createWebviewPanel(
      TIMELINE_VIEW_TYPE,
      scope.title,
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        // The page loads nothing: its script and stylesheet are written into it (html.ts).
        localResourceRoots: [],
        retainContextWhenHidden: false,
        enableFindWidget: true,
      },
    );
    const webview = this.panel.webview;
    webview.html = timelineHtml(
      readPageAssets(vscode.Uri.joinPath(deps.extensionUri, 'media').fsPath),
      scope.title,
      undefined,
      this.contextToken,
    );
    this.data = new IndexTimelineData(
      new EventIndex({ runner: deps.runner(), maxUncompressedBytes: loadSettings().maxFileBytes }),
      scope.only,
      deps.caseStore,
      scope.holds ? [scope.holds] : [],
    );
    this.session = new TimelineSession(
      this.data,
      (e) => void webview.postMessage(e),
      {
        openRaw: (id) => this.openRaw(id),
        copyJson: (id) => this.copyJson(id),
        export: (format, result) => this.export(format, result),
        cancelLoad: () => this.loading.abort(),
        openTimeZoneSetting: () => void openTimeZoneSetting(),
        shown: () => this.releaseFirstScreen(),
        invalidMessage: (raw) =>
          deps.log.warn(
            `Timeline: ignored a malformed message from the view: ${JSON.stringify(raw)?.slice(0, 200)}`,
          ),
        annotate: (ids, action) => this.annotate(ids, action),
      },
      scope.title,
      initial,
    );
    if (deps.caseStore)
      this.disposables.push(deps.caseStore.onDidChange(() => this.session.refresh()));
    this.session.setTimeZone(timeZoneSetting());
    this.disposables.push(
      webview.onDidReceiveMessage((m) => {
        this.viewActive?.();
        void this.session.receive(m);
      }),
      onTimeZoneChange((zone) => this.session.setTimeZone(zone)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cloudtrailLens.detections.ruleFolders'))
          void this.loaded.then(() => this.runDetections(this.loadRules()));
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
    this.firstScreen = new Promise<void>((resolve) => {
      this.releaseFirstScreen = () => {
        this.firstScreenShown = true;
        clearTimeout(this.firstScreenTimer);
        resolve();
      };
    });
    this.loading.signal.addEventListener('abort', () => this.releaseFirstScreen());
    this.loaded = this.load();
  }

  /** loadScope's hold: from the first events until the view shows them (FIRST_SCREEN_HOLD_MS at most). */
  private holdForFirstScreen(): Promise<void> | undefined {
    if (this.firstScreenShown || this.data.index.size === 0) return undefined;
    this.firstScreenTimer ??= setTimeout(() => this.releaseFirstScreen(), FIRST_SCREEN_HOLD_MS);
    return this.firstScreen;
  }

  /**
   * Who is behind an event of this panel's index (by eventID), or undefined when it is not loaded
   * here or records sharing the eventID have different origins (EventIndex.originOfEventId).
   */
  originOfEvent(eventID: string): Origin | undefined {
    return this.data.index.originOfEventId(eventID);
  }

  /** Events with detection hits in a file of this panel's index, by highest level (once the rules have run over it); undefined for another index's file. */
  detectionCountsOf(file: IndexedFile): Record<Level, number> | undefined {
    return this.data.index.files[file.id] === file
      ? this.data.detectionCountsByFile().get(file.id)
      : undefined;
  }

  /** The built-in pack and the configured folders' rules, set on the index as soon as read (problems to the output). */
  private async loadRules(): Promise<readonly SigmaRule[]> {
    const set = await loadConfiguredRules();
    for (const p of set.problems) this.deps.log.warn(`Detection rules: ${problemLine(p)}`);
    this.data.setDetectionRules(set.rules);
    return set.rules;
  }

  /** Runs the rules over every event loaded, then has the view show the hits (column, facet, explorer counts). */
  private async runDetections(rulesSet: Promise<unknown>): Promise<void> {
    try {
      await rulesSet;
      const d = this.data.detections;
      if (!d) return;
      await d.update();
      const events = d.results.countsByLevel(this.data.index.order());
      const hits = Object.values(events).reduce((a, b) => a + b, 0);
      this.deps.log.info(
        `Timeline "${this.scope.title}": ${d.rules.length} detection rules over ${this.data.index.eventCount} events: ${hits} with hits${hits ? ` (${levelCountsText(events)})` : ''}, ${Math.round(d.elapsedMs)} ms`,
      );
      this.session.refresh();
      this.filesChanged.fire();
    } catch (e) {
      this.deps.log.error(
        `Timeline "${this.scope.title}": the detection rules could not be run: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /** Every file of this panel's index with its state and event count (the explorer shows them). */
  get indexedFiles(): readonly IndexedFile[] {
    return this.data.index.files;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** The index this panel shows, with the case's annotations resolved on it. */
  get timelineData(): IndexTimelineData {
    return this.data;
  }

  /** What this panel reads from disk: its local evidence folders and the case file. */
  get readInputs(): ReadInput[] {
    const evidence = this.evidenceFolders.map((p) => ({
      path: p,
      what: `the evidence at ${p}`,
    }));
    const caseFile = this.deps.caseStore?.file;
    return caseFile ? [...evidence, { path: caseFile, what: 'the case file' }] : evidence;
  }

  private get evidenceFolders(): string[] {
    return this.scope.targets.map((t) => t.source.localPath?.('')).filter((p): p is string => !!p);
  }

  /** Star, tag or comment events of this panel (ids are its index's rows). */
  async annotate(ids: number[], action: AnnotateAction): Promise<void> {
    if (!this.deps.caseStore) return;
    const index = this.data.index;
    const valid = ids.filter((id) => id >= 0 && id < index.size);
    await annotateEvents(
      this.deps.caseStore,
      valid.map((id) => index.summary(id)),
      action,
      this.data.annotations().byRow,
    );
  }

  /** The filter and range the view last asked for (what "Run on Athena / Lake" takes). */
  get currentQuery(): { filter: string; range: TimeRange | null } {
    return this.session.currentQuery;
  }

  showFilter(filter: string, range: TimeRange | null): void {
    this.session.showFilter(filter, range);
  }

  /**
   * Saves the load's index to the cache once the view is quiet (PERSIST_QUIET_MS), in steps with
   * the view's messages answered between them, paused while the view is busy (PERSIST_PAUSE_MS);
   * when the panel closes first, from then on. A save goes on after its panel closes, and a new
   * load of the same scope waits for it (saveUnderway).
   */
  private schedulePersist(outcome: LoadOutcome): void {
    const persist = outcome.persist;
    if (!persist) return;
    const latest = Date.now() + PERSIST_LATEST_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = (failed: string | undefined) => {
      this.startPersisting = this.viewActive = undefined;
      clearTimeout(timer);
      if (failed === undefined) return;
      this.deps.log.warn(failed);
      const p = outcome.progress;
      p.fileNotes = [
        { location: 'index cache', severity: 'note', message: failed },
        ...(p.fileNotes ?? []),
      ];
      p.fileNotesTotal = (p.fileNotesTotal ?? 0) + 1;
      if (!this.closed) this.session.setProgress(p);
    };
    let lastActive = 0;
    let running: Promise<void> | undefined;
    const run = async () => {
      const steps = persist();
      for (;;) {
        const r = steps.next();
        if (r.done) return end(r.value);
        const pause = lastActive + PERSIST_PAUSE_MS - Date.now();
        await new Promise((resolve) =>
          pause > 0 ? setTimeout(resolve, pause) : setImmediate(resolve),
        );
      }
    };
    const start = () => {
      clearTimeout(timer);
      // Started: a message from the view no longer puts the save off, it pauses its steps.
      this.viewActive = () => {
        lastActive = Date.now();
      };
      if (running) return;
      running = run();
      saveUnderway(outcome, running);
    };
    this.viewActive = () => {
      clearTimeout(timer);
      timer = setTimeout(start, Math.max(0, Math.min(PERSIST_QUIET_MS, latest - Date.now())));
    };
    // The panel closing: the save starts now if it has not, and goes on in steps after it.
    this.startPersisting = start;
    this.viewActive();
  }

  dispose(): void {
    this.startPersisting?.();
    this.closed = true;
    this.loading.abort();
    this.session.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.disposed.fire();
    this.disposed.dispose();
    this.filesChanged.dispose();
  }

  private async load(): Promise<void> {
    const log = this.deps.log;
    const started = Date.now();
    let last = 0;
    let pending: LoadProgress | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reported = new Set<string>();
    const named = new Set<number>();
    const index = this.data.index;
    const rules = this.loadRules();
    const flush = () => {
      timer = undefined;
      if (pending) {
        // The files' notes, also into the output channel, each once.
        const notes = fileNoteViews(index, named);
        for (const n of notes.notes) {
          const line = `${n.location}: ${n.message}`;
          if (reported.has(line)) continue;
          reported.add(line);
          (n.severity === 'error'
            ? log.error
            : n.severity === 'warning'
              ? log.warn
              : log.info
          ).call(log, line);
        }
        this.session.setProgress({
          ...pending,
          fileNotes: notes.notes,
          fileNotesTotal: notes.total,
        });
      }
      pending = undefined;
      this.filesChanged.fire();
      last = Date.now();
    };
    // Progress goes to the view at most every progressInterval (the view re-queries on it),
    // except the first events, at once.
    let reportedEvents = false;
    const onProgress = (p: LoadProgress) => {
      pending = p;
      if (p.events > 0 && !reportedEvents) {
        reportedEvents = true;
        clearTimeout(timer);
        flush();
        return;
      }
      if (timer) return;
      const wait = progressInterval(Date.now() - started) - (Date.now() - last);
      timer = setTimeout(flush, Math.max(0, wait));
    };
    try {
      await this.withProgressWhileHidden(`Loading ${this.scope.title}`, async () => {
        const outcome = await loadScope(
          index,
          this.deps.runner(),
          this.scope.targets,
          this.loading.signal,
          onProgress,
          named,
          () => this.holdForFirstScreen(),
          { limits: loadSettings().limits, raise: RAISE_BUDGET_SETTINGS },
          this.deps.indexCache(),
          // Known before the files are read, they are decided as each file is indexed.
          await rules.catch(() => undefined),
        );
        clearTimeout(timer);
        this.lastLoad = outcome;
        pending = outcome.progress;
        flush();
        this.schedulePersist(outcome);
        for (const k of outcome.missing) log.warn(`${k}: no such file; it was skipped`);
        for (const n of outcome.progress.fileNotes ?? [])
          if (n.location === 'index cache') log.warn(n.message);
        if (outcome.cache?.hits)
          log.info(
            `Timeline "${this.scope.title}": ${outcome.cache.hits} of ${outcome.cache.hits + outcome.cache.misses} file(s) from the index cache (${outcome.cache.path})`,
          );
        if (outcome.progress.stopped) {
          log.warn(`Timeline "${this.scope.title}": ${outcome.progress.stopped}`);
          void vscode.window
            .showWarningMessage(
              messageText(`CloudTrail timeline: ${outcome.progress.stopped}.`),
              'Open Settings',
            )
            .then(
              (a) =>
                a &&
                vscode.commands.executeCommand(
                  'workbench.action.openSettings',
                  'cloudtrailLens.load',
                ),
            );
        }
        const failed = outcome.progress.failedFiles;
        if (outcome.progress.nothingRead) {
          log.warn(outcome.progress.nothingRead);
          void vscode.window
            .showWarningMessage(
              messageText(`CloudTrail timeline: ${outcome.progress.nothingRead}`),
              'Show Output',
            )
            .then((a) => a && log.show(true));
        } else if (failed) {
          void vscode.window
            .showWarningMessage(
              messageText(
                `CloudTrail timeline: ${failed} of ${outcome.progress.filesTotal} file(s) could not be read (the others are loaded). Latest: ${outcome.progress.lastError ?? ''}`,
              ),
              'Show Output',
            )
            .then((a) => a && log.show(true));
        }
        log.info(
          `Timeline "${this.scope.title}": ${outcome.progress.events} events from ${outcome.progress.filesDone - failed} file(s)${outcome.progress.cancelled ? ' (loading cancelled)' : ''}`,
        );
      });
      await this.runDetections(rules);
    } catch (e) {
      clearTimeout(timer);
      const message = e instanceof Error ? e.message : String(e);
      log.error(`Timeline "${this.scope.title}": loading failed: ${message}`);
      this.session.setProgress({
        loading: false,
        filesDone: 0,
        filesTotal: 0,
        events: index.eventCount,
        failedFiles: 0,
        lastError: message,
        cancelled: this.loading.signal.aborted,
      });
      if (!this.loading.signal.aborted)
        void vscode.window.showErrorMessage(
          messageText(`CloudTrail timeline: loading ${this.scope.title} failed: ${message}`),
        );
    }
  }

  /**
   * Runs `work` with VS Code's window progress (the status bar's spinning icon) shown while the
   * panel is hidden: a visible timeline shows its own progress bar. The spinner's animation alone
   * took about 3.7 CPU seconds (the browser's GPU and renderer processes) of a 20-second load of
   * a million events in the bench's software-rendered VS Code, taken from the load itself on a
   * two-core machine.
   */
  private async withProgressWhileHidden<T>(title: string, work: () => Promise<T>): Promise<T> {
    let ended = false;
    let stop: (() => void) | undefined;
    const show = () => {
      if (ended || stop) return;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title },
        () => new Promise<void>((resolve) => (stop = resolve)),
      );
    };
    const hide = () => {
      stop?.();
      stop = undefined;
    };
    const watching = this.panel.onDidChangeViewState(() => (this.panel.visible ? hide() : show()));
    if (!this.panel.visible) show();
    try {
      return await work();
    } finally {
      ended = true;
      hide();
      watching.dispose();
    }
  }

  /** The record exactly as stored (its bytes in the file; for lookup-events, the decoded string). */
  private async record(id: number): Promise<string | undefined> {
    try {
      return await this.data.raw(id);
    } catch (e) {
      void vscode.window.showErrorMessage(
        messageText(
          `CloudTrail timeline: could not read the record: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
      return undefined;
    }
  }

  private async openRaw(id: number): Promise<void> {
    const text = await this.record(id);
    if (text === undefined) return;
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: text });
    await vscode.window.showTextDocument(doc, {
      preview: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
  }

  private async copyJson(id: number): Promise<void> {
    const text = await this.record(id);
    if (text === undefined) return;
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage('Copied the CloudTrail record as JSON', 3000);
  }

  private async export(format: 'jsonl' | 'csv', result: ResultSet): Promise<void> {
    const folder = defaultExportFolder({
      setting:
        vscode.workspace.getConfiguration('cloudtrailLens').get<string>('exportFolder') ?? '',
      workspaceFolders: (vscode.workspace.workspaceFolders ?? [])
        .filter((f) => f.uri.scheme === 'file')
        .map((f) => f.uri.fsPath),
      evidence: this.evidenceFolders,
      home: os.homedir(),
    });
    const target = await vscode.window.showSaveDialog({
      title: `Export ${result.size.toLocaleString('en-US')} events`,
      defaultUri: vscode.Uri.file(path.join(folder, `cloudtrail-events.${format}`)),
      filters: format === 'csv' ? { CSV: ['csv'] } : { 'JSON Lines': ['jsonl', 'ndjson'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    if (target.scheme !== 'file') {
      void vscode.window.showErrorMessage(
        'CloudTrail timeline: export writes to local files only; pick a file on this machine.',
      );
      return;
    }
    const overwritten = overwrittenInput(
      target.fsPath,
      this.deps.readInputs?.() ?? this.readInputs,
    );
    if (overwritten) {
      void vscode.window.showErrorMessage(
        messageText(overwriteRefusal(target.fsPath, overwritten)),
      );
      return;
    }
    try {
      const n = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Exporting to ${target.fsPath}`,
          cancellable: true,
        },
        async (progress, token) => {
          const ctl = new AbortController();
          token.onCancellationRequested(() => ctl.abort());
          let reported = 0;
          return writeExport(
            target.fsPath,
            format,
            this.data,
            result,
            ctl.signal,
            (done, total) => {
              const pct = (done / Math.max(1, total)) * 100;
              progress.report({
                increment: pct - reported,
                message: messageText(
                  `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`,
                ),
              });
              reported = pct;
            },
          );
        },
      );
      void vscode.window.showInformationMessage(
        messageText(`Exported ${n.toLocaleString('en-US')} events to ${target.fsPath}`),
      );
    } catch (e) {
      void vscode.window.showErrorMessage(
        messageText(
          `CloudTrail timeline: export to ${target.fsPath} failed: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
    }
  }
}
