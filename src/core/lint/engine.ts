// The lint engine: read the document once (JSON, YAML or Terraform: document.ts), run every
// enabled rule over each trail configuration it holds (and the rules over the whole document once
// over it), drop suppressed findings. Shared by the CLI and the editor.
import { MAX_JSON_DEPTH } from '../ingest/jsonScan';
import { readDocument, type ConfigDocument } from './document';
import type { Report } from './rule';
import { RULES } from './rules';
import { Suppressions } from './suppress';
import { LineIndex } from './tree';
import type { ConfigFormat, Finding, LintOptions, LintResult, Severity } from './types';

/** Rule ids of syntax errors, by format. */
export const SYNTAX_RULE_IDS: Readonly<Record<ConfigFormat, string>> = {
  json: 'json-syntax',
  yaml: 'yaml-syntax',
  terraform: 'hcl-syntax',
};
export const SYNTAX_RULE_ID = SYNTAX_RULE_IDS.json;
/** Rule ids of a document nested too deep to be read (ConfigDocument.tooDeepAt: JSON and YAML). */
export const DEPTH_RULE_IDS = { json: 'json-too-deep', yaml: 'yaml-too-deep' } as const;
export const DEPTH_RULE_ID = DEPTH_RULE_IDS.json;

export interface EngineOptions extends LintOptions {
  /**
   * Report syntax errors as findings (default true). The CLI does for the files it was named; the
   * editor does for Terraform only: VS Code's JSON language service reports JSON's, and YAML
   * extensions YAML's (whose search costs a second pass over the tokens).
   */
  reportSyntaxErrors?: boolean;
  /** The document's syntax; detected from the content when absent (see detectFormat). */
  format?: ConfigFormat;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function lintText(text: string, options: EngineOptions = {}): LintResult {
  return lintDocument(
    readDocument(text, options.format, { syntaxErrors: options.reportSyntaxErrors !== false }),
    options,
  );
}

export function lintDocument(doc: ConfigDocument, options: EngineOptions = {}): LintResult {
  const { text, targets } = doc;
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  if (doc.tooDeepAt !== undefined && doc.format !== 'terraform') {
    const at = doc.tooDeepAt;
    const message = `${doc.format === 'yaml' ? 'YAML' : 'JSON'} nested more than ${MAX_JSON_DEPTH} levels deep: not checked.`;
    return {
      format: doc.format,
      kinds: [],
      findings: [
        {
          ruleId: DEPTH_RULE_IDS[doc.format],
          severity: 'warning',
          message,
          offset: at,
          length: 1,
          start: lines.position(at),
          end: lines.position(at + 1),
          fixes: [],
        },
      ],
    };
  }

  const toFinding = (
    ruleId: string,
    severity: Severity,
    offset: number,
    length: number,
    message: string,
    fixes: Finding['fixes'],
  ): Finding => ({
    ruleId,
    severity,
    message,
    offset,
    length,
    start: lines.position(offset),
    end: lines.position(offset + length),
    fixes,
  });

  if (options.reportSyntaxErrors !== false) {
    for (const e of doc.syntaxErrors)
      findings.push(
        toFinding(SYNTAX_RULE_IDS[doc.format], 'error', e.offset, e.length, e.message, []),
      );
  }
  if (!targets.length && !doc.configRoots.length)
    return { format: doc.format, kinds: doc.kinds, findings };

  const disabledRules = new Set(options.disabledRules ?? []);
  const disabledGroups = new Set(options.disabledGroups ?? []);
  const enabled = RULES.filter(
    (r) => !disabledRules.has(r.meta.id) && !disabledGroups.has(r.meta.group),
  );
  const suppressions = new Suppressions(doc.comments, lines);
  // A YAML alias or a shared Terraform JSON value can put one node under two targets: one finding.
  const seen = new Set<string>();

  // One report function per target (and one for the document), told which rule is running: no
  // closure per rule and target.
  let current = RULES[0].meta;
  const reporter =
    (fixable: boolean) =>
    (r: Report): void => {
      if (suppressions.suppressed(current.id, lines.lineOf(r.node.offset))) return;
      const key = `${current.id}\u0000${r.node.offset}\u0000${r.node.length}\u0000${r.message}`;
      if (seen.has(key)) return;
      seen.add(key);
      findings.push(
        toFinding(
          current.id,
          current.severity,
          r.node.offset,
          r.node.length,
          r.message,
          fixable ? (r.fixes ?? []) : [],
        ),
      );
    };
  // A rule bug must not hide the other rules' findings; surface it as a finding instead.
  const internalError = (e: unknown, offset: number): void => {
    findings.push(
      toFinding(
        current.id,
        'error',
        offset,
        1,
        `internal error in rule ${current.id}: ${e instanceof Error ? e.message : String(e)}`,
        [],
      ),
    );
  };

  if (doc.configRoots.length) {
    // API outputs and Terraform plans describe a trail; editing them changes nothing: no fixes.
    const ctx = {
      text,
      format: doc.format,
      roots: doc.configRoots,
      report: reporter(targets.every((t) => t.shape !== 'output')),
    };
    for (const rule of enabled) {
      if (!rule.checkDocument) continue;
      current = rule.meta;
      try {
        rule.checkDocument(ctx);
      } catch (e) {
        internalError(e, doc.configRoots[0].offset);
      }
    }
  }
  for (const target of targets) {
    const ctx = { text, target, syntax: doc.syntax, report: reporter(target.shape !== 'output') };
    for (const rule of enabled) {
      if (!rule.check || (target.noInstances && !rule.judgesUncreated)) continue;
      current = rule.meta;
      try {
        rule.check(ctx);
      } catch (e) {
        internalError(e, target.object.offset);
      }
    }
  }

  findings.sort(
    (a, b) =>
      a.offset - b.offset ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
  return { format: doc.format, kinds: doc.kinds, findings };
}
