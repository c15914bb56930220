// The one AST of the query language. The parser builds it once; the in-memory index runs it;
// later work prints it as SQL for Athena / CloudTrail Lake. It is plain data (no closures, no
// class instances) so it can be cached, posted to a webview or serialised as-is.

export type QueryNode =
  | { kind: 'all' } // the empty query: every record
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  | TermNode
  | TextNode;

/**
 * `field:value`, `field>=value`, `field:*`… `fields` are canonical dotted record paths after
 * alias resolution; the term matches when ANY of them matches. `field` is the name as the user
 * typed it (an alias like `user`, or a path), for display. `start`/`end` are UTF-16 offsets of
 * the whole term in the query text, so a view can underline it.
 */
export interface TermNode {
  kind: 'term';
  field: string;
  fields: string[];
  match: ValueMatch;
  start: number;
  end: number;
}

/** A bare word or quoted phrase: a case-insensitive substring of the raw record JSON. */
export interface TextNode {
  kind: 'text';
  text: string;
  start: number;
  end: number;
}

/**
 * How one value is tested (see match.ts, the single definition of these semantics).
 * - `eq`: case-insensitive exact match of the value's text form.
 * - `wildcard`: `*` matches any run of characters (also none); `\*` is a literal star and `\\`
 *   a literal backslash; every other character stands for itself. Case-insensitive.
 * - `exists`: present and not null.
 * - comparisons: `value` is either a number as typed (`1.08`, `-5`) or a UTC instant in
 *   CloudTrail's own format (`2024-05-15T00:00:00Z`, with `.sss` only when milliseconds were
 *   given). Partial dates were already turned into instants by the parser.
 * - `cidr`: the value is an IP address inside `network` (`10.0.0.0/8`, `2001:db8::/32`;
 *   core/cidr.ts). The parser makes it only on address fields (fields.ts, isAddressField).
 */
export type ValueMatch =
  | { op: 'eq'; value: string }
  | { op: 'wildcard'; pattern: string }
  | { op: 'exists' }
  | { op: 'cidr'; network: string }
  | { op: 'lt' | 'le' | 'gt' | 'ge'; value: string };

export type ComparisonOp = 'lt' | 'le' | 'gt' | 'ge';

/** Error thrown by parseQuery. `offset`/`length` locate the problem (UTF-16 units); `column` is offset + 1. */
export class QuerySyntaxError extends Error {
  override readonly name = 'QuerySyntaxError';
  readonly column: number;
  constructor(
    readonly offset: number,
    readonly length: number,
    readonly expected: string[],
    detail: string,
  ) {
    super(`col ${offset + 1}: ${detail}`);
    this.column = offset + 1;
  }
}

/** Every term of a query, in the order written. */
export function termsOf(node: QueryNode): TermNode[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.flatMap(termsOf);
    case 'not':
      return termsOf(node.child);
    case 'term':
      return [node];
    default:
      return [];
  }
}

/** True when a term of the query is on `field` (a canonical path or a derived field such as '@origin'). */
export function mentionsField(node: QueryNode, field: string): boolean {
  return termsOf(node).some((t) => t.fields.includes(field));
}
