// The lint engine's public surface, for src/cli and src/extension.
export {
  lintText,
  lintDocument,
  SYNTAX_RULE_ID,
  SYNTAX_RULE_IDS,
  type EngineOptions,
} from './engine';
export { RULES, RULES_BY_ID } from './rules';
export { applyEdits } from './edits';
export { mayHoldTrailConfig } from './recognise';
export { hasComments } from './suppress';
export type {
  ConfigFormat,
  Finding,
  Fix,
  LintOptions,
  LintResult,
  RuleGroup,
  RuleMeta,
  Severity,
  TextEdit,
  DocumentKind,
} from './types';
export {
  completionsAt,
  hoverAt,
  refactorsAt,
  type CompletionItem,
  type Completions,
  type Hover,
} from './assist';
export { basicToAdvanced } from './convert';
export { CONFIG_FILE_PATTERN, detectFormat, readDocument, type ConfigDocument } from './document';
export { hclParserLoaded, loadHclParser } from './formats/hcl';
