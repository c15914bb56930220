// Trail configuration linting in the editor: diagnostics in the Problems panel for open JSON,
// JSONC, YAML (CloudFormation) and Terraform documents (on open, and debounced as you type), quick
// fixes and refactorings computed by the core engine, completion and hover for selectors, and
// "CloudTrail: Lint Configuration Files" for the whole workspace. Everything here adapts
// src/core/lint; no rule logic lives in this file.
//
// Documents are recognised by content whatever their language mode: code-server has no Terraform
// extension (a .tf file is plain text there), a CloudFormation template may be named .template, an
// unsaved buffer has no name. The providers are registered for every file and untitled document
// and answer only in documents the engine reads as a trail configuration.
import * as vscode from 'vscode';
import {
  CONFIG_FILE_PATTERN,
  completionsAt,
  detectFormat,
  hasComments,
  hclParserLoaded,
  hoverAt,
  lintText,
  loadHclParser,
  mayHoldTrailConfig,
  refactorsAt,
  RULES_BY_ID,
  type ConfigFormat,
  type Finding,
  type Fix,
  type RuleGroup,
} from '../../core/lint';
import { readRegularUri } from '../regularFiles';
import { COMMANDS } from '../commands';
import { messageText } from '../messageText';

const SOURCE = 'CloudTrail Lens';
const DEBOUNCE_MS = 300;
/** Bigger documents are CloudTrail logs or data dumps, never trail configurations. */
const MAX_DOCUMENT_CHARS = 5_000_000;
/** Language ids that say the format, whichever extension contributes them. */
const FORMAT_OF_LANGUAGE: Record<string, ConfigFormat> = {
  json: 'json',
  jsonc: 'json',
  yaml: 'yaml',
  'cloudformation-yaml': 'yaml',
  terraform: 'terraform',
  'terraform-vars': 'terraform',
  hcl: 'terraform',
  tf: 'terraform',
};
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];
/** What the workspace command searches: the file names `cloudtrail-lens lint` searches folders for. */
const WORKSPACE_GLOB = '**/*.{json,jsonc,yaml,yml,template,tf}';

/**
 * The format a document is read in, or undefined when it cannot be a trail configuration: by
 * language id when it names one, by file name, else by a cheap look at the content.
 */
function formatOf(
  doc: { languageId: string; fileName: string; getText(): string },
  text = doc.getText(),
): ConfigFormat | undefined {
  const byLanguage = FORMAT_OF_LANGUAGE[doc.languageId];
  // A .tf file in YAML mode, a template in JSON mode: the name knows better than the mode.
  if (CONFIG_FILE_PATTERN.test(doc.fileName)) return detectFormat(text, doc.fileName);
  if (byLanguage) return byLanguage;
  return mayHoldTrailConfig(text) ? detectFormat(text) : undefined;
}

export interface LintWorkspaceResult {
  files: number;
  configurations: number;
  errors: number;
  warnings: number;
  infos: number;
  cancelled: boolean;
}

interface Settings {
  enabled: boolean;
  disabledRules: string[];
  disabledGroups: RuleGroup[];
}

function settings(): Settings {
  const c = vscode.workspace.getConfiguration('cloudtrailLens.lint');
  return {
    enabled: c.get<boolean>('enabled', true),
    disabledRules: c.get<string[]>('disabledRules', []),
    disabledGroups: c.get<RuleGroup[]>('disabledGroups', []),
  };
}

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Ranges from offsets: the engine's offsets are UTF-16 indexes, like the document's. */
function rangeOf(
  doc: { positionAt(offset: number): vscode.Position },
  offset: number,
  length: number,
): vscode.Range {
  return new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length));
}

