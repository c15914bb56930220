// The configuration model the rules read, and small readers over it. JSON documents give it
// directly (jsonc-parser's trees have this shape); YAML and Terraform readers build it with the
// offsets of their own source text (src/core/lint/formats). Values the linter must not guess are
// "unknown" to every reader here, so rules leave them alone: CloudFormation intrinsic functions
// (`{"Ref": …}`, `{"Fn::If": …}`, `!Ref`, `!Sub`…) and Terraform expressions (variables, locals,
// function calls, references), which the readers turn into `opaque` nodes.

export type NodeType =
  'object' | 'array' | 'property' | 'string' | 'number' | 'boolean' | 'null' | 'opaque';

export interface Node {
  readonly type: NodeType;
  /** Where the node's text starts in the linted document (UTF-16 code units). */
  readonly offset: number;
  readonly length: number;
  /** Property: offset of the separator (`:`, `=`); unused by the rules. */
  readonly colonOffset?: number;
  readonly parent?: Node;
  /** Object: properties; property: [key, value]; array: items. */
  readonly children?: Node[];
  /** Scalars: the value; key nodes: the key (canonical for formats that spell keys differently). */
  readonly value?: any;
  /**
   * YAML: the range of a tag on this value that is neither an intrinsic function's short form nor
   * a YAML core tag (`!Foo`, `!Reff`). Its value is not known: the node is opaque. On a key node:
   * any tag but a YAML core tag (CloudFormation reads keys as plain names); the key's value is opaque.
   */
  readonly unknownTag?: { offset: number; length: number };
}

/**
 * The property node (key + value) named `key` in an object node. When the key is repeated, the
 * last one: what the AWS CLI's JSON reader and CloudFormation (JSON and YAML templates) use.
 */
export function propertyNode(obj: Node | undefined, key: string): Node | undefined {
  if (!obj || obj.type !== 'object' || !obj.children) return undefined;
  for (let i = obj.children.length - 1; i >= 0; i--) {
    const p = obj.children[i];
    const k = p.children?.[0];
    if (k && k.value === key) return p;
  }
  return undefined;
}

/** The value node of property `key`. */
export function prop(obj: Node | undefined, key: string): Node | undefined {
  return propertyNode(obj, key)?.children?.[1];
}

/** The key node of property `key`. */
export function propKey(obj: Node | undefined, key: string): Node | undefined {
  return propertyNode(obj, key)?.children?.[0];
}

export function properties(
  obj: Node | undefined,
): { key: string; keyNode: Node; value: Node; property: Node }[] {
  if (!obj || obj.type !== 'object' || !obj.children) return [];
  const out = [];
  for (const p of obj.children) {
    const [k, v] = p.children ?? [];
    if (k && v) out.push({ key: String(k.value), keyNode: k, value: v, property: p });
  }
  return out;
}

/** A value the linter does not evaluate: an intrinsic function, a Terraform expression. */
export function isIntrinsic(node: Node | undefined): boolean {
  if (node?.type === 'opaque') return true;
  if (!node || node.type !== 'object' || !node.children || node.children.length !== 1) return false;
  const key = String(node.children[0].children?.[0]?.value ?? '');
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::');
}

export function stringValue(node: Node | undefined): string | undefined {
  return node?.type === 'string' ? (node.value as string) : undefined;
}

/** Booleans, and CloudFormation's string booleans ("true"/"false"). Undefined when unknown. */
export function boolValue(node: Node | undefined): boolean | undefined {
  if (!node) return undefined;
  if (node.type === 'boolean') return node.value as boolean;
  if (node.type === 'string') {
    const s = String(node.value).toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return undefined;
}

export function arrayItems(node: Node | undefined): Node[] {
  return node?.type === 'array' ? (node.children ?? []) : [];
}

/** The plain value of a node (objects, arrays, scalars); opaque values are undefined. */
export function nodeValue(node: Node | undefined): unknown {
  if (!node || node.type === 'opaque') return undefined;
  if (node.type === 'array') return (node.children ?? []).map(nodeValue);
  if (node.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const p of properties(node)) out[p.key] = nodeValue(p.value);
    return out;
  }
  return node.value;
}

/** A place in the model: property names (the API's) and list indexes. */
export type Path = (string | number)[];

/** The path from the model's root to `node` (API names, list indexes), and whether `node` is a key. */
export function pathOf(node: Node): { path: Path; isKey: boolean } {
  const path: Path = [];
  let isKey = false;
  let n: Node | undefined = node;
  if (n.parent?.type === 'property' && n.parent.children?.[0] === n) {
    isKey = true;
    path.unshift(n.value as string);
    n = n.parent;
  }
  while (n?.parent) {
    const p: Node = n.parent;
    if (p.type === 'property') path.unshift(p.children![0].value as string);
    else if (p.type === 'array') path.unshift(p.children!.indexOf(n));
    n = p;
  }
  return { path, isKey };
}

/** The innermost node holding `offset`. */
export function nodeAtOffset(node: Node, offset: number): Node | undefined {
  if (offset < node.offset || offset > node.offset + node.length) return undefined;
  for (const c of node.children ?? []) {
    const inner = nodeAtOffset(c, offset);
    if (inner) return inner;
  }
  return node;
}

/** Line/column lookup for offsets, built once per text. */
/**
 * Calls `visit` on `root` and every node under it, each once, in document order: a YAML alias
 * stands for its anchored node wherever it is used, and is visited where it is first met.
 */
export function eachNodeOnce(root: Node, visit: (n: Node) => void): void {
  const seen = new Set<Node>();
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    visit(n);
    if (n.children) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
}

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    if (!text.includes('\r')) {
      // The common case, with the native search: a lone \r (old Mac line ends) needs the slow loop.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1))
        this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 1-based line and column. */
  position(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    return { line: line + 1, column: offset - this.starts[line] + 1 };
  }

  lineStart(line0: number): number {
    return this.starts[Math.min(line0, this.starts.length - 1)];
  }
}
