// The lint engine's public surface, for src/cli and src/extension.
export { lintText, SYNTAX_RULE_ID, type EngineOptions } from './engine';
export { RULES, RULES_BY_ID } from './rules';
export { applyEdits } from './edits';
export { mayHoldTrailConfig } from './recognise';
export { hasComments } from './suppress';
export type { Finding, Fix, LintOptions, LintResult, RuleGroup, RuleMeta, Severity, TextEdit, DocumentKind } from './types';
export { completionsAt, hoverAt, refactorsAt, type CompletionItem, type Completions, type Hover } from './assist';
export { basicToAdvanced } from './convert';