function toDiagnostic(
  doc: { positionAt(offset: number): vscode.Position },
  f: Finding,
): vscode.Diagnostic {
  const d = new vscode.Diagnostic(
    rangeOf(doc, f.offset, f.length),
    f.message,
    SEVERITY[f.severity],
  );
  d.source = SOURCE;
  const meta = RULES_BY_ID.get(f.ruleId)?.meta;
  d.code = meta ? { value: f.ruleId, target: vscode.Uri.parse(meta.docUrl) } : f.ruleId;
  return d;
}

function toWorkspaceEdit(doc: vscode.TextDocument, fix: Fix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(doc.uri, rangeOf(doc, e.offset, e.length), e.newText);
  return edit;
}

/** Offsets → positions for text read from disk (documents not open in an editor). */
function positionsOf(text: string): { positionAt(offset: number): vscode.Position } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return {
    positionAt(offset: number) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return new vscode.Position(lo, offset - starts[lo]);
    },
  };
}

export function registerLint(context: vscode.ExtensionContext): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('cloudtrailLens.lint');
  /** The findings behind each open document's diagnostics, for code actions. */
  const lastFindings = new Map<
    string,
    { version: number; findings: Finding[]; recognised: boolean; format?: ConfigFormat }
  >();
  /** Files linted by the workspace command: their diagnostics outlive closing an editor. */
  const fromWorkspaceRun = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();

  const applies = (doc: vscode.TextDocument) =>
    doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled';

  /** Loads the Terraform parser the first time a Terraform document is seen, then lints that document again. */
  function withHclParser(doc: vscode.TextDocument): boolean {
    if (hclParserLoaded()) return true;
    loadHclParser().then(
      () => lintDocument(doc),
      (e) =>
        void vscode.window.showErrorMessage(
          messageText(
            `CloudTrail Lens cannot lint Terraform files: the HCL parser did not load (${e instanceof Error ? e.message : String(e)}).`,
          ),
        ),
    );
    return false;
  }

  function lintOpen(doc: vscode.TextDocument): {
    findings: Finding[];
    recognised: boolean;
    format?: ConfigFormat;
  } {
    const cached = lastFindings.get(doc.uri.toString());
    if (cached && cached.version === doc.version) return cached;
    const s = settings();
    const text = doc.getText();
    const format =
      s.enabled && text.length <= MAX_DOCUMENT_CHARS && mayHoldTrailConfig(text)
        ? formatOf(doc, text)
        : undefined;
    if (format === 'terraform' && !withHclParser(doc)) return { findings: [], recognised: false }; // linted once the parser is there
    const r = format
      ? // VS Code's JSON language service reports JSON syntax errors, YAML extensions YAML's; nothing reports HCL's without a Terraform extension.
        lintText(text, {
          format,
          disabledRules: s.disabledRules,
          disabledGroups: s.disabledGroups,
          reportSyntaxErrors: format === 'terraform',
        })
      : { kinds: [], findings: [] };
    const recognised = r.kinds.length > 0;
    // Syntax errors of a YAML or text file that configures no trail are none of this extension's business.
    const entry = {
      version: doc.version,
      findings: recognised ? r.findings : [],
      recognised,
      format,
    };
    lastFindings.set(doc.uri.toString(), entry);
    return entry;
  }

  function lintDocument(doc: vscode.TextDocument): void {
    if (!applies(doc)) return;
    const { findings, recognised } = lintOpen(doc);
    if (!recognised && !diagnostics.has(doc.uri)) return;
    if (recognised && doc.languageId === 'json' && hasComments(doc.getText())) {
      // The engine reads trail configurations as JSONC (suppression comments live there); in
      // "json" mode VS Code would flag every comment as an error. Reopened as jsonc, the document
      // comes back through onDidOpenTextDocument and is linted then.
      void vscode.languages.setTextDocumentLanguage(doc, 'jsonc');
      return;
    }
    diagnostics.set(
      doc.uri,
      findings.map((f) => toDiagnostic(doc, f)),
    );
  }

  function schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        lintDocument(doc);
      }, DEBOUNCE_MS),
    );
  }

  function relintOpen(): void {
    lastFindings.clear();
    for (const doc of vscode.workspace.textDocuments) lintDocument(doc);
  }

  async function lintWorkspace(): Promise<LintWorkspaceResult> {
    const s = settings();
    const result: LintWorkspaceResult = {
      files: 0,
      configurations: 0,
      errors: 0,
      warnings: 0,
      infos: 0,
      cancelled: false,
    };
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'CloudTrail: linting configuration files',
        cancellable: true,
      },
      async (progress, token) => {
        const uris = await vscode.workspace.findFiles(
          WORKSPACE_GLOB,
          '{**/node_modules/**,**/.git/**,**/.terraform/**}',
          20_000,
          token,
        );
        const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
        for (const [i, uri] of uris.entries()) {
          if (token.isCancellationRequested) {
            result.cancelled = true;
            break;
          }
          if (i % 50 === 0)
            progress.report({
              message: messageText(`${i} of ${uris.length} files`),
              increment: (50 / uris.length) * 100,
            });
          result.files++;
          const doc = open.get(uri.toString());
          let text: string;
          try {
            text = doc
              ? doc.getText()
              : new TextDecoder().decode(await readRegularUri(uri, MAX_DOCUMENT_CHARS));
          } catch {
            continue; // unreadable (deleted meanwhile, permissions), too large, or a FIFO or device: nothing to lint
          }
          if (text.length > MAX_DOCUMENT_CHARS || !mayHoldTrailConfig(text)) continue;
          const format = detectFormat(text, uri.path);
          if (format === 'terraform') await loadHclParser();
          const r = lintText(text, {
            format,
            disabledRules: s.disabledRules,
            disabledGroups: s.disabledGroups,
            reportSyntaxErrors: format === 'terraform',
          });
          if (!r.kinds.length) continue;
          result.configurations++;
          for (const f of r.findings) {
            if (f.severity === 'error') result.errors++;
            else if (f.severity === 'warning') result.warnings++;
            else result.infos++;
          }
          fromWorkspaceRun.add(uri.toString());
          diagnostics.set(
            uri,
            r.findings.map((f) => toDiagnostic(doc ?? positionsOf(text), f)),
          );
        }
      },
    );
    const summary = `${result.configurations} trail configuration(s) in ${result.files} JSON, YAML and Terraform file(s): ${result.errors} error(s), ${result.warnings} warning(s), ${result.infos} info.`;
    if (result.configurations && (result.errors || result.warnings || result.infos)) {
      void vscode.window
        .showInformationMessage(messageText(`CloudTrail lint: ${summary}`), 'Show Problems')
        .then((pick) => {
          if (pick) void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
    } else {
      void vscode.window.showInformationMessage(
        messageText(`CloudTrail lint: ${result.cancelled ? 'cancelled; ' : ''}${summary}`),
      );
    }
    return result;
  }

  const codeActions: vscode.CodeActionProvider = {
    provideCodeActions(doc, range, ctx) {
      const actions: vscode.CodeAction[] = [];
      const { findings, recognised, format } = lintOpen(doc);
      if (!recognised || !format) return actions;
      // Comments are JSONC, YAML and HCL only: in a .json file they would themselves be errors.
      const lineComment = format === 'json' ? (doc.languageId === 'jsonc' ? '//' : undefined) : '#';
      for (const diag of ctx.diagnostics) {
        if (diag.source !== SOURCE) continue;
        const ruleId = typeof diag.code === 'object' ? String(diag.code.value) : String(diag.code);
        const finding = findings.find(
          (f) => f.ruleId === ruleId && rangeOf(doc, f.offset, f.length).isEqual(diag.range),
        );
        for (const [i, fix] of (finding?.fixes ?? []).entries()) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.edit = toWorkspaceEdit(doc, fix);
          action.diagnostics = [diag];
          action.isPreferred = i === 0;
          actions.push(action);
        }
        if (lineComment && RULES_BY_ID.has(ruleId)) {
          const line = doc.lineAt(diag.range.start.line);
          const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
          const action = new vscode.CodeAction(
            `Disable ${ruleId} for this line`,
            vscode.CodeActionKind.QuickFix,
          );
          action.edit = new vscode.WorkspaceEdit();
          action.edit.insert(
            doc.uri,
            line.range.start,
            `${indent}${lineComment} cloudtrail-lens-disable-next-line ${ruleId}\n`,
          );
          action.diagnostics = [diag];
          actions.push(action);
        }
      }
      if (
        ctx.only === undefined ||
        ctx.only.contains(vscode.CodeActionKind.RefactorRewrite) ||
        vscode.CodeActionKind.RefactorRewrite.contains(ctx.only)
      ) {
        for (const fix of refactorsAt(doc.getText(), doc.offsetAt(range.start), format)) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.RefactorRewrite);
          action.edit = toWorkspaceEdit(doc, fix);
          actions.push(action);
        }
      }
      return actions;
    },
  };

  /** The format to assist in: JSON documents always (a selectors file being written is not recognised yet), others once they configure a trail. */
  const assistFormat = (doc: vscode.TextDocument): ConfigFormat | undefined => {
    const { recognised, format } = lintOpen(doc);
    if (format === 'json' || (format && recognised)) return format;
    return FORMAT_OF_LANGUAGE[doc.languageId] === 'json' ? 'json' : undefined;
  };

  const completion: vscode.CompletionItemProvider = {
    provideCompletionItems(doc, position) {
      const format = assistFormat(doc);
      if (!format) return undefined;
      const c = completionsAt(doc.getText(), doc.offsetAt(position), format);
      if (!c) return undefined;
      const range = rangeOf(doc, c.replace.offset, c.replace.length);
      return c.items.map((item) => {
        const kind =
          item.kind === 'field'
            ? vscode.CompletionItemKind.Field
            : item.kind === 'operator'
              ? vscode.CompletionItemKind.Operator
              : item.kind === 'property'
                ? vscode.CompletionItemKind.Property
                : vscode.CompletionItemKind.EnumMember;
        const ci = new vscode.CompletionItem(item.label, kind);
        ci.insertText = item.insertText;
        ci.filterText = item.insertText;
        ci.range = range;
        if (item.documentation) ci.documentation = new vscode.MarkdownString(item.documentation);
        ci.detail = 'CloudTrail';
        return ci;
      });
    },
  };

  const hover: vscode.HoverProvider = {
    provideHover(doc, position) {
      const format = assistFormat(doc);
      if (!format) return undefined;
      const h = hoverAt(doc.getText(), doc.offsetAt(position), format);
      return h
        ? new vscode.Hover(new vscode.MarkdownString(h.markdown), rangeOf(doc, h.offset, h.length))
        : undefined;
    },
  };

  context.subscriptions.push(
    diagnostics,
    vscode.workspace.onDidOpenTextDocument(lintDocument),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (applies(e.document) && e.contentChanges.length) schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      const key = doc.uri.toString();
      clearTimeout(timers.get(key));
      timers.delete(key);
      lastFindings.delete(key);
      if (!fromWorkspaceRun.has(key)) diagnostics.delete(doc.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cloudtrailLens.lint')) relintOpen();
    }),
    vscode.languages.registerCodeActionsProvider(SELECTOR, codeActions, {
      providedCodeActionKinds: [
        vscode.CodeActionKind.QuickFix,
        vscode.CodeActionKind.RefactorRewrite,
      ],
    }),
    vscode.languages.registerCompletionItemProvider(SELECTOR, completion, '"', ':', '='),
    vscode.languages.registerHoverProvider(SELECTOR, hover),
    vscode.commands.registerCommand(COMMANDS.lintWorkspace, lintWorkspace),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );

  for (const doc of vscode.workspace.textDocuments) lintDocument(doc);
}
