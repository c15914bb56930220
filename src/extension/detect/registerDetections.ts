// The detection rules the user configured (cloudtrailLens.detections.ruleFolders) and the
// command that checks them: which rules load, and why each other rule does not run. The rules
// are read by core/detect/ruleSet.ts, the same loader as `cloudtrail-lens detect --rules`.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadRuleSet, problemLine, RuleSet } from '../../core/detect/ruleSet';
import { BUILTIN_SOURCE } from '../../core/detect/builtinPack';
import { COMMANDS } from '../commands';
import { messageText } from '../messageText';

/** The configured rule folders, absolute: `~` is the home folder, relative paths are under the first workspace folder. */
export function configuredRuleFolders(): string[] {
  const raw = vscode.workspace
    .getConfiguration('cloudtrailLens.detections')
    .get<unknown>('ruleFolders');
  const list = Array.isArray(raw)
    ? raw.filter((x): x is string => typeof x === 'string' && x.trim() !== '')
    : [];
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return list.map((p) => {
    const t = p.trim();
    if (t === '~' || t.startsWith('~/')) return path.join(os.homedir(), t.slice(1));
    return path.isAbsolute(t) || !base ? path.resolve(t) : path.resolve(base, t);
  });
}

/** The built-in pack plus the configured folders. */
export function loadConfiguredRules(): Promise<RuleSet> {
  return loadRuleSet(configuredRuleFolders());
}

export function registerDetections(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.checkDetectionRules, async () => {
      const folders = configuredRuleFolders();
      const set = await loadRuleSet(folders);
      const builtin = set.rules.filter((r) => r.source === BUILTIN_SOURCE).length;
      const summary = `Detection rules: ${builtin} built-in, ${set.rules.length - builtin} from ${folders.length} folder${folders.length === 1 ? '' : 's'} (${set.files} files); ${set.problems.length} not run`;
      output.info(summary);
      for (const f of folders) output.info(`rule folder: ${f}`);
      for (const p of set.problems) output.warn(problemLine(p));
      const show = 'Show Details';
      const pick = await (set.problems.length
        ? vscode.window.showWarningMessage(messageText(summary), show)
        : vscode.window.showInformationMessage(messageText(summary), show));
      if (pick === show) output.show(true);
    }),
  );
}
