// Small readers over jsonc-parser trees. CloudFormation values may be intrinsic functions
// (`{"Ref": …}`, `{"Fn::If": …}`); those are "unknown" to every reader here, so rules leave them alone.
import type { Node } from 'jsonc-parser';

export type { Node };

/** The property node (key + value) named `key` in an object node. */
export function propertyNode(obj: Node | undefined, key: string): Node | undefined {
  if (!obj || obj.type !== 'object' || !obj.children) return undefined;
  for (const p of obj.children) {
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

export function properties(obj: Node | undefined): { key: string; keyNode: Node; value: Node; property: Node }[] {
  if (!obj || obj.type !== 'object' || !obj.children) return [];
  const out = [];
  for (const p of obj.children) {
    const [k, v] = p.children ?? [];
    if (k && v) out.push({ key: String(k.value), keyNode: k, value: v, property: p });
  }
  return out;
}

export function isIntrinsic(node: Node | undefined): boolean {
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
  return node?.type === 'array' ? node.children ?? [] : [];
}

/** Line/column lookup for offsets, built once per text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    if (!text.includes('\r')) {
      // The common case, with the native search: a lone \r (old Mac line ends) needs the slow loop.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
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
