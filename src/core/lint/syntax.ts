// Quick fixes are text edits in the document's own syntax and layout: `"IsMultiRegionTrail": true`
// in JSON, `IsMultiRegionTrail: true` in a YAML mapping, `is_multi_region_trail = true` in a
// Terraform block. Rules say what to change in the configuration model's terms (API names, model
// nodes); a Syntax writes it for one format. JSON here; YAML and HCL in formats/.
import { findNodeAtOffset } from 'jsonc-parser';
import type { AdvancedSelector } from './convert';
import { formattingOf, removeNode, replaceNode, setProperty } from './edits';
import { spellingOf, type Target } from './recognise';
import { nodeValue, prop, propertyNode as findProperty, type Node } from './tree';
import type { ConfigFormat, TextEdit } from './types';

export type Scalar = string | number | boolean;

export interface Syntax {
  readonly format: ConfigFormat;
  /** Replaces a scalar value by `value`, written as this format writes it. */
  replaceValue(node: Node, value: Scalar): TextEdit;
  /** Renames a key to the API name `key`, as the target's document spells it. */
  renameKey(target: Target, keyNode: Node, key: string): TextEdit;
  /** Sets `key` (an API name) of `obj`: its value replaced in place, or the setting inserted. */
  setProperty(target: Target, obj: Node, key: string, value: Scalar): TextEdit[];
  /** Removes item `index` of a list value. */
  removeItem(list: Node, index: number): TextEdit[];
  /**
   * Replaces the target's basic event selectors by `selectors` (advanced ones): written in their
   * place, or appended to the advanced selectors the target already has. Undefined when this
   * document's layout does not allow it.
   */
  replaceBasicSelectors(target: Target, selectors: AdvancedSelector[]): TextEdit[] | undefined;
  /** How a comment line starts (suppression comments); undefined where the format has none (plain JSON). */
  readonly lineComment?: string;
}

/** Renames a key written bare (YAML, HCL) to the API name `key` as the target's document spells it. */
export function renameBareKey(target: Target, keyNode: Node, key: string): TextEdit {
  return { offset: keyNode.offset, length: keyNode.length, newText: spellingOf(target)(key) };
}

/** The advanced selectors the target already has, by their conditions, so a conversion adds no duplicates. */
export function newSelectors(target: Target, selectors: AdvancedSelector[]): AdvancedSelector[] {
  const existing = prop(target.object, 'AdvancedEventSelectors');
  const present = new Set(
    (existing?.children ?? []).map((n) => JSON.stringify(nodeValue(prop(n, 'FieldSelectors')))),
  );
  return selectors.filter((c) => !present.has(JSON.stringify(c.FieldSelectors)));
}

/** Selectors as Terraform JSON writes them (`name`, `field_selector` blocks as arrays, snake_case operators). */
export function terraformShape(
  selectors: AdvancedSelector[],
  spell: (n: string) => string,
): unknown[] {
  return selectors.map((s) => ({
    [spell('Name')]: s.Name,
    [spell('FieldSelectors')]: s.FieldSelectors.map((f) =>
      Object.fromEntries(Object.entries(f).map(([k, v]) => [spell(k), v])),
    ),
  }));
}

/** JSON for `value`, indented to sit at the column of the node that starts at `offset`. */
function jsonAt(text: string, offset: number, value: unknown): string {
  const fmt = formattingOf(text);
  const unit = fmt.insertSpaces ? ' '.repeat(fmt.tabSize ?? 2) : '\t';
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
  return JSON.stringify(value, null, unit)
    .split('\n')
    .join(fmt.eol + indent);
}

/**
 * JSON edits. `root` is the document's jsonc-parser tree: a target read from Terraform JSON is a
 * mapped view of it (API names, some members left out), so edits that depend on the neighbours of
 * a node (inserting, removing) work on the node of the document at the same place.
 */
export function jsonSyntax(text: string, root: Node | undefined, jsonc: boolean): Syntax {
  const source = (n: Node): Node => {
    if (!root) return n;
    let s = findNodeAtOffset(root as Parameters<typeof findNodeAtOffset>[0], n.offset, true) as
      Node | undefined;
    while (s && !(s.offset === n.offset && s.length === n.length && s.type === n.type))
      s = s.parent;
    return s ?? n;
  };
  return {
    format: 'json',
    lineComment: jsonc ? '//' : undefined,
    replaceValue: (node, value) => replaceNode(node, value),
    renameKey: (target, keyNode, key) => ({
      offset: keyNode.offset,
      length: keyNode.length,
      newText: JSON.stringify(spellingOf(target)(key)),
    }),
    setProperty: (target, obj, key, value) =>
      setProperty(text, source(obj), spellingOf(target)(key), value),
    removeItem(list, index) {
      const item = list.children?.[index];
      return item ? [removeNode(source(item))] : [];
    },
    replaceBasicSelectors(target, selectors) {
      const spell = spellingOf(target);
      const write = (s: AdvancedSelector[]) => (target.spell ? terraformShape(s, spell) : s);
      const basicProp = findProperty(target.object, 'EventSelectors')!;
      const advancedValue = prop(target.object, 'AdvancedEventSelectors');
      if (!advancedValue) {
        return [
          {
            offset: basicProp.offset,
            length: basicProp.length,
            newText: `${JSON.stringify(spell('AdvancedEventSelectors'))}: ${jsonAt(text, basicProp.offset, write(selectors))}`,
          },
        ];
      }
      // A list written as one object (Terraform JSON allows it) would need rewriting whole: not offered.
      if (advancedValue.type !== 'array' || text[advancedValue.offset] !== '[') return undefined;
      // Mixed: drop EventSelectors and append the converted selectors to the advanced ones.
      const edits: TextEdit[] = [removeNode(source(basicProp))];
      const added = newSelectors(target, selectors);
      const existing = advancedValue.children ?? [];
      if (added.length) {
        const body = (write(added) as unknown[]).map((c) =>
          jsonAt(text, existing[0]?.offset ?? advancedValue.offset, c),
        );
        const insertAt = existing.length
          ? existing[existing.length - 1].offset + existing[existing.length - 1].length
          : advancedValue.offset + 1;
        const lineStart =
          text.lastIndexOf('\n', (existing[0]?.offset ?? advancedValue.offset) - 1) + 1;
        const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
        const sep = `,${formattingOf(text).eol}${indent}`;
        edits.push({
          offset: insertAt,
          length: 0,
          newText: (existing.length ? sep : '') + body.join(sep),
        });
      }
      return edits;
    },
  };
}
