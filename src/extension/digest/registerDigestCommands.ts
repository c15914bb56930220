// "CloudTrail: Validate Digest Chain": validates the digest chains of a folder (the workspace, or
// the node picked in the explorer) with a cancellable progress notification, shows a plaintext
// report whose file paths are links, puts INVALID files in the Problems panel, and offers to open
// the events of the suspicious log files.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  exitCodeOf,
  loadPublicKeyFiles,
  loadSignaturesFile,
  PUBLIC_KEYS_FILE_NAME,
  SIGNATURES_FILE_NAME,
  SignaturesFile,
  ValidationReport,
  validateSource,
} from '../../core/digest';
import { LogSource, SourceError } from '../../core/sources/source';
import { openFolderSource, openSource } from '../sources/openSource';
import { SourceConfig } from '../sources/sourceConfig';
import { planProblems, renderReport, ReportLink, suspiciousLogKeys } from './reportModel';
import { COMMANDS, INTERNAL_COMMANDS } from '../commands';
import { formatBytes } from '../../core/output/bytes';
import { messageText } from '../messageText';
import { settingsLevel } from '../trust';

const SCHEME = 'cloudtrail-digest-report';

/** What the explorer passes (SourceScopeArgs), or a folder Uri from the file explorer. */
interface ScopeArgs {
  source?: SourceConfig;
  prefix?: string;
  keys?: string[];
  label?: string;
}

export interface DigestValidationResult {
  report: ValidationReport;
  exitCode: number;
  reportUri: vscode.Uri;
  problems: number;
  suspiciousKeys: string[];
  /** The folder path, or the S3 location's label. */
  root: string;
  source: LogSource;
  config: SourceConfig;
}

