// What a rule is: its metadata and a check over one recognised target.
import type { Target } from './recognise';
import type { Syntax } from './syntax';
import type { Node } from './tree';
import type { Fix, RuleMeta } from './types';

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

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export function defineRule(meta: RuleMeta, check: (ctx: RuleContext) => void): Rule {
  return { meta, check };
}
