// Editing help computed from the same catalogue as the rules, in every format: completion and
// hover for selector field names, operators and values, and the "convert to advanced selectors"
// refactoring. Completion locates the cursor in the configuration model under the API's names
// (a path such as AdvancedEventSelectors › 0 › FieldSelectors › 1 › Field), then the same
// catalogue answers for JSON, YAML and Terraform; only the text inserted differs.
import { getLocation, parseTree } from 'jsonc-parser';
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
} from './apiFacts';
import { convertToAdvancedFix } from './convert';
import { detectFormat, readDocument, type ConfigDocument } from './document';
import { hclValue } from './formats/hclEdits';
import { terraformName } from './formats/terraform';
import { yamlScalar } from './formats/yamlEdits';
import {
  nodeAtOffset,
  pathOf,
  prop,
  properties,
  propertyNode,
  stringValue,
  type Node,
  type Path,
} from './tree';
import type { ConfigFormat, Fix } from './types';

export interface CompletionItem {
  label: string;
  kind: 'field' | 'operator' | 'value' | 'property';
  /** Text to insert, written for the document's format (quoted as JSON, a YAML scalar, an HCL string). */
  insertText: string;
  documentation?: string;
}

export interface Completions {
  items: CompletionItem[];
  /** The range the chosen item replaces (the partial word or string under the cursor, quotes included). */
  replace: { offset: number; length: number };
}

const PROPERTY_DOCS: Record<string, string> = {
  ReadWriteType:
    'Basic selector: log read events, write events or both (`ReadOnly`, `WriteOnly`, `All`; default `All`).',
  IncludeManagementEvents:
    'Basic selector: log management events (default true). With false and no data resources, the trail logs nothing.',
  DataResources:
    'Basic selector: S3 objects, Lambda functions or DynamoDB tables to log data events for (at most 250 values per trail).',
  ExcludeManagementEventSources:
    'Basic selector: management event sources not to log: `kms.amazonaws.com`, `rdsdata.amazonaws.com`.',
  FieldSelectors:
    'Advanced selector: the conditions, ANDed. Each holds `Field` and one or more operators.',
  EnableLogFileValidation:
    'Write signed digest files so that tampering with delivered log files can be detected (CIS 3.2). Default false.',
  LogFileValidationEnabled:
    'Whether the trail writes signed digest files for log file integrity validation (CIS 3.2).',
  IsMultiRegionTrail: 'Log events from every Region (CIS 3.1). Default false.',
  IncludeGlobalServiceEvents:
    'Log events of global services (IAM, STS, CloudFront). Default true; required by multi-Region trails.',
  KmsKeyId: 'Customer managed KMS key that encrypts the log files (CIS 3.7).',
  KMSKeyId: 'Customer managed KMS key that encrypts the log files (CIS 3.7).',
  CloudWatchLogsLogGroupArn:
    'Log group that receives the events, for metric filters and alarms (CIS 3.4). Needs CloudWatchLogsRoleArn.',
  CloudWatchLogsRoleArn: 'Role CloudTrail assumes to write to CloudWatchLogsLogGroupArn.',
  IsLogging: 'Whether the trail is recording events.',
  S3KeyPrefix: 'Prefix under the bucket for log files (at most 200 characters).',
  SnsTopicName: 'SNS topic notified of each log file delivery (at most 256 characters).',
  InsightType: '`ApiCallRateInsight` or `ApiErrorRateInsight`.',
};

/** Where the cursor is, in the model's terms, and how the document writes what is inserted. */
interface CursorLocation {
  path: Path;
  /** At a key (property, argument name) rather than a value. */
  atKey: boolean;
  /** The model node at a path, for paths that are prefixes of `path`. */
  nodeAt(path: Path): Node | undefined;
  replace: { offset: number; length: number };
  /** A key as the document spells it, for the list. */
  label(apiName: string): string;
  /** A key as inserted. */
  key(apiName: string): string;
  value(v: string): string;
}

function walk(root: Node | undefined, path: Path): Node | undefined {
  let node = root;
  for (const seg of path)
    node =
      typeof seg === 'number'
        ? node?.type === 'array'
          ? node.children?.[seg]
          : undefined
        : prop(node, seg);
  return node;
}

