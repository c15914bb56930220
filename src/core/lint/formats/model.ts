// Builders of configuration-model nodes (../tree.ts) for the readers of YAML and Terraform: each
// node keeps the offsets of the source text it stands for, so findings and fixes land exactly.
import type { Node, NodeType } from '../tree';

interface MutableNode {
  type: NodeType;
  offset: number;
  length: number;
  colonOffset?: number;
  parent?: Node;
  children?: Node[];
  value?: unknown;
  unknownTag?: { offset: number; length: number };
}

export function scalarNode(
  type: 'string' | 'number' | 'boolean' | 'null' | 'opaque',
  offset: number,
  length: number,
  value?: unknown,
): Node {
  const n: MutableNode = { type, offset, length };
  if (value !== undefined) n.value = value;
  return n as Node;
}

/** An opaque value under a tag the linter does not know (Node.unknownTag). */
export function unknownTagNode(
  offset: number,
  length: number,
  tag: { offset: number; length: number },
): Node {
  const n: MutableNode = { type: 'opaque', offset, length, unknownTag: tag };
  return n as Node;
}

/**
 * A property whose key is under a tag (`!Foo IsLogging: true`): the key node records it
 * (Node.unknownTag). What the key is set to is not known either; the caller makes the value opaque.
 */
export function tagKey(property: Node, tag: { offset: number; length: number }): Node {
  (property.children![0] as MutableNode).unknownTag = tag;
  return property;
}

function adopt(parent: MutableNode, children: Node[]): void {
  parent.children = children;
  for (const c of children) (c as MutableNode).parent = parent as Node;
}

export function objectNode(offset: number, length: number, properties: Node[]): Node {
  const n: MutableNode = { type: 'object', offset, length };
  adopt(n, properties);
  return n as Node;
}

export function arrayNode(offset: number, length: number, items: Node[]): Node {
  const n: MutableNode = { type: 'array', offset, length };
  adopt(n, items);
  return n as Node;
}

/**
 * A property: `key` is the name the rules read (the API's), at the offsets of the key as written;
 * `separatorOffset` is where `:` or `=` is (Terraform attributes have one, blocks do not).
 */
export function propertyNode(
  key: string,
  keyOffset: number,
  keyLength: number,
  value: Node,
  offset: number,
  length: number,
  separatorOffset?: number,
): Node {
  const keyNode = scalarNode('string', keyOffset, keyLength, key);
  const n: MutableNode = { type: 'property', offset, length };
  if (separatorOffset !== undefined) n.colonOffset = separatorOffset;
  adopt(n, [keyNode, value]);
  return n as Node;
}
