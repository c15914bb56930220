// A record path's values as text taken from the record's stored JSON, for output (the CLI's
// csv/table columns): a number is written as stored (12345678901234567890, 1e400, 1.0 — a parse
// would give 12345678901234567000, Infinity, 1), an object or array as its own JSON text put on
// one line. Paths are read as the query language reads them (match.ts fieldValues): a key
// exactly, else every key equal ignoring case; arrays met on the way fan out; a duplicated key
// counts once, with its last value, as JSON.parse keeps it.
import { type Node, parseTree } from 'jsonc-parser';
import { singleLineJson } from '../ingest/eventFile';

/** The values at `path` as text (a leaf array gives each of its elements); [] when absent or not JSON. */
export function fieldTexts(rawJson: string, path: string): string[] {
  const root = parseTree(rawJson);
  if (!root) return [];
  let current: Node[] = [root];
  for (const segment of path.split('.')) {
    const next: Node[] = [];
    for (const node of current) collectKey(node, segment, next);
    if (next.length === 0) return [];
    current = next;
  }
  return current
    .flatMap((n) => (n.type === 'array' ? (n.children ?? []) : [n]))
    .map((n) => nodeText(rawJson, n));
}

function collectKey(node: Node, key: string, out: Node[]): void {
  if (node.type === 'array') {
    for (const element of node.children ?? []) collectKey(element, key, out);
    return;
  }
  if (node.type !== 'object') return;
  // Last value per key, as JSON.parse keeps it; a Map, since keys are log content.
  const members = new Map<string, Node>();
  for (const property of node.children ?? []) {
    const [name, value] = property.children ?? [];
    if (name && value && typeof name.value === 'string') members.set(name.value, value);
  }
  const exact = members.get(key);
  if (exact) {
    out.push(exact);
    return;
  }
  const lower = key.toLowerCase();
  for (const [name, value] of members) if (name.toLowerCase() === lower) out.push(value);
}

function nodeText(rawJson: string, node: Node): string {
  if (node.type === 'string') return String(node.value);
  if (node.type === 'null') return '';
  const text = rawJson.slice(node.offset, node.offset + node.length);
  return node.type === 'object' || node.type === 'array' ? singleLineJson(text) : text;
}

/**
 * A record's leaves as flat fields (`userIdentity.arn`, `resources.0.ARN`), for an export that
 * wants no nesting (Timesketch), written as fieldTexts writes values: a number that a parse would
 * change (12345678901234567890, 1e400, -0) as its stored text, anything nested deeper than
 * `maxDepth` as its own JSON text on one line; null and empty containers give no field; a
 * duplicated key its last value, as JSON.parse keeps it. A `.` or `\` inside a key is escaped
 * with `\`, so that a key written `"userIdentity.arn"` cannot stand for userIdentity's arn;
 * a key "" is a name like any other (at the top, the field "" and its members ".arn"), so that
 * it stands neither for the record itself nor for a field beside it.
 * No prototype: a key "__proto__" is a field like any other.
 */
export function flatFields(rawJson: string, maxDepth: number): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  const root = parseTree(rawJson);
  if (root) flattenNode(rawJson, root, undefined, out, 0, maxDepth);
  return out;
}

function flattenNode(
  rawJson: string,
  node: Node,
  /** The node's flattened name; undefined for the record itself (whose key "" is named ''). */
  prefix: string | undefined,
  out: Record<string, unknown>,
  depth: number,
  maxDepth: number,
): void {
  const text = () => rawJson.slice(node.offset, node.offset + node.length);
  if (node.type === 'null') return;
  if (node.type === 'number') {
    if (prefix !== undefined)
      out[prefix] = JSON.stringify(node.value) === text() ? node.value : text();
    return;
  }
  if (node.type !== 'object' && node.type !== 'array') {
    if (prefix !== undefined) out[prefix] = node.value;
    return;
  }
  if (depth >= maxDepth && prefix !== undefined) {
    out[prefix] = singleLineJson(text());
    return;
  }
  const at = (key: string) => (prefix === undefined ? key : `${prefix}.${key}`);
  if (node.type === 'array') {
    (node.children ?? []).forEach((element, i) =>
      flattenNode(rawJson, element, at(String(i)), out, depth + 1, maxDepth),
    );
    return;
  }
  const members = new Map<string, Node>();
  for (const property of node.children ?? []) {
    const [name, value] = property.children ?? [];
    if (name && value && typeof name.value === 'string') {
      members.set(name.value, value);
    }
  }
  for (const [name, value] of members)
    flattenNode(rawJson, value, at(name.replace(/[\\.]/g, '\\$&')), out, depth + 1, maxDepth);
}