function jsonLocation(text: string, offset: number): CursorLocation | undefined {
  // jsonc-parser's readers recurse: a document nested too deep gets no help (lint warns of it).
  if (depthExceededAt(text) >= 0) return undefined;
  const loc = getLocation(text, offset);
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false }) as
    Node | undefined;
  if (!root) return undefined;
  const prev = loc.previousNode;
  const replace =
    prev && prev.type === 'string' && offset >= prev.offset && offset <= prev.offset + prev.length
      ? { offset: prev.offset, length: prev.length }
      : { offset, length: 0 };
  return {
    path: loc.path,
    atKey: loc.isAtPropertyKey,
    nodeAt: (p) => walk(root, p),
    replace,
    label: (k) => k,
    key: (k) => JSON.stringify(k),
    value: (v) => JSON.stringify(v),
  };
}

/** A word no configuration holds, put at the cursor so that an incomplete line still parses. */
const MARKER = 'ctlCompletionMarker';
const WORD = /[\w.:/*-]/;

/** The partial word at the cursor, or the quoted string it is in. */
function tokenAt(text: string, offset: number): { start: number; end: number; quote?: string } {
  let start = offset;
  while (start > 0 && WORD.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && WORD.test(text[end])) end++;
  const q = text[start - 1];
  if (q === '"' || q === "'") {
    const close = text.indexOf(q, end);
    const lineEnd = text.indexOf('\n', start);
    if (close >= 0 && (lineEnd < 0 || close < lineEnd))
      return { start: start - 1, end: close + 1, quote: q };
    return { start: start - 1, end, quote: q };
  }
  return { start, end };
}

/** Finds the marker in a model: as a key (its property's path) or as a value. */
function findMarker(node: Node | undefined): Node | undefined {
  if (!node) return undefined;
  if (node.value === MARKER && (node.type === 'string' || node.parent?.type === 'property'))
    return node;
  for (const c of node.children ?? []) {
    const found = findMarker(c);
    if (found) return found;
  }
  return undefined;
}

function yamlLocation(text: string, offset: number): CursorLocation | undefined {
  const tok = tokenAt(text, offset);
  const lineStart = text.lastIndexOf('\n', tok.start - 1) + 1;
  const before = text.slice(lineStart, tok.start);
  const after = text.slice(
    tok.end,
    text.indexOf('\n', tok.end) < 0 ? text.length : text.indexOf('\n', tok.end),
  );
  // A word alone on its line (or after "- ") may be a key being typed: make it one.
  const keyLike = /^\s*(?:-\s+)?$/.test(before) && !tok.quote;
  const marked =
    text.slice(0, tok.start) +
    (keyLike && !/^\s*:/.test(after) ? `${MARKER}:` : MARKER) +
    text.slice(tok.end);
  for (const root of readDocument(marked, 'yaml', { syntaxErrors: false }).roots) {
    const m = findMarker(root);
    if (!m) continue;
    const { path, isKey } = pathOf(m);
    const flow = /[[{,]\s*$/.test(before) || text[tok.end] === ']' || text[tok.end] === ',';
    return {
      path,
      atKey: isKey,
      nodeAt: (p) => walk(root, p),
      replace: { offset: tok.start, length: tok.end - tok.start },
      label: (k) => k,
      key: (k) => k,
      value: (v) => yamlScalar(v, tok.quote, flow),
    };
  }
  return undefined;
}

function hclLocation(text: string, offset: number): CursorLocation | undefined {
  const tok = tokenAt(text, offset);
  const lineStart = text.lastIndexOf('\n', tok.start - 1) + 1;
  const before = text.slice(lineStart, tok.start);
  const keyLike = /^\s*$/.test(before) && !tok.quote;
  const rest = text.slice(
    tok.end,
    text.indexOf('\n', tok.end) < 0 ? text.length : text.indexOf('\n', tok.end),
  );
  const marked =
    text.slice(0, tok.start) +
    (keyLike ? (/^\s*=/.test(rest) ? MARKER : `${MARKER} = 0`) : `"${MARKER}"`) +
    text.slice(tok.end);
  const doc = readDocument(marked, 'terraform');
  for (const t of doc.targets) {
    if (offset < t.object.offset || offset > t.object.offset + t.object.length) continue;
    let path: Path;
    let atKey = keyLike;
    const m = findMarker(t.object);
    if (m) ({ path, isKey: atKey } = pathOf(m));
    else {
      // Unknown arguments are not kept in the model: the innermost block holding the cursor says where.
      let inner: Node = t.object;
      for (let descended = true; descended;) {
        descended = false;
        for (const p of inner.children ?? []) {
          const v = p.children?.[1];
          for (const item of v?.type === 'array' ? (v.children ?? []) : []) {
            if (
              item.type === 'object' &&
              offset > item.offset &&
              offset < item.offset + item.length
            ) {
              inner = item;
              descended = true;
            }
          }
        }
      }
      path = [...pathOf(inner).path, 0];
      atKey = true;
    }
    return {
      path,
      atKey,
      nodeAt: (p) => walk(t.object, p),
      replace: { offset: tok.start, length: tok.end - tok.start },
      label: terraformName,
      key: terraformName,
      value: (v) => hclValue(v),
    };
  }
  return undefined;
}

function values(
  loc: CursorLocation,
  list: readonly string[],
  docs?: (v: string) => string | undefined,
): CompletionItem[] {
  return list.map((v) => ({
    label: v,
    kind: 'value',
    insertText: loc.value(v),
    documentation: docs?.(v),
  }));
}

function keys(
  loc: CursorLocation,
  list: readonly string[],
  kind: CompletionItem['kind'],
  docs: (k: string) => string | undefined,
): CompletionItem[] {
  return list.map((k) => ({
    label: loc.label(k),
    kind,
    insertText: loc.key(k),
    documentation: docs(k),
  }));
}

/** The eventCategory of the advanced selector at `selectorPath`. */
function categoryOf(loc: CursorLocation, selectorPath: Path): EventCategory | undefined {
  for (const fs of prop(loc.nodeAt(selectorPath), 'FieldSelectors')?.children ?? []) {
    if (stringValue(prop(fs, 'Field')) !== 'eventCategory') continue;
    const v = stringValue(prop(fs, 'Equals')?.children?.[0]);
    if (v && (TRAIL_EVENT_CATEGORIES as readonly string[]).includes(v)) return v as EventCategory;
  }
  return undefined;
}

/** The index just after the last occurrence of `key` in `path`, or -1. */
function after(path: Path, key: string): number {
  const i = path.lastIndexOf(key);
  return i < 0 ? -1 : i + 1;
}

function itemsAt(loc: CursorLocation): CompletionItem[] {
  const path = loc.path;
  const adv = after(path, 'AdvancedEventSelectors');
  const basic = after(path, 'EventSelectors');
  const insight = after(path, 'InsightSelectors');
  if (adv >= 0 && path[adv + 1] === 'FieldSelectors' && typeof path[adv + 2] === 'number') {
    const rest = path.slice(adv + 3);
    const category = categoryOf(loc, path.slice(0, adv + 1));
    const fsNode = loc.nodeAt(path.slice(0, adv + 3));
    const field = stringValue(prop(fsNode, 'Field'));
    if (rest.length <= 1 && loc.atKey) {
      const present = new Set(properties(fsNode).map((p) => p.key));
      const ops = field && EQUALS_ONLY_FIELDS.includes(field) ? ['Equals'] : OPERATORS;
      return [
        ...(present.has('Field') && rest[0] !== 'Field'
          ? []
          : keys(loc, ['Field'], 'property', () => 'The event record field this condition tests.')),
        ...keys(
          loc,
          ops.filter((o) => !present.has(o) || o === rest[0]),
          'operator',
          (o) => OPERATOR_DOCS[o],
        ),
      ];
    }
    if (rest[0] === 'Field' && !loc.atKey) {
      const fields = category ? FIELDS_BY_CATEGORY[category] : KNOWN_FIELDS;
      return fields.map((f) => ({
        label: f,
        kind: 'field',
        insertText: loc.value(f),
        documentation: FIELD_DOCS[f],
      }));
    }
    if (typeof rest[0] === 'string' && OPERATORS.includes(rest[0]) && typeof rest[1] === 'number') {
      if (field === 'eventCategory') return values(loc, TRAIL_EVENT_CATEGORIES);
      if (field === 'readOnly')
        return values(loc, ['true', 'false'], (v) =>
          v === 'true' ? 'Read events only' : 'Write events only',
        );
      if (field === 'resources.type') return values(loc, DATA_RESOURCE_TYPES);
      if (field === 'eventSource' && category === 'Management')
        return values(loc, EXCLUDABLE_MANAGEMENT_SOURCES);
    }
    return [];
  }
  if (basic >= 0 && typeof path[basic] === 'number') {
    const rest = path.slice(basic + 1);
    if (rest.length <= 1 && loc.atKey) {
      return keys(
        loc,
        [
          'ReadWriteType',
          'IncludeManagementEvents',
          'DataResources',
          'ExcludeManagementEventSources',
        ],
        'property',
        (k) => PROPERTY_DOCS[k],
      );
    }
    if (rest[0] === 'ReadWriteType') return values(loc, READ_WRITE_TYPES);
    if (rest[0] === 'ExcludeManagementEventSources' && typeof rest[1] === 'number')
      return values(loc, EXCLUDABLE_MANAGEMENT_SOURCES);
    if (rest[0] === 'DataResources' && typeof rest[1] === 'number' && rest[2] === 'Type')
      return values(loc, BASIC_DATA_RESOURCE_TYPES);
    return [];
  }
  if (insight >= 0 && path[insight + 1] === 'InsightType' && !loc.atKey)
    return values(loc, INSIGHT_TYPES);
  return [];
}

/** Completions at `offset` of a document in `format` (detected from the content when not given). */
export function completionsAt(
  text: string,
  offset: number,
  format: ConfigFormat = detectFormat(text),
): Completions | undefined {
  const loc =
    format === 'json'
      ? jsonLocation(text, offset)
      : format === 'yaml'
        ? yamlLocation(text, offset)
        : hclLocation(text, offset);
  if (!loc) return undefined;
  const items = itemsAt(loc);
  return items.length ? { items, replace: loc.replace } : undefined;
}

export interface Hover {
  markdown: string;
  offset: number;
  length: number;
}

function readForAssist(text: string, format: ConfigFormat): ConfigDocument | undefined {
  try {
    return readDocument(text, format, { syntaxErrors: false });
  } catch {
    return undefined; // the HCL parser not loaded yet: no help rather than an error
  }
}

/** A hover at `offset`, only in documents that configure a trail (keys such as IsLogging may mean something else elsewhere). */
export function hoverAt(
  text: string,
  offset: number,
  format: ConfigFormat = detectFormat(text),
): Hover | undefined {
  const doc = readForAssist(text, format);
  if (!doc?.targets.length) return undefined;
  let node: Node | undefined;
  for (const scope of doc.roots.length ? doc.roots : doc.targets.map((t) => t.object)) {
    node = nodeAtOffset(scope, offset);
    if (node && node !== scope) break;
  }
  if (!node || node.type !== 'string') return undefined;
  const s = node.value as string;
  const { path, isKey } = pathOf(node);
  const written = text.slice(node.offset, node.offset + node.length).replace(/^["']|["']$/g, '');
  const inFieldSelector = path.includes('FieldSelectors');
  let markdown: string | undefined;
  if (isKey && inFieldSelector && OPERATOR_DOCS[s])
    markdown = `**${written}** — ${OPERATOR_DOCS[s]}`;
  else if (isKey && PROPERTY_DOCS[s]) markdown = `**${written}** — ${PROPERTY_DOCS[s]}`;
  else if (!isKey && inFieldSelector && path[path.length - 1] === 'Field' && FIELD_DOCS[s]) {
    const cats = (Object.keys(FIELDS_BY_CATEGORY) as EventCategory[]).filter((c) =>
      FIELDS_BY_CATEGORY[c].includes(s),
    );
    markdown = `**${s}** — ${FIELD_DOCS[s]}\n\nAllowed in: ${cats.join(', ')} selectors.`;
  } else if (!isKey && DATA_RESOURCE_TYPES.includes(s)) {
    markdown = `**${s}** — data event resource type${BASIC_DATA_RESOURCE_TYPES.includes(s) ? ' (basic and advanced selectors)' : ' (advanced selectors only)'}.`;
  }
  return markdown ? { markdown, offset: node.offset, length: node.length } : undefined;
}

/** Refactorings available at `offset`: converting the enclosing trail's basic selectors to advanced ones. */
export function refactorsAt(
  text: string,
  offset: number,
  format: ConfigFormat = detectFormat(text),
): Fix[] {
  const doc = readForAssist(text, format);
  const out: Fix[] = [];
  for (const target of doc?.targets ?? []) {
    if (target.shape === 'output') continue;
    const p = propertyNode(target.object, 'EventSelectors');
    if (!p || offset < p.offset || offset > p.offset + p.length) continue;
    const fix = convertToAdvancedFix(doc!.syntax, target);
    if (fix) out.push(fix);
  }
  return out;
}
