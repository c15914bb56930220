// The shapes the lint engine hands to its front ends (CLI, editor). Positions are character
// offsets into the linted text; front ends convert them to their own line/column models.

export type Severity = 'error' | 'warning' | 'info';

/** Correctness: what the CloudTrail API rejects or what silently logs nothing. Posture: what auditors check. */
export type RuleGroup = 'correctness' | 'posture';

export interface RuleMeta {
  id: string;
  group: RuleGroup;
  severity: Severity;
  /** One line, shown in lists and hovers. */
  title: string;
  /** Why it matters and what to do, in a few sentences. */
  description: string;
  /** AWS documentation that states the limit or the recommendation. */
  docUrl: string;
  /** Benchmark / scanner controls the rule corresponds to (posture rules). */
  controls?: string[];
}

/** A replacement of `length` characters at `offset` by `newText` (all offsets refer to the original text). */
export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like VS Code and most editors. */
  column: number;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  offset: number;
  length: number;
  start: Position;
  end: Position;
  fixes: Fix[];
}

/** The kinds of documents recognised by content. */
export type DocumentKind =
  | 'put-event-selectors'
  | 'get-event-selectors'
  | 'trail-input'
  | 'trail-output'
  | 'describe-trails'
  | 'get-trail'
  | 'trail-status'
  | 'cloudformation'
  /** `resource "aws_cloudtrail"` / `"aws_cloudtrail_event_data_store"` in a .tf or .tf.json file. */
  | 'terraform'
  /** The same resources in `terraform show -json` output (a plan, or the state). */
  | 'terraform-plan';

/**
 * The syntaxes the engine reads. JSON covers JSONC, CloudFormation JSON, Terraform JSON
 * configuration (.tf.json) and plans; YAML covers CloudFormation YAML (and CLI --output yaml);
 * terraform is HCL (.tf).
 */
export type ConfigFormat = 'json' | 'yaml' | 'terraform';

export interface LintOptions {
  /** Rule ids switched off. */
  disabledRules?: readonly string[];
  /** Rule groups switched off. */
  disabledGroups?: readonly RuleGroup[];
}

export interface LintResult {
  /** The syntax the document was read as. */
  format: ConfigFormat;
  /** Kinds found in the document; empty when it configures no trail (then there are no findings). */
  kinds: DocumentKind[];
  /** Sorted by position. Syntax errors come as findings with ruleId `json-syntax`, `yaml-syntax` or `hcl-syntax`. */
  findings: Finding[];
}
