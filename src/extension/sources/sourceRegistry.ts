// The sources the explorer shows: those in the `cloudtrailLens.sources` setting, workspace
// folders that hold CloudTrail data (found automatically), and the sample when the user opens
// it. Changes to the setting or the workspace are picked up as they happen.
import * as vscode from 'vscode';
import { CloudTrailCatalog } from '../../core/sources/layoutTree';
import { LogSource } from '../../core/sources/source';
import { openFolderSource, openSource, setFolderSourceOptions } from './openSource';
import { SourceConfig, parseSourcesSetting, sourceIdentity } from './sourceConfig';
import { messageText } from '../messageText';
import { settingsLevel } from '../trust';

export type SourceOrigin = 'setting' | 'workspace' | 'sample';

export interface SourceEntry {
  /** Stable identity (also the tree item id). */
  id: string;
  config: SourceConfig;
  origin: SourceOrigin;
  /** A name to show: the folder's name or the bucket. */
  name: string;
  source?: LogSource;
  /** Why the source cannot be listed (e.g. S3 before the S3 source exists). */
  unavailable?: string;
}

export const SOURCES_SETTING = 'sources';
export const DETECT_SETTING = 'explorer.detectWorkspaceFolders';

const FOLLOW_LINKS_SETTING = 'cloudtrailLens.folders.followLinksOutside';

function readFolderOptions(): void {
  setFolderSourceOptions({
    followLinksOutside: vscode.workspace
      .getConfiguration()
      .get<boolean>(FOLLOW_LINKS_SETTING, false),
  });
}

export class SourceRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private configured: SourceEntry[] = [];
  private detected: SourceEntry[] = [];
  private sample: SourceEntry | undefined;
  private detection: AbortController | undefined;
  private readonly reportedProblems = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    readFolderOptions();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(FOLLOW_LINKS_SETTING)) {
          // Every folder source is opened again with the new setting.
          readFolderOptions();
          this.sample &&= this.entryFor(this.sample.config, 'sample', this.sample.name);
          this.readSetting();
          void this.detectWorkspaceFolders();
          return;
        }
        if (e.affectsConfiguration(`cloudtrailLens.${SOURCES_SETTING}`)) this.readSetting();
        if (e.affectsConfiguration(`cloudtrailLens.${DETECT_SETTING}`))
          void this.detectWorkspaceFolders();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.readSetting();
        void this.detectWorkspaceFolders();
      }),
    );
    this.readSetting();
  }

  /** Every source to show, configured ones first; a workspace folder also configured shows once. */
  get entries(): SourceEntry[] {
    const seen = new Set<string>();
    const out: SourceEntry[] = [];
    for (const e of [...this.configured, ...this.detected, ...(this.sample ? [this.sample] : [])]) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
    }
    return out;
  }

  /** Finds which workspace folders hold CloudTrail data. Resolves when done. */
  async detectWorkspaceFolders(): Promise<void> {
    this.detection?.abort();
    const controller = (this.detection = new AbortController());
    const enabled = vscode.workspace
      .getConfiguration('cloudtrailLens')
      .get<boolean>(DETECT_SETTING, true);
    const folders = enabled
      ? (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file')
      : [];
    const found: SourceEntry[] = [];
    for (const folder of folders) {
      const config: SourceConfig = { type: 'folder', path: folder.uri.fsPath };
      try {
        if (
          await new CloudTrailCatalog(openFolderSource(folder.uri.fsPath)).containsCloudTrail(
            controller.signal,
          )
        ) {
          found.push(this.entryFor(config, 'workspace', folder.name));
        }
      } catch (e) {
        if (controller.signal.aborted) return;
        this.log.warn(
          `Looking for CloudTrail data in ${folder.uri.fsPath} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    if (controller.signal.aborted) return;
    this.detected = found;
    this.changed.fire();
  }

  /** Shows a folder for this session only (the sample): nothing is written to settings. */
  showSessionFolder(folder: string, name: string): SourceEntry {
    this.sample = this.entryFor({ type: 'folder', path: folder }, 'sample', name);
    this.changed.fire();
    return this.sample;
  }

  /** Adds a source to the setting: the workspace's if trusted, else the user's (settingsLevel). */
  async add(config: SourceConfig): Promise<boolean> {
    const id = sourceIdentity(config, this.base());
    if (this.configured.some((e) => e.id === id)) return false;
    const settings = vscode.workspace.getConfiguration('cloudtrailLens');
    const target =
      settingsLevel(!!vscode.workspace.workspaceFolders?.length, vscode.workspace.isTrusted) ===
      'workspace'
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
    const current =
      target === vscode.ConfigurationTarget.Workspace
        ? settings.inspect<unknown[]>(SOURCES_SETTING)?.workspaceValue
        : settings.inspect<unknown[]>(SOURCES_SETTING)?.globalValue;
    await settings.update(
      SOURCES_SETTING,
      [...(Array.isArray(current) ? current : []), config],
      target,
    );
    return true;
  }

  /**
   * Removes a source from whichever settings hold it (user, workspace or folder). Only the
   * entry goes: the folder or bucket itself is never touched.
   */
  async remove(entry: SourceEntry): Promise<void> {
    if (entry.origin === 'sample') {
      this.sample = undefined;
      this.changed.fire();
      return;
    }
    const settings = vscode.workspace.getConfiguration('cloudtrailLens');
    const inspected = settings.inspect<unknown[]>(SOURCES_SETTING);
    const targets: [unknown[] | undefined, vscode.ConfigurationTarget][] = [
      [inspected?.globalValue, vscode.ConfigurationTarget.Global],
      [inspected?.workspaceValue, vscode.ConfigurationTarget.Workspace],
      [inspected?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
    ];
    for (const [value, target] of targets) {
      if (!Array.isArray(value)) continue;
      const kept = value.filter((raw) => {
        const { sources } = parseSourcesSetting([raw]);
        return !(sources.length === 1 && sourceIdentity(sources[0], this.base()) === entry.id);
      });
      if (kept.length !== value.length) await settings.update(SOURCES_SETTING, kept, target);
    }
  }

  dispose(): void {
    this.detection?.abort();
    for (const d of this.disposables) d.dispose();
  }

  private readSetting(): void {
    const { sources, problems } = parseSourcesSetting(
      vscode.workspace.getConfiguration('cloudtrailLens').get(SOURCES_SETTING),
    );
    for (const p of problems) {
      if (this.reportedProblems.has(p)) continue;
      this.reportedProblems.add(p);
      this.log.warn(p);
      void vscode.window.showWarningMessage(
        messageText(`CloudTrail Lens: ${p}. The other sources are shown.`),
      );
    }
    this.configured = sources.map((c) => this.entryFor(c, 'setting'));
    this.changed.fire();
  }

  private entryFor(config: SourceConfig, origin: SourceOrigin, name?: string): SourceEntry {
    const opened = openSource(config, this.base());
    const fallbackName =
      config.type === 'folder'
        ? config.path
            .replace(/[\\/]+$/, '')
            .split(/[\\/]/)
            .pop() || config.path
        : config.type === 'event-history'
          ? `Event history (${config.regions.join(', ')})`
          : config.bucket;
    return {
      id: sourceIdentity(config, this.base()),
      config,
      origin,
      name: name ?? fallbackName,
      source: opened.source,
      unavailable: opened.unavailable,
    };
  }

  private base(): string | undefined {
    const first = vscode.workspace.workspaceFolders?.[0];
    return first?.uri.scheme === 'file' ? first.uri.fsPath : undefined;
  }
}