export function registerDigestCommands(context: vscode.ExtensionContext): void {
  const documents = new Map<string, { text: string; links: ReportLink[] }>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const diagnostics = vscode.languages.createDiagnosticCollection('cloudtrailLens.digest');
  let last: DigestValidationResult | undefined;
  let seq = 0;

  context.subscriptions.push(
    diagnostics,
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) =>
        documents.get(uri.toString())?.text ??
        'This report is no longer available; run "CloudTrail: Validate Digest Chain" again.',
    }),
    vscode.languages.registerDocumentLinkProvider(
      { scheme: SCHEME },
      {
        provideDocumentLinks: (doc) =>
          (documents.get(doc.uri.toString())?.links ?? []).map((l) => {
            const link = new vscode.DocumentLink(
              new vscode.Range(l.line, l.start, l.line, l.end),
              vscode.Uri.file(l.path),
            );
            link.tooltip = 'Open the file';
            return link;
          }),
      },
    ),
    vscode.commands.registerCommand(
      COMMANDS.validateDigests,
      async (arg?: ScopeArgs | vscode.Uri): Promise<DigestValidationResult | undefined> => {
        const target = await pickTarget(arg);
        if (!target) return undefined;
        const keys = await publicKeyFiles(target.local, target.prefix);
        if (!keys) return undefined;
        const keyFiles = keys.files;
        let publicKeys;
        let signatures: SignaturesFile | undefined;
        try {
          publicKeys = await loadPublicKeyFiles(keyFiles);
          const sigSetting = vscode.workspace
            .getConfiguration('cloudtrailLens')
            .get<string>('digestSignaturesFile');
          // An S3 source has each digest's signature in its metadata; a folder needs the file.
          const sigFile = sigSetting
            ? resolvePath(sigSetting)
            : target.local
              ? path.join(target.local, SIGNATURES_FILE_NAME)
              : undefined;
          if (sigFile && (sigSetting || existsSync(sigFile)))
            signatures = await loadSignaturesFile(sigFile);
        } catch (e) {
          void vscode.window.showErrorMessage(
            messageText(`Digest validation: ${(e as Error).message}`),
          );
          return undefined;
        }
        if (publicKeys.size === 0) {
          void vscode.window.showErrorMessage(
            messageText(
              `Digest validation: no public keys in ${keyFiles.join(', ')}. Save the output of "aws cloudtrail list-public-keys" to a file.`,
            ),
          );
          return undefined;
        }
        const report = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: 'Validating CloudTrail digest chains',
            cancellable: true,
          },
          async (progress, token) => {
            const abort = new AbortController();
            token.onCancellationRequested(() => abort.abort());
            try {
              return await validateSource(target.source, {
                publicKeys,
                signatures,
                bucket: target.config.type === 's3' ? target.config.bucket : undefined,
                scopePrefix: target.prefix || undefined,
                signal: abort.signal,
                onProgress: (p) =>
                  progress.report({
                    message: messageText(
                      `${p.chain}: ${p.digests} digest(s), ${p.logs} log file(s), ${formatBytes(p.bytes)}`,
                    ),
                  }),
              });
            } catch (e) {
              if (abort.signal.aborted || (e instanceof SourceError && e.code === 'cancelled'))
                return undefined;
              void vscode.window.showErrorMessage(
                messageText(
                  `Digest validation of ${target.source.label} failed: ${(e as Error).message}`,
                ),
              );
              return undefined;
            }
          },
        );
        if (!report) return undefined;

        const localPathOf = (key: string) => {
          try {
            return target.source.localPath?.(key);
          } catch {
            return undefined;
          }
        };
        const rendered = renderReport(report, {
          when: new Date().toISOString(),
          keyFiles,
          keysFromEvidence: keys.fromEvidence,
          signaturesFile: signatures?.file,
          scopeLabel: target.label,
          localPathOf,
        });
        const reportUri = vscode.Uri.from({
          scheme: SCHEME,
          path: `/Digest validation ${++seq}.txt`,
        });
        documents.set(reportUri.toString(), rendered);
        changed.fire(reportUri);

        diagnostics.clear();
        const planned = planProblems(report, existsSync, localPathOf);
        const byFile = new Map<string, vscode.Diagnostic[]>();
        for (const p of planned) {
          const d = new vscode.Diagnostic(
            new vscode.Range(0, 0, 0, 0),
            p.message,
            p.severity === 'error'
              ? vscode.DiagnosticSeverity.Error
              : vscode.DiagnosticSeverity.Warning,
          );
          d.source = 'CloudTrail digest';
          d.code = p.code;
          const list = byFile.get(p.path) ?? [];
          list.push(d);
          byFile.set(p.path, list);
        }
        for (const [file, list] of byFile) diagnostics.set(vscode.Uri.file(file), list);

        const result: DigestValidationResult = {
          report,
          exitCode: exitCodeOf(report),
          reportUri,
          problems: planned.length,
          suspiciousKeys: suspiciousLogKeys(report),
          root: target.source.label,
          source: target.source,
          config: target.config,
        };
        last = result;
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(reportUri), {
          preview: false,
        });
        void announce(result);
        return result;
      },
    ),
    vscode.commands.registerCommand(
      INTERNAL_COMMANDS.openSuspiciousEvents,
      async (result?: DigestValidationResult) => {
        const r = result ?? last;
        if (!r || !r.suspiciousKeys.length)
          return void vscode.window.showInformationMessage(
            'No INVALID or NOT VALIDATED log files to open.',
          );
        return openSuspiciousEvents(r);
      },
    ),
  );

  async function announce(r: DigestValidationResult): Promise<void> {
    const chains = r.report.chains.length;
    const invalid = r.report.chains.reduce(
      (n, c) => n + c.counts.invalidDigests + c.counts.invalidLogs,
      0,
    );
    const unverified = r.report.chains.reduce((n, c) => n + c.counts.unverifiableDigests, 0);
    const notValidated = r.report.chains.reduce((n, c) => n + c.counts.notValidatedLogs, 0);
    const deleted = r.report.chains.reduce(
      (n, c) => n + c.counts.deletedDigests,
      r.report.findings.filter((f) => f.kind === 'deleted-digest').length,
    );
    const findings = r.report.chains.reduce(
      (n, c) => n + c.findings.filter((f) => f.kind !== 'gap').length,
      r.report.findings.length,
    );
    const actions = r.suspiciousKeys.length ? ['Open Events of Suspicious Logs'] : [];
    if (!chains)
      return void vscode.window.showWarningMessage(
        messageText(`No digest chains found in ${r.root}.`),
      );
    const text =
      `Digest validation: ${chains} chain(s), ${invalid} INVALID file(s)${unverified ? `, ${unverified} UNVERIFIED digest(s)` : ''}` +
      `${notValidated ? `, ${notValidated} log file(s) NOT VALIDATED (listed by no digest)` : ''}${deleted ? `, ${deleted} deleted digest(s)` : ''}, ${findings} finding(s).`;
    const pick =
      invalid || unverified || findings
        ? await vscode.window.showWarningMessage(messageText(text), ...actions)
        : await vscode.window.showInformationMessage(messageText(text));
    if (pick === actions[0]) await openSuspiciousEvents(r);
  }

  async function openSuspiciousEvents(r: DigestValidationResult): Promise<unknown> {
    const label = `${r.suspiciousKeys.length} INVALID or NOT VALIDATED log file(s)`;
    return vscode.commands.executeCommand(COMMANDS.openTimeline, {
      source: r.config,
      keys: r.suspiciousKeys,
      label,
    });
  }
}

interface Target {
  source: LogSource;
  config: SourceConfig;
  /** The local folder, when the source is one. */
  local?: string;
  prefix?: string;
  label?: string;
}

function folderTarget(root: string, extra: Partial<Target> = {}): Target {
  return {
    source: openFolderSource(root),
    config: { type: 'folder', path: root },
    local: root,
    ...extra,
  };
}

