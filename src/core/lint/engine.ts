// The lint engine: parse JSONC once, recognise the trail configurations it holds, run every
// enabled rule over each, drop suppressed findings. Shared by the CLI and the editor.
import { ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { depthExceededAt, MAX_JSON_DEPTH } from '../ingest/jsonScan';
import { recognise, recogniseKinds } from './recognise';
import type { Report } from './rule';
import { RULES } from './rules';
import { Suppressions } from './suppress';
import { LineIndex } from './tree';
import type { Finding, LintOptions, LintResult, Severity } from './types';

export const SYNTAX_RULE_ID = 'json-syntax';
/** A document nested too deep to be read (jsonc-parser recurses; 8,000 levels overflow the stack). */
export const DEPTH_RULE_ID = 'json-too-deep';

export interface EngineOptions extends LintOptions {
  /**
   * Report JSON syntax errors as findings. The CLI does; the editor does not, because VS Code's
   * JSON language service already reports them.
   */
  reportSyntaxErrors?: boolean;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function lintText(text: string, options: EngineOptions = {}): LintResult {
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const tooDeepAt = depthExceededAt(text);
  if (tooDeepAt >= 0) {
    const at = lines.position(tooDeepAt);
    const message = `JSON nested more than ${MAX_JSON_DEPTH} levels deep: not checked.`;
    return { kinds: [], findings: [{ ruleId: DEPTH_RULE_ID, severity: 'warning', message, offset: tooDeepAt, length: 1, start: at, end: lines.position(tooDeepAt + 1), fixes: [] }] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });

  const toFinding = (ruleId: string, severity: Severity, offset: number, length: number, message: string, fixes: Finding['fixes']): Finding => ({
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
    for (const e of errors) {
      findings.push(toFinding(SYNTAX_RULE_ID, 'error', e.offset, Math.max(e.length, 1), `JSON syntax error: ${describeParseError(printParseErrorCode(e.error))}.`, []));
    }
  }

  const targets = recognise(root);
  const kinds = recogniseKinds(root, targets);
  if (!targets.length) return { kinds, findings };

  const disabledRules = new Set(options.disabledRules ?? []);
  const disabledGroups = new Set(options.disabledGroups ?? []);
  const suppressions = new Suppressions(text, lines);

  // One report function per target, told which rule is running: no closure per rule and target.
  let current = RULES[0].meta;
  for (const target of targets) {
    const ctx = {
      text,
      target,
      report: (r: Report): void => {
        if (suppressions.suppressed(current.id, lines.lineOf(r.node.offset))) return;
        findings.push(toFinding(current.id, current.severity, r.node.offset, r.node.length, r.message, r.fixes ?? []));
      },
    };
    for (const rule of RULES) {
      current = rule.meta;
      if (disabledRules.has(current.id) || disabledGroups.has(current.group)) continue;
      try {
        rule.check(ctx);
      } catch (e) {
        // A rule bug must not hide the other rules' findings; surface it as a finding instead.
        findings.push(toFinding(current.id, 'error', target.object.offset, 1, `internal error in rule ${current.id}: ${e instanceof Error ? e.message : String(e)}`, []));
      }
    }
  }

  findings.sort((a, b) => a.offset - b.offset || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return { kinds, findings };
}

function describeParseError(code: string): string {
  // "CommaExpected" → "comma expected"
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
