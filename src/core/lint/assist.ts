// Editing help computed from the same catalogue as the rules: completion and hover for selector
// field names, operators and values, and the "convert to advanced selectors" refactoring.
import { findNodeAtOffset, getLocation, getNodePath, parseTree, type Node } from 'jsonc-parser';
import { depthExceededAt } from '../ingest/jsonScan';
import {
  BASIC_DATA_RESOURCE_TYPES,
  DATA_RESOURCE_TYPES,
  EQUALS_ONLY_FIELDS,
  EXCLUDABLE_MANAGEMENT_SOURCES,
  FIELD_DOCS,
  FIELDS_BY_CATEGORY,
  INSIGHT_TYPES,
  KNOWN_FIELDS,
  OPERATOR_DOCS,
  OPERATORS,
  READ_WRITE_TYPES,
  TRAIL_EVENT_CATEGORIES,
  type EventCategory,
} from './catalogue';
import { convertToAdvancedFix } from './convert';
import { recognise } from './recognise';
import { prop, properties, stringValue } from './tree';
import type { Fix } from './types';

export interface CompletionItem {
  label: string;
  kind: 'field' | 'operator' | 'value' | 'property';
  /** Text to insert, already quoted as JSON. */
  insertText: string;
  documentation?: string;
}

export interface Completions {
  items: CompletionItem[];
  /** The range the chosen item replaces (the partial string under the cursor, quotes included). */
  replace: { offset: number; length: number };
}

const PROPERTY_DOCS: Record<string, string> = {
  ReadWriteType: 'Basic selector: log read events, write events or both (`ReadOnly`, `WriteOnly`, `All`; default `All`).',
  IncludeManagementEvents: 'Basic selector: log management events (default true). With false and no data resources, the trail logs nothing.',
  DataResources: 'Basic selector: S3 objects, Lambda functions or DynamoDB tables to log data events for (at most 250 values per trail).',
  ExcludeManagementEventSources: 'Basic selector: management event sources not to log: `kms.amazonaws.com`, `rdsdata.amazonaws.com`.',
  FieldSelectors: 'Advanced selector: the conditions, ANDed. Each holds `Field` and one or more operators.',
  EnableLogFileValidation: 'Write signed digest files so that tampering with delivered log files can be detected (CIS 3.2). Default false.',
  LogFileValidationEnabled: 'Whether the trail writes signed digest files for log file integrity validation (CIS 3.2).',
  IsMultiRegionTrail: 'Log events from every Region (CIS 3.1). Default false.',
  IncludeGlobalServiceEvents: 'Log events of global services (IAM, STS, CloudFront). Default true; required by multi-Region trails.',
  KmsKeyId: 'Customer managed KMS key that encrypts the log files (CIS 3.7).',
  KMSKeyId: 'Customer managed KMS key that encrypts the log files (CIS 3.7).',
  CloudWatchLogsLogGroupArn: 'Log group that receives the events, for metric filters and alarms (CIS 3.4). Needs CloudWatchLogsRoleArn.',
  CloudWatchLogsRoleArn: 'Role CloudTrail assumes to write to CloudWatchLogsLogGroupArn.',
  IsLogging: 'Whether the trail is recording events.',
  S3KeyPrefix: 'Prefix under the bucket for log files (at most 200 characters).',
  SnsTopicName: 'SNS topic notified of each log file delivery (at most 256 characters).',
  InsightType: '`ApiCallRateInsight` or `ApiErrorRateInsight`.',
};

function parse(text: string): Node | undefined {
  return parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
}

/** jsonc-parser's readers recurse: a document nested too deep gets no help (lintText warns of it). */
function tooDeep(text: string): boolean {
  return depthExceededAt(text) >= 0;
}

/** The index just after the last occurrence of `key` in `path`, or -1. */
function after(path: (string | number)[], key: string): number {
  const i = path.lastIndexOf(key);
  return i < 0 ? -1 : i + 1;
}

/** The eventCategory of the advanced selector at `selectorPath`. */
function categoryOf(root: Node, selectorPath: (string | number)[]): EventCategory | undefined {
  let node: Node | undefined = root;
  for (const seg of selectorPath) {
    node = typeof seg === 'number' ? node?.children?.[seg] : prop(node, seg);
  }
  for (const fs of prop(node, 'FieldSelectors')?.children ?? []) {
    if (stringValue(prop(fs, 'Field')) !== 'eventCategory') continue;
    const v = stringValue(prop(fs, 'Equals')?.children?.[0]);
    if (v && (TRAIL_EVENT_CATEGORIES as readonly string[]).includes(v)) return v as EventCategory;
  }
  return undefined;
}

function values(list: readonly string[], docs?: (v: string) => string | undefined): CompletionItem[] {
  return list.map((v) => ({ label: v, kind: 'value', insertText: JSON.stringify(v), documentation: docs?.(v) }));
}

