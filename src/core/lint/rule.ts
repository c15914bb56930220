// What a rule is: its metadata and a check over one recognised target, or over the whole document
// that holds them (what is wrong wherever it is written: a key set twice in Parameters).
import type { Target } from './recognise';
import type { Syntax } from './syntax';
import type { Node } from './tree';
import type { ConfigFormat, Fix, RuleMeta } from './types';

export interface Report {
  /** What the finding points at: a node, or any range of the text. */
  node: Node | { offset: number; length: number };
  message: string;
  fixes?: Fix[];
}

export interface RuleContext {
  readonly text: string;
  readonly target: Target;
  /** Writes fixes in the document's syntax. */
  readonly syntax: Syntax;
  report(r: Report): void;
}

export interface DocumentContext {
  readonly text: string;
  readonly format: ConfigFormat;
  /** The models (JSON, YAML) that hold a recognised configuration; a YAML stream's others are not read. */
  readonly roots: readonly Node[];
  report(r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  /** Over each recognised target. */
  check?(ctx: RuleContext): void;
  /** Once over the whole document, when it holds a recognised configuration. */
  checkDocument?(ctx: DocumentContext): void;
  /**
   * `check` also runs over a Terraform resource that gets no instance (Target.noInstances), which
   * the other rules pass over: what is wrong with it is only what Terraform refuses whatever the count.
   */
  judgesUncreated?: boolean;
}

export function defineRule(
  meta: RuleMeta,
  check: (ctx: RuleContext) => void,
  checkDocument?: (ctx: DocumentContext) => void,
): Rule {
  return checkDocument ? { meta, check, checkDocument } : { meta, check };
}

export function defineDocumentRule(meta: RuleMeta, check: (ctx: DocumentContext) => void): Rule {
  return { meta, checkDocument: check };
}