async function pickTarget(arg?: ScopeArgs | vscode.Uri): Promise<Target | undefined> {
  if (arg instanceof vscode.Uri) return folderTarget(arg.fsPath);
  if (arg?.source?.type === 'event-history') {
    void vscode.window.showInformationMessage(
      'Digest validation: Event history has no log files or digests to validate (digests cover the files a trail delivers to S3).',
    );
    return undefined;
  }
  if (arg?.source) {
    const opened = openSource(arg.source, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    if (!opened.source) {
      void vscode.window.showErrorMessage(messageText(`Digest validation: ${opened.unavailable}`));
      return undefined;
    }
    const local = arg.source.type === 'folder' ? opened.source.localPath?.('') : undefined;
    return {
      source: opened.source,
      config: arg.source,
      local,
      prefix: arg.prefix,
      label: arg.label,
    };
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folderTarget(folders[0].uri.fsPath);
  if (folders.length > 1) {
    const pick = await vscode.window.showQuickPick(
      folders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f })),
      { title: 'Validate the digest chains of which folder?' },
    );
    return pick ? folderTarget(pick.folder.uri.fsPath) : undefined;
  }
  const chosen = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    title: 'Folder holding AWSLogs/ (a copy of the CloudTrail bucket)',
    openLabel: 'Validate',
  });
  return chosen?.[0] ? folderTarget(chosen[0].fsPath) : undefined;
}

export function resolvePath(p: string): string | undefined {
  const expanded = p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
  if (path.isAbsolute(expanded)) return expanded;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return base ? path.resolve(base, expanded) : undefined;
}

/**
 * The configured key files; else a `cloudtrail-public-keys.json` kept with the evidence (beside
 * the picked AWSLogs/ folder, or at the source's root), marked `fromEvidence` (the report then
 * names the fingerprints to check) and used without asking in a trusted workspace, after asking
 * in Restricted Mode; else the ones the user picks now (optionally remembered in settings).
 */
async function publicKeyFiles(
  root: string | undefined,
  prefix: string | undefined,
): Promise<{ files: string[]; fromEvidence: boolean } | undefined> {
  const config = vscode.workspace.getConfiguration('cloudtrailLens');
  const configured = (config.get<string[]>('publicKeys') ?? []).filter(
    (p) => typeof p === 'string' && p.trim(),
  );
  if (configured.length) {
    const resolved = configured.map(resolvePath);
    const bad = configured.filter((_, i) => !resolved[i] || !existsSync(resolved[i]!));
    if (bad.length) {
      void vscode.window.showErrorMessage(
        messageText(
          `Digest validation: public keys file(s) not found: ${bad.join(', ')} (setting cloudtrailLens.publicKeys).`,
        ),
      );
      return undefined;
    }
    return { files: resolved as string[], fromEvidence: false };
  }
  if (root) {
    const at = prefix?.indexOf('AWSLogs/') ?? -1;
    const dirs = [
      ...(at > 0 ? [path.join(root, ...prefix!.slice(0, at).split('/').filter(Boolean))] : []),
      root,
    ];
    const found = dirs.map((d) => path.join(d, PUBLIC_KEYS_FILE_NAME)).find((f) => existsSync(f));
    // In Restricted Mode the folder is someone else's: a key file kept in it is theirs too, and
    // whoever could write the bucket could have re-signed every digest with their own key.
    if (found && vscode.workspace.isTrusted) return { files: [found], fromEvidence: true };
    if (found) {
      const use = 'Use the Folder’s Keys';
      const choose = 'Choose Key Files…';
      const answer = await vscode.window.showWarningMessage(
        messageText(
          `This folder is in Restricted Mode and holds ${found}. A key file kept with the evidence may have been put there by whoever could write the evidence: with their own keys, digests they re-signed pass as valid. Use the output of "aws cloudtrail list-public-keys" you ran yourself, or these keys (the report then lists their fingerprints to compare)?`,
        ),
        { modal: true },
        choose,
        use,
      );
      if (answer === use) return { files: [found], fromEvidence: true };
      if (answer !== choose) return undefined;
    }
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    defaultUri: root ? vscode.Uri.file(root) : undefined,
    filters: { JSON: ['json'] },
    title: 'Public keys: the output of "aws cloudtrail list-public-keys" (one file per region)',
    openLabel: 'Use These Keys',
  });
  if (!picked?.length) {
    void vscode.window.showInformationMessage(
      messageText(
        `Digest validation cancelled: it needs CloudTrail's public keys. Save the output of "aws cloudtrail list-public-keys" as ${PUBLIC_KEYS_FILE_NAME} in the evidence folder, or list its files in the setting cloudtrailLens.publicKeys.`,
      ),
    );
    return undefined;
  }
  const files = picked.map((u) => u.fsPath);
  const inWorkspace =
    settingsLevel(!!vscode.workspace.workspaceFolders?.length, vscode.workspace.isTrusted) ===
    'workspace';
  void vscode.window
    .showInformationMessage(
      messageText(
        `Remember these public key files ${inWorkspace ? 'for this workspace' : 'in your user settings'}?`,
      ),
      'Remember',
    )
    .then((choice) => {
      if (choice)
        void config.update(
          'publicKeys',
          files,
          inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
        );
    });
  return { files, fromEvidence: false };
}