export function completionsAt(text: string, offset: number): Completions | undefined {
  if (tooDeep(text)) return undefined;
  const loc = getLocation(text, offset);
  const path = loc.path;
  const root = parse(text);
  if (!root) return undefined;
  const prev = loc.previousNode;
  const replace = prev && prev.type === 'string' && offset >= prev.offset && offset <= prev.offset + prev.length ? { offset: prev.offset, length: prev.length } : { offset, length: 0 };
  let items: CompletionItem[] = [];

  const adv = after(path, 'AdvancedEventSelectors');
  const basic = after(path, 'EventSelectors');
  const insight = after(path, 'InsightSelectors');
  if (adv >= 0 && path[adv + 1] === 'FieldSelectors' && typeof path[adv + 2] === 'number') {
    const rest = path.slice(adv + 3);
    const selectorPath = path.slice(0, adv + 1);
    const category = categoryOf(root, selectorPath);
    const fsPath = path.slice(0, adv + 3);
    let fsNode: Node | undefined = root;
    for (const seg of fsPath) fsNode = typeof seg === 'number' ? fsNode?.children?.[seg] : prop(fsNode, seg);
    const field = stringValue(prop(fsNode, 'Field'));
    if (rest.length === 1 && loc.isAtPropertyKey) {
      const present = new Set(properties(fsNode).map((p) => p.key));
      const ops = field && EQUALS_ONLY_FIELDS.includes(field) ? ['Equals'] : OPERATORS;
      items = [
        ...(present.has('Field') ? [] : [{ label: 'Field', kind: 'property' as const, insertText: '"Field"', documentation: 'The event record field this condition tests.' }]),
        ...ops.filter((o) => !present.has(o)).map((o) => ({ label: o, kind: 'operator' as const, insertText: JSON.stringify(o), documentation: OPERATOR_DOCS[o] })),
      ];
    } else if (rest[0] === 'Field' && !loc.isAtPropertyKey) {
      const fields = category ? FIELDS_BY_CATEGORY[category] : KNOWN_FIELDS;
      items = fields.map((f) => ({ label: f, kind: 'field', insertText: JSON.stringify(f), documentation: FIELD_DOCS[f] }));
    } else if (typeof rest[0] === 'string' && OPERATORS.includes(rest[0]) && typeof rest[1] === 'number') {
      if (field === 'eventCategory') items = values(TRAIL_EVENT_CATEGORIES);
      else if (field === 'readOnly') items = values(['true', 'false'], (v) => (v === 'true' ? 'Read events only' : 'Write events only'));
      else if (field === 'resources.type') items = values(DATA_RESOURCE_TYPES);
      else if (field === 'eventSource' && category === 'Management') items = values(EXCLUDABLE_MANAGEMENT_SOURCES);
    }
  } else if (basic >= 0 && typeof path[basic] === 'number') {
    const rest = path.slice(basic + 1);
    if (rest.length === 1 && loc.isAtPropertyKey) {
      items = ['ReadWriteType', 'IncludeManagementEvents', 'DataResources', 'ExcludeManagementEventSources'].map((k) => ({
        label: k,
        kind: 'property',
        insertText: JSON.stringify(k),
        documentation: PROPERTY_DOCS[k],
      }));
    } else if (rest[0] === 'ReadWriteType') items = values(READ_WRITE_TYPES);
    else if (rest[0] === 'ExcludeManagementEventSources' && typeof rest[1] === 'number') items = values(EXCLUDABLE_MANAGEMENT_SOURCES);
    else if (rest[0] === 'DataResources' && typeof rest[1] === 'number' && rest[2] === 'Type') items = values(BASIC_DATA_RESOURCE_TYPES);
  } else if (insight >= 0 && path[insight + 1] === 'InsightType' && !loc.isAtPropertyKey) {
    items = values(INSIGHT_TYPES);
  }
  return items.length ? { items, replace } : undefined;
}

export interface Hover {
  markdown: string;
  offset: number;
  length: number;
}

export function hoverAt(text: string, offset: number): Hover | undefined {
  if (tooDeep(text)) return undefined;
  const root = parse(text);
  // Only in trail configurations: keys such as IsLogging may mean something else elsewhere.
  if (!root || !recognise(root).length) return undefined;
  const node = findNodeAtOffset(root, offset);
  if (!node || node.type !== 'string') return undefined;
  const s = node.value as string;
  const parent = node.parent;
  const isKey = parent?.type === 'property' && parent.children?.[0] === node;
  const path = getNodePath(node);
  const inFieldSelector = path.includes('FieldSelectors');
  let markdown: string | undefined;
  if (isKey && inFieldSelector && OPERATOR_DOCS[s]) markdown = `**${s}** — ${OPERATOR_DOCS[s]}`;
  else if (isKey && PROPERTY_DOCS[s]) markdown = `**${s}** — ${PROPERTY_DOCS[s]}`;
  else if (!isKey && inFieldSelector && path[path.length - 1] === 'Field' && FIELD_DOCS[s]) {
    const cats = (Object.keys(FIELDS_BY_CATEGORY) as EventCategory[]).filter((c) => FIELDS_BY_CATEGORY[c].includes(s));
    markdown = `**${s}** — ${FIELD_DOCS[s]}\n\nAllowed in: ${cats.join(', ')} selectors.`;
  } else if (!isKey && DATA_RESOURCE_TYPES.includes(s)) {
    markdown = `**${s}** — data event resource type${BASIC_DATA_RESOURCE_TYPES.includes(s) ? ' (basic and advanced selectors)' : ' (advanced selectors only)'}.`;
  }
  return markdown ? { markdown, offset: node.offset, length: node.length } : undefined;
}

/** Refactorings available at `offset`: converting the enclosing trail's basic selectors to advanced ones. */
export function refactorsAt(text: string, offset: number): Fix[] {
  if (tooDeep(text)) return [];
  const root = parse(text);
  const out: Fix[] = [];
  for (const target of recognise(root)) {
    const p = target.object.children?.find((c) => c.children?.[0]?.value === 'EventSelectors');
    if (!p || offset < p.offset || offset > p.offset + p.length) continue;
    const fix = convertToAdvancedFix(text, target);
    if (fix) out.push(fix);
  }
  return out;
}
