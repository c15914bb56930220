// Quick-fix edits written as Terraform HCL: `enable_log_file_validation = true` added to the
// resource block after its last argument (its `=` aligned with the argument's, as `terraform fmt`
// does), values replaced by HCL literals, basic selectors converted to `advanced_event_selector`
// blocks.
import type { AdvancedSelector } from '../convert';
import { removeNode } from '../edits';
import { spellingOf, type Target } from '../recognise';
import { newSelectors, renameBareKey, type Scalar, type Syntax } from '../syntax';
import { prop, type Node } from '../tree';
import type { TextEdit } from '../types';
import { nullArguments } from './hcl';
import { indentOf, joinEdits, lineEndOf, lineStartOf, unitOf, wholeLines } from './layout';
import { terraformName } from './terraform';

/** An HCL literal: strings quoted, with `${` and `%{` escaped so they stay literal text. */
export function hclValue(value: Scalar | readonly string[]): string {
  if (Array.isArray(value)) return `[${value.map((v) => hclValue(v)).join(', ')}]`;
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** Attribute lines `name = value` with their `=` aligned, as `terraform fmt` writes consecutive arguments. */
function attributeLines(attrs: [string, string][], indent: string): string[] {
  const width = Math.max(...attrs.map(([k]) => k.length));
  return attrs.map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}`);
}

/** `advanced_event_selector` blocks for `selectors`, each line indented by `indent`. */
function selectorBlocks(
  selectors: AdvancedSelector[],
  indent: string,
  unit: string,
  eol: string,
): string {
  const blocks = selectors.map((s) => {
    const lines = [
      `${indent}${terraformName('AdvancedEventSelectors')} {`,
      ...attributeLines([['name', hclValue(s.Name)]], indent + unit),
    ];
    for (const f of s.FieldSelectors) {
      const attrs: [string, string][] = [['field', hclValue(f.Field)]];
      for (const [op, values] of Object.entries(f))
        if (op !== 'Field') attrs.push([terraformName(op), hclValue(values as string[])]);
      lines.push(
        '',
        `${indent}${unit}${terraformName('FieldSelectors')} {`,
        ...attributeLines(attrs, indent + unit + unit),
        `${indent}${unit}}`,
      );
    }
    lines.push(`${indent}}`);
    return lines.join(eol);
  });
  return blocks.join(eol + eol);
}

export function hclSyntax(text: string): Syntax {
  const { unit, eol } = unitOf(text);
  const replaceValue = (node: Node, value: Scalar): TextEdit => ({
    offset: node.offset,
    length: node.length,
    newText: hclValue(value),
  });

  /** Where the block's `{` is: after its type and labels (labels are quoted strings or identifiers without braces). */
  const openBrace = (block: Node) => text.indexOf('{', block.offset);

  return {
    format: 'terraform',
    lineComment: '#',
    replaceValue,
    renameKey: renameBareKey,
    setProperty(target, block, key, value) {
      const existing = prop(block, key) ?? nullArguments.get(block)?.get(key);
      if (existing) return [replaceValue(existing, value)];
      const name = spellingOf(target)(key);
      const open = openBrace(block);
      const close = block.offset + block.length - 1;
      if (open < 0 || text[close] !== '}') return []; // an unfinished block: nothing sensible to insert
      const attributes = (block.children ?? []).filter((p) => p.colonOffset !== undefined);
      const last = attributes[attributes.length - 1];
      const blockIndent = indentOf(text, block.offset);
      if (last && lineEndOf(text, last.offset + last.length) > close) {
        // `{ name = "x" }` on one line holds one argument at most: one argument a line.
        const inner = `${blockIndent}${unit}`;
        const kept = text.slice(last.offset, last.offset + last.length);
        return [
          {
            offset: open + 1,
            length: close - open - 1,
            newText: `${eol}${inner}${kept}${eol}${inner}${name} = ${hclValue(value)}${eol}${blockIndent}`,
          },
        ];
      }
      if (last) {
        // After the last argument, at its indentation, `=` at its column when the name fits.
        const indent = indentOf(text, last.offset);
        const eqColumn = last.colonOffset! - lineStartOf(text, last.offset) - indent.length;
        const padded = name.length < eqColumn ? name.padEnd(eqColumn - 1) : name;
        return [
          {
            offset: lineEndOf(text, last.offset + last.length),
            length: 0,
            newText: `${eol}${indent}${padded} = ${hclValue(value)}`,
          },
        ];
      }
      const line = `${blockIndent}${unit}${name} = ${hclValue(value)}`;
      if (lineEndOf(text, open) >= close) {
        // `resource "aws_cloudtrail" "x" {}` on one line: open it up.
        return [
          {
            offset: open + 1,
            length: close - open - 1,
            newText: `${eol}${line}${eol}${blockIndent}`,
          },
        ];
      }
      return [{ offset: lineEndOf(text, open), length: 0, newText: `${eol}${line}` }];
    },
    removeItem(list, index) {
      const item = list.children?.[index];
      return item ? [removeNode(item)] : [];
    },
    replaceBasicSelectors(target: Target, selectors: AdvancedSelector[]) {
      const basic = prop(target.object, 'EventSelectors');
      const advanced = prop(target.object, 'AdvancedEventSelectors');
      if (basic?.type !== 'array' || (advanced && advanced.type !== 'array')) return undefined;
      const blocks = basic.children ?? [];
      const indent = indentOf(text, blocks[0].offset);
      // Each event_selector block goes, whole lines.
      const edits: TextEdit[] = blocks.map((b) => ({
        ...wholeLines(text, b.offset, b.offset + b.length),
        newText: '',
      }));
      const added = advanced ? newSelectors(target, selectors) : selectors;
      if (added.length) {
        const body = selectorBlocks(added, indent, unit, eol);
        if (advanced) {
          // After the last advanced_event_selector block.
          const lastBlock = advanced.children![advanced.children!.length - 1];
          const at = lineEndOf(text, lastBlock.offset + lastBlock.length);
          edits.push({ offset: at, length: 0, newText: `${eol}${eol}${body}` });
        } else {
          // Where the first event_selector block was.
          edits.push({
            offset: lineStartOf(text, blocks[0].offset),
            length: 0,
            newText: body + eol,
          });
        }
      }
      return joinEdits(edits);
    },
  };
}
